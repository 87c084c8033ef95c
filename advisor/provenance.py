"""Where each answer comes from, and what an answer must add to stay faithful to the source.

Runs once per turn on the finished reply, whatever composed it:

* `sources`: every fact of the graph the reply's text states, with the section path and the
  quoted source line (a computed total shows the lengths it adds, so their facts are cited);
* a reply reached through a `related:` term ('women's imaging') first says that the document
  does not mention the term, and which node is the closest it has;
* a term the source states of two careers ('cardiac': thoracic radiology and sonographers)
  names the other career too;
* a question pairing a career with a credential the document names for another career ('does
  a nuclear medicine technologist need ARRT?') is told whose credential it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from knowledge import CAREER_TYPES, Graph, Node
from knowledge.model import Source
from knowledge.record import replace
from knowledge.source import normal

from .compose import Composer
from .reply import Reply

#: Replies that state facts of the graph; greetings, declines and interview prompts do not.
_ANSWER_KINDS = frozenset({"answer", "recommendation", "detail", "compare"})
_MAX_NOTES = 2


def _has(text: str, phrase: str) -> bool:
    """`phrase` (normalised) occurs in padded normalised `text` as whole words, plural or not."""
    return bool(phrase) and (f" {phrase} " in text or f" {phrase}s " in text)


class Provenance:
    """Sources and faithfulness notes for replies over one graph. Stateless after start-up."""

    def __init__(self, graph: Graph, composer: Composer, responses: Mapping[str, str]) -> None:
        self.g = graph
        self.c = composer
        self.r = responses
        self._facts: dict[str, list[tuple[str, str, tuple[Source, ...]]]] = {}
        self._stated: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._related: dict[str, tuple[tuple[str, str], ...]] = {}
        self._general = tuple(n.id for n in graph if n.type in {"topic", "category"})
        for node in graph:
            related = {normal(r) for r in node.related}
            self._related[node.id] = tuple((normal(r), r) for r in node.related if normal(r))
            names = [node.id.replace("_", " "), node.name, *node.aliases]
            self._names[node.id] = tuple(dict.fromkeys(
                t for t in (normal(x) for x in names) if t and t not in related))
            self._stated[node.id] = tuple(dict.fromkeys((*self._names[node.id], *(
                t for t in (normal(x) for x in node.keywords) if t and t not in related))))
            facts: list[tuple[str, str, tuple[Source, ...]]] = []
            for fact in node.facts:
                if fact.field == "duration" and node.duration is not None:
                    forms = (normal(str(node.duration)), normal(node.duration.short()))
                    facts.extend((fact.field, f, fact.sources) for f in forms)
                elif ":" in fact.field:  # a relation: 'requires:abr'
                    facts.append((fact.field, fact.text, fact.sources))
                else:
                    facts.append((fact.field, normal(fact.text), fact.sources))
            self._facts[node.id] = facts

    # -- sources --------------------------------------------------------------------------
    def candidates(self, ids: Iterable[str]) -> list[str]:
        """The nodes an answer about `ids` may quote: them, their neighbours and pathway
        steps, and the field-wide topics (pay, outlook)."""
        out: dict[str, None] = {}
        for node_id in ids:
            if node_id not in self.g:
                continue
            out[node_id] = None
            for other in (*self.g.neighbours(node_id), *self.g.neighbours(node_id, incoming=True),
                          *self.g.pathway(node_id).steps, *self.c.credentials(self.g.node(node_id)),
                          *self.c.categories(self.g.node(node_id))):
                out[other.id] = None
        out.update(dict.fromkeys(self._general))
        return list(out)

    def sources(self, text: str, ids: Iterable[str]) -> tuple[Source, ...]:
        """The sources of every fact of the candidate nodes that `text` states, in the order
        the text states them."""
        said = f" {normal(text)} "
        found: list[tuple[int, Source]] = []
        ids = list(ids)
        for node_id in self.candidates(ids):
            node = self.g.node(node_id)
            named = any(_has(said, normal(n)) for n in (node.name, node.label))
            for field_name, fact, sources in self._facts.get(node_id, ()):
                if field_name == "specialties":  # the duty that lists them is cited instead
                    continue
                if ":" in field_name:
                    target = self.g.get(fact)
                    if target is None or node_id not in ids[:1] or not any(
                            _has(said, normal(n)) for n in (target.name, target.label)):
                        continue
                    at = said.find(f" {normal(target.label)} ")
                elif field_name == "duration" or len(fact.split()) < 3:
                    if not (named and _has(said, fact)):
                        continue
                    at = said.find(f" {fact}")
                else:
                    at = said.find(f" {fact} ")
                    if at < 0:
                        continue
                found.extend((at, s) for s in sources)
        found.sort(key=lambda pair: pair[0])
        # One source per line, its quotes joined ('Enter a ... program … 4-5 years').
        best: dict[tuple[str, int], Source] = {}
        for _at, source in found:
            held = best.get((source.section, source.line))
            if held is None or normal(held.quote) in normal(source.quote):
                best[(source.section, source.line)] = source
            elif normal(source.quote) not in normal(held.quote):
                best[(source.section, source.line)] = replace(
                    held, quote=f"{held.quote} … {source.quote}")
        return tuple(dict.fromkeys(best[(s.section, s.line)] for _at, s in found))

    # -- notes ----------------------------------------------------------------------------
    def related_notice(self, question: str, ids: tuple[str, ...]) -> str:
        """'The document does not mention X; the closest it has is Y.' when the question
        reached Y through a related term; '... does not mention X for Y' when it also named Y."""
        for node_id in ids[:1]:
            if node_id not in self.g:
                continue
            for term, shown in self._related[node_id]:
                if not _has(self._masked(question, term, (node_id,)), term):
                    continue
                node = self.g.node(node_id)
                named = any(_has(question, s) for s in self._stated[node_id])
                key = "related_notice_named" if named else "related_notice"
                return self.r[key].format(term=shown, name=node.name)
        return ""

    def _masked(self, question: str, term: str, ids: Iterable[str]) -> str:
        """The question without the names of `ids` that contain `term` ('nuclear medicine
        technologist' hides 'nuclear medicine')."""
        for node_id in ids:
            for name in self._names.get(node_id, ()):
                if name != term and f" {term} " in f" {name} " and _has(question, name):
                    question = question.replace(f" {name} ", " # ")
        return question

    def overlaps(self, question: str, reply: Reply) -> list[tuple[Node, str]]:
        """Other careers the source states a term of the question for ('cardiac' is said of
        thoracic radiology and of sonographers), with the term."""
        ids = (*reply.entities, *reply.listed)
        if not ids:
            return []
        said = f" {normal(reply.text)} "
        shared = {t for t in self._stated_of(ids) if _has(self._masked(question, t, ids), t)}
        out: list[tuple[Node, str]] = []
        for node in self.g.of_type(*CAREER_TYPES):
            if node.id in ids or _has(said, normal(node.name)):
                continue
            term = next((t for t in self._stated[node.id] if t in shared), None)
            if term is not None:
                out.append((node, term))
        return out[:_MAX_NOTES]

    def _stated_of(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(t for i in ids for t in self._stated.get(i, ()))

    def credential_note(self, question: str, reply: Reply) -> str:
        """Whose credential a question's credential is, when it asks about a career the
        document names it not for ('Does a nuclear medicine technologist need ARRT?')."""
        asked = [n for n in self.g.of_type("credential")
                 if any(_has(question, t) for t in self._names[n.id])]
        careers = [self.g.node(i) for i in reply.entities
                   if i in self.g and self.g.node(i).type in CAREER_TYPES]
        if len(asked) != 1 or not careers:
            return ""
        credential, career = asked[0], careers[0]
        own = self.c.credentials(career)
        if credential in own:
            if reply.intent == "certification":
                return ""
            return self.r["credential_is_for"].format(credential=credential.name,
                                                      career=career.name) + " " + \
                self.c.certification(career).text
        holders = [h.name for h in self.g.neighbours(credential.id, "certified_by",
                                                     incoming=True)]
        text = self.r["credential_not_for"].format(credential=credential.name,
                                                   career=career.name)
        if holders:
            text += " " + self.r["credential_holders"].format(
                credential=credential.name, holders=" and ".join(holders),
                summary=credential.summary)
        if not own:
            text += " " + self.r["credential_none_named"].format(career=career.name)
        else:
            text += " " + self.c.certification(career).text
        return text

    def fact_with(self, node: Node, term: str) -> str:
        """The fact of `node` that says `term` ('Investigate applications of AI ...'), else
        what the node is."""
        for fact in node.facts:
            if fact.field in {"duties", "statements", "focus", "summary"} and _has(
                    f" {normal(fact.text)} ", term):
                return fact.text
        return self.c.what(node)

    def annotate(self, reply: Reply, question: str) -> Reply:
        """The reply with its sources and the notes that keep it faithful to the source."""
        if reply.fallback or reply.kind not in _ANSWER_KINDS:
            return reply
        q = f" {normal(question)} "
        text = reply.text
        credential = self.credential_note(q, reply)
        if credential:  # the point asked is whose credential it is: that is the answer
            text = credential
        notice = self.related_notice(q, reply.entities)
        notes = []
        for node, term in self.overlaps(q, reply):
            fact = self.fact_with(node, term).rstrip(".")
            found = re.search(r"\W+".join(map(re.escape, term.split())), fact, re.IGNORECASE)
            notes.append(self.r["also_named"].format(term=found.group(0) if found else term,
                                                     name=node.name, fact=fact))
        if notice:
            text = notice + "\n" + text
        if notes:
            text = text + "\n" + "\n".join(notes)
        extra = [n.id for n, _t in self.overlaps(q, reply)] if notes else []
        sources = self.sources(text, (*reply.entities, *reply.listed, *extra))
        return replace(reply, text=text, sources=sources)
