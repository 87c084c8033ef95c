"""The typo corrector (issue 14): real English words are read as typed, typos of the advisor's
words are still mended, and a text full of unknown words costs a bounded number of searches."""

from __future__ import annotations

import random
import string

import pytest

from advisor import Advisor
from advisor.nlu import Understander


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


@pytest.fixture(scope="module")
def understander(adv: Advisor) -> Understander:
    return adv._engine.understander


@pytest.mark.parametrize(("text", "kept"), [
    ("I spent a decade as a nurse", ("spent", "decade")),
    ("not sure whether radiology is for me", ("whether",)),
    ("the lesson I learned in the ER", ("lesson",)),
    ("I thought about it a lot", ("thought",)),
])
def test_real_english_words_are_not_respelled(understander: Understander, text: str,
                                              kept: tuple[str, ...]) -> None:
    parse = understander.parse(text)
    assert parse.corrections == ()
    assert all(word in parse.tokens for word in kept)


@pytest.mark.parametrize(("typo", "meant"), [
    ("brest imaging", "breast"),
    ("pediatirc radiology", "pediatric"),
    ("intervenshunal radiology", "interventional"),
    ("how long is the fellowsip", "fellowship"),
])
def test_typos_are_still_corrected(understander: Understander, typo: str, meant: str) -> None:
    assert meant in understander.parse(typo).tokens


def test_spent_is_not_read_as_spect(adv: Advisor) -> None:
    reply = adv.ask("I spent a decade in nursing, what does a sonographer do?")
    assert "SPECT" not in reply.text.split("\n")[0]
    assert not any(wrong == "spent" for wrong, _ in reply.explain.corrections)


def test_a_text_of_unknown_words_gets_a_bounded_number_of_searches(
        understander: Understander, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9)))
             for _ in range(300)]
    searched: list[str] = []
    real = understander._candidates

    def counting(word: str) -> tuple[tuple[str, float, float], ...]:
        searched.append(word)
        return real(word)

    monkeypatch.setattr(understander, "_candidates", counting)
    parse = understander.parse(" ".join(words)[:2000])
    assert parse.tokens  # read, not refused
    assert 0 < len(searched) <= 24


def test_the_corrector_chooses_the_same_way_in_every_process(understander: Understander
                                                             ) -> None:
    # Candidates are searched in a fixed order, so ties never depend on string hashing.
    for bucket in understander._buckets.values():
        assert bucket == sorted(bucket)


@pytest.mark.parametrize(("text", "meant"), [
    ("what is radio logy", "radiology"),
    ("radio logic tech", "radiologic"),
    ("do academic radio lists teach", "radiologists"),
    ("the thor acid fellowship", "thoracic"),
    ("which tech handles the radio active stuff", "radioactive"),
    ("serve rural or under surfed areas", "underserved"),
])
def test_a_word_a_phone_split_in_two_is_read_whole(understander: Understander, text: str,
                                                   meant: str) -> None:
    """Autocorrect splits a word it does not know into words it does ('radio logy'): two
    neighbours whose letters make one word of a name or of the field are read as it."""
    assert meant in understander.parse(text).tokens


@pytest.mark.parametrize(("text", "kept"), [
    ("what kind of research do radiologists do", ("research", "do")),
    ("can they specialize in CT", ("specialize", "in")),
    ("which med schools are best", ("med", "schools")),
    ("any radiology-ish career for me", ("radiology",)),
])
def test_two_words_that_are_words_are_not_joined(understander: Understander, text: str,
                                                 kept: tuple[str, ...]) -> None:
    """A word and a little word of grammar ('research do'), or a name's word and a plural
    ('med schools'), stay as typed: only a split name is read whole."""
    tokens = understander.parse(text).tokens
    assert all(word in tokens for word in kept), tokens


@pytest.mark.parametrize(("typed", "meant"), [
    ("wat dus a sonografer do", ("what", "does", "sonographer")),
    ("hw lng is the resedncy", ("long", "residency")),
    ("do thay need a sertification", ("they", "certification")),
    ("is the werk hard, like how meny hrs", ("work", "many", "hours")),
])
def test_words_spelt_by_ear_are_read_as_the_words_they_sound_like(
        understander: Understander, typed: str, meant: tuple[str, ...]) -> None:
    """'wat', 'dus', 'werk', 'meny': a word no English list holds is read as the one word of
    the vocabulary it sounds like ('what dus' as 'what does': the pair decides between
    'does' and 'dues')."""
    tokens = understander.parse(typed).tokens
    assert all(word in tokens for word in meant), tokens


@pytest.mark.parametrize(("text", "kept"), [
    ("the crew went solo", ("crew", "solo")),
    ("a rep from Siemens told me", ("siemens",)),
    ("I worked in the NICU and did BLS", ("nicu", "bls")),
    ("I didnt like it", ("not",)),
    ("a rite of passage", ("rite",)),
])
def test_real_words_names_and_clinical_shorthand_are_never_heard_as_others(
        understander: Understander, text: str, kept: tuple[str, ...]) -> None:
    """An English word ('crew' is no 'care'), a name capitalised in the sentence ('Siemens'
    is no 'someone'), clinical shorthand ('NICU' is no 'nice') and a contraction ('didnt' is
    no 'did') stay as typed."""
    tokens = understander.parse(text).tokens
    assert all(word in tokens for word in kept), tokens


def test_a_question_spelt_by_ear_gets_its_answer(adv: Advisor) -> None:
    """'wat dus a sonografer do': answered, with no note that the document never says 'dus'."""
    reply = adv.session().ask("wat dus a sonografer do")
    assert "Sonographers train in diagnostic medical sonography" in reply.text, reply.text
    assert "dus" not in reply.text and not reply.fallback, reply.text
