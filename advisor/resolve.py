"""Which nodes a turn is about: named ones, then relations, the asked-for type and context.

Resolution is a list of small named steps (`STEPS`) over one working record; each step's
docstring carries its example, and none names a career: they read types, relations and the
conversation's topic.
"""

from __future__ import annotations

from collections.abc import Callable

from knowledge import CAREER_TYPES, Node
from knowledge.record import field, record, replace

from .nlu import Mention, Parse
from .rules import Decision, Facts, Policy

#: Intents that ask about an aspect of a career ('which exam?', 'the pay?').
CAREER_ASPECTS = frozenset({"subspecialties", "certification", "pay", "outlook", "duties",
                            "modalities", "skills"})


@record(frozen=False)
class Resolution:
    """The working state of one resolution: what was named, and the nodes chosen so far."""

    d: Decision
    f: Facts
    types: frozenset[str]
    needs_entity: bool
    positive: list[Mention]
    nodes: list[Node]
    keyword_nodes: list[Node]
    fitting: list[Node] = field(default_factory=list)


Step = Callable[[Policy, Resolution], None]


def _keyword_nodes(pol: Policy, f: Facts) -> list[Node]:
    """Keyword targets, most often named first; a target shared by n nodes counts 1/n."""
    counts: dict[str, float] = {}
    for m in [k for k in f.keyword if not k.negated] or list(f.keyword):
        for node_id in m.node_ids:
            counts[node_id] = counts.get(node_id, 0.0) + 1.0 / len(m.node_ids)
    return [pol.g.node(i) for i in sorted(counts, key=lambda i: (-counts[i], pol.g.order(i)))]


def start(pol: Policy, d: Decision, f: Facts) -> Resolution:
    """A resolution of `d`'s nodes: named nodes (not negated ones, unless all are)."""
    spec = pol.engine.intents[d.intent]
    wanted_keywords = any(not k.negated for k in f.keyword)
    # (only what is ruled out was named, but a keyword says what is wanted: 'no med school,
    # I just want an associate degree' is about the degree)
    positive = [m for m in f.explicit if not m.negated] or (
        [] if wanted_keywords else list(f.explicit))
    return Resolution(d, f, spec.entity_types, spec.needs_entity, positive,
                      [pol.g.node(m.node_ids[0]) for m in positive], _keyword_nodes(pol, f))


def related_careers(pol: Policy, nodes: list[Node], requested: str | None) -> list[Node]:
    """Careers reached from non-career nodes by the relations that say who works with them
    (a modality -> the careers that use it)."""
    g = pol.g
    out: list[Node] = []
    for n in nodes:
        if n.type in CAREER_TYPES and (requested is None or n.type == requested):
            continue
        for r in (*g.neighbours(n.id, "uses_modality", incoming=True),
                  *g.neighbours(n.id, "works_with", incoming=True)):
            if r.type in CAREER_TYPES and (requested is None or r.type == requested) \
                    and r not in out:
                out.append(r)
    return out


# -- steps ------------------------------------------------------------------------------------
def step_keyword_specialises(pol: Policy, r: Resolution) -> None:
    """'A radiologist who only looks at kids' scans': a keyword naming a specialisation of
    what was named is more specific, so it replaces it."""
    g = pol.g
    requested = r.f.p.requested
    for k in r.keyword_nodes:
        lineage = [k, *g.closure(k.id, "specializes")]
        parents = {n.id for n in lineage[1:]} | {
            c.id for x in lineage for c in g.neighbours(x.id, "in_category")}
        for i, n in enumerate(r.nodes):
            if n.id in parents and (requested in (None, k.type) or k.type in CAREER_TYPES):
                r.nodes[i] = k
                r.d.notes.append(f"'{k.id}' is a specialisation of '{n.id}' named by keyword")
    r.nodes = list(dict.fromkeys(r.nodes))


def step_specific_first(pol: Policy, r: Resolution) -> None:
    """'Radiologists who work on AI' is the AI specialist: named together, the specific beats
    the general it specialises (or whose paths its category is)."""
    g = pol.g
    for n in list(r.nodes):
        general = {x.id for x in g.closure(n.id, "specializes")} | {
            x.id for x in g.neighbours(n.id, "kind_of")} | {
            x.id for c in g.neighbours(n.id, "in_category") for x in g.neighbours(c.id,
                                                                                 "paths_for")}
        if general and any(x.id in general for x in r.nodes):
            r.nodes = [n, *[x for x in r.nodes if x.id not in general and x != n]]


def step_definite_generic(pol: Policy, r: Resolution) -> None:
    """'How long is the fellowship?' after IR: a generic node with 'the' stands for the topic
    when the topic is a kind of it."""
    g, p = pol.g, r.f.p
    starts = {m.node_ids[0]: m.start for m in r.positive}
    for i, n in enumerate(r.nodes):
        at = starts.get(n.id, 0)
        if at == 0 or p.tokens[at - 1] not in pol.sets["definite_words"]:
            continue
        if any(n in g.neighbours(k.id, "kind_of") for k in r.keyword_nodes):
            continue  # "the fellowship for bones and joints" names its own kind
        for t in r.f.topic:
            if n in g.neighbours(t.id, "kind_of"):
                r.nodes[i] = t
                r.d.context_used.append(f"'{n.id}' read as the current topic '{t.id}'")


def step_fitting(pol: Policy, r: Resolution) -> None:
    """Named nodes of a type the intent takes."""
    r.fitting = [n for n in r.nodes if n.type in r.types]


def step_described(pol: Policy, r: Resolution) -> None:
    """'Who actually runs the PET scanner, is it just a regular rad tech?', 'who checks that
    the x-ray machines follow the rules?': a question asking for a kind of career by what it
    does is looked up in the index of every node's facts (names said in the question are
    alternatives, not the description)."""
    p = r.f.p
    if not pol.asks_who(p) or r.d.intent not in pol.sets["lookup_intents"] or (
            p.points_back and not r.f.explicit and not _described_first(pol, p)):
        return  # ("who do they work with?" asks of the career being discussed)
    hit = pol.clearly_described(p, pol.asked_types(p), mask_names=True)
    if hit is not None and hit.node.type in r.types:
        r.fitting = [hit.node, *[n for n in r.fitting if n != hit.node]]
        r.d.notes.append(f"described by {', '.join(hit.words)}")
        r.d.described = hit.words


def _described_first(pol: Policy, p: Parse) -> bool:
    """'Who captures the images they read?': the doing asked about comes before the pronoun,
    which only says whose images; not 'who do they work with?'."""
    lex = pol.engine.lexicon
    at = next((i for i, t in enumerate(p.tokens) if t in pol.sets["person_pronouns"]), None)
    return at is not None and any(t not in lex.stopwords and t not in lex.question_words
                                  and t not in pol.sets["continuers"] for t in p.tokens[:at])


def step_who(pol: Policy, r: Resolution) -> None:
    """'Who operates the scanners?': a who-question asks for careers, found through keywords
    and relations before anything else named."""
    p = r.f.p
    if p.tokens[:1] != ("who",) or p.requested:
        return
    by_relation = [k for k in r.keyword_nodes if k.type in CAREER_TYPES] + [
        n for n in related_careers(pol, r.nodes, "role") if n not in r.keyword_nodes]
    if by_relation:
        r.fitting = by_relation + [n for n in r.fitting if n not in by_relation]


def step_requested_type(pol: Policy, r: Resolution) -> None:
    """'Which fellowship covers the brain?': nodes of the asked-for type come first, found by
    name, keyword or relation."""
    requested = r.f.p.requested
    if not requested or any(n.type in CAREER_TYPES for n in r.fitting):
        return
    wanted = [n for n in r.fitting if n.type == requested]
    if not wanted:
        wanted = [n for n in r.keyword_nodes if n.type == requested and n.type in r.types]
    if not wanted:
        wanted = [n for n in related_careers(pol, r.nodes + r.keyword_nodes, requested)
                  if n.type in r.types]
        if wanted:
            r.d.notes.append(f"asked for a {requested}: resolved through relations")
    r.fitting = wanted + [n for n in r.fitting if n not in wanted]


def _career_topic(r: Resolution) -> Node | None:
    topic = r.f.topic[0] if r.f.topic else None
    if topic is not None and topic.type in CAREER_TYPES and topic.type in r.types:
        return topic
    return None


def step_aspect_of_job(pol: Policy, r: Resolution) -> None:
    """'Is there any safety aspect to the job?': the job is the topic; 'safety' is the aspect
    asked about, not another career."""
    topic = _career_topic(r)
    if not r.fitting and r.keyword_nodes and r.f.p.points_back \
            and topic is not None:
        r.fitting = [topic]
        r.d.context_used.append(f"'{topic.id}' is what the pronoun points at")


def step_keywords(pol: Policy, r: Resolution) -> None:
    """'Which job handles radioactive materials?': nothing named by name, so by keyword."""
    if not r.fitting and r.keyword_nodes:
        r.fitting = [n for n in r.keyword_nodes if n.type in r.types]
        hit = pol.clearly_described(r.f.p, r.types & CAREER_TYPES)
        if hit is not None and r.fitting and hit.node != r.fitting[0]:
            # a keyword points, the facts decide: "what standards does imaging equipment
            # have to meet?" names a keyword of sales, but QA's duties say it
            r.fitting = [hit.node, *[n for n in r.fitting if n != hit.node]]
            r.d.notes.append(f"described by {', '.join(hit.words)} (over the keyword)")


def step_relations(pol: Policy, r: Resolution) -> None:
    """'Tell me about jobs with MRI': still nothing, so careers related to what was named;
    the career of the conversation first when it is one of them ('I'm a rad tech' then 'could
    I move into MRI?': the technologist's specialisation, not the breast imaging fellowship)."""
    if not r.fitting:
        r.fitting = [n for n in related_careers(pol, r.nodes, None) if n.type in r.types]
        topic = r.f.topic[0] if r.f.topic else None
        own = [n for n in r.fitting if topic is not None and (
            n == topic or n in pol.g.neighbours(topic.id) or topic in pol.g.neighbours(n.id))]
        if own and own[0] != r.fitting[0]:
            r.fitting = [own[0], *[n for n in r.fitting if n != own[0]]]
            r.d.context_used.append(f"'{own[0].id}' is the career of the conversation")


def step_pronoun_topic(pol: Policy, r: Resolution) -> None:
    """'Do they need a certification like ARRT?': the pronoun points at the career being
    discussed, named things are aspects of it; likewise 'is it just mammograms?' about breast
    imaging, when the topic points at what was named."""
    g, p = pol.g, r.f.p
    topic = _career_topic(r)
    if not p.pronoun or topic is None or topic in r.fitting or r.d.described:
        return  # (nor where a who-question found whom it describes)
    if r.d.intent == "duration" and "or" not in p.words and any(
            n.type == "training" for n in r.nodes):
        return  # "how long is med school for that?": the step named is what is timed
    aspect_question = r.d.intent in CAREER_ASPECTS | {"education"}
    only_aspects = bool(r.nodes) and not any(n.type in CAREER_TYPES for n in r.nodes)
    linked = any(n in g.neighbours(topic.id) for n in r.nodes)
    # ('tell me about rad techs' then 'do they handle radioactive materials?': the words of
    # another career's line describe what is asked of them, not who they are)
    by_keyword = bool(r.fitting) and not r.positive and r.d.intent in {"duties", "describe"} \
        and bool(p.words & pol.sets["person_pronouns"])  # (not 'the one for the chest')
    if (aspect_question and only_aspects) or linked or by_keyword:
        r.fitting = [topic, *r.fitting]
        r.d.context_used.append(f"'{topic.id}' is what the pronoun points at")


def step_step_to_career(pol: Policy, r: Resolution) -> None:
    """'Ultrasound school' then 'which areas could I specialize in?': a training step that
    leads to one career stands for it in a question about a career's aspect."""
    if r.d.intent not in CAREER_ASPECTS:
        return
    for i, n in enumerate(r.fitting):
        if r.d.intent == "subspecialties" and n.get("options"):
            continue  # "which specialties can the intern year be in?": the step's own options
        lead = pol.leads_to(n)
        if lead is not None:
            r.fitting[i] = lead
            r.d.notes.append(f"'{n.id}' read as the career it leads to, '{lead.id}'")


def step_modality_to_user(pol: Policy, r: Resolution) -> None:
    """'How do I run the CT scanner?' then 'what degree?': the education or credential of a
    modality is that of the one career the document gives it to."""
    if r.d.intent not in {"education", "certification"}:
        return
    for i, n in enumerate(r.fitting):
        if n.type != "modality":
            continue
        users = related_careers(pol, [n], "role")
        if len(users) == 1:
            r.fitting[i] = users[0]
            r.d.notes.append(f"'{n.id}' read as the one career it is given to, '{users[0].id}'")


def step_careers_first(pol: Policy, r: Resolution) -> None:
    """'Is there demand for sonographers?' is about the sonographer, not the 'demand' topic.
    (What a who-question describes stays first: 'who operates the imaging equipment, the
    radiologist or the technician?' is the technicians, a category.)"""
    if r.d.described and r.fitting:
        head, rest = r.fitting[:1], r.fitting[1:]
        r.fitting = head + sorted(rest, key=lambda n: 0 if n.type in CAREER_TYPES else 1)
        return
    r.fitting.sort(key=lambda n: 0 if n.type in CAREER_TYPES else 1)
    # ('rad tech continuing ed': the step of that career is what is described, the career
    # says whose)
    g = pol.g
    if r.d.intent == "describe" and len(r.fitting) >= 2 and r.fitting[0].type in CAREER_TYPES:
        step = next((n for n in r.fitting[1:] if n.type in pol.sets["step_types"]
                     and not pol.engine.composer.kinds(n)  # (not 'fellowship')
                     and (n in g.neighbours(r.fitting[0].id)
                          or r.fitting[0] in g.neighbours(n.id))), None)
        if step is not None and (len(r.f.p.tokens) <= pol.w["terse_words"] or _wh_headed(
                pol, r, step)):  # ('what kind of internship year do radiologists do?': the
            r.fitting = [step, *(n for n in r.fitting if n != step)]  # wh-word asks of it)


def _wh_headed(pol: Policy, r: Resolution, node: Node) -> bool:
    """`node` is the first thing named after a which/what word, just after it: the thing
    that word asks about ('what kind of *internship* do radiologists do?')."""
    tokens, span = r.f.p.tokens, int(pol.w["pick_head_window"])
    starts = sorted((m.start, m.node_ids[0]) for m in r.positive)
    return any(next((i for at, i in starts if at > wh), None) == node.id and any(
        wh < at <= wh + span for at, i in starts if i == node.id)
        for wh, t in enumerate(tokens) if t in pol.sets["pick_questions"])


def step_topic_for_aspects(pol: Policy, r: Resolution) -> None:
    """'Are they in demand?': a pointing question about topic words is about the career being
    discussed."""
    f = r.f
    kinds = {"topic", "concept", "skill"} | ({"category"} if f.p.pronoun else set())
    # ('is that listed as a technical or an industry career?': where *that* career is
    # listed; but 'what about industry careers?' asks for them)
    if f.topic and (f.p.pronoun or f.short_followup) and not r.d.described and all(
            n.type in kinds for n in r.fitting):
        careers = [t for t in f.topic if t.type in CAREER_TYPES and t.type in r.types]
        if careers:
            r.fitting = careers + r.fitting
            r.d.context_used.append("topic of the conversation: "
                                    + ", ".join(t.id for t in careers))


def step_topic_compound(pol: Policy, r: Resolution) -> None:
    """'Breast imaging' then 'and the fellowship?': the topic's name plus a word of the turn
    names another node ('breast imaging fellowship')."""
    f, g = r.f, pol.g
    lex = pol.engine.lexicon
    if not (f.topic and (f.p.pronoun or f.short_followup)
            and all(n.type in {"category", "topic", "concept"} for n in r.nodes)):
        return
    t = f.topic[0]
    for word in f.p.tokens:
        if word in lex.stopwords or word in lex.pronouns:
            continue
        found = g.lookup(f"{t.name} {word}")
        if found is not None and found != t and found.type in r.types:
            r.fitting.insert(0, found)
            r.d.context_used.append(f"'{t.name}' + '{word}' names '{found.id}'")
            return


def step_topic_subject(pol: Policy, r: Resolution) -> None:
    """'Which exam?' after a question on a career: the topic (or the career its training step
    leads to) is the subject of a short aspect question."""
    f = r.f
    if r.fitting or not f.topic or r.d.intent not in CAREER_ASPECTS \
            or len(f.p.tokens) > pol.w["topic_words"] or pol.asks_generally(f.p):
        return
    subject = f.topic[0]
    lead = pol.leads_to(subject) if subject.type == "training" else None
    subject = lead or subject
    if subject.type in CAREER_TYPES:
        r.fitting = [subject]
        r.d.context_used.append(f"topic of the conversation: {subject.id}")


def step_topic_fallback(pol: Policy, r: Resolution) -> None:
    """'How long does it take?': nothing named, so the topic; but 'is radiology a good
    career?' names the field itself, whatever was discussed before."""
    f = r.f
    if pol.asks_generally(f.p):
        return
    if not r.fitting and f.topic and (r.needs_entity or f.p.pronoun or f.short_followup):
        r.fitting = [t for t in f.topic if t.type in r.types] or list(f.topic)
        r.d.context_used.append("topic of the conversation: " + ", ".join(t.id for t in f.topic))


def step_doctor(pol: Policy, r: Resolution) -> None:
    """'Who's the doctor that does procedures?': the graph says which category 'doctor'
    names, so a keyword node in it comes first."""
    g, composer = pol.g, pol.engine.composer
    cats: set[str] = set()
    for word in r.f.p.words & pol.sets["doctor_words"]:
        named = g.lookup(word)
        if named is not None:
            cats.update(c.id for c in ([named] if named.type == "category"
                                       else composer.categories(named)))
    if not cats:
        return

    def physician(n: Node) -> bool:
        return any(c.id in cats for c in composer.categories(n))

    doctors = [k for k in r.keyword_nodes if physician(k) and k.type in r.types
               and k.type in CAREER_TYPES]
    if doctors and r.fitting and not physician(r.fitting[0]):
        r.fitting = [*doctors[:1], *r.fitting]


def step_before_subject(pol: Policy, r: Resolution) -> None:
    """'How many years of medical school ... before residency?', 'do I have to do an intern
    year before residency?': of two steps around 'before', the one named first is asked
    about; the other only places it."""
    p = r.f.p
    if "before" not in p.tokens:
        return
    at = p.tokens.index("before")
    first = [pol.g.node(m.node_ids[0]) for m in r.positive if m.end <= at
             and pol.g.node(m.node_ids[0]).type in {"training", "credential"}]
    later = [pol.g.node(m.node_ids[0]) for m in r.positive if m.start > at]
    if first and later and first[0] in r.fitting:
        r.fitting.remove(first[0])
        r.fitting.insert(0, first[0])


def step_goal(pol: Policy, r: Resolution) -> None:
    """'Can a technician become a radiologist?': the node after 'become' is the goal."""
    p = r.f.p
    verbs = [i for i, t in enumerate(p.tokens) if t in pol.sets["goal_verbs"]]
    if not verbs:
        return
    after = [pol.g.node(m.node_ids[0]) for m in r.positive if m.start > verbs[-1]]
    if after and after[0] in r.fitting:
        r.fitting.remove(after[0])
        r.fitting.insert(0, after[0])


def step_main_clause(pol: Policy, r: Resolution) -> None:
    """'If I finish residency, do I have to do a fellowship or is that optional?', 'suppose I
    go the tech route, is the pay decent?': a condition opening a question places it; what
    the question after it names is what is asked about."""
    cut = pol.condition_end(r.f.p)
    if cut is None:
        return
    picks = r.f.p.tokens[cut] in pol.sets["pick_questions"]  # ('suppose I love X, which
    main = [pol.g.node(m.node_ids[0]) for m in r.positive if m.start >= cut]  # fellowship':
    main = [n for n in main if n in r.fitting and not (  # the kind asked for is no subject)
        picks and pol.g.neighbours(n.id, "kind_of", incoming=True))]
    if main and r.fitting[0] not in main:
        r.fitting.remove(main[0])
        r.fitting.insert(0, main[0])


STEPS: tuple[Step, ...] = (step_keyword_specialises, step_specific_first, step_definite_generic,
                           step_fitting, step_who, step_requested_type, step_described,
                           step_aspect_of_job,
                           step_keywords, step_relations, step_pronoun_topic,
                           step_step_to_career, step_careers_first, step_topic_for_aspects,
                           step_topic_compound, step_topic_subject, step_topic_fallback,
                           step_doctor, step_before_subject, step_goal, step_main_clause,
                           step_modality_to_user)


def resolve(pol: Policy, d: Decision, f: Facts) -> list[Node]:
    """The nodes `d` is about, best first."""
    if f.list_refs:
        d.context_used.append("items of the previous list: " + ", ".join(f.list_refs))
        return [pol.g.node(i) for i in f.list_refs]
    if pol.names_field(f.p):  # "whats the job outlook for radiology in general": no topic
        f = replace(f, topic=(), short_followup=False)
    r = start(pol, d, f)
    for step in STEPS:
        step(pol, r)
    return r.fitting
