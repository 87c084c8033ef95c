"""Helpers shared by the tests that run the real command line."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from advisor import Advisor, cli


def env_for(tmp_path: Path) -> dict[str, str]:
    """An environment for a child process whose home and data directories are the test's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RADIOLOGY_ADVISOR", "PYTEST"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONIOENCODING="utf-8")
    return env


def run_cli(argv: list[str], stdin: bytes, adv: Advisor) -> tuple[int, bytes, str]:
    """`cli.main` in process, stdin as bytes, stdout a strict UTF-8 pipe look-alike."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        mp.setattr(sys, "stdout", out)
        mp.setattr(sys, "stderr", err)
        mp.setattr(cli, "_make_advisor", lambda args: adv)
        mp.delenv("RADIOLOGY_ADVISOR_DEBUG", raising=False)
        status = cli.main(argv)
        out.flush()
    return status, out.buffer.getvalue(), err.getvalue()
