"""Value keywords (``enum``, ``const``, ``default``) and scalar constraints: formats, lengths, patterns,
numeric bounds, ``multipleOf``, fixed-point precision, item and property counts."""

from __future__ import annotations

import math
from fractions import Fraction

from tessera.core import changes as c
from tessera.core.json_types import JsonValue
from tessera.core.keywords import DECIMAL_KEYWORDS
from tessera.core.kinds import ChangeKind
from tessera.core.schema import MISSING
from tessera.core.values import canonical_key
from tessera.core.walk import Scope, as_json

K = ChangeKind
TIGHTENED, RELAXED, CHANGED = K.CONSTRAINT_TIGHTENED, K.CONSTRAINT_RELAXED, K.CONSTRAINT_CHANGED
_LOWER_COUNTS = ("minLength", "minItems", "minProperties", "minContains")
_UPPER_COUNTS = ("maxLength", "maxItems", "maxProperties", "maxContains")
_VALUE_CONSTRAINTS = ("dependentRequired", "dependencies", "$dynamicRef", "$recursiveRef")
VALUE_KEYS = frozenset({"enum", "const", "default"})
SCALAR_KEYS = frozenset(
    {"format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    | set(_LOWER_COUNTS)
    | set(_UPPER_COUNTS)
    | set(_VALUE_CONSTRAINTS)
    | set(DECIMAL_KEYWORDS)
)


def compare_values(s: Scope) -> None:
    """``enum``, ``const`` and ``default``, compared as JSON values (``1`` is ``1.0``, not ``true``)."""
    o, n, path, emit = s.o, s.n, s.path, s.walk.emit
    old_enum, new_enum = o.enum(), n.enum()
    if old_enum is None and new_enum is not None:
        emit(c.enum_introduced(path, [new_enum[k] for k in sorted(new_enum)]))
    elif old_enum is not None and new_enum is None:
        emit(c.enum_dropped(path, [old_enum[k] for k in sorted(old_enum)]))
    elif old_enum is not None and new_enum is not None and old_enum.keys() != new_enum.keys():
        removed = sorted(old_enum.keys() - new_enum.keys())
        added = sorted(new_enum.keys() - old_enum.keys())
        if removed:
            emit(c.enum_values_removed(path, [old_enum[k] for k in removed]))
        if added:
            emit(c.enum_values_added(path, [new_enum[k] for k in added]))

    old_const, new_const = o.get("const"), n.get("const")
    if old_const is not MISSING or new_const is not MISSING:
        if old_const is MISSING:
            emit(c.const_added(path, as_json(new_const)))
        elif new_const is MISSING:
            emit(c.const_removed(path, as_json(old_const)))
        elif canonical_key(old_const, o.loc) != canonical_key(new_const, n.loc):
            emit(c.const_changed(path, as_json(old_const), as_json(new_const)))

    old_default, new_default = o.get("default"), n.get("default")
    if old_default is not MISSING or new_default is not MISSING:
        had, has = old_default is not MISSING, new_default is not MISSING
        if not (had and has) or canonical_key(old_default, o.loc) != canonical_key(new_default, n.loc):
            emit(
                c.default_change(
                    path,
                    as_json(old_default) if had else None,
                    as_json(new_default) if has else None,
                    had=had,
                    has=has,
                )
            )


def compare_scalar_constraints(s: Scope) -> None:
    """``format``, counts, ``pattern``, bounds, ``multipleOf`` and the value-like constraints."""
    o, n, path = s.o, s.n, s.path
    old_format, new_format = o.string("format"), n.string("format")
    if old_format != new_format and not s.folded("format", old_format, new_format):
        if old_format is None:
            assert new_format is not None
            s.walk.emit(c.format_added(path, new_format))
        elif new_format is None:
            s.walk.emit(c.format_removed(path, old_format))
        else:
            s.walk.emit(c.format_changed(path, old_format, new_format))

    for keyword in _LOWER_COUNTS:
        _count(s, keyword, o.count(keyword), n.count(keyword), larger_is_tighter=True)
    for keyword in _UPPER_COUNTS:
        _count(s, keyword, o.count(keyword), n.count(keyword), larger_is_tighter=False)

    old_pattern, new_pattern = o.string("pattern"), n.string("pattern")
    if old_pattern != new_pattern:
        kind = TIGHTENED if old_pattern is None else RELAXED if new_pattern is None else CHANGED
        s.constraint(kind, "pattern", old_pattern, new_pattern)

    _bounds(s, "min")
    _bounds(s, "max")

    old_multiple, new_multiple = o.number("multipleOf"), n.number("multipleOf")
    if old_multiple != new_multiple:
        if old_multiple is None:
            kind = TIGHTENED
        elif new_multiple is None:
            kind = RELAXED
        else:
            ratio = Fraction(new_multiple) / Fraction(old_multiple)
            kind = (
                TIGHTENED if ratio.denominator == 1 else RELAXED if (1 / ratio).denominator == 1 else CHANGED
            )
        s.constraint(kind, "multipleOf", old_multiple, new_multiple)

    old_digits, new_digits = o.decimal_digits(), n.decimal_digits()
    if old_digits != new_digits:
        _decimal(s, old_digits, new_digits)

    for keyword in _VALUE_CONSTRAINTS:
        old_value, new_value = o.get(keyword), n.get(keyword)
        if old_value is MISSING and new_value is MISSING:
            continue
        if old_value is MISSING:
            s.constraint(TIGHTENED, keyword, None, as_json(new_value))
        elif new_value is MISSING:
            s.constraint(RELAXED, keyword, as_json(old_value), None)
        elif canonical_key(old_value, o.loc) != canonical_key(new_value, n.loc):
            s.constraint(CHANGED, keyword, as_json(old_value), as_json(new_value))


def _count(s: Scope, keyword: str, old: int | None, new: int | None, *, larger_is_tighter: bool) -> None:
    if old == new:
        return
    if old is None:
        kind = TIGHTENED
    elif new is None:
        kind = RELAXED
    else:
        kind = TIGHTENED if (new > old) == larger_is_tighter else RELAXED
    s.constraint(kind, keyword, old, new)


def _decimal(s: Scope, old: tuple[int | None, int | None], new: tuple[int | None, int | None]) -> None:
    """``decimal(p, s)`` holds every value with at most ``p - s`` digits before the point and ``s`` after.

    One declaration allows everything the other does exactly when it has at least as many digits on both
    sides: more on both is relaxed, fewer on both tightened, and a trade between them (``decimal(10,2)``
    to ``decimal(10,4)``) changes the valid values in both directions.
    """
    (old_whole, old_fraction), (new_whole, new_fraction) = _capacity(*old), _capacity(*new)
    if (old_whole, old_fraction) == (new_whole, new_fraction):
        return  # e.g. a scale of 0 written out or left implicit
    if new_whole >= old_whole and new_fraction >= old_fraction:
        kind = RELAXED
    elif new_whole <= old_whole and new_fraction <= old_fraction:
        kind = TIGHTENED
    else:
        kind = CHANGED
    s.constraint(kind, "x-precision", _decimal_text(*old), _decimal_text(*new))


def _capacity(precision: int | None, scale: int | None) -> tuple[float, float]:
    """Digits allowed before and after the point (``inf``: unbounded)."""
    if precision is None and scale is None:
        return math.inf, math.inf
    fraction = scale or 0
    return (math.inf if precision is None else precision - fraction), fraction


def _decimal_text(precision: int | None, scale: int | None) -> JsonValue:
    if precision is None and scale is None:
        return None
    return f"decimal({'*' if precision is None else precision},{scale or 0})"


def _bounds(s: Scope, side: str) -> None:
    old, new = s.o.bound(side), s.n.bound(side)
    if old == new:
        return
    keyword = "minimum" if side == "min" else "maximum"
    if old is None:
        kind = TIGHTENED
    elif new is None:
        kind = RELAXED
    else:
        # Rank bounds on one line: for a lower bound, a higher value or an exclusive one is tighter.
        sign = 1 if side == "min" else -1
        old_rank, new_rank = (sign * old[0], old[1]), (sign * new[0], new[1])
        if old_rank == new_rank:
            return
        kind = TIGHTENED if new_rank > old_rank else RELAXED
    s.constraint(kind, keyword, _bound_text(side, old), _bound_text(side, new))


def _bound_text(side: str, bound: tuple[float, bool] | None) -> JsonValue:
    if bound is None:
        return None
    value, exclusive = bound
    op = (">" if exclusive else ">=") if side == "min" else ("<" if exclusive else "<=")
    shown = int(value) if isinstance(value, float) and value.is_integer() else value
    return f"{op} {shown}"


__all__ = ["SCALAR_KEYS", "VALUE_KEYS", "compare_scalar_constraints", "compare_values"]
