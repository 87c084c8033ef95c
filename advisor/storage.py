"""Files the REPL writes and reads: atomic, never clobbering by surprise, size-bounded.

A crash or a full disk in the middle of `/save` must leave either the old file or the new one,
never half of each, so every write goes to a temporary file in the same directory, is flushed
and fsynced, and then renamed over the target. Nothing here prints or imports prompt_toolkit.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

APP_DIR = "radiology-advisor"
#: Saved sessions and histories are small; a bigger file is not ours (or is an attack).
MAX_READ_BYTES = 10_000_000
#: The chat history keeps its newest entries: at start-up, a history file bigger than
#: HISTORY_TRIM_BYTES is cut to its newest HISTORY_ENTRIES (prompt-toolkit only ever appends).
HISTORY_ENTRIES = 1000
HISTORY_TRIM_BYTES = 256_000


class StorageError(OSError):
    """A file could not be read or written; the message is one line a person can act on.

    Avoid it by choosing a writable path; `FileExistsError` (a subclass of OSError, not of this)
    is raised instead when the target exists and overwriting was not asked for.
    """


def data_dir(environ: dict[str, str] | None = None) -> Path:
    """Where per-user data lives, per the XDG base directory spec (relative paths ignored)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / APP_DIR


def history_path(environ: dict[str, str] | None = None) -> Path:
    """The chat history file: $XDG_DATA_HOME/radiology-advisor/history."""
    return data_dir(environ) / "history"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], text: str, *, overwrite: bool = False,
                 private: bool = False) -> Path:
    """Write `text` to `path` atomically; FileExistsError if it exists and not `overwrite`,
    StorageError if what is there is anything but a regular file (even with `overwrite`).

    The file keeps the mode of the one it replaces; a new file gets the usual umask mode, or
    0600 when `private` (the chat history is nobody else's business).
    """
    target = Path(path)
    try:
        st: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "is a directory", str(target))
        if not overwrite:
            raise FileExistsError(17, "file exists", str(target))
        if not stat.S_ISREG(st.st_mode):  # a link, a FIFO, a device: never replaced
            raise StorageError(f"{target} is not a regular file (a link, a pipe or a "
                               "device); it was left as it is")
    parent = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mode = 0o600 if private else 0o666 & ~_umask()
        os.chmod(tmp_name, mode)
        if overwrite:
            os.replace(tmp_name, target)
        else:
            _link_no_clobber(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(parent)
    return target


def _link_no_clobber(tmp_name: str, target: Path) -> None:
    """Put the new file in place only if nothing appeared there meanwhile (no race)."""
    try:
        os.link(tmp_name, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            raise FileExistsError(17, "file exists", str(target)) from None
        os.replace(tmp_name, target)
        return
    os.unlink(tmp_name)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; harmless where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], limit: int = MAX_READ_BYTES) -> str:
    """A UTF-8 text file's content; StorageError with a one-line reason otherwise."""
    target = Path(path)
    try:
        # Non-blocking: opening a FIFO would otherwise wait for a writer, for ever.
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StorageError(f"{target} is not a regular file (a pipe or a device)")
            data = handle.read(limit + 1)
    except StorageError:
        raise
    except IsADirectoryError:
        raise StorageError(f"{target} is a directory") from None
    except FileNotFoundError:
        raise StorageError(f"{target} does not exist") from None
    except OSError as exc:
        raise StorageError(f"cannot read {target}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise StorageError(f"{target} is larger than {limit // 1_000_000} MB; "
                           "it is not a saved conversation")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StorageError(f"{target} is not UTF-8 text") from None


def read_json(path: str | os.PathLike[str]) -> Any:
    """A JSON file's data; StorageError naming the line and column of a syntax error."""
    text = read_text(path)
    if not text.strip():
        raise StorageError(f"{path} is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # A string cut short is reported at its start; JSON allows no raw newline inside a
        # string, so an unterminated one always ran into the end of the file.
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        what = "truncated" if cut else "not valid JSON"
        raise StorageError(f"{path} is {what} (line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg})") from None
    except RecursionError:
        raise StorageError(f"{path} is nested too deeply to be a saved conversation") from None


def dump_json(data: Any) -> str:
    """Readable, stable JSON for files people may open."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def prepare_history(path: Path) -> None:
    """Create the history file (0600) and its directory; OSError says why not."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(13, "permission denied", str(path))
    # Made private before prompt-toolkit's FileHistory appends to it (it would use the umask).
    # (Non-blocking: a FIFO planted there fails here instead of hanging the chat.)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o600)
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    finally:
        os.close(fd)
    if not regular:  # a device or FIFO ('/dev/zero' would be read for ever): not a history
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    trim_history(path)


def _history_entries(data: bytes) -> list[bytes]:
    """prompt-toolkit's history records ('\n# time\n+line\n+line\n'), each with the lines
    before its text, as one byte string each; a record cut at the front is dropped."""
    records: list[bytes] = []
    current: list[bytes] = []
    has_text = False
    for line in data.splitlines(keepends=True):
        text = line.startswith(b"+")
        if not text and has_text:
            records.append(b"".join(current))
            current, has_text = [], False
        current.append(line)
        has_text = has_text or text
    if has_text:
        records.append(b"".join(current))
    return records


def trim_history(path: Path, keep: int = HISTORY_ENTRIES,
                 above: int = HISTORY_TRIM_BYTES) -> None:
    """Cut a history file bigger than `above` bytes to its newest `keep` entries, in place,
    under an exclusive lock (two chats starting at once trim it once). Anything but a regular
    file is left alone, and so is a link (it may be some other file of the person's) and a file
    whose newest part holds no whole entry (nothing would be kept); OSError says why a trim
    failed."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        if os.stat(path).st_size > above:  # a link, never cut: too big to load, left alone
            raise OSError(errno.EFBIG, "a large linked file, left as it is", str(path)) from exc
        return  # a link: appended to, never cut
    with os.fdopen(fd, "r+b") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size <= above:
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # (released when the file closes)
        size = os.fstat(fd).st_size
        start = max(0, size - MAX_READ_BYTES)
        stream.seek(start)
        data = stream.read()
        if start:  # begun inside a record: start at the next record's header
            data = data[data.find(b"\n#") + 1:] if b"\n#" in data else b""
        records = _history_entries(data)
        if not records:  # nothing whole to keep: never cut, and too big to load
            raise OSError(errno.EFBIG, "too large, with no whole entry to keep", str(path))
        if start == 0 and len(records) <= keep:
            return
        kept = b"".join(records[-keep:])
        stream.seek(0)
        stream.write(kept)
        stream.truncate()

