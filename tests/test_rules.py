"""Every rule of the reply policy on its own example: it fires there and stays quiet on a near
miss. The rules are the named functions of advisor/rules.py and advisor/resolve.py; a rule
added there without a case here fails `test_every_rule_has_a_case`."""

from __future__ import annotations

from typing import Any

import pytest

from advisor import Advisor, rules
from advisor import resolve as resolving
from advisor.answers import HANDLERS, missing_handlers
from advisor.rules import Context, Decision, Facts


@pytest.fixture(scope="module")
def engine() -> Any:
    return Advisor()._engine


def facts(engine: Any, text: str, *, topic: tuple[str, ...] = (), last_intent: str = "",
          last_list: tuple[str, ...] = (), profile_changed: bool = False,
          known: bool = False) -> Facts:
    p = engine.understander.parse(text)
    return engine.policy.facts(p, Context(topic, last_intent, last_list), profile_changed,
                               known=known)


# (rule, text, context, fires?) — a gate fires when it returns a decision.
GATE_CASES = [
    (rules.gate_medical_advice, "can you read my mri and tell me if the lump is cancer", {}, True),
    (rules.gate_medical_advice, "how long is radiology residency", {}, False),
    (rules.gate_prices, "how much does an mri cost", {}, True),
    (rules.gate_prices, "how much does a radiologic technologist earn", {}, False),
    (rules.gate_scan_workings, "why is the mri machine so loud", {}, True),
    (rules.gate_scan_workings, "can a rad tech work in mri", {}, False),
    (rules.gate_other_fields, "is dentistry a good career", {}, True),
    (rules.gate_other_fields, "if I go into radiation therapy instead of rad tech, what do "
     "radiation therapists do all day?", {}, True),
    (rules.gate_other_fields, "if I go into radiation therapy, what do rad techs do all day?",
     {}, False),
    (rules.gate_other_fields, "radiology or cardiology, which has better radiologists", {}, False),
    (rules.gate_unknown_qualifier, "I'm an emergency physician and burnt out on nights. If I "
     "switched into radiology, what training would I still need?", {}, False),
    (rules.gate_unknown_qualifier, "how much do zorblax careers pay", {}, False),
    (rules.gate_logistics, "how much is tuition for rad tech school", {}, True),
    (rules.gate_logistics, "how long is rad tech school", {}, False),
    (rules.gate_out_of_scope, "who discovered x rays", {}, True),
    (rules.gate_out_of_scope, "who interprets x rays", {}, False),
    (rules.gate_out_of_scope, "I'm good with complex equipment: radar, comms, crypto gear. Is "
     "that a skill radiology actually cares about?", {}, False),
    (rules.gate_out_of_scope, "should I invest in crypto?", {}, True),
    (rules.gate_statement, "i love working with kids", {"profile_changed": True}, True),
    (rules.gate_statement, "i love working with kids", {"profile_changed": False}, False),
]


@pytest.mark.parametrize(("rule", "text", "ctx", "fires"), GATE_CASES,
                         ids=[f"{c[0].__name__}-{c[3]}" for c in GATE_CASES])
def test_gate(engine: Any, rule: Any, text: str, ctx: dict[str, Any], fires: bool) -> None:
    assert (rule(engine.policy, facts(engine, text, **ctx)) is not None) is fires


def test_unknown_qualifier_declines_another_fields_career(engine: Any) -> None:
    """The category word qualified by an unknown word ('welding techs') reads as another
    field. ('vet techs' is declined by the other-fields gate: 'vet' is a word it knows.)"""
    f = facts(engine, "how much do welding techs make")
    if any(engine.graph.node(m.node_ids[0]).type == "category" for m in f.explicit):
        assert rules.gate_unknown_qualifier(engine.policy, f) is not None


# (rule, intent, text, context, change): the adjusted score minus the raw one, or None for
# "the intent is dropped".
ADJUST_CASES = [
    (rules.adjust_pick, "recommend", "which radiology career fits me best", {}, "pick_bonus"),
    (rules.adjust_pick, "recommend", "what does a sonographer do", {}, 0.0),
    (rules.adjust_advice_about_careers, "medical_advice",
     "does the x ray tech interpret my images or is that someone elses job", {}, None),
    (rules.adjust_entity_fit, "duration", "how long is residency", {}, "entity_fits"),
    (rules.adjust_entity_fit, "duration", "how long does it take", {}, "entity_missing"),
    (rules.adjust_entity_fit, "duration", "how long does it take",
     {"topic": ("sonographer",)}, "entity_from_topic"),
    (rules.adjust_social, "thanks", "thanks, how long is residency", {}, "social_with_question"),
    (rules.adjust_social, "thanks", "thanks so much", {}, 0.0),
    (rules.adjust_social, "thanks", "ok and after that?", {}, None),
    (rules.adjust_social, "thanks", "ok and then what?", {}, None),
    (rules.adjust_social, "thanks", "cool cool cool. and after that??", {}, None),
    (rules.adjust_money, "pay", "do radiologists make 500k", {}, "pay_money"),
    (rules.adjust_money, "pay", "do radiologists make a lot", {}, 0.0),
    (rules.adjust_statement, "about_me", "i love working with kids", {}, "statement_bonus"),
    (rules.adjust_statement, "about_me", "am i too old to become a radiologist?", {},
     "statement_question"),
    (rules.adjust_compare, "compare", "radiologist vs radiologic technologist", {},
     "compare_strong"),
    (rules.adjust_recommend, "recommend", "which career involves pet scans", {},
     "pick_about_career"),
    (rules.adjust_recommend, "recommend", "what should i do with my life", {},
     "pick_first_person"),
    (rules.adjust_list, "list_careers", "what industry careers are there", {},
     "list_of_category"),
    (rules.adjust_list, "list_careers", "which careers do not need medical school", {},
     "list_with_filter"),
]


@pytest.mark.parametrize(("rule", "intent", "text", "ctx", "change"), ADJUST_CASES,
                         ids=[f"{c[0].__name__}-{c[1]}-{i}" for i, c in enumerate(ADJUST_CASES)])
def test_adjustment(engine: Any, rule: Any, intent: str, text: str, ctx: dict[str, Any],
                    change: Any) -> None:
    pol = engine.policy
    f = facts(engine, text, **ctx)
    raw = f.scores.get(intent, 1.0) or 1.0
    out = rule(pol, engine.intents[intent], raw, f)
    if change is None:
        assert out is None
        return
    expected = pol.w[change] if isinstance(change, str) else change
    assert out is not None
    assert out - raw == pytest.approx(expected)


# (rule, best, text, context, outcome): outcome is an intent name the settler moves to, a
# Decision's intent prefixed "=", or None when it leaves the best as it is.
SETTLE_CASES = [
    (rules.settle_listed_step, ("describe", 1.0),
     "What is the last step listed under medical school and residency?", {}, "=education"),
    (rules.settle_listed_step, ("describe", 1.0),
     "No med school for me. Which job and what's the first step?", {}, None),
    (rules.settle_listed_step, ("duration", 2.0), "how long is medical school?", {}, None),
    (rules.settle_which_by_modality, ("modalities", 1.5), "which radiologists read mammograms?",
     {}, "=describe"),
    (rules.settle_which_by_modality, ("modalities", 1.5),
     "What kind of radiologist would read the MRI of my torn ACL?", {}, None),
    (rules.settle_which_by_modality, ("modalities", 1.5), "which modalities does a rad tech use?",
     {}, None),
    (rules.settle_followup, ("describe", 1.0), "and what about sonographers",
     {"topic": ("radiologist",), "last_intent": "pay"}, "pay"),
    (rules.settle_followup, ("describe", 3.0), "tell me about sonographers",
     {"topic": ("radiologist",), "last_intent": "pay"}, None),
    (rules.settle_social, ("greeting", 2.0), "hi there", {}, "=greeting"),
    (rules.settle_social, ("greeting", 2.0), "hi, what does a sonographer do", {}, None),
    (rules.settle_keyword_elsewhere, ("pay", 3.0), "how much do software engineers earn", {},
     "=oos"),
    (rules.settle_outside, ("duration", 3.0), "how long does it take to learn guitar", {},
     "=oos"),
    (rules.settle_outside, ("duration", 3.0), "how long is residency", {}, None),
    (rules.settle_outside, ("", 0.0), "still see patients?",
     {"topic": ("academic_radiologist",)}, None),
    (rules.settle_outside, ("recommend", 1.5),
     "which career would suit someone who likes tech but not patient contact?", {}, None),
    (rules.settle_figure_followup, ("", 0.0), "can you give me an actual number?",
     {"topic": ("technical_allied_health",), "last_intent": "pay"}, "=pay"),
    (rules.settle_figure_followup, ("", 0.0), "can you give me an actual number?", {}, None),
    (rules.settle_keyword_of_topic, ("", 0.0), "do they have to keep studying after that?",
     {"topic": ("radiologic_technologist",)}, "=describe"),
    (rules.settle_keyword_of_topic, ("", 0.0), "do they have to keep studying after that?",
     {"topic": ("research_scientist",)}, None),
    (rules.settle_asked_of_topic, ("recommend", 1.5), "so which body parts does she look at?",
     {"topic": ("neuroradiology",)}, "describe"),
    (rules.settle_asked_of_topic, ("recommend", 1.5), "which one would suit me best?",
     {"topic": ("neuroradiology",)}, None),
    (rules.settle_weak_followup, ("", 0.0), "and that one", {"topic": ("sonographer",),
                                                            "last_intent": "pay"}, "pay"),
    (rules.settle_elaboration, ("", 0.0), "doing what?", {"topic": ("ai_specialist",)},
     "=describe"),
    (rules.settle_elaboration, ("", 0.0), "doing what?", {}, None),
    (rules.settle_elaboration, ("", 0.0), "what else?", {"topic": ("analytical_thinking",)},
     "=skills"),
    (rules.settle_elaboration, ("", 0.0), "why?", {"last_intent": "outlook"}, "=outlook"),
    (rules.settle_elaboration, ("", 0.0), "why?", {"last_intent": "duties"}, None),
    (rules.settle_elaboration, ("", 0.0), "what about pay?", {"topic": ("ai_specialist",)},
     None),
    (rules.settle_limited_to_topic, ("describe", 1.0), "just mammograms?",
     {"topic": ("breast_imaging",)}, "=describe"),
    (rules.settle_limited_to_topic, ("describe", 1.0), "just mammograms?", {}, None),
    (rules.settle_weak, ("", 0.0), "sonographer", {}, "describe"),
    (rules.settle_weak, ("", 0.0), "blue", {}, "=not_understood"),
    (rules.settle_weak, ("", 0.0), "what does the field of radiology offer?", {}, "=describe"),
    (rules.settle_modality, ("describe", 1.0), "can a rad tech do mammograms", {},
     "modalities"),
    (rules.settle_modality, ("describe", 1.0), "do they do MRI too?",
     {"topic": ("nuclear_medicine_technologist",)}, "modalities"),
    (rules.settle_described_pick, ("recommend", 1.5),
     "sports injuries, bones and joints are what I geek out on, which fellowship?", {},
     "=describe"),
    (rules.settle_described_pick, ("recommend", 4.0), "help me choose a fellowship", {}, None),
    (rules.settle_options_listed, ("recommend", 1.0),
     "what fellowships could I go into after residency?", {}, "=subspecialties"),
    (rules.settle_options_listed, ("recommend", 1.0), "what jobs could I go into?", {},
     "=list_careers"),
    (rules.settle_options_listed, ("recommend", 3.0), "what fellowships would suit me best?",
     {}, None),
    (rules.settle_options_listed, ("recommend", 3.0), "which fellowship should I do?", {},
     None),
    (rules.settle_options_listed, ("recommend", 1.0),
     "radiology fellowships, what are my options", {}, "=subspecialties"),
    (rules.settle_options_listed, ("recommend", 1.0), "I love kids, what are my options?", {},
     None),
    (rules.settle_move_into_career, ("subspecialties", 3.5), "could I move into sales?", {},
     "=describe"),
    (rules.settle_move_into_career, ("subspecialties", 3.5), "can a rad tech move into MRI?",
     {}, None),
    (rules.settle_pick_from_what_was_said, ("describe", 1.0), "which fellowship then?",
     {"known": True}, "recommend"),
    (rules.settle_pick_from_what_was_said, ("describe", 1.0), "which fellowship then?", {},
     None),
    (rules.settle_filtered_list, ("education", 1.2),
     "can you work in radiology without going to med school", {}, "list_careers"),
    (rules.settle_filtered_list, ("education", 1.2),
     "can a radiologist work without going to med school", {}, None),
    (rules.settle_filtered_list, ("about_me", 3.8),
     "I'm a med student, I love doing procedures, not just reading scans all day - which "
     "radiology path?", {}, None),
    (rules.settle_filtered_list, ("about_me", 3.8), "I'm not going to med school. What jobs "
     "are there?", {}, "list_careers"),
    (rules.settle_list_of_fellowships, ("list_careers", 3.0),
     "list the fellowships after residency pls", {}, "subspecialties"),
    (rules.settle_list_of_fellowships, ("list_careers", 3.0), "list the careers", {}, None),
    (rules.settle_weak_requirement, ("", 0.0), "do rad techs need CE", {}, "education"),
    (rules.settle_weak_requirement, ("", 0.0), "rad techs and CE", {}, None),
    (rules.settle_options_of_topic, ("", 0.0), "what kinds are there?",
     {"topic": ("preliminary_year",)}, "=subspecialties"),
    (rules.settle_options_of_topic, ("", 0.0), "what are the other options for that year",
     {"topic": ("preliminary_year",)}, "=subspecialties"),
    (rules.settle_options_of_topic, ("", 0.0), "what are the other options for that year",
     {"topic": ("sonographer",)}, None),
    (rules.settle_options_of_topic, ("", 0.0), "in what specialty?",
     {"topic": ("preliminary_year",)}, "=subspecialties"),
    (rules.settle_options_of_topic, ("", 0.0), "in what specialty?",
     {"topic": ("radiologist",)}, None),
    (rules.settle_paths_of_career, ("subspecialties", 2.0), "What kinds of careers do "
     "radiologists have besides regular clinical practice?", {}, "=list_careers"),
    (rules.settle_paths_of_career, ("describe", 2.0), "tell me about research scientist roles",
     {}, None),
]


@pytest.mark.parametrize(("rule", "best", "text", "ctx", "outcome"), SETTLE_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(SETTLE_CASES)])
def test_settler(engine: Any, rule: Any, best: tuple[str, float], text: str,
                 ctx: dict[str, Any], outcome: str | None) -> None:
    out = rule(engine.policy, best, facts(engine, text, **ctx))
    if outcome is None:
        assert out is None
    elif outcome.startswith("="):
        assert isinstance(out, Decision) and out.intent == outcome[1:]
    else:
        assert isinstance(out, tuple) and out[0] == outcome


# (step, intent, text, context, first node after the step, or None for "no nodes")
STEP_CASES = [
    (resolving.step_modality_to_user, "education", "what degree", {"topic": ("ct",)},
     "radiologic_technologist"),
    (resolving.step_modality_to_user, "describe", "what is it", {"topic": ("ct",)}, "ct"),
    (resolving.step_main_clause, "education",
     "if I finish residency, do I have to do a fellowship or is that optional?", {},
     "fellowship"),
    (resolving.step_main_clause, "describe",
     "suppose I'm really into chest stuff, lungs and heart - which radiology fellowship "
     "would I do?", {}, "thoracic_radiology"),
    (resolving.step_keyword_specialises, "describe",
     "a radiologist who only looks at kids scans", {}, "pediatric_radiology"),
    (resolving.step_specific_first, "describe", "interventional radiology fellowship", {},
     "interventional_radiology"),
    (resolving.step_definite_generic, "duration", "how long is the fellowship",
     {"topic": ("interventional_radiology",)}, "interventional_radiology"),
    (resolving.step_who, "describe", "who handles radioactive materials", {},
     "nuclear_medicine_technologist"),
    (resolving.step_described, "describe",
     "who actually runs the PET scanner, is it just a regular rad tech?", {},
     "nuclear_medicine_technologist"),
    (resolving.step_requested_type, "describe", "which fellowship covers the brain", {},
     "neuroradiology"),
    (resolving.step_keywords, "duties", "which job handles radioactive materials", {},
     "nuclear_medicine_technologist"),
    (resolving.step_relations, "describe", "tell me about spect", {}, "spect"),
    (resolving.step_pronoun_topic, "certification", "do they need arrt",
     {"topic": ("radiologic_technologist",)}, "radiologic_technologist"),
    (resolving.step_careers_first, "outlook", "is there demand for sonographers", {},
     "sonographer"),
    (resolving.step_topic_subject, "certification", "which exam", {"topic": ("sonographer",)},
     "sonographer"),
    (resolving.step_topic_fallback, "duration", "how long does it take",
     {"topic": ("sonographer",)}, "sonographer"),
    (resolving.step_goal, "education", "can a radiologic technologist become a radiologist", {},
     "radiologist"),
    (resolving.step_before_subject, "duration",
     "how many years of medical school before residency", {}, "medical_school"),
]


def _resolve_until(engine: Any, step: Any, intent: str, f: Facts) -> list[str]:
    pol = engine.policy
    d = Decision(intent, 2.0)
    r = resolving.start(pol, d, f)
    for s in resolving.STEPS:
        s(pol, r)
        if s is step:
            break
    return [n.id for n in r.fitting] if resolving.STEPS.index(step) >= resolving.STEPS.index(
        resolving.step_fitting) else [n.id for n in r.nodes]


@pytest.mark.parametrize(("step", "intent", "text", "ctx", "first"), STEP_CASES,
                         ids=[c[0].__name__ for c in STEP_CASES])
def test_resolution_step(engine: Any, step: Any, intent: str, text: str, ctx: dict[str, Any],
                         first: str | None) -> None:
    ids = _resolve_until(engine, step, intent, facts(engine, text, **ctx))
    assert (ids[0] if ids else None) == first, ids


def test_step_to_career_reads_a_training_step_as_its_career(engine: Any) -> None:
    """A step that leads to one career stands for it in an aspect question."""
    pol = engine.policy
    lead = pol.leads_to(engine.graph.node("sonography_training"))
    assert lead is not None and lead.id == "sonographer"
    f = facts(engine, "which areas could i specialize in", topic=("sonography_training",))
    d = Decision("subspecialties", 2.0)
    assert [n.id for n in resolving.resolve(pol, d, f)][:1] == ["sonographer"]


def test_topic_compound_names_a_node_from_the_topic_and_a_word(engine: Any) -> None:
    """'and the fellowship?' after neuroradiology finds nothing longer than the topic itself
    when no such compound name exists: the step leaves the nodes alone."""
    pol = engine.policy
    f = facts(engine, "and the residency?", topic=("sonographer",))
    r = resolving.start(pol, Decision("describe", 1.0), f)
    before = list(r.fitting)
    resolving.step_topic_compound(pol, r)
    assert r.fitting == before


def test_doctor_puts_the_physician_keyword_career_first(engine: Any) -> None:
    pol = engine.policy
    f = facts(engine, "who is the physician that does catheter procedures")
    r = resolving.start(pol, Decision("describe", 2.0), f)
    r.fitting = [engine.graph.node("radiologic_technologist")]
    resolving.step_doctor(pol, r)
    assert r.fitting[0].type in {"role", "subspecialty"}
    assert r.fitting[0].id != "radiologic_technologist"


def test_aspect_of_job_reads_the_job_as_the_topic(engine: Any) -> None:
    pol = engine.policy
    f = facts(engine, "is there any safety aspect to the job", topic=("sonographer",))
    r = resolving.start(pol, Decision("describe", 2.0), f)
    resolving.step_fitting(pol, r)
    r.fitting = []
    resolving.step_aspect_of_job(pol, r)
    assert [n.id for n in r.fitting] == ["sonographer"]


COVERED = {c[0] for c in (*GATE_CASES, *ADJUST_CASES, *SETTLE_CASES, *STEP_CASES)} | {
    resolving.step_step_to_career, resolving.step_topic_compound, resolving.step_doctor,
    resolving.step_aspect_of_job, resolving.step_fitting, resolving.step_topic_for_aspects}


def test_every_rule_has_a_case_and_an_example() -> None:
    """A rule added to the policy without its own test case, or without an example in its
    docstring, fails here."""
    for rule in (*rules.GATES, *rules.ADJUSTMENTS, *rules.SETTLERS, *resolving.STEPS):
        assert rule in COVERED, f"{rule.__name__} has no test case"
        doc = rule.__doc__ or ""
        assert doc.strip(), f"{rule.__name__} has no docstring"


def test_every_answered_intent_has_a_handler(engine: Any) -> None:
    assert missing_handlers(list(engine.intents)) == []
    assert missing_handlers(["made_up_intent"]) == ["made_up_intent"]
    for name, handler in HANDLERS.items():
        assert name in engine.intents, name
        assert "'" in (handler.__doc__ or ""), f"{handler.__name__}: no example"


def test_check_reports_an_intent_without_a_handler(tmp_path: Any) -> None:
    """`radiology-advisor check` names the declaration of an intent nothing answers."""
    from advisor.answers import registry_problems

    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  describe:\n    cues: {}\n  daydream:\n    cues: {}\n",
                    encoding="utf-8")
    problems = registry_problems(path, ["describe", "daydream"])
    assert [str(p) for p in problems] == [
        f"{path}:4:3: error: intent 'daydream' has no handler in advisor/answers.py (HANDLERS)"]


@pytest.mark.parametrize(("text", "asking"), [
    ("breast cancer runs in my family. im premed, which radiology fellowship",
     ("im premed, which radiology fellowship",)),
    ("My mother survived breast cancer, which is why I went into medicine. What is breast "
     "imaging?", ("What is breast imaging?",)),
])
def test_the_last_part_of_a_message_opening_with_a_question_word_asks(
        engine: Any, text: str, asking: tuple[str, ...]) -> None:
    """A message's last sentence asks when its last part opens with a question word, mark or
    no mark; a relative 'which' inside the story asks nothing."""
    assert engine.policy.asking_sentences(text)[1] == asking
