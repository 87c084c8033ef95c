"""The pathway chooser through the advisor, as a person meets it: whole conversations."""

from __future__ import annotations

import json

import pytest

from advisor import Advisor


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def test_said_enough_gets_a_ranking_at_once_then_sharpening_asks_only_the_rest(
        advisor: Advisor) -> None:
    s = advisor.session()
    reply = s.ask("I'm a nursing student who loves ultrasound and doesn't want med school, "
                  "what should I do?")
    assert reply.kind == "recommendation"
    assert reply.text.index("Sonographer") < reply.text.index("Radiologic Technologist")
    assert "needs medical school, which you ruled out" in reply.text
    question = s.ask("ask me questions")
    assert question.kind == "question"
    assert "Where are you now" not in question.text  # already said
    assert "medical school" not in question.text.lower()  # already ruled out
    final = s.ask("just tell me")
    assert final.kind == "recommendation" and final.listed[0] == "sonographer"


def test_a_factual_question_mid_interview_is_answered_then_the_question_comes_back(
        advisor: Advisor) -> None:
    s = advisor.session()
    first = s.ask("help me choose a career in radiology")
    assert first.kind == "question" and "Where are you now" in first.text
    aside = s.ask("by the way, how long is radiology residency?")
    assert "4–5 years" in aside.text
    # asked again after the answer, in other words (never the same question twice alike)
    assert "Where are you now" not in aside.text
    assert "on where you are now?" in aside.text and "1. In high school" in aside.text
    assert s.ask("I'm a 4th year medical student").kind == "question"


def test_an_interview_saved_and_resumed_goes_on_where_it_was(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("help me choose")
    s.ask("2")  # college
    saved = json.loads(json.dumps(s.to_dict()))
    resumed = advisor.session(state=saved)
    reply = resumed.ask("no, medical school is not for me")
    assert reply.kind in {"question", "recommendation"}
    final = resumed.ask("just tell me")
    assert final.kind == "recommendation"
    assert "Radiologist," in final.text.split("Ruled out", 1)[1]  # med school ruled out


def test_after_a_ranking_details_and_comparisons_refer_to_its_numbers(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("I'm a resident who loves kids and hates needles, which fellowship suits me?")
    ranking = s.context.last_list
    detail = s.ask("tell me more about 1")
    assert detail.entities[0] == ranking[0] == "pediatric_radiology"
    compare = s.ask("compare 1 and 2")
    assert set(compare.entities[:2]) == set(ranking[:2])


def test_someone_in_a_career_who_wants_a_change_is_not_offered_their_own_job(
        advisor: Advisor) -> None:
    s = advisor.session()
    first = s.ask("I work as an ultrasound tech but I'm bored. Any ideas?")
    assert first.kind == "question"  # "any ideas?" after saying who you are asks for a pick
    assert "Where are you now" not in first.text  # the job said where they stand
    final = s.ask("just give me your top recommendation")
    assert final.kind == "recommendation"
    assert "Already yours: Sonographer" in final.text
    assert "1. Sonographer" not in final.text and "Top pick: Sonographer" not in final.text
    asking = advisor.session().ask("What does a sonographer do?")
    assert asking.kind != "question" and "Already yours" not in asking.text
