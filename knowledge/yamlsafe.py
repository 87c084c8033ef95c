"""Safe YAML reading that keeps line and column of every value, for file:line:col messages.

Only the standard YAML tags are accepted (the C loader is used when present); a file carrying
`!!python/object` or any other custom tag is refused. Size, depth and node count are bounded so
a hostile or accidental file (a billion-laughs alias bomb, a 1 GB log) cannot hang the loader.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:  # the C loader is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

_SAFE_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}


_BOOL = "tag:yaml.org,2002:bool"
_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})


class MDict(dict[Any, Any]):
    """A mapping that remembers where each of its keys and itself stood in the file."""

    mark: tuple[int, int] = (1, 1)
    key_marks: dict[Any, tuple[int, int]]
    value_marks: dict[Any, tuple[int, int]]


class MList(list[Any]):
    """A sequence that remembers where each of its items stood in the file."""

    mark: tuple[int, int] = (1, 1)
    item_marks: list[tuple[int, int]]


class _Refused(Exception):
    def __init__(self, mark: tuple[int, int], message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, loader: Any, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(_pos(node), f"file has more than {MAX_NODES} YAML nodes (alias bomb?)")
    if depth > MAX_DEPTH:
        raise _Refused(_pos(node), f"YAML nested deeper than {MAX_DEPTH} levels")
    if node.tag == "tag:yaml.org,2002:merge":
        raise _Refused(_pos(node), "YAML merge keys ('<<') are not supported; write the fields out")
    if node.tag not in _SAFE_TAGS:
        raise _Refused(_pos(node), f"unsafe or unknown YAML tag {node.tag!r} refused")
    if isinstance(node, yaml.MappingNode):
        result = MDict()
        result.mark = _pos(node)
        result.key_marks, result.value_marks = {}, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, depth + 1, budget)
            if isinstance(key, (dict, list)):
                raise _Refused(_pos(key_node), "a mapping key must be a plain value")
            if key in result:
                raise _Refused(_pos(key_node), f"duplicate key {key!r}")
            result[key] = _convert(value_node, loader, depth + 1, budget)
            result.key_marks[key] = _pos(key_node)
            result.value_marks[key] = _pos(value_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = MList()
        items.mark = _pos(node)
        items.item_marks = []
        for item in node.value:
            items.append(_convert(item, loader, depth + 1, budget))
            items.item_marks.append(_pos(item))
        return items
    if node.tag == _BOOL and isinstance(node, yaml.ScalarNode) and not node.style \
            and str(node.value).lower() in _WORDS:
        # YAML 1.1 reads a plain `no`, `yes`, `on`, `off` as a boolean; in this project's
        # files (word lists above all) they are words, as YAML 1.2 reads them.
        return str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError:
        raise
    except Exception:  # PyYAML's own AttributeError/KeyError/ValueError on '!!bool maybe'
        tag = str(node.tag).rsplit(":", 1)[-1]
        value = str(node.value)
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise _Refused(_pos(node), f"{shown!r} is not a valid !!{tag} value") from None


def parse_marked(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into MDict/MList/scalars, or return the problems instead."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        return _convert(node, loader, 0, [MAX_NODES]), []
    except _Refused as refused:
        return None, [Problem(filename, *refused.mark, refused.message)]
    except yaml.reader.ReaderError as exc:
        # Its own message spans two lines and, under the C loader, counts bytes: point at the
        # character itself instead, keeping the one-line file:line:col shape.
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        index = max(text.find(chr(code)), 0)
        line, col = text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)
        return None, [Problem(filename, line, col,
                              f"character #x{code:04x} is not allowed in YAML text")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(filename, line, col, f"YAML syntax error: {what}")]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [Problem(filename, 1, 1, "YAML error: " + " ".join(str(exc).split()))]
    finally:
        loader.dispose()


class _NotAFile(Exception):
    """A path that names a device, a pipe or a folder: nothing to parse."""


def _read_limited(path: Path) -> tuple[int, bytes]:
    """The size of a regular file and at most one byte more than the limit of it: a FIFO never
    blocks (opened non-blocking, then refused) and a device ('/dev/zero' reports size 0) is
    never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotAFile(str(path))
        if info.st_size > MAX_FILE_BYTES:
            return info.st_size, b""
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
        return max(info.st_size, len(raw)), raw
    finally:
        os.close(fd)


def read_marked(path: Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Read and parse a YAML file, refusing oversized, binary or non-UTF-8 files clearly."""
    name = display or str(path)
    try:
        size, raw = _read_limited(path)
    except _NotAFile:
        return None, [Problem(name, 1, 1, "not a regular file (a device, pipe or folder)")]
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(name, 1, 1, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, 1, "file is not valid UTF-8 text")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(name, line, 1, "file contains NUL bytes; is it binary?")]
    return parse_marked(text, name)
