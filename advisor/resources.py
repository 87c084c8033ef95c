"""Loading of the advisor's own YAML (intents, lexicon, responses) with file:line:col errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge import NODE_TYPES, KnowledgeError, Problem
from knowledge.record import field, record

if TYPE_CHECKING:
    from knowledge.yamlsafe import MDict

HERE = Path(__file__).resolve().parent
#: The word sets of lexicon.yaml the decision rules rely on.
WORD_SETS = ("subspecialty_words", "subspecialty_phrases", "role_words", "first_person",
             "doctor_words", "career_words", "fit_words", "pick_words", "fillers", "asking",
             "job_references", "sharpen_phrases", "price_words", "other_fields", "clause_starts",
             "wh_words", "subjects", "inversions", "hedges", "outside_intents", "story_intents",
             "negation_bridges", "far_negations", "own_years_words", "own_years_after",
             "name_joiners", "time_units", "owners", "people_words", "condition_openers",
             "clause_marks", "self_states", "closing_tags", "tag_agreements", "source_words",
             "liking_subjects", "likeness_ends", "kept_as_typed", "demonstratives")
_INTENT_KEYS = {"cues", "examples", "entity_types", "needs_entity"}


@record
class IntentSpec:
    """One intent as declared in intents.yaml."""

    name: str
    cues: tuple[tuple[str, float], ...]
    examples: tuple[str, ...]
    entity_types: frozenset[str]
    needs_entity: bool


@record
class Lexicon:
    """Language data that is not knowledge: rewrites, stop words, pronouns, negations."""

    rewrites: dict[str, str]
    stopwords: frozenset[str]
    pronouns: frozenset[str]
    negations: tuple[str, ...]
    question_words: frozenset[str]
    related: dict[str, tuple[str, ...]]
    sets: dict[str, frozenset[str]]
    ordinals: dict[str, int]
    numbers: dict[str, int]
    uncovered: dict[str, str]  # word -> "how stressful {subject} is": what the source never says
    story: dict[str, float]  # how much a story's own cues count: weight, min_words
    #: Words rewritten as typed, before case is folded ('IT' is no 'it').
    cased: dict[str, str] = field(default_factory=dict)
    #: Everyday words of a description and the document's words for the same thing ('takes
    #: the scans' -> 'capture images'), added to a description before the index looks it up.
    described_as: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _read(path: Path, problems: list[Problem]) -> MDict | None:
    from knowledge.yamlsafe import MDict, read_marked

    data, found = read_marked(path, str(path))
    problems.extend(found)
    if found:
        return None
    if not isinstance(data, MDict):
        problems.append(Problem(str(path), 1, 1, "expected a mapping at the top level"))
        return None
    return data


def _words(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def load_intents(path: Path | None = None) -> tuple[IntentSpec, ...]:
    """Read and validate intents.yaml; raise KnowledgeError listing every problem."""
    from knowledge.loader import did_you_mean
    from knowledge.yamlsafe import MDict, MList
    path = path or HERE / "intents.yaml"
    problems: list[Problem] = []
    data = _read(path, problems)
    specs: list[IntentSpec] = []
    if data is not None:
        intents = data.get("intents")
        if not isinstance(intents, MDict):
            problems.append(Problem(str(path), *data.mark, "'intents' must be a mapping"))
            intents = MDict()
        for name, body in intents.items():
            mark = intents.key_marks[name]
            if not isinstance(body, MDict):
                problems.append(Problem(str(path), *mark, f"intent {name!r} must be a mapping"))
                continue
            for k in body:
                if k not in _INTENT_KEYS:
                    problems.append(Problem(str(path), *body.key_marks[k], f"unknown key {k!r} "
                                            f"in intent {name!r}"
                                            + did_you_mean(str(k), _INTENT_KEYS)))
            cues = body.get("cues", {})
            if not isinstance(cues, dict) or not all(
                    isinstance(w, (int, float)) and not isinstance(w, bool) for w in cues.values()):
                problems.append(Problem(str(path), *mark, f"cues of intent {name!r} must map "
                                        "phrases to numbers"))
                continue
            types = body.get("entity_types", [])
            for t in _words(types):
                if t not in NODE_TYPES:
                    problems.append(Problem(str(path), *body.value_marks["entity_types"],
                                            f"unknown node type {t!r} in intent {name!r}"
                                            + did_you_mean(t, NODE_TYPES)))
            examples = body.get("examples", [])
            if not isinstance(examples, MList) or not examples:
                problems.append(Problem(str(path), *mark, f"intent {name!r} needs a list of "
                                        "examples"))
                continue
            specs.append(IntentSpec(
                name=str(name),
                cues=tuple((str(c), float(w)) for c, w in cues.items()),
                examples=tuple(str(e) for e in examples),
                entity_types=frozenset(_words(types)),
                needs_entity=bool(body.get("needs_entity", False)),
            ))
    if problems:
        raise KnowledgeError(problems)
    return tuple(specs)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read lexicon.yaml; raise KnowledgeError when it is malformed."""
    path = path or HERE / "lexicon.yaml"
    problems: list[Problem] = []
    data = _read(path, problems)
    if data is None:
        raise KnowledgeError(problems)
    rewrites = data.get("rewrites", {})
    cased = data.get("cased_rewrites") or {}
    if not isinstance(rewrites, dict) or not isinstance(cased, dict):
        raise KnowledgeError([Problem(str(path), *data.mark,
                                      "'rewrites' and 'cased_rewrites' must be mappings")])
    sets = data.get("word_sets") or {}
    missing = [name for name in WORD_SETS if name not in sets]
    if not isinstance(sets, dict) or missing:
        raise KnowledgeError([Problem(str(path), *data.mark,
                                      f"'word_sets' must define {', '.join(missing)}")])
    maps = {}
    for name in ("ordinals", "numbers"):
        value = data.get(name) or {}
        if not isinstance(value, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            raise KnowledgeError([Problem(str(path), *data.mark,
                                          f"'{name}' must map words to whole numbers")])
        maps[name] = {str(k): int(v) for k, v in value.items()}
    story = data.get("story") or {}
    if not isinstance(story, dict) or set(story) != {"weight", "min_words", "asked_floor"} \
            or not all(
            _number(v) and v >= 0 for v in story.values()):
        raise KnowledgeError([Problem(str(path), *data.mark, "'story' must give a 'weight', "
                                      "'min_words' and 'asked_floor', each a number not "
                                      "below 0")])
    uncovered = data.get("uncovered") or {}
    if not isinstance(uncovered, dict) or not all(
            isinstance(v, str) and ("{subject}" in v or "{who}" in v)
            for v in uncovered.values()):
        raise KnowledgeError([Problem(str(path), *data.mark, "'uncovered' must map words to "
                                      "phrases with a {subject} or {who} placeholder")])
    return Lexicon(
        rewrites={str(k): str(v) for k, v in rewrites.items()},
        cased={str(k): str(v) for k, v in cased.items()},
        stopwords=frozenset(_words(data.get("stopwords"))),
        pronouns=frozenset(_words(data.get("pronouns"))),
        negations=tuple(_words(data.get("negations"))),
        question_words=frozenset(_words(data.get("question_words"))),
        related={str(k): tuple(_words(v)) for k, v in (data.get("related") or {}).items()},
        described_as={str(k): tuple(_words(v))
                      for k, v in (data.get("described_as") or {}).items()},
        sets={str(k): frozenset(_words(v)) for k, v in sets.items()},
        ordinals=maps["ordinals"],
        numbers=maps["numbers"],
        uncovered={str(k): str(v) for k, v in uncovered.items()},
        story={str(k): float(v) for k, v in story.items()},
    )


def load_responses(path: Path | None = None) -> dict[str, str]:
    """Read responses.yaml: named message templates with {placeholders}."""
    path = path or HERE / "responses.yaml"
    problems: list[Problem] = []
    data = _read(path, problems)
    if data is None:
        raise KnowledgeError(problems)
    out: dict[str, str] = {}
    for k, v in data.items():
        if not isinstance(v, str):
            problems.append(Problem(str(path), *data.value_marks[k],
                                    f"response {k!r} must be text"))
        else:
            out[str(k)] = v.rstrip("\n")  # leading spaces of a template are meant
    if problems:
        raise KnowledgeError(problems)
    return out


#: The weights and word sets the rules of advisor/rules.py read by name.
POLICY_WEIGHTS = (
    "medical_advice_floor", "medical_advice_floor_careers", "out_of_scope_floor",
    "out_of_scope_floor_named", "declined", "statement_other_ceiling", "statement_floor",
    "pick_bonus", "qualifier_reach", "entity_fits", "entity_from_topic", "entity_missing",
    "social_with_question",
    "statement_bonus", "statement_question", "compare_too_few", "compare_weak",
    "compare_weak_floor", "compare_strong", "compare_strong_floor", "pick_about_career",
    "pick_first_person", "pick_names_career", "list_of_category", "list_with_filter",
    "followup_other_ceiling", "followup_floor", "social_floor", "keyword_question_floor",
    "contextual_floor", "contextual_long_floor", "unknown_word_floor", "weak",
    "modality_ceiling", "modality_floor", "social_words", "sign_off_words",
    "pronoun_followup_words",
    "followup_words", "topic_words", "contextual_long_words", "list_ref_words",
    "list_filter_floor", "focus_floor", "pay_money", "elaboration_words", "clause_floor",
    "clause_floor_named", "retrieve_below",
    "retrieve_words", "described_floor", "described_share", "described_margin",
    "described_list_max", "clause_max", "institution_window",
    "pick_head_window", "form_question_words", "profession_window", "afterthought_words",
    "story_pick_words", "own_career_window", "next_followup_words", "pay_nodes",
    "terse_words")
POLICY_SETS = ("statement_openers", "person_words", "pick_questions", "requirement_words",
               "advice_asks", "definite_words", "goal_verbs", "span_words", "before_verbs",
               "step_only_words", "lookup_intents", "general_intents", "year_words", "job_words",
               "chooser_phrases", "alternative_types", "kinds_in_plural", "pick_verdict_words",
               "options_asked", "field_intents", "topic_introducers", "need_asked",
               "self_corrections", "step_only_nouns", "roleplay_openers", "roleplay_verbs",
               "second_person", "format_requests", "fellowship_kinds", "settle_asks",
               "move_phrases", "skills_asked", "elaboration", "limiting_words",
               "naming_phrases", "field_types", "logistics",
               "vague_words", "who_types", "weak_negations",
               "pick_phrases", "plain_sets", "field_names", "continuers",
               "pointing_words", "own_question_openers",
               "only_phrases", "choice_words", "institution_words",
               "describing_verbs", "versus_words", "step_types", "general_words", "option_words",
               "story_pick_words", "articles", "hypothetical_words", "next_openers",
               "person_pronouns", "relay_phrases", "paired_aspects", "greetings", "closings",
               "request_wrappings", "wrapped_starts", "weighing_words",
               "claim_leads", "claim_verbs", "claim_tags", "purpose_frames",
               "pair_other", "pair_all", "own_role_openers",
               "option_markers", "superlatives", "scan_workings", "figure_asks")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def load_policy(path: Path | None = None) -> tuple[dict[str, float], dict[str, frozenset[str]],
                                                   dict[str, float]]:
    """Read policy.yaml: the rules' weights, word sets and comparison aspects, every name the
    rules read present and every value of the right kind (else KnowledgeError, file:line:col)."""
    path = path or HERE / "policy.yaml"
    problems: list[Problem] = []
    data = _read(path, problems)
    if data is None:
        raise KnowledgeError(problems)
    parts = {name: data.get(name) for name in ("weights", "sets", "compare_aspects")}
    for name, value in parts.items():
        if not isinstance(value, dict):
            problems.append(Problem(str(path), *data.mark, f"'{name}' must be a mapping"))
    if problems:
        raise KnowledgeError(problems)
    weights, sets, aspects = parts["weights"], parts["sets"], parts["compare_aspects"]
    assert isinstance(weights, dict) and isinstance(sets, dict) and isinstance(aspects, dict)
    for name in POLICY_WEIGHTS:
        if not _number(weights.get(name)):
            problems.append(Problem(str(path), *data.value_marks["weights"],
                                    f"weight {name!r} must be a number"))
    for name in POLICY_SETS:
        if not isinstance(sets.get(name), list):
            problems.append(Problem(str(path), *data.value_marks["sets"],
                                    f"word set {name!r} must be a list"))
    if not all(_number(v) for v in aspects.values()):
        problems.append(Problem(str(path), *data.value_marks["compare_aspects"],
                                "compare_aspects must map intents to numbers"))
    if problems:
        raise KnowledgeError(problems)
    return ({str(k): float(v) for k, v in weights.items()},
            {str(k): frozenset(_words(v)) for k, v in sets.items()},
            {str(k): float(v) for k, v in aspects.items()})
