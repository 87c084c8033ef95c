"""Helpers shared by the tests that run the real command line."""

from __future__ import annotations

import io
import os
from pathlib import Path

from advisor import Advisor, cli


def env_for(tmp_path: Path) -> dict[str, str]:
    """An environment for a child process whose home and data directories are the test's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RADIOLOGY_ADVISOR", "PYTEST"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONIOENCODING="utf-8")
    return env


def run_cli(argv: list[str], stdin: bytes, adv: Advisor) -> tuple[int, bytes, str]:
    """`cli.main` in process with its streams injected: stdin as bytes, stdout a strict UTF-8
    pipe look-alike, the advisor already built."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    err = io.StringIO()
    env = cli.Environment(stdin=io.BytesIO(stdin), stdout=out, stderr=err, environ={},
                          advisor=lambda knowledge, dialogs: adv)
    status = cli.main(argv, env)
    out.flush()
    return status, out.buffer.getvalue(), err.getvalue()
