"""Language understanding measured like an NLU system, on tests/nlu/labelled.yaml.

Metrics are pinned on a hand-made list with a scripted advisor (exact numbers), the loader's
errors as whole file:line:col lines, the `eval` command through a subprocess, and the scores of
the real advisor on the labelled set against floors.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import pytest

from advisor import Advisor
from advisor.evaluate import (
    EvalReport,
    Item,
    evaluate,
    format_report,
    known_intents,
    load_items,
    run_eval,
)
from knowledge import KnowledgeError, key

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "nlu" / "labelled.yaml"
DEV_SET = ROOT / "tests" / "eval" / "shared" / "dev.yaml"  # a copy of shared/eval/dev.yaml

INTENTS = ("describe", "duties", "duration", "education", "certification", "subspecialties",
           "modalities", "skills", "pay", "outlook", "list_careers", "compare", "recommend",
           "about_me", "greeting", "thanks", "goodbye", "help", "medical_advice",
           "out_of_scope", "not_understood")

# Floors on tests/nlu/labelled.yaml: the scores reached, less a margin, rounded down to 0.05.
# When the set was written (553 utterances, 77 hard): intent accuracy 0.7920, macro F1 0.7801,
# entity accuracy 0.9191, hard cases 0.4675. Reached since: intent accuracy 0.935 (517/553),
# macro F1 0.94, entity accuracy 0.957 (355/371), hard cases 0.805 (62/77).
ACCURACY_FLOOR = 0.90
MACRO_F1_FLOOR = 0.90
ENTITY_ACCURACY_FLOOR = 0.90


# -- a scripted advisor, for exact numbers ---------------------------------------------------
@dataclass(frozen=True)
class FakeReply:
    intent: str
    entities: tuple[str, ...] = ()


@dataclass
class FakeSession:
    answers: dict[str, FakeReply]
    heard: list[str] = field(default_factory=list)

    def ask(self, text: str) -> FakeReply:
        self.heard.append(text)
        return self.answers.get(text, FakeReply("not_understood"))


@dataclass
class FakeAdvisor:
    answers: dict[str, FakeReply]
    sessions: list[FakeSession] = field(default_factory=list)

    def session(self) -> FakeSession:
        self.sessions.append(FakeSession(self.answers))
        return self.sessions[-1]


def scripted() -> tuple[FakeAdvisor, list[Item]]:
    """Six items: pay 3 (2 right), outlook 2 (1 right), greeting 1 (right)."""
    rows = [  # text, expected, expected entities, got, got entities
        ("p1", "pay", ("radiologist",), "pay", ("radiologist", "abr")),
        ("p2", "pay", ("sonographer",), "pay", ("radiologist",)),
        ("p3", "pay", (), "outlook", ()),
        ("o1", "outlook", ("sonographer",), "outlook", ()),
        ("o2", "outlook", (), "greeting", ()),
        ("g1", "greeting", (), "greeting", ()),
    ]
    answers = {text: FakeReply(got, got_ids) for text, _, _, got, got_ids in rows}
    answers["earlier"] = FakeReply("describe", ("sonographer",))
    items = [Item(text, want, want_ids, ("earlier",) if text == "o1" else (), text == "p3", i)
             for i, (text, want, want_ids, _, _) in enumerate(rows, 1)]
    return FakeAdvisor(answers), items


def test_per_intent_precision_recall_f1_and_support() -> None:
    fake, items = scripted()
    report = evaluate(fake, items)
    rows = {m.intent: (m.precision, m.recall, m.f1, m.support) for m in report.intents}
    assert list(rows) == ["greeting", "outlook", "pay"]
    assert rows["pay"] == pytest.approx((1.0, 2 / 3, 0.8, 3))
    assert rows["outlook"] == pytest.approx((0.5, 0.5, 0.5, 2))
    assert rows["greeting"] == pytest.approx((0.5, 1.0, 2 / 3, 1))
    assert (report.total, report.correct) == (6, 4)
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.macro_precision == pytest.approx(2 / 3)
    assert report.macro_recall == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    assert report.macro_f1 == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert report.weighted_recall == pytest.approx(4 / 6)
    assert report.weighted_f1 == pytest.approx((0.8 * 3 + 0.5 * 2 + 2 / 3) / 6)


def test_entity_accuracy_errors_context_and_hard_cases() -> None:
    fake, items = scripted()
    report = evaluate(fake, items)
    # p1: expected ids are a subset of the reply's; p2 and o1 miss theirs; others not checked.
    assert (report.entity_correct, report.entity_total) == (1, 3)
    assert report.entity_accuracy == pytest.approx(1 / 3)
    assert [(e.text, e.expected, e.got) for e in report.misclassified] == [
        ("p3", "pay", "outlook"), ("o2", "outlook", "greeting")]
    assert [(e.text, e.entities_expected, e.entities_got) for e in report.entity_errors] == [
        ("p2", ("sonographer",), ("radiologist",)), ("o1", ("sonographer",), ())]
    assert report.confusions == (("outlook", "greeting", 1), ("pay", "outlook", 1))
    assert (report.hard_correct, report.hard_total) == (0, 1)
    # One fresh session per item; context turns go first, into the same session.
    assert [s.heard for s in fake.sessions] == [
        ["p1"], ["p2"], ["p3"], ["earlier", "o1"], ["o2"], ["g1"]]


def test_a_label_only_predicted_gets_a_row_without_support() -> None:
    fake = FakeAdvisor({"x": FakeReply("interview_skip")})
    report = evaluate(fake, [Item("x", "recommend")])
    assert [(m.intent, m.precision, m.recall, m.f1, m.support) for m in report.intents] == [
        ("interview_skip", 0.0, 0.0, 0.0, 0), ("recommend", 0.0, 0.0, 0.0, 1)]
    assert report.accuracy == 0.0
    assert report.entity_accuracy is None
    assert report.metrics("recommend") is not None
    assert report.metrics("pay") is None


def test_format_report_prints_the_table_totals_and_errors() -> None:
    fake, items = scripted()
    text = format_report(evaluate(fake, items), "set.yaml")
    lines = text.splitlines()
    assert lines[0] == "Intent report for set.yaml (6 utterances)"
    assert lines[2].split() == ["intent", "precision", "recall", "f1-score", "support"]
    assert lines[3].split() == ["greeting", "0.50", "1.00", "0.67", "1"]
    assert lines[5].split() == ["pay", "1.00", "0.67", "0.80", "3"]
    accuracy = next(x for x in lines if x.startswith("accuracy"))
    assert accuracy.split() == ["accuracy", "0.67", "6"]
    assert "entity accuracy: 0.3333 (1/3 utterances with labelled entities)" in lines
    assert "  set.yaml:3 (hard)  \"p3\"" in lines
    assert "      intent pay → outlook" in lines
    assert "      after: \"earlier\"" in lines
    assert "      entities expected [sonographer], got []" in lines


def test_run_eval_writes_only_to_out(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     advisor: Advisor) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("- text: hello\n  intent: greeting\n", encoding="utf-8")
    out = _Buffer()
    assert run_eval(advisor, path, out) == 0
    assert capsys.readouterr() == ("", "")
    assert "Intent report for" in out.text and "greeting" in out.text


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


# -- the loader's errors, pinned as whole lines ---------------------------------------------
@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, advisor: Advisor,
           text: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_items(Path("bad.yaml"), advisor.graph)
    return [str(p) for p in info.value.problems]


def test_loader_reports_every_broken_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          advisor: Advisor) -> None:
    assert errors(tmp_path, monkeypatch, advisor, """
        - text: How long is radiology residency?
          intent: duraton
        - intent: pay
        - text: what is a rad tech
        - text: what does a sonographer do
          intent: duties
          entities: [sonographr, radiologist]
        - text: hi
          intent: greeting
          entites: []
        - text: 42
          intent: describe
        - just a string
        - text: what about pay
          intent: pay
          context: {a: 1}
          hard: maybe
        - text: compare them
          intent: compare
          entities: radiologist
        - text: what does a rad tech do
          intent: duties
          entities: [rad_tech]
        """) == [
        "bad.yaml:2:11: error: unknown intent 'duraton' in item 1 (did you mean 'duration'?)",
        "bad.yaml:3:3: error: item 2 has no 'text'",
        "bad.yaml:4:3: error: item 3 has no 'intent'",
        "bad.yaml:7:14: error: unknown entity id 'sonographr' in item 4 "
        "(did you mean 'sonographer'?)",
        "bad.yaml:10:3: error: unknown key 'entites' in item 5 (did you mean 'entities'?)",
        "bad.yaml:11:9: error: 'text' of item 6 must be a non-empty string (quote it if YAML "
        "reads it as a number or boolean)",
        "bad.yaml:13:3: error: item 7 must be a mapping with 'text' and 'intent'",
        "bad.yaml:16:12: error: 'context' of item 8 must be a list of earlier questions",
        "bad.yaml:17:9: error: 'hard' of item 8 must be true or false",
        "bad.yaml:20:13: error: 'entities' of item 9 must be a list of node ids",
        "bad.yaml:23:14: error: unknown entity id 'rad_tech' in item 10 (did you mean "
        "'radiologic_technologist'?)",
    ]


def test_loader_lists_known_intents_when_nothing_is_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, advisor: Advisor) -> None:
    assert errors(tmp_path, monkeypatch, advisor, """
        - text: What's the weather?
          intent: zzz
        """) == ["bad.yaml:2:11: error: unknown intent 'zzz' in item 1; known intents: "
                 + ", ".join(sorted(known_intents()))]


@pytest.mark.parametrize(("text", "expected"), [
    ("", "bad.yaml:1:1: error: the file is empty; expected a list of items with 'text' and "
         "'intent'"),
    ("[]\n", "bad.yaml:1:1: error: the list of items is empty"),
    ("text: hi\nintent: greeting\n", "bad.yaml:1:1: error: expected a list of items with "
                                     "'text' and 'intent' at the top level"),
    ("- text: !!python/object:os.system hi\n  intent: greeting\n",
     "bad.yaml:1:9: error: unsafe or unknown YAML tag 'tag:yaml.org,2002:python/object:"
     "os.system' refused"),
])
def test_loader_refuses_malformed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        advisor: Advisor, text: str, expected: str) -> None:
    assert errors(tmp_path, monkeypatch, advisor, text) == [expected]


def test_loader_reports_yaml_syntax_errors_with_their_position(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, advisor: Advisor) -> None:
    # The wording is libyaml's or PyYAML's, whichever is installed; the shape is ours.
    [line] = errors(tmp_path, monkeypatch, advisor, "- text: hi\n  intent: [greeting\n")
    assert re.fullmatch(r"bad\.yaml:3:1: error: YAML syntax error: .*expected ',' or '\]'.*",
                        line), line


def test_loader_reads_context_entities_and_hard(tmp_path: Path, advisor: Advisor) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(dedent("""
        - text: hi
          intent: greeting
        - context: Tell me about sonographers
          text: what can they specialize in?
          intent: subspecialties
          entities: [sonographer, sonographer]
          hard: true
        """).lstrip("\n"), encoding="utf-8")
    assert load_items(path, advisor.graph) == [
        Item("hi", "greeting", line=1),
        Item("what can they specialize in?", "subspecialties", ("sonographer",),
             ("Tell me about sonographers",), True, 3),
    ]


# -- the command ---------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_eval_prints_the_intent_report() -> None:
    done = run_cli("eval", "tests/nlu/labelled.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Intent report for tests/nlu/labelled.yaml (")
    assert lines[2].split() == ["intent", "precision", "recall", "f1-score", "support"]
    rows = {line.split()[0] for line in lines[3:] if line.strip()}
    assert set(INTENTS) <= rows
    assert any(line.startswith("macro avg") for line in lines)
    assert any(line.startswith("entity accuracy: ") for line in lines)
    assert any(line.startswith("Misclassified utterances (") for line in lines)


def test_cli_eval_of_a_broken_file_exits_2_with_file_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- text: hi\n  intent: greting\n", encoding="utf-8")
    done = run_cli("eval", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert (f"{bad}:2:11: error: unknown intent 'greting' in item 1 (did you mean "
            "'greeting'?)") in done.stderr
    missing = run_cli("eval", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert f"{tmp_path / 'nope.yaml'}:1:1: error: cannot read file" in missing.stderr


# -- the labelled set itself ----------------------------------------------------------------
@pytest.fixture(scope="module")
def items(advisor: Advisor) -> list[Item]:
    return load_items(LABELLED, advisor.graph)


@pytest.fixture(scope="module")
def report(advisor: Advisor, items: list[Item]) -> EvalReport:
    return evaluate(advisor, items)


def test_labelled_set_size_and_intent_coverage(items: list[Item]) -> None:
    assert len(items) >= 450
    counts = Counter(item.intent for item in items)
    assert set(counts) == set(INTENTS)
    assert set(INTENTS) <= known_intents()
    assert min(counts.values()) >= 8, counts
    hard = sum(item.hard for item in items)
    assert 0.10 <= hard / len(items) <= 0.20
    followups = sum(bool(item.context) for item in items)
    assert followups >= 40


def test_labelled_set_covers_every_entity_family(items: list[Item], advisor: Advisor) -> None:
    labelled = {e for item in items for e in item.entities}
    families = {"role", "subspecialty", "training", "credential", "modality", "skill",
                "category", "concept"}
    missing = [n.id for n in advisor.graph if n.type in families and n.id not in labelled]
    assert missing == []


def test_labelled_set_has_no_duplicates_nor_dev_set_sentences(items: list[Item]) -> None:
    seen = Counter((key(item.text), tuple(key(c) for c in item.context)) for item in items)
    assert [k for k, n in seen.items() if n > 1] == []
    import yaml

    dev = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))
    said = {key(turn["say"]) for case in dev for turn in case.get("turns", ())}
    ours = {key(t) for item in items for t in (item.text, *item.context)}
    assert sorted(ours & said) == []


def test_scores_on_the_labelled_set_stay_above_the_floors(report: EvalReport) -> None:
    assert report.accuracy >= ACCURACY_FLOOR, format_report(report)
    assert report.macro_f1 >= MACRO_F1_FLOOR, format_report(report)
    assert report.entity_accuracy is not None
    assert report.entity_accuracy >= ENTITY_ACCURACY_FLOOR, format_report(report)
