"""Intent handlers: one short function per intent turns a decision into an Answer.

`HANDLERS` is the registry the engine checks at load: every intent declared in intents.yaml
that is answered from the graph has a handler here, and `radiology-advisor check` fails on one
without. Handlers read the graph through the Composer and never name a career.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge import CAREER_TYPES, Node, Problem

from . import listing
from .compose import Answer
from .nlu import Parse
from .rules import Context, Decision, Policy

Handler = Callable[[Policy, Parse, Decision, Context], "Answer | None"]

#: Intents answered by the responder itself, not from graph facts.
HANDLED_ELSEWHERE = frozenset({"greeting", "thanks", "goodbye", "help", "recommend",
                               "about_me", "out_of_scope", "medical_advice"})


def _named(pol: Policy, p: Parse, types: set[str] | frozenset[str]) -> list[Node]:
    """Nodes named by name in the text, of the given types, in text order."""
    return [n for m in p.alias_mentions if (n := pol.g.node(m.node_ids[0])).type in types]


def answer_list(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Which careers don't need medical school?', 'what industry careers are there?',
    'jobs besides the doctor?': careers as a graph query, else the plain listing (of the
    category named, by name or keyword)."""
    found = listing.answer(pol, p, d, ctx) or listing.among_shown(pol, p, d, ctx)
    if found is not None:
        return found
    g = pol.g
    career = next((n for n in _named(pol, p, {"role"})), None)
    if career is not None and not _named(pol, p, {"category"}):  # ('career paths for
        paths = pol.engine.composer.paths_of(career)  # radiologists besides clinical work')
        if paths is not None:
            return paths
    kind = next((n for m in p.alias_mentions if (n := g.node(m.node_ids[0]))
                 and pol.engine.composer.kinds(n)), None)
    if kind is not None:  # 'list every fellowship': the kinds of that step
        return pol.engine.composer.subspecialties(kind)
    category = next(iter(_named(pol, p, {"category"})), None) or next(
        (g.node(i) for m in p.mentions if m.kind == "keyword" for i in m.node_ids
         if g.node(i).type == "category"), None)
    return pol.engine.composer.list_careers(category)


def answer_subspecialties(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'What can a radiologist specialize in?', 'what fellowships are there?', 'which
    fellowships are 2 years?' (a query)."""
    if p.requested == "subspecialty":
        found = listing.answer(pol, p, d, ctx)
        if found is not None:
            return found
    return pol.engine.composer.subspecialties(d.nodes[0] if d.nodes else None)


def answer_skills(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'What skills does a sonographer need?'; several skills at once ('which one is the most
    important?' over the list) are the list again."""
    named = {i for m in p.mentions for i in m.node_ids if pol.g.node(i).type == "skill"}
    if (len(d.nodes) >= 2 and all(n.type == "skill" for n in d.nodes)) or len(named) >= 2:
        return pol.engine.composer.skills(None)  # ('good at communication but not handy
        # with machines': each named, among all of them)
    if d.nodes and d.nodes[0].type == "skill" and p.has(*pol.sets["skills_asked"]):
        return pol.engine.composer.skills(None)  # ('likes science, what skills does
        # radiology need?': all of them, the one named among them)
    return pol.engine.composer.skills(d.nodes[0] if d.nodes else None)


def answer_pay(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'How much do radiologists make?'; 'comp for techs vs rads?': each career named, its
    own pay line once (the lines the document gives them), the figures note once."""
    composer = pol.engine.composer
    first = composer.pay(d.nodes[0] if d.nodes else None)
    kinds = CAREER_TYPES | {"category"}
    others = [n for n in d.nodes[1:int(pol.w["pay_nodes"])] if n.type in kinds]
    if not others:
        return first
    note = composer.r["no_salary_figures"]
    lines = [first.text.replace(note, "").strip()]
    for node in others:
        line = composer.pay(node).text.replace(note, "").strip()
        if line and line not in lines:
            lines.append(line)
    return Answer(" ".join([*lines, note]), tuple(dict.fromkeys(
        (*first.entities, *(n.id for n in others)))))


def answer_outlook(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Is radiology a good career?', 'are sonographers in demand?'."""
    return pol.engine.composer.outlook(d.nodes[0] if d.nodes else None)


def answer_compare(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Radiologist vs radiologic technologist?', 'which takes longer, X or Y?': a table over
    two or three nodes, on the aspect asked when one is; a modality stands for its one user
    when careers are compared."""
    c, g = pol.engine.composer, pol.g
    if not d.nodes:
        return None
    named = [g.node(m.node_ids[0]) for m in p.mentions if m.kind == "keyword"
             and len(m.node_ids) == 1 and g.node(m.node_ids[0]).type in CAREER_TYPES]
    nodes = list(dict.fromkeys([*d.nodes, *named]))
    if any(n.type in CAREER_TYPES for n in nodes):
        for i, n in enumerate(nodes):
            if n.type in {"modality", "concept"}:
                from .resolve import related_careers

                users = [u for u in related_careers(pol, [n], "role") if u not in nodes]
                if len(users) == 1:
                    nodes[i] = users[0]
    if len(nodes) < 2 and ctx.topic:
        t = g.node(ctx.topic[0])
        if t not in nodes:
            nodes.insert(0, t)
            d.context_used.append(f"compared with the topic '{t.id}'")
    if len(nodes) < 2:
        return c.describe(d.nodes[0])
    aspect = next((a for a, floor in pol.aspects.items() if p.score(a) >= floor), None)
    return c.compare(nodes[:3], aspect)


def _between(pol: Policy, p: Parse, d: Decision) -> Answer | None:
    """'Is there a year in between medical school and residency?': the step between two."""
    g = pol.g
    if "between" not in p.tokens:
        return None
    steps = _named(pol, p, {"training"})
    if len(steps) < 2:
        return None
    middle = next((n for n in g.of_type("training")
                   if steps[0] in g.neighbours(n.id, "requires")
                   and steps[-1] in g.neighbours(n.id, "followed_by")), None)
    if middle is None:
        return None
    d.notes.append(f"'{middle.id}' comes between '{steps[0].id}' and '{steps[-1].id}'")
    return pol.engine.composer.describe(middle)


def answer_describe(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Tell me about sonographers', 'what is a preliminary year?'."""
    if not d.nodes:
        return None
    node = d.nodes[0]
    composer = pol.engine.composer
    if composer.kinds(node) and any(  # 'what are the radiology fellowships?': its kinds
            node.id in m.node_ids and m.text.endswith("s") and not node.name.lower().endswith("s")
            for m in p.alias_mentions):
        return composer.subspecialties(node)
    return _between(pol, p, d) or composer.describe(node)


def answer_duties(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'What does a QA specialist do all day?'."""
    return pol.engine.composer.duties(d.nodes[0]) if d.nodes else None


def _fellowship_of_length(pol: Policy, p: Parse, node: Node) -> Answer | None:
    """'Which fellowship is two years long?': the subspecialty whose stated length matches;
    likewise 'which one is 2 years?' while the fellowships are what is being discussed."""
    kinds = pol.engine.composer.kinds(node)
    if p.requested != "subspecialty" and not (kinds and p.words & pol.sets["pick_questions"]):
        return None
    numbers = pol.engine.lexicon.numbers
    years = pol.sets["year_words"]  # (the number of a length: not 'which *one* is 2 years?')
    wanted = [y for t, after in zip(p.tokens, (*p.tokens[1:], ""), strict=True)
              if after in years and (y := numbers.get(t, int(t) if t.isdigit() else 0))]
    if not wanted or (node.type == "subspecialty" and node.duration is not None):
        return None
    match = [n for n in pol.g.of_type("subspecialty") if n.duration is not None
             and n.duration.low <= wanted[0] <= n.duration.high]
    return pol.engine.composer.describe(match[0]) if match else None


def _after(pol: Policy, p: Parse, d: Decision, ctx: Context,
           node: Node) -> tuple[Node | None, Node]:
    """'After med school, how many more years to become a radiologist?': the step counted
    from, and the goal."""
    g = pol.g
    if "after" not in p.tokens:
        return None, node
    at = p.tokens.index("after")
    named = [g.node(m.node_ids[0]) for m in p.alias_mentions]
    if p.tokens[at + 1:at + 2] and p.tokens[at + 1] in pol.engine.lexicon.pronouns and any(
            at - 3 <= m.start and m.end <= at and g.node(m.node_ids[0]).type == "training"
            for m in p.alias_mentions):
        return None, node  # ('and the residency after that?': the residency, next)
    after = next((t for t in named if t.type == "training" and t != node), None)
    career = next((n for n in d.nodes if n.type in CAREER_TYPES), None)
    if node.type != "training":
        return after, node
    if career is not None:
        return (node, career) if after is None else (after, career)
    if after is None and ctx.topic:
        target = g.node(ctx.topic[0])
        if target != node and node in g.pathway(target.id).steps:
            d.context_used.append(f"the step after '{node.id}' toward '{target.id}'")
            return node, target
    return after, node


def answer_duration(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'How long is residency?', 'how long to become an IR doctor?', 'from med school to the
    end of residency?', 'which fellowship is two years?'."""
    if not d.nodes:
        return None
    c = pol.engine.composer
    node = d.nodes[0]
    found = _between(pol, p, d) or _fellowship_of_length(pol, p, node)
    if found is not None:
        return found
    steps = _named(pol, p, {"training"})
    spanning = p.words & pol.sets["span_words"] or p.has("from", "in all")
    if len(steps) >= 2 and spanning and "before" not in p.words:  # "X before Y": X's length
        path = pol.g.pathway(steps[-1].id).steps
        if steps[0] in path or steps[-1] in pol.g.pathway(steps[0].id).steps:
            return c.span(steps[0], steps[-1])
        return c.sum_of(sorted(dict.fromkeys(_named(pol, p, {"training", "subspecialty"})),
                               key=lambda n: (n.type != "training", pol.g.order(n.id))))
        # ('how many years in total for med school and residency?': steps the document lists
        # in no order, their stated lengths summed)
    # "how long is med school and the residency?", "IR fellowship length and DR residency
    # length": each one's length
    timed = list(dict.fromkeys(_named(pol, p, {"training", "subspecialty"})))
    if len(timed) >= 2 and "and" in p.words and "before" not in p.words:
        parts = [c.duration(step, fellowship_only=True) for step in timed[:3]]
        return Answer(" ".join(a.text for a in parts),
                      tuple(i for a in parts for i in a.entities))
    after, node = _after(pol, p, d, ctx, node)
    becoming = bool(p.words & pol.sets["goal_verbs"])
    asked = _named(pol, pol.story_question(p.text) or p, {"training"})
    if len(asked) == 1 and node.type == "role" and not (becoming or after or spanning) \
            and asked[0] in pol.g.pathway(node.id).steps:
        node = asked[0]  # ('how long is medical school for a radiologist?': the step asked)
    # ('how long is that one?' of a fellowship talked about: the fellowship, not the road to it)
    last = pol.g.get(ctx.topic[0]) if ctx.topic else None
    carried = node.type == "subspecialty" and (not any(
        node.id in m.node_ids for m in p.mentions) or (  # ('how long is the IR fellowship?'
            ctx.last_intent == "duration"  # then 'and neuro?': the fellowship's length again)
            and last is not None and last.type == "subspecialty"))
    only = (bool(p.words & pol.sets["step_only_words"]) or carried) and not becoming
    return c.duration(node, after, fellowship_only=only)


def answer_education(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'How do I become a sonographer?', 'what comes before residency?', 'can a tech become a
    radiologist?' (a route from X needs X said in this very text)."""
    if not d.nodes:
        return None
    c, g = pol.engine.composer, pol.g
    if "before" in p.tokens and p.words & pol.sets["before_verbs"]:
        at = p.tokens.index("before")
        step = next((g.node(m.node_ids[0]) for m in p.alias_mentions
                     if m.start > at and g.node(m.node_ids[0]).type == "training"), None)
        if step is not None and d.nodes[0] == step:  # "what do I need before residency?"
            return c.before(step)
    said = {i for m in p.mentions for i in m.node_ids}
    others = [n for n in d.nodes[1:] if n.type in CAREER_TYPES and n.id in said]
    current = others[0] if others and p.words & pol.sets["goal_verbs"] else None
    return c.education(d.nodes[0], current)


def answer_certification(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Which exam do rad techs take?', 'do sonographers and rad techs certify the same way?';
    'which careers need certification?': each credential the document names, with its
    careers' lines."""
    c = pol.engine.composer
    if not d.nodes:
        return _every_credential(pol)
    careers = [n for n in dict.fromkeys(d.nodes) if n.type in CAREER_TYPES]
    if not careers and d.nodes[0].type == "training":
        # "residency ... and what exams at the end?": the certification of the careers the
        # step is part of (the one with the fewest steps: the step's own career)
        needing = sorted(c.needed_by(d.nodes[0]), key=lambda i: (
            len(pol.g.pathway(i).steps), pol.g.order(i)))
        if needing and c.credentials(pol.g.node(needing[0])):
            return c.certification(pol.g.node(needing[0]))
    if len(careers) >= 2:
        parts = [c.certification(n) for n in careers[:3]]
        return Answer("\n".join(a.text for a in parts),
                      tuple(i for a in parts for i in a.entities))
    return c.certification(d.nodes[0])


def _every_credential(pol: Policy) -> Answer | None:
    """The careers the document names a credential for (not those that only inherit one
    from the career they specialise), each with its certification line."""
    c = pol.engine.composer
    holders = [n for n in pol.g.of_type("role") if pol.g.neighbours(n.id, "certified_by")]
    if not holders:
        return None
    parts = [c.certification(n) for n in holders]
    return Answer("\n".join(f"• {a.text}" for a in parts),
                  tuple(i for a in parts for i in a.entities))


def answer_modalities(pol: Policy, p: Parse, d: Decision, ctx: Context) -> Answer | None:
    """'Which modalities does a rad tech use?'; 'which technologists perform SPECT?' describes
    the modality (and who works with it)."""
    if not d.nodes:
        return None
    c = pol.engine.composer
    modality = next(iter(_named(pol, p, {"modality"})), None)
    if modality is not None and d.nodes[0].type not in CAREER_TYPES:
        return c.describe(modality)
    return c.modalities(d.nodes[0])


HANDLERS: dict[str, Handler] = {
    "list_careers": answer_list,
    "subspecialties": answer_subspecialties,
    "skills": answer_skills,
    "pay": answer_pay,
    "outlook": answer_outlook,
    "compare": answer_compare,
    "describe": answer_describe,
    "duties": answer_duties,
    "duration": answer_duration,
    "education": answer_education,
    "certification": answer_certification,
    "modalities": answer_modalities,
}


def missing_handlers(intents: list[str]) -> list[str]:
    """Declared intents that nothing answers: `check` reports them."""
    return [i for i in intents if i not in HANDLERS and i not in HANDLED_ELSEWHERE]


def registry_problems(path: Path, intents: list[str]) -> list[Problem]:
    """An intent declared in intents.yaml without a handler, as file:line:col problems (the
    line of its declaration)."""
    missing = missing_handlers(intents)
    if not missing:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for name in missing:
        line = next((i for i, text in enumerate(lines, 1) if text.strip() == f"{name}:"), 1)
        out.append(Problem(str(path), line, 3, f"intent {name!r} has no handler in "
                           "advisor/answers.py (HANDLERS)"))
    return out
