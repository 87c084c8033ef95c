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


# -- an interview that listens (issue 12), as a person meets it through the advisor -----------
def test_after_a_ranking_other_messages_get_their_own_reply(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("help me choose a career")
    s.ask("I'm a resident who loves kids and hates needles")
    ranking = s.ask("just tell me")
    assert ranking.kind == "recommendation"
    for text in ("whats the weather in boston", "is it expensive?", "asdfgh"):
        reply = s.ask(text)
        assert reply.kind != "recommendation" and "Here is how the" not in reply.text, text
    # numbers refer to the list last seen: a new list replaces the ranking
    listed = s.ask("which jobs don't need medical school?")
    assert listed.listed and "sonographer" in listed.listed
    compare = s.ask("compare 1 and 2")
    assert set(compare.entities[:2]) == set(listed.listed[:2])
    assert s.dialog.slots["med_school"] == ("yes",)  # a question takes no answer back


def test_a_stray_digit_is_not_a_list_reference(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("list the fellowships")
    reply = s.ask("u need a phd 4 research?")
    assert "Body Imaging" not in reply.text  # (the fourth fellowship listed)


def test_stop_the_quiz_leaves_the_interview_and_the_conversation_goes_on(
        advisor: Advisor) -> None:
    for words in ("stop the quiz", "never mind", "cancel"):
        s = advisor.session()
        s.ask("help me choose a career")
        stopped = s.ask(words)
        assert stopped.kind == "ended" and not s.dialog.active, words
        after = s.ask("how long is radiology residency?")
        assert "4–5 years" in after.text and "Where are you now" not in after.text


def test_so_what_fits_me_finishes_with_the_ranking_so_far(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("help me choose a career")
    s.ask("I'm a resident and I love the brain and spine")
    reply = s.ask("so what fits me?")
    assert reply.kind == "recommendation" and reply.listed[0] == "neuroradiology"


def test_the_top_two_close_asks_the_question_between_them_then_reranks(
        advisor: Advisor) -> None:
    s = advisor.session()
    first = s.ask("I'm a resident who loves kids and procedures, which career fits me?")
    assert first.kind == "recommendation"
    assert "Pediatric Radiology and Interventional Radiology are close" in first.text
    assert "How much do you want to work directly with patients?" in first.text
    again = s.ask("as little as possible")
    assert again.kind == "recommendation" and again.listed[0] == "pediatric_radiology"
    assert "against: you'd rather not work directly with patients" in again.text


def test_what_a_person_says_about_themselves_then_recommend_one(advisor: Advisor) -> None:
    s = advisor.session()
    noted = s.ask("I'm a resident. I care most about women's health and cancer screening")
    assert "“women health and cancer screening”" in noted.text
    pick = s.ask("recommend one")
    assert pick.kind == "recommendation" and pick.listed[0] == "breast_imaging"


def test_a_parent_asking_for_a_daughter_hears_she(advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("my daughter wants to work in imaging, can you help her choose?")
    question = s.ask("she's in high school")
    assert "Would she go to medical school" in question.text
    s.ask("she loves pregnancy scans but doesn't want med school")
    s.ask("a lot")
    final = s.ask("what do you recommend for her?")
    assert final.listed[0] == "sonographer"
    assert "she wants plenty of patient contact" in final.text
    assert "you want plenty" not in final.text


def test_quit_in_the_chat_during_the_interview_asks_first(advisor: Advisor) -> None:
    from advisor.render import plain
    from advisor.repl import Chat

    chat = Chat(advisor, width=lambda: 100)
    chat.handle("help me choose a career")
    asked = plain(chat.handle("quit"))
    assert not chat.done and "Say “quit” again to leave" in asked
    chat.handle("quit")
    assert chat.done
    idle = Chat(advisor, width=lambda: 100)
    idle.handle("quit")
    assert idle.done  # outside the interview "quit" leaves at once


def test_the_pick_asked_in_any_words_outside_the_interview_ranks_what_was_said(
        advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("I'm an x-ray tech, 2 years out of school")
    s.ask("I love patients, I'd never want a desk job")
    s.ask("I'm fascinated by MRI, all the magnet physics")
    reply = s.ask("ok so what do you think I should do?")
    assert reply.kind == "recommendation"
    assert "Already yours: Radiologic Technologist" in reply.text
    again = s.ask("give me your number one")
    assert again.kind == "recommendation"
    # a question with content of its own is answered, not turned into the ranking
    assert s.ask("what do you think about sonographers?").kind != "recommendation"


def test_a_parent_asking_for_help_figuring_it_out_starts_the_chooser(advisor: Advisor) -> None:
    s = advisor.session()
    reply = s.ask("Hi, my daughter is a sophomore biology major and wants to work in imaging. "
                  "Could you help us figure out what she should do?")
    assert reply.kind == "question"
    assert "she" in reply.text.lower()


def test_a_resident_saying_forget_what_i_said_about_ir_is_ranked_without_it(
        advisor: Advisor) -> None:
    s = advisor.session()
    s.ask("help me choose a fellowship")
    s.ask("I'm a resident, PGY3")
    s.ask("at first I thought IR, I like the idea of procedures")
    s.ask("forget what I said about IR")
    s.ask("the brain is what I keep coming back to, strokes, tumours, spine MRI")
    final = s.ask("so what do you recommend?")
    assert final.kind == "recommendation" and final.listed[0] == "neuroradiology"


def test_a_path_listed_for_radiologists_is_ruled_out_with_medical_school(
        advisor: Advisor) -> None:
    """The document files AI specialists under 'Emerging Career Paths for Radiologists' and
    never says they are open without medical school: for someone who rules it out they are
    ruled out, saying why, and never offered as a fit."""
    reply = advisor.session().ask("I'm in high school and like technology but don't want to "
                                  "be a doctor. What radiology jobs could fit me?")
    ranked, ruled = reply.text.split("Ruled out", 1)
    assert "AI and Machine Learning Specialist" not in ranked, reply.text
    assert "(listed as a path for radiologists, who need medical school): AI and Machine " \
           "Learning Specialist" in ruled, reply.text


def test_working_in_IT_points_at_informatics(advisor: Advisor) -> None:
    """'I work in IT' (capitals: information technology, not 'it') is evidence for the
    informatics specialist, who bridges clinical and IT teams: ranked first at once."""
    reply = advisor.session().ask("I work in IT. Is there a radiology job for me?")
    assert reply.kind == "recommendation", reply.text
    assert "1. Informatics Specialist" in reply.text
