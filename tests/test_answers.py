"""Answers a person reads: specific to the question, from the graph, honest where it is silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor import Advisor, KnowledgeError
from advisor.resources import load_responses


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def test_every_template_the_composer_uses_is_declared_in_yaml() -> None:
    source = (Path(__file__).resolve().parents[1] / "advisor" / "compose.py").read_text()
    used = set(re.findall(r'self\.t\(\s*"([a-z_]+)"', source))
    assert used, "the composer should fill templates from responses.yaml"
    assert used <= set(load_responses())


@pytest.mark.parametrize(
    ("question", "wanted", "unwanted"),
    [
        ("Which certification do sonographers need?", ["ARDMS"], ["ARRT", "obstetric"]),
        ("how long is radiology residency", ["4–5 years"], ["ARRT", "fellowship lasts"]),
        ("what exam do x-ray techs take?", ["ARRT"], ["ARDMS"]),
        ("What is PACS?", ["Picture Archiving and Communication Systems"], ["ARDMS"]),
        ("how much does a radiologist make?", ["highest compensated"], ["$"]),
    ],
)
def test_an_answer_names_what_was_asked_and_nothing_unrelated(
        advisor: Advisor, question: str, wanted: list[str], unwanted: list[str]) -> None:
    text = advisor.session().ask(question).text
    for word in wanted:
        assert word in text
    for word in unwanted:
        assert word not in text


def test_follow_ups_resolve_against_the_conversation(advisor: Advisor) -> None:
    session = advisor.session()
    assert "Sonographer" in session.ask("tell me about sonographers").text
    assert "obstetric" in session.ask("what can they specialize in?").text
    assert "ARDMS" in session.ask("and which exam?").text
    reply = session.ask("what about nuclear medicine technologists?")
    assert reply.entities[0] == "nuclear_medicine_technologist"
    assert "does not say which certification" in reply.text  # silent, and says so


def test_a_route_from_one_career_needs_that_career_said_not_carried_over(
        advisor: Advisor) -> None:
    session = advisor.session()
    session.ask("tell me about AI specialists")
    reply = session.ask("I'm 40 and switching careers, is it too late to become a radiologist?")
    assert "Medical school" in reply.text and "AI" not in reply.text
    said = advisor.session().ask("I am a sonographer, how do I become a radiologist?")
    assert "no separate route from Sonographer to Radiologist" in said.text


def test_a_comparison_sets_careers_side_by_side_on_the_same_points(advisor: Advisor) -> None:
    reply = advisor.session().ask("radiologist vs radiologic technologist")
    assert reply.intent == "compare"
    header, *rows = reply.table
    assert header[1:] == ("Radiologist", "Radiologic Technologist")
    assert {row[0] for row in rows} >= {"What they do", "Training", "Certification"}


def test_a_pathway_total_is_computed_from_the_graph(advisor: Advisor) -> None:
    text = advisor.session().ask("how long does it take to become an interventional "
                                 "radiologist?").text
    assert "IR fellowship 2 y" in text and "10–11 years" in text
    assert "no length for the preliminary year" in text
    # a total is the sum of the stated lengths, labelled so, naming what it leaves out
    assert "stated lengths add up to 10–11 years" in text
    assert "nothing about study before these steps" in text


def test_two_questions_in_one_line_get_two_answers(advisor: Advisor) -> None:
    text = advisor.session().ask("How long is medical school, and how long is the radiology "
                                 "residency after it?").text
    assert "4 years" in text and "4–5 years" in text


@pytest.mark.parametrize("question", ["What's the weather in Boston tomorrow?",
                                      "write me a poem about cats",
                                      "how do I become a commercial airline pilot?"])
def test_out_of_scope_is_declined_honestly(advisor: Advisor, question: str) -> None:
    reply = advisor.session().ask(question)
    assert reply.fallback and "radiology" in reply.text


def test_medical_advice_is_always_declined(advisor: Advisor) -> None:
    reply = advisor.session().ask("can you read my MRI results?")
    assert reply.fallback and reply.intent == "medical_advice"
    assert "can't give medical advice" in reply.text


@pytest.mark.parametrize(("question", "wanted", "unwanted"), [
    ("is being a sonographer stressful?",
     ["does not say how stressful being a sonographer is", "diagnostic medical sonography"], []),
    ("how competitive is radiology residency?",
     ["does not say how competitive diagnostic radiology residency is", "4–5 years"], []),
    ("what are the hours like for rad techs?",
     ["does not say the working hours of a radiologic technologist"], []),
    ("is it hard to become a radiologist?",
     ["does not say how hard being a radiologist is", "Medical school (4 years)"], []),
    ("is working in radiology stressful?",
     ["does not say how stressful working in radiology is"], []),
    ("is the pay competitive for sonographers?", ["good salaries"], ["does not say how"]),
])
def test_what_the_source_never_covers_is_said_plainly_then_what_it_does_say(
        advisor: Advisor, question: str, wanted: list[str], unwanted: list[str]) -> None:
    text = advisor.session().ask(question).text
    for piece in wanted:
        assert piece in text
    for piece in unwanted:
        assert piece not in text


def test_the_lexicon_refuses_an_uncovered_phrase_without_its_placeholder(
        tmp_path: Path) -> None:
    from advisor.resources import HERE, load_lexicon

    text = (HERE / "lexicon.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "lexicon.yaml"
    broken.write_text(text.replace("how stressful {subject} is", "how stressful it is"),
                      encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'uncovered' must map words to phrases"):
        load_lexicon(broken)


def test_a_compound_question_whose_second_part_names_nothing_is_answered_once(
        advisor: Advisor) -> None:
    reply = advisor.session().ask("Do radiologists have to pass a board certification exam, "
                                  "and who gives it?")
    assert reply.kind != "error" and reply.text.count("American Board of Radiology") == 1


@pytest.mark.parametrize("question", ["how much does an MRI cost?",
                                      "is dentistry a good career?",
                                      "how do I become a radiation therapist?"])
def test_prices_of_care_and_other_professions_are_out_of_scope(
        advisor: Advisor, question: str) -> None:
    reply = advisor.session().ask(question)
    assert reply.fallback and reply.intent == "out_of_scope"


def test_what_training_costs_is_silent_and_a_persona_from_another_field_is_helped(
        advisor: Advisor) -> None:
    cost = advisor.session().ask("how much does radiology residency cost?")
    assert "does not say what diagnostic radiology residency costs" in cost.text
    assert "salar" not in cost.text and cost.fallback  # the point asked is not covered
    lawyer = advisor.session().ask("I'm a lawyer, what radiology job suits me?")
    assert lawyer.kind == "question" and not lawyer.fallback


def test_two_skills_named_in_one_question_get_the_whole_list() -> None:
    # 'good at communication but not handy with machines': both skills, among all of them
    from advisor import Advisor
    text = Advisor().session().ask("I'm good at the communication side but not very handy "
                                   "with machines. Is that a problem?").text
    assert "Technical aptitude for operating complex equipment" in text
    assert "Communication skills for patient care" in text
