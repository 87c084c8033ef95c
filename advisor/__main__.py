"""`python -m advisor` does what the `radiology-advisor` command does."""

from __future__ import annotations

from .cli import run

if __name__ == "__main__":
    run()
