"""The dialog manager: loading and validation, slot filling, the interview engine, ranking,
saved state. Whole conversations live in tests/dialog_transcripts/ (test_dialogs_transcripts).
"""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dialogs
from dialogs import (
    DIALOGS_DIR,
    TURN_KINDS,
    DialogState,
    DialogStateError,
    Flow,
    Interviewer,
    load_dialogs,
    validate_dialogs,
)
from knowledge import AdvisorError, Graph, KnowledgeError, load_graph
from knowledge.record import FrozenError

SOFTWARE = Path(__file__).resolve().parent / "fields" / "software"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


@pytest.fixture(scope="module")
def flow(graph: Graph) -> Flow:
    return load_dialogs(None, graph)


@pytest.fixture(scope="module")
def iv(graph: Graph, flow: Flow) -> Interviewer:
    return Interviewer(graph, flow)


def talk(iv: Interviewer, *lines: str, opening: str | None = None) -> tuple[DialogState, Any]:
    """Start an interview (after an optional opening) and say each line; the last turn."""
    state = DialogState()
    if opening:
        state = iv.observe(state, opening)
    state, turn = iv.start(state)
    for line in lines:
        state, turn = iv.advance(state, line)
    return state, turn


# -- loading and validation -------------------------------------------------------------------
def test_the_embedded_flow_is_valid(graph: Graph, flow: Flow) -> None:
    assert validate_dialogs(None, graph) == []
    assert validate_dialogs() == []  # the embedded graph is the default
    assert flow.id == "pathway_chooser"
    assert [q.id for q in flow.questions][:3] == ["stage", "med_school", "patient_contact"]
    assert all(q.why and len(q.options) >= 2 for q in flow.questions)
    assert (DIALOGS_DIR / "pathway_chooser.yaml").is_file()


def test_every_node_the_flow_names_exists(graph: Graph, flow: Flow) -> None:
    named: set[str] = set()
    for slot in flow.slots.values():
        for value in slot.values.values():
            named |= set(value.weights) | set(value.done) | set(value.is_now)
            named |= {value.current} if value.current else set()
    for evidence in flow.evidence:
        named |= set(evidence.nodes)
    named |= {x.step for x in flow.exclusions}
    assert named and all(n in graph for n in named)


def test_every_career_can_be_reached_by_some_weight(iv: Interviewer) -> None:
    reached = {c for weights in iv.scorer.slot_weights.values() for c, w in weights if w > 0}
    reached |= {c for weights in iv.scorer.topic_weights.values() for c, w in weights if w > 0}
    assert {c.id for c in iv.scorer.careers} <= reached


def test_the_embedded_flow_refuses_another_fields_graph() -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_dialogs(None, load_graph(SOFTWARE))
    assert "unknown node 'pediatric_radiology'" in str(caught.value)
    assert all(str(p).startswith(str(DIALOGS_DIR)) or "pathway_chooser.yaml" in str(p)
               for p in caught.value.problems)


MINI = '''\
flow: {id: mini, title: Mini, min_known: 1, max_questions: 3, enough_signals: 1,
       fit_damping: 2, show: 3, mentioned: "you mentioned {label}", avoided: "you avoid {label}"}
scope: {fellowship_types: [subspecialty], career_types: [role, subspecialty],
        fellowship_when: {stage: [resident]}}
slots:
  stage:
    label: stage
    kind: choice
    values:
      student: {label: student, says: you study, cues: [student]}
      resident: {label: resident, says: you train, cues: [resident]}
  kids:
    label: children
    kind: scale
    cues: [kids]
    polarity: {positive: "yes", negative: "no"}
    values:
      "yes": {label: "yes", says: you like kids, weights: {pediatric_radiology: 3}}
      "no": {label: "no", says: you avoid kids, weights: {pediatric_radiology: -3}}
questions:
  - id: stage
    slot: stage
    text: Where are you?
    why: It matters.
    options:
      - {value: student, label: Student}
      - {value: resident, label: Resident}
  - id: kids
    slot: kids
    text: Kids?
    why: It matters.
    ask_if: {stage: [resident]}
    options:
      - {value: "yes", label: "Yes"}
      - {value: "no", label: "No"}
'''


@pytest.fixture(scope="module")
def common() -> str:
    """The shared sections (language, controls, messages...) of the embedded flow, as YAML."""
    data = yaml.safe_load((DIALOGS_DIR / "pathway_chooser.yaml").read_text(encoding="utf-8"))
    keep = ("language", "answers", "numbers", "respell", "controls", "messages")
    return yaml.safe_dump({k: data[k] for k in keep}, allow_unicode=True)


def broken(tmp_path: Path, common: str, old: str = "", new: str = "") -> Path:
    """A two-file dialogs directory: the shared sections plus MINI with one edit."""
    if old:
        assert MINI.count(old) == 1, old
    (tmp_path / "common.yaml").write_text(common, encoding="utf-8")
    (tmp_path / "flow.yaml").write_text(MINI.replace(old, new), encoding="utf-8")
    return tmp_path / "flow.yaml"


def test_a_small_flow_split_over_two_files_loads(tmp_path: Path, common: str,
                                                 graph: Graph) -> None:
    broken(tmp_path, common)
    flow = load_dialogs(tmp_path, graph)
    assert flow.id == "mini" and [q.id for q in flow.questions] == ["stage", "kids"]
    iv = Interviewer(graph, flow)
    state, turn = iv.start(DialogState())
    assert turn.question_id == "stage" and "1. Student" in turn.text
    state, turn = iv.advance(state, "resident")
    state, turn = iv.advance(state, "yes")
    assert turn.kind == "recommendation" and turn.node_ids[0] == "pediatric_radiology"
    assert iv.recommend(state).scope == "fellowship"  # mini's fellowship_when: resident


BROKEN = [
    ("weights: {pediatric_radiology: 3}", "weights: {pediatric_radiolgy: 3}",
     "18:60: error: unknown node 'pediatric_radiolgy' in 'weights' of value 'yes' of slot "
     "'kids' (did you mean 'pediatric_radiology'?)"),
    ("weights: {pediatric_radiology: 3}", "weights: {radiology_overview: 3}",
     "18:60: error: 'weights' of value 'yes' of slot 'kids' points at 'radiology_overview', "
     "which reaches no career: it is not a career and no career links to it"),
    ("    slot: kids\n", "    slot: kidz\n",
     "29:11: error: question 'kids' asks unknown slot 'kidz' (did you mean 'kids'?)"),
    ("ask_if: {stage: [resident]}", "ask_if: {stag: [resident]}",
     "32:14: error: unknown slot 'stag' in 'ask_if' of question 'kids' (did you mean "
     "'stage'?)"),
    ("ask_if: {stage: [resident]}", 'ask_if: {kids: ["yes"]}',
     "32:14: error: question 'kids' is unreachable: its 'ask_if' on 'kids' can never be "
     "true, because a question is only asked while its own slot is unset"),
    ("ask_if: {stage: [resident]}", "ask_if: {stage: []}",
     "32:14: error: question 'kids' is unreachable: its 'ask_if' on 'stage' allows no value"),
    ("      - {value: student, label: Student}", "      - {label: Student}",
     "26:9: error: an option of question 'stage' has no 'value'"),
    ("    why: It matters.\n    options:\n      - {value: student",
     "    why: It matters.\n    priorty: 3\n    options:\n      - {value: student",
     "25:5: error: unknown key 'priorty' in question 'stage' (did you mean 'priority'?)"),
    ('      - {value: "yes", label: "Yes"}', '      - {value: true, label: "Yes"}',
     "34:17: error: option value True of question 'kids' is not a value of slot 'kids'; YAML "
     'reads a bare true/false as a boolean, so quote it ("true")'),
    ("  - id: kids", "  - id: stage",
     "28:9: error: duplicate question id 'stage' (first defined at {file}:21:9)"),
    ('polarity: {positive: "yes", negative: "no"}', 'polarity: {positive: "yes", negative: nah}',
     "16:43: error: unknown value 'nah' for slot 'kids' in 'polarity'"),
    ("\nquestions:", "\nquestionz:",
     "20:1: error: unknown section 'questionz' (did you mean 'questions'?)"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN,
                         ids=[m.split("error: ")[1][:40] for _, _, m in BROKEN])
def test_broken_dialogs_are_reported_exactly(tmp_path: Path, common: str, graph: Graph,
                                            old: str, new: str, message: str) -> None:
    path = broken(tmp_path, common, old, new)
    problems = validate_dialogs(tmp_path, graph)
    assert f"{path}:{message.format(file=path)}" in [str(p) for p in problems], problems


def test_a_condition_that_nothing_can_satisfy_is_unreachable(tmp_path: Path, common: str,
                                                            graph: Graph) -> None:
    path = broken(tmp_path, common, "      resident: {label: resident, says: you train, "
                  "cues: [resident]}", "      resident: {label: resident, says: you train}\n"
                  "      retired: {label: retired, says: you rest}")
    text = path.read_text().replace("      - {value: resident, label: Resident}\n", "")
    text = text.replace("      - {value: student, label: Student}\n",
                        "      - {value: student, label: Student}\n"
                        "      - {value: retired, label: Retired}\n")
    path.write_text(text)
    problems = [str(p) for p in validate_dialogs(tmp_path, graph)]
    assert problems == [f"{path}:33:14: error: question 'kids' is unreachable: its 'ask_if' on "
                        "'stage' can never be true: nothing sets 'stage' to resident (no "
                        "question, cue or 'implies' does)"]


def test_every_problem_is_collected_before_raising(tmp_path: Path, common: str,
                                                  graph: Graph) -> None:
    path = broken(tmp_path, common, "weights: {pediatric_radiology: 3}",
                  "weights: {pediatric_radiolgy: 3}")
    path.write_text(path.read_text().replace("    slot: kids\n", "    slot: kidz\n"))
    with pytest.raises(KnowledgeError) as caught:
        load_dialogs(tmp_path, graph)
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith("2 problems found:\n" + str(path) + ":18:60: error:")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, AdvisorError)


def test_missing_sections_and_bad_messages(tmp_path: Path, graph: Graph) -> None:
    (tmp_path / "flow.yaml").write_text(MINI + "messages: {quit: 'Bye {name}'}\n")
    problems = [p.message for p in validate_dialogs(tmp_path, graph)]
    assert "no 'language' section in any file" in problems
    assert "no 'controls' section in any file" in problems
    assert "message 'quit' uses unknown placeholder {name}; it can use: none" in problems
    assert "'messages' is missing 'followup'" in problems


def test_not_a_directory_and_no_files(tmp_path: Path, graph: Graph) -> None:
    assert [p.message for p in validate_dialogs(tmp_path / "nope", graph)] == ["not a directory"]
    assert [p.message for p in validate_dialogs(tmp_path, graph)] == ["no .yaml files found"]


# -- slot filling -----------------------------------------------------------------------------
def test_the_nursing_student_example(iv: Interviewer) -> None:
    ext = iv.extract("I'm a nursing student who loves ultrasound and doesn't want med school")
    assert ext.slots["stage"] == ("allied_health",)
    assert ext.slots["med_school"] == ("no",)
    assert ext.quotes["sonographer"] == "ultrasound" and ext.interests["sonographer"] > 0
    state = iv.observe(DialogState(), "I'm a nursing student who loves ultrasound and doesn't "
                       "want med school")
    assert max(state.interests, key=lambda n: state.interests[n]) == "sonographer"
    assert not state.active


@pytest.mark.parametrize("text", [
    "I don't want medical school", "medical school is not for me", "no med school",
    "I hate the idea of medical school", "I'd avoid medical school", "I'd rather not do med school",
    "definitely not medical school", "med school? no way", "Medical school is out",
])
def test_negation(iv: Interviewer, text: str) -> None:
    assert iv.extract(text).slots.get("med_school") == ("no",), text


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("I love working with kids", "children", "yes"),
    ("I don't mind kids", "children", "some"),
    ("I'd like some patient contact", "patient_contact", "some"),
    ("no patient care", "patient_contact", "no"),
    ("I hate sales, blood, needles", "procedures", "no"),
    ("I'm not sure about med school", "med_school", "maybe"),
    ("no med school, I love kids", "children", "yes"),
    ("actually I do want patient contact", "patient_contact", "yes"),
    ("I don't really like patients", "patient_contact", "no"),
    ("I'm not really into kids", "children", "no"),
    ("kids are not really my thing", "children", "no"),
    ("no way I'd do procedures", "procedures", "no"),
    ("not really, I like kids", "children", "yes"),
    ("med school? no way", "med_school", "no"),
    ("I want to help people", "patient_contact", "yes"),
])
def test_polarity(iv: Interviewer, text: str, slot: str, value: str) -> None:
    assert iv.extract(text).slots.get(slot) == (value,), text


def test_doubt_is_not_a_value(iv: Interviewer) -> None:
    ext = iv.extract("not sure about kids")
    assert "children" not in ext.slots and ext.unsure == ("children",)
    state, _ = talk(iv, "resident")
    for answer in ("maybe", "not sure", "I have no idea", "it depends"):
        after, turn = iv.advance(state, answer)
        assert after.slots["patient_contact"] == () and turn.text.startswith("No problem")


def test_a_statement_about_something_else_is_noted_and_the_question_asked_again(
        iv: Interviewer) -> None:
    state, _ = talk(iv, "resident")
    after, turn = iv.advance(state, "I'm fascinated by pregnancy scans")
    assert turn.kind == "question" and turn.question_id == "patient_contact"
    assert turn.text.startswith("Noted: you mentioned “pregnancy scans”.")
    assert "patient_contact" not in after.slots and after.interests["sonographer"] > 0
    # and the question comes again in other words, not the same ones
    assert "How much do you want to work directly with patients?" not in turn.text


@pytest.mark.parametrize(("text", "node"), [
    ("teaching, mentoring, publishing papers, conferences", "academic_radiologist"),
    ("persuading people, outgoing", "medical_device_sales"),
    ("algorithms, AI tools", "ai_specialist"),
    ("liver, pancreas, kidneys, bowel, GI, pelvis", "body_imaging"),
    ("newborns to teenagers, kids", "pediatric_radiology"),
    ("heart and lungs", "thoracic_radiology"),
    ("hearts and blood vessels with ultrasound", "sonographer"),
    ("the one who reads the scans and makes the diagnosis", "radiologist"),
    ("IT, computers, PACS", "informatics_specialist"),
    ("audits, regulations, safety protocols", "qa_specialist"),
    ("remote, from home", "telemedicine_radiologist"),
    ("radioactive tracers and PET scans", "nuclear_medicine_technologist"),
    ("research in a lab, a PhD in physics", "research_scientist"),
    ("operating the machines, taking x-rays", "radiologic_technologist"),
])
def test_keywords_point_at_graph_nodes(iv: Interviewer, text: str, node: str) -> None:
    """What people say they love finds the careers whose graph facts match (the semantic
    index), alone or beside the slot the words also answer: it ranks first."""
    rec = iv.recommend(iv.observe(DialogState(), text))
    assert rec.top is not None and rec.top.node.id == node, rec.text


def test_negative_evidence_counts_against(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I hate selling")
    assert state.slots["business"] == ("no",) and state.interests["medical_device_sales"] < 0
    rec = iv.recommend(state)
    sales = next(f for f in rec.fits if f.node.id == "medical_device_sales")
    assert sales.against == ("business and selling aren't for you",)  # once, not twice
    avoided = iv.recommend(iv.observe(DialogState(), "radioactive?? that sounds scary, no "
                                      "thanks"))
    assert avoided.top is None or avoided.top.node.id != "nuclear_medicine_technologist"


@pytest.mark.parametrize("text", [
    "what does a technologist do?", "I want to become a nurse", "my mom is a radiologist",
    "how do I become a resident?",
])
def test_a_role_mentioned_is_not_who_the_person_is(iv: Interviewer, text: str) -> None:
    assert "stage" not in iv.extract(text).slots, text


@pytest.mark.parametrize(("text", "stage"), [
    ("I'm in my third year of med school", "medical_student"),
    ("Radiology resident here", "resident"),
    ("I work as a nurse", "allied_health"),
    ("I am a practising radiologist", "radiologist"),
    ("I have a history degree", "other_field"),
    ("I'm a junior in high school", "high_school"),
])
def test_who_the_person_is(iv: Interviewer, text: str, stage: str) -> None:
    assert iv.extract(text).slots.get("stage") == (stage,), text


def test_capitalised_cues_match_only_capitals(iv: Interviewer) -> None:
    assert iv.extract("I love IT").slots == {"technology": ("yes",)}
    assert iv.extract("I love it").slots == {}


def test_questions_are_recognised(iv: Interviewer) -> None:
    for text in ("how long is residency?", "by the way, what does a thoracic radiologist do",
                 "Quick question: do I need the ARRT exam", "What's PACS?"):
        assert iv.extract(text).question, text
    for text in ("I love kids", "2", "yes please"):
        assert not iv.extract(text).question, text


@pytest.mark.parametrize(("text", "slots", "topics"), [
    ("tell me about breast imaging", {}, {}),
    ("what does a PET technologist do?", {}, {}),
    ("Do I need med school if I hate blood?", {}, {}),
    ("by the way I love kids, how long is the pediatric fellowship?",
     {"children": ("yes",), "goal": ("fellowship",)}, {}),
    ("I'm a resident, which fellowship should I do?",
     {"stage": ("resident",), "goal": ("fellowship",)}, {}),
])
def test_inside_a_question_only_what_is_said_of_oneself_counts(
        iv: Interviewer, text: str, slots: dict[str, tuple[str, ...]],
        topics: dict[str, int]) -> None:
    ext = iv.extract(text)
    assert ext.question and dict(ext.slots) == slots and dict(ext.topics) == topics


# -- answering questions ----------------------------------------------------------------------
@pytest.mark.parametrize(("answer", "stage"), [
    ("2", "college"), ("#2", "college"), ("the second one", "college"), ("second", "college"),
    ("option 2", "college"), ("number two", "college"), ("2nd", "college"),
    ("I'd say 2", "college"), ("last", "other_field"), ("the last one", "other_field"),
    ("In college or university", "college"), ("undergrad", "college"), ("collge", "college"),
    ("I'm in my third year of med school", "medical_student"), ("tech", "allied_health"),
    ("a technologist", "allied_health"),
])
def test_answers_in_any_form(iv: Interviewer, answer: str, stage: str) -> None:
    state, turn = talk(iv, answer)
    assert state.slots["stage"] == (stage,), (answer, turn.text)
    assert turn.kind == "question" and turn.question_id != "stage"


@pytest.mark.parametrize("answer", ["how long is a 2 year fellowship?", "is 1 year enough?",
                                    "what does number 3 mean?"])
def test_a_stray_number_in_a_question_is_not_a_choice(iv: Interviewer, answer: str) -> None:
    state, turn = talk(iv, answer)
    assert turn.kind == "not_an_answer" and turn.question_id == "stage"
    assert "stage" not in state.slots and state.active
    assert turn.text.startswith("Let me put it another way")  # (never twice alike)


@pytest.mark.parametrize(("answer", "hint"), [
    ("9", "There is no option 9: the options go from 1 to 7."),
    ("purple monkey", "Sorry, I didn't catch that."),
    ("", "Sorry, I didn't catch that."),
    ("3 and 4", "Please pick just one option here."),
])
def test_bad_answers_are_reasked_with_a_hint(iv: Interviewer, answer: str, hint: str) -> None:
    state, turn = talk(iv, answer)
    assert turn.kind == "reask" and turn.question_id == "stage"
    assert turn.text.startswith(hint)
    assert "Answer with a number from 1 to 7" in turn.text and "on where you are now?" in turn.text
    assert state.active and not state.slots


def test_several_body_areas_at_once(iv: Interviewer) -> None:
    state, turn = talk(iv, "resident", "some", "no", opening=None)
    assert turn.question_id == "body_area"
    state, turn = iv.advance(state, "1 and 4")
    assert state.slots["body_area"] == ("neuro", "chest_heart")
    state = iv.observe(state, "also the breast")
    assert state.slots["body_area"] == ("neuro", "chest_heart", "breast")


@pytest.mark.parametrize(("text", "control"), [
    ("back", "back"), ("go back", "back"), ("skip", "skip"), ("skip this one", "skip"),
    ("restart", "restart"), ("let's start over", "restart"), ("quit", "quit"),
    ("why are you asking this?", "why"), ("why?", "why"), ("just tell me", "finish"),
    ("skip the rest", "finish"), ("just give me your best suggestion", "finish"),
    ("ok, just give me your best suggestion please", "finish"), ("huh?", "repeat"),
])
def test_control_phrases(iv: Interviewer, text: str, control: str) -> None:
    _, turn = talk(iv, "college", text)
    assert turn.control == control, turn


def test_finish_keeps_what_the_last_words_say(iv: Interviewer) -> None:
    state, turn = talk(iv, "I'm a resident", "I love kids, just tell me")
    assert turn.kind == "recommendation" and turn.node_ids[0] == "pediatric_radiology"
    assert state.slots["children"] == ("yes",) and state.phase == "reviewing"


def test_a_digression_is_answered_elsewhere_but_its_facts_are_kept(iv: Interviewer) -> None:
    state, _ = talk(iv, "resident")
    after, turn = iv.advance(state, "by the way I love kids, how long is the pediatric "
                             "fellowship?")
    assert turn.kind == "not_an_answer" and turn.question_id == "patient_contact"
    assert after.slots["children"] == ("yes",) and after.pending == "patient_contact"
    # the caller may also observe the same text: what is known is the same
    seen = iv.observe(state, "by the way I love kids, how long is the pediatric fellowship?")
    assert (seen.slots, seen.interests) == (after.slots, after.interests)


@pytest.mark.parametrize("stage", ["1", "2", "6", "7"])
def test_no_fellowship_questions_once_medical_school_is_ruled_out(iv: Interviewer,
                                                                  stage: str) -> None:
    state, turn = talk(iv, stage)
    assert turn.question_id == "med_school"
    asked = []
    state, turn = iv.advance(state, "no")
    while turn.kind == "question":
        asked.append(turn.question_id)
        state, turn = iv.advance(state, "not sure")
    assert turn.kind == "recommendation" and 4 <= len(state.asked) <= 7
    assert not {"procedures", "body_area", "children", "remote"} & set(asked)


@pytest.mark.parametrize(("opening", "skipped"), [
    ("I'm a medical student", "med_school"), ("I'm a resident", "med_school"),
    ("I'm a practising radiologist", "med_school"), ("Medical school is not for me", "body_area"),
])
def test_questions_already_answered_are_not_asked(iv: Interviewer, opening: str,
                                                  skipped: str) -> None:
    state, turn = talk(iv, opening=opening)
    while turn.kind != "recommendation":
        assert turn.question_id != skipped
        state, turn = iv.advance(state, "not sure" if turn.question_id != "stage" else "college")


def test_scratch_that_drops_preferences_and_interests_but_keeps_background(
        iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I'm a resident and I love procedures and catheters")
    assert state.slots["procedures"] == ("yes",) and state.interests["interventional_radiology"]
    state = iv.observe(state, "actually scratch that, I prefer imaging of the abdomen and pelvis")
    assert state.slots == {"stage": ("resident",), "med_school": ("yes",),
                           "body_area": ("abdomen_pelvis",)}
    assert set(state.interests) == {"body_imaging"}


def test_outside_the_interview(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I love kids")
    assert state.phase == "idle" and not state.active
    same, turn = iv.advance(state, "how long is residency?")
    assert turn.kind == "not_an_answer" and turn.text == "" and not same.active
    state, turn = talk(iv, "quit")
    assert turn.kind == "ended" and state.phase == "ended"
    state, turn = iv.advance(state, "start over")
    assert turn.control == "restart" and state.active and turn.question_id == "stage"


def test_very_long_input_is_cut_not_choked_on(iv: Interviewer) -> None:
    state, turn = talk(iv, "I love kids " * 20000)
    assert turn.kind in TURN_KINDS and len(state.history) <= 64


def test_change_an_earlier_answer_mid_interview(iv: Interviewer) -> None:
    state, _ = talk(iv, "resident", "as little as possible")
    state, turn = iv.advance(state, "actually I do want patient contact")
    assert turn.kind == "question" and turn.question_id == "procedures"
    assert turn.text.startswith("Changed patient contact: as little as possible → a lot.")
    assert [(c.slot, c.old, c.new) for c in turn.changes] == [
        ("patient_contact", ("no",), ("yes",))]
    assert state.slots["patient_contact"] == ("yes",) and "procedures" not in state.slots


def test_back_undoes_exactly_the_last_answer(iv: Interviewer) -> None:
    before, _ = talk(iv, "college", "maybe")
    state, _ = iv.advance(before, "I love kids and I want plenty of patient contact")
    assert state.slots["patient_contact"] == ("yes",) and state.slots["children"] == ("yes",)
    state, turn = iv.advance(state, "back")
    assert turn.control == "back" and turn.question_id == "patient_contact"
    assert state.slots == before.slots and state.asked == ("stage", "med_school")
    assert state.topics == {} and state.interests == {}
    state, turn = iv.advance(state, "back")
    assert turn.question_id == "med_school" and state.slots == {"stage": ("college",)}
    _, turn = iv.advance(iv.start(DialogState())[0], "back")
    assert turn.text.startswith("There is no earlier answer to go back to.")


def test_progress_counts_questions(iv: Interviewer) -> None:
    state, turn = iv.start(DialogState())
    seen = [turn.progress]
    for answer in ("college", "yes", "a lot", "yes"):
        state, turn = iv.advance(state, answer)
        seen.append(turn.progress)
    numbers = [p[0] for p in seen if p]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(p is None or p[0] <= p[1] <= 7 for p in seen)


def test_start_resumes_and_recommends_when_nothing_is_left(iv: Interviewer) -> None:
    state, turn = talk(iv, "resident")
    again, same = iv.start(state)
    assert again == state and same.question_id == turn.question_id
    done, turn = talk(iv, "just tell me", opening="I'm a resident who loves kids")
    assert turn.kind == "recommendation"
    _, turn = iv.start(done)  # asked questions stay asked; the rest are not worth asking
    assert turn.kind in {"question", "recommendation"}


# -- recommendations --------------------------------------------------------------------------
def test_scope(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I'm a resident who loves kids")
    fellowship = iv.recommend(state, "fellowship")
    career = iv.recommend(state, "career")
    assert {f.node.type for f in fellowship.fits} == {"subspecialty"}
    assert {f.node.type for f in career.fits} == {"role", "subspecialty"}
    assert iv.recommend(state).scope == "career"
    asked = iv.observe(state, "which fellowship should I do?")
    assert iv.recommend(asked).scope == "fellowship"
    student = iv.observe(DialogState(), "I'm in college and wonder which specialty is for me")
    assert iv.recommend(student).scope == "career"  # only students and residents narrow it
    with pytest.raises(ValueError, match="unknown scope 'jobs'"):
        iv.recommend(state, "jobs")


def test_rule_outs_come_from_the_graph(iv: Interviewer, graph: Graph) -> None:
    state = iv.observe(DialogState(), "medical school is not for me, I like kids")
    rec = iv.recommend(state)
    needs = {n.id for n in iv.scorer.careers
             if any(s.id == "medical_school" for s in graph.pathway(n.id).steps)}
    # ... and the careers filed under a category that is a path for one that needs it
    for_them = {n.id for n in iv.scorer.careers if n.id not in needs and any(
        r.id in needs for k in graph.neighbours(n.id, "in_category")
        for r in graph.neighbours(k.id, "paths_for"))}
    assert for_them == {"ai_specialist"}
    assert {f.node.id for f in rec.ruled_out} == needs | for_them
    assert all(f.ruled_out == ("needs medical school, which you ruled out",)
               for f in rec.ruled_out if f.node.id in needs)
    assert all(f.ruled_out == ("listed as a path for radiologists, who need medical school",)
               for f in rec.ruled_out if f.node.id in for_them)
    assert not (needs | for_them) & {f.node.id for f in rec.fits}
    assert "research_scientist" not in needs  # a PhD pathway, no medical school


def test_fits_are_ranked_scored_and_explained(iv: Interviewer, graph: Graph) -> None:
    state, turn = talk(iv, "resident", "a lot", "yes", "no particular area", "no",
                       opening=None)
    rec = turn.recommendation if turn.kind == "recommendation" else iv.recommend(state)
    scores = [f.score for f in rec.fits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    top = rec.top
    assert top is not None and top.node.id == "interventional_radiology"
    assert "you want hands-on procedures" in top.reasons
    assert rec.pathway == graph.pathway(top.node.id)
    assert rec.pathway.total is not None and str(rec.pathway.total) == "10–11 years"
    assert [c.id for c in rec.credentials] == ["abr"] and rec.credential_via is not None
    assert rec.next_steps[0] == "Finish residency (4–5 years)."
    # what every listed career shares is said once, above the list (five careers "why: you're
    # a doctor in training" would tell the person nothing)
    assert rec.text.startswith("Here is how the careers fit what you told me, best first (fit: "
                               "my own estimate from your answers, not a figure from the "
                               "document):\n"
                               "(All of these alike: you're a doctor in training.)\n"
                               "1. Interventional Radiology — fit ")
    assert "why: you're a doctor in training" not in rec.text


def test_plan_markdown(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I'm a resident and I love kids, no procedures please")
    plan = iv.plan_markdown(state)
    assert plan.startswith("# Pathway chooser: your plan\n\n## What you told me\n")
    assert "## Best fit: Pediatric Radiology (fit " in plan
    # (the steps in the document's order: it states none among them)
    assert "2. residency — 4–5 years" in plan
    assert "3. preliminary year — no stated length" in plan
    assert "- Finish residency (4–5 years)." in plan
    assert "## Other options" in plan and plan.endswith("\n")


def test_enough_to_rank(iv: Interviewer) -> None:
    assert not iv.enough_to_rank(DialogState())
    assert not iv.enough_to_rank(iv.observe(DialogState(), "I'm a resident"))
    assert iv.enough_to_rank(iv.observe(DialogState(), "I'm a resident who loves kids"))
    assert iv.describe_profile(iv.observe(DialogState(), "I'm a resident who loves kids")) == (
        "you're a doctor in training, you'd love to work with children")  # once, not twice


def test_the_first_career_named_in_a_recommendation_is_the_top_pick(iv: Interviewer,
                                                                    graph: Graph) -> None:
    for opening in ("I love persuading people", "I'm a radiologist who wants remote work",
                    "I'm a high schooler who hates med school and loves x-rays"):
        rec = iv.recommend(iv.observe(DialogState(), opening))
        assert rec.top is not None
        before = rec.text[:rec.text.index(rec.top.node.name)]
        assert not any(n.name in before for n in iv.scorer.careers), (opening, rec.text)


# -- saved state ------------------------------------------------------------------------------
def test_state_round_trips_through_json(iv: Interviewer) -> None:
    state, _ = talk(iv, "I'm a resident who loves kids", "a lot", "actually scratch that")
    data = json.loads(json.dumps(state.to_dict()))
    assert data["format_version"] == 1 and data["type"] == "dialog_state"
    again = DialogState.from_dict(data)
    assert again == state
    assert iv.advance(again, "yes") == iv.advance(state, "yes")
    assert DialogState.from_dict({}) == DialogState()


def test_state_is_immutable(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I love kids")
    with pytest.raises(FrozenError):
        state.phase = "asking"  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.slots["children"] = ("no",)  # type: ignore[index]


@pytest.mark.parametrize(("data", "message"), [
    ([1, 2], "a saved dialog state must be a mapping, not list"),
    ({"phase": "asking"}, "not a saved dialog state: 'format_version' is missing"),
    ({"format_version": 2, "type": "dialog_state"},
     "this dialog state was saved by a newer version (format 2); this version reads format 1: "
     "upgrade radiology-advisor to resume it"),
    ({"format_version": 1, "type": "session"},
     "not a saved dialog state: 'type' is 'session', expected 'dialog_state'"),
    ({"format_version": "1", "type": "dialog_state"},
     "'format_version' must be a whole number, not '1'"),
    ({"format_version": 1, "type": "dialog_state", "mood": "happy"},
     "unknown key 'mood' in saved dialog state"),
    ({"format_version": 1, "type": "dialog_state", "slots": {"stage": "resident"}},
     "'slots.stage' must be a list of values, not 'resident'"),
    ({"format_version": 1, "type": "dialog_state", "phase": "dancing"},
     "'phase' must be one of idle, asking, reviewing, ended, not 'dancing'"),
    ({"format_version": 1, "type": "dialog_state", "topics": {"kids": 1.5}},
     "'topics.kids' must be a number, not 1.5"),
])
def test_corrupted_state_is_refused_clearly(data: Any, message: str) -> None:
    with pytest.raises(DialogStateError) as caught:
        DialogState.from_dict(data)
    assert str(caught.value) == message
    assert isinstance(caught.value, AdvisorError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("change", "message"), [
    ({"flow": "other_flow"}, "this dialog state belongs to flow 'other_flow', not "
     "'pathway_chooser'"),
    ({"slots": {"mood": ["happy"]}}, "unknown slot 'mood' in dialog state"),
    ({"slots": {"stage": ["astronaut"]}}, "unknown value 'astronaut' for slot 'stage' in "
     "dialog state"),
    ({"phase": "asking", "pending": "favourite_colour"},
     "the pending question 'favourite_colour' is not in the flow"),
    ({"ranking": ["astronaut"]}, "unknown node 'astronaut' in dialog state"),
])
def test_a_state_that_does_not_fit_the_flow_is_refused(iv: Interviewer, change: dict[str, Any],
                                                      message: str) -> None:
    data = {**DialogState().to_dict(), **change}
    state = DialogState.from_dict(data)
    with pytest.raises(DialogStateError, match="^" + message.replace("(", r"\(")):
        iv.advance(state, "hello")


# -- robustness, layering, speed --------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=60), min_size=1, max_size=6))
def test_no_text_makes_the_engine_fail(iv: Interviewer, lines: list[str]) -> None:
    state, turn = iv.start(DialogState())
    for line in lines:
        state, turn = iv.advance(state, line)
        assert turn.kind in TURN_KINDS
        assert DialogState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_one_interviewer_serves_many_threads(iv: Interviewer) -> None:
    script = ("I'm a resident", "a lot", "yes", "breast", "no")
    expected = talk(iv, *script)[1].text
    results: list[str] = []

    def run() -> None:
        for _ in range(5):
            results.append(talk(iv, *script)[1].text)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 30 and set(results) == {expected}


def test_dialogs_never_imports_advisor_and_never_prints() -> None:
    for path in Path(dialogs.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("advisor"), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("advisor") for a in node.names), path
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", path


def test_public_surface() -> None:
    for name in ("Flow", "DialogState", "Turn", "Recommendation", "Interviewer", "load_dialogs",
                 "validate_dialogs", "DialogStateError", "Fit"):
        assert name in dialogs.__all__
    assert (Path(dialogs.__file__).parent / "py.typed").is_file()


# -- the planner's shortcuts give the answers of the plain definition -------------------------
def _reference_plan(iv: Interviewer, state: DialogState) -> list[Any]:
    """The plan by its definition: every eligible question some answer of which changes the
    top pick, scoring each hypothetical state from scratch; padded to `min_known`."""
    scorer, flow = iv.scorer, iv.flow
    room = flow.max_questions - len(state.asked)
    eligible = [q for q in flow.questions if q.slot not in state.slots
                and q.id not in state.asked and all(c.holds(state.slots) for c in q.ask_if)]
    eligible.sort(key=lambda q: iv._ordered.index(q))
    if room <= 0 or not eligible:
        return []
    top = scorer.top(state.slots, state.topics, scorer.resolve(state.slots, "auto"))
    useful = []
    for q in eligible:
        for option in q.options:
            hypo = dict(state.slots)
            hypo[q.slot] = (option.value,)
            for target, implied in flow.slots[q.slot].values[option.value].implies.items():
                hypo.setdefault(target, (implied,))
            if scorer.top(hypo, state.topics, scorer.resolve(hypo, "auto")) != top:
                useful.append(q)
                break
    missing = flow.min_known - iv._known(state)
    if len(useful) < missing:
        useful += [q for q in eligible if q not in useful][:missing - len(useful)]
        useful.sort(key=lambda q: iv._ordered.index(q))
    return useful[:room]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_plan_is_the_defined_plan_as_far_as_progress_looks(iv: Interviewer,
                                                               data: st.DataObject) -> None:
    slots: dict[str, tuple[str, ...]] = {}
    for name, slot in iv.flow.slots.items():
        if data.draw(st.booleans(), label=f"set {name}"):
            values = sorted(slot.values)
            slots[name] = tuple(data.draw(st.lists(st.sampled_from(values), max_size=2,
                                                   unique=True), label=name))
    topics = data.draw(st.dictionaries(st.sampled_from([e.id for e in iv.flow.evidence]),
                                       st.integers(-3, 3), max_size=4), label="topics")
    asked = data.draw(st.lists(st.sampled_from([q.id for q in iv.flow.questions]), unique=True,
                               max_size=3), label="asked")
    state = DialogState(slots=slots, topics=topics, asked=tuple(asked), phase="asking")
    expected = _reference_plan(iv, state)
    plan = iv._plan(state)
    assert plan == expected[:len(plan)]  # a prefix of the defined plan...
    assert len(plan) >= min(len(expected), iv._shown(state))  # ...as long as progress looks


# -- an interview that listens (issue 12) ----------------------------------------------------
@given(st.lists(st.sampled_from(["1", "2", "3", "not sure", "I love kids", "purple",
                                 "how long is residency?", "skip", "I hate needles"]),
                min_size=1, max_size=9))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_progress_never_jumps_around(iv: Interviewer, answers: list[str]) -> None:
    """The number counts up one question at a time and the total shown never grows back."""
    state, turn = iv.start(DialogState())
    last = turn.progress
    for answer in answers:
        state, turn = iv.advance(state, answer)
        if turn.progress is None or last is None:
            last = turn.progress
            continue
        assert last[0] <= turn.progress[0] <= last[0] + 1, (answers, last, turn.progress)
        assert turn.progress[1] <= max(last[1], turn.progress[0]), (answers, last, turn.progress)
        last = turn.progress


def test_the_same_question_is_never_put_twice_alike_in_a_row(iv: Interviewer) -> None:
    state, turn = iv.start(DialogState())
    seen = [turn.text]
    for answer in ("purple", "how long is residency?", "asdf", "what?!", "banana"):
        state, turn = iv.advance(state, answer)
        assert turn.question_id == "stage"
        question = turn.text.split("\n\n")[-1]
        assert question != seen[-1].split("\n\n")[-1], answer
        seen.append(turn.text)


def test_separating_question_and_close_only(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I'm a resident who loves kids and procedures")
    rec = iv.recommend(state)
    asked, note = iv.separate(state, rec)
    assert note.startswith("Pediatric Radiology and Interventional Radiology are close")
    assert asked.active and asked.pending == "patient_contact" and asked.shown
    _, turn = iv.advance(asked, "a lot")  # answered: ranked again at once
    assert turn.kind == "recommendation" and turn.node_ids[0] == "interventional_radiology"
    far = iv.observe(DialogState(), "I'm a resident who loves kids")
    assert iv.separate(far, iv.recommend(far)) == (far, "")


def test_a_ranking_can_be_set_aside_for_another_list(iv: Interviewer) -> None:
    state, _ = talk(iv, "I'm a resident who loves kids", "just tell me")
    assert state.reviewing
    aside = iv.set_aside(state)
    assert aside.phase == "idle" and aside.slots == state.slots
    assert iv.set_aside(aside) == aside


def test_actually_no_turns_the_last_answer_around(iv: Interviewer) -> None:
    state, _ = talk(iv, "I'm a resident", "I want hands-on procedures")
    after, turn = iv.advance(state, "actually no, I'd rather read images")
    assert after.slots["procedures"] == ("no",) and after.slots["stage"] == ("resident",)
    assert after.slots["med_school"] == ("yes",)  # implied by the stage: it stays
    assert "Changed hands-on procedures: yes → no." in turn.text


def test_voices_for_someone_else(iv: Interviewer) -> None:
    son = iv.observe(DialogState(), "my son is in college and loves kids")
    assert son.person == "he"
    assert iv.voice(son, "Would you like it? Your work suits you, you're set") == \
        "Would he like it? His work suits him, he's set"
    assert iv.voice(DialogState(), "Would you like it?") == "Would you like it?"
    assert "he'd love to work with children" in iv.describe_profile(son)


def test_evidence_quotes_the_person_and_facts_come_from_the_graph(iv: Interviewer,
                                                                  graph: Graph) -> None:
    state = iv.observe(DialogState(), "I'm fascinated by PET and SPECT scans")
    assert state.quotes["nuclear_medicine_technologist"] == "PET and SPECT scans"
    rec = iv.recommend(state)
    assert rec.top is not None and rec.top.node.id == "nuclear_medicine_technologist"
    assert rec.top.reasons == ("you mentioned “PET and SPECT scans”",)


def test_the_new_state_fields_survive_json(iv: Interviewer) -> None:
    state, _ = talk(iv, "purple", opening="my daughter loves pregnancy scans")
    assert state.person == "she" and state.asks == 1 and state.quotes
    again = DialogState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
    iv.check(again)
    with pytest.raises(DialogStateError, match="'asks' must be a whole number"):
        DialogState.from_dict({**state.to_dict(), "asks": -1})
    with pytest.raises(DialogStateError, match="'quotes' must be"):
        DialogState.from_dict({**state.to_dict(), "quotes": {"x": 3}})


def test_bare_yes_and_no_are_words_as_in_yaml_1_2(tmp_path: Path, common: str,
                                                  graph: Graph) -> None:
    """A word list holding `no` or `on` keeps the words (YAML 1.1 would read booleans)."""
    broken(tmp_path, common, '      - {value: "yes", label: "Yes"}',
           '      - {value: yes, label: "Yes"}')
    assert list(validate_dialogs(tmp_path, graph)) == []


def test_a_narrower_dislike_does_not_turn_a_broad_answer_around(iv: Interviewer) -> None:
    state = iv.observe(DialogState(), "I'm a resident and I love technology and AI")
    narrower = iv.observe(state, "managing PACS servers, no thanks")
    assert narrower.slots["technology"] == ("yes",)  # still: only a correction turns it
    assert narrower.interests.get("informatics_specialist", 0.0) < 0
    corrected = iv.observe(state, "actually I don't like technology at all")
    assert corrected.slots["technology"] == ("no",)


@pytest.mark.parametrize(("text", "stage"), [
    ("I just matched into radiology", "medical_student"),
    ("I'm an M3", "medical_student"),
    ("I'm board certified in radiology", "radiologist"),
    ("finished residency last year, now doing a body fellowship", "fellow"),
    ("I'm an EMT", "allied_health"),
    ("I'm a stay at home mom", "other_field"),
    ("I'm retired from the army and want a new career", "other_field"),
    ("I played college soccer and I am a radiology resident", "resident"),
])
def test_where_the_person_stands_in_everyday_words(iv: Interviewer, text: str,
                                                    stage: str) -> None:
    assert iv.observe(DialogState(), text).slots.get("stage") == (stage,)


def test_a_parent_giving_an_age_says_high_school(iv: Interviewer) -> None:
    state, _ = iv.start(iv.observe(DialogState(), "can you help me choose a career for my son?"))
    state, turn = iv.advance(state, "he is 17, a junior")
    assert state.slots.get("stage") == ("high_school",)
    assert "him" in turn.text or "he" in turn.text
