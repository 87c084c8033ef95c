"""The dialog sections declared as data (`dialogs.loader.SHAPES`) are checked by one walker.

Every problem of a broken section comes back in one run, each at the file:line:col of the
offending key or value, with a "did you mean" for a misspelt key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_dialogs import MINI

from dialogs import DIALOGS_DIR
from dialogs.loader import SHAPES, validate_dialogs
from knowledge import Graph, load_graph

BAD_FLOW = ('flow: {id: Mini, title: true, min_know: 1, max_questions: 3, enough_signals: 1,\n'
            '       fit_damping: 2, close_margin: -1, show: 0, mentioned: "you mentioned", '
            'avoided: 7}\n')


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    """The shared sections of the embedded flow, as plain data to break."""
    data = yaml.safe_load((DIALOGS_DIR / "pathway_chooser.yaml").read_text(encoding="utf-8"))
    return {k: data[k] for k in ("language", "answers", "numbers", "respell", "controls",
                                 "messages")}


def write(tmp_path: Path, shared: dict[str, Any], flow: str = MINI) -> tuple[Path, Path]:
    common, mini = tmp_path / "common.yaml", tmp_path / "flow.yaml"
    common.write_text(yaml.safe_dump(shared, allow_unicode=True), encoding="utf-8")
    mini.write_text(flow, encoding="utf-8")
    return common, mini


def test_every_flow_problem_is_reported_in_one_run(tmp_path: Path, shared: dict[str, Any],
                                                   graph: Graph) -> None:
    _, path = write(tmp_path, shared, BAD_FLOW + MINI.split("\n", 2)[2])
    assert sorted(str(p) for p in validate_dialogs(tmp_path, graph)) == sorted(
        f"{path}:{message}" for message in (
            "1:31: error: unknown key 'min_know' in 'flow' (did you mean 'min_known'?)",
            "1:12: error: 'flow.id' must be lower-case letters, digits and underscores, "
            "starting with a letter",
            "1:25: error: 'flow.title' must be non-empty text, not a boolean; YAML reads a "
            'bare true/false as a boolean, so quote it ("true")',
            "1:7: error: 'flow' is missing 'min_known'",
            "2:48: error: 'flow.show' must be a whole number of 1 or more",
            "2:62: error: 'flow.mentioned' must contain '{label}'",
            "2:88: error: 'flow.avoided' must be non-empty text, not a number",
            "2:38: error: 'flow.close_margin' must be a number of 0 or more",
        ))


def test_min_known_may_not_exceed_max_questions(tmp_path: Path, shared: dict[str, Any],
                                                graph: Graph) -> None:
    _, path = write(tmp_path, shared, MINI.replace("min_known: 1,", "min_known: 5,"))
    assert [str(p) for p in validate_dialogs(tmp_path, graph)] == [
        f"{path}:1:42: error: 'flow.min_known' must not exceed 'flow.max_questions'"]


def test_a_control_given_as_one_text_is_checked_not_crashed_on(
        tmp_path: Path, shared: dict[str, Any], graph: Graph) -> None:
    controls = dict(shared["controls"])
    controls["detail"] = "tell me more"
    common, _ = write(tmp_path, {**shared, "controls": controls})
    problems = [str(p) for p in validate_dialogs(tmp_path, graph)]
    assert len(problems) == 1
    assert problems[0].startswith(str(common) + ":")
    assert problems[0].endswith("error: template 'tell me more' in 'controls.detail' needs {x}")


def test_shared_sections_report_missing_misspelt_and_mistyped_keys(
        tmp_path: Path, shared: dict[str, Any], graph: Graph) -> None:
    language = dict(shared["language"])
    language["negatorz"] = language.pop("negators")
    messages = dict(shared["messages"])
    messages["quit"] = 3
    write(tmp_path, {**shared, "language": language, "messages": messages})
    problems = [p.message for p in validate_dialogs(tmp_path, graph)]
    assert "unknown key 'negatorz' in 'language' (did you mean 'negators'?)" in problems
    assert "'language' is missing 'negators'" in problems
    assert "'messages.quit' must be non-empty text, not a number" in problems
    assert len(problems) == 3


def test_the_shapes_cover_every_key_the_embedded_flow_uses() -> None:
    data = yaml.safe_load((DIALOGS_DIR / "pathway_chooser.yaml").read_text(encoding="utf-8"))
    for name in ("flow", "scope", "language", "controls", "messages"):
        assert set(data[name]) <= set(SHAPES[name]), name
    for slot in data["slots"].values():
        assert set(slot) <= set(SHAPES["slot"])
        assert all(set(value) <= set(SHAPES["value"]) for value in slot["values"].values())
    for question in data["questions"]:
        assert set(question) <= set(SHAPES["question"])
        assert all(set(option) <= set(SHAPES["option"]) for option in question["options"])
    assert all(set(item) <= set(SHAPES["evidence"]) for item in data.get("evidence", []))


def test_entries_are_checked_by_the_same_walker(tmp_path: Path, shared: dict[str, Any],
                                                graph: Graph) -> None:
    flow = (MINI.replace("    kind: choice", "    kind: choise\n    multi: yes please")
            .replace("    text: Kids?\n", "    text: Kids?\n    priority: high\n")
            .replace("      - {value: student, label: Student}",
                     "      - {value: student, lable: Student}"))
    _, path = write(tmp_path, shared, flow)
    assert [str(p) for p in validate_dialogs(tmp_path, graph)] == [f"{path}:{m}" for m in (
        "8:11: error: 'kind' of slot 'stage' must be one of: choice, scale (did you mean "
        "'choice'?)",
        "9:12: error: 'multi' of slot 'stage' must be true or false",
        "27:26: error: unknown key 'lable' in option 'student' of question 'stage'",
        "27:9: error: option 'student' of question 'stage' is missing 'label'",
        "32:15: error: 'priority' of question 'kids' must be a whole number",
    )]


def test_open_word_mappings_check_every_entry(tmp_path: Path, shared: dict[str, Any],
                                              graph: Graph) -> None:
    numbers = {**shared["numbers"], "dozen": "twelve", 7: 7}
    respell = {**shared["respell"], "colour": 3}
    write(tmp_path, {**shared, "numbers": numbers, "respell": respell})
    assert sorted(p.message for p in validate_dialogs(tmp_path, graph)) == [
        "'numbers.dozen' must be a whole number",
        "'respell.colour' must be non-empty text, not a number",
        "key 7 of 'numbers' must be text",
    ]


def test_an_exclusion_through_no_relation_is_reported(tmp_path: Path, shared: dict[str, Any],
                                                      graph: Graph) -> None:
    """'through' names the relation that files careers under a path for another career: a
    misspelt one is reported where it stands, with the relation meant."""
    flow = MINI + ("exclusions:\n"
                   "  - {when: {stage: [student]}, step: medical_school, through: path_for,\n"
                   "     reason: listed as a path for radiologists}\n")
    _, path = write(tmp_path, shared, flow)
    assert [str(p) for p in validate_dialogs(tmp_path, graph)] == [
        f"{path}:37:63: error: 'through' 'path_for' of an exclusion is no relation "
        "(did you mean 'paths_for'?)"]
