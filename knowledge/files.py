"""The one walk over a data directory, shared by loading, checking and the start-up cache.

Links to directories are not followed: one pointing back up the tree made every walk loop
for ever, and one pointing out of it would read files that are not the tree's. Linked files
are read (a link cannot loop). Every caller sees the same files in the same order.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import KnowledgeError, Problem

__all__ = ["EMBEDDED_DIR", "data_files", "display_name", "yaml_files"]

#: The radiology knowledge shipped with the package (the default graph).
EMBEDDED_DIR = Path(__file__).resolve().parent / "radiology"
SUFFIXES = (".yaml", ".yml")
#: How deep a knowledge folder may nest its folders.
MAX_DEPTH = 32


def data_files(directory: Path) -> list[Path]:
    """Every file of a directory tree (the YAML and the source document it cites), in a
    stable order, without following links to directories or entering __pycache__."""
    found = []
    top = len(Path(directory).parts)
    for root, dirs, files in os.walk(directory, followlinks=False):
        if len(Path(root).parts) - top >= MAX_DEPTH and dirs:
            # (os.walk recurses: a tree thousands of folders deep overflowed Python's stack)
            raise KnowledgeError([Problem(display_name(Path(root)), 1, 1,
                                          f"folders nested more than {MAX_DEPTH} deep are "
                                          "not read; flatten the knowledge folder")])
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            path = Path(root, name)
            if path.is_file():
                found.append(path)
    return sorted(found)


def yaml_files(directory: Path) -> list[Path]:
    """The .yaml/.yml files of a directory tree, as `data_files` walks it."""
    return [p for p in data_files(directory) if p.name.endswith(SUFFIXES)]


def display_name(path: Path) -> str:
    """A path as messages show it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop in its path
        return str(path)
