"""The responder: a stateless function of (conversation state, text) -> (state, reply).

It holds nothing per conversation: `Session` keeps the state and hands it in each turn. A turn
is read once (`Parse`), the interview takes what it can from it, and then one of three paths
answers: the interview's own turn (an answer to its question, a control), several questions
answered one by one, or one decision of the reply policy (`rules.decide`), its nodes resolved
(`resolve.resolve`) and its answer composed by the intent's handler (`answers.HANDLERS`).
"""

from __future__ import annotations

import re
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from dialogs import DialogState, Option
from knowledge import CAREER_TYPES, MAX_INPUT_CHARS, Memo, Node
from knowledge.index import stem
from knowledge.record import field, record, replace
from knowledge.source import normal
from knowledge.text import fold_repeats, join_words

from .answers import HANDLERS
from .compose import Answer, article
from .nlu import Mention, Parse
from .reply import Explanation, Reply, ReplyKind
from .resolve import resolve
from .rules import SOCIAL, Context, Decision, Facts, Policy, decide

if TYPE_CHECKING:
    from .core import Engine

#: Readings a question about something the source never covers ("is it stressful?") can get
#: from a faint likeness; a listing or a comparison is asked for in its own words.
_ASPECT_READINGS = frozenset({"describe", "duties", "duration", "education", "pay", "outlook",
                              "skills"})
#: Aspects asked so plainly ('how long is ...?') that a silent answer keeps saying so before
#: the closest fact; for others the fact answers alone where it speaks to the words asked.
_SAY_SILENT = frozenset({"duration"})
#: ... and these, asked with a cue at least as strong as a focus, unless the fact found uses
#: a word of the cue ('do they train anyone?' -> 'training staff on new equipment').
_ASKED_PLAINLY = frozenset({"education", "certification"})
#: Replies that decline a question the source does not cover (a part of a message that asks one
#: flags the whole message as a fallback).
_DECLINED = frozenset({"oos", "out_of_scope", "medical_advice"})
#: The longest question whose annotated reply is kept for the next time it is asked.
_ANNOTATED_CHARS = 300
#: Intents a part of a compound message cannot have: they answer the whole message.
_SINGLE_ONLY = frozenset({"greeting", "thanks", "goodbye", "help", "recommend", "about_me",
                          "medical_advice", "compare"})
#: A lettered or numbered choice of a multiple-choice question ('A) cardiac', 'b. neuro').
_CHOICES = re.compile(r"(?:^|\s)[A-Ea-e1-5][).](?=\s)")


@record
class Conversation:
    """Everything a conversation carries from turn to turn: plain data, saved by Session."""

    context: Context = field(default_factory=Context)
    dialog: DialogState = field(default_factory=DialogState)


@record(frozen=False)
class Turn:
    """The working state of one turn: copies of the conversation's, updated as it answers."""

    context: Context
    dialog: DialogState
    profile_changed: bool = False
    annotated: bool = False


class Responder:
    """Answers turns for every conversation of one engine. Holds no conversation state."""

    def __init__(self, engine: Engine, policy: Policy) -> None:
        self.e = engine
        self.pol = policy
        #: Annotated replies by (question, reply): the same answer to the same question gets
        #: the same sources and notes (many people ask the same things), and annotating was a
        #: third of a turn. Only questions of a few lines (long ones are seldom asked twice),
        #: bounded by the characters of the questions and texts it holds.
        self._annotated: Memo[tuple[str, str, Reply], Reply] = Memo(items=2048,
                                                                      chars=1_000_000)

    # -- the turn -------------------------------------------------------------------------
    def respond(self, state: Conversation, text: str) -> tuple[Conversation, Reply]:
        """One turn: never raises on any string (a bug is reported in the reply)."""
        ctx = state.context
        t = Turn(Context(ctx.topic, ctx.last_intent, ctx.last_list), state.dialog)
        # Cut before anything reads it: every pattern, parse and cache sees at most the limit.
        cut = len(text) > MAX_INPUT_CHARS
        text = fold_repeats(text[:MAX_INPUT_CHARS])  # (a long text's repeats read once)
        try:
            reply = self._turn(t, text, cut)
        except Exception as exc:  # a bug in one turn must not end the conversation
            reply = Reply(self.e.responses["internal_error"].format(
                error=type(exc).__name__), "error", fallback=True, kind="error")
            return state, reply
        return Conversation(t.context, t.dialog), reply

    def _turn(self, t: Turn, text: str, cut: bool = False) -> Reply:
        e = self.e
        if not text.strip():
            return Reply(e.responses["empty"], "empty", fallback=True, kind="notice",
                         suggestions=e.starter_questions)
        interviewing = t.dialog.active or t.dialog.reviewing
        text = self.pol.unframed(text)
        read = text if interviewing else self._focus(self.pol.as_claim(self.pol.unquoted(
            self.pol.without_relay(self.pol.corrected(self.pol.unroled(text))))))
        reply = self._dispatch(t, text, read)
        if not t.annotated:  # (each part of a compound message is annotated on its own)
            answered = reply
            reply = self._annotate(reply, read)
            if reply.entities and reply.entities[0] not in answered.entities:
                t.context.topic = reply.entities[:1]  # (the careers a note answered with:
                # 'who manages it?' of PACS, then 'what else does that person do?')
        if cut:
            note = e.responses["too_long"].format(limit=MAX_INPUT_CHARS)
            reply = replace(reply, text=f"{reply.text}\n{note}")
        return reply

    def _observe(self, t: Turn, text: str) -> None:
        observed = self.e.interviewer.observe(t.dialog, text)
        t.profile_changed = observed != t.dialog
        t.dialog = observed

    def _focus(self, text: str) -> str:
        """The asking sentences of a message that tells a story first ("I've been a
        sonographer for six years. ... Are there jobs where I'd make sure the equipment meets
        the rules?"): the story is for the interview to observe, the question is what gets
        answered. A message whose questions say too little on their own ("what should I tell
        her?"), point back into it, or ask for a pick the story describes, are read whole."""
        u = self.e.understander
        sentences, asking = self.pol.asking_sentences(text)
        if len(sentences) < 2 or not asking or len(asking) == len(sentences):
            return text
        focus = " ".join(asking)
        if all(self._aside(s) for s in sentences if s not in asking):
            return focus  # ('Interesting, thanks. And what about the technicians? Leah': the
            # question alone, so it carries on the conversation as it would by itself)
        if any(len(_CHOICES.findall(s)) >= 2 for s in sentences if s not in asking):
            return text  # (choices after the question are its own: '... ? A) cardiac B) neuro')
        p = u.parse(focus)
        if self._only_names(p):
            return text  # ('I grew up rural ... telemedicine or academic radiologist?': the
            # story says what they are weighed by)
        top = p.intents[0] if p.intents else None
        if top is None or (top.intent in self.pol.sets["story_intents"]
                           and not self.pol.asks_for_all(p)):
            return text  # "which fellowship fits me best?" is answered from the story ("what
            # fellowships are there to pick from?" asks for them all, whatever the story)
        spec = self.e.understander.intents.get(top.intent)
        standalone = spec is not None and not spec.needs_entity  # ('is radiology a growing
        # field?' asks of the field, whatever the story's words: a teacher's 'students')
        if (not p.alias_mentions and not standalone) or self._points_to_story(p) \
                or (top.score < self.pol.w["focus_floor"] and (  # (a question naming what
                    not p.alias_mentions or p.words & self.pol.sets["first_person"])) \
                or p.words & self.pol.sets["pointing_words"]:
            return text  # "what kind of degree would I need?" leans on the story
        if not self._names_career(p) and self._names_career(u.parse(" ".join(
                s for s in sentences if s not in asking))):
            return text  # "I'm a radiographer. Can I specialise in MRI?": whose MRI
        return focus

    def _introduces(self, p: Parse) -> bool:
        """A part that only brings a topic in: an introducer, then names and nothing else
        ('what about sonographers', 'as for the techs')."""
        opener = next((len(w.split()) for w in sorted(
            self.pol.sets["topic_introducers"], key=len, reverse=True)
            if " ".join(p.tokens[:len(w.split())]) == w), 0)
        named = {i for m in p.alias_mentions for i in range(m.start, m.end)}
        rest = [i for i in range(opener, len(p.tokens))
                if i not in named and p.tokens[i] not in self.pol.sets["definite_words"]]
        return bool(opener) and bool(named) and not rest

    def _only_names(self, p: Parse) -> bool:
        """A question of names and joining words only ('telemedicine radiologist or academic
        radiologist?')."""
        named = {i for m in p.alias_mentions for i in range(m.start, m.end)}
        return bool(named) and all(i in named or t in self.pol.sets["name_joiners"]
                                   or t in self.pol.sets["definite_words"]
                                   for i, t in enumerate(p.tokens))

    def _aside(self, sentence: str) -> bool:
        """A sentence that says nothing of its own: thanks or a greeting ('Interesting,
        thanks.'), or a name signing off ('Leah')."""
        p = self.e.understander.parse(sentence)
        top = p.intents[0].intent if p.intents else None
        return (top in SOCIAL and top != "help" and not p.mentions
                and len(p.tokens) <= self.pol.w["social_words"]) or (
            not p.mentions and not p.question and len(p.tokens) <= self.pol.w["sign_off_words"])

    def _points_to_story(self, p: Parse) -> bool:
        """A pronoun or a pointing word that refers back to the story: one with no name
        before it in the question itself ('what do technicians do, and how does *their* job
        relate ...?' points at its own name)."""
        if not (p.pronoun or p.points_back):
            return False
        first = min((m.start for m in p.alias_mentions), default=len(p.tokens))
        pronouns = self.e.understander.lexicon.pronouns
        return any(t in pronouns for t in p.tokens[:first + 1]) or not p.alias_mentions

    def _names_career(self, p: Parse) -> bool:
        g = self.e.graph
        return any(g.node(m.node_ids[0]).type in CAREER_TYPES for m in p.alias_mentions)


    def _dispatch(self, t: Turn, text: str, asked: str) -> Reply:
        if t.dialog.active or t.dialog.reviewing:
            return self._in_interview(t, text)
        p = self.e.understander.parse(asked)
        self._observe(t, text)
        chosen = self._choice(t, p) if t.profile_changed else None
        if chosen is not None:
            return chosen
        if self.e.interviewer.asks_for_pick(t.dialog, asked) and not self.pol.asks_of_step(p) \
                and not self.pol.asks_for_all(p):
            # ("ok so what do you think?"; not "my options for the prelim year?" nor "what
            # fellowships are there to pick from?")
            return self._recommend(t, p, Decision("recommend", 4.0))
        parts = self._clauses(p.text)
        if parts:
            return self._answer_each(t, parts)
        return self._answer(t, p)

    def _in_interview(self, t: Turn, text: str) -> Reply:
        """An answer to the interview's question, a control, or a question in between (answered,
        then the question is asked again)."""
        e = self.e
        state, turn = e.interviewer.advance(t.dialog, text)
        if turn.kind != "not_an_answer":
            t.dialog = state
            return self._dialog_reply(t, turn)
        p = e.understander.parse(text)
        t.profile_changed = state != t.dialog
        t.dialog = state  # (what the text said is applied; the question's wording moves on)
        answer = self._answer(t, p)
        unknown = answer.fallback and answer.intent in {"not_understood", "out_of_scope"}
        if t.dialog.reviewing and answer.listed:
            t.dialog = e.interviewer.set_aside(t.dialog)  # numbers now refer to this list
        if t.dialog.active and unknown and turn.text and not p.question:
            # neither an answer nor a question we know: ask again, with the options
            return replace(answer, text=f"{e.responses['reask_interview']}\n\n{turn.text}",
                           intent="recommend", kind="reask", progress=turn.progress)
        if not turn.text:
            return answer
        return replace(answer, text=f"{answer.text}\n\n{turn.text}", progress=turn.progress)

    # -- several questions in one message ---------------------------------------------------
    def _clauses(self, text: str) -> list[Parse]:
        """Two to four questions in one message ('how long is it and how much do they make?',
        'med school how long, residency how long, and what exams at the end?'), or none: each
        part must ask something of its own or lean on the part before."""
        u = self.e.understander
        chunks = u.split_clauses(text)
        if len(chunks) > self.pol.w["clause_max"]:
            return []  # (each chunk is a part at least: more than a message may ask)
        pieces = [part for chunk in chunks for part in self._comma_parts(chunk)]
        pieces = [c for c in pieces if c.strip(" ?,.")]
        if not 2 <= len(pieces) <= self.pol.w["clause_max"]:
            return []
        parses = [u.parse(pieces[0])]
        parses.extend(self._later_part(parses[0], piece) for piece in pieces[1:])
        if not (all(self._asks(parse, i, piece)
                    for i, (parse, piece) in enumerate(zip(parses, pieces, strict=True)))
                or self._declined_part(parses)):
            return []
        if len({(parse.intents[0].intent if parse.intents else "",
                 tuple(m.node_ids for m in parse.alias_mentions)) for parse in parses}) < 2:
            return []
        return parses

    def _asks(self, parse: Parse, index: int, piece: str = "") -> bool:
        """A part that asks something of its own (an intent strong enough, not one that
        answers a whole message), or, after the first, names or points at something."""
        w = self.pol.w
        top = parse.intents[0] if parse.intents else None
        floor = w["clause_floor_named"] if parse.alias_mentions else w["clause_floor"]
        single = top is not None and top.intent in _SINGLE_ONLY and not (
            top.intent == "recommend" and parse.requested) and not (  # "which fellowship is
            top.intent == "compare" and len(parse.alias_mentions) >= 2)  # for kids"; "X vs Y"
        strong = top is not None and top.score >= floor and not single
        # (a later question of its own, carried on by 'and': "..., and in future there will
        # be enough work?"; not "Like reading scans from somewhere else?")
        words = piece.lower().split(maxsplit=1)
        asked = index > 0 and piece.rstrip().endswith("?") and top is not None \
            and words[:1] != [] and words[0] in self.pol.sets["continuers"] \
            and top.score >= self.pol.w["weak"] and not single
        return strong or asked or self._asks_by_form(parse) or (
            index > 0 and (bool(parse.alias_mentions) or parse.pronoun))

    def _asks_by_form(self, parse: Parse) -> bool:
        """A part shaped as a question of its own: it opens with a question word ('who runs
        the machines', 'whos ARDMS for', 'do I need a prelim year') and names something or
        says enough to be asked of the graph, whatever its intent scores."""
        words = parse.tokens[1:] if parse.tokens[:1] == ("and",) else parse.tokens
        lex = self.e.lexicon
        content = [w for w in words if w not in lex.stopwords and w not in lex.question_words]
        return bool(words) and words[0] in lex.question_words and (
            bool(parse.alias_mentions) or len(content) >= self.pol.w["form_question_words"])

    def _asked_names(self, p: Parse) -> tuple[Mention, ...]:
        """The names in the sentences of a part that ask, not in its story ('I trained as a
        radiologist. Can I get a visa?' names nothing it asks about)."""
        asking = " ".join(self.pol.asking_sentences(p.text)[1])
        return self.e.understander.parse(asking or p.text).alias_mentions

    def _declined_part(self, parses: list[Parse]) -> bool:
        """'What's med school tuition like and how many years is it?': a part asking logistics
        the source never covers is declined on its own when every other part asks clearly
        (a story beside a visa question is no question of its own)."""
        w = self.pol.w
        declined = [p.question and self.pol.logistics(p) for p in parses]
        named = any(d and self._asked_names(p) for d, p in zip(declined, parses, strict=True))
        return any(declined) and all(
            d or (bool(p.intents) and p.intents[0].score >= w["clause_floor"]
                  and (named or bool(p.alias_mentions)))  # ("which visa? how long does it
            for d, p in zip(declined, parses, strict=True))            # take?" asks of the visa)

    def _comma_parts(self, chunk: str) -> list[str]:
        """'Med school how long, residency how long': comma-separated parts that each name
        something and ask something are questions of their own; other commas are not."""
        parts = [c for c in chunk.split(",") if c.strip()]
        if not 2 <= len(parts) <= self.pol.w["clause_max"]:
            return [chunk]  # (more parts than a message may ask: not read one by one)
        u = self.e.understander
        w = self.pol.w
        question = chunk.rstrip().endswith("?")  # radiologist." asks nothing)
        first_asks = u.parse(parts[0]).question  # ("I don't want med school, what jobs
        for i, part in enumerate(parts):           # are there?" is one question)
            parse = u.parse(part)
            top = parse.intents[0].score if parse.intents else 0.0
            asks = bool(parse.alias_mentions) and (top >= w["clause_floor_named"] or (
                (first_asks or question) and self._asks_by_form(parse)))  # (", who's a
            # (a later part may leave the name to the part before: "what degree does a rad
            # tech need, which exam, and can they specialize?")
            elliptic = i > 0 and first_asks and parse.tokens[:1] and parse.tokens[0] in \
                self.pol.sets["wh_words"] and top >= w["clause_floor"]
            if not (asks or elliptic):
                return [chunk]
        return parts

    def _later_part(self, first: Parse, piece: str) -> Parse:
        """A later part, read as following on ('and ...'); an elliptical one borrows the first
        part's question: 'which fellowship is for kids and which for mammograms' reads the
        second as 'which fellowship is for mammograms'."""
        u = self.e.understander
        parse = u.parse(piece if piece.lower().startswith("and ") else "and " + piece)
        top = parse.intents[0] if parse.intents else None
        words = parse.tokens[1:] if parse.tokens[:1] == ("and",) else parse.tokens
        if (top is not None and top.score >= self.pol.w["weak"]) or not words \
                or words[0] not in self.pol.sets["wh_words"] or words[1:2] == ("about",) \
                or not first.mentions or self.pol.own_question(words):
            return parse  # ("and what about the techs?" follows on by itself; "and what is
            # the internship year usually in?" has its own verb: nothing is borrowed)
        head = list(first.tokens[:first.mentions[-1].start])
        tail = list(words[1:])
        while tail and head and tail[0] == head[-1]:
            tail = tail[1:]
        return u.parse(" ".join(head + tail))

    def _annotate(self, reply: Reply, text: str) -> Reply:
        """`_annotated_now`, kept for each distinct (question, reply); the reply's own
        explain view stays its own (it speaks of this conversation)."""
        if len(text) > _ANNOTATED_CHARS:
            return self._annotated_now(reply, text)
        key = (text, reply.text, reply)
        try:
            found = self._annotated.get(key)
        except TypeError:  # (a reply holding something unhashable: not kept)
            return self._annotated_now(reply, text)
        if found is None:
            found = self._annotated.put(key, self._annotated_now(reply, text))
        return found if found.explainer is reply.explainer else replace(
            found, explainer=reply.explainer)

    def _annotated_now(self, reply: Reply, text: str) -> Reply:
        """Sources and faithfulness notes for what an answer states (advisor/provenance.py),
        read against the question it answers, as typed (provenance matches terms on the
        respelled words itself, and tells a typo from a real word the corrector respelled); a
        statement about oneself asked nothing, so it only gets its sources."""
        prov = self.e.provenance
        if reply.intent == "about_me":
            return replace(reply, sources=prov.sources(reply.text,
                                                       (*reply.entities, *reply.listed)))
        sentences, asking = self.pol.asking_sentences(text)
        return prov.annotate(reply, text, " ".join(asking) if 1 <= len(asking) < len(
            sentences) else None)

    def _answer_each(self, t: Turn, parses: list[Parse]) -> Reply:
        """Each part in turn, in the context the earlier parts left ('tell me about
        sonographers and how much do they make?', '... and which of those ...'), each with
        its own sources and notes. A question among them that is declined ('are lead aprons
        enough? how much radiation does a rad tech get?') flags the whole as a fallback: the
        message asked something the source does not cover."""
        replies, answered = [], []
        for i, parse in enumerate(parses):
            reply = self._annotate(self._answer(t, parse), parse.text)
            if i + 1 < len(parses) and self._introduces(parse):
                continue  # ('what about sonographers, how much do they make?': the topic)
            answered.append(parse)
            named = self._asked_names(parse) if not reply.entities else ()
            if named and self.pol.logistics(parse):  # ("what's med school tuition like and
                t.context.topic = named[-1].node_ids[:1]  # how many years is it?": a declined
                # part still names what "it" is next)
            replies.append(reply)
        t.annotated = True
        parses = answered
        understood = [(r, p) for r, p in zip(replies, parses, strict=True)
                      if r.intent != "not_understood"]
        if understood and len(understood) < len(replies):  # ('... after residncy?? thats what
            replies = [r for r, _p in understood]  # my PD said': a remark no question; the
            parses = [p for _r, p in understood]  # answer to the rest stands alone)
        entities = tuple(dict.fromkeys(e for r in replies for e in r.entities))
        text = "\n\n".join(dict.fromkeys(r.text for r in replies))  # (the same answer once)
        sources = tuple(dict.fromkeys(src for r in replies for src in r.sources))
        return replace(replies[0], text=text, entities=entities, sources=sources,
                       fallback=all(r.fallback for r in replies) or any(
                           r.fallback and r.intent in _DECLINED and parse.question
                           and not (parse.pronoun or parse.points_back)
                           for r, parse in zip(replies, parses, strict=True)),
                       confidence=min(r.confidence for r in replies))

    def _dialog_reply(self, t: Turn, turn: Any) -> Reply:
        ids = tuple(getattr(turn, "node_ids", ()) or ())
        kind = turn.kind
        if ids and kind in {"recommendation", "detail", "compare"}:
            if kind == "recommendation":
                t.context.last_list = ids
            t.context.topic = ids[:1]
        intent = "recommend" if kind in {"question", "recommendation", "reask"} else \
            f"interview_{kind}"
        explain = partial(Explanation, intent, 1.0, notes=(f"interview turn: {kind}",))
        # The answers a person can give, as the numbered list shows them.
        options = tuple(o.label if isinstance(o, Option) else str(o)
                        for o in (getattr(turn, "options", None) or ()))
        return Reply(turn.text, intent, ids, 1.0, False, self.e.dialog_suggestions(kind),
                     explain, kind=kind, progress=getattr(turn, "progress", None),
                     listed=ids, options=options)

    # -- one question -----------------------------------------------------------------------
    def _decide(self, t: Turn, p: Parse) -> Decision:
        pol = self.pol
        iv = self.e.interviewer
        f = pol.facts(p, t.context, t.profile_changed, iv.enough_to_rank(t.dialog),
                      iv.knows_something(t.dialog))
        d = decide(pol, f)
        if d.resolve:
            if d.intent == "about_me":  # a statement: no list item or follow-up is meant
                f = replace(f, list_refs=(), short_followup=False)
            d.nodes = resolve(pol, d, f)
            retype(pol, d, f)
        return d

    def _answer(self, t: Turn, p: Parse) -> Reply:
        e = self.e
        d = self._decide(t, p)
        if d.intent in {"oos", "not_understood"} and t.context.topic and not d.firm:
            found = self._follow_up_fact(t, p)
            if found is not None:
                return found
        if d.intent in {"oos", "out_of_scope"}:
            return self._fallback(p, d, e.responses["decline_oos"], "out_of_scope")
        if d.intent == "medical_advice":
            return self._fallback(p, d, e.responses["decline_medical"], "medical_advice")
        if d.intent == "logistics":
            return self._fallback(p, d, e.responses["decline_logistics"], "out_of_scope")
        if d.intent == "not_understood":
            return self._not_understood(t, p, d)
        if d.intent in SOCIAL:
            return self._reply(t, p, d, Answer(e.responses[d.intent]), kind="smalltalk")
        if d.intent == "recommend":
            return self._recommend(t, p, d)
        if d.intent == "about_me":
            return self._reply(t, p, d, self._about_me(t, d))
        return self._answer_fact(t, p, d)

    def _follow_up_fact(self, t: Turn, p: Parse) -> Reply | None:
        """'Who do they serve?' after telemedicine: nothing else understood, so the topic's
        fact that shares the question's words."""
        node = self.e.graph.node(t.context.topic[0])
        d = Decision("describe", self.pol.w["followup_floor"], [node],
                     ["topic of the conversation: " + node.id])
        found = self._retrieve(p, node, follow_up=True)
        if found is None:
            silent = self._uncovered(t, p, d) if len(p.tokens) <= self.pol.w[
                "topic_words"] else None  # "and the lifestyle angle?": what the source
            return None if silent is None else self._reply(t, p, d, silent)  # never covers
        d.notes.append("answered with the topic's fact closest to the question")
        return self._reply(t, p, d, found)

    def _answer_fact(self, t: Turn, p: Parse, d: Decision) -> Reply:
        silent = self._uncovered(t, p, d)
        if silent is not None:
            return self._reply(t, p, d, silent)
        if d.intent in {"describe", "duties"} and p.pronoun and d.nodes and \
                t.context.topic[:1] == (d.nodes[0].id,) and d.score < self.pol.w["retrieve_below"]:
            found = self._retrieve(p, d.nodes[0], follow_up=True)
            if found is not None and found.text.rstrip(".") not in d.nodes[0].summary:
                d.notes.append("answered with the topic's fact closest to the question")
                return self._reply(t, p, d, found)  # "do they also write the safety rules?"
        handler = HANDLERS.get(d.intent)
        answer = handler(self.pol, p, d, t.context) if handler is not None else None
        if answer is None:
            return self._not_understood(t, p, d)
        answer = self._with_paired_aspect(t, p, d, answer)
        if answer.silent or (self.e.responses["no_salary_figures"] in answer.text
                             and self.pol.asks_figure(p)):  # ('in actual numbers?', '80k?':
            answer = replace(answer, uncovered=True)  # a figure none is given of)
        if answer.silent and d.nodes:
            found = self._retrieve(p, d.nodes[0])
            if found is not None:
                d.notes.append("the graph is silent on that aspect; answered with its closest fact")
                plainly = d.intent in _ASKED_PLAINLY and self._asked_plainly(p, d)
                answer = replace(found, text=f"{answer.text} {self.e.responses['closest_fact']} "
                                             f"{found.text}", uncovered=True) \
                    if d.intent in _SAY_SILENT or (
                        plainly and not self._speaks_to(p, d, found)) else found
        r = self.e.responses  # (the chooser offered after a direct answer, or a whole list)
        tail = f"\n\n{r['offer_chooser']}" if d.offer_chooser else ""
        if d.described and d.nodes:  # a node found by description: say by which words
            head = r["described_pick"].format(words=", ".join(d.described), name=d.nodes[0].name)
            answer = replace(answer, text=f"{head}\n{answer.text}{tail}")
        elif tail:
            answer = replace(answer, text=f"{answer.text}{tail}")
        return self._reply(t, p, d, answer)

    # -- what the source never covers -------------------------------------------------------
    def _with_paired_aspect(self, t: Turn, p: Parse, d: Decision, answer: Answer) -> Answer:
        """'the pay and job outlook', 'skills and pay': a second aspect asked as plainly as the
        first, joined to it by 'and' in one clause, gets its answer too."""
        aspects, floor = self.pol.sets["paired_aspects"], self.pol.w["focus_floor"]
        if d.intent not in aspects or "and" not in p.words or answer.silent:
            return answer
        other = next((s.intent for s in p.intents if s.intent != d.intent and s.intent in aspects
                      and s.cues and s.score >= floor), None)
        handler = HANDLERS.get(other) if other is not None else None
        if other is None or handler is None:
            return answer
        careers = [n for n in d.nodes if n.type in CAREER_TYPES or n.type == "category"]
        extra = handler(self.pol, p, replace(d, intent=other, nodes=careers), t.context)
        if extra is None or extra.silent or extra.text in answer.text:
            return answer
        d.notes.append(f"also answered: {other}")
        return replace(answer, text=f"{answer.text}\n{extra.text}",
                       entities=tuple(dict.fromkeys((*answer.entities, *extra.entities))))

    def _asked_plainly(self, p: Parse, d: Decision) -> bool:
        """The aspect is asked with a cue as strong as a focus, in the sentences that ask
        (not 'degree' of 'I just finished an IT degree. What would I be doing?')."""
        q = self.pol.story_question(p.text)
        if q is not None:
            return bool(q.intents) and q.intents[0].intent == d.intent and bool(
                q.intents[0].cues)
        return d.score >= self.pol.w["focus_floor"]

    def _speaks_to(self, p: Parse, d: Decision, found: Answer) -> bool:
        """Does a fact found for a silent aspect use a word of the cues that asked for it
        ('do they train anyone?' -> 'training staff on new equipment')? Else the answer says
        the document is silent on the aspect first ('what degree does a QA specialist need?'
        -> not just 'ensure imaging equipment meets regulatory standards')."""
        cues = {stem(w) for s in p.intents if s.intent == d.intent for c in s.cues
                for w in c.split()}
        return any(stem(w) in cues for w in normal(found.text).split())

    def _asked_words(self, p: Parse) -> tuple[str, ...]:
        """The words of the sentences that ask, when a story comes first: 'super competitive'
        of 'I was a D1 athlete, super competitive' asks nothing."""
        q = self.pol.story_question(p.text)
        if q is None:
            return self.pol.asking_tokens(p)
        if q.pronoun or q.points_back:  # ('what does *that* job involve?': the sentence it
            sentences, asking = self.pol.asking_sentences(p.text)  # points back to asks too)
            at = sentences.index(asking[0])
            q = self.e.understander.parse(" ".join((*sentences[max(0, at - 1):at], *asking)))
        return q.tokens

    def _uncovered_word(self, p: Parse) -> str | None:
        """The first word of the text that asks what the source never covers ('stressful')."""
        uncovered = self.e.lexicon.uncovered
        # (a word read as another ending of itself, 'stated' as 'state', asks nothing of it)
        inflected = {fixed for typed, fixed in p.corrections if typed.startswith(fixed)}
        words = tuple(w for w in self._asked_words(p) if w not in inflected)
        pairs = (f"{a} {b}" for a, b in pairwise(words))
        return next((w for w in (*pairs, *words) if w in uncovered), None)  # ('too old')

    def _uncovered(self, t: Turn, p: Parse, d: Decision) -> Answer | None:
        """'Is being a sonographer stressful?': the source never says; the answer says so, then
        gives what it does say (the fact closest to the question, else what the node is),
        rather than answering an aspect nobody asked about. A question that also asks a
        covered aspect in so many words ('is it hard to become a radiologist?') gets that
        answer after the 'does not say'; one about pay or outlook ('is the pay competitive?')
        is answered as asked."""
        e = self.e
        lex = e.lexicon
        word = self._uncovered_word(p)
        nodes = d.nodes or [e.graph.node(m.node_ids[0]) for m in p.alias_mentions]
        overview = e.graph.get(str(e.graph.meta.get("overview", "")))
        if not nodes and overview is not None and p.words & self.pol.sets["field_names"]:
            nodes = [overview]  # ('is radiology boring?': of the field)
        if word is None or not nodes or (d.intent not in _ASPECT_READINGS and " " not in word):
            return None  # (a phrase, 'too old', is asked whatever the reading)
        asked = any(s.cues for s in p.intents if s.intent == d.intent)
        priced = word in lex.sets["price_words"]  # "what it costs" is no salary question
        if asked and d.intent in {"pay", "outlook", "skills"} and not priced and " " not in word:
            return None  # (but 'average salary': a figure the pay lines never give)
        node = nodes[0]
        name = " ".join(w if w.isupper() else w.lower() for w in node.name.split())
        who = article(name) if node.type == "role" else name
        subject = e.responses["being"].format(who=who) if node.type == "role" else name
        if node.id == e.graph.meta.get("overview"):  # "is working in radiology stressful?"
            subject, who = e.responses["field_subject"], e.responses["field_people"]
        d.notes.append(f"the source does not cover '{word}'")
        text = e.responses["silent"].format(
            what=lex.uncovered[word].format(subject=subject, who=who))
        if asked and d.intent not in {"describe", "duties"} and not priced:
            handler = HANDLERS.get(d.intent)
            answer = handler(self.pol, p, d, t.context) if handler else None
            if answer is not None and not answer.silent:
                return replace(answer, text=f"{text}\n{answer.text}", uncovered=True)
        found = self._retrieve(p, node)
        if found is not None:
            # ('flexible hours?': the line says 'flexible work arrangements', the point asked
            # in the document's own word, though not of hours: answered, not declined)
            shared = self._qualifier_said(p, word, node, found.text)
            return replace(found, text=f"{text} {e.responses['closest_fact']} {found.text}",
                           uncovered=not shared)
        return Answer(f"{text} {e.composer.what(node)}", (node.id,), uncovered=True)

    def _qualifier_said(self, p: Parse, word: str, node: Node, fact: str) -> bool:
        """Does the fact say a content word the question puts with the uncovered one, two
        words from it at most ('flexible' of 'flexible hours', 'flexible with hours'; not
        'residents' of 'residents work 80 hours')?"""
        plain = self.pol.plain_words
        said = set(normal(fact).split()) - set(normal(node.name).split())
        words, reach = self._asked_words(p), int(self.pol.w["qualifier_reach"])
        near = {w for i, at in enumerate(words) if at == word
                for w in words[max(0, i - reach):i + reach + 1]}
        return any(w != word and w not in plain and len(w) > 3 and w in said for w in near)

    def _retrieve(self, p: Parse, node: Node, *, follow_up: bool = False) -> Answer | None:
        """The one fact of `node` a question asks about, by shared words ('who do they serve?'
        -> 'Serve rural or underserved areas'). For a follow-up the question must point back
        (a pronoun, 'and ...', or a few words only)."""
        lex = self.e.lexicon
        if follow_up and not self._points_back(p):
            return None
        names = {w for m in p.mentions if m.kind == "alias" for w in m.text.split()} | \
            self.pol.sets["field_names"]  # ('radiology' says nothing of which fact)
        words = [w for w in p.tokens if w in lex.related or (
            len(w) > 2 and w not in lex.stopwords and w not in lex.pronouns
            and w not in lex.question_words and w not in names)]
        fact = self.e.composer.best_fact(node, words, lex.related)
        if fact is None:
            return None
        heading = self.e.composer.heading_saying(node, fact)
        if heading:  # (a line of all the careers under a heading is not this one's own)
            return Answer(self.e.responses["category_says"].format(
                category=heading, statements=fact.rstrip(".") + "."), (node.id,))
        lead = fact[:1].lower() + fact[1:] if not fact[1:2].isupper() else fact
        text = fact if fact.lower().startswith(node.name.lower()) else f"{node.name}: {lead}"
        return Answer(text.rstrip(".") + ".", (node.id,))

    def _points_back(self, p: Parse) -> bool:
        """A question about what was said before: a pronoun ('is it only for big cities?'),
        'that year', 'and ...', or a few words only. (A longer question that names nothing
        may be a new one the document does not cover: 'which python library is best?')"""
        sets = self.pol.sets
        return p.pronoun or p.points_back or p.tokens[:1] == ("and",) \
            or bool(p.words & sets["pointing_words"]) \
            or len(p.tokens) <= self.pol.w["retrieve_words"] \
            or bool(p.words & sets["hypothetical_words"] and p.words & sets["first_person"])
        # ('what would I actually be checking?': the person pictures the job just discussed)

    # -- about the person and the pick ------------------------------------------------------
    def _about_me(self, t: Turn, d: Decision) -> Answer:
        e = self.e
        heard = e.interviewer.describe_profile(t.dialog)
        none = "noted_none_other" if t.dialog.person else "noted_none"  # ('my husband is a
        # rad tech, I have a few questions about his job': told about him, not oneself)
        lines = [e.responses["noted"].format(heard=heard) if heard else e.responses[none]]
        if d.nodes:
            lines.append(e.composer.describe(d.nodes[0]).text)
        lines.append(e.responses["ask_for_pick"])
        return Answer("\n".join(lines), tuple(n.id for n in d.nodes[:1]))

    def _recommend(self, t: Turn, p: Parse, d: Decision) -> Reply:
        e = self.e
        iv = e.interviewer
        sets = self.pol.sets
        scope = "fellowship" if p.words & sets["subspecialty_words"] else "auto"
        wants_questions = p.has(*sets["sharpen_phrases"]) or (
            p.has(*sets["chooser_phrases"]) and not (t.dialog.active or t.dialog.reviewing))
        # "What's the one fellowship you'd recommend?" after saying what one loves: a pick asked
        # for directly is ranked from whatever is known (sharpening is offered after), while
        # "help me choose" starts the questions.
        known = iv.enough_to_rank(t.dialog) or iv.knows_something(t.dialog) \
            or t.dialog.reviewing  # (a ranking was shown: show it again, as it stands)
        if known and not wants_questions:
            rec = iv.recommend(t.dialog, scope=scope)
            ids = tuple(f.node.id for f in rec.fits)
            t.context.last_list = ids
            t.context.topic = ids[:1]
            t.context.last_intent = "recommend"
            t.dialog, close = iv.separate(t.dialog, rec)  # top two close: the question between
            text = rec.text + "\n\n" + (close or e.responses["after_ranking"])
            explain = partial(Explanation, "recommend", d.score,
                              notes=("ranked from what you said",))
            return Reply(text, "recommend", ids[:3], min(1.0, d.score / 4), False,
                         e.dialog_suggestions("recommendation"), explain, kind="recommendation",
                         listed=ids)
        picked = None if wants_questions else (
            self._described_pick(t, p, d, scope) or self._named_pick(t, p, d))
        if picked is not None:
            return picked
        skills = [n for m in p.alias_mentions if (n := e.graph.node(m.node_ids[0])).type == "skill"]
        if skills:  # "I'm super detail-oriented, would radiology suit me?"
            answer = e.composer.skills(None)
            text = answer.text + "\n\n" + e.responses["offer_chooser"]
            return self._reply(t, p, d, Answer(text, answer.entities))
        t.dialog, turn = iv.start(t.dialog)
        return self._dialog_reply(t, turn)

    def _choice(self, t: Turn, p: Parse) -> Reply | None:
        """'Radiation makes me nervous. Nuc med tech or sonographer?': alternatives offered
        with something about the person are weighed as the interview weighs careers, among
        themselves only: the one that fits what was said best, why, and what counts against
        or rules out the others. Nothing when what was said does not tell them apart."""
        offered = self.pol.alternatives(p)
        if len(offered) < 2:
            return None
        iv, r = self.e.interviewer, self.e.responses
        fits = {f.node.id: f for scope in ("career", "fellowship")
                for rec in (iv.recommend(t.dialog, scope=scope),)
                for f in (*rec.fits, *rec.ruled_out)}
        weighed = [fits[i] for i in offered if i in fits]
        open_ = [f for f in weighed if not f.excluded]
        if len(weighed) < len(offered) or not open_ or (
                len({(f.score, f.net) for f in open_}) == 1 and len(open_) == len(weighed)):
            return None
        best = max(open_, key=lambda f: (f.score, f.net))  # (below zero, how far below)
        others = [f for f in weighed if f is not best]
        mark = iv.flow.say("quote", words="\x00").split("\x00")[0] or "\x00"
        said = (*best.reasons, *(why for f in weighed for why in (*f.against, *f.ruled_out)))
        if all(mark in why for why in said):  # (a quote of the words said is no reason)
            return None  # (only the names themselves were heard: 'is ARRT for rad techs or
            # sonos?' asks a fact, and 'if I hate needles' says nothing either one is about)
        lines = [r["choice_best"].format(
            best=best.node.name, others=join_words([f.node.name for f in others]),
            reasons="; ".join(best.reasons[:3]) or r["choice_no_reason"])]
        for f in others:
            if f.excluded:
                lines.append(r["choice_ruled_out"].format(name=f.node.name,
                                                          reasons="; ".join(f.ruled_out)))
            elif f.against:
                lines.append(r["choice_against"].format(name=f.node.name,
                                                        reasons="; ".join(f.against[:3])))
        lines.append(r["choice_estimate"])
        prov = self.e.provenance
        for f in (best, *others):  # what each is, and its lines that use the words said
            lines.append(self.e.composer.what(f.node))
            lines.extend(f"• {line}" for line in prov.lines_sharing(f.node, p.text))
        ids = (best.node.id, *(f.node.id for f in others))
        t.context.last_list, t.context.topic = ids, ids[:1]
        t.context.last_intent = "compare"
        explain = partial(Explanation, "recommend", 3.0,
                          notes=("the alternatives weighed on what you said",))
        text = "\n".join(lines)
        t.annotated = True  # (a weighing of the person's words: its lines get their sources,
        # and no note reads the weighing as a question about one of them)
        return Reply(text, "recommend", ids, 0.75, False,
                     self.e.dialog_suggestions("recommendation"), explain, listed=ids,
                     sources=self.e.provenance.sources(text, ids))

    def _named_pick(self, t: Turn, p: Parse, d: Decision) -> Reply | None:
        """'Is a sonographer job too physical for me?': a yes/no question about one career it
        names is answered with what the document says of that career (its notes say what it
        never covers), then the offer of the questions, not with the first question."""
        g = self.e.graph
        q = self.pol.story_question(p.text) or p  # (the asking sentence's own names)
        own = self.e.interviewer.current_careers(t.dialog)
        named = {n.id: n for m in q.alias_mentions if not m.negated
                 and (n := g.node(m.node_ids[0])).type in CAREER_TYPES}
        opener = next((w for w in q.tokens if w not in self.pol.sets["fillers"]), "")
        if len(named) != 1 or not q.question \
                or opener not in self.pol.sets["own_question_openers"] or own.intersection(named):
            return None  # (nor the person's own career: 'sonographer 12 yrs, need a change')
        node = next(iter(named.values()))
        answer = self.e.composer.describe(node)
        text = f"{answer.text}\n\n{self.e.responses['offer_chooser']}"
        d = replace(d, intent="describe", nodes=[node])
        return self._reply(t, p, d, Answer(text, (node.id,)))

    def _described_pick(self, t: Turn, p: Parse, d: Decision, scope: str) -> Reply | None:
        """'PhD physicist, want to develop new imaging techniques. best fit?': a pick asked
        for with a description one career's own lines clearly match is answered with that
        career (and the offer of the questions), not with the first question."""
        pol = self.pol
        types = frozenset({"subspecialty"}) if scope == "fellowship" else CAREER_TYPES
        hit = pol.clearly_described(p, types)
        if hit is None or hit.node.id in self.e.interviewer.current_careers(t.dialog):
            return None  # (the person's own career is where they stand, not a suggestion)
        node = hit.node
        r = self.e.responses
        head = r["described_pick"].format(words=", ".join(hit.words), name=node.name)
        answer = self.e.composer.describe(node)
        text = f"{head}\n{answer.text}\n\n{r['offer_chooser']}"
        d = replace(d, nodes=[node], notes=[*d.notes, f"described by {', '.join(hit.words)}"])
        t.context.last_list = (node.id,)
        return self._reply(t, p, d, Answer(text, (node.id,), listed=(node.id,)))

    # -- reply building ---------------------------------------------------------------------
    def _explain(self, p: Parse, d: Decision) -> Explanation:
        top = next((s for s in p.intents if s.intent == d.intent), None)
        entities = tuple((n.id, next((m.text for m in p.mentions if n.id in m.node_ids), ""),
                          next((m.kind for m in p.mentions if n.id in m.node_ids), "context"))
                         for n in d.nodes)
        return Explanation(
            d.intent, d.score, top.cues if top else (), top.example if top else "",
            top.similarity if top else 0.0, entities, p.corrections, tuple(d.context_used),
            tuple((s.intent, s.score) for s in p.intents if s.intent != d.intent)[:3],
            tuple(d.notes))

    def _reply(self, t: Turn, p: Parse, d: Decision, answer: Answer,
               kind: ReplyKind = "answer") -> Reply:
        e = self.e
        entities = answer.entities if answer.entities or answer.listed else tuple(
            n.id for n in d.nodes)
        if len(answer.listed) == 1:  # "which of those is two years?" -> "what does it do?"
            t.context.topic = answer.listed
        elif answer.entities:
            t.context.topic = answer.entities[:1]
        elif d.nodes:
            t.context.topic = (d.nodes[0].id,)
        if answer.listed:
            t.context.last_list = answer.listed
        elif d.intent == "compare" and len(entities) >= 2:
            t.context.last_list = entities  # ('which is longer?', 'the other one': the pair)
        if d.intent not in SOCIAL:
            t.context.last_intent = d.intent
        confidence = max(0.0, min(1.0, d.score / 4.0))
        suggestions = e.suggest(d.intent, [e.graph.node(i) for i in entities if i in e.graph])
        return Reply(answer.text, d.intent, entities, confidence, answer.uncovered, suggestions,
                     partial(self._explain, p, d), kind=kind, table=answer.table,
                     listed=answer.listed)

    def _fallback(self, p: Parse, d: Decision, text: str, intent: str) -> Reply:
        return Reply(text, intent, (), 0.0, True, self.e.starter_questions,
                     partial(self._explain, p, d), kind="fallback")

    def _not_understood(self, t: Turn, p: Parse, d: Decision) -> Reply:
        e = self.e
        options = e.did_you_mean(p, [n.id for n in d.nodes] or list(t.context.topic))
        text = e.responses["not_understood"]
        word = self._uncovered_word(p)
        if p.domain and p.question and word is not None:  # "is working in radiology stressful?"
            what = e.lexicon.uncovered[word].format(subject=e.responses["field_subject"],
                                                    who=e.responses["field_people"])
            text = e.responses["silent"].format(what=what) + " " + e.responses["coverage"]
        elif p.domain and p.question and (unknown := e.provenance.uncovered(
                f" {normal(p.text)} ", p.text)):
            words = ", ".join(f"“{w}”" for w in unknown)  # "do I need the MCAT for rads?"
            text = e.responses["silent_on"].format(words=words) + " " + e.responses["coverage"]
        elif p.domain and p.question and not p.unknown:
            text = e.responses["silent_general"]
        if options:
            text += " " + e.responses["did_you_mean"] + "\n" + "\n".join(f"• {o}" for o in options)
        return Reply(text, "not_understood", (), max(0.0, min(1.0, d.score / 4)), True,
                     tuple(options) or e.starter_questions, partial(self._explain, p, d),
                     kind="fallback")


# -- after resolution -------------------------------------------------------------------------
def retype(pol: Policy, d: Decision, f: Facts) -> None:
    """The question the resolved nodes show was asked: 'which fellowship covers the brain?'
    looks a subspecialty up; 'which jobs use MRI?' asks for a modality's careers; 'any jobs on
    the AI stuff?' describes the one career named; 'what is attention to detail?' is a skill."""
    p = f.p
    first = d.nodes[0] if d.nodes else None
    explicit_ids = {m.node_ids[0] for m in f.explicit}
    if d.intent in {"describe", "duties"} and first is not None \
            and first.type == "subspecialty" and p.requested == "subspecialty" \
            and first.id not in explicit_ids:
        d.intent = "subspecialties"
    if d.intent == "list_careers":
        _retype_list(pol, d, f)
    first = d.nodes[0] if d.nodes else None
    if d.described and d.intent == "modalities":
        d.intent = "describe"  # "who checks the x-ray machines?" asks who, not which machines
    if d.intent == "describe" and first is not None and first.type == "skill":
        d.intent = "skills"
    if d.intent == "duties" and first is not None and first.type not in CAREER_TYPES:
        d.intent = "describe"


def _retype_list(pol: Policy, d: Decision, f: Facts) -> None:
    g = pol.g
    if any(m.negated for m in f.p.mentions):
        return  # "which job handles tracers but doesn't need med school?": a filtered list
    named_category = any(g.node(i).type == "category" for m in f.p.mentions
                         for i in m.node_ids)
    explicit_category = any(g.node(m.node_ids[0]).type == "category" for m in f.explicit)
    explicit_careers = [g.node(m.node_ids[0]) for m in f.explicit if not m.negated
                        and g.node(m.node_ids[0]).type in CAREER_TYPES]
    keyword_careers = [g.node(i) for m in f.keyword if not m.negated for i in m.node_ids
                       if g.node(i).type in CAREER_TYPES]
    looked_up = [g.node(m.node_ids[0]) for m in f.explicit
                 if g.node(m.node_ids[0]).type in {"modality", "concept"}]
    if explicit_careers and not named_category and not pol.requires_filter(f.p):
        d.intent, d.nodes = "describe", explicit_careers[:1]
    elif keyword_careers and not named_category:
        d.intent, d.nodes = "describe", keyword_careers[:1]
    elif looked_up and not explicit_category:
        d.intent, d.nodes = "modalities", looked_up
