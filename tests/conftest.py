"""Fixtures for every test: nothing is ever written to the real ~/.cache."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The engine cache of this test run (in process and in child processes, which inherit
    XDG_CACHE_HOME) lives in a temporary directory, shared so the suite stays fast."""
    saved = {k: os.environ.get(k) for k in ("XDG_CACHE_HOME", "RADIOLOGY_ADVISOR_CACHE")}
    base = tmp_path_factory.mktemp("cache")
    base.chmod(0o700)
    os.environ["XDG_CACHE_HOME"] = str(base)
    os.environ.pop("RADIOLOGY_ADVISOR_CACHE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
