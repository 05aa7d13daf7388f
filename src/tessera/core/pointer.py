"""JSON pointers (RFC 6901): cheap persistent paths for the diff walk, and parsing of ``$ref`` values."""

from __future__ import annotations


def escape(segment: str) -> str:
    """Escape one reference token: ``~`` becomes ``~0`` and ``/`` becomes ``~1``."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo :func:`escape`."""
    return token.replace("~1", "/").replace("~0", "~")


def column_of(path: str) -> str | None:
    """The top-level column a change path touches (``/properties/<c>/...`` or ``/columns/<c>``), lower
    case; ``None`` for a change of the table as a whole."""
    tokens = path.split("/")
    if len(tokens) >= 3 and tokens[0] == "" and tokens[1] in ("properties", "columns") and tokens[2]:
        return unescape(tokens[2]).lower()
    return None


class Path:
    """An immutable path built by appending segments; appending is O(1) and shares the parent.

    The diff walk creates one path per visited node, so copying tuples of segments at every level would
    make very deep schemas quadratic.
    """

    __slots__ = ("depth", "parent", "segment", "skip_equality")

    def __init__(self, parent: Path | None = None, segment: str = "") -> None:
        self.parent = parent
        self.segment = segment
        self.depth: int = 0 if parent is None else parent.depth + 1
        # The diff's ``==`` shortcut failed (too deep) this many segments above: don't retry yet.
        self.skip_equality: int = (
            0 if parent is None or not parent.skip_equality else parent.skip_equality - 1
        )

    def child(self, *segments: str) -> Path:
        """The path one or more segments below this one."""
        path = self
        for segment in segments:
            path = Path(path, segment)
        return path

    def segments(self) -> tuple[str, ...]:
        """The segments from the root down to this path."""
        parts: list[str] = []
        node: Path | None = self
        while node is not None and node.parent is not None:
            parts.append(node.segment)
            node = node.parent
        parts.reverse()
        return tuple(parts)

    def pointer(self) -> str:
        """The JSON pointer text (``""`` for the root)."""
        return "".join("/" + escape(s) for s in self.segments())

    def __str__(self) -> str:
        return self.pointer()


ROOT = Path()


class Location:
    """A place in a labelled document, rendered lazily (only error messages need the text).

    A child location keeps its parent and the extra segments, so creating one is a single small object;
    the :class:`Path` is built only when asked for.
    """

    __slots__ = ("_parent", "_path", "_segments", "label")

    def __init__(self, label: str, path: Path | None = None) -> None:
        self.label = label
        self._path = path if path is not None else ROOT
        self._parent: Location | None = None
        self._segments: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The location's path from the document root."""
        if self._parent is not None:
            # Resolve the chain of pending parents iteratively (it can be thousands long).
            pending: list[Location] = []
            node: Location | None = self
            while node is not None and node._parent is not None:
                pending.append(node)
                node = node._parent
            for location in reversed(pending):
                assert location._parent is not None
                location._path = location._parent._path.child(*location._segments)
                location._parent = None
        return self._path

    def child(self, *segments: str) -> Location:
        """The location one or more segments below this one."""
        child = Location.__new__(Location)
        child.label = self.label
        child._path = ROOT
        child._parent = self
        child._segments = segments
        return child

    def __str__(self) -> str:
        pointer = self.path.pointer() or "/"
        return f"{self.label}: {pointer}" if self.label else pointer


def pointer_segments(pointer: str) -> tuple[str, ...]:
    """Split a JSON pointer into unescaped segments (``""`` is the root and has none)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must start with '/'")
    return tuple(unescape(token) for token in pointer[1:].split("/"))


def segments_pointer(segments: tuple[str, ...]) -> str:
    """JSON pointer text for a tuple of unescaped segments."""
    return "".join("/" + escape(s) for s in segments)


__all__ = ["ROOT", "Location", "Path", "escape", "pointer_segments", "segments_pointer", "unescape"]
