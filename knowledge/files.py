"""The one walk over a data directory, shared by loading, checking and the start-up cache.

Links to directories are not followed: one pointing back up the tree made every walk loop
for ever, and one pointing out of it would read files that are not the tree's. Linked files
are read (a link cannot loop). Every caller sees the same files in the same order.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EMBEDDED_DIR", "data_files", "display_name", "yaml_files"]

#: The radiology knowledge shipped with the package (the default graph).
EMBEDDED_DIR = Path(__file__).resolve().parent / "radiology"
SUFFIXES = (".yaml", ".yml")


def data_files(directory: Path) -> list[Path]:
    """Every file of a directory tree (the YAML and the source document it cites), in a
    stable order, without following links to directories or entering __pycache__."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=False):
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
