"""Exit statuses of the command line, shared by its front doors (cli, jsonl)."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitStatus"]


class ExitStatus(IntEnum):
    """Process exit codes, as httpie names them."""

    OK = 0
    NOT_UNDERSTOOD = 1
    ERROR = 2
    INTERRUPTED = 130
