"""A compiled cache of the advisor's engine, so start-up does not parse and index YAML again.

The engine (validated graph, dialog flow, language indexes) is pickled once per set of
sources. The key covers the content of every file of the data directories (the YAML and the
source document it quotes; so an edit is seen even when a file keeps its size and time),
every module of the three packages by path, size and modification time, and the Python
version.

A pickle runs code when loaded, so the cache is used only where nobody else could have put
it: a directory and file owned by this user that no one else may write. Anything
else is refused, never read and never written. The directory is made 0700, files 0600; a
failed write leaves no temporary file behind. The place is `Advisor(cache_dir=...)`, else
$RADIOLOGY_ADVISOR_CACHE, else $XDG_CACHE_HOME or ~/.cache, under radiology-advisor/; `off`
(or `cache_dir=False`) turns it off. Any problem just means a normal load.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import os
import pickle
import stat
import sys
import zlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge.files import data_files

_PACKAGES = ("knowledge", "dialogs", "advisor")
KEEP = 4
ENV = "RADIOLOGY_ADVISOR_CACHE"
_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))

#: Where the cache may be: a path, None for the default, False (or "off") for none.
CacheDir = str | os.PathLike[str] | bool | None


def _proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))


def directory(setting: CacheDir = None) -> Path | None:
    """The cache directory `setting` asks for (see the module docstring), or None for none."""
    if setting is False or setting == "off":
        return None
    if setting is not None and setting is not True:
        return Path(setting)
    value = os.environ.get(ENV)
    if value == "off":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "radiology-advisor"


def _ours(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no POSIX ownership (Windows): the profile directory is private
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted(where: Path, create: bool = False) -> bool:
    """Whether `where` is a directory this user alone controls (made 0700 if `create`)."""
    try:
        st = os.stat(where)
    except FileNotFoundError:
        if not create:
            return False
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(where, 0o700)
            st = os.stat(where)
        except OSError:
            return False
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _ours(st)


def _code(directory: str) -> list[str]:
    """(path, size, mtime) of the Python and YAML files of a package directory."""
    found = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith((".py", ".yaml")) and entry.is_file():
                    st = entry.stat()
                    found.append(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}")
    except OSError:  # missing or unreadable: the loader reports that properly
        pass
    return found


#: Files up to this size are keyed by content; a larger one (which the loader refuses anyway,
#: or a stray video in a folder given as knowledge) by size and time, never read whole.
_HASHED_BYTES = 2_000_000


def _content(path: Path) -> str:
    """A path and two checksums of its bytes (a change detector: the files are small)."""
    try:
        with open(path, "rb") as f:
            data = f.read(_HASHED_BYTES + 1)
            if len(data) > _HASHED_BYTES:
                st = os.fstat(f.fileno())
                return f"{path}\0{st.st_size}\0{st.st_mtime_ns}"
    except OSError:
        return f"{path}\0unreadable"
    return f"{path}\0{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def key(*directories: Path) -> str:
    """A digest of every source the engine is built from: the data by content (walked as
    the loaders walk it, links to directories not followed), the code by size and time."""
    parts = [sys.version]
    for where in directories:
        real = os.path.realpath(where)
        parts.append(f"{real}\0{os.path.isdir(real)}")
        parts.extend(_content(p) for p in data_files(Path(real)))
    for package in _PACKAGES:
        parts.extend(sorted(_code(os.path.join(_ROOT, package))))
    data = "\n".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data[::-1]):08x}{len(data):x}"


#: A cached engine is well under a megabyte for the radiology graph and a few tens of
#: megabytes for a graph a hundred times larger; a bigger file is no engine of ours.
MAX_CACHE_BYTES = 64 * 2**20


def load(name: str, where: Path | None) -> Any | None:
    """The engine cached under `name` in `where`, if there is one nobody else could plant."""
    if where is None or not trusted(where):
        return None
    try:  # (non-blocking: a FIFO planted there must not hang the program)
        fd = os.open(where / f"engine-{name}.pickle",
                     os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):  # no cache yet, or unreadable: build the engine instead
        return None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) and _ours(st)) or st.st_size > MAX_CACHE_BYTES:
            os.close(fd)
            return None  # refused: not a plain file of ours (a FIFO, a directory, planted),
            # or far larger than any engine (read whole, it would take that much memory)
        with os.fdopen(fd, "rb") as f:
            data = f.read()
    except OSError:
        return None
    # Unpickling makes tens of thousands of objects that all live as long as the engine; the
    # collector would scan them again and again meanwhile (a fifth of the load time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    except Exception:  # a stale, partial or corrupt file: build the engine instead
        return None
    finally:
        if collecting:
            gc.enable()


def store(name: str, engine: Any, where: Path | None) -> None:
    """Write the engine to `where` (0600, atomically), if `where` is a directory of ours."""
    if where is None or not trusted(where, create=True):
        return
    import tempfile  # only when writing: a cache hit does not pay for it

    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".engine-")  # made 0600
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(engine, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, where / f"engine-{name}.pickle")
    except BaseException as exc:  # a full disk, a Ctrl-C...: the cache is only an optimisation
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, Exception):
            raise  # (a Ctrl-C still stops the program, leaving no temporary file)
        return
    _prune(where)


def _prune(where: Path) -> None:
    """Keep the few most recent engines: every other knowledge directory (tests, edits)
    would otherwise leave a file behind for ever."""
    try:
        entries = sorted(where.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
