"""Lists filtered by a constraint are graph queries (issue 11, item 2): whatever the phrasing,
the list is computed from the graph's requirements, categories, lengths and modalities."""

from __future__ import annotations

import pytest

from advisor import Advisor
from knowledge.query import Query, requirements, run


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def ask(advisor: Advisor, *texts: str) -> str:
    session = advisor.session()
    reply = None
    for text in texts:
        reply = session.ask(text)
    assert reply is not None
    return reply.text


@pytest.mark.parametrize("question", [
    "can you work in radiology without going to med school?",
    "I don't want med school, what jobs are there?",
    "which radiology careers don't need medical school?",
])
def test_careers_without_medical_school(advisor: Advisor, question: str) -> None:
    text = ask(advisor, question)
    assert "Sonographer" in text and "Radiologic Technologist" in text
    assert "Neuroradiology" not in text and "Academic Radiologist" not in text


@pytest.mark.parametrize("question", [
    "what jobs exist that aren't being a doctor?",
    "so what jobs even exist in radiology besides the doctor?",
    "jobs outside the physician ones",
])
def test_careers_other_than_the_doctor(advisor: Advisor, question: str) -> None:
    text = ask(advisor, question)
    assert "Sonographer" in text and "Informatics Specialist" in text
    assert "Neuroradiology" not in text


def test_fellowships_of_a_stated_length(advisor: Advisor) -> None:
    text = ask(advisor, "which fellowships are 2 years?")
    assert "Interventional Radiology" in text and "Neuroradiology" not in text


def test_a_description_picks_among_the_careers_the_constraint_allows(advisor: Advisor) -> None:
    text = ask(advisor, "which imaging job lets me work with radioactive tracers without "
                        "going to medical school?")
    assert "Nuclear Medicine Technologist" in text
    assert "fellowship" not in text.lower()


def test_which_of_those_filters_the_list_just_shown(advisor: Advisor) -> None:
    text = ask(advisor, "what careers are there in radiology?",
               "which of those don't need medical school?")
    assert "Sonographer" in text and "Neuroradiology" not in text


def test_query_runs_on_the_graph(advisor: Advisor) -> None:
    g = advisor.graph
    no_md = run(g, Query(frozenset({"role"}), lacks=("medical_school",)))
    assert all("medical_school" not in requirements(g, n) for n in no_md)
    assert {n.id for n in no_md} >= {"sonographer", "radiologic_technologist"}
    two = run(g, Query(frozenset({"subspecialty"}), years=2))
    assert [n.id for n in two] == ["interventional_radiology"]
    assert not Query(frozenset({"role"}), categories=("physician",)).constrained
