"""Reading and validating an OpenAPI 3.0/3.1 document (JSON or YAML) with openapi-spec-validator.

An unreadable or invalid document raises :class:`InvalidSourceError` naming the first problem and where
it is (a JSON pointer into the document).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import orjson
import yaml

from tessera.ingest.source import InvalidSourceError

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
VALIDATED_CACHE_SIZE = 32

# Digests of documents that passed validation. Validation is deterministic and, for a big document, takes
# seconds (openapi-spec-validator walks every schema); a CI job re-syncing an unchanged description skips it.
_validated: OrderedDict[bytes, None] = OrderedDict()
_validated_lock = threading.Lock()


class _Loader(yaml.SafeLoader):
    """Safe YAML without timestamp conversion: ``2024-01-01`` stays a string, as JSON would have it."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_document(raw: bytes) -> dict[str, Any]:
    """The document as a dict (JSON if it parses as JSON, else YAML), validated against its version."""
    if not raw.strip():
        raise InvalidSourceError("empty", "The document is empty; send an OpenAPI 3.0 or 3.1 file.")
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidSourceError("too_large", f"The document is larger than {MAX_DOCUMENT_BYTES >> 20} MB.")
    try:
        data: object = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = _yaml(raw)
    if not isinstance(data, dict):
        raise InvalidSourceError("not_openapi", "The document is not a mapping (expected an OpenAPI object).")
    version = data.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        found = f"'{version}'" if version is not None else "no 'openapi' field"
        raise InvalidSourceError(
            "unsupported_version", f"Only OpenAPI 3.0 and 3.1 documents are read (found {found})."
        )
    digest = hashlib.sha256(raw).digest()
    with _validated_lock:
        known = digest in _validated
        if known:
            _validated.move_to_end(digest)
    if not known:
        _validate(data)
        with _validated_lock:
            _validated[digest] = None
            while len(_validated) > VALIDATED_CACHE_SIZE:
                _validated.popitem(last=False)
    return data


def _yaml(raw: bytes) -> object:
    try:
        return yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise InvalidSourceError("invalid_yaml", f"Not valid JSON or YAML: {exc.problem}{where}.") from None
    except yaml.YAMLError as exc:
        raise InvalidSourceError("invalid_yaml", f"Not valid JSON or YAML: {exc}.") from None


class _ExternalReference(Exception):
    """Raised instead of fetching: a ``$ref`` outside the document is never read (no URL, no file)."""


def _refuse(uri: str) -> object:
    raise _ExternalReference(uri)


class _NoRetrieval(dict[str, Any]):
    """Resolver handlers for every URI scheme that fetch nothing.

    openapi-spec-validator's default handlers open ``http(s)://`` and ``file://`` references, and for a
    scheme they do not list the retriever falls back to ``urlopen``: a document sent to the server could
    make it fetch internal URLs or read its files (and echo their content in the validation error). This
    mapping claims every scheme and refuses each one.
    """

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return _refuse


def _ref_location(node: object, ref: str, path: tuple[str, ...] = ()) -> str | None:
    """The JSON pointer of the first ``$ref`` whose value is ``ref`` (document order), if any."""
    if isinstance(node, Mapping):
        if node.get("$ref") == ref:
            return _pointer(path)
        for key, value in node.items():
            found = _ref_location(value, ref, (*path, str(key)))
            if found is not None:
                return found
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found = _ref_location(value, ref, (*path, str(i)))
            if found is not None:
                return found
    return None


def _pointer(parts: Any) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _unresolvable(data: Mapping[str, Any], ref: str) -> InvalidSourceError:
    where = _ref_location(data, ref)
    at = f" at {where}" if where is not None else ""
    if not ref.startswith("#"):
        return InvalidSourceError(
            "unresolvable_ref",
            f"Invalid OpenAPI document{at}: only references inside the document are read; "
            f"'{ref}' points elsewhere.",
        )
    return InvalidSourceError("unresolvable_ref", f"Invalid OpenAPI document{at}: '{ref}' points at nothing.")


def _validate(data: Mapping[str, Any]) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from referencing.exceptions import PointerToNowhere, Unresolvable

    base = OpenAPIV31SpecValidator if str(data["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    # The validator class reads its handlers from the class: a subclass keeps every reference local.
    cls = type(base.__name__, (base,), {"resolver_handlers": _NoRetrieval()})
    try:
        error = next(iter(cls(data).iter_errors()), None)
    except Unresolvable as exc:
        ref = str(getattr(exc, "ref", exc))
        if isinstance(exc, PointerToNowhere) and not ref.startswith("#"):
            ref = "#" + ref  # referencing reports the pointer inside the document without its '#'
        raise _unresolvable(data, ref) from None
    except RecursionError:
        raise InvalidSourceError("invalid_openapi", "The document nests too deeply to validate.") from None
    if error is None:
        return
    path = _pointer(error.path)
    message = str(getattr(error, "message", error)).splitlines()[0][:300]
    raise InvalidSourceError("invalid_openapi", f"Invalid OpenAPI document at {path}: {message}")
