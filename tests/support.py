"""Helpers shared by the tests that run the real command line."""

from __future__ import annotations

import io
import os
from pathlib import Path

from advisor import Advisor, cli


def shared_dir() -> Path:
    """The project's shared/ folder: beside the work tree (a clone, CI), or beside the main
    work tree when this one is a `git worktree` elsewhere."""
    root = Path(__file__).resolve().parents[1]
    beside = root.parent / "shared"
    if beside.is_dir():
        return beside
    git = root / ".git"
    if git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        text = git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            main = Path(text.split(":", 1)[1].strip()).resolve().parents[2]
            if (main.parent / "shared").is_dir():
                return main.parent / "shared"
    return beside


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
