"""Schema pairs (old SDL, new SDL) on which Tessera's verdicts are compared with GraphQL Inspector's."""

from __future__ import annotations

BASE = """
schema { query: Query mutation: Mutation }
directive @auth(role: String) on FIELD_DEFINITION
scalar DateTime
interface Node { id: ID! }
interface Named { name: String }
type Query {
  user(id: ID!): User
  users(first: Int = 10, role: Role): [User!]!
  tags: [String]
  thing: Thing
  node(id: ID!): Node
}
type Mutation { createUser(input: NewUser!): User }
type User implements Node & Named {
  id: ID!
  name: String
  email: String!
  role: Role
  created: DateTime
  friends: [User]
  legacy: String @deprecated(reason: "use name")
}
type Group implements Node { id: ID! members: [User!]! }
enum Role { ADMIN MEMBER GUEST @deprecated(reason: "gone") }
union Thing = User | Group
input NewUser { name: String! email: String nickname: String = "n" }
"""


def edit(old: str, new: str, count: int = 1) -> str:
    """BASE with ``old`` replaced by ``new`` (which must occur ``count`` times)."""
    assert BASE.count(old) == count, old
    return BASE.replace(old, new)


PAIRS: dict[str, tuple[str, str]] = {
    "unchanged": (BASE, BASE),
    "object_field_added": (BASE, edit("  role: Role\n  created", "  role: Role\n  age: Int\n  created")),
    "object_field_removed": (BASE, edit("  email: String!\n", "")),
    "output_field_made_nullable": (BASE, edit("  email: String!\n", "  email: String\n")),
    "output_field_made_non_null": (BASE, edit("  name: String\n  email", "  name: String!\n  email")),
    "output_field_type_changed": (BASE, edit("  email: String!\n", "  email: Int!\n")),
    "output_field_list_to_single": (BASE, edit("  tags: [String]\n", "  tags: String\n")),
    "output_field_single_to_list": (BASE, edit("  thing: Thing\n", "  thing: [Thing]\n")),
    "output_list_made_non_null": (BASE, edit("  tags: [String]\n", "  tags: [String]!\n")),
    "output_non_null_list_made_nullable": (BASE, edit("role: Role): [User!]!", "role: Role): [User!]")),
    "output_list_items_made_non_null": (BASE, edit("  tags: [String]\n", "  tags: [String!]\n")),
    "output_list_items_made_nullable": (BASE, edit("members: [User!]!", "members: [User]!")),
    "output_field_object_type_changed": (BASE, edit("  thing: Thing\n", "  thing: Group\n")),
    "output_field_scalar_to_custom": (BASE, edit("  created: DateTime\n", "  created: String\n")),
    "enum_value_added": (BASE, edit("enum Role { ADMIN MEMBER", "enum Role { ADMIN OWNER MEMBER")),
    "enum_value_removed": (BASE, edit("enum Role { ADMIN MEMBER", "enum Role { ADMIN")),
    "enum_value_deprecated": (
        BASE,
        edit("ADMIN MEMBER GUEST", 'ADMIN MEMBER @deprecated(reason: "x") GUEST'),
    ),
    "union_member_added": (
        BASE,
        edit("union Thing = User | Group", "union Thing = User | Group | Extra\ntype Extra { x: Int }"),
    ),
    "union_member_removed": (BASE, edit("union Thing = User | Group", "union Thing = User")),
    "type_added": (BASE, BASE + "type Extra { x: Int }\n"),
    "unreferenced_type_removed": (BASE + "type Extra { x: Int }\n", BASE),
    "custom_scalar_added": (BASE, BASE + "scalar Email\n"),
    "custom_scalar_removed": (BASE + "scalar Email\n", BASE),
    "object_became_interface": (
        BASE + "type Extra { x: Int }\n",
        BASE + "interface Extra { x: Int }\n",
    ),
    "argument_added_optional": (
        BASE,
        edit("  user(id: ID!): User", "  user(id: ID!, active: Boolean): User"),
    ),
    "argument_added_required": (
        BASE,
        edit("  user(id: ID!): User", "  user(id: ID!, active: Boolean!): User"),
    ),
    "argument_added_required_with_default": (
        BASE,
        edit("  user(id: ID!): User", "  user(id: ID!, active: Boolean! = true): User"),
    ),
    "argument_removed": (BASE, edit("users(first: Int = 10, role: Role)", "users(first: Int = 10)")),
    "argument_made_non_null": (
        BASE,
        edit("users(first: Int = 10, role: Role)", "users(first: Int = 10, role: Role!)"),
    ),
    "argument_made_nullable": (BASE, edit("  user(id: ID!): User", "  user(id: ID): User")),
    "argument_type_changed": (BASE, edit("  user(id: ID!): User", "  user(id: String!): User")),
    "argument_default_changed": (BASE, edit("first: Int = 10", "first: Int = 20")),
    "argument_description_added": (BASE, edit("  user(id: ID!): User", '  user("the id" id: ID!): User')),
    "input_field_added_optional": (
        BASE,
        edit('nickname: String = "n" }', 'nickname: String = "n" age: Int }'),
    ),
    "input_field_added_required": (
        BASE,
        edit('nickname: String = "n" }', 'nickname: String = "n" age: Int! }'),
    ),
    "input_field_removed": (BASE, edit(" email: String nickname", " nickname")),
    "input_field_made_non_null": (BASE, edit(" email: String nickname", " email: String! nickname")),
    "input_field_made_nullable": (
        BASE,
        edit("input NewUser { name: String!", "input NewUser { name: String"),
    ),
    "input_field_type_changed": (BASE, edit(" email: String nickname", " email: Int nickname")),
    "input_field_default_changed": (BASE, edit('nickname: String = "n"', 'nickname: String = "m"')),
    "field_deprecated": (BASE, edit("  tags: [String]\n", '  tags: [String] @deprecated(reason: "x")\n')),
    "field_deprecation_removed": (BASE, edit(' @deprecated(reason: "use name")', "")),
    "field_description_added": (BASE, edit("  tags: [String]\n", '  "All tags"\n  tags: [String]\n')),
    "type_description_added": (BASE, edit("type Group implements", '"A group"\ntype Group implements')),
    "interface_added_to_object": (
        BASE,
        edit("type Group implements Node {", "type Group implements Node & Named { name: String"),
    ),
    "interface_removed_from_object": (
        BASE,
        edit("type User implements Node & Named", "type User implements Node"),
    ),
    "interface_field_added": (
        BASE,
        BASE.replace(
            "interface Named { name: String }", "interface Named { name: String nick: String }"
        ).replace("  legacy:", "  nick: String\n  legacy:"),
    ),
    "interface_field_removed": (
        BASE.replace(
            "interface Named { name: String }", "interface Named { name: String nick: String }"
        ).replace("  legacy:", "  nick: String\n  legacy:"),
        BASE,
    ),
    "mutation_added": (
        BASE,
        edit(
            "type Mutation { createUser(input: NewUser!): User }",
            "type Mutation { createUser(input: NewUser!): User deleteUser(id: ID!): Boolean }",
        ),
    ),
    "mutation_removed": (
        BASE.replace(
            "type Mutation { createUser(input: NewUser!): User }",
            "type Mutation { createUser(input: NewUser!): User deleteUser(id: ID!): Boolean }",
        ),
        BASE,
    ),
    "directive_removed": (BASE, edit("directive @auth(role: String) on FIELD_DEFINITION\n", "")),
    "directive_added": (BASE, BASE + "directive @cached on FIELD_DEFINITION\n"),
    "directive_argument_added_required": (
        BASE,
        edit("@auth(role: String)", "@auth(role: String, scope: String!)"),
    ),
    "directive_location_removed": (
        edit("on FIELD_DEFINITION\n", "on FIELD_DEFINITION | OBJECT\n"),
        BASE,
    ),
    "directive_location_added": (BASE, edit("on FIELD_DEFINITION\n", "on FIELD_DEFINITION | OBJECT\n")),
}

KNOWN_DISAGREEMENTS: dict[str, str] = {
    "output_list_items_made_non_null": (
        "Tessera spells a list field's whole type ([String] vs [String!]) and calls any change to it "
        "breaking; Inspector knows that list items becoming non-null is safe for readers. Conservative."
    ),
    "argument_added_optional": (
        "A new optional argument changes nothing for existing queries; Tessera treats it like a new "
        "optional input field (safe), Inspector calls it dangerous."
    ),
    "argument_added_required_with_default": (
        "Same as argument_added_optional: a non-null argument with a default is optional for callers."
    ),
}
