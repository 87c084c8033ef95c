"""`python -m advisor` and the `radiology-advisor` command start here.

Only programs import this module, so it may do what a library must not: its first act is to
make a Ctrl-C during start-up (the imports that follow take tens of milliseconds) a quiet
exit 130 instead of a KeyboardInterrupt traceback; `run` then hands SIGINT back to Python.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # C: `signal` builds enums, too slowly
import os


def _interrupted_early(signum: int, frame: object) -> None:
    os._exit(130)


if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:  # (SIG_IGN stays so)
    _signal.signal(_signal.SIGINT, _interrupted_early)

from .cli import run  # noqa: E402 - after the handler, on purpose

__all__ = ["run"]

if __name__ == "__main__":
    run()
