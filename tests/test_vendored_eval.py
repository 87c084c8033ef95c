"""The copies of shared/eval in tests/eval/shared/ stay what they were copied from.

The scorer and the development sets are vendored so the tests that use them run from a plain
clone; this keeps the copies honest: each matches the hash recorded in SOURCE.md, and, where
the shared folder is beside the work tree, its original byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from support import shared_dir

VENDORED = Path(__file__).resolve().parent / "eval" / "shared"
ROW = re.compile(r"^\| `([^`]+)` \| `shared/eval/([^`]+)` \| `([0-9a-f]{64})` \|$", re.M)


def recorded() -> list[tuple[str, str, str]]:
    return ROW.findall((VENDORED / "SOURCE.md").read_text(encoding="utf-8"))


def test_every_vendored_file_is_recorded_with_its_origin() -> None:
    names = {name for name, _origin, _digest in recorded()}
    assert names == {p.name for p in VENDORED.iterdir() if p.name != "SOURCE.md"}


@pytest.mark.parametrize(("name", "origin", "digest"), recorded())
def test_vendored_copy_is_unchanged(name: str, origin: str, digest: str) -> None:
    data = (VENDORED / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest, f"{name} was edited; copy it again"
    original = shared_dir() / "eval" / origin
    if original.is_file():  # beside the work tree (not in a plain clone): still the same
        assert original.read_bytes() == data, f"shared/eval/{origin} changed; copy it again"
