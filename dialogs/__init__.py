"""The dialog manager: an adaptive interview defined in YAML that ranks careers of a graph.

`load_dialogs(dir, graph)` reads and validates a flow (file:line:col errors); an `Interviewer`
runs it as a pure `(DialogState, text) -> (DialogState, Turn)` engine; `DialogState` is plain
data that round-trips through JSON. Imports `knowledge`, never `advisor`.
"""

from __future__ import annotations

from .engine import TURN_KINDS, Change, Interviewer, Turn
from .loader import DIALOGS_DIR, load_dialogs, validate_dialogs
from .model import Condition, Evidence, Exclusion, Flow, Option, Question, Scope, Slot, SlotValue
from .scoring import SCOPES, Fit, Recommendation
from .state import FORMAT_VERSION, DialogState, DialogStateError, Entry
from .understand import Extraction

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
    "load_dialogs",
    "validate_dialogs",
]
