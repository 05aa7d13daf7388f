"""A small tokenizer and recursive-descent parser for warehouse column type strings.

It reads the spellings dbt users write in ``data_type`` for Snowflake, BigQuery, Postgres/Redshift,
Databricks/Spark, DuckDB and ClickHouse, including nesting to any depth::

    varchar(20)  numeric(12, 2)  timestamp(3) with time zone  double precision  int[]  integer[3]
    array<struct<a int, b: string>>  STRUCT<a INT64>  struct(a integer, b varchar)  map<string, int>
    Array(Nullable(String))  Tuple(a Int32, b String)  Enum8('a' = 1, 'b' = 2)  DateTime64(3, 'UTC')

The parser only builds a syntax tree (:class:`TypeNode`); :mod:`tessera.ingest.dbt.types` gives it a
meaning. Anything it cannot read raises :class:`TypeSyntaxError`, which the mapping turns into an
*unknown* type.
"""

from __future__ import annotations

from dataclasses import dataclass

_PUNCTUATION = frozenset("<>()[],:=")
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_CHARS = _IDENT_START | frozenset("0123456789$")
_DIGITS = frozenset("0123456789")

# Multi-word type names: which word may follow which (``double precision``, ``character varying``,
# ``timestamp with local time zone``, ``interval day to second`` ...).
_NEXT_WORDS: dict[str, frozenset[str]] = {
    "double": frozenset({"precision"}),
    "character": frozenset({"varying"}),
    "char": frozenset({"varying"}),
    "nchar": frozenset({"varying"}),
    "bit": frozenset({"varying"}),
    "national": frozenset({"character", "char"}),
    "timestamp": frozenset({"with", "without"}),
    "time": frozenset({"with", "without"}),
    "with": frozenset({"local", "time"}),
    "without": frozenset({"time"}),
    "local": frozenset({"time"}),
}
_INTERVAL_WORDS = frozenset({"year", "month", "day", "hour", "minute", "second", "to"})


class TypeSyntaxError(ValueError):
    """The type string is not something this parser understands."""


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: ``kind`` is ident, qident (quoted identifier), number, string or punct."""

    kind: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Field:
    """A named member of a struct-like type."""

    name: str
    type: TypeNode


@dataclass(frozen=True, slots=True)
class TypeNode:
    """A parsed type: lower-cased ``name`` (words joined by one space) and its arguments.

    ``args`` holds, in order, ints (lengths, precisions), strings (enum labels, time zones),
    nested :class:`TypeNode` (element types) and :class:`Field` (struct members). ``array_dims``
    lists postfix array markers (``int[]`` -> ``(None,)``, ``int[3][]`` -> ``(3, None)``).
    ``text`` is the exact source text of this type, for reporting unknown nested types.
    """

    name: str
    args: tuple[int | str | TypeNode | Field, ...]
    array_dims: tuple[int | None, ...]
    text: str


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens; raises :class:`TypeSyntaxError` on a character it cannot read."""
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in _IDENT_START:
            j = i + 1
            while j < n and source[j] in _IDENT_CHARS:
                j += 1
            tokens.append(Token("ident", source[i:j].lower(), i, j))
            i = j
        elif ch in _DIGITS or (ch == "-" and i + 1 < n and source[i + 1] in _DIGITS):
            j = i + 1
            while j < n and source[j] in _DIGITS:
                j += 1
            tokens.append(Token("number", source[i:j], i, j))
            i = j
        elif ch in "'\"`":
            j, chars = i + 1, []
            while True:
                if j >= n:
                    raise TypeSyntaxError(f"unterminated quote at {i}")
                if source[j] == ch:
                    if j + 1 < n and source[j + 1] == ch:  # doubled quote escapes itself
                        chars.append(ch)
                        j += 2
                        continue
                    break
                if source[j] == "\\" and j + 1 < n:
                    chars.append(source[j + 1])
                    j += 2
                    continue
                chars.append(source[j])
                j += 1
            kind = "string" if ch == "'" else "qident"
            tokens.append(Token(kind, "".join(chars), i, j + 1))
            i = j + 1
        elif ch in _PUNCTUATION:
            tokens.append(Token("punct", ch, i, i + 1))
            i += 1
        else:
            raise TypeSyntaxError(f"unexpected character {ch!r} at {i}")
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise TypeSyntaxError("unexpected end of type")
        self.pos += 1
        return token

    def at_punct(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.value == value

    def expect(self, value: str) -> Token:
        token = self.take()
        if token.kind != "punct" or token.value != value:
            raise TypeSyntaxError(f"expected {value!r} at {token.start}")
        return token

    def parse_top(self) -> TypeNode:
        node = self.parse_type()
        self.skip_column_modifiers()
        if self.peek() is not None:
            raise TypeSyntaxError(f"unexpected {self.take().value!r} after the type")
        return node

    def skip_column_modifiers(self) -> None:
        # `not null`, `null` and `comment '...'` may trail a type in DDL-like spellings.
        while (token := self.peek()) is not None and token.kind == "ident":
            if token.value == "not" and (nxt := self.peek(1)) is not None and nxt.value == "null":
                self.pos += 2
            elif token.value == "null":
                self.pos += 1
            elif token.value == "comment" and (nxt := self.peek(1)) is not None and nxt.kind == "string":
                self.pos += 2
            else:
                return

    def name_words(self, first: str) -> list[str]:
        words = [first]
        while (token := self.peek()) is not None and token.kind == "ident":
            if words[0] == "interval":
                allowed = _INTERVAL_WORDS
            elif words[-1] == "time" and len(words) > 1:
                allowed = frozenset({"zone"})
            else:
                allowed = _NEXT_WORDS.get(words[-1], frozenset())
            if token.value not in allowed:
                break
            words.append(token.value)
            self.pos += 1
        return words

    def parse_type(self) -> TypeNode:
        head = self.take()
        if head.kind not in ("ident", "qident"):
            raise TypeSyntaxError(f"expected a type name at {head.start}")
        start = head.start
        words = self.name_words(head.value.lower())
        args: tuple[int | str | TypeNode | Field, ...] = ()
        if self.at_punct("(") or self.at_punct("<"):
            closing = ")" if self.take().value == "(" else ">"
            args = self.parse_args(closing)
            if words[-1] in _NEXT_WORDS:  # `timestamp(3) with time zone`
                words = words[:-1] + self.name_words(words[-1])
        dims: list[int | None] = []
        while True:
            if self.at_punct("["):
                self.pos += 1
                size: int | None = None
                token = self.peek()
                if token is not None and token.kind == "number":
                    size = int(self.take().value)
                self.expect("]")
                dims.append(size)
            elif (token := self.peek()) is not None and token.kind == "ident" and token.value == "array":
                self.pos += 1  # Postgres' `integer array`
                dims.append(None)
            else:
                break
        end = self.tokens[self.pos - 1].end
        return TypeNode(" ".join(words), args, tuple(dims), self.source[start:end])

    def parse_args(self, closing: str) -> tuple[int | str | TypeNode | Field, ...]:
        args: list[int | str | TypeNode | Field] = []
        if self.at_punct(closing):
            self.pos += 1
            return ()
        while True:
            args.append(self.parse_arg())
            token = self.take()
            if token.kind == "punct" and token.value == closing:
                return tuple(args)
            if token.kind != "punct" or token.value != ",":
                raise TypeSyntaxError(f"expected ',' or {closing!r} at {token.start}")

    def parse_arg(self) -> int | str | TypeNode | Field:
        token = self.peek()
        if token is None:
            raise TypeSyntaxError("unexpected end of type")
        if token.kind == "number":
            self.pos += 1
            return int(token.value)
        if token.kind == "string":
            self.pos += 1
            if self.at_punct("="):  # ClickHouse enum label = value
                self.pos += 1
                if self.take().kind != "number":
                    raise TypeSyntaxError("expected a number after '='")
            return token.value
        if self.is_field_start():
            name = self.take().value
            if self.at_punct(":"):
                self.pos += 1
            field_type = self.parse_type()
            self.skip_column_modifiers()
            return Field(name, field_type)
        node = self.parse_type()
        self.skip_column_modifiers()
        return node

    def is_field_start(self) -> bool:
        """A struct member starts with a name followed by ``:`` or by a type name."""
        token, nxt = self.peek(), self.peek(1)
        if token is None or nxt is None or token.kind not in ("ident", "qident"):
            return False
        if nxt.kind == "punct":
            return nxt.value == ":"
        if nxt.kind not in ("ident", "qident"):
            return False
        # `double precision`, `character varying`, ... are one type, not a member named `double`.
        return not (token.kind == "ident" and nxt.value in _NEXT_WORDS.get(token.value, frozenset()))


def parse_type(source: str) -> TypeNode:
    """Parse one column type string; raises :class:`TypeSyntaxError` when it cannot."""
    return _Parser(source).parse_top()
