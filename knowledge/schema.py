"""The one declared schema of a knowledge directory: node types, their fields, relations.

It describes careers in general (roles, training, credentials...), not radiology, so another
field's knowledge uses the same engine.
"""

from __future__ import annotations

from .record import record

#: Field kinds: "text" (one string), "texts" (list of strings), "duration", "relations",
#: "opposites" (text -> list of texts).
COMMON_FIELDS: dict[str, str] = {
    "id": "id",
    "type": "text",
    "name": "text",
    "summary": "text",
    "section": "text",
    "aliases": "texts",
    "keywords": "keywords",
    "related": "texts",
    "related_names": "texts",
    "statements": "texts",
    "relations": "relations",
}
REQUIRED_FIELDS: tuple[str, ...] = ("id", "type", "name", "summary", "section")
#: Fields that state something, so each value (or list item) cites the source document:
#: plain text is its own quote; `{text: ..., source: ...}` cites other words or sections.
SOURCED_FIELDS: frozenset[str] = frozenset({"summary", "statements", "duties", "focus", "pay",
                                            "duration", "options", "specialties"})

NODE_TYPES: dict[str, dict[str, str]] = {
    "category": {"pay": "text", "full_name": "text", "heading": "text"},
    "role": {"duties": "texts", "specialties": "texts", "full_name": "text", "pay": "text"},
    "subspecialty": {"focus": "text", "duration": "duration", "step_label": "text"},
    "training": {"duration": "duration", "options": "texts", "step_label": "text",
                 "full_name": "text"},
    "credential": {"full_name": "text"},
    "modality": {"full_name": "text"},
    "skill": {},
    "topic": {},
    "concept": {"full_name": "text"},
}

#: Node types that are careers a person can pursue (listed, compared, recommended).
CAREER_TYPES: frozenset[str] = frozenset({"role", "subspecialty"})
#: Node types that are steps of a pathway.
STEP_TYPES: frozenset[str] = frozenset({"training", "subspecialty", "credential"})


@record
class RelationRule:
    """Which node types a relation may link, and whether it must stay free of cycles."""

    sources: frozenset[str] | None
    targets: frozenset[str] | None
    acyclic: bool = False
    meaning: str = ""
    #: The relation states something (a requirement, a credential): each link cites the
    #: source (`- target_id: quote`) when the field declares a source document.
    stated: bool = False


def _types(*names: str) -> frozenset[str]:
    return frozenset(names)


RELATIONS: dict[str, RelationRule] = {
    "requires": RelationRule(
        None, _types("training", "credential", "subspecialty", "role"), True,
        "must be completed before", stated=True),
    "followed_by": RelationRule(
        _types("training", "subspecialty"), _types("training", "subspecialty"), True,
        "is followed by", stated=True),
    "specializes": RelationRule(
        _types("role", "subspecialty"), _types("role", "subspecialty"), True,
        "is a specialisation of"),
    "kind_of": RelationRule(None, None, True, "is a kind of"),
    "certified_by": RelationRule(_types("role", "subspecialty"), _types("credential"), False,
                                 "is certified by", True),
    "maintained_by": RelationRule(None, _types("training"), False, "is maintained by", True),
    "uses_modality": RelationRule(_types("role", "subspecialty"), _types("modality"), False,
                                  "works with the modality", True),
    "in_category": RelationRule(_types("role", "subspecialty"), _types("category"), False,
                                "belongs to the category"),
    "works_with": RelationRule(None, _types("concept", "modality"), False, "works with"),
    "needs_skill": RelationRule(None, _types("skill"), False, "needs the skill"),
    "related_to": RelationRule(None, None, False, "is related to"),
    # A category of career paths the document names as paths for a career ("Emerging Career
    # Paths for Radiologists"): its members are more specific than that career, not steps
    # after it (nothing is said of what they require).
    "paths_for": RelationRule(_types("category"), _types("role"), False,
                              "is a set of career paths for"),
}

FIELD_META: dict[str, str] = {
    "name": "text",
    "description": "text",
    "source": "text",
    "document": "text",
    "plain_words": "texts",
    "everyday_words": "texts",
    "skill_words": "texts",
    "order_words": "texts",
    "order_after_words": "texts",
    "order_before_words": "texts",
    "preceding_words": "texts",
    "subject_words": "texts",
    "purpose_words": "texts",
    "optional_asked": "texts",
    "count_words": "texts",
    "count_listed_words": "texts",
    "ranking_words": "texts",
    "placement_words": "texts",
    "expansion_words": "texts",
    "yes_no_words": "texts",
    "yes_no_tags": "texts",
    "verdict_blockers": "texts",
    "existence_openers": "texts",
    "optional_words": "texts",
    # A claim's word -> the document's words that say the opposite ('lowest' -> 'highest').
    "opposite_words": "opposites",
    # Words limiting a claim to one thing ('only', 'just'): a line listing it among others
    # says no.
    "limit_words": "texts",
    "limit_exempt": "texts",
    "reporting_words": "texts",
    "identity_tails": "texts",
    "dealing_words": "texts",
    "identity_words": "texts",
    "difference_words": "texts",
    "time_comparatives": "texts",
    "pay_comparatives": "texts",
    "pay_weighing": "texts",
    "superlative_words": "texts",
    "need_words": "texts",
    "universal_words": "texts",
    "discourse_openers": "texts",
    "length_links": "texts",
    "claim_negations": "texts",
    "listing_words": "texts",
    "listing_nouns": "texts",
    "domain_terms": "texts",
    "field_words": "texts",
    "likening_words": "texts",
    "identity_leads": "texts",
    # The node that says what the whole field offers ("what does radiology offer?").
    "overview": "text",
    "version": "text",
}
