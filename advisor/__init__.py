"""radiology-advisor: a conversational advisor for career pathways in radiology.

    >>> from advisor import Advisor
    >>> advisor = Advisor()
    >>> session = advisor.session()
    >>> reply = session.ask("Which certification do sonographers need?")
    >>> "ARDMS" in reply.text
    True
"""

from __future__ import annotations

TYPE_CHECKING = False  # (not typing's: the program's first import must be light, see below)
if TYPE_CHECKING:
    from typing import Any

    from knowledge import AdvisorError, KnowledgeError

    from .core import Advisor
    from .reply import Explanation, Reply
    from .session import Session, SessionStateError

__version__ = "0.1.0"

# Imported on first use: the program starts by importing this package, before it can catch a
# Ctrl-C (see advisor.__main__), so this must be quick; and a chat or a check never needs it all.
_LAZY = {"Advisor": "advisor.core", "Explanation": "advisor.reply", "Reply": "advisor.reply",
         "Session": "advisor.session", "SessionStateError": "advisor.session",
         "AdvisorError": "knowledge", "KnowledgeError": "knowledge"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


__all__ = [
    "Advisor",
    "AdvisorError",
    "Explanation",
    "KnowledgeError",
    "Reply",
    "Session",
    "SessionStateError",
    "__version__",
]
