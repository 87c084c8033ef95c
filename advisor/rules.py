"""The reply policy: small named rules, applied in a declared order, that decide what a turn asks.

A decision has three stages, each a list of rules:

* `GATES` decline or redirect a turn that is not a question about careers (medical advice,
  prices of care, other professions, a statement about oneself). The first that fires wins.
* `ADJUSTMENTS` weigh each intent's language score by what the turn names (an intent whose kind
  of node was named gains; "compare" with one thing named loses). Weights live in policy.yaml.
* `SETTLERS` look at the best intent in context (a follow-up keeps the last question, a turn
  outside the field is declined, a weak one falls back to describing what was named).

Every rule is a short function whose docstring carries its example; each has its own test in
tests/test_rules.py. No rule names a career: they read node types, relations and word sets.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from knowledge import CAREER_TYPES, Node
from knowledge.index import Hit, SemanticIndex
from knowledge.memo import Memo
from knowledge.record import field, record, replace

from .nlu import MONEY, NEGATION_REACH, Mention, Parse, _phrases_pattern

if TYPE_CHECKING:
    from .core import Engine
    from .resources import IntentSpec

SOCIAL = frozenset({"greeting", "thanks", "goodbye", "help"})
DECLINED = frozenset({"oos", "out_of_scope", "medical_advice", "not_understood",
                      "logistics"})
#: What stands between a message's parts and a correction of it ('..., sorry I mean -- ...').
_CORRECTION_EDGE = " \t\n,;:.!…-–—*()"


@record(frozen=False)
class Context:
    """What the conversation is about, carried from turn to turn (plain data)."""

    topic: tuple[str, ...] = ()
    last_intent: str = ""
    last_list: tuple[str, ...] = ()


@record(frozen=False)
class Decision:
    """What a turn asks: an intent, how sure, about which nodes, and why (for explain)."""

    intent: str
    score: float
    nodes: list[Node] = field(default_factory=list)
    context_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Set by a gate whose decision still needs the nodes of the turn resolved.
    resolve: bool = False
    #: The words of the person's description that picked the node (quoted in the answer).
    described: tuple[str, ...] = ()
    #: A direct question answered instead of starting the chooser: offer it after.
    offer_chooser: bool = False
    #: A decline no context overrides: another profession asked about ("and what about
    #: radiation therapists, same exam?" after rad techs is about the therapists).
    firm: bool = False


@record
class Facts:
    """What the rules read about one turn: the parse, its mentions and the context."""

    p: Parse
    scores: Mapping[str, float]
    explicit: tuple[Mention, ...]
    keyword: tuple[Mention, ...]
    topic: tuple[Node, ...]
    last_intent: str
    has_list: bool
    list_refs: tuple[str, ...]
    first_person: bool
    careers_named: bool
    careers_named_any: bool
    followup: bool
    short_followup: bool
    #: A question of a few words after an answer, naming nothing ('still see patients?').
    short_question: bool
    first_person_statement: bool
    asks_for_pick: bool
    mention_types: frozenset[str]
    profile_changed: bool
    #: The interview already knows enough of the person to rank careers.
    profiled: bool = False
    #: The person has said something of what they like or avoid.
    known: bool = False

    def other_best(self, intent: str) -> float:
        """The best score of any intent but `intent`."""
        return max((s.score for s in self.p.intents if s.intent != intent), default=0.0)


class Policy:
    """The rules' shared reading of one engine: its graph, word sets and weights."""

    def __init__(self, engine: Engine, weights: Mapping[str, float],
                 sets: Mapping[str, frozenset[str]], aspects: Mapping[str, float]) -> None:
        self.engine = engine
        self.g = engine.graph
        self.sets = {**engine.lexicon.sets, **sets}
        self.w = weights
        self._sentences: Memo[str, tuple[tuple[str, ...], tuple[str, ...]]] = Memo(
            items=2048, chars=1_000_000)
        #: The aspect a comparison is about when its intent scores this much, in order.
        self.aspects = aspects
        #: Forms of answer asked for at a question's end, longest first ('one word is fine'
        #: before 'one word').
        self._format_requests = sorted(self.sets["format_requests"], key=len, reverse=True)
        #: Words that describe nothing: function words, and words naming the kind of thing
        #: asked for ("which *fellowship*", "what *job*").
        self._not_descriptive = engine.lexicon.stopwords | self.sets["role_words"] | self.sets[
            "subspecialty_words"] | self.sets["career_words"]
        lex = engine.lexicon
        cue_words = {w for spec in engine.intents.values() for phrase, _ in spec.cues
                     for w in phrase.split()}
        #: Words that ask how, not about what: function words, cue words of the intents,
        #: fillers and vague words, the field's own terms.
        self._strong_negation = _phrases_pattern(tuple(
            n for n in lex.negations if n not in self.sets["weak_negations"]))
        self.plain_words = self._not_descriptive | lex.pronouns | lex.question_words | {
            w for n in lex.negations for w in n.split()} | self.sets["fillers"] | self.sets[
            "vague_words"] | cue_words | set(lex.uncovered) | engine.understander.domain | {
            w for name in self.sets["plain_sets"] for phrase in self.sets[name]
            for w in phrase.split()}
        words = self._regex_of
        # A letter's frame: the greeting that opens it, a closing and what follows (a name),
        # and the polite wrapping of a question ("could you please tell me how ..."). Each a
        # bounded run: linear on any text.
        self._greeting = re.compile(
            rf"^\s{{0,8}}(?:{words('greetings')})\b[^\n,!?.:;]{{0,40}}[,!.:;\n]", re.I)
        self._closing = re.compile(
            rf"(?:^|(?<=[\n.!?]))[ \t]{{0,8}}(?:{words('closings')})[ \t]{{0,4}}(?:[,.!]|\n|$)"
            rf"[^\n?]{{0,40}}(?:\n[^\n?]{{0,60}}){{0,3}}\s{{0,8}}$", re.I)
        self._wrapping = re.compile(
            rf"\b(?:{words('request_wrappings')})\s(?=(?:{words('wrapped_starts')})\b)", re.I)
        # A claim passed on to be checked ("I heard QA specialists audit ..., true?", "my
        # friend says ...", "is it true that ..."): the claim, tagged, is what is asked.
        self._claim_lead = re.compile(
            rf"^\s{{0,8}}(?:(?:{words('claim_leads')})|my\s[a-z]{{1,20}}\s"
            rf"(?:{words('claim_verbs')}))[\s:,-]{{1,3}}(?:that\s)?(?!(?:{words('subjects')})\b)",
            re.I)
        self._claim_tags = frozenset(self.sets["claim_tags"])
        self._settle_asks = tuple(" ".join(a.replace("'", " ").split())
                                  for a in self.sets["settle_asks"])
        # A quote ('...' or "..." or “...”): one bounded class, no opening mark inside, so each
        # start scans at most to the next mark (linear; two overlapping runs of a class
        # backtracked from every opening mark). Its length in words is checked on the match.
        self._quoted = re.compile(
            r"(?:(?<![A-Za-z])'[^'\n]{1,400}'(?![A-Za-z])|\"[^\"\n]{1,400}\"|“[^“”\n]{1,400}”)")
        # A signature alone on the last line, after a blank one ("...?\n\nDylan"): a name.
        self._signature = re.compile(
            r"[.!?:)][ \t]{0,8}\n[ \t]{0,8}\n[ \t]{0,8}(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?[ \t])?"
            r"[A-Z][a-z'\-]{1,20}(?:[ \t][A-Z][a-z'\-.]{0,20}){0,2}[ \t.]{0,3}\s{0,8}$")
        self._purpose = re.compile(rf",?\s?\b(?:{words('purpose_frames')})\b[,:]?", re.I)
        # A correction of what was just typed ("..., sorry I mean the IR one"): a mark between
        # words, its words apart by spaces or a comma ("sorry, I meant").
        self._correction = re.compile(r"(?<![\w'’])(?:" + "|".join(
            re.escape(c).replace(r"\ ", r"[\s,]{1,3}") for c in sorted(
                self.sets["self_corrections"], key=len, reverse=True)) + r")(?![\w'’])", re.I)
        self._correction_openers = tuple(tuple(c.split()) for c in self.sets["self_corrections"])
        # A role-play's set-up: an opener, the role (a bounded run), then a mark, or 'and'
        # before a request ('act as a tour guide and tell me ...').
        self._roleplay = re.compile(
            rf"^\s{{0,8}}(?:{words('roleplay_openers')})[\s:,-]{{1,3}}(?P<role>[^.:;!?\n]{{1,80}}?)"
            rf"(?:[.:;!?\n]|,\s|\s[-–—]\s|\sand\s(?=(?:{words('roleplay_verbs')})\b))", re.I)
        self._second_person = re.compile(rf"\b(?:{words('second_person')})\b", re.I)

    def _regex_of(self, name: str) -> str:
        """The phrases of word set `name` as one regex alternation, longest first."""
        return "|".join(re.escape(p).replace(r"\ ", r"\s") for p in sorted(
            self.sets[name], key=len, reverse=True))

    def unframed(self, text: str) -> str:
        """The question of a letter ('Dear Sir or Madam, ... Could you please tell me how long
        it takes? Kind regards, Priya'): greeting, closing and signature say nothing asked, and
        'could you tell me' wraps a question that is no yes/no one. A text that is all frame
        is kept as typed ('Hi!' is a greeting)."""
        cut = self._closing.sub("", self._greeting.sub("", text, count=1), count=1)
        cut = self._signature.sub(lambda m: m.group(0)[0], cut, count=1)
        cut = self._purpose.sub("", self._wrapping.sub("", cut))
        cut = self._without_format(cut)
        return cut if any(c.isalnum() for c in cut) else text

    def _without_format(self, text: str) -> str:
        """A question without the form of answer it asks for at its end ('... yes or no',
        '... one word is fine', '... just the state'): how to answer, not what is asked.
        String tests only, from the end (no pattern to backtrack over a long text)."""
        end = text.rstrip(" .!?,;:-–—)(\n\t")
        low = end.lower()
        for phrase in self._format_requests:
            if low.endswith(phrase) and (len(low) == len(phrase)
                                         or not low[-len(phrase) - 1].isalnum()):
                head = end[:len(end) - len(phrase)].rstrip(" ,;:-–—(\n\t")
                if any(c.isalnum() for c in head):
                    return head + ("?" if "?" in text[len(head):] else "")
        return text

    def corrected(self, text: str) -> str:
        """What a message asks once it corrects itself ('how long is the MRI fellowship, sorry
        I mean the IR one', 'how long is med school -- scratch that, how long is residency?'):
        after the last correction, a question of its own is what is asked; names alone take
        the place of the name of their kind before it (else of the first). A message that
        opens with the correction follows on from the last turn instead (`facts`)."""
        marks = list(self._correction.finditer(text))
        if not marks:
            return text
        before = text[:marks[-1].start()].rstrip(_CORRECTION_EDGE)
        after = text[marks[-1].end():].lstrip(_CORRECTION_EDGE)
        if not any(c.isalnum() for c in before) or not any(c.isalnum() for c in after):
            return text
        u = self.engine.understander
        a = u.parse(after)
        if not any(set(a.tokens[m.start:m.end]) - self._not_descriptive
                   for m in a.alias_mentions):
            return text  # ('the chest and heart one, no wait I mean which fellowship')
        if self.is_question(after, last=True):
            return after
        b = u.parse(before)
        if not b.alias_mentions:
            return text
        new = a.alias_mentions[0]
        old = next((m for m in reversed(b.alias_mentions)
                    if self.type_of(m) == self.type_of(new)), b.alias_mentions[0])
        words = (*b.tokens[:old.start], *a.tokens[new.start:new.end], *b.tokens[old.end:])
        return " ".join(words) + ("?" if b.question else "")

    def unroled(self, text: str) -> str:
        """A question without its role-play set-up ('pretend you're a residency program
        director. Which exams do your residents take?'): the set-up asks nothing; where the
        role is a career of the field, 'you' in the question is that career ('pretend you're
        a nuclear medicine tech: what scans do you run?')."""
        found = self._roleplay.match(text)
        rest = text[found.end():].strip() if found else ""
        if found is None or not any(c.isalnum() for c in rest):
            return text
        role = found.group("role").strip()
        u = self.engine.understander
        if any(self.type_of(m) in CAREER_TYPES  # (a career of the field)
               for m in u.parse(role).alias_mentions):
            rest = self._second_person.sub(role, rest)
        if not u.parse(rest).alias_mentions and u.parse(text).alias_mentions:
            return text  # ('pretend you're a device sales rep. what's the job, really?': the
            # set-up names what is asked about)
        return self.unframed(rest)  # ('... and tell me who operates the scanners')

    def opens_with_correction(self, words: tuple[str, ...]) -> bool:
        """'sorry, I meant sonographers': the last question, asked again of what it names."""
        size = next((len(c) for c in self._correction_openers if words[:len(c)] == c), 0)
        return bool(size) and not self.own_question(words[size:])

    def unquoted(self, text: str) -> str:
        """A question someone else asked, quoted inside one's own ("They'll ask 'what strengths
        make you a good fit?' - which strengths does the field value?"): the quote is what was
        said, the words around it what is asked. Only a quote of four words or more, with a
        question of its own outside it."""
        asking = self.engine.lexicon.question_words
        cut = self._quoted.sub(lambda m: " " if self._quotes_a_question(m.group(0)) else m.group(
            0), text)  # (a quoted name or line, 'bridge clinical and IT teams', is what is asked)
        if cut == text:
            return text
        p = self.engine.understander.parse(cut)
        asks = any(w in asking for w in p.tokens)
        # (nor a question that points back into the quote: "... - is that what they do?")
        return cut if asks and len(p.tokens) >= 3 and not (p.pronoun or p.points_back) \
            else text

    def _quotes_a_question(self, quote: str) -> bool:
        """A quote (marks included) of four words or more that opens with a question word
        or ends in '?'."""
        inner = quote[1:-1].strip()
        if len(inner.split()) < 4:
            return False  # (a quoted name or term: 'PACS')
        first = inner.split(" ", 1)[0].lower()
        return first in self.engine.lexicon.question_words or inner.endswith("?")

    def as_claim(self, text: str) -> str:
        """A claim passed on to be checked, as the claim asked with a tag ('I heard QA
        specialists audit imaging practices, true?' -> 'QA specialists audit imaging
        practices, true?'): the lead is no word of what is asked. Only a message that opens
        with it, and not a claim about the person ('my cousin says I'd be good at ...')."""
        claim = self._claim_lead.sub("", text, count=1)
        if claim == text or not any(c.isalnum() for c in claim):
            return text
        sentences = self.engine.understander.split_sentences(claim)
        last = " ".join(sentences[-1].lower().strip(" ?.!").replace("'", " ").split())
        if len(sentences) >= 2 and any(last.endswith(a) for a in self._settle_asks):
            claim = sentences[0]  # ('my uncle swears X. my aunt says Y. who's right?': the
            # first claim checked; the document settles it, or says it is silent)
        words = claim.lower().replace("?", " ").replace(".", " ").split()
        return claim if words[-1] in self._claim_tags else f"{claim.rstrip(' ?.!')}, right?"

    def type_of(self, m: Mention) -> str:
        return self.g.node(m.node_ids[0]).type

    def is_question(self, sentence: str, last: bool = False) -> bool:
        """A sentence that asks: it ends in '?' or opens with a question word, or with a word
        that carries on the question before ('and is there demand'); the last of a message
        also when its last part opens with one ('im premed, which radiology fellowship')."""
        if sentence.endswith("?"):
            return True
        if self.engine.understander.opens_with_condition(sentence):
            return False  # ('what if I don't want to be a doctor': a condition)
        first = sentence.split(maxsplit=1)[0].lower().strip(",.;:!\"'") if sentence else ""
        if first in self.engine.lexicon.question_words or first in self.sets["continuers"]:
            return True
        # (not ', which is part of why ...' inside a story: a relative clause)
        part = self.engine.understander.last_clause(sentence) if last else ""
        return bool(part) and part.split(maxsplit=1)[0].lower() in self.sets["wh_words"]

    def asks_figure(self, p: Parse) -> bool:
        """'How much an hour, in actual numbers?', 'is it like 400k?': a figure asked of pay, by
        a word of `figure_asks` (a mark such as '$' anywhere in a word) or a sum of money (not
        'no numbers needed, just the wording')."""
        if MONEY.search(p.text):
            return True
        asks = self.sets["figure_asks"]
        marks = [m for m in asks if not m.isalpha()]
        negations = set(self.engine.lexicon.negations)
        words = p.text.lower().split()
        return any((word.strip(".,;:!?()'\"") in asks or any(m in word for m in marks))
                   and not (at and words[at - 1] in negations)
                   for at, word in enumerate(words))

    def condition_end(self, p: Parse) -> int | None:
        """Where the question after an opening condition begins, in words ('if I finish
        residency, | do I have to ...'; 'suppose I go the tech route - | is the pay ...'):
        None when the message opens with no condition or none ends before a question."""
        u = self.engine.understander
        parts = u.condition_split(p.text)
        if len(parts) < 2:
            return None
        cut = len(u.tokens(parts[0]))
        return cut if 0 < cut < len(p.tokens) else None

    def asking_sentences(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A message's sentences and those of them that ask (memoised: several rules of a
        turn, and each part of a compound one, ask the same)."""
        found = self._sentences.get(text)
        if found is None:
            sentences = tuple(self.engine.understander.split_sentences(text))
            asks = [self.is_question(s, i == len(sentences) - 1)
                    for i, s in enumerate(sentences)]
            # a few words after a question carry it on ("how much is rad tech school? like
            # tuition"): they ask with it
            short = int(self.w["afterthought_words"])
            for i in range(1, len(sentences)):
                if asks[i - 1] and not asks[i] and len(sentences[i].split()) <= short:
                    asks[i] = True
            found = self._sentences.put(
                text, (sentences, tuple(s for s, a in zip(sentences, asks, strict=True) if a)))
        return found

    def story_question(self, text: str) -> Parse | None:
        """The parse of the sentences that ask, when a story comes with them ('I work nights.
        Can I ...?'); None for a message that is all question or asks nothing."""
        sentences, asking = self.asking_sentences(text)
        if 1 <= len(asking) < len(sentences):
            return self.engine.understander.parse(" ".join(asking))
        return None

    def asking_parse(self, p: Parse) -> Parse:
        """The sentences that ask, when a story comes with them and they name what they ask
        about without pointing back into it ("I work nights. Can I ...?", "Trying to write my
        LinkedIn summary. What else does an informatics specialist do?"): a word of the story
        asks nothing. The whole text otherwise."""
        q = self.story_question(p.text)
        if q is not None and q.alias_mentions and not (q.pronoun or q.points_back):
            return q  # (not "My MRI report says ... What does that mean?")
        return p

    def without_relay(self, text: str) -> str:
        """A question passed on for someone ('A student asked me whether ARRT applies to
        sonographers; what should I tell her?') without the part that asks how to pass the
        answer on, which asks nothing of the field: the question relayed is what is asked."""
        low = text.lower()
        at = min((i for phrase in self.sets["relay_phrases"] if (i := low.find(phrase)) > 0),
                 default=-1)
        if at < 0:
            return text
        rest = text[:at].rstrip(" ;,.-—:")
        q = self.engine.understander.parse(rest)
        return rest if q.alias_mentions else text

    def story_only_cues(self, p: Parse, intent: str) -> bool:
        """Are an intent's cues all in the story, while the sentences that ask ask about a kind
        of career, a fit or the field ('My mom is a breast cancer survivor. Which fellowship
        would that be?', '... My back's done. Is there something in radiology that fits?')? A
        question that asks nothing of its own ('My MRI report says X. What does that mean?')
        still reads the story."""
        q = self.story_question(p.text)
        if q is None:
            return False
        careers = any(self.type_of(m) in CAREER_TYPES for m in q.alias_mentions)
        kinds = self.sets["career_words"] | self.sets["fit_words"] | self.sets["field_names"]
        return q.score(intent) <= 0 and (careers or bool(set(q.tokens) & kinds))

    def asking_tokens(self, p: Parse) -> tuple[str, ...]:
        return self.asking_parse(p).tokens

    def logistics(self, p: Parse) -> bool:
        """Logistics the source never covers: tuition, visas, exam statistics, a choice of
        school ('which community college has the cheapest program?')."""
        return self.asking_parse(p).has(*self.sets["logistics"]) or self.chooses_institution(p)

    def chooses_institution(self, p: Parse) -> bool:
        """'the best rad tech programs in texas', 'which sonography school should I pick':
        a choice among schools, programs or employers, a few words apart, which the source
        never covers."""
        u = self.engine.understander
        asking = self.asking_sentences(p.text)[1]
        # (only what is asked: "he was the *top* fundraiser in his *college*" chooses nothing)
        words = tuple(w for s in asking for w in u.tokens(s)) if asking else p.tokens
        span = int(self.w["institution_window"])
        choice, places = self.sets["choice_words"], self.sets["institution_words"]
        at = [i for i, w in enumerate(words) if w in choice]
        return any(w in places for i in at for w in words[i + 1:i + 1 + span])

    # -- facts ----------------------------------------------------------------------------
    def facts(self, p: Parse, ctx: Context, profile_changed: bool,
              profiled: bool = False, known: bool = False) -> Facts:
        """Everything the rules need to know about a turn, read once."""
        g, sets, w = self.g, self.sets, self.w
        explicit = self._asked_about(p, tuple(m for m in p.mentions if m.kind == "alias"))
        keyword = tuple(m for m in p.mentions if m.kind == "keyword" and not set(
            range(m.start, m.end)) <= p.likened)  # (not 'like *a lab* tech': a likeness)
        topic = tuple(g.node(i) for i in ctx.topic if i in g)
        first_person = bool(p.words & sets["first_person"])
        named_any = any(self.type_of(m) in CAREER_TYPES for m in explicit)
        words = p.tokens
        while words and words[0] in sets["fillers"]:
            words = words[1:]
        # "and for kids?" follows on; "and can they work in vascular?" asks its own question
        followup = (words[:2] in (("what", "about"), ("how", "about"))
                    or (words[:1] == ("and",) and not self.own_question(words[1:]))
                    or words[:2] == ("same", "question") or self.opens_with_correction(words)
                    or (bool(words[:1]) and words[0] in sets["next_openers"]
                        and len(words) <= w["next_followup_words"])  # ('then what?')
                    or self._bare_name(p, words))  # ('radiologist salary' then 'rad techs?')
        short_followup = bool(topic) and (
            (followup and len(p.tokens) <= w["followup_words"])
            or (p.pronoun and len(p.tokens) <= w["pronoun_followup_words"]))
        short_question = bool(topic) and p.question and not explicit \
            and len(p.tokens) <= w["elaboration_words"]
        statement = (not p.question and bool(p.tokens) and first_person
                     and p.tokens[0] in sets["statement_openers"])
        scores = {s.intent: s.score for s in p.intents}
        asking = self.asking_parse(p)
        if asking is not p:  # what is outside the field is judged on the question alone
            outside = sets["outside_intents"]
            scores = {k: v for k, v in scores.items() if k not in outside}
            scores.update((s.intent, s.score) for s in asking.intents if s.intent in outside)
        return Facts(
            p=p, scores=scores, explicit=explicit,
            keyword=keyword, topic=topic, last_intent=ctx.last_intent,
            has_list=bool(ctx.last_list), list_refs=tuple(
                self.list_refs(p, ctx.last_list) or self.pair_refs(p, ctx)),
            first_person=first_person, careers_named_any=named_any,
            careers_named=named_any and bool(p.words & sets["person_words"]),
            followup=followup, short_followup=short_followup, short_question=short_question,
            first_person_statement=statement, asks_for_pick=self.asks_for_pick(p),
            mention_types=frozenset(g.node(i).type for m in (*explicit, *keyword)
                                    for i in m.node_ids),
            profile_changed=profile_changed, profiled=profiled, known=known)

    def _bare_name(self, p: Parse, words: tuple[str, ...]) -> bool:
        """A message that is nothing but one career's name ('rad techs?') asks what was just
        asked, of it."""
        if not p.question or len(p.alias_mentions) != 1 or not words:
            return False
        m = p.alias_mentions[0]
        return self.type_of(m) in CAREER_TYPES and m.end - m.start == len(words) and \
            p.tokens[m.start:m.end] == words

    def asks_of_step(self, p: Parse) -> bool:
        """'What are my options for the prelim year?': the options (the kinds) of a step of
        a pathway, named right after 'for' or 'of', are asked, not a pick of careers."""
        def before(m: Mention) -> tuple[str, ...]:
            at = m.start
            while at > 0 and p.tokens[at - 1] in self.sets["definite_words"]:
                at -= 1  # ("for *the* prelim year")
            return p.tokens[at - 1:at]

        return any(self.type_of(m) in self.sets["step_types"]
                   and before(m) in (("for",), ("of",)) for m in p.alias_mentions)

    def _asked_about(self, p: Parse, named: tuple[Mention, ...]) -> tuple[Mention, ...]:
        """The names a turn is about: when the sentences that ask name a career of their own,
        a career named only in the story is where the person stands, not what is asked
        ('Former rad tech, now in sales. ... Is that typical for device sales?')."""
        q = self.story_question(p.text)
        if q is None:
            return named
        asked = {m.node_ids for m in q.mentions
                 if m.kind == "alias" and self.type_of(m) in CAREER_TYPES}
        if not asked:
            if q.pronoun or q.points_back or q.words & self.sets["first_person"]:
                return named
            own = self._own_careers(p)  # ("I'm a radiologist ... What options are there
            return tuple(m for m in named if m.start not in own)  # outside the hospital?")
        return tuple(m for m in named if m.node_ids in asked or self.type_of(m) not in CAREER_TYPES)

    def _own_careers(self, p: Parse) -> set[int]:
        """Where the mentions of the careers the person says are theirs start ('I'm a
        radiologist', 'I'm a 33-year-old rad tech'): where they stand, not what a question with
        no name of its own asks."""
        tokens = p.tokens
        span = int(self.w["own_career_window"])
        own = [i for i in range(len(tokens) - 2) if tokens[i:i + 2] == ("i", "am")
               and tokens[i + 2] in self.sets["articles"]]
        return {m.start for m in p.alias_mentions if self.type_of(m) in CAREER_TYPES
                and any(0 < m.start - i <= span for i in own)}

    def asks_for_pick(self, p: Parse) -> bool:
        """'Which fellowship would you put at the top of my list?', 'which radiology career
        fits?': a which/what question about a kind of career, with a word of fit or choice."""
        sets = self.sets
        words = p.words
        fit = words & sets["fit_words"]
        # the kind of career is what the wh-word asks for ("what *job* should I aim for",
        # "which kind of *fellowship*"), not a word of the story ("interviewing for a CT tech
        # job - what competency should I stress?")
        # ("what fits?", "which would suit me best?": what is asked for is what fits)
        headed = self.asks_which_kind(p, with_fit=True)
        if self.asks_of_step(p):
            return False
        if self._story_asks_career(p):
            return True
        return bool(words & sets["pick_questions"] and (headed or (
            fit and words & (sets["career_words"] | sets["field_names"])))
                    and (fit or words & sets["pick_words"] or self._ends_asking_pick(p))
                    and (words & sets["first_person"] or fit))

    def asks_which_kind(self, p: Parse, with_fit: bool = False) -> bool:
        """A which/what word asking for a kind of career ('which radiology *path*?'; with
        `with_fit`, also for what fits: 'which would suit me?')."""
        sets, tokens = self.sets, p.tokens
        span = int(self.w["pick_head_window"])
        heads = sets["career_words"] | sets["fit_words"] if with_fit else sets["career_words"]
        return any(w in heads for i, t in enumerate(tokens) if t in sets["pick_questions"]
                   for w in tokens[i + 1:i + 1 + span])

    def _story_asks_career(self, p: Parse) -> bool:
        """'I'm a radiologist with two small kids ... Is there anything for me?', '... I want
        to be the one who checks AI tools are safe. What role is that?': after sentences about
        the person, a short last question that says nothing but a kind of career (or 'for
        me') asks for the career the story describes. Not where the story names a career
        other than the person's own ('I'm thinking about device sales. What does that role
        look like?' asks about that one)."""
        sets = self.sets
        sentences, asking = self.asking_sentences(p.text)
        if len(asking) != 1 or len(sentences) < 2 or asking[0] != sentences[-1]:
            return False
        u = self.engine.understander
        q = u.parse(asking[0])
        words = set(q.tokens)
        if q.alias_mentions or len(q.tokens) > int(self.w["story_pick_words"]):
            return False
        plain = self.engine.lexicon.stopwords | sets["career_words"] | sets[
            "story_pick_words"] | sets["pick_questions"] | sets["field_names"] | sets[
            "first_person"]
        if not words <= plain:  # ('is it a secure career?', 'what does that role involve?')
            return False
        story = u.parse(" ".join(sentences[:-1]))
        if not set(story.tokens) & sets["first_person"]:
            return False
        own = self._own_careers(story)  # ('I'm *a* radiologist')
        if any(self.type_of(m) in CAREER_TYPES | {"modality"} and m.start not in own
               for m in story.alias_mentions):
            return False
        last = f" {u.normal(asking[0])} "
        return bool(words & sets["career_words"]) or _phrases_pattern(
            tuple(sets["pick_phrases"])).search(last) is not None

    def _ends_asking_pick(self, p: Parse) -> bool:
        """'..., what's a career path for me?': the last clause asks what is for the person
        ('not happening for me' earlier in a long message asks nothing)."""
        u = self.engine.understander
        clauses = u.split_descriptive(p.text)
        last = f" {u.normal(clauses[-1])} " if clauses else ""
        return _phrases_pattern(tuple(self.sets["pick_phrases"])).search(last) is not None

    def list_refs(self, p: Parse, items: tuple[str, ...]) -> list[str]:
        """Items of the last list the text points at: '2', 'the second one', 'compare 1 and 3'."""
        if not items:
            return []
        lex = self.engine.lexicon
        # A digit right before another word is not a pick: "u need a phd 4 research?"
        joiners = {"and", "or", "vs", "versus", "one", "ones", "&", "to", "with"}
        stray = {t for t, nxt in zip(p.tokens, p.tokens[1:], strict=False)
                 if t.isdigit() and nxt not in joiners}
        picks: list[int] = [n for n in p.numbers if 1 <= n <= len(items)
                            and (str(n) not in stray or p.tokens[-1] == str(n))]
        for token in p.tokens:
            if token in lex.ordinals:
                n = lex.ordinals[token]
                picks.append(len(items) if n == -1 else n)
        short = len(p.tokens) <= self.w["list_ref_words"]
        if not picks and "one" in p.tokens and short and len(items) > 1:
            return self.list_item_by_word(p, items)  # "tell me more about the IT one"
        if not picks or not short:
            return []
        return [items[n - 1] for n in dict.fromkeys(picks) if 1 <= n <= len(items)]

    def pair_refs(self, p: Parse, ctx: Context) -> list[str]:
        """The careers just compared, as a short question points at them: 'the other one' is
        the one not talked about last; 'each one', 'both', 'between them', 'which is
        longer?' are all of them. Only after a comparison, and only when the question names
        nothing itself."""
        items = ctx.last_list
        words = p.words
        if len(items) >= 2 and not p.alias_mentions and "which" in words \
                and words & self.sets["superlatives"] \
                and len(p.tokens) <= self.w["list_ref_words"]:
            return list(items)  # ('which one is the most important?': all; none is ranked)
        if ctx.last_intent != "compare" or not 2 <= len(items) <= 3 or p.alias_mentions \
                or len(p.tokens) > self.w["list_ref_words"]:
            return []
        if words & self.sets["pair_other"]:
            return [i for i in items if i not in ctx.topic][:1]
        if words & self.sets["pair_all"] or ("which" in words and len(
                words & self.sets["weighing_words"]) >= 2):
            return list(items)
        return []

    def list_item_by_word(self, p: Parse, items: tuple[str, ...]) -> list[str]:
        """The one listed item a word of the text belongs to (its name, aliases, keywords);
        an acronym typed in capitals counts even when it is a common word ('IT'). 'Which one'
        presupposes a choice, so a list of one is no list to pick from."""
        lex = self.engine.lexicon
        acronyms = {w.lower() for w in p.text.split() if len(w.strip("?.,!")) >= 2
                    and w.strip("?.,!").isalpha() and w.strip("?.,!").isupper()}
        words = {t for t in p.tokens if t not in lex.stopwords and t != "one"} | {
            a.strip("?.,!") for a in acronyms}
        hits = []
        for item in items:
            node = self.g.node(item)
            vocab = {w for text in (node.name, *node.aliases, *node.keywords)
                     for w in text.lower().replace("-", " ").split()}
            if words & vocab:
                hits.append(item)
        if not hits:  # ('the mammo one?': the item linked to what the word names)
            named = {m.node_ids[0] for m in p.mentions}
            hits = [i for i in items if named & {n.id for n in self.g.neighbours(i)}]
        return hits[:1] if len(hits) == 1 else []

    def leads_to(self, step: Node) -> Node | None:
        """The one career a training step leads to ('ultrasound school' -> the sonographer),
        or None: a step with fellowships under it, or shared by several careers, leads to none."""
        if step.type != "training" or self.engine.composer.children(step):
            return None
        leads = [c for c in self.g.neighbours(step.id, "requires", incoming=True)
                 if c.type in CAREER_TYPES]
        return leads[0] if len(leads) == 1 else None

    def positive_text(self, p: Parse, *, mask_names: bool = False) -> str:
        """The text without the clauses that rule something out ('I love kids, but brains
        don't do much for me' -> 'I love kids') and without the spans that name a node: what
        the person describes, for the index to look up."""
        u = self.engine.understander
        names = [f" {m.text} " for m in p.alias_mentions
                 if self.g.node(m.node_ids[0]).type in self.sets["alternative_types"]
                 ] if mask_names else []
        kept = []
        for number, clause in enumerate(u.split_descriptive(p.text)):
            padded = f" {u.normal(clause)} "
            for name in names if number else ():
                # "who runs the PET scanner, is it just a regular rad tech?": a career named
                # after the question is an alternative asked about, not what is described
                padded = padded.replace(name, " ")
            found = u.negation_pattern.search(padded)
            if found is None:
                kept.append(padded)
            elif u.names_something(padded[found.end():].split()):
                # "a job with tracers without going to medical school": the negation rules
                # out what follows it, so what comes before still describes
                kept.append(padded[:found.start()])
            # else "brains and kids don't do much for me": it rules out what came before
        drop = self._not_descriptive | {p.tokens[i] for i in p.likened}  # (not 'like *a lab
        # tech*': what is likened to is not described)
        words = [w for k in kept for w in k.split() if w not in drop]
        same = self.engine.lexicon.described_as  # ('takes the scans': 'capture images')
        return " ".join([*words, *(w for word in words for w in same.get(word, ()))])

    def described(self, p: Parse, types: frozenset[str] | set[str], *,
                  mask_names: bool = False) -> list[Hit]:
        """Nodes of `types` the positive part of the text describes, best first; only those
        within reach of the best (`described_share` of its score) and above a floor."""
        text = self.positive_text(p, mask_names=mask_names)
        if not text:
            return []
        hits = _lookup_index(self.engine.index, text, frozenset(types))
        if not hits or hits[0].score < self.w["described_floor"]:
            return []
        top = hits[0].score
        hits = self._doer_first(p, hits, frozenset(types))
        return [self._as_typed(h, text) for h in hits if h.score >= top * self.w[
            "described_share"]]

    def _doer_first(self, p: Parse, hits: list[Hit], types: frozenset[str]) -> list[Hit]:
        """'Who interprets the images that technicians capture?': the line the index found
        gives the doing asked about to another career it names (the radiologists), so that
        one is who is asked for, as sure as the line."""
        if not self.asks_who(p) or len(p.tokens) < 2:
            return hits
        verb = p.tokens[p.tokens.index("who") + 1] if "who" in p.tokens[:-1] else ""
        top = hits[0]
        own = {top.node.id, *(c.id for c in self.engine.composer.categories(top.node))}
        for fact in top.facts:
            doers = [d for d in self.engine.provenance.doers(fact, verb)
                     if d in self.g and self.g.node(d).type in types]
            if doers and not own.intersection(doers):
                doer = self.g.node(doers[0])
                return [replace(top, node=doer), *(h for h in hits[1:] if h.node != doer)]
        return hits

    def _as_typed(self, hit: Hit, text: str) -> Hit:
        """The hit with the words the person typed, not the document's words added for them
        ('takes', not 'capture')."""
        same = self.engine.lexicon.described_as
        typed = text.split()
        added = {w: word for word in typed for w in same.get(word, ())}
        words = tuple(dict.fromkeys(added.get(w, w) for w in hit.words))
        return hit if words == hit.words else replace(hit, words=words)

    def clearly_described(self, p: Parse, types: frozenset[str] | set[str], *,
                          mask_names: bool = False) -> Hit | None:
        """The one node a description clearly points at: it scores `described_margin` times
        the runner-up."""
        hits = self.described(p, types, mask_names=mask_names)
        if not hits:
            return None
        if len(hits) > 1 and hits[0].score < hits[1].score * self.w["described_margin"]:
            general = hits[1].node  # ('who interprets the images?': the telemedicine
            if self.asks_who(p) and general in self.g.neighbours(  # radiologist, and the
                    hits[0].node.id, "specializes"):  # radiologist it specializes: the one)
                return replace(hits[0], node=general)
            return None
        return hits[0]

    def asks_for_all(self, p: Parse) -> bool:
        """'What fellowships are there to pick from?': a what-question for a kind of career
        in the plural, with no word of a verdict ('should', 'best'), asks for them all."""
        p = self.story_question(p.text) or p  # (the question after a story: 'I can only
        # afford one fellowship, so I want to choose well. What fellowships are there?')
        asked = p.tokens[self.condition_end(p) or 0:]  # ('suppose I finish residency, what')
        kinds = self.sets["kinds_in_plural"] - {"options"}
        return ((len(asked) >= 2 and asked[0] in self.sets["pick_questions"]
                and asked[1] in self.sets["kinds_in_plural"])
                or (bool(p.words & kinds) and p.has(*self.sets["options_asked"]))) \
            and not p.words & self.sets["pick_verdict_words"] \
            and not p.has(*self.sets["chooser_phrases"], *self.sets["pick_phrases"])

    def names_field(self, p: Parse) -> bool:
        """'What does the field of radiology offer?', 'is radiology a good career?': the field
        is named as the subject, with no node and nothing pointing back."""
        return bool(p.words & self.sets["field_names"]) and p.question and not p.mentions \
            and not p.pronoun

    def asks_generally(self, p: Parse) -> bool:
        """The field named as the subject, or a word that asks of it as a whole ('what skills
        matter for radiology careers *generally*?'): never the topic of the conversation."""
        return self.names_field(p) or bool(p.words & self.sets["general_words"])

    def asks_who(self, p: Parse) -> bool:
        """'Who runs the PET scanner?', 'what do you call the tech who...?', 'what's that job
        called?': a question for a kind of career, named by what it does."""
        words = p.tokens
        while words and words[0] in self.sets["fillers"]:
            words = words[1:]
        if words[:1] and words[0] in self.sets["continuers"] and words[1:2] == ("who",) \
                and words[2:3] and words[2] not in self.sets["own_question_openers"]:
            words = words[1:]  # ('and who captures the images they read?'; not 'and who's
            # the certifying body?', which asks of the topic)
        return words[:1] == ("who",) or p.has(*self.sets["naming_phrases"])

    def asked_types(self, p: Parse) -> frozenset[str]:
        """The node types a question asks for: a fellowship, else a career (or, for 'who
        operates the equipment?', the category of careers the document says it of)."""
        if p.requested == "subspecialty":
            return frozenset({p.requested})
        return CAREER_TYPES | self.sets["who_types"] if self.asks_who(p) else CAREER_TYPES

    def rules_out(self, p: Parse, m: Mention) -> bool:
        """A mention a list question rules out: negated by more than a determiner ('without
        med school', 'besides the doctor', 'not a doctor'), not described by one ('hospitals
        that have no radiologist')."""
        if self.only_for(p, m):
            return True  # "is radiology only for doctors?" asks for the others
        if not m.negated:
            return False
        window = " ".join(p.tokens[max(0, m.start - NEGATION_REACH):m.start])
        if self._strong_negation.search(f" {window} ") is not None:
            return True
        if self.engine.understander.negation_pattern.search(f" {window} ") is None:
            return True  # a far 'not' over bridging words ("do not want to go to med school")
        # "no med school, what jobs?" rules it out; "hospitals that *have* no radiologist"
        # describes them
        before = p.tokens[max(0, m.start - 2):m.start]
        return before[-1:] in {(w,) for w in self.sets["weak_negations"]} and not (
            len(before) == 2 and before[0] in self.sets["describing_verbs"])

    def own_question(self, words: tuple[str, ...]) -> bool:
        """'can they work in vascular?', 'what is the internship year usually in?': a verb of
        its own after at most a question word (not 'for kids?', 'what about X?')."""
        if words[:1] == ("who",) and len(words) >= 3 and words[1] not in self.sets["elaboration"]:
            return True  # ('and who captures the images they read?': its own doing asked)
        if words[:1] and words[0] in self.sets["wh_words"]:
            words = words[1:]
        return bool(words) and words[0] in self.sets["own_question_openers"]

    def only_for(self, p: Parse, m: Mention) -> bool:
        """'Is radiology only for doctors?', 'just for MDs?': whether there is room for
        anyone else, i.e. a list of the others."""
        window = " ".join(p.tokens[max(0, m.start - 3):m.start])
        return _phrases_pattern(tuple(self.sets["only_phrases"])).search(
            f" {window} ") is not None

    def offers_choice(self, p: Parse) -> bool:
        """'Which pays more, device sales or informatics?', 'academic or telemedicine, which
        is more flexible?': two names offered as alternatives ('or' between them) and a word
        that weighs them. ('X or Y for someone who ...?' without one asks about each.)"""
        return bool(self.alternatives(p)) and bool(p.words & self.sets["weighing_words"])

    def own_role(self, p: Parse, at: int) -> bool:
        """The words just before position `at` say who the person is ('I am a', 'I work as
        a'): a profession named there describes them, it is not what they ask about."""
        window = " ".join(p.tokens[max(0, at - 4):at])
        return any(f" {phrase} " in f" {window} " for phrase in self.sets["own_role_openers"])

    def alternatives(self, p: Parse) -> tuple[str, ...]:
        """The careers a text offers as alternatives ('nuc med tech or sonographer?', 'rad
        tech, sono or radiologist?'): names in a run joined by 'or' (or by commas before one)."""
        names = [m for m in p.alias_mentions if self.type_of(m) in CAREER_TYPES]
        marked = [m for m in names if m.start and p.tokens[m.start - 1] in self.sets[
            "option_markers"]]  # ('A) sonographer B) QA specialist C) device sales')
        if len(marked) >= 2:
            return tuple(dict.fromkeys(m.node_ids[0] for m in marked))
        if not any(("or" in p.tokens[a.end:b.start] or (  # ('between X and Y, which ...')
                "and" in p.tokens[a.end:b.start] and "between" in p.tokens[max(0, a.start - 2):
                                                                       a.start]))
                   and b.start - a.end <= 2 for a, b in pairwise(names)):
            return ()
        run = [m for m, nxt in zip(names, [*names[1:], None], strict=True)
               if nxt is None or nxt.start - m.end <= 2]
        return tuple(dict.fromkeys(m.node_ids[0] for m in run))

    def other_profession_named(self, p: Parse) -> bool:
        """'Radiologist assistant', 'veterinary radiologist', 'a nurse practitioner in
        interventional radiology': another profession's word right beside a name of this
        field makes another profession; so does one set against a career of the field
        ('surgical tech vs rad tech', 'is paramedic school faster than rad tech school')."""
        if p.words & self.sets["versus_words"]:
            return True
        reach = int(self.w["profession_window"])
        for m in p.alias_mentions:
            if self.own_role(p, m.start):
                continue  # ('I'm a paediatric nurse ... paediatric radiology': who they are)
            before = " ".join(p.tokens[max(0, m.start - reach):m.start])
            after = " ".join(p.tokens[m.end:m.end + reach])
            for side in (before, after):
                if side and _phrases_pattern(tuple(self.sets["other_fields"])).search(
                        f" {side} "):
                    return True
        return False

    def only_likened(self, p: Parse, phrases: Iterable[str]) -> bool:
        """Every one of `phrases` the text holds is in a likeness ('is a sonographer basically
        the nurse of radiology?'), and something is named outside it."""
        if not p.likened:
            return False
        runs: dict[str, list[list[str]]] = {}  # (by first word: one look-up a word)
        for phrase in phrases:
            words = phrase.split()
            if words:
                runs.setdefault(words[0], []).append(words)
        at = [range(i, i + len(run)) for i, word in enumerate(p.tokens)
              for run in runs.get(word, ()) if list(p.tokens[i:i + len(run)]) == run]
        return bool(at) and all(set(r) <= p.likened for r in at) \
            and any(i not in p.likened for m in p.mentions for i in range(m.start, m.end))

    def requires_filter(self, p: Parse) -> bool:
        """'jobs that don't need an MD': the words of a requirement."""
        return bool(p.words & self.sets["requirement_words"])


@lru_cache(maxsize=1024)
def _lookup_index(index: SemanticIndex, text: str, types: frozenset[str]) -> list[Hit]:
    """One index query per text and types: several rules of a turn ask the same (the text
    is cut to the input limit, so the cache is bounded in size too)."""
    return index.query(text, types=types, limit=8)


Gate = Callable[[Policy, Facts], "Decision | None"]
Adjustment = Callable[[Policy, "IntentSpec", float, Facts], "float | None"]
Settler = Callable[[Policy, tuple[str, float], Facts], "tuple[str, float] | Decision | None"]


# -- gates ------------------------------------------------------------------------------------
def gate_medical_advice(pol: Policy, f: Facts) -> Decision | None:
    """'Can you read my MRI?' is declined as medical advice; 'does the x-ray tech interpret my
    images, or is that someone else's job?' names careers and needs a stronger cue."""
    score = f.scores.get("medical_advice", 0.0)
    floor = pol.w["medical_advice_floor_careers" if f.careers_named_any else "medical_advice_floor"]
    if score >= floor and pol.story_only_cues(f.p, "medical_advice"):
        return None  # ("my mom's breast cancer was caught on a mammogram. which fellowship?")
    return Decision("medical_advice", score) if score >= floor else None


def gate_prices(pol: Policy, f: Facts) -> Decision | None:
    """'How much does an MRI cost?' asks the price of care, not about a career."""
    p = f.p
    named = {pol.type_of(m) for m in f.explicit}
    if p.words & pol.sets["price_words"] and not named & {
            *CAREER_TYPES, "training", "credential", "category"} \
            and not (f.topic and p.pronoun):
        return Decision("oos", pol.w["declined"])
    return None


def gate_scan_workings(pol: Policy, f: Facts) -> Decision | None:
    """'Why is the MRI machine so loud?', 'how long does a CT scan take?', 'does an MRI hurt?':
    how a scan works or feels, asked of a modality and of no career, is no question about
    careers (the document never says it): declined, as a price of care is."""
    p = f.p
    named = {pol.type_of(m) for m in f.explicit}
    if named == {"modality"} and p.words & pol.sets["scan_workings"] \
            and len(p.tokens) <= pol.w["scan_question_words"] and not f.first_person \
            and not (f.topic and p.pronoun):  # (a story's 'I work ...' is no such question)
        return Decision("oos", pol.w["declined"])
    return None


def gate_other_fields(pol: Policy, f: Facts) -> Decision | None:
    """'Is dentistry a good career?' is another profession; 'radiology or cardiology?' is not
    declined, because the rest of the text still names radiology."""
    p = f.p
    if f.has_list or not pol.asking_parse(p).has(*pol.sets["other_fields"]) \
            or pol.only_likened(p, pol.sets["other_fields"]):
        return None  # ("I'm a pharmacy tech. What degree does x-ray school need?"; "is
        # becoming a rad tech like nursing, ...?": a likeness, not what is asked about)
    if pol.other_profession_named(p):  # "a radiologist assistant", "vet radiology"
        return Decision("oos", pol.w["declined"], firm=True)
    cut = pol.condition_end(p) or 0  # (what a condition names only places the question:
    # 'if I go into radiation therapy instead of rad tech, what do radiation therapists do?')
    if any(pol.type_of(m) in pol.sets["field_types"] for m in f.explicit if m.start >= cut):
        return None
    rest = f" {' '.join(p.tokens[cut:])} " if cut else p.padded
    # "radiation therapist" is not radiology for its first word; the longest name first
    # ("radiation safety officer" before "safety officer"), whatever the set's order
    for name in sorted(pol.sets["other_fields"], key=lambda n: (-len(n), n)):
        rest = rest.replace(f" {name} ", " ")
    domain = pol.engine.understander.domain
    if any(t in domain for t in rest.split()):
        return None
    return Decision("oos", pol.w["declined"], firm=True)


def gate_logistics(pol: Policy, f: Facts) -> Decision | None:
    """'How much is tuition for rad tech school?', 'can I get an H-1B visa?', 'which community
    college has the cheapest program?': logistics the document never covers are declined,
    whatever career they name."""
    if pol.logistics(f.p):
        return Decision("logistics", pol.w["declined"])
    return None


def gate_unknown_qualifier(pol: Policy, f: Facts) -> Decision | None:
    """'How much do vet techs make?': a category word qualified by a word no vocabulary knows
    names some other field's career."""
    p = f.p
    if len(f.explicit) != 1:
        return None
    m = f.explicit[0]
    story = pol.story_question(p.text)  # (a profession the story tells of is the person's:
    if story is not None and not story.has(m.text):  # 'I'm an emergency physician. If I
        return None  # switched into radiology, what training would I need?')
    before = p.tokens[m.start - 1] if m.start > 0 else ""
    everyday = pol.g.meta.get("everyday_words", ())
    counted = before.isdigit() or before in pol.engine.lexicon.numbers  # ('the *two* industry
    if pol.type_of(m) == "category" and before in p.unknown and before not in everyday \
            and not counted:  # careers': a number, not another field's qualifier)
        return Decision("oos", pol.w["weak"])  # (not "roles *under* Emerging Career Paths")
    return None


def gate_out_of_scope(pol: Policy, f: Facts) -> Decision | None:
    """'Who discovered x-rays?', 'what's the weather?': the out-of-scope intent's cues."""
    score = f.scores.get("out_of_scope", 0.0)
    floor = pol.w["out_of_scope_floor_named" if f.explicit else "out_of_scope_floor"]
    if f.keyword and f.other_best("out_of_scope") > score:
        return None  # ('good with complex equipment: radar, comms, crypto gear. Is that a
        # skill radiology cares about?': a word of the field, asked of more strongly)
    return Decision("oos", score) if score >= floor else None


def gate_statement(pol: Policy, f: Facts) -> Decision | None:
    """'I'd rather not deal with patients': a statement about oneself that the interview took
    in, and no stronger question, is acknowledged as such."""
    p = f.p
    if not (f.profile_changed and not p.question and p.tokens
            and p.tokens[0] in pol.sets["statement_openers"]):
        return None
    if f.other_best("about_me") >= pol.w["statement_other_ceiling"]:
        return None
    score = max(f.scores.get("about_me", 0.0), pol.w["statement_floor"])
    return Decision("about_me", score, resolve=True)


GATES: tuple[Gate, ...] = (gate_medical_advice, gate_logistics, gate_prices, gate_scan_workings,
                           gate_other_fields,
                           gate_unknown_qualifier, gate_out_of_scope, gate_statement)


# -- adjustments ------------------------------------------------------------------------------
def adjust_pick(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'What radiology role would fit me?' asks for a pick, whatever its cues."""
    if spec.name == "recommend" and f.asks_for_pick:
        return score + pol.w["pick_bonus"]
    return score


def adjust_advice_about_careers(pol: Policy, spec: IntentSpec, score: float,
                                f: Facts) -> float | None:
    """A question about careers that mentions 'my images' (or 'do rad techs give IV
    contrast?') is not medical advice."""
    if spec.name == "medical_advice" and (
            (f.careers_named_any and score < pol.w["medical_advice_floor_careers"])
            or pol.story_only_cues(f.p, spec.name)):
        return None  # (nor a cue of the story, 'my back's done', under a question of fit)
    return score if score > 0 else None


def adjust_entity_fit(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """An intent about a kind of node gains when one was named ('how long is *residency*'),
    a little when the topic can stand in, and loses when nothing can."""
    fits = not spec.entity_types.isdisjoint(f.mention_types)
    if not spec.needs_entity:
        return score + pol.w["entity_fits"] if fits and f.explicit else score
    if fits or f.list_refs:
        return score + pol.w["entity_fits"]
    if f.topic and (f.p.pronoun or f.followup or len(f.p.tokens) <= pol.w["topic_words"]):
        return score + pol.w["entity_from_topic"]
    return score + pol.w["entity_missing"]


def adjust_social(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'Thanks, and how long is residency?' is a question first; 'is a TY ok for intern
    year?' is no thanks at all (a longer question that names something, or points back:
    'ok which one of them is the 2-year one then?', 'ok and then what?')."""
    cues = {c for c, _w in spec.cues}
    rest = list(itertools.dropwhile(lambda t: t in cues, f.p.tokens))  # ('cool cool cool.
    if spec.name in SOCIAL and f.p.question and (  # and after that??')
            (len(rest) > 1 and rest[0] in pol.sets["continuers"]) or (
            (f.explicit or f.p.pronoun or f.p.points_back)
            and len(f.p.tokens) > pol.w["social_words"])):
        return None  # ('ok and after that?', 'ok and then what?': a question carried on)
    if spec.name in SOCIAL and (f.explicit or f.keyword or any(
            v >= pol.w["social_floor"] for k, v in f.scores.items() if k not in SOCIAL)):
        return score + pol.w["social_with_question"]
    return score


def adjust_money(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'Do radiologists make 500k?', 'rad techs earn $70,000, right?': a sum of money asks
    about pay (which the document states without figures)."""
    if spec.name == "pay" and MONEY.search(f.p.text):
        return score + pol.w["pay_money"]
    return score


def adjust_statement(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'I love working with kids' is about oneself; 'am I too old?' is a question."""
    if spec.name != "about_me":
        return score
    if f.first_person_statement:
        return score + pol.w["statement_bonus"]
    return score + pol.w["statement_question"] if f.p.question else score


def adjust_compare(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'X vs Y' compares two named things; 'X or Y for ...?' alone is no comparison."""
    if spec.name != "compare":
        return score
    named = {m.node_ids[0] for m in f.explicit if pol.type_of(m) in spec.entity_types} | {
        m.node_ids[0] for m in f.keyword
        if len(m.node_ids) == 1 and pol.type_of(m) in CAREER_TYPES}
    count = len(named) + len(f.list_refs)
    if count < 2 and not (count == 1 and f.topic):
        score += pol.w["compare_too_few"]
    raw = f.scores.get("compare", 0.0)
    if count >= 2 and pol.offers_choice(f.p) \
            and f.other_best("compare") < pol.w["compare_choice_ceiling"]:
        return score + pol.w["compare_choice"]  # ('which is more flexible, X or Y?'; an
        # aspect asked plainly answers for each: 'which pays more, X or Y?')
    if raw < pol.w["compare_weak_floor"]:
        score += pol.w["compare_weak"]
    elif count >= 2 and raw >= pol.w["compare_strong_floor"]:
        score += pol.w["compare_strong"]
    return score


def adjust_recommend(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'Which career involves PET scans?' looks a career up (no first person, names a thing);
    'what should I do?' asks for a pick; '... what kind of job is that?' names a career; 'my
    options for the prelim year' asks the options of a step."""
    if spec.name != "recommend":
        return score
    p = f.p
    if not f.first_person and any(
            not pol.g.neighbours(m.node_ids[0], "kind_of", incoming=True)
            for m in (*f.explicit, *f.keyword)) and not p.has(*pol.sets["advice_asks"]):
        score += pol.w["pick_about_career"]
    if f.first_person:
        score += pol.w["pick_first_person"]
    if p.tokens[-2:] in (("is", "that"), ("is", "this")):
        score += pol.w["pick_names_career"]
    if pol.asks_of_step(p):
        return None  # "what are my options for the prelim year?": no pick at all
    return score


def adjust_list(pol: Policy, spec: IntentSpec, score: float, f: Facts) -> float | None:
    """'What industry careers are there?' lists a category; 'jobs that don't need an MD'
    lists by a requirement."""
    if spec.name != "list_careers":
        return score
    types = {pol.type_of(m) for m in f.explicit}
    if "category" in types:
        score += pol.w["list_of_category"]
    if pol.requires_filter(f.p) and types & {"training", "credential"}:
        score += pol.w["list_with_filter"]
    return score


ADJUSTMENTS: tuple[Adjustment, ...] = (adjust_pick, adjust_advice_about_careers,
                                       adjust_entity_fit, adjust_social, adjust_money,
                                       adjust_statement,
                                       adjust_compare, adjust_recommend, adjust_list)


# -- settlers ---------------------------------------------------------------------------------
Best = tuple[str, float]


def settle_described_pick(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'If I wanted to read mammograms for a living, which fellowship?', 'sports injuries are
    what I geek out on, which fellowship?': a direct which-question whose description points
    clearly at one node of the kind asked for is answered, with the chooser offered after;
    'help me choose' still starts the chooser."""
    p = f.p
    if best[0] != "recommend" or not p.requested or not p.words & pol.sets["pick_questions"] \
            or p.has(*pol.sets["chooser_phrases"]) or f.profiled:
        return None
    if any(not m.negated and pol.type_of(m) in CAREER_TYPES for m in f.explicit):
        return None  # "... what does it take to become a radiologic technologist?" names it
    hit = pol.clearly_described(p, pol.asked_types(p), mask_names=True)
    if hit is None:
        return None
    return Decision("describe", max(best[1], pol.w["weak"]), [hit.node],
                    notes=[f"described by {', '.join(hit.words)}: answered, chooser offered"],
                    described=hit.words, offer_chooser=True)


def settle_paths_of_career(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'What are the career paths for radiologists?', 'what kinds of careers do radiologists
    have besides clinical practice?': careers in the plural asked of a career named, where the
    list is asked at all, are the paths listed under it."""
    p = f.p
    roles = [pol.g.node(m.node_ids[0]) for m in f.explicit
             if not m.negated and pol.type_of(m) == "role"]
    plural = p.words & (pol.sets["kinds_in_plural"] - pol.sets["fellowship_kinds"])
    if best[0] not in {"describe", "subspecialties"} or len(roles) != 1 or not plural \
            or f.scores.get("list_careers", 0.0) < pol.w["weak"] \
            or pol.engine.composer.paths_of(roles[0]) is None:
        return None
    return Decision("list_careers", best[1], [roles[0]],
                    notes=[f"careers asked of '{roles[0].id}': the paths listed under it"])


def settle_options_listed(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'What fellowships could I go into after residency?', 'what jobs could I go into?': a
    what-question for a kind of career in the plural asks for them all, not for a pick (the
    chooser is offered after them); 'which fellowship should I do?', 'what jobs would suit
    me best?' and anything said about the person still pick."""
    p = f.p
    if best[0] != "recommend" or f.profiled or not pol.asks_for_all(p):
        return None
    asked = p.tokens[pol.condition_end(p) or 0:]
    intent = "subspecialties" if p.requested == "subspecialty" else "list_careers"
    return Decision(intent, max(best[1], pol.w["weak"]), offer_chooser=True,
                    notes=[f"'{asked[0]} {asked[1]}' asks for them all: listed, "
                           "chooser offered"])


def settle_pick_from_what_was_said(pol: Policy, best: Best,
                                   f: Facts) -> Best | Decision | None:
    """'I love working with kids' then 'which fellowship then?': a which-question for a kind
    of career that describes nothing itself, after the person said what they like, asks for
    the pick that fits what they said."""
    p = f.p
    if not f.known or not p.requested or not p.words & pol.sets["pick_questions"] \
            or best[0] in {"recommend", "compare", "list_careers"}:
        return None
    if any(not m.negated and pol.type_of(m) in CAREER_TYPES for m in f.explicit) \
            or pol.described(p, pol.asked_types(p), mask_names=True):
        return None
    if len(p.tokens) > pol.w["topic_words"]:
        return None
    return ("recommend", max(best[1], pol.w["weak"]))


def settle_followup(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'And what about sonographers?' asks the last question again, of something new."""
    if f.followup and (f.explicit or f.keyword) and f.last_intent not in {
            "", "recommend", "about_me"} \
            and f.other_best(f.last_intent) < pol.w["followup_other_ceiling"]:
        return (f.last_intent, max(best[1], pol.w["followup_floor"]))
    return None


def settle_social(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Hi there!' or 'thanks!' alone is small talk; but 'what can you do after it?' after
    residency asks of the topic, whatever words of a request for help it holds."""
    p = f.p
    if best[0] == "help" and f.topic and p.pronoun:
        return ("describe", pol.w["weak"])
    if best[0] in SOCIAL and best[1] >= pol.w["social_floor"] and not f.explicit \
            and len(p.tokens) <= pol.w["social_words"] and len(p.unknown) <= 1:
        return Decision(best[0], best[1])
    return None


def _strong(f: Facts) -> bool:
    return bool(f.explicit) or f.p.domain or bool(f.list_refs)


def _lookup(pol: Policy, best: Best, f: Facts) -> bool:
    """A question that looks its keyword up: a lookup intent, 'who ...', or a question no
    intent reads at all ('what do the people who make sure scanners follow the rules do?')."""
    return best[0] in pol.sets["lookup_intents"] or f.p.tokens[:1] == ("who",) or (
        not best[0] and f.p.question) or (bool(f.p.words & pol.sets["need_asked"])
                                          and pol.asks_which_kind(f.p))
    # ('which careers need a bachelor's degree?': careers looked up by what they require)


def settle_keyword_elsewhere(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'How much do software engineers earn?': a keyword alone, in a question that looks
    nothing up, is some other field; but 'what about for kids?' after a question on a
    fellowship moves the same question to the kids' one."""
    about_topic = bool(f.topic) and any(f.topic[0].id in m.node_ids for m in f.keyword)
    ruling_out = best[0] == "list_careers" and any(pol.rules_out(f.p, m) for m in f.keyword)
    if f.keyword and not _strong(f) and not _lookup(pol, best, f) and not ruling_out \
            and not (f.topic and f.p.pronoun) and not about_topic \
            and not (f.topic and f.followup) and best[1] >= pol.w["keyword_question_floor"]:
        return Decision("oos", best[1])
    return None


def settle_outside(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """A turn that names nothing of the field is declined, unless context carries it ('and
    the pay?') or it asks something general ('is the outlook good?')."""
    p = f.p
    in_domain = _strong(f) or (bool(f.keyword) and _lookup(pol, best, f)) or (
        pol.asks_who(p) and pol.clearly_described(p, pol.asked_types(p)) is not None)
    if best[0] == "about_me" and best[1] >= pol.w["statement_floor"] and (
            f.profile_changed or in_domain):
        return None
    if in_domain:
        return None
    unknown = [w for i, w in enumerate(p.tokens) if w in p.unknown and i not in p.likened]
    if unknown and not (f.short_followup or (best[0] == "recommend" and f.asks_for_pick) or (
            f.topic and len(unknown) == 1 and best[1] >= pol.w["unknown_word_floor"])):
        # ('which career would suit someone who likes tech but not patient *contact*?' asks
        # for a pick whatever word the document never uses)
        many = len(p.tokens) >= 3 or p.question
        return Decision("oos" if many else "not_understood", best[1])
    contextual = f.short_followup or f.short_question or (bool(f.topic) and (
        (len(p.tokens) <= pol.w["topic_words"] and best[1] >= pol.w["contextual_floor"])
        or (len(p.tokens) <= pol.w["contextual_long_words"]
            and best[1] >= pol.w["contextual_long_floor"])))
    general = best[0] in SOCIAL or best[0] in pol.sets["general_intents"]
    if not general and not contextual:
        return Decision("not_understood", best[1])
    return None


def settle_listed_step(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'What is the last step listed under medical school and residency?', 'the first step on
    the physician training pathway?': an ordinal step of a list is a place in the steps the
    document lists, so the list is the answer, of the career whose list holds the steps named
    (the shortest such path; of a heading, its first career): never one step's own line."""
    p = f.p
    if not (p.words & pol.sets["step_only_nouns"] and p.words & pol.engine.lexicon.ordinals.keys()):
        return None
    c, g = pol.engine.composer, pol.g
    named = [g.node(m.node_ids[0]) for m in f.explicit if not m.negated]  # (not 'no med
    # school for me ... what's the first step?', which asks the step of the pick)
    careers = {i for n in named if n.type in {"training", "credential"} for i in c.needed_by(n)}
    careers |= {m.id for n in named if n.type == "category" for m in c.members(n)
                if g.pathway(m.id).steps}
    if not careers:
        return None
    career = min((g.node(i) for i in careers),
                 key=lambda n: (len(g.pathway(n.id).steps), g.order(n.id)))
    return Decision("education", max(best[1], pol.w["weak"]), [career], context_used=[
        f"the steps the document lists for '{career.id}'"])


def settle_figure_followup(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Can you give me an actual number?' after the pay: a few words asking for a figure,
    naming nothing, ask the last question again (whose answer says what figures there are)."""
    if f.explicit or best[1] >= pol.w["weak"] or not f.p.question \
            or f.last_intent in {"", *SOCIAL, "recommend", "about_me"} \
            or not f.p.words & pol.sets["figure_asks"] \
            or len(f.p.tokens) > pol.w["topic_words"]:
        return None
    return Decision(f.last_intent, pol.w["weak"], list(f.topic), context_used=[
        f"a figure asked of the last answer ({f.last_intent})"])


def settle_keyword_of_topic(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Do they have to keep studying?' of rad techs: little asked, naming nothing, but a
    keyword points at a node the topic links to (continuing education maintains their
    license): the question is of that link, so that node's line answers."""
    if best[1] >= pol.w["weak"] or not f.topic or f.explicit or not f.keyword:
        return None
    linked = {n.id for n in pol.g.neighbours(f.topic[0].id)}
    hit = next((i for m in f.keyword for i in m.node_ids if i in linked), None)
    if hit is None:
        return None
    return Decision("describe", pol.w["weak"], [pol.g.node(hit)], context_used=[
        f"'{hit}' is linked to the topic '{f.topic[0].id}'"])


def settle_asked_of_topic(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'So which body parts does she look at?' after neuroradiology: a short question whose
    pronoun points back asks about what was discussed; the weak pick its 'which ... does'
    reads is no request to choose a career."""
    if best[0] == "recommend" and f.short_followup and f.p.pronoun and not f.explicit \
            and not f.asks_for_pick and f.last_intent not in {"recommend", "about_me"} \
            and best[1] < pol.w["contextual_long_floor"]:  # (after a ranking, 'that job' is
        # one of it)
        return ("describe", best[1])
    return None


def settle_weak_followup(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'And the technologist version of that?': little asked, but it points back, so the last
    question is asked of the topic; 'can they work in vascular?' asks something of its own
    about the topic (described: its closest fact answers)."""
    if best[1] < pol.w["weak"] and f.topic and (f.followup or f.p.pronoun or f.short_question) \
            and not f.p.unknown and not (  # ('still see patients?' of the topic; but 'and who
                pol.asks_who(f.p) and pol.clearly_described(  # captures the images they
                    f.p, pol.asked_types(f.p)) is not None):  # read?' asks who, described)
        last = f.last_intent
        keep = f.followup and last in pol.engine.intents and last not in {
            *SOCIAL, "recommend", "about_me"}
        return (last if keep else "describe", pol.w["weak"])
    return None


def settle_elaboration(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'What else?', 'doing what?', 'like what?', 'who?', 'why?' after an answer: a few words
    that only ask for more of the thing being discussed get all the document says of it."""
    p = f.p
    if not p.tokens or len(p.tokens) > pol.w["elaboration_words"] \
            or f.explicit or not set(p.tokens) <= pol.sets["elaboration"] \
            or best[1] >= pol.w["focus_floor"]:
        return None
    if not f.topic:  # ('is radiology a secure career?' then 'why?': of the field, the same
        general = f.last_intent in pol.sets["field_intents"]  # question again: its reasons)
        return Decision(f.last_intent, max(best[1], pol.w["weak"]), [], context_used=[
            f"more of the last answer ({f.last_intent})"]) if general else None
    if f.topic[0].type == "skill":  # one skill of the list the document gives together:
        return Decision("skills", max(best[1], pol.w["weak"]), [],  # more is the others
                        context_used=[f"the skills beside '{f.topic[0].id}'"])
    return Decision("describe", max(best[1], pol.w["weak"]), [f.topic[0]],
                    context_used=[f"more of the topic '{f.topic[0].id}'"])


def settle_limited_to_topic(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Just mammograms?' after breast imaging: whether the thing discussed is limited to
    something it covers is answered by all it covers (its own line)."""
    p = f.p
    if not f.topic or len(p.tokens) > pol.w["elaboration_words"] \
            or not p.words & pol.sets["limiting_words"] or len(f.explicit) != 1:
        return None
    named = f.explicit[0].node_ids[0]
    topic = f.topic[0]
    if named == topic.id or named not in {n.id for n in pol.g.neighbours(topic.id)}:
        return None
    return Decision("describe", max(best[1], pol.w["weak"]), [topic],
                    context_used=[f"whether '{topic.id}' is only '{named}'"])


def settle_weak_requirement(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Do rad techs need CE?': nothing else asked, a career and a step or credential named
    with a word of need asks what the career's path requires (the path says it)."""
    if best[1] >= pol.w["weak"] or not f.p.words & pol.sets["requirement_words"]:
        return None
    types = {pol.type_of(m) for m in f.explicit if not m.negated}
    if f.p.pronoun:  # "do they need CE?" of the career talked about
        types |= {n.type for n in f.topic}
    if types & CAREER_TYPES and types & {"training", "credential"}:
        return ("education", pol.w["weak"])
    return None


def settle_weak(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Sonographer?' alone describes what was named; nothing named is not understood."""
    if best[1] >= pol.w["weak"]:
        return None
    if f.list_refs:
        keep = f.followup and f.last_intent not in {"", "list_careers", "recommend"}
        return (f.last_intent if keep else "describe", pol.w["weak"])
    if f.explicit or f.keyword or (pol.asks_who(f.p) and pol.clearly_described(
            f.p, pol.asked_types(f.p)) is not None):  # "who interprets medical images?"
        return ("describe", max(best[1], pol.w["weak"]))
    overview = pol.g.get(str(pol.g.meta.get("overview", "")))
    if overview is not None and pol.names_field(f.p):  # "what does radiology offer?"
        return Decision("describe", pol.w["weak"], [overview],
                        notes=["the field itself asked about: its overview"])
    return Decision("not_understood", best[1])


def settle_which_by_modality(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Which radiologists read mammograms?': a which-question for a kind of career that names
    a modality asks which of that kind works with it, by the lines that say so (Breast Imaging:
    'mammography, breast ultrasound, and breast MRI'); the kind itself is left to the
    modalities answer ('which modalities does a rad tech work with?')."""
    p = f.p
    if best[0] in {*SOCIAL, "recommend", "compare"}:
        return None
    modalities = [m for m in f.explicit if pol.type_of(m) == "modality" and not m.negated]
    kinds = [m for m in f.explicit if pol.type_of(m) in CAREER_TYPES and not m.negated]
    if len(modalities) != 1 or len(kinds) != 1:
        return None
    span = int(pol.w["pick_head_window"])  # the which-word asks for the kind named after it
    if not any(0 < kinds[0].start - i <= span for i, t in enumerate(p.tokens)
               if t in pol.sets["pick_questions"]):
        return None
    g = pol.g
    career = kinds[0].node_ids[0]
    users = {n.id for n in g.neighbours(modalities[0].node_ids[0], "uses_modality",
                                        incoming=True)}
    family = {n.id for n in g.neighbours(career, "specializes", incoming=True)}
    found = sorted(users & family, key=g.order)
    if not found or career in users:
        return None
    described = pol.described(p, pol.asked_types(p), mask_names=True)
    if described and described[0].node.id not in found:
        return None  # ('... read the MRI of my torn ACL?': the knee says which, not MRI)
    return Decision("describe", max(best[1], pol.w["weak"]), [g.node(i) for i in found],
                    notes=[f"which of '{career}' works with "
                           f"'{modalities[0].node_ids[0]}': {', '.join(found)}"])


def settle_modality(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Can a rad tech do mammograms?' (or 'do they do MRI too?' after one) asks which
    modalities a career works with."""
    about_career = f.careers_named_any or (  # ('do they do MRI too?' of the career just
        f.p.pronoun and bool(f.topic) and f.topic[0].type in CAREER_TYPES)  # discussed)
    if best[1] < pol.w["modality_ceiling"] and best[0] not in {*SOCIAL, "recommend", "compare"} \
            and any(pol.type_of(m) == "modality" for m in f.explicit) and about_career:
        return ("modalities", max(best[1], pol.w["modality_floor"]))
    return None


def settle_move_into_career(pol: Policy, best: Best,
                            f: Facts) -> Best | Decision | None:
    """'I'm a rad tech, could I move into sales?': a move into another career is that career
    asked about (what it is and involves), not a specialisation of one's own ('could I move
    into MRI?' still is)."""
    p = f.p
    if best[0] != "subspecialties" or not p.has(*pol.sets["move_phrases"]):
        return None
    at = max(p.padded.find(f" {m} ") for m in pol.sets["move_phrases"])
    after = len(p.padded[:at].split()) + 1
    target = next((m for m in f.explicit if m.start >= after and not m.negated), None)
    if target is None or pol.type_of(target) not in CAREER_TYPES:
        return None
    return Decision("describe", max(best[1], pol.w["weak"]),
                    [pol.g.node(target.node_ids[0])],
                    notes=[f"a move into '{target.node_ids[0]}': that career described"])


def settle_filtered_list(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'Can you work in radiology without going to med school?', 'what jobs exist besides the
    doctor?': jobs asked for with something ruled out is a list to filter, when no career is
    named as the subject."""
    p = f.p
    only = any(pol.only_for(p, m) for m in p.mentions)
    if best[0] in {*SOCIAL, "compare", "recommend", "list_careers"} \
            or not (p.words & pol.sets["job_words"] or only):
        return None
    asked = pol.story_question(p.text) or p  # (the sentence that asks, after a story)
    if any(not m.negated and pol.type_of(m) in CAREER_TYPES for m in f.explicit) or (
            asked.words & pol.sets["first_person"] and pol.asks_which_kind(asked)):
        return None  # ('I love procedures, not just reading scans — which radiology path?':
        # what the person rules out is a liking, the pick weighs it)
    kinds = {"training", "credential", "category", *CAREER_TYPES}
    ruled_out = any(pol.rules_out(p, m) and pol.g.node(i).type in kinds
                    for m in p.mentions for i in m.node_ids[:1])
    if not ruled_out:
        return None
    return ("list_careers", max(best[1], pol.w["list_filter_floor"]))


def settle_list_of_fellowships(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'List the fellowships after residency pls', 'which fellowships exist? give me all
    list': a list asked for of the fellowships is the subspecialties' list, not the careers'."""
    if best[0] == "list_careers" and f.p.requested == "subspecialty" \
            and "subspecialties" in f.scores:
        return ("subspecialties", best[1])
    return None


def settle_options_of_topic(pol: Policy, best: Best, f: Facts) -> Best | Decision | None:
    """'What are the other options for that year?' (or 'what kinds are there?') after the
    preliminary year: the options the graph gives the step being discussed (surgery, internal
    medicine, a transitional year), when nothing else is named."""
    topic = f.topic[0] if f.topic else None
    if topic is None or not topic.get("options") or f.explicit \
            or not f.p.words & pol.sets["option_words"] or not (
                f.p.pronoun or f.followup or len(f.p.tokens) <= pol.w["topic_words"]):
        return None
    return Decision("subspecialties", max(best[1], pol.w["weak"]), [topic],
                    context_used=[f"the options of the topic '{topic.id}'"])


SETTLERS: tuple[Settler, ...] = (settle_listed_step, settle_which_by_modality,
                                 settle_options_of_topic,
                                 settle_paths_of_career,
                                 settle_list_of_fellowships,
                                 settle_described_pick, settle_options_listed,
                                 settle_pick_from_what_was_said,
                                 settle_followup, settle_social,
                                 settle_figure_followup, settle_keyword_elsewhere,
                                 settle_elaboration, settle_limited_to_topic, settle_outside,
                                 settle_weak_requirement,
                                 settle_keyword_of_topic, settle_asked_of_topic,
                                 settle_weak_followup, settle_weak,
                                 settle_modality, settle_move_into_career,
                                 settle_filtered_list)


def weigh(pol: Policy, f: Facts) -> Best:
    """The best intent after every adjustment; ties go to the intent declared first."""
    e = pol.engine
    named = [n for n in f.scores if n in e.intent_index]
    if f.asks_for_pick and "recommend" not in f.scores and "recommend" in e.intent_index:
        named.append("recommend")
    adjusted: dict[str, float] = {}
    for name in sorted(named, key=e.intent_index.__getitem__):
        spec = e.intents[name]
        score: float | None = f.scores.get(name, 0.0)
        for rule in ADJUSTMENTS:
            if score is None:
                break
            score = rule(pol, spec, score, f)
        if score is not None:
            adjusted[name] = score
    return max(adjusted.items(), key=lambda kv: kv[1], default=("", 0.0))


def decide(pol: Policy, f: Facts) -> Decision:
    """Gates, then weighing, then settlers: the intent of one turn (nodes not yet resolved)."""
    for gate in GATES:
        found = gate(pol, f)
        if found is not None:
            return found
    best = weigh(pol, f)
    for settle in SETTLERS:
        outcome = settle(pol, best, f)
        if isinstance(outcome, Decision):
            return outcome
        if outcome is not None:
            best = outcome
    return Decision(best[0], best[1], resolve=best[0] not in SOCIAL | {"recommend"})
