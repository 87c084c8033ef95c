"""A compiled cache of the advisor's engine, so start-up does not parse and index YAML again.

The engine (validated graph, dialog flow, language indexes) is pickled once per set of
sources; the key covers every YAML file read and every module of the three packages, by
path, size and modification time, plus the Python version, so an edit or an upgrade
rebuilds it. The cache lives in $RADIOLOGY_ADVISOR_CACHE, else $XDG_CACHE_HOME or
~/.cache, under radiology-advisor/; any problem reading or writing it just means a normal
load. Set RADIOLOGY_ADVISOR_CACHE=off to disable it.
"""

from __future__ import annotations

import copyreg
import gc
import os
import pickle
import sys
import zlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

_PACKAGES = ("knowledge", "dialogs", "advisor")
KEEP = 4
_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def _proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))


def _directory() -> Path | None:
    setting = os.environ.get("RADIOLOGY_ADVISOR_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "radiology-advisor"


def _sources(directory: str, recursive: bool) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of the YAML (and, for packages, Python) files under `directory`."""
    suffixes = (".yaml", ".yml") if recursive else (".py", ".yaml")
    found = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if recursive and entry.is_dir():
                    found.extend(_sources(entry.path, recursive))
                elif entry.name.endswith(suffixes) and entry.is_file():
                    st = entry.stat()
                    found.append((entry.path, st.st_size, st.st_mtime_ns))
    except OSError:  # missing or unreadable: the loader reports that properly
        pass
    return found


def key(*directories: Path) -> str:
    """A digest of every source the engine is built from.

    Walked with os.scandir rather than Path.rglob: this runs on every start, and scandir
    reads names and types in one system call per directory.
    """
    parts = [sys.version]
    files: list[tuple[str, int, int]] = []
    for directory in directories:
        where = os.path.realpath(directory)
        parts.append(f"{where}\0{os.path.isdir(where)}")
        files.extend(_sources(where, recursive=True))
    for package in _PACKAGES:
        files.extend(_sources(os.path.join(_ROOT, package), recursive=False))
    parts.extend(f"{path}\0{size}\0{mtime}" for path, size, mtime in sorted(set(files)))
    # Two CRCs of the text and its reverse: a change-detector, not a security boundary (the
    # cache directory is the user's own), and zlib imports in a fraction of hashlib's time.
    data = "\n".join(parts).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data[::-1]):08x}{len(data):x}"


def load(name: str) -> Any | None:
    directory = _directory()
    if directory is None:
        return None
    try:
        with open(directory / f"engine-{name}.pickle", "rb") as f:
            data = f.read()
    except (OSError, ValueError):  # no cache yet, or unreadable: build the engine instead
        return None
    # Unpickling makes tens of thousands of objects that all live as long as the engine; the
    # collector would scan them again and again meanwhile (a fifth of the load time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    except Exception:  # a stale, partial or foreign file: build the engine instead
        return None
    finally:
        if collecting:
            gc.enable()


def store(name: str, engine: Any) -> None:
    directory = _directory()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        import tempfile  # only when writing: a cache hit does not pay for it

        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".engine-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(engine, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"engine-{name}.pickle")
        # Keep the few most recent engines: every other knowledge directory (tests, edits)
        # would otherwise leave a file behind for ever.
        entries = sorted(directory.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except Exception:  # read-only home, full disk...: the cache is only an optimisation
        pass
