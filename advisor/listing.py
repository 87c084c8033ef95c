"""List questions as graph queries: what is asked for, under which constraints.

"Can you work in radiology without going to med school?", "what jobs exist besides the
doctor?", "which fellowships are 2 years?", "which careers use ultrasound?" are read into one
`knowledge.query.Query` (the asked-for type; requirements had or lacked; categories in or
outside; careers left out; modalities used; a length in years) and answered by `query.run`.
"""

from __future__ import annotations

from knowledge import CAREER_TYPES, Node
from knowledge.query import Query, run
from knowledge.text import join_words

from .compose import Answer
from .nlu import Mention, Parse
from .rules import Context, Decision, Policy


def _types(p: Parse) -> frozenset[str]:
    return frozenset({"subspecialty"}) if p.requested == "subspecialty" else CAREER_TYPES


def _years(pol: Policy, p: Parse) -> float | None:
    """'Which fellowships are 2 (two) years?': a number right before a word of years. Not a
    person's own years ('I have worked as a radiographer since 5 years', '8 years ago',
    'I'm 30 years old'): those say how long someone has done something."""
    if not p.words & pol.sets["year_words"]:
        return None
    numbers = pol.engine.lexicon.numbers
    tokens = p.tokens
    own = pol.sets["own_years_words"]
    for i, t in enumerate(tokens[:-1]):
        value = float(numbers.get(t, int(t) if t.isdigit() and len(t) < 3 else 0))
        if value and tokens[i + 1] in pol.sets["year_words"] and not (
                (i and tokens[i - 1] in own) or (tokens[i + 2:i + 3] and tokens[i + 2] in own)):
            return value
    return None


def _sorted(pol: Policy, p: Parse, mentions: tuple[Mention, ...]) -> dict[str, list[Node]]:
    """Mentioned nodes by what they constrain: requirements, categories, careers, modalities,
    each split into wanted ('+') and not wanted ('-')."""
    out: dict[str, list[Node]] = {}
    for m in mentions:
        for node_id in m.node_ids[:1] if m.kind == "alias" else m.node_ids:
            node = pol.g.node(node_id)
            kind = {"training": "need", "credential": "need", "category": "cat",
                    "modality": "uses"}.get(node.type, "career" if node.type in CAREER_TYPES
                                              else "")
            if kind:
                out.setdefault(("-" if pol.rules_out(p, m) else "+") + kind, []).append(node)
    return out


def _paths_for(pol: Policy, outside: list[str]) -> list[str]:
    """Categories that are paths for the careers of the categories left out ("emerging career
    paths for radiologists" when physician careers are): their careers are not to be listed
    as outside the doctors' (the document files them under the radiologist)."""
    if not outside:
        return []
    c = pol.engine.composer
    members = {n.id for n in pol.g.of_type(*CAREER_TYPES)
               if any(cat.id in outside for cat in c.categories(n))}
    return [cat.id for cat in pol.g.of_type("category") if cat.id not in outside
            and any(n.id in members for n in pol.g.neighbours(cat.id))]


def build(pol: Policy, p: Parse) -> Query:
    """The query a list question asks."""
    named = _sorted(pol, p, p.mentions)
    ids = {k: tuple(dict.fromkeys(n.id for n in v)) for k, v in named.items()}
    asks_need = pol.requires_filter(p)
    doctors = p.words & pol.sets["doctor_words"]
    outside = list(ids.get("-cat", ()))
    for m in p.mentions:
        if pol.rules_out(p, m) and m.text in doctors:
            # "jobs that aren't being a doctor": the graph says which category doctors are in,
            # and which categories are paths for doctors ("emerging career paths for
            # radiologists": not to be listed as careers outside the doctors')
            outside += [c.id for c in pol.engine.composer.categories(pol.g.node(m.node_ids[0]))]
    outside += _paths_for(pol, outside)
    types = _types(p)
    # A modality filters only a bare "which careers use X?": "brain and spine MRIs" describes
    # a fellowship by what it covers, which the index of its facts finds.
    described = pol.described(p, types)
    uses = ids.get("+uses", ()) if not described and not ids.get("+career") else ()
    if types == {"subspecialty"}:  # fellowships differ by length and modality only
        return Query(types, uses=uses, years=_years(pol, p))
    return Query(
        types=types,
        requires=ids.get("+need", ()) if asks_need else (),
        lacks=ids.get("-need", ()),
        categories=ids.get("+cat", ()),
        outside=tuple(dict.fromkeys(outside)),
        exclude=ids.get("-career", ()),
        uses=uses,
        years=_years(pol, p))


def _phrase(pol: Policy, q: Query) -> str:
    """The constraints in words, from responses.yaml templates and graph names."""
    r, g = pol.engine.responses, pol.g

    def names(items: tuple[str, ...]) -> str:
        return join_words([g.node(i).name.lower() for i in items])

    parts = []
    for key, items in (("list_needing", q.requires), ("list_lacking", q.lacks),
                       ("list_in", q.categories), ("list_outside", q.outside),
                       ("list_except", q.exclude), ("list_using", q.uses)):
        if items:
            parts.append(r[key].format(names=names(items)))
    if q.years is not None:
        parts.append(r["list_lasting"].format(years=f"{q.years:g}"))
    return ", ".join(parts)


def answer(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """A constrained list, or None when the question constrains nothing (the plain listing
    answers it)."""
    q = build(pol, p)
    if not q.constrained:
        return None
    among: tuple[str, ...] = ()
    if p.pronoun and ctx.last_list:
        among = ctx.last_list
        d.context_used.append("the careers listed before")
    named = tuple(dict.fromkeys((*q.requires, *q.lacks, *q.categories, *q.outside)))
    found = _best_described(pol, p, q.types, run(pol.g, q, among), named)
    r = pol.engine.responses
    kind = r["list_fellowships" if q.types == {"subspecialty"} else "list_careers"]
    what = _phrase(pol, q)
    d.notes.append(f"query: {what}")
    if not found:
        return Answer(r["list_none"].format(kind=kind.lower(), what=what),
                      tuple(q.requires + q.lacks + q.categories + q.outside))
    constraints = tuple(dict.fromkeys((*q.requires, *q.lacks, *q.categories, *q.outside,
                                       *q.exclude, *q.uses)))
    lines = [r["list_head"].format(kind=kind, what=what)]
    if len(found) <= pol.w["described_list_max"]:
        lines.extend(f"• {n.name}: {_what(pol, n)}" for n in found)
    else:  # a long list: names, so the whole of it reads at a glance
        lines.extend(f"• {n.name}" for n in found)
    # The constraints are what the list is about (context, sources, explain).
    return Answer("\n".join(lines), constraints, tuple(n.id for n in found))


def among_shown(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Which of those is most about patients?': the items of the list on screen that the
    rest of the question describes, best first (None when it describes none of them)."""
    if not (p.pronoun and ctx.last_list):
        return None
    shown = [pol.g.node(i) for i in ctx.last_list if i in pol.g]
    best = _best_described(pol, p, frozenset(n.type for n in shown), shown)
    if best == shown:
        return None
    d.context_used.append("the list shown before")
    lines = [f"• {n.name}: {_what(pol, n)}" for n in best]
    return Answer("\n".join(lines), (), tuple(n.id for n in best))


def _best_described(pol: Policy, p: Parse, types: frozenset[str],
                    found: list[Node], named: tuple[str, ...] = ()) -> list[Node]:
    """Of the nodes that meet the constraints, those the rest of the question describes ('a
    job with radioactive tracers, without medical school'): the clear best alone, else those
    near the best; all of them when the description fits none."""
    allowed = {n.id for n in found}
    # The words that name a constraint ('need *medical school*') describe no career.
    naming = {w for i in named for t in (pol.g.node(i).name, *pol.g.node(i).aliases)
              for w in t.lower().split()}
    hits = [h for h in pol.described(p, types) if h.node.id in allowed
            and not set(h.words) <= naming]
    if not hits:
        return found
    top = hits[0].score
    if len(hits) == 1 or top >= hits[1].score * pol.w["described_margin"]:
        return [hits[0].node]
    return [h.node for h in hits if h.score >= top * pol.w["described_share"]]


def _what(pol: Policy, node: Node) -> str:
    """What a node is, without repeating its name ('Neuroradiology: brain...' -> 'brain...')."""
    text = pol.engine.composer.what(node)
    if text.startswith(node.name + ": "):
        text = text[len(node.name) + 2:]
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
