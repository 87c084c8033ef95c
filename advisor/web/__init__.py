"""The web chat and HTTP API (`radiology-advisor serve`), from the optional `web` extra.

This module imports nothing heavy: Starlette and uvicorn load only when a server starts, so
the other commands' start-up never pays for them. `create_app` builds the ASGI application.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from knowledge import AdvisorError

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["REQUIRED", "MissingExtraError", "create_app", "missing_packages"]

#: The distributions the web extra brings, by the module each provides.
REQUIRED = {"starlette": "starlette", "uvicorn": "uvicorn", "anyio": "anyio", "orjson": "orjson"}


class MissingExtraError(AdvisorError, RuntimeError):
    """The web extra is not installed. Avoid it with `pip install 'radiology-advisor[web]'`."""


def missing_packages(modules: dict[str, str] | None = None) -> list[str]:
    """The packages of the web extra that are not importable here."""
    wanted = REQUIRED if modules is None else modules
    return [dist for module, dist in wanted.items() if importlib.util.find_spec(module) is None]


def require(modules: dict[str, str] | None = None) -> None:
    """Raise MissingExtraError naming the missing packages and the install command."""
    missing = missing_packages(modules)
    if missing:
        raise MissingExtraError(
            f"the web chat needs the 'web' extra ({', '.join(missing)} not installed); "
            "install it with: pip install 'radiology-advisor[web]'")


def create_app(*args: Any, **kwargs: Any) -> Starlette:
    """See `advisor.web.app.create_app`."""
    require()
    from .app import create_app as create

    return create(*args, **kwargs)
