"""A long message that repeats itself is read once per repeat kept, not once per copy.

Every reader of a turn (the interview's cues, clause splitting, provenance notes) pays for
each word it sees, so a 2,000-character text of one word or sentence said over and over cost
tens of ordinary turns (issue 14). `fold_repeats` keeps three copies of any run of a word,
phrase (up to 8 words) or sentence (up to 4) said back to back in a text over
`FOLD_FROM_CHARS` characters: what a person sees is the reply the shorter text gets.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Advisor
from knowledge import MAX_INPUT_CHARS
from knowledge.text import FOLD_FROM_CHARS, FOLD_KEEP, fold_repeats


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


@pytest.mark.parametrize("unit", [
    "What does a sonographer do? ",
    "sonographer\r\n",
    "compare mri tech and ct tech and ",
    "I'm a nursing student who loves ultrasound, but I hate needles. ",
])
def test_a_repeated_question_gets_the_reply_of_the_question_said_three_times(
        adv: Advisor, unit: str) -> None:
    copies = MAX_INPUT_CHARS // len(unit)
    long, short = unit * copies, unit * FOLD_KEEP
    assert len(long) > FOLD_FROM_CHARS
    assert adv.session().ask(long).text == adv.session().ask(short).text


def test_a_repeated_interview_answer_is_read_as_the_answer(adv: Advisor) -> None:
    long, short = adv.session(), adv.session()
    for session in (long, short):
        session.ask("help me choose a career")
    assert long.ask("no " * 600).text == short.ask("no no no").text


def test_what_follows_the_repeats_is_still_read(adv: Advisor) -> None:
    text = "umm " * 200 + "how long is radiology residency?"
    assert fold_repeats(text) == "umm umm umm how long is radiology residency?"
    assert "4–5 years" in adv.session().ask(text).text


def test_short_texts_and_texts_without_runs_are_left_alone() -> None:
    assert fold_repeats("no no no no no no") == "no no no no no no"
    distinct = " ".join(f"word{i}" for i in range(200))
    assert len(distinct) > FOLD_FROM_CHARS
    assert fold_repeats(distinct) == distinct


def test_runs_of_phrases_and_sentences_are_cut_to_three_copies() -> None:
    assert fold_repeats("a b c " * 200) == "a b c " * 3
    story = "I love kids. I hate needles.\n"
    assert fold_repeats(story * 40) == story * 3
    # repeats that differ only in case are the same words
    assert fold_repeats("Yes yes YES " * 100) == "Yes yes YES "


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["no ", "sonographer ", "a b ", "what is it? ", "\r\n", ", ",
                                 "x", "Ｘ ", "I love kids. "]), min_size=0, max_size=600)
       .map("".join))
def test_folding_only_removes_whole_copies(text: str) -> None:
    folded = fold_repeats(text)
    assert len(folded) <= len(text)
    if len(text) <= FOLD_FROM_CHARS:
        assert folded == text
    # what remains is the text with some stretches taken out, in order
    rest = iter(text)
    assert all(ch in rest for ch in folded)
