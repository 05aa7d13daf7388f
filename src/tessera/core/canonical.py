"""The one canonical JSON encoding (RFC 8785, JSON Canonicalization Scheme) behind every fingerprint.

Object keys are sorted by their UTF-16 code units, numbers are written the way ECMAScript writes a
double (``1.0`` -> ``1``, ``1e21`` -> ``1e+21``, ``-0.0`` -> ``0``), strings escape only what JSON
requires, and the text is hashed as UTF-8. Inside RFC 8785's domain the output is byte-identical to the
``rfc8785`` package (the tests check it on generated values). Outside it we still give one answer:

* integers beyond +-(2**53 - 1) are written with their exact digits (JSON Schemas carry bounds such as
  ``maximum: 9223372036854775807``; rounding them to a double would hide a change of the last digits);
* a lone surrogate in a string (Python's JSON parser accepts ``"\\ud800"``) is written as that escape;
* NaN, infinities and anything that is not a JSON value raise :class:`InvalidSchemaError` (except that
  the fast path, like the standard library, writes a number, boolean or null object key as a string;
  parsed JSON never has such keys).

The common case runs in C. orjson with sorted keys gives exactly the canonical text for values without
floats or nulls (most schemas and guarantees); otherwise the standard library's encoder with sorted keys
does, unless the value holds floats (rewritten token by token afterwards) or keys whose code-point and
UTF-16 orders disagree (then an explicit-stack walk runs, which is also what very deep values get, so
no value can exhaust the interpreter's recursion limit).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

import orjson

from tessera.core.errors import InvalidSchemaError

_C_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_quote = json.encoder.encode_basestring  # C-accelerated; escapes exactly what RFC 8785 escapes

# A float in the encoder's output (``repr``) is a digit, "." and a digit, or a digit and an exponent with
# its sign. Text without either pattern holds no float; a match inside a string (a version number in a
# description) only costs the token pass. Hex digests never match: their "e" has no sign. Each pattern
# starts with a literal, which the regex engine scans for quickly; the look-behind checks the digit.
_DOT_FLOAT = re.compile(r"\.(?<=[0-9]\.)[0-9]")
_EXP_FLOAT = re.compile(r"e[-+](?<=[0-9]e[-+])[0-9]")
# A string token (skipped) or a float token (group 1) of the C encoder's output.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?[0-9]+(?:\.[0-9]+(?:e[-+][0-9]+)?|e[-+][0-9]+))')
# Characters whose code-point order differs from their UTF-16 order (BMP above the surrogates, astral).
_ORDER_HAZARD = re.compile("[\ue000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A token of orjson's output that it may have written differently from RFC 8785: a float (a number with
# "." or an exponent) or a null (which is also how orjson writes NaN and infinities). orjson writes no
# whitespace, so a value token outside a string follows ":", "," or "[" (or starts the text); the same
# characters inside a string (a description saying "ratio:1.5") only send the value down the slower
# path, while key names such as "nullable" and hex digests ("3e0f...") never match.
_ORJSON_RISKY = re.compile(rb"[:,\[](?:null|-?[0-9]+[.eE])")
_ORJSON_RISKY_START = re.compile(rb"(?:null|-?[0-9]+[.eE])")


class _Text:
    """A literal piece of output queued on the walk's stack."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def canonical_json(value: object, pointer: object | None = None) -> str:
    """The RFC 8785 text of a JSON value (see the module docstring for values outside its domain).

    Raises InvalidSchemaError (located at ``pointer``) for anything that is not a JSON value.
    """
    if isinstance(value, str):
        text = _quote(value)
        return text if text.isascii() else _escape_surrogates(text)
    fast = _orjson_text(value)
    if fast is not None:
        return fast
    try:
        text = _C_ENCODER.encode(value)
    except ValueError as exc:
        if "Circular reference" in str(exc):  # the walk would go round forever
            raise InvalidSchemaError("the value contains itself", pointer) from exc
        return _walk(value, pointer)  # NaN, infinity, or an integer too long to print: the walk reports it
    except (TypeError, RecursionError):
        return _walk(value, pointer)  # not plain JSON, a huge integer, or too deep: the walk decides
    if not text.isascii():
        if _ORDER_HAZARD.search(text) is not None:
            return _walk(value, pointer)
        text = _escape_surrogates(text)
    if _may_hold_floats(text):
        text = _TOKEN.sub(_float_token, text)
    return text


def _orjson_text(value: object) -> str | None:
    """The canonical text through orjson when it provably is orjson's output, else None.

    orjson writes sorted keys, minimal escapes and integers exactly as RFC 8785 does, about four times
    faster than the standard library; it differs on floats (``1.0``, ``1e21``), writes NaN as ``null``,
    and refuses lone surrogates, non-string keys, integers beyond 64 bits and very deep values. Output
    with a float or ``null`` token (see ``_ORJSON_RISKY``), or with characters whose code-point and
    UTF-16 orders differ, is left to the standard library's path below.
    """
    try:
        raw = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return None
    if _ORJSON_RISKY.search(raw) is not None or _ORJSON_RISKY_START.match(raw) is not None:
        return None
    text = raw.decode()
    if not text.isascii() and _ORDER_HAZARD.search(text) is not None:
        return None
    return text


def canonical_bytes(value: object, pointer: object | None = None) -> bytes:
    """:func:`canonical_json` as UTF-8 bytes, what a fingerprint hashes."""
    return canonical_json(value, pointer).encode()


def json_fingerprint(value: object) -> str:
    """Hex SHA-256 of the canonical JSON of ``value``: equal exactly when the values are equal as JSON."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def number_text(value: float, pointer: object | None = None) -> str:
    """A number as RFC 8785 writes it (ECMAScript's shortest round-trip form); exact digits for ints."""
    if isinstance(value, int):
        return str(int(value))  # int() first: an IntEnum's str() is its name
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidSchemaError(f"{value!r} is not a JSON number", pointer)
    if value == 0:
        return "0"
    text = repr(value)  # Python's repr is the shortest text that round-trips, as ECMAScript's is
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)  # decimal point position after the digits' start
    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    digits = significant.rstrip("0")
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    tail = ("e+" if power >= 0 else "e-") + str(abs(power))
    return sign + digits[0] + ("." + digits[1:] if count > 1 else "") + tail


def _may_hold_floats(text: str) -> bool:
    if "." in text and _DOT_FLOAT.search(text) is not None:
        return True
    return ("e+" in text or "e-" in text) and _EXP_FLOAT.search(text) is not None


def _float_token(match: re.Match[str]) -> str:
    token = match.group(1)
    if token is None:
        return match.group(0)  # a string: already canonical
    return number_text(float(token))


def _escape_surrogates(text: str) -> str:
    # A lone surrogate cannot be written as UTF-8; JSON's \\u escape keeps it (outside RFC 8785's domain).
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _walk(value: object, pointer: object | None) -> str:
    out: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item.text)
        elif item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif isinstance(item, str):
            out.append(_escape_surrogates(_quote(item)))
        elif isinstance(item, int | float):
            try:
                out.append(number_text(item, pointer))
            except ValueError as exc:  # an integer with more digits than Python will print
                raise InvalidSchemaError("number too large", pointer) from exc
        elif isinstance(item, Mapping):
            keys = list(item.keys())
            if not all(isinstance(k, str) for k in keys):
                raise InvalidSchemaError("object keys must be strings", pointer)
            entries: list[object] = [_Text("{")]
            for index, key in enumerate(sorted(keys, key=_utf16)):
                entries.append(_Text(("," if index else "") + _escape_surrogates(_quote(key)) + ":"))
                entries.append(item[key])
            entries.append(_Text("}"))
            stack.extend(reversed(entries))
        elif isinstance(item, list | tuple):
            entries = [_Text("[")]
            for index, element in enumerate(item):
                if index:
                    entries.append(_Text(","))
                entries.append(element)
            entries.append(_Text("]"))
            stack.extend(reversed(entries))
        else:
            raise InvalidSchemaError(f"not a JSON value: {type(item).__name__}", pointer)
    return "".join(out)


__all__ = ["canonical_bytes", "canonical_json", "json_fingerprint", "number_text"]
