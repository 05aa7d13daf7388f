// Reads [{name, old, new}] (SDL) as JSON on stdin; prints {name: {verdict, changes}} as JSON on stdout.
// verdict: "breaking" if any change is BREAKING, else "dangerous" if any is DANGEROUS, else "safe".
import { diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pairs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = {};
for (const pair of pairs) {
  const changes = await diff(buildSchema(pair.old), buildSchema(pair.new));
  const levels = changes.map((c) => c.criticality.level);
  const verdict = levels.includes('BREAKING') ? 'breaking' : levels.includes('DANGEROUS') ? 'dangerous' : 'safe';
  out[pair.name] = { verdict, changes: changes.map((c) => `${c.criticality.level} ${c.type} ${c.path ?? ''}`) };
}
process.stdout.write(JSON.stringify(out));
