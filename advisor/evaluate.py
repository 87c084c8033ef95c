"""Measure language understanding on a labelled set, as `rasa test nlu` measures an NLU model.

A labelled set is YAML: a list of items, each one question asked in a fresh session.

```yaml
- text: How long is radiology residency?
  intent: duration
  entities: [diagnostic_radiology_residency]   # ids the reply must be about; [] = not checked
- context: [Tell me about sonographers]        # earlier turns of the same session, not scored
  text: what can they specialize in?
  intent: subspecialties
  entities: [sonographer]
  hard: true                                   # optional: counted apart as a hard case
```

`load_items` reads and validates such a file (every problem as file:line:col, raised once as
KnowledgeError); `evaluate` asks the advisor every item and returns an `EvalReport` (per-intent
precision, recall, F1 and support, accuracy, macro and weighted averages, entity accuracy, the
misclassified utterances); `format_report` renders it as text; `run_eval` does all three for the
`radiology-advisor eval FILE` command. Only `run_eval` writes, and only to its `out` stream.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from knowledge import Graph, KnowledgeError, Problem, did_you_mean, key, strip_control
from knowledge.record import record
from knowledge.yamlsafe import MDict, MList, read_marked

from .resources import load_intents

if TYPE_CHECKING:
    from .core import Advisor

# Reply intents that are not declared in intents.yaml but that a labelled item may expect.
FALLBACK_INTENTS = ("out_of_scope", "not_understood")
ITEM_KEYS = ("text", "intent", "entities", "context", "hard")


class _Reply(Protocol):
    @property
    def intent(self) -> str: ...

    @property
    def entities(self) -> tuple[str, ...]: ...


class _Session(Protocol):
    def ask(self, text: str) -> _Reply: ...


class Writer(Protocol):
    """Where `run_eval` prints: any text stream (sys.stdout, io.StringIO, an open file)."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class Evaluable(Protocol):
    """What `evaluate` needs of an advisor: fresh sessions that answer text (Advisor fits)."""

    def session(self) -> _Session: ...


@record
class Item:
    """One labelled utterance."""

    text: str
    intent: str
    entities: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    hard: bool = False
    line: int = 0


@record
class IntentMetrics:
    """One row of the intent report."""

    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@record
class Error:
    """An utterance the advisor got wrong: intent, or (with the right intent) its entities."""

    text: str
    expected: str
    got: str
    entities_expected: tuple[str, ...]
    entities_got: tuple[str, ...]
    context: tuple[str, ...] = ()
    line: int = 0
    hard: bool = False


@record
class EvalReport:
    """The scores of one run over a labelled set.

    Per-intent rows cover every label that was expected or predicted (as scikit-learn's
    classification_report, which `rasa test nlu` prints); macro averages weigh those rows
    equally, weighted averages by support. Entity accuracy counts the items that label
    entities whose labelled ids all occur in the reply's entities, whatever the intent.
    """

    intents: tuple[IntentMetrics, ...]
    total: int
    correct: int
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    weighted_precision: float
    weighted_recall: float
    weighted_f1: float
    entity_total: int
    entity_correct: int
    entity_accuracy: float | None
    hard_total: int
    hard_correct: int
    misclassified: tuple[Error, ...]
    entity_errors: tuple[Error, ...]
    confusions: tuple[tuple[str, str, int], ...]

    @property
    def hard_accuracy(self) -> float | None:
        return self.hard_correct / self.hard_total if self.hard_total else None

    def metrics(self, intent: str) -> IntentMetrics | None:
        """The report row of one intent, or None when it was neither expected nor predicted."""
        return next((m for m in self.intents if m.intent == intent), None)


# -- loading ------------------------------------------------------------------------------
def known_intents() -> frozenset[str]:
    """Every intent a reply can carry that an item may expect."""
    return frozenset({spec.name for spec in load_intents()} | set(FALLBACK_INTENTS))


def load_items(path: Path, graph: Graph, intents: Iterable[str] | None = None,
               display: str | None = None) -> list[Item]:
    """Read and validate a labelled set; raise KnowledgeError listing every problem found.

    `intents` are the intent names an item may expect (default: `known_intents()`); entity
    ids must be nodes of `graph`.
    """
    name = display or str(path)
    allowed = frozenset(intents) if intents is not None else known_intents()
    data, problems = read_marked(path, name)
    if problems:
        raise KnowledgeError(problems)
    if data is None:
        raise KnowledgeError([Problem(name, 1, 1, "the file is empty; expected a list of "
                                      "items with 'text' and 'intent'")])
    if not isinstance(data, MList):
        mark = data.mark if isinstance(data, MDict) else (1, 1)
        raise KnowledgeError([Problem(name, *mark, "expected a list of items with 'text' and "
                                      "'intent' at the top level")])
    if not data:
        raise KnowledgeError([Problem(name, *data.mark, "the list of items is empty")])
    items: list[Item] = []
    for index, raw in enumerate(data):
        item = _item(raw, data.item_marks[index], index + 1, name, allowed, graph, problems)
        if item is not None:
            items.append(item)
    if problems:
        raise KnowledgeError(problems)
    return items


def _item(raw: Any, mark: tuple[int, int], number: int, name: str, allowed: frozenset[str],
          graph: Graph, problems: list[Problem]) -> Item | None:
    """One labelled utterance, each field read by its own reader; every problem is kept."""
    where = f"item {number}"
    if not isinstance(raw, MDict):
        problems.append(Problem(name, *mark, f"{where} must be a mapping with 'text' and "
                                "'intent'"))
        return None
    found = len(problems)
    for k in raw:
        if k not in ITEM_KEYS:
            problems.append(Problem(name, *raw.key_marks[k], f"unknown key {k!r} in {where}"
                                    + did_you_mean(str(k), ITEM_KEYS)))
    text = _item_text(raw, where, name, problems)
    intent = _item_intent(raw, where, name, allowed, problems)
    entities = _item_entities(raw, where, name, graph, problems)
    context = _item_context(raw, where, name, problems)
    hard = raw.get("hard", False)
    if not isinstance(hard, bool):
        problems.append(Problem(name, *_at(raw, "hard"), f"'hard' of {where} must be true or "
                                "false"))
    if len(problems) > found or text is None or intent is None:
        return None
    return Item(text, intent, tuple(dict.fromkeys(entities)), tuple(context), bool(hard),
                raw.mark[0])


def _at(raw: MDict, k: str) -> tuple[int, int]:
    return raw.value_marks.get(k, raw.mark)


def _item_text(raw: MDict, where: str, name: str, problems: list[Problem]) -> str | None:
    text = raw.get("text")
    if "text" not in raw:
        problems.append(Problem(name, *raw.mark, f"{where} has no 'text'"))
    elif not isinstance(text, str) or not text.strip():
        problems.append(Problem(name, *_at(raw, "text"), f"'text' of {where} must be a "
                                "non-empty string (quote it if YAML reads it as a number or "
                                "boolean)"))
    return text if isinstance(text, str) and text.strip() else None


def _item_intent(raw: MDict, where: str, name: str, allowed: frozenset[str],
                 problems: list[Problem]) -> str | None:
    intent = raw.get("intent")
    if "intent" not in raw:
        problems.append(Problem(name, *raw.mark, f"{where} has no 'intent'"))
        return None
    if not isinstance(intent, str) or intent not in allowed:
        hint = did_you_mean(intent, allowed) if isinstance(intent, str) else ""
        problems.append(Problem(name, *_at(raw, "intent"), f"unknown intent {intent!r} in "
                                f"{where}" + (hint or "; known intents: "
                                              + ", ".join(sorted(allowed)))))
        return None
    return intent


def _item_entities(raw: MDict, where: str, name: str, graph: Graph,
                   problems: list[Problem]) -> list[str]:
    entities: list[str] = []
    value = raw.get("entities")
    if isinstance(value, MList):
        for i, entity in enumerate(value):
            if not isinstance(entity, str):
                problems.append(Problem(name, *value.item_marks[i], f"entity {entity!r} in "
                                        f"{where} must be a node id"))
            elif entity not in graph:
                problems.append(Problem(name, *value.item_marks[i], f"unknown entity id "
                                        f"{entity!r} in {where}" + _entity_hint(entity, graph)))
            else:
                entities.append(entity)
    elif value is not None:
        problems.append(Problem(name, *_at(raw, "entities"), f"'entities' of {where} must be "
                                "a list of node ids"))
    return entities


def _item_context(raw: MDict, where: str, name: str, problems: list[Problem]) -> list[str]:
    context: list[str] = []
    value = raw.get("context")
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        marks = value.item_marks if isinstance(value, MList) else [_at(raw, "context")] * len(
            value)
        for i, turn in enumerate(value):
            if not isinstance(turn, str) or not turn.strip():
                problems.append(Problem(name, *marks[i], f"context turn {i + 1} of {where} "
                                        "must be a non-empty string"))
            else:
                context.append(turn)
    elif value is not None:
        problems.append(Problem(name, *_at(raw, "context"), f"'context' of {where} must be a "
                                "list of earlier questions"))
    return context


def _entity_hint(entity: str, graph: Graph) -> str:
    """' (did you mean ...)' for a misspelt id, or for a name or alias ('rad tech') of a node."""
    named = graph.names.get(key(entity.replace("_", " ")))
    if named is not None:
        return f" (did you mean '{named}'?)"
    return did_you_mean(entity, (n.id for n in graph))


# -- scoring ------------------------------------------------------------------------------
def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _mean(values: Sequence[float], weights: Sequence[int] | None = None) -> float:
    if weights is None:
        return sum(values) / len(values) if values else 0.0
    total = sum(weights)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total if total else 0.0


def evaluate(advisor: Evaluable, items: Sequence[Item]) -> EvalReport:
    """Ask every item in a fresh session (after its context turns) and score the replies."""
    predictions: list[tuple[Item, str, tuple[str, ...]]] = []
    for item in items:
        session = advisor.session()
        for turn in item.context:
            session.ask(turn)
        reply = session.ask(item.text)
        predictions.append((item, reply.intent, tuple(reply.entities)))
    return score(predictions)


def score(predictions: Sequence[tuple[Item, str, tuple[str, ...]]]) -> EvalReport:
    """The report for (item, predicted intent, predicted entities) triples. Pure."""
    expected = [item.intent for item, _, _ in predictions]
    got = [intent for _, intent, _ in predictions]
    labels = sorted(set(expected) | set(got))
    rows: list[IntentMetrics] = []
    for label in labels:
        tp = sum(1 for e, g in zip(expected, got, strict=True) if e == label and g == label)
        predicted = sum(1 for g in got if g == label)
        support = sum(1 for e in expected if e == label)
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(IntentMetrics(label, precision, recall, f1, support))
    total = len(predictions)
    correct = sum(1 for e, g in zip(expected, got, strict=True) if e == g)
    weights = [r.support for r in rows]
    misclassified: list[Error] = []
    entity_errors: list[Error] = []
    entity_total = entity_correct = hard_total = hard_correct = 0
    for item, intent, entities in predictions:
        error = Error(item.text, item.intent, intent, item.entities, entities, item.context,
                      item.line, item.hard)
        if item.hard:
            hard_total += 1
            hard_correct += intent == item.intent
        entities_ok = set(item.entities) <= set(entities)
        if item.entities:
            entity_total += 1
            entity_correct += entities_ok
        if intent != item.intent:
            misclassified.append(error)
        elif not entities_ok:
            entity_errors.append(error)
    pairs = Counter((e.expected, e.got) for e in misclassified)
    confusions = tuple((e, g, c) for (e, g), c in sorted(pairs.items(),
                                                          key=lambda kv: (-kv[1], kv[0])))
    return EvalReport(
        intents=tuple(rows), total=total, correct=correct, accuracy=_ratio(correct, total),
        macro_precision=_mean([r.precision for r in rows]),
        macro_recall=_mean([r.recall for r in rows]),
        macro_f1=_mean([r.f1 for r in rows]),
        weighted_precision=_mean([r.precision for r in rows], weights),
        weighted_recall=_mean([r.recall for r in rows], weights),
        weighted_f1=_mean([r.f1 for r in rows], weights),
        entity_total=entity_total, entity_correct=entity_correct,
        entity_accuracy=entity_correct / entity_total if entity_total else None,
        hard_total=hard_total, hard_correct=hard_correct,
        misclassified=tuple(misclassified), entity_errors=tuple(entity_errors),
        confusions=confusions)


# -- rendering ----------------------------------------------------------------------------
def _quote(text: str) -> str:
    return '"' + strip_control(" ".join(text.split())).replace('"', '\\"') + '"'


def _ids(ids: Sequence[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _error_lines(error: Error, source: str) -> list[str]:
    where = f"{source}:{error.line}" if error.line else source
    flag = " (hard)" if error.hard else ""
    lines = [f"  {where}{flag}  {_quote(error.text)}",
             f"      intent {error.expected} → {error.got}"]
    if error.context:
        lines.append("      after: " + " / ".join(_quote(c) for c in error.context))
    if error.entities_expected or error.entities_got:
        lines.append(f"      entities expected {_ids(error.entities_expected)}, "
                     f"got {_ids(error.entities_got)}")
    return lines


def format_report(report: EvalReport, source: str = "") -> str:
    """The report as `rasa test nlu` prints it: the intent table, totals, then the errors."""
    width = max([len("weighted avg"), *(len(r.intent) for r in report.intents)]) + 2
    head = f"Intent report for {source}" if source else "Intent report"
    lines = [f"{head} ({report.total} utterances)", "",
             f"{'intent':<{width}}{'precision':>10}{'recall':>10}{'f1-score':>10}{'support':>10}"]
    for r in report.intents:
        lines.append(f"{r.intent:<{width}}{r.precision:>10.2f}{r.recall:>10.2f}{r.f1:>10.2f}"
                     f"{r.support:>10}")
    lines.append("")
    lines.append(f"{'accuracy':<{width}}{'':>10}{'':>10}{report.accuracy:>10.2f}"
                 f"{report.total:>10}")
    lines.append(f"{'macro avg':<{width}}{report.macro_precision:>10.2f}"
                 f"{report.macro_recall:>10.2f}{report.macro_f1:>10.2f}{report.total:>10}")
    lines.append(f"{'weighted avg':<{width}}{report.weighted_precision:>10.2f}"
                 f"{report.weighted_recall:>10.2f}{report.weighted_f1:>10.2f}"
                 f"{report.total:>10}")
    lines.append("")
    lines.append(f"intent accuracy: {report.accuracy:.4f} ({report.correct}/{report.total})")
    lines.append(f"macro F1: {report.macro_f1:.4f}   weighted F1: {report.weighted_f1:.4f}")
    if report.entity_accuracy is None:
        lines.append("entity accuracy: n/a (no item labels entities)")
    else:
        lines.append(f"entity accuracy: {report.entity_accuracy:.4f} ({report.entity_correct}/"
                     f"{report.entity_total} utterances with labelled entities)")
    if report.hard_total:
        lines.append(f"hard cases: intent accuracy {report.hard_correct / report.hard_total:.4f}"
                     f" ({report.hard_correct}/{report.hard_total})")
    if report.confusions:
        lines.extend(["", "Most confused intents (expected → got):"])
        lines.extend(f"  {count:>3}  {e} → {g}" for e, g, count in report.confusions[:15])
    lines.extend(["", f"Misclassified utterances ({len(report.misclassified)}):"])
    for error in report.misclassified:
        lines.extend(_error_lines(error, source))
    if not report.misclassified:
        lines.append("  none")
    lines.extend(["", "Entity errors, intent right but labelled entities missing "
                  f"({len(report.entity_errors)}):"])
    for error in report.entity_errors:
        lines.extend(_error_lines(error, source))
    if not report.entity_errors:
        lines.append("  none")
    return "\n".join(lines)


def run_eval(advisor: Advisor, path: Path, out: Writer | None = None) -> int:
    """`radiology-advisor eval FILE`: load, evaluate, print the report to `out`; return 0.

    `out` defaults to sys.stdout as it is when called. Raises KnowledgeError (every problem
    as file:line:col) when the file is missing or malformed.
    """
    stream = out if out is not None else sys.stdout
    items = load_items(path, advisor.graph)
    report = evaluate(advisor, items)
    stream.write(format_report(report, str(path)) + "\n")
    stream.flush()
    return 0
