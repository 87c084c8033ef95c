"""radiology-advisor: a conversational advisor for career pathways in radiology.

    >>> from advisor import Advisor
    >>> advisor = Advisor()
    >>> session = advisor.session()
    >>> reply = session.ask("Which certification do sonographers need?")
    >>> "ARDMS" in reply.text
    True
"""

from __future__ import annotations

from knowledge import AdvisorError, KnowledgeError

from .core import Advisor
from .reply import Explanation, Reply
from .session import Session, SessionStateError

__version__ = "0.1.0"

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
