"""The dialog manager: an adaptive interview defined in YAML that ranks careers of a graph.

`load_dialogs(dir, graph)` reads and validates a flow (file:line:col errors); an `Interviewer`
runs it as a pure `(DialogState, text) -> (DialogState, Turn)` engine; `DialogState` is plain
data that round-trips through JSON. Imports `knowledge`, never `advisor`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import TURN_KINDS, Change, Interviewer, Turn, TurnKind
from .model import Condition, Evidence, Exclusion, Flow, Option, Question, Scope, Slot, SlotValue
from .scoring import SCOPES, Fit, Recommendation
from .state import FORMAT_VERSION, DialogState, DialogStateError, Entry
from .understand import Extraction

if TYPE_CHECKING:
    from .loader import load_dialogs, validate_dialogs

DIALOGS_DIR = Path(__file__).resolve().parent


def __getattr__(name: str) -> Any:
    """The loader (and PyYAML with it) is imported on first use."""
    if name in {"load_dialogs", "validate_dialogs"}:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'dialogs' has no attribute {name!r}")


__all__ = [
    "DIALOGS_DIR",
    "FORMAT_VERSION",
    "SCOPES",
    "TURN_KINDS",
    "Change",
    "Condition",
    "DialogState",
    "DialogStateError",
    "Entry",
    "Evidence",
    "Exclusion",
    "Extraction",
    "Fit",
    "Flow",
    "Interviewer",
    "Option",
    "Question",
    "Recommendation",
    "Scope",
    "Slot",
    "SlotValue",
    "Turn",
    "TurnKind",
    "load_dialogs",
    "validate_dialogs",
]
