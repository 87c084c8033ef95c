"""Load a dialogs directory in stages: read -> parse with marks -> validate -> build the Flow.

Every problem of every file is collected (as file:line:col, with a "did you mean") before
anything is raised, the way the knowledge loader does it. A directory holds one flow that may
be split over several YAML files: slots, questions, evidence and exclusions merge, every other
section may be declared once.

The shape of every section and entry (keys, which are required, the kind of each value) is data,
`SHAPES`, walked by one checker (`_Reader.shape`); what refers to something else (node ids, slots
and their values, reachability, message placeholders) is checked in code.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from knowledge import (
    CAREER_TYPES,
    NODE_TYPES,
    RELATIONS,
    Graph,
    KnowledgeError,
    Problem,
    did_you_mean,
)
from knowledge.files import display_name, yaml_files
from knowledge.record import field, record
from knowledge.yamlsafe import MDict, MList, read_marked

from . import DIALOGS_DIR
from .links import CareerLinks
from .model import (
    TUNING,
    Condition,
    Evidence,
    Exclusion,
    Flow,
    Option,
    Question,
    Scope,
    Slot,
    SlotValue,
    Voice,
    frozen_map,
)
from .text import phrase_words

Mark = tuple[int, int]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTIONS = ("flow", "scope", "slots", "questions", "evidence", "exclusions", "language",
             "answers", "numbers", "respell", "controls", "messages", "voices")
LANGUAGE_LISTS = ("negators", "negators_after", "positives", "neutral", "unsure", "breakers",
                  "identity", "aspiration", "corrections", "retractions", "unsure_answers",
                  "fillers", "question_openers", "question_markers", "family", "plain_words",
                  "statement_openers", "question_tags", "pick_frame", "pick_words",
                  "retract_about", "reported", "own_past", "objects", "first_person",
                  "identity_after", "person_nouns", "third_person", "now", "past", "family_verbs",
                  "comparatives", "closing_tags", "tag_agreements")
CONTROLS = ("back", "skip", "restart", "quit", "why", "finish", "repeat", "detail", "compare")
_TEMPLATE_SLOTS = {"detail": ("{x}",), "compare": ("{x}", "{y}")}
#: Every message the engine says, with the placeholders it fills in.
MESSAGES: dict[str, tuple[str, ...]] = {
    "hint": ("count", "example"), "reask": ("hint",), "out_of_range": ("number", "count", "hint"),
    "one_only": ("hint",), "unsure": (), "skipped": (), "back": (), "back_none": (),
    "restart": (), "quit": (), "changed": ("slot", "old", "new"), "dropped": ("slot", "old"),
    "noted": ("facts",), "updated": (), "followup": (), "no_ranking": (),
    "no_rank": ("number", "count"), "unknown_ref": ("text",), "nothing_to_skip": (),
    "review_why": ("name", "reasons"), "quote": ("words",), "close": ("first", "second"),
    "close_only": ("first", "second"), "kept": ("facts",),
    "shared_reasons": ("reasons",), "rephrase": ("label",),
    "rephrase_numbers": ("label", "numbered"),
    # the texts of rankings, details, comparisons and the plan (dialogs/render.py)
    "first_guess": (),
    "scope_fellowships": (),
    "scope_careers": (),
    "ranking_head": ('what',),
    "cannot_rank": ('what',),
    "fit_item": ('number', 'name', 'score'),
    "fit_why": ('reasons',),
    "fit_against": ('reasons',),
    "ruled_out_group": ('reason', 'names'),
    "already_yours": ('names',),
    "top_pick": ('name', 'summary'),
    "pathway_line": ('timeline',),
    "credential_line": ('credential',),
    "next_steps_head": (),
    "credential_none": (),
    "credential_via": ('names', 'via'),
    "credential_own": ('names',),
    "total_none": (),
    "total_all": ('total',),
    "total_some": ('total', 'unstated'),
    "no_steps": ('name',),
    "work_involves": ('duties',),
    "all_steps_done": (),
    "finish_step": ('step',),
    "lead_then": (),
    "lead_also": (),
    "lead_start": (),
    "lead_first": (),
    "step_ahead": ('lead', 'step', 'summary'),
    "step_after": ('lead', 'step'),
    "detail_head": ('name', 'rank', 'score'),
    "detail_ruled_out": ('reasons',),
    "detail_why": ('reasons',),
    "detail_against": ('reasons',),
    "detail_work": ('duties',),
    "compare_head_rank": ('name', 'rank', 'score'),
    "compare_head_fit": ('name', 'score'),
    "compare_pathway": ('timeline',),
    "compare_pathway_total": ('timeline', 'total'),
    "compare_unstated": ('unstated',),
    "compare_no_steps": (),
    "compare_credential": ('credential',),
    "compare_ruled_out": ('reasons',),
    "compare_why": ('reasons',),
    "compare_against": ('reasons',),
    "plan_title": ('title',),
    "plan_told": (),
    "plan_nothing": (),
    "plan_best_none": (),
    "plan_not_enough": (),
    "plan_best": ('name', 'score'),
    "plan_fit_note": (),
    "plan_why": ('reason',),
    "plan_against": ('reason',),
    "plan_pathway": (),
    "plan_step": ('number', 'label', 'length'),
    "plan_credential_step": (),
    "plan_no_length": (),
    "plan_credential": (),
    "plan_next": (),
    "plan_others": (),
    "plan_other_why": ('reasons',),
    "plan_other": ('number', 'name', 'score', 'why'),
    "plan_ruled": (),
    "plan_ruled_item": ('name', 'reasons'),
}
_BOOL_HINT = "; YAML reads a bare true/false as a boolean, so quote it (\"true\")"

#: The shape of each keyed section and entry, as data: key -> kind ("?" marks an optional key).
#: Kinds are checked by `_Reader.shape`; "code" keys are only declared here because they refer to
#: other things (node ids, slots, values, placeholders) and are checked by the loader's code.
SHAPES: dict[str, dict[str, str]] = {
    "flow": {"id": "id", "title": "text", "min_known": "count", "max_questions": "count",
             "enough_signals": "count", "fit_damping": "number", "show": "count",
             "mentioned": "template", "avoided": "template",
             **{key: "number?" for key in TUNING}},
    "language": {key: "phrases" for key in LANGUAGE_LISTS},
    "controls": {key: "phrases" for key in CONTROLS},
    "messages": {key: "text" for key in MESSAGES},
    "scope": {"fellowship_types": "code", "career_types": "code", "fellowship_when": "code"},
    "slot": {"label": "text", "kind": "enum choice scale", "values": "code", "multi": "flag?",
             "background": "flag?", "needs_identity": "flag?", "cues": "phrases?",
             "polarity": "code", "in_questions": "flag?"},
    "value": {"label": "text", "says": "text", "cues": "phrases?", "weights": "code",
              "implies": "code", "done": "code", "current": "code", "is_now": "code"},
    "polarity": {"positive": "code", "negative": "code", "neutral": "code", "unsure": "code"},
    "question": {"id": "code", "slot": "code", "text": "text", "why": "text", "options": "code",
                 "ask_if": "code", "priority": "int?"},
    "option": {"value": "code", "label": "text", "synonyms": "phrases?"},
    "evidence": {"id": "code", "label": "text", "phrases": "phrases?", "nodes": "code"},
    "exclusion": {"when": "code", "step": "code", "reason": "text", "through": "code?"},
    "voice": {"cues": "phrases?", "words": "code"},
    # "*": any word as key, each value of the kind given
    "numbers": {"*": "int"},
    "respell": {"*": "text"},
}
#: What each scalar kind demands, said after the key's name.
_KIND_RULES = {"count": "must be a whole number of 1 or more",
               "number": "must be a number of 0 or more",
               "text": "must be non-empty text",
               "template": "must contain '{label}'",
               "id": "must be lower-case letters, digits and underscores, starting with a letter",
               "flag": "must be true or false", "int": "must be a whole number"}


def _fits(kind: str, value: Any) -> bool:
    """Whether `value` is of scalar `kind` (see SHAPES)."""
    if kind.startswith("enum "):
        return value in kind.split()[1:]
    if kind in {"flag", "int"}:
        return isinstance(value, bool) == (kind == "flag") and isinstance(value, int)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "count":
        return number and isinstance(value, int) and value >= 1
    if kind == "number":
        return number and value >= 0
    if not (isinstance(value, str) and value.strip()):
        return False
    if kind == "template":
        return "{label}" in value
    return kind != "id" or bool(_ID.match(value))


def _complaint(kind: str, value: Any) -> str:
    """Why `value` is not of scalar `kind`, naming what it is when the type itself is wrong."""
    if kind.startswith("enum "):
        allowed = kind.split()[1:]
        return f"must be one of: {', '.join(allowed)}" + did_you_mean(str(value), allowed)
    if kind in {"text", "template", "id"} and not (isinstance(value, str) and value.strip()):
        hint = _BOOL_HINT if isinstance(value, bool) else ""
        return f"{_KIND_RULES['text']}, not {_kind(value)}{hint}"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in {"count", "number"} and not number:
        return f"{_KIND_RULES[kind]}, not {_kind(value)}"
    return _KIND_RULES[kind]


#: What a flow falls back to while its 'flow' section is broken (the problem is reported).
_FLOW_DEFAULTS: dict[str, Any] = {"id": "flow", "title": "Interview", "min_known": 4,
                                  "max_questions": 7, "enough_signals": 3, "fit_damping": 2.0,
                                  "show": 5, "mentioned": "you mentioned {label}",
                                  "avoided": "you'd rather avoid {label}"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@record(frozen=False)
class _Part:
    """One occurrence of a section: its value and where it stands."""

    file: str
    value: Any
    mark: Mark
    key_mark: Mark


@record(frozen=False)
class _Reader:
    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    parts: dict[str, list[_Part]] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    slot_at: dict[str, tuple[str, Mark]] = field(default_factory=dict)
    career_types: frozenset[str] = CAREER_TYPES
    links: CareerLinks | None = None

    def reaches(self, node_id: str) -> tuple[str, ...]:
        if self.links is None:
            self.links = CareerLinks(self.graph, self.career_types)
        return self.links(node_id)

    # -- helpers --------------------------------------------------------------------------
    def problem(self, file: str, mark: Mark, message: str) -> None:
        self.problems.append(Problem(file, mark[0], mark[1], message))

    def keys(self, file: str, data: MDict, allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for k in data:
            if k not in allowed:
                hint = _BOOL_HINT if isinstance(k, bool) else did_you_mean(str(k), allowed)
                self.problem(file, data.key_marks[k], f"unknown key {k!r} in {where}" + hint)

    def texts(self, file: str, data: MDict, key: str, where: str) -> tuple[str, ...]:
        """A list of phrases; each must have at least one word so it can ever match."""
        if key not in data:
            return ()
        value = data[key]
        if isinstance(value, str):
            value_list: list[Any] = [value]
            marks = [data.value_marks[key]]
        elif isinstance(value, MList):
            value_list, marks = list(value), list(value.item_marks)
        else:
            self.problem(file, data.value_marks[key],
                         f"'{key}' of {where} must be a list of texts, not {_kind(value)}")
            return ()
        out: list[str] = []
        for item, mark in zip(value_list, marks, strict=True):
            if isinstance(item, str) and phrase_words(item):
                out.append(item.strip())
            elif isinstance(item, str):
                self.problem(file, mark, f"phrase {item!r} in '{key}' of {where} has no words")
            else:
                hint = _BOOL_HINT if isinstance(item, bool) else ""
                self.problem(file, mark, f"'{key}' of {where} must hold texts, not "
                             f"{_kind(item)}" + hint)
        return tuple(out)

    def node(self, file: str, mark: Mark, node_id: Any, where: str) -> bool:
        if isinstance(node_id, str) and node_id in self.graph:
            return True
        if not isinstance(node_id, str):
            self.problem(file, mark, f"{where} must name a node id, not {_kind(node_id)}")
            return False
        self.problem(file, mark, f"unknown node {node_id!r} in {where}"
                     + did_you_mean(node_id, [n.id for n in self.graph]))
        return False

    def node_list(self, file: str, data: MDict, key: str, where: str) -> tuple[str, ...]:
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, MList):
            self.problem(file, data.value_marks[key],
                         f"'{key}' of {where} must be a list of node ids")
            return ()
        return tuple(v for v, m in zip(value, value.item_marks, strict=True)
                     if self.node(file, m, v, f"'{key}' of {where}"))

    def weights(self, file: str, data: MDict, key: str, where: str) -> dict[str, float]:
        if key not in data:
            return {}
        value = data[key]
        if not isinstance(value, MDict):
            self.problem(file, data.value_marks[key], f"'{key}' of {where} must map node ids "
                         "to numbers, e.g. {pediatric_radiology: 3}")
            return {}
        out: dict[str, float] = {}
        for node_id, weight in value.items():
            here = f"'{key}' of {where}"
            if not self.node(file, value.key_marks[node_id], node_id, here):
                continue
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                self.problem(file, value.value_marks[node_id], f"weight of {node_id!r} in "
                             f"{here} must be a number, not {_kind(weight)}")
                continue
            if not self.reaches(node_id):
                self.problem(file, value.key_marks[node_id], f"{here} points at {node_id!r}, "
                             "which reaches no career: it is not a career and no career "
                             "links to it")
                continue
            out[node_id] = float(weight)
        return out

    def shape(self, file: str, data: MDict, name: str, where: str = "") -> dict[str, Any]:
        """Check `data` against `SHAPES[name]`, report every problem, return the good values.

        A section's keys are named 'flow.show'; an entry's (given `where`) 'label' of slot 'x'.
        """
        shape, entry = SHAPES[name], bool(where)
        where = where or f"'{name}'"
        if "*" in shape:
            return self.words(file, data, name, shape["*"])
        self.keys(file, data, shape, where)
        out: dict[str, Any] = {}
        for key, declared in shape.items():
            kind = declared.rstrip("?")
            if kind == "code":
                continue
            if key not in data:
                if not declared.endswith("?"):
                    self.problem(file, data.mark, f"{where} is missing '{key}'")
            elif kind == "phrases":
                out[key] = self.texts(file, data, key, where)
            elif _fits(kind, data[key]):
                value = data[key]
                out[key] = value.strip() if isinstance(value, str) else value
            else:
                subject = f"'{key}' of {where}" if entry else f"'{name}.{key}'"
                self.problem(file, data.value_marks[key],
                             f"{subject} {_complaint(kind, data[key])}")
        return out

    def words(self, file: str, data: MDict, name: str, kind: str) -> dict[str, Any]:
        """Each key of an open mapping must be text, each value of `kind`."""
        out: dict[str, Any] = {}
        for word, value in data.items():
            if not isinstance(word, str):
                hint = _BOOL_HINT if isinstance(word, bool) else ""
                self.problem(file, data.key_marks[word], f"key {word!r} of '{name}' must be "
                             "text" + hint)
            elif _fits(kind, value):
                out[word] = value.strip() if isinstance(value, str) else value
            else:
                self.problem(file, data.value_marks[word],
                             f"'{name}.{word}' {_complaint(kind, value)}")
        return out

    def mapping(self, part: _Part, what: str) -> MDict | None:
        if isinstance(part.value, MDict):
            return part.value
        self.problem(part.file, part.mark, f"'{what}' must be a mapping, not {_kind(part.value)}")
        return None

    def single(self, name: str) -> _Part | None:
        parts = self.parts.get(name, [])
        for extra in parts[1:]:
            first = parts[0]
            self.problem(extra.file, extra.key_mark, f"section '{name}' is declared again "
                         f"(first at {first.file}:{first.key_mark[0]}:{first.key_mark[1]})")
        return parts[0] if parts else None

    def required(self, name: str, where: str) -> _Part | None:
        part = self.single(name)
        if part is None:
            self.problem(where, (1, 1), f"no '{name}' section in any file")
        return part

    # -- stage 1: read --------------------------------------------------------------------
    def read(self, directory: Path) -> str:
        if not directory.is_dir():
            self.problem(str(directory), (1, 1), "not a directory")
            return str(directory)
        files = yaml_files(directory)
        if not files:
            self.problem(str(directory), (1, 1), "no .yaml files found")
        for path in files:
            name = display_name(path)
            data, problems = read_marked(path, name)
            self.problems.extend(problems)
            if problems or data is None:
                continue
            if not isinstance(data, MDict):
                self.problem(name, getattr(data, "mark", (1, 1)), "a dialogs file must be a "
                             "mapping of sections (flow, slots, questions, ...)")
                continue
            for key, value in data.items():
                if key not in _SECTIONS:
                    self.problem(name, data.key_marks[key], f"unknown section {key!r}"
                                 + did_you_mean(str(key), _SECTIONS))
                    continue
                self.parts.setdefault(str(key), []).append(
                    _Part(name, value, data.value_marks[key], data.key_marks[key]))
        return display_name(files[0]) if files else str(directory)

    # -- stage 2: sections ----------------------------------------------------------------
    def flow_meta(self, where: str) -> dict[str, Any]:
        part = self.required("flow", where)
        meta = dict(_FLOW_DEFAULTS)
        data = self.mapping(part, "flow") if part else None
        if part is None or data is None:
            return meta
        good = self.shape(part.file, data, "flow")
        meta["tuning"] = {key: float(good.pop(key)) for key in TUNING if key in good}
        meta.update(good)
        if "min_known" in good and meta["min_known"] > meta["max_questions"]:
            self.problem(part.file, data.value_marks["min_known"],
                         "'flow.min_known' must not exceed 'flow.max_questions'")
        return meta

    def scope_types(self, where: str) -> tuple[frozenset[str], frozenset[str], _Part | None]:
        part = self.required("scope", where)
        fellowship, career = frozenset({"subspecialty"}), CAREER_TYPES
        data = self.mapping(part, "scope") if part else None
        if part is None or data is None:
            return fellowship, career, None
        self.shape(part.file, data, "scope")
        result = []
        for key, default in (("fellowship_types", fellowship), ("career_types", career)):
            value = data.get(key)
            if not isinstance(value, MList) or not value:
                self.problem(part.file, data.value_marks.get(key, data.mark),
                             f"'scope.{key}' must be a non-empty list of node types")
                result.append(default)
                continue
            good = set()
            for item, mark in zip(value, value.item_marks, strict=True):
                if item in NODE_TYPES:
                    good.add(str(item))
                else:
                    self.problem(part.file, mark, f"unknown node type {item!r} in 'scope.{key}'"
                                 + did_you_mean(str(item), NODE_TYPES))
            result.append(frozenset(good) or default)
        return result[0], result[1], part

    def read_slots(self) -> None:
        for part in self.parts.get("slots", []):
            data = self.mapping(part, "slots")
            if data is None:
                continue
            for name, body in data.items():
                mark = data.key_marks[name]
                if not isinstance(name, str) or not _ID.match(name):
                    self.problem(part.file, mark, f"slot name {name!r} must be lower-case "
                                 "letters, digits and underscores" + (
                                     _BOOL_HINT if isinstance(name, bool) else ""))
                    continue
                if name in self.slot_at:
                    f, m = self.slot_at[name]
                    self.problem(part.file, mark, f"duplicate slot '{name}' (first defined at "
                                 f"{f}:{m[0]}:{m[1]})")
                    continue
                self.slot_at[name] = (part.file, mark)
                slot = self.read_slot(part.file, name, body, data.value_marks[name])
                if slot is not None:
                    self.slots[name] = slot

    def read_slot(self, file: str, name: str, body: Any, mark: Mark) -> Slot | None:
        where = f"slot '{name}'"
        if not isinstance(body, MDict):
            self.problem(file, mark, f"{where} must be a mapping with label, kind and values")
            return None
        good = self.shape(file, body, "slot", where)
        label = good.get("label") or name.replace("_", " ")
        kind = good.get("kind", "choice")
        multi = bool(good.get("multi", False))
        if multi and kind == "scale":
            self.problem(file, body.key_marks["multi"], f"{where}: 'multi' is only for choice "
                         "slots")
        values_raw = body.get("values")
        values: dict[str, SlotValue] = {}
        if not isinstance(values_raw, MDict) or not values_raw:
            self.problem(file, body.value_marks.get("values", body.mark),
                         f"{where} needs 'values': a mapping of value name to its label and says")
        else:
            for value_name, spec in values_raw.items():
                built = self.read_value(file, name, value_name, spec, values_raw, kind)
                if built is not None:
                    values[built.value] = built
        cues = good.get("cues", ())
        if kind == "scale" and not cues:
            self.problem(file, body.mark, f"{where} is a scale and needs 'cues' (the words that "
                         "name its topic)")
        if kind == "choice" and "cues" in body:
            self.problem(file, body.key_marks["cues"], f"{where} is a choice: put 'cues' on "
                         "each value instead")
        polarity: dict[str, str] = {}
        raw_pol = body.get("polarity")
        if kind == "scale":
            if not isinstance(raw_pol, MDict):
                self.problem(file, body.value_marks.get("polarity", body.mark), f"{where} is a "
                             "scale and needs 'polarity', e.g. {positive: \"yes\", negative: "
                             "\"no\", neutral: some}")
            else:
                self.shape(file, raw_pol, "polarity", f"'polarity' of {where}")
                for pk, pv in raw_pol.items():
                    if pk not in SHAPES["polarity"]:
                        continue
                    if pv in values:
                        polarity[str(pk)] = str(pv)
                    else:
                        hint = _BOOL_HINT if isinstance(pv, bool) else did_you_mean(
                            str(pv), values)
                        self.problem(file, raw_pol.value_marks[pk], f"unknown value {pv!r} for "
                                     f"{where} in 'polarity'" + hint)
        elif raw_pol is not None:
            self.problem(file, body.key_marks["polarity"], f"{where} is a choice; 'polarity' "
                         "is only for scale slots")
        self.duplicate_cues(file, where, body, values_raw)
        return Slot(name, label, str(kind), frozen_map(values), multi,
                    bool(good.get("background", False)), bool(good.get("needs_identity", False)),
                    cues, frozen_map(polarity), bool(good.get("in_questions", False)))

    def duplicate_cues(self, file: str, where: str, body: MDict, values_raw: Any) -> None:
        if not isinstance(values_raw, MDict):
            return
        owner: dict[tuple[str, ...], str] = {}
        for value_name, spec in values_raw.items():
            if not isinstance(spec, MDict) or not isinstance(spec.get("cues"), MList):
                continue
            cues = spec["cues"]
            for cue, mark in zip(cues, cues.item_marks, strict=True):
                if not isinstance(cue, str):
                    continue
                words = phrase_words(cue)
                first = owner.setdefault(words, str(value_name))
                if first != value_name:
                    self.problem(file, mark, f"cue {cue!r} of {where} is given to both "
                                 f"'{first}' and '{value_name}'")

    def read_value(self, file: str, slot: str, name: Any, spec: Any, parent: MDict,
                   kind: Any) -> SlotValue | None:
        mark = parent.key_marks[name]
        if not isinstance(name, str) or not name.strip():
            self.problem(file, mark, f"value name {name!r} of slot '{slot}' must be text"
                         + (_BOOL_HINT if isinstance(name, bool) else ""))
            return None
        where = f"value '{name}' of slot '{slot}'"
        if not isinstance(spec, MDict):
            self.problem(file, parent.value_marks[name], f"{where} must be a mapping with "
                         "label and says")
            return None
        good = self.shape(file, spec, "value", where)
        label = good.get("label") or name
        says = good.get("says") or label
        cues = good.get("cues", ())
        if kind == "scale" and "cues" in spec:
            self.problem(file, spec.key_marks["cues"], f"{where}: a scale slot's cues belong "
                         "to the slot, not to a value")
        implies: dict[str, str] = {}
        raw = spec.get("implies")
        if raw is not None:
            if isinstance(raw, MDict):
                implies = {str(k): str(v) for k, v in raw.items()}
            else:
                self.problem(file, spec.value_marks["implies"], f"'implies' of {where} must "
                             "map slot names to values")
        current = None
        if "current" in spec and self.node(file, spec.value_marks["current"], spec["current"],
                                           f"'current' of {where}"):
            current = str(spec["current"])
        return SlotValue(name, label, says, cues,
                         frozen_map(self.weights(file, spec, "weights", where)),
                         frozen_map(implies), self.node_list(file, spec, "done", where),
                         current, self.node_list(file, spec, "is_now", where))

    def check_implies(self) -> None:
        for part in self.parts.get("slots", []):
            if not isinstance(part.value, MDict):
                continue
            for slot_name, body in part.value.items():
                if not isinstance(body, MDict) or not isinstance(body.get("values"), MDict):
                    continue
                for value_name, spec in body["values"].items():
                    if not isinstance(spec, MDict) or not isinstance(spec.get("implies"), MDict):
                        continue
                    raw = spec["implies"]
                    for target, value in raw.items():
                        where = f"'implies' of value '{value_name}' of slot '{slot_name}'"
                        self.slot_value(part.file, raw.key_marks[target], raw.value_marks[target],
                                        target, value, where)

    def slot_value(self, file: str, key_mark: Mark, value_mark: Mark, slot: Any, value: Any,
                   where: str) -> bool:
        if slot not in self.slots:
            if slot not in self.slot_at:
                self.problem(file, key_mark, f"unknown slot {slot!r} in {where}"
                             + did_you_mean(str(slot), self.slot_at))
            return False
        if value not in self.slots[slot].values:
            hint = _BOOL_HINT if isinstance(value, bool) else did_you_mean(
                str(value), self.slots[slot].values)
            self.problem(file, value_mark, f"unknown value {value!r} for slot '{slot}' in "
                         f"{where}" + hint)
            return False
        return True

    def conditions(self, file: str, raw: Any, mark: Mark, where: str
                   ) -> tuple[tuple[Condition, ...], list[tuple[Condition, Mark]]]:
        """Parse `{slot: [values]}` / `{slot: {not: [values]}}`; bad parts are reported."""
        if not isinstance(raw, MDict):
            self.problem(file, mark, f"{where} must map slot names to a value, a list of "
                         "values, or {not: [values]}")
            return (), []
        out: list[tuple[Condition, Mark]] = []
        for slot, spec in raw.items():
            key_mark, value_mark = raw.key_marks[slot], raw.value_marks[slot]
            negate = False
            if isinstance(spec, MDict):
                self.keys(file, spec, ("not",), f"{where} on '{slot}'")
                if "not" not in spec:
                    self.problem(file, value_mark, f"{where} on '{slot}' must be a list of "
                                 "values or {not: [values]}")
                    continue
                negate, value_mark = True, spec.value_marks["not"]
                spec = spec["not"]
            items: list[Any]
            marks: list[Mark]
            if isinstance(spec, MList):
                items, marks = list(spec), list(spec.item_marks)
            else:
                items, marks = [spec], [value_mark]
            if slot not in self.slots:
                if slot not in self.slot_at:
                    self.problem(file, key_mark, f"unknown slot {slot!r} in {where}"
                                 + did_you_mean(str(slot), self.slot_at))
                continue
            good = frozenset(str(v) for v, m in zip(items, marks, strict=True)
                             if self.slot_value(file, key_mark, m, slot, v, where))
            out.append((Condition(str(slot), good, negate), key_mark))
        return tuple(c for c, _ in out), out

    def read_questions(self) -> list[Question]:
        questions: list[Question] = []
        seen: dict[str, tuple[str, Mark]] = {}
        asked: dict[str, str] = {}
        pending: list[tuple[Question, str, list[tuple[Condition, Mark]]]] = []
        for part in self.parts.get("questions", []):
            if not isinstance(part.value, MList):
                self.problem(part.file, part.mark, "'questions' must be a list of questions")
                continue
            for item, mark in zip(part.value, part.value.item_marks, strict=True):
                built = self.read_question(part.file, item, mark, seen, asked)
                if built is not None:
                    questions.append(built[0])
                    pending.append((built[0], part.file, built[1]))
        for question, file, conds in pending:
            self.reachable(question, file, conds, questions)
        return questions

    def read_question(self, file: str, item: Any, mark: Mark, seen: dict[str, tuple[str, Mark]],
                      asked: dict[str, str]
                      ) -> tuple[Question, list[tuple[Condition, Mark]]] | None:
        if not isinstance(item, MDict):
            self.problem(file, mark, "a question must be a mapping with id, slot, text, why "
                         "and options")
            return None
        qid = item.get("id")
        where = f"question {qid!r}" if isinstance(qid, str) else "question"
        good = self.shape(file, item, "question", where)
        ok = True
        if not isinstance(qid, str) or not _ID.match(qid):
            self.problem(file, item.value_marks.get("id", mark), f"{where} needs an 'id' of "
                         "lower-case letters, digits and underscores")
            ok = False
        elif qid in seen:
            f, m = seen[qid]
            self.problem(file, item.value_marks["id"], f"duplicate question id '{qid}' (first "
                         f"defined at {f}:{m[0]}:{m[1]})")
            ok = False
        else:
            seen[qid] = (file, item.value_marks["id"])
        slot_name = item.get("slot")
        slot = self.slots.get(slot_name) if isinstance(slot_name, str) else None
        if "slot" not in item:
            self.problem(file, mark, f"{where} is missing 'slot'")
            ok = False
        elif slot is None:
            if slot_name not in self.slot_at:
                self.problem(file, item.value_marks["slot"], f"{where} asks unknown slot "
                             f"{slot_name!r}" + did_you_mean(str(slot_name), self.slot_at))
            ok = False
        elif slot_name in asked:
            self.problem(file, item.value_marks["slot"], f"{where} asks slot '{slot_name}', "
                         f"which question '{asked[slot_name]}' already asks")
        elif isinstance(qid, str):
            asked[str(slot_name)] = qid
        text, why, priority = good.get("text"), good.get("why"), good.get("priority", 0)
        options = self.read_options(file, item, where, slot)
        conds: tuple[Condition, ...] = ()
        marked: list[tuple[Condition, Mark]] = []
        if "ask_if" in item:
            conds, marked = self.conditions(file, item["ask_if"], item.value_marks["ask_if"],
                                            f"'ask_if' of {where}")
        if not ok or text is None or why is None or options is None or slot is None:
            return None
        return Question(str(qid), slot.name, text, why, options, conds, priority), marked

    def read_options(self, file: str, item: MDict, where: str, slot: Slot | None
                     ) -> tuple[Option, ...] | None:
        raw = item.get("options")
        if not isinstance(raw, MList) or len(raw) < 2:
            self.problem(file, item.value_marks.get("options", item.mark), f"{where} needs "
                         "'options': a list of at least two {value, label}")
            return None
        options: list[Option] = []
        ok = True
        for spec, mark in zip(raw, raw.item_marks, strict=True):
            if not isinstance(spec, MDict):
                self.problem(file, mark, f"an option of {where} must be a mapping with value "
                             "and label")
                ok = False
                continue
            named = f"option {spec['value']!r} of {where}" if "value" in spec else (
                f"an option of {where}")
            good = self.shape(file, spec, "option", named)
            if "value" not in spec:
                self.problem(file, mark, f"an option of {where} has no 'value'")
                ok = False
                continue
            value = spec["value"]
            if slot is not None and value not in slot.values:
                hint = _BOOL_HINT if isinstance(value, bool) else did_you_mean(
                    str(value), slot.values)
                self.problem(file, spec.value_marks["value"], f"option value {value!r} of "
                             f"{where} is not a value of slot '{slot.name}'" + hint)
                ok = False
                continue
            if any(o.value == value for o in options):
                self.problem(file, spec.value_marks["value"], f"option value {value!r} appears "
                             f"twice in {where}")
                ok = False
                continue
            options.append(Option(str(value), good.get("label") or str(value),
                                  good.get("synonyms", ())))
        return tuple(options) if ok else None

    def settable(self, questions: list[Question]) -> dict[str, set[str]]:
        """Values each slot can ever take: by a question, a cue, a polarity or an implication."""
        result: dict[str, set[str]] = {name: set() for name in self.slots}
        for q in questions:
            result[q.slot].update(o.value for o in q.options)
        for slot in self.slots.values():
            if slot.kind == "scale" and slot.cues:
                result[slot.name].update(slot.polarity.values())
            for value in slot.values.values():
                if value.cues:
                    result[slot.name].add(value.value)
                for target, implied in value.implies.items():
                    result.setdefault(target, set()).add(implied)
        return result

    def reachable(self, question: Question, file: str, conds: list[tuple[Condition, Mark]],
                  questions: list[Question]) -> None:
        can = self.settable(questions)
        for cond, mark in conds:
            if cond.negate:
                continue
            start = f"question '{question.id}' is unreachable: its 'ask_if' on '{cond.slot}' "
            if cond.slot == question.slot:
                self.problem(file, mark, start + "can never be true, because a question is "
                             "only asked while its own slot is unset")
            elif not cond.values:
                self.problem(file, mark, start + "allows no value")
            elif not cond.values & can.get(cond.slot, set()):
                wanted = ", ".join(sorted(cond.values))
                self.problem(file, mark, start + f"can never be true: nothing sets "
                             f"'{cond.slot}' to {wanted} (no question, cue or 'implies' does)")

    def read_evidence(self) -> list[Evidence]:
        out: list[Evidence] = []
        seen: set[str] = set()
        for part in self.parts.get("evidence", []):
            if not isinstance(part.value, MList):
                self.problem(part.file, part.mark, "'evidence' must be a list")
                continue
            for item, mark in zip(part.value, part.value.item_marks, strict=True):
                if not isinstance(item, MDict):
                    self.problem(part.file, mark, "an evidence entry must be a mapping with id, "
                                 "label, phrases and nodes")
                    continue
                eid = item.get("id")
                where = f"evidence {eid!r}" if isinstance(eid, str) else "evidence"
                good = self.shape(part.file, item, "evidence", where)
                if not isinstance(eid, str) or not _ID.match(eid):
                    self.problem(part.file, item.value_marks.get("id", mark), f"{where} needs "
                                 "an 'id' of lower-case letters, digits and underscores")
                    continue
                if eid in seen:
                    self.problem(part.file, item.value_marks["id"], f"duplicate evidence id "
                                 f"'{eid}'")
                    continue
                seen.add(eid)
                label, phrases = good.get("label"), good.get("phrases", ())
                if not phrases:
                    self.problem(part.file, mark, f"{where} needs 'phrases'")
                nodes = self.weights(part.file, item, "nodes", where)
                if "nodes" not in item:
                    self.problem(part.file, mark, f"{where} is missing 'nodes'")
                if label and phrases and nodes:
                    out.append(Evidence(eid, label, phrases, frozen_map(nodes)))
        return out

    def read_exclusions(self) -> list[Exclusion]:
        out: list[Exclusion] = []
        for part in self.parts.get("exclusions", []):
            if not isinstance(part.value, MList):
                self.problem(part.file, part.mark, "'exclusions' must be a list")
                continue
            for item, mark in zip(part.value, part.value.item_marks, strict=True):
                if not isinstance(item, MDict):
                    self.problem(part.file, mark, "an exclusion must be a mapping with when, "
                                 "step and reason")
                    continue
                where = "an exclusion"
                reason = self.shape(part.file, item, "exclusion", where).get("reason")
                when: tuple[Condition, ...] = ()
                if "when" in item:
                    when, _ = self.conditions(part.file, item["when"], item.value_marks["when"],
                                              "'when' of an exclusion")
                else:
                    self.problem(part.file, mark, f"{where} is missing 'when'")
                step = item.get("step")
                if "step" not in item:
                    self.problem(part.file, mark, f"{where} is missing 'step'")
                elif self.node(part.file, item.value_marks["step"], step, "'step' of an "
                               "exclusion"):
                    if not self.reaches(str(step)):
                        self.problem(part.file, item.value_marks["step"], f"'step' {step!r} of "
                                     "an exclusion is on no career's pathway")
                    elif when and reason:
                        through = str(item.get("through") or "")
                        if through and through not in RELATIONS:
                            self.problem(part.file, item.value_marks["through"],
                                         f"'through' {through!r} of an exclusion is no "
                                         "relation" + did_you_mean(through, RELATIONS))
                        else:
                            out.append(Exclusion(when, str(step), reason, through))
        return out

    def read_lists(self, name: str, where: str, templates: bool = False
                   ) -> dict[str, tuple[str, ...]]:
        part = self.required(name, where)
        out: dict[str, tuple[str, ...]] = {key: () for key in SHAPES[name]}
        data = self.mapping(part, name) if part else None
        if part is None or data is None:
            return out
        out.update(self.shape(part.file, data, name))
        for key, needs in _TEMPLATE_SLOTS.items() if templates else ():
            raw = data.get(key)
            marks = raw.item_marks if isinstance(raw, MList) else [data.value_marks.get(key)]
            for text, mark in zip(out.get(key, ()), marks, strict=False):
                for needed in needs:
                    if needed not in text and mark is not None:
                        self.problem(part.file, mark, f"template {text!r} in '{name}.{key}' "
                                     f"needs {needed}")
        return out

    def read_answers(self, where: str) -> dict[str, tuple[str, ...]]:
        part = self.single("answers")
        data = self.mapping(part, "answers") if part else None
        if part is None or data is None:
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for key in data:
            if not isinstance(key, str):
                self.problem(part.file, data.key_marks[key], f"answer value {key!r} must be "
                             "text" + (_BOOL_HINT if isinstance(key, bool) else ""))
                continue
            out[key] = self.texts(part.file, data, key, "'answers'")
        return out

    def read_messages(self, where: str) -> dict[str, str]:
        part = self.required("messages", where)
        data = self.mapping(part, "messages") if part else None
        if part is None or data is None:
            return {}
        out: dict[str, str] = {}
        for key, text in self.shape(part.file, data, "messages").items():
            allowed = MESSAGES[key]
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
            except ValueError as exc:
                self.problem(part.file, data.value_marks[key], f"message '{key}' is not a valid "
                             f"template: {exc}")
                continue
            bad = [n for n in names if n not in allowed]
            if bad:
                can = ", ".join("{" + a + "}" for a in allowed) or "none"
                self.problem(part.file, data.value_marks[key], f"message '{key}' uses unknown "
                             f"placeholder {{{bad[0]}}}; it can use: {can}")
                continue
            out[key] = text
        return out

    def read_voices(self) -> dict[str, Voice]:
        """Optional: who else an interview can be about ("my daughter" -> she), with the
        phrases that turn "you" into them ("you're" -> "she's")."""
        part = self.single("voices")
        data = self.mapping(part, "voices") if part else None
        if part is None or data is None:
            return {}
        out: dict[str, Voice] = {}
        for name, spec in data.items():
            where = f"'voices.{name}'"
            if not isinstance(spec, MDict):
                self.problem(part.file, data.value_marks[name], f"{where} must be a mapping")
                continue
            cues = self.shape(part.file, spec, "voice", where).get("cues", ())
            words = spec.get("words")
            if not isinstance(words, MDict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in words.items()):
                self.problem(part.file, spec.mark, f"{where} needs 'words': a mapping of "
                             "phrases to phrases")
                continue
            out[str(name)] = Voice(str(name), cues, frozen_map(
                {k.lower(): v for k, v in words.items()}))
        return out

    def read_words(self, name: str) -> dict[str, Any]:
        """An optional open mapping of words ('numbers', 'respell'), keys lower-cased."""
        part = self.single(name)
        data = self.mapping(part, name) if part else None
        if part is None or data is None:
            return {}
        good = self.shape(part.file, data, name)
        return {word.lower(): to.lower() if isinstance(to, str) else to
                for word, to in good.items()}


def _read(directory: Path, graph: Graph) -> tuple[Flow | None, list[Problem]]:
    r = _Reader(graph)
    where = r.read(directory)
    if r.problems and not r.parts:
        return None, r.problems
    try:
        return _build(r, where, directory)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # A value of the wrong shape ('slot: [x]' where a name belongs) that a later check
        # still tried to use: its shape problem is reported, never a traceback.
        if not r.problems:
            r.problem(where, (1, 1), "a value of the wrong kind somewhere in the flow (a list "
                      f"or mapping where a name belongs?): {type(exc).__name__}")
        return None, r.problems


def _build(r: _Reader, where: Any, directory: Path) -> tuple[Flow | None, list[Problem]]:
    meta = r.flow_meta(where)
    fellowship_types, career_types, scope_part = r.scope_types(where)
    r.career_types = frozenset(career_types | fellowship_types)
    r.read_slots()
    r.check_implies()
    questions = r.read_questions()
    fellowship_when: tuple[Condition, ...] = ()
    if scope_part is not None and isinstance(scope_part.value, MDict):
        data = scope_part.value
        if "fellowship_when" in data:
            fellowship_when, _ = r.conditions(scope_part.file, data["fellowship_when"],
                                              data.value_marks["fellowship_when"],
                                              "'scope.fellowship_when'")
    evidence = r.read_evidence()
    exclusions = r.read_exclusions()
    language = r.read_lists("language", where)
    controls = r.read_lists("controls", where, templates=True)
    answers = r.read_answers(where)
    numbers = r.read_words("numbers")
    respell = r.read_words("respell")
    messages = r.read_messages(where)
    voices = r.read_voices()
    if not questions and not r.problems:
        r.problem(where, (1, 1), "the flow has no questions")
    if r.problems:
        return None, r.problems
    flow = Flow(
        id=meta["id"], title=meta["title"], min_known=meta["min_known"],
        max_questions=meta["max_questions"], enough_signals=meta["enough_signals"],
        fit_damping=float(meta["fit_damping"]), show=meta["show"],
        mentioned=meta["mentioned"], avoided=meta["avoided"],
        tuning=frozen_map(meta.get("tuning", {})), voices=frozen_map(voices),
        slots=frozen_map(r.slots), questions=tuple(questions), evidence=tuple(evidence),
        exclusions=tuple(exclusions),
        scope=Scope(fellowship_types, career_types, fellowship_when),
        language=frozen_map(language), answers=frozen_map(answers),
        numbers=frozen_map(numbers), respell=frozen_map(respell),
        controls=frozen_map(controls), messages=frozen_map(messages), source=str(directory))
    return flow, []


def _graph(graph: Graph | None) -> Graph:
    if graph is not None:
        return graph
    from knowledge import load_graph

    return load_graph()


def validate_dialogs(directory: str | Path | None = None, graph: Graph | None = None
                     ) -> list[Problem]:
    """Every problem of a dialogs directory checked against `graph` (default: embedded ones)."""
    return _read(Path(directory) if directory is not None else DIALOGS_DIR, _graph(graph))[1]


def load_dialogs(directory: str | Path | None = None, graph: Graph | None = None) -> Flow:
    """Load and validate a dialogs directory (default: the embedded `dialogs/` package).

    Raises KnowledgeError listing every problem as file:line:col, like the graph loader.
    """
    flow, problems = _read(Path(directory) if directory is not None else DIALOGS_DIR,
                           _graph(graph))
    if flow is None:
        raise KnowledgeError(problems)
    return flow
