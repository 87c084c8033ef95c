"""One walk over a knowledge folder for loading, checking and the cache key (issue 14,
defect 4): links to directories are not followed, so a loop cannot hang any of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import env_for

from advisor import Advisor, cache
from knowledge import EMBEDDED_DIR, validate
from knowledge.files import yaml_files

ROOT = Path(__file__).resolve().parents[1]


def looped(tmp_path: Path) -> Path:
    field = Path(shutil.copytree(EMBEDDED_DIR, tmp_path / "knowledge"))
    (field / "sub").mkdir()
    (field / "sub" / "back").symlink_to(field, target_is_directory=True)  # a loop
    (field / "up").symlink_to(tmp_path, target_is_directory=True)  # out of the tree, and back
    (field / "self").symlink_to(".", target_is_directory=True)
    (tmp_path / "stray.yaml").write_text("not: [a, knowledge, file\n", encoding="utf-8")
    return field


def test_the_walk_does_not_follow_directory_links(tmp_path: Path) -> None:
    field = looped(tmp_path)
    files = yaml_files(field)
    assert [p.name for p in files] == [p.name for p in yaml_files(EMBEDDED_DIR)]
    assert cache.key(field) == cache.key(field)  # and the cache key's walk ends


def test_load_and_check_agree_on_a_looped_folder(tmp_path: Path) -> None:
    field = looped(tmp_path)
    graph, problems = validate(field)
    assert problems == [] and graph is not None
    assert len(Advisor(field, cache_dir=False).graph) == len(graph)


def test_ask_and_check_on_a_looped_folder_finish(tmp_path: Path) -> None:
    field = looped(tmp_path)
    env = {**env_for(tmp_path), "RADIOLOGY_ADVISOR_CACHE": "off"}
    for args in (["ask", "--knowledge", str(field), "What does a sonographer do?"],
                 ["check", str(field)]):
        result = subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                                cwd=ROOT, env=env, timeout=60)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_source_document_that_is_no_small_file_is_one_problem(tmp_path: Path,
                                                                kind: str) -> None:
    """A FIFO as the source document blocked `check` for ever; /dev/zero filled memory."""
    field = Path(shutil.copytree(EMBEDDED_DIR, tmp_path / "knowledge"))
    document = field / "source.md"
    document.unlink()
    if kind == "fifo":
        os.mkfifo(document)
    elif kind == "device":
        document.symlink_to(os.devnull)
    else:
        with document.open("wb") as f:
            f.truncate(50_000_000)
    graph, problems = validate(field)
    assert graph is None
    assert any("cannot read the source document 'source.md'" in p.message for p in problems)
