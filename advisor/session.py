"""A conversation: context across turns, intent decision, the pathway interview, save/resume."""

from __future__ import annotations

import re
import reprlib
import threading
from functools import partial
from typing import TYPE_CHECKING, Any

from dialogs import DialogState, DialogStateError, Option
from knowledge import CAREER_TYPES, AdvisorError, Node, strip_control
from knowledge.record import field, record, replace

from .compose import Answer, _article
from .nlu import MAX_INPUT_CHARS, Mention, Parse
from .reply import Explanation, Reply

if TYPE_CHECKING:
    from .core import Engine

SESSION_FORMAT = "radiology-advisor/session"
SESSION_VERSION = 1
MAX_TRANSCRIPT = 500

SOCIAL = ("greeting", "thanks", "goodbye", "help")
_CLAUSE_SPLIT = re.compile(
    r"\?\s+|\s*,?\s+\band\s+(?=(?:how|what|which|who|where|when|why|is|are|do|does|can|"
    r"could|should|will)\b)", re.IGNORECASE)
_CAREER_ASPECTS = {"subspecialties", "certification", "pay", "outlook", "duties", "modalities",
                   "skills"}
#: Readings a question about something the source never covers ("is it stressful?") can get
#: from a faint likeness; a listing or a comparison is asked for in its own words.
_ASPECT_READINGS = {"describe", "duties", "duration", "education", "pay", "outlook", "skills"}
_SINGLE_ONLY = {"greeting", "thanks", "goodbye", "help", "recommend", "about_me",
                "medical_advice", "compare"}
_ASPECTS = (("education", 1.5), ("certification", 2.5), ("pay", 2.0), ("duration", 2.5),
            ("duties", 2.0))


def _brief(value: Any) -> str:
    """A foreign value as a message shows it: repr'd, clipped, never raising."""
    try:
        text = reprlib.repr(value)
    except Exception:  # an int too long to print, a broken __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:59] + "…"


class SessionStateError(AdvisorError, ValueError):
    """A saved session could not be read: corrupted, truncated, foreign or from a newer version.

    Avoid it by passing only what `Session.to_dict()` produced (possibly via JSON).
    """


@record(frozen=False)
class Context:
    """What the conversation is about, carried from turn to turn (plain data)."""

    topic: tuple[str, ...] = ()
    last_intent: str = ""
    last_list: tuple[str, ...] = ()


@record(frozen=False)
class _Decision:
    intent: str
    score: float
    nodes: list[Node] = field(default_factory=list)
    context_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Session:
    """One person's conversation. Not shared between threads; the Advisor behind it is."""

    def __init__(self, engine: Engine, state: dict[str, Any] | None = None) -> None:
        self._engine = engine
        self.context = Context()
        self.dialog = DialogState()
        self.transcript: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._profile_changed = False
        if state is not None:
            self._restore(state)

    def plan_markdown(self) -> str:
        """The interview's recommendation as a Markdown plan (the chat's /plan, embedders)."""
        return str(self._engine.interviewer.plan_markdown(self.dialog))

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume this conversation later, as JSON-ready data."""
        return {
            "format": SESSION_FORMAT,
            "version": SESSION_VERSION,
            "context": {"topic": list(self.context.topic),
                        "last_intent": self.context.last_intent,
                        "last_list": list(self.context.last_list)},
            "dialog": self.dialog.to_dict(),
            "transcript": [list(t) for t in self.transcript[-MAX_TRANSCRIPT:]],
        }

    def _restore(self, state: Any) -> None:
        if not isinstance(state, dict):
            raise SessionStateError("a saved session must be a JSON object")
        if state.get("format") != SESSION_FORMAT:
            raise SessionStateError("this is not a radiology-advisor session "
                                    f"(format {_brief(state.get('format'))})")
        version = state.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise SessionStateError("the saved session has no valid version number")
        if version > SESSION_VERSION:
            raise SessionStateError(f"the saved session is format version {version}, newer than "
                                    f"this advisor understands ({SESSION_VERSION}); upgrade "
                                    "radiology-advisor to load it")
        ctx = state.get("context", {})
        if not isinstance(ctx, dict):
            raise SessionStateError("the saved session's 'context' must be an object")
        graph = self._engine.graph

        def ids(value: Any, what: str) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SessionStateError(f"the saved session's {what} must be a list of ids")
            return tuple(v for v in value if v in graph)

        last_intent = ctx.get("last_intent", "")
        if not isinstance(last_intent, str):
            raise SessionStateError("the saved session's 'last_intent' must be text")
        context = Context(ids(ctx.get("topic", []), "topic"), last_intent,
                          ids(ctx.get("last_list", []), "last_list"))
        saved_dialog = state.get("dialog")
        try:
            dialog = DialogState.from_dict({} if saved_dialog is None else saved_dialog)
            # Check it against this flow and graph now: a state that loads but fails every
            # turn would lose the conversation just the same, only later and less clearly.
            self._engine.interviewer.check(dialog)
        except DialogStateError as exc:
            raise SessionStateError(f"the saved interview state is invalid: {exc}") from None
        transcript = state.get("transcript", [])
        if not isinstance(transcript, list) or not all(
                isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) for x in t)
                for t in transcript):
            raise SessionStateError("the saved session's transcript must be a list of "
                                    "[question, answer] pairs")
        self.context, self.dialog = context, dialog
        self.transcript = [(q, a) for q, a in transcript]

    # -- the turn -------------------------------------------------------------------------
    def ask(self, text: str) -> Reply:
        """Answer one utterance. Never raises on any input string."""
        if not isinstance(text, str):
            text = str(text)
        with self._lock:
            try:
                reply = self._turn(text)
            except Exception as exc:  # a bug in one turn must not end the conversation
                reply = Reply(self._engine.responses["internal_error"].format(
                    error=type(exc).__name__), "error", fallback=True, kind="error")
            if len(self.transcript) >= MAX_TRANSCRIPT:
                del self.transcript[: len(self.transcript) - MAX_TRANSCRIPT + 1]
            self.transcript.append((text[:MAX_INPUT_CHARS], reply.text))
            return reply

    def _turn(self, text: str) -> Reply:
        e = self._engine
        if not text.strip():
            return Reply(e.responses["empty"], "empty", fallback=True, kind="notice",
                         suggestions=e.starter_questions)
        reply = self._dispatch(text)
        if len(strip_control(text)) > MAX_INPUT_CHARS:
            note = e.responses["too_long"].format(limit=MAX_INPUT_CHARS)
            reply = replace(reply, text=f"{reply.text}\n{note}")
        return reply

    def _dispatch(self, text: str) -> Reply:
        e = self._engine
        iv = e.interviewer
        if self.dialog.active or self.dialog.reviewing:
            state, turn = iv.advance(self.dialog, text)
            if turn.kind != "not_an_answer":
                self.dialog = state
                return self._dialog_reply(turn)
            p = e.understander.parse(text)
            self._profile_changed = state != self.dialog
            self.dialog = state  # (what the text said is applied; the question's wording moves on)
            answer = self._answer(p)
            if self.dialog.reviewing and answer.listed:
                self.dialog = iv.set_aside(self.dialog)  # numbers now refer to this new list
            if self.dialog.active and answer.fallback and turn.text and not p.question and \
                    answer.intent in {"not_understood", "out_of_scope"}:
                # neither an answer nor a question we know: ask again, with the options
                return replace(answer, text=f"{e.responses['reask_interview']}\n\n{turn.text}",
                               intent="recommend", kind="reask", progress=turn.progress)
            if not turn.text:
                return answer
            return replace(answer, text=f"{answer.text}\n\n{turn.text}", progress=turn.progress)
        p = e.understander.parse(text)
        observed = iv.observe(self.dialog, text)
        self._profile_changed = observed != self.dialog
        self.dialog = observed
        parts = self._clauses(text)
        if parts:
            return self._answer_each(parts)
        return self._answer(p)

    def _clauses(self, text: str) -> list[Parse]:
        """Two questions in one line ('how long is it and how much do they make?'), or none."""
        pieces = [c for c in _CLAUSE_SPLIT.split(text) if c and c.strip(" ?,.")]
        if len(pieces) < 2 or len(pieces) > 3:
            return []
        u = self._engine.understander
        parses = [u.parse(piece) if i == 0 or piece.lower().startswith("and ")
                  else u.parse("and " + piece) for i, piece in enumerate(pieces)]
        for i, parse in enumerate(parses):
            top = parse.intents[0] if parse.intents else None
            floor = 1.5 if parse.alias_mentions else 2.5
            strong = top is not None and top.score >= floor and top.intent not in _SINGLE_ONLY
            leaning = i > 0 and (bool(parse.alias_mentions) or parse.pronoun)
            if not (strong or leaning):
                return []
        if len({(parse.intents[0].intent if parse.intents else "",
                 tuple(m.node_ids for m in parse.alias_mentions)) for parse in parses}) < 2:
            return []
        return parses

    def _answer_each(self, parses: list[Parse]) -> Reply:
        replies = [self._answer(parse) for parse in parses]
        first = replies[0]
        entities = tuple(dict.fromkeys(e for r in replies for e in r.entities))
        text = "\n\n".join(dict.fromkeys(r.text for r in replies))  # (the same answer once)
        return replace(first, text=text, entities=entities,
                       fallback=all(r.fallback for r in replies),
                       confidence=min(r.confidence for r in replies))

    def _dialog_reply(self, turn: Any) -> Reply:
        ids = tuple(getattr(turn, "node_ids", ()) or ())
        kind = str(turn.kind)
        if ids and kind in {"recommendation", "detail", "compare"}:
            self.context.last_list = ids if kind == "recommendation" else self.context.last_list
            self.context.topic = ids[:1]
        intent = "recommend" if kind in {"question", "recommendation", "reask"} else \
            f"interview_{kind}"
        explain = partial(Explanation, intent, 1.0, notes=(f"interview turn: {kind}",))
        # The answers a person can give, as the numbered list shows them.
        options = tuple(o.label if isinstance(o, Option) else str(o)
                        for o in (getattr(turn, "options", None) or ()))
        return Reply(turn.text, intent, ids, 1.0, False,
                     self._engine.dialog_suggestions(kind), explain, kind=kind,
                     progress=getattr(turn, "progress", None), listed=ids, options=options)

    # -- understanding with context -------------------------------------------------------
    def _answer(self, p: Parse) -> Reply:
        e = self._engine
        d = self._decide(p)
        if d.intent in {"oos", "not_understood"} and self.context.topic:
            found = self._retrieve(p, self._engine.graph.node(self.context.topic[0]),
                                   follow_up=True)
            if found is not None:
                d = _Decision("describe", 1.5, [self._engine.graph.node(self.context.topic[0])],
                              ["topic of the conversation: " + self.context.topic[0]],
                              ["answered with the topic's fact closest to the question"])
                return self._reply(p, d, found)
        if d.intent in {"oos", "out_of_scope"}:
            return self._fallback(p, d, e.responses["decline_oos"], "out_of_scope")
        if d.intent == "medical_advice":
            return self._fallback(p, d, e.responses["decline_medical"], "medical_advice")
        if d.intent == "not_understood":
            return self._not_understood(p, d)
        if d.intent in SOCIAL:
            return self._reply(p, d, Answer(e.responses[d.intent]), kind="smalltalk")
        if d.intent == "recommend":
            return self._recommend(p, d)
        silent = self._uncovered(p, d)
        if silent is not None:
            return self._reply(p, d, silent)
        if d.intent in {"describe", "duties"} and p.pronoun and d.nodes and \
                self.context.topic[:1] == (d.nodes[0].id,) and d.score < 3.0:
            found = self._retrieve(p, d.nodes[0], follow_up=True)
            if found is not None and found.text.rstrip(".") not in d.nodes[0].summary:
                d.notes.append("answered with the topic's fact closest to the question")
                return self._reply(p, d, found)  # "do they also write the safety rules?"
        answer = self._compose(p, d)
        if answer is None:
            return self._not_understood(p, d)
        if answer.silent and d.nodes:
            found = self._retrieve(p, d.nodes[0])
            if found is not None:
                d.notes.append("the graph is silent on that aspect; answered with its closest fact")
                answer = found
        return self._reply(p, d, answer)

    def _uncovered_word(self, p: Parse) -> str | None:
        """The first word of the text that asks what the source never covers ('stressful')."""
        uncovered = self._engine.lexicon.uncovered
        return next((t for t in p.tokens if t in uncovered), None)

    def _uncovered(self, p: Parse, d: _Decision) -> Answer | None:
        """'Is being a sonographer stressful?': the source never says; the answer says so, then
        gives what it does say (the fact closest to the question, else what the node is),
        rather than answering an aspect nobody asked about. A question that also asks a
        covered aspect in so many words ('is it hard to become a radiologist?') gets that
        answer after the 'does not say'; one about pay or outlook ('is the pay competitive?')
        is answered as asked."""
        e = self._engine
        lex = e.lexicon
        word = self._uncovered_word(p)
        nodes = d.nodes or [e.graph.node(m.node_ids[0]) for m in p.alias_mentions]
        if word is None or not nodes or d.intent not in _ASPECT_READINGS:
            return None
        asked = any(s.cues for s in p.intents if s.intent == d.intent)
        priced = word in lex.sets["price_words"]  # "what it costs" is no salary question
        if asked and d.intent in {"pay", "outlook", "skills"} and not priced:
            return None
        node = nodes[0]
        name = " ".join(w if w.isupper() else w.lower() for w in node.name.split())
        who = _article(name) if node.type == "role" else name
        subject = f"being {who}" if node.type == "role" else name
        d.notes.append(f"the source does not cover '{word}'")
        text = e.responses["silent"].format(
            what=lex.uncovered[word].format(subject=subject, who=who))
        if asked and d.intent not in {"describe", "duties"} and not priced:
            answer = self._compose(p, d)
            if answer is not None and not answer.silent:
                return replace(answer, text=f"{text}\n{answer.text}")
        found = self._retrieve(p, node)
        if found is not None:
            return replace(found, text=f"{text} {e.responses['closest_fact']} {found.text}")
        return Answer(f"{text} {e.composer.what(node)}", (node.id,))

    def _retrieve(self, p: Parse, node: Node, *, follow_up: bool = False) -> Answer | None:
        """The one fact of `node` a question asks about, by shared words ('who do they serve?'
        -> 'Serve rural or underserved areas'). For a follow-up the question must point back
        (a pronoun, 'and ...', or a few words only)."""
        lex = self._engine.lexicon
        if follow_up and not (p.pronoun or len(p.tokens) <= 5
                              or p.tokens[:1] == ("and",)):
            return None
        names = {w for m in p.mentions if m.kind == "alias" for w in m.text.split()}
        words = [t for t in p.tokens if t in lex.related or (
            len(t) > 2 and t not in lex.stopwords and t not in lex.pronouns
            and t not in lex.question_words and t not in names)]
        fact = self._engine.composer.best_fact(node, words, lex.related)
        if fact is None:
            return None
        text = fact if fact.lower().startswith(node.name.lower()) else \
            f"{node.name}: {fact[:1].lower() + fact[1:] if not fact[1:2].isupper() else fact}"
        return Answer(text.rstrip(".") + ".", (node.id,))

    def _decide(self, p: Parse) -> _Decision:
        e = self._engine
        g = e.graph
        lex = e.lexicon
        first_person = bool(p.words & lex.sets["first_person"])
        scores = {s.intent: s.score for s in p.intents}
        explicit = [m for m in p.mentions if m.kind == "alias"]
        keyword = [m for m in p.mentions if m.kind == "keyword"]
        topic = [g.node(i) for i in self.context.topic if i in g]
        careers_named_any = any(g.node(m.node_ids[0]).type in CAREER_TYPES for m in explicit)
        careers_named = careers_named_any and \
            bool(p.words & {"job", "role", "career", "who", "someone", "whose", "work"})
        if scores.get("medical_advice", 0.0) >= (4.0 if careers_named else 2.5):
            # "does the x-ray tech interpret my images, or is that someone else's job?" asks
            # about careers; "can a radiologist read my MRI?" still asks for advice
            return _Decision("medical_advice", scores["medical_advice"])
        sets = lex.sets
        named_types = {g.node(m.node_ids[0]).type for m in explicit}
        if p.words & sets["price_words"] and not named_types & {*CAREER_TYPES, "training",
                                                                "credential", "category"} \
                and not (topic and p.pronoun):
            return _Decision("oos", 3.0)  # "how much does an MRI cost?": prices of care
        if not explicit and not self.context.last_list and p.has(*sets["other_fields"]):
            rest = p.padded
            for name in sets["other_fields"]:  # "radiation therapist" is not radiology
                rest = rest.replace(f" {name} ", " ")  # for its first word
            if not any(t in e.understander.domain for t in rest.split()):
                return _Decision("oos", 3.0)  # "is dentistry a good career?"
        for m in explicit:
            if g.node(m.node_ids[0]).type == "category" and m.start > 0 \
                    and p.tokens[m.start - 1] in p.unknown and len(explicit) == 1:
                return _Decision("oos", 1.0)  # "how much do vet techs make?"
        if scores.get("out_of_scope", 0.0) >= (3.5 if explicit else 3.0):
            return _Decision("oos", scores["out_of_scope"])  # "who discovered x-rays?"
        if self._profile_changed and not p.question and p.tokens and p.tokens[0] in {
                "i", "my", "im", "honestly", "well", "so", "actually"} and max(
                (s.score for s in p.intents if s.intent != "about_me"), default=0.0) < 3.0:
            d = _Decision("about_me", max(scores.get("about_me", 0.0), 1.5))
            d.nodes = self._entities(p, d, explicit, keyword, topic, [], False)
            return d  # "I'd rather not deal with patients": said about oneself
        list_refs = self._list_refs(p)
        words = p.tokens
        while words and words[0] in lex.sets["fillers"]:
            words = words[1:]
        followup = (words[:2] in (("what", "about"), ("how", "about"))
                    or words[:1] == ("and",) or words[:2] == ("same", "question"))
        short_followup = bool(topic) and ((followup and len(p.tokens) <= 10)
                                          or (p.pronoun and len(p.tokens) <= 6))
        first_person_statement = (not p.question and bool(p.tokens)
                                  and p.tokens[0] in {"i", "my", "so", "well", "honestly"}
                                  and first_person)
        adjusted: dict[str, float] = {}
        asks_for_pick = self._asks_for_pick(p)
        mention_types = {g.node(i).type for m in [*explicit, *keyword] for i in m.node_ids}
        # Only intents with some evidence can score above 0 (and "recommend" when the text
        # asks for a pick), so only they are weighed, in declaration order as ties need.
        named = [n for n in scores if n in e.intent_index]
        if asks_for_pick and "recommend" not in scores and "recommend" in e.intent_index:
            named.append("recommend")
        for spec in [e.intents[n] for n in sorted(named, key=e.intent_index.__getitem__)]:
            score = scores.get(spec.name, 0.0)
            if spec.name == "recommend" and asks_for_pick:
                score += 3.0  # "what radiology role would fit?"
            if spec.name == "medical_advice" and careers_named and score < 4.0:
                continue  # a question about careers that mentions "my images"
            if score <= 0:
                continue
            fits = not spec.entity_types.isdisjoint(mention_types)
            if not spec.needs_entity and fits and explicit:
                score += 1.0
            if spec.needs_entity:
                if fits or list_refs:
                    score += 1.0
                elif topic and (p.pronoun or followup or len(p.tokens) <= 8):
                    score += 0.5
                else:
                    score -= 3.0
            if spec.name in SOCIAL and (explicit or keyword or any(
                    v >= 2 for k, v in scores.items() if k not in SOCIAL)):
                score -= 2.5
            if spec.name == "about_me":
                score += 1.5 if first_person_statement else (-2.5 if p.question else 0.0)
            if spec.name == "compare":
                n_explicit = len({m.node_ids[0] for m in explicit
                                  if g.node(m.node_ids[0]).type in spec.entity_types} | {
                    m.node_ids[0] for m in keyword if len(m.node_ids) == 1
                    and g.node(m.node_ids[0]).type in CAREER_TYPES})
                n_explicit += len(list_refs)
                if n_explicit < 2 and not (n_explicit == 1 and topic):
                    score -= 3.0
                if scores.get("compare", 0.0) < 1.5:
                    score -= 1.5  # "X or Y for ...?" alone is not a comparison
                elif n_explicit >= 2 and scores.get("compare", 0.0) >= 2.5:
                    score += 2.0  # "X vs Y", "difference between X and Y"
            if spec.name == "recommend" and not first_person and any(
                    not g.neighbours(m.node_ids[0], "kind_of", incoming=True)
                    for m in [*explicit, *keyword]) and not p.has("you recommend", "you suggest"):
                score -= 2.0  # "which career involves PET scans?" asks about a career
            if spec.name == "recommend" and first_person:
                score += 0.5
            if spec.name == "recommend" and p.tokens[-2:] in (("is", "that"), ("is", "this")):
                score -= 2.0  # "... what kind of job is that?" asks to name a career
            if spec.name == "list_careers" and any(
                    g.node(m.node_ids[0]).type == "category" for m in explicit):
                score += 1.0
            if spec.name == "list_careers" and self._requires_filter(p) and any(
                    g.node(m.node_ids[0]).type in {"training", "credential"} for m in explicit):
                score += 2.0  # "jobs that don't need an MD"
            adjusted[spec.name] = score
        best = max(adjusted.items(), key=lambda kv: kv[1], default=("", 0.0))
        if followup and (explicit or keyword) and self.context.last_intent not in {
                "", "recommend", "about_me"} and max(
                (s.score for s in p.intents if s.intent != self.context.last_intent),
                default=0.0) < 2.0:
            best = (self.context.last_intent, max(best[1], 1.5))  # "and what about X?"
        if (best[0] in SOCIAL and best[1] >= 2 and not explicit and len(p.tokens) <= 6
                and len(p.unknown) <= 1):
            return _Decision(best[0], best[1])
        # Is this about the field at all? Names of careers and radiology words say so; a
        # keyword alone ('software') only for questions that look a career up.
        strong = bool(explicit) or p.domain or bool(list_refs)
        lookup = best[0] in {"describe", "duties", "subspecialties", "modalities", "about_me",
                             "recommend", "compare", "skills"} or p.tokens[:1] == ("who",)
        in_domain = strong or (bool(keyword) and lookup)
        about_topic = bool(topic) and any(topic[0].id in m.node_ids for m in keyword)
        if keyword and not strong and not lookup and not (topic and p.pronoun) and not about_topic \
                and not (topic and followup) and best[1] >= 1.5:
            # "how much do software engineers earn"; but "what about for kids?" after a
            # question on a fellowship moves the same question to the kids' one
            return _Decision("oos", best[1])

        if best[0] == "about_me" and best[1] >= 1.5 and (self._profile_changed or in_domain):
            in_domain = True
        if not in_domain:
            if p.unknown and not (short_followup or (topic and len(p.unknown) == 1
                                                      and best[1] >= 2.5)):
                many = len(p.tokens) >= 3 or p.question
                return _Decision("oos" if many else "not_understood", best[1])
            contextual = short_followup or (topic and len(p.tokens) <= 8 and best[1] >= 1.5) or (
                topic and len(p.tokens) <= 14 and best[1] >= 2.5)
            if best[0] not in SOCIAL and best[0] not in {
                    "recommend", "about_me", "pay", "outlook", "skills", "list_careers",
                    "subspecialties"} and not contextual:
                return _Decision("not_understood", best[1])
        if best[1] < 1.0 and topic and (followup or p.pronoun) and not p.unknown:
            best = (self.context.last_intent if self.context.last_intent in e.intents
                    and self.context.last_intent not in {*SOCIAL, "recommend", "about_me"}
                    else "describe", 1.0)  # "and the technologist version of that?"
        if best[1] < 1.0:
            if list_refs:
                best = (self.context.last_intent if followup and self.context.last_intent
                        not in {"", "list_careers", "recommend"} else "describe", 1.0)
            elif explicit or keyword:
                best = ("describe", max(best[1], 1.0))
            else:
                return _Decision("not_understood", best[1])
        if best[1] < 3.0 and best[0] not in {*SOCIAL, "recommend", "compare"} and any(
                g.node(m.node_ids[0]).type == "modality" for m in explicit) and careers_named_any:
            best = ("modalities", max(best[1], 1.5))  # "can a rad tech do mammograms?"
        d = _Decision(best[0], best[1])
        if d.intent in SOCIAL or d.intent in {"recommend"}:
            return d
        d.nodes = self._entities(p, d, explicit, keyword, topic, list_refs, short_followup)
        # "Which fellowship covers the brain?" looks a subspecialty up by what it covers.
        if (d.intent in {"describe", "duties"} and d.nodes and d.nodes[0].type == "subspecialty"
                and p.requested == "subspecialty"
                and not any(m.node_ids[0] == d.nodes[0].id for m in explicit)):
            d.intent = "subspecialties"
        looked_up = [g.node(m.node_ids[0]) for m in explicit
                     if g.node(m.node_ids[0]).type in {"modality", "concept"}]
        keyword_careers = [g.node(i) for m in keyword for i in m.node_ids
                           if g.node(i).type in CAREER_TYPES]
        named_category = any(g.node(i).type == "category" for m in p.mentions
                             for i in m.node_ids)
        explicit_careers = [g.node(m.node_ids[0]) for m in explicit
                            if g.node(m.node_ids[0]).type in CAREER_TYPES]
        if d.intent == "list_careers" and explicit_careers and not named_category \
                and not self._requires_filter(p):
            d.intent, d.nodes = "describe", explicit_careers[:1]  # "any jobs on the AI stuff?"
        elif d.intent == "list_careers" and keyword_careers and not named_category:
            d.intent, d.nodes = "describe", keyword_careers[:1]
        elif d.intent == "list_careers" and looked_up and not any(
                g.node(m.node_ids[0]).type == "category" for m in explicit):
            d.intent = "modalities"  # "which jobs use MRI" looks careers up by a modality
            d.nodes = looked_up
        if d.intent == "describe" and d.nodes and d.nodes[0].type == "skill":
            d.intent = "skills"
        if d.intent == "duties" and d.nodes and d.nodes[0].type not in CAREER_TYPES:
            d.intent = "describe"
        return d

    @staticmethod
    def _requires_filter(p: Parse) -> bool:
        return bool(p.words & {"need", "needs", "require", "requires", "required",
                                     "without", "involve", "involves"})

    def _asks_for_pick(self, p: Parse) -> bool:
        """'Which fellowship would you put at the top of my list?', 'which radiology career
        fits?': a which/what question about a kind of career, with a word of fit or choice."""
        sets = self._engine.lexicon.sets
        words = p.words
        fit = words & sets["fit_words"]
        return bool(words & {"which", "what", "where"} and words & sets["career_words"]
                    and (fit or words & sets["pick_words"])
                    and (words & sets["first_person"] or fit))

    def _list_refs(self, p: Parse) -> list[str]:
        """Items of the last list the text points at: '2', 'the second one', 'compare 1 and 3'."""
        items = self.context.last_list
        if not items:
            return []
        # A digit right before another word is not a pick: "u need a phd 4 research?"
        joiners = {"and", "or", "vs", "versus", "one", "ones", "&", "to", "with"}
        stray = {t for t, nxt in zip(p.tokens, p.tokens[1:], strict=False)
                 if t.isdigit() and nxt not in joiners}
        picks: list[int] = [n for n in p.numbers if 1 <= n <= len(items)
                            and (str(n) not in stray or p.tokens[-1] == str(n))]
        for token in p.tokens:
            if token in self._engine.lexicon.ordinals:
                n = self._engine.lexicon.ordinals[token]
                picks.append(len(items) if n == -1 else n)
        if not picks and "one" in p.tokens and len(p.tokens) <= 10:
            return self._list_item_by_word(p, items)  # "tell me more about the IT one"
        if not picks or len(p.tokens) > 10:
            return []
        return [items[n - 1] for n in dict.fromkeys(picks) if 1 <= n <= len(items)]

    def _list_item_by_word(self, p: Parse, items: tuple[str, ...]) -> list[str]:
        """The one listed item a word of the text belongs to (its name, aliases, keywords);
        an acronym typed in capitals counts even when it is a common word ('IT')."""
        g = self._engine.graph
        lex = self._engine.lexicon
        acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", p.text)}
        words = {t for t in p.tokens if t not in lex.stopwords and t != "one"} | acronyms
        hits = []
        for item in items:
            node = g.node(item)
            vocab = {w for text in (node.name, *node.aliases, *node.keywords)
                     for w in text.lower().replace("-", " ").split()}
            if words & vocab:
                hits.append(item)
        return hits[:1] if len(hits) == 1 else []

    def _entities(self, p: Parse, d: _Decision, explicit: list[Mention],
                  keyword: list[Mention], topic: list[Node], list_refs: list[str],
                  short_followup: bool = False) -> list[Node]:
        e = self._engine
        g = e.graph
        spec = e.intents[d.intent]
        types = spec.entity_types
        if list_refs:
            d.context_used.append("items of the previous list: " + ", ".join(list_refs))
            return [g.node(i) for i in list_refs]
        positive = [m for m in explicit if not m.negated] or explicit
        nodes = [g.node(m.node_ids[0]) for m in positive]
        counts: dict[str, float] = {}
        for m in [k for k in keyword if not k.negated] or keyword:
            for node_id in m.node_ids:
                counts[node_id] = counts.get(node_id, 0.0) + 1.0 / len(m.node_ids)
        kw_nodes = [g.node(i) for i in sorted(counts, key=lambda i: (-counts[i], g.order(i)))]
        requested = p.requested
        # A keyword naming a specialisation of what was said explicitly is more specific:
        # "a radiologist who only looks at kids' scans" -> pediatric radiology.
        for k in kw_nodes:
            lineage = [k, *g.closure(k.id, "specializes")]
            parents = {n.id for n in lineage[1:]} | {
                c.id for x in lineage for c in g.neighbours(x.id, "in_category")}
            for i, n in enumerate(nodes):
                if n.id in parents and (requested in (None, k.type) or k.type in CAREER_TYPES):
                    nodes[i] = k
                    d.notes.append(f"'{k.id}' is a specialisation of '{n.id}' named by keyword")
        nodes = list(dict.fromkeys(nodes))
        # Named together, the specific beats the general: "radiologists who work on AI" is the
        # AI specialist, "IR ... the fellowship part" is the IR fellowship.
        for n in list(nodes):
            general = {x.id for x in g.closure(n.id, "specializes")} | {
                x.id for x in g.neighbours(n.id, "kind_of")}
            if general:
                nodes = [n, *[x for x in nodes if x.id not in general and x != n]] \
                    if any(x.id in general for x in nodes) else nodes
        # A generic node ("the fellowship") stands for the topic when the topic is a kind of it.
        definite = {"the", "that", "this", "its", "their"}
        starts = {m.node_ids[0]: m.start for m in positive}
        for i, n in enumerate(nodes):
            start = starts.get(n.id, 0)
            if start == 0 or p.tokens[start - 1] not in definite:
                continue
            if any(n in g.neighbours(k.id, "kind_of") for k in kw_nodes):
                continue  # "the fellowship for bones and joints" names its own kind
            for t in topic:
                if n in g.neighbours(t.id, "kind_of"):
                    nodes[i] = t
                    d.context_used.append(f"'{n.id}' read as the current topic '{t.id}'")
        # Nodes of the asked-for type first ("which fellowship ...": subspecialties), then
        # nodes reached through relations (a modality -> the careers that use it).
        fitting = [n for n in nodes if n.type in types]
        if p.tokens[:1] == ("who",) and not requested:
            by_relation = [k for k in kw_nodes if k.type in CAREER_TYPES] + [
                n for n in self._coerce(nodes, "role") if n not in kw_nodes]
            if by_relation:
                fitting = by_relation + [n for n in fitting if n not in by_relation]
        explicit_career = any(n.type in CAREER_TYPES for n in fitting)
        if requested and not explicit_career:
            wanted = [n for n in fitting if n.type == requested]
            if not wanted:
                wanted = [n for n in kw_nodes if n.type == requested and n.type in types]
            if not wanted:
                wanted = [n for n in self._coerce(nodes + kw_nodes, requested) if n.type in types]
                if wanted:
                    d.notes.append(f"asked for a {requested}: resolved through relations")
            fitting = wanted + [n for n in fitting if n not in wanted]
        if not fitting and kw_nodes and p.points_back and not short_followup and topic \
                and topic[0].type in CAREER_TYPES and topic[0].type in types:
            # "is there any safety aspect to the job?": the job is the topic; 'safety' is the
            # aspect asked about, not another career
            fitting = [topic[0]]
            d.context_used.append(f"'{topic[0].id}' is what the pronoun points at")
        if not fitting and kw_nodes:
            fitting = [n for n in kw_nodes if n.type in types]
        if not fitting:
            fitting = [n for n in self._coerce(nodes, None) if n.type in types]
        if p.pronoun and topic and topic[0].type in CAREER_TYPES and topic[0].type in types \
                and nodes and not any(n.type in CAREER_TYPES for n in nodes) \
                and topic[0] not in fitting and d.intent in _CAREER_ASPECTS | {"education"}:
            fitting = [topic[0], *fitting]  # "do they need a certification like ARRT?"
            d.context_used.append(f"'{topic[0].id}' is what the pronoun points at")
        # "is it just mammograms?" about breast imaging, "is that a residency or a fellowship?"
        # about IR: with a pronoun, a node the topic points at is an aspect of the topic.
        if p.pronoun and topic and topic[0].type in CAREER_TYPES and topic[0] not in fitting \
                and topic[0].type in types and any(
                    n in g.neighbours(topic[0].id) for n in nodes):
            fitting = [topic[0], *fitting]
            d.context_used.append(f"'{topic[0].id}' is what the pronoun points at")
        # "ultrasound school" then "which areas could I specialize in?": the step stands for
        # the one career it leads to.
        if d.intent in _CAREER_ASPECTS:
            for i, n in enumerate(fitting):
                if n.type == "training" and not e.composer.children(n):
                    leads = [c for c in g.neighbours(n.id, "requires", incoming=True)
                             if c.type in CAREER_TYPES]
                    if len(leads) == 1:
                        fitting[i] = leads[0]
                        d.notes.append(f"'{n.id}' read as the career it leads to, "
                                       f"'{leads[0].id}'")
        # Careers before other kinds of node: "is there demand for sonographers" is about the
        # sonographer, not the 'demand' topic.
        fitting.sort(key=lambda n: 0 if n.type in CAREER_TYPES else 1)
        # "are they in demand?": a pronoun points at the career being discussed, ahead of
        # topic words like 'demand'.
        if topic and (p.pronoun or short_followup) and all(
                n.type in {"topic", "concept", "skill"} for n in fitting):
            careers = [t for t in topic if t.type in CAREER_TYPES and t.type in types]
            if careers:
                fitting = careers + fitting
                d.context_used.append("topic of the conversation: "
                                      + ", ".join(t.id for t in careers))
        if topic and (p.pronoun or short_followup) and all(
                n.type in {"category", "topic", "concept"} for n in nodes):
            for t in topic[:1]:
                for word in p.tokens:
                    if word in e.lexicon.stopwords or word in e.lexicon.pronouns:
                        continue
                    found = g.lookup(f"{t.name} {word}")
                    if found is not None and found != t and found.type in types:
                        fitting.insert(0, found)
                        d.context_used.append(f"'{t.name}' + '{word}' names '{found.id}'")
                        break
        subject = topic[0] if topic else None
        if subject is not None and subject.type == "training" and not e.composer.children(subject):
            leads = [c for c in g.neighbours(subject.id, "requires", incoming=True)
                     if c.type in CAREER_TYPES]
            subject = leads[0] if len(leads) == 1 else subject
        if not fitting and subject is not None and d.intent in _CAREER_ASPECTS \
                and len(p.tokens) <= 8 and subject.type in CAREER_TYPES:
            fitting = [subject]
            d.context_used.append(f"topic of the conversation: {subject.id}")
        if not fitting and topic and (spec.needs_entity or p.pronoun or short_followup):
            fitting = [t for t in topic if t.type in types] or topic
            d.context_used.append("topic of the conversation: " + ", ".join(t.id for t in topic))
        # "who's the doctor that ...": the graph says which category 'doctor' names.
        doctor_cats: set[str] = set()
        for word in p.words & e.lexicon.sets["doctor_words"]:
            named = g.lookup(word)
            if named is not None:
                doctor_cats.update(c.id for c in ([named] if named.type == "category"
                                                  else e.composer.categories(named)))
        if doctor_cats:
            def physician(n: Node) -> bool:
                return any(c.id in doctor_cats for c in e.composer.categories(n))
            doctors = [k for k in kw_nodes if physician(k) and k.type in types
                       and k.type in CAREER_TYPES]
            if doctors and fitting and not physician(fitting[0]):
                fitting = [*doctors[:1], *fitting]
        # "can a technician become a radiologist": the node after 'become' is the goal.
        if "become" in p.tokens or "becoming" in p.tokens:
            pos = max(p.tokens.index(w) for w in ("become", "becoming") if w in p.tokens)
            after = [g.node(m.node_ids[0]) for m in positive if m.start > pos]
            if after and after[0] in fitting:
                fitting.remove(after[0])
                fitting.insert(0, after[0])
        return fitting

    def _coerce(self, nodes: list[Node], requested: str | None) -> list[Node]:
        g = self._engine.graph
        out: list[Node] = []
        for n in nodes:
            if n.type in CAREER_TYPES and (requested is None or n.type == requested):
                continue
            related = [*g.neighbours(n.id, "uses_modality", incoming=True),
                       *g.neighbours(n.id, "works_with", incoming=True)]
            for r in related:
                if r.type in CAREER_TYPES and (requested is None or r.type == requested) \
                        and r not in out:
                    out.append(r)
        return out

    # -- composing ------------------------------------------------------------------------
    def _compose(self, p: Parse, d: _Decision) -> Answer | None:
        e = self._engine
        c = e.composer
        g = e.graph
        node = d.nodes[0] if d.nodes else None
        intent = d.intent
        if intent == "list_careers":
            explicit = [g.node(m.node_ids[0]) for m in p.alias_mentions]
            category = next((n for n in explicit if n.type == "category"), None)
            if category is None:  # "jobs with companies" names the industry category by keyword
                category = next((g.node(i) for m in p.mentions if m.kind == "keyword"
                                 for i in m.node_ids if g.node(i).type == "category"), None)
            requiring = next((n for n in explicit if n.type in {"training", "credential"}), None)
            negated = any(m.negated for m in p.alias_mentions
                          if requiring is not None and m.node_ids[0] == requiring.id)
            among: tuple[str, ...] = ()
            if p.pronoun and self.context.last_list:
                among = self.context.last_list
                d.context_used.append("the careers listed before")
            asks_need = bool(p.words & {"need", "needs", "require", "requires",
                                              "required", "without", "involve", "involves"})
            asks_need = asks_need or negated  # "I don't want to go to med school. Which jobs?"
            if requiring is not None and asks_need and p.score("list_careers") >= 1.5:
                return c.list_careers(None, among=among, requiring=requiring, without=negated)
            negated_cat = category is not None and any(
                m.negated for m in p.alias_mentions if m.node_ids[0] == category.id)
            if category is not None and negated_cat:
                others = [n for n in c.careers() if category not in c.categories(n)]
                lines = [e.responses["careers_not_in"].format(name=category.name.lower())]
                lines.extend(f"• {n.name}" for n in others)
                return Answer("\n".join(lines), (category.id,), tuple(n.id for n in others))
            return c.list_careers(category)
        if intent == "subspecialties":
            return c.subspecialties(node)
        if intent == "skills":
            return c.skills(node)
        if intent == "pay":
            return c.pay(node)
        if intent == "outlook":
            return c.outlook(node)
        if intent == "about_me":
            return self._about_me(p, d)
        if node is None:
            return None
        if intent == "compare":
            named = [g.node(m.node_ids[0]) for m in p.mentions if m.kind == "keyword"
                     and len(m.node_ids) == 1 and g.node(m.node_ids[0]).type in CAREER_TYPES]
            nodes = list(dict.fromkeys([*d.nodes, *named]))
            mixed = any(n.type in CAREER_TYPES for n in nodes)
            for i, n in enumerate(nodes):
                if mixed and n.type in {"modality", "concept"}:
                    users = [u for u in self._coerce([n], "role") if u not in nodes]
                    if len(users) == 1:
                        nodes[i] = users[0]
            if len(nodes) < 2 and self.context.topic:
                t = g.node(self.context.topic[0])
                if t not in nodes:
                    nodes.insert(0, t)
                    d.context_used.append(f"compared with the topic '{t.id}'")
            if len(nodes) < 2:
                return c.describe(node)
            aspect = next((a for a, floor in _ASPECTS
                           if p.score(a) >= floor), None)
            return c.compare(nodes[:3], aspect)
        if intent in {"describe", "duration"} and "between" in p.tokens:
            steps = [g.node(m.node_ids[0]) for m in p.alias_mentions
                     if g.node(m.node_ids[0]).type == "training"]
            middle = next((n for n in g.of_type("training") if len(steps) >= 2
                           and steps[0] in g.neighbours(n.id, "requires")
                           and steps[-1] in g.neighbours(n.id, "followed_by")), None)
            if middle is not None:
                d.notes.append(f"'{middle.id}' comes between '{steps[0].id}' and "
                               f"'{steps[-1].id}'")
                return c.describe(middle)  # "is there a year in between?"
        if intent == "describe":
            return c.describe(node)
        if intent == "duties":
            return c.duties(node)
        if intent == "duration" and p.requested == "subspecialty":
            numbers = e.lexicon.numbers
            years = [numbers.get(t, int(t) if t.isdigit() else 0) for t in p.tokens]
            wanted = [y for y in years if y]
            if wanted and (node.type != "subspecialty" or node.duration is None):
                match = [n for n in g.of_type("subspecialty") if n.duration is not None
                         and n.duration.low <= wanted[0] <= n.duration.high]
                if match:
                    return c.describe(match[0])  # "which fellowship is two years long?"
        if intent == "duration":
            after = None
            steps = [g.node(m.node_ids[0]) for m in p.alias_mentions
                     if g.node(m.node_ids[0]).type == "training"]
            if len(steps) >= 2 and (p.words & {"until", "till", "through", "done", "finish",
                                                     "finished", "end", "total", "altogether",
                                                     "combined"} or p.has("from", "in all")):
                return c.span(steps[0], steps[-1])
            if "after" in p.tokens:
                trainings = [g.node(m.node_ids[0]) for m in p.alias_mentions]
                after = next((t for t in trainings if t.type == "training" and t != node), None)
                career = next((n for n in d.nodes if n.type in CAREER_TYPES), None)
                if after is None and node.type == "training" and career is None:
                    target = next((t for t in ((self.context.topic and
                                               [g.node(self.context.topic[0])]) or [])
                                   if node in g.pathway(t.id).steps and t != node), None)
                    if target is not None:
                        after, node = node, target
                        d.context_used.append(f"the step after '{after.id}' toward '{node.id}'")
                if after is None and node.type == "training" and career is not None:
                    after, node = node, career
                elif after is not None and node.type == "training" and career is not None:
                    node = career
            fellowship_only = "fellowship" in p.tokens and "become" not in p.tokens
            return c.duration(node, after, fellowship_only=fellowship_only)
        if intent == "education" and "before" in p.tokens and p.words & {
                "need", "do", "comes", "come", "happens", "required"}:
            at = p.tokens.index("before")
            step = next((g.node(m.node_ids[0]) for m in p.alias_mentions
                         if m.start > at and g.node(m.node_ids[0]).type == "training"), None)
            if step is not None:
                return c.before(step)  # "what do I need to do before residency?"
        if intent == "education":
            # "from X to Y" needs X said in this very text: a topic carried over from earlier
            # ("is it too late to become a radiologist?" after a question on AI) is no X.
            said = {i for m in p.mentions for i in m.node_ids}
            others = [n for n in d.nodes[1:] if n.type in CAREER_TYPES and n.id in said]
            current = others[0] if others and "become" in p.tokens else None
            return c.education(node, current)
        if intent == "certification":
            careers = [n for n in dict.fromkeys(d.nodes) if n.type in CAREER_TYPES]
            if len(careers) >= 2:  # "do sonographers and rad techs get certified by the same..."
                parts = [c.certification(n) for n in careers[:3]]
                return Answer("\n".join(a.text for a in parts),
                              tuple(i for a in parts for i in a.entities))
            return c.certification(node)
        if intent == "modalities":
            modality = next((g.node(m.node_ids[0]) for m in p.alias_mentions
                             if g.node(m.node_ids[0]).type == "modality"), None)
            if modality is not None and node.type not in CAREER_TYPES:
                return c.describe(modality)  # "which technologists perform SPECT scans?"
            return c.modalities(node)
        return c.describe(node)

    def _about_me(self, p: Parse, d: _Decision) -> Answer:
        e = self._engine
        heard = e.interviewer.describe_profile(self.dialog)
        lines = []
        if heard:
            lines.append(f"Thanks, noted: {heard}.")
        else:
            lines.append("Thanks for telling me about yourself.")
        if d.nodes:
            lines.append(e.composer.describe(d.nodes[0]).text)
        lines.append('When you are ready, ask "which career fits me?" for a ranked '
                     "recommendation.")
        return Answer("\n".join(lines), tuple(n.id for n in d.nodes[:1]))

    def _recommend(self, p: Parse, d: _Decision) -> Reply:
        e = self._engine
        iv = e.interviewer
        scope = "fellowship" if p.words & e.lexicon.sets["subspecialty_words"] else "auto"
        wants_questions = p.has(*e.lexicon.sets["sharpen_phrases"])
        if iv.enough_to_rank(self.dialog) and not wants_questions:
            rec = iv.recommend(self.dialog, scope=scope)
            ids = tuple(f.node.id for f in rec.fits)
            self.context.last_list = ids
            self.context.topic = ids[:1]
            self.context.last_intent = "recommend"
            text = rec.text + "\n\n" + ('Say "ask me questions" to sharpen this, "tell me more '
                                        'about 2" or "compare 1 and 3".')
            explain = partial(Explanation, "recommend", d.score,
                              notes=("ranked from what you said",))
            return Reply(text, "recommend", ids[:3], min(1.0, d.score / 4), False,
                         e.dialog_suggestions("recommendation"), explain, kind="recommendation",
                         listed=ids)
        skills = [g for m in p.alias_mentions
                  if (g := e.graph.node(m.node_ids[0])).type == "skill"]
        if skills:  # "I'm super detail-oriented, would radiology suit me?"
            answer = e.composer.skills(None)
            text = answer.text + "\n\n" + 'Say "help me choose a career" and I will ask a few ' \
                "questions to recommend a pathway."
            return self._reply(p, d, Answer(text, answer.entities))
        self.dialog, turn = iv.start(self.dialog)
        return self._dialog_reply(turn)

    # -- reply building -------------------------------------------------------------------
    def _explain(self, p: Parse, d: _Decision) -> Explanation:
        top = next((s for s in p.intents if s.intent == d.intent), None)
        entities = tuple((n.id, next((m.text for m in p.mentions if n.id in m.node_ids), ""),
                          next((m.kind for m in p.mentions if n.id in m.node_ids), "context"))
                         for n in d.nodes)
        return Explanation(
            d.intent, d.score, top.cues if top else (), top.example if top else "",
            top.similarity if top else 0.0, entities, p.corrections, tuple(d.context_used),
            tuple((s.intent, s.score) for s in p.intents if s.intent != d.intent)[:3],
            tuple(d.notes))

    def _reply(self, p: Parse, d: _Decision, answer: Answer, kind: str = "answer") -> Reply:
        e = self._engine
        entities = answer.entities if answer.entities or answer.listed else tuple(
            n.id for n in d.nodes)
        if answer.entities:
            self.context.topic = tuple(i for i in answer.entities[:1])
        elif d.nodes:
            self.context.topic = (d.nodes[0].id,)
        if answer.listed:
            self.context.last_list = answer.listed
        if d.intent not in SOCIAL:
            self.context.last_intent = d.intent
        confidence = max(0.0, min(1.0, d.score / 4.0))
        suggestions = e.suggest(d.intent, [e.graph.node(i) for i in entities if i in e.graph])
        return Reply(answer.text, d.intent, entities, confidence, False, suggestions,
                     partial(self._explain, p, d), kind=kind, table=answer.table,
                     listed=answer.listed)

    def _fallback(self, p: Parse, d: _Decision, text: str, intent: str) -> Reply:
        e = self._engine
        return Reply(text, intent, (), 0.0, True, e.starter_questions,
                     partial(self._explain, p, d),
                     kind="fallback")

    def _not_understood(self, p: Parse, d: _Decision) -> Reply:
        e = self._engine
        options = e.did_you_mean(p, [n.id for n in d.nodes] or list(self.context.topic))
        text = e.responses["not_understood"]
        word = self._uncovered_word(p)
        if p.domain and p.question and word is not None:  # "is working in radiology stressful?"
            what = e.lexicon.uncovered[word].format(subject="working in radiology",
                                                    who="people in radiology")
            text = e.responses["silent"].format(what=what) + " " + e.responses["coverage"]
        elif p.domain and p.question and not p.unknown:
            text = e.responses["silent_general"]
        if options:
            text += " " + e.responses["did_you_mean"] + "\n" + "\n".join(f"• {o}" for o in options)
        return Reply(text, "not_understood", (), max(0.0, min(1.0, d.score / 4)), True,
                     tuple(options) or e.starter_questions, partial(self._explain, p, d),
                     kind="fallback")
