"""radiology-advisor: a conversational advisor for career pathways in radiology.

    >>> from advisor import Advisor
    >>> advisor = Advisor()
    >>> session = advisor.session()
    >>> reply = session.ask("Which certification do sonographers need?")
    >>> "ARDMS" in reply.text
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge import AdvisorError, KnowledgeError

    from .core import Advisor
    from .reply import Explanation, Reply
    from .session import Session, SessionStateError

__version__ = "0.1.0"

# Imported on first use: `radiology-advisor` starts in `advisor.cli`, which must be quick to
# import (a Ctrl-C during an import is one the program cannot catch), and a chat or a check
# never needs all of it.
_LAZY = {"Advisor": "advisor.core", "Explanation": "advisor.reply", "Reply": "advisor.reply",
         "Session": "advisor.session", "SessionStateError": "advisor.session",
         "AdvisorError": "knowledge", "KnowledgeError": "knowledge"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
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
