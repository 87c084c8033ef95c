"""The start-up cache of the compiled engine (issue 14, defect 3): rebuilt when the knowledge
changes (even keeping its size and time), rebuilt when corrupt, absent when off, and never
read from or written to a place someone else could have planted a pickle in."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import zlib
from pathlib import Path

import pytest

from advisor import Advisor, cache
from knowledge import EMBEDDED_DIR


def pickles(where: Path) -> list[Path]:
    return sorted(where.glob("engine-*.pickle"))


@pytest.fixture
def field(tmp_path: Path) -> Path:
    """A copy of the radiology knowledge to edit."""
    return Path(shutil.copytree(EMBEDDED_DIR, tmp_path / "knowledge"))


def rename_sonographer(field: Path, new: str) -> None:
    """Replace a name by one of the same length, keeping size and modification time."""
    path = next(p for p in sorted(field.glob("*.yaml")) if "name: Sonographer" in p.read_text())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(new) == len("Sonographer")
    # (the name only: its full name, "Sonographer/Ultrasound Technician", is the document's)
    path.write_text(text.replace(" name: Sonographer\n", f" name: {new}\n"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_written_0600_in_a_0700_directory(tmp_path: Path, field: Path) -> None:
    where = tmp_path / "new" / "cache"
    Advisor(field, cache_dir=where)
    assert stat.S_IMODE(where.stat().st_mode) == 0o700
    [written] = pickles(where)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert not list(where.glob(".engine-*"))  # no temporary file left


def test_an_edit_keeping_size_and_time_rebuilds(tmp_path: Path, field: Path) -> None:
    where = tmp_path / "cache"
    assert Advisor(field, cache_dir=where).graph.node("sonographer").name == "Sonographer"
    rename_sonographer(field, "Sonogrxpher")
    assert Advisor(field, cache_dir=where).graph.node("sonographer").name == "Sonogrxpher"
    assert len(pickles(where)) == 2


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, field: Path) -> None:
    where = tmp_path / "cache"
    Advisor(field, cache_dir=where)
    [written] = pickles(where)
    written.write_bytes(b"\x80\x05garbage")
    advisor = Advisor(field, cache_dir=where)
    assert advisor.ask("what does a sonographer do?").entities == ("sonographer",)
    assert pickle.loads(written.read_bytes()).graph.node("sonographer")  # written anew


def test_off_writes_nothing(tmp_path: Path, field: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "cache"
    Advisor(field, cache_dir=False)
    monkeypatch.setenv("RADIOLOGY_ADVISOR_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(where))
    Advisor(field)
    assert not where.exists()


class Planted(Exception):
    """Raised if a planted pickle ever runs."""


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, ("raise RuntimeError('planted pickle ran')",))


def plant(where: Path, field: Path) -> Path:
    """What another user could leave: an engine pickle that runs code when loaded."""
    name = cache.key(field, Path(cache.__file__).parents[1] / "dialogs")
    target = where / f"engine-{name}.pickle"
    target.write_bytes(pickle.dumps(_Payload()))
    return target


@pytest.mark.parametrize("how", ["group-writable directory", "world-writable directory",
                                 "group-writable file", "foreign owner"])
def test_a_planted_cache_is_refused_and_not_written(tmp_path: Path, field: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    how: str) -> None:
    where = tmp_path / "cache"
    where.mkdir(mode=0o700)
    planted = plant(where, field)
    planted.chmod(0o600)
    if how == "group-writable directory":
        where.chmod(0o770)
    elif how == "world-writable directory":
        where.chmod(0o777)
    elif how == "group-writable file":
        planted.chmod(0o620)
    else:
        real = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: real + 4242)  # the files are someone else's
    advisor = Advisor(field, cache_dir=where)  # the payload would raise here
    assert advisor.ask("what does a sonographer do?").entities == ("sonographer",)
    if how.endswith("directory") or how == "foreign owner":
        assert pickles(where) == [planted]  # nothing written there either
        assert planted.read_bytes() == pickle.dumps(_Payload())


def test_a_symlinked_cache_file_is_refused(tmp_path: Path, field: Path) -> None:
    where = tmp_path / "cache"
    where.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(pickle.dumps(_Payload()))
    name = cache.key(field, Path(cache.__file__).parents[1] / "dialogs")
    (where / f"engine-{name}.pickle").symlink_to(elsewhere)
    Advisor(field, cache_dir=where)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, field: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "cache"

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pickle, "dump", full_disk)
    Advisor(field, cache_dir=where)
    assert list(where.iterdir()) == []


def test_the_suite_never_writes_the_real_cache() -> None:
    home = Path(os.path.expanduser("~")) / ".cache"
    assert not str(cache.directory()).startswith(str(home))


def test_an_edit_of_the_source_document_rebuilds(tmp_path: Path, field: Path) -> None:
    """The knowledge quotes its source document: the key covers that file too."""
    where = tmp_path / "cache"
    before = cache.key(field)
    document = next(p for p in field.iterdir() if p.suffix == ".md")
    document.write_text(document.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.key(field) != before
    Advisor(field, cache_dir=where)
    assert len(pickles(where)) == 1


def test_a_large_stray_file_is_not_read_whole(field: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder given as knowledge may hold anything: a big file is keyed by size and time."""
    big = field / "video.bin"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # sparse: 50 MB that costs no disk
    hashed: list[int] = []
    crc32 = zlib.crc32
    monkeypatch.setattr(zlib, "crc32", lambda data, *a: hashed.append(len(data)) or crc32(data))
    first = cache.key(field)
    monkeypatch.undo()
    assert hashed and max(hashed[:-1]) <= 2_000_000  # (the last is the key's own digest)
    os.utime(big, ns=(1, 1))
    assert cache.key(field) != first  # a change of its time is still seen


def test_a_ctrl_c_while_writing_leaves_no_temporary_file(tmp_path: Path, field: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "cache"

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Advisor(field, cache_dir=where)
    assert list(where.iterdir()) == []
