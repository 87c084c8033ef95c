"""Answers composed from graph facts, one method per intent, specific to the question asked.

Nothing here invents a fact: every sentence is a node's summary, a field, a statement, or a
computed pathway. Where the graph is silent the answer says so plainly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import pairwise, product

from knowledge import CAREER_TYPES, Graph, Node, Pathway, key
from knowledge.index import stem
from knowledge.record import field, record
from knowledge.text import join_words

#: Comparison cells that say the document gives nothing for that row.
_NOTHING_SAID = frozenset({"not stated", "not described", "none named"})


@record
class Answer:
    """Composed text plus what it was about, for context and structured replies."""

    text: str
    entities: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    silent: bool = False
    #: The point asked is one the source never covers (the reply says so): flagged as a
    #: fallback, as a decline is, though it goes on to say what the source does say.
    uncovered: bool = False
    suggestions: tuple[str, ...] = field(default=())


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:" else text + "."


def _lower_name(name: str) -> str:
    """A name inside a sentence: lower case, acronyms kept ('an AI and machine learning
    specialist', 'the IR fellowship')."""
    return " ".join(w if w.isupper() else w.lower() for w in name.split())


def _lower_first(text: str) -> str:
    """'Brain imaging' -> 'brain imaging' for mid-sentence use; acronyms ('MRI') stay."""
    first = text.split(" ", 1)[0]
    if len(text) > 1 and (text[1] in "./" or any(c.isupper() for c in first[1:])):
        return text  # 'MRI', 'PhD', 'MD/PhD' keep their capitals
    return text[:1].lower() + text[1:]


def article(noun: str) -> str:
    """'a sonographer', 'an informatics specialist'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _same(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


#: The distinct words of a question that are compared with a node's facts.
_BEST_FACT_WORDS = 48


class _Words:
    """The stemmed words of a fact, with what `_same` needs looked up rather than scanned
    (a 2,000-character question of unknown words once tested each against every fact word:
    issue 14): the words, and every prefix of five letters or more of the long ones."""

    __slots__ = ("prefixes", "words")

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self.prefixes = frozenset(w[:k] for w in self.words if len(w) >= 5
                                  for k in range(5, len(w) + 1))

    def has(self, word: str) -> bool:
        """Is some word of the fact `_same` as `word`?"""
        if word in self.words:
            return True
        if len(word) < 5:
            return False
        return word in self.prefixes or any(word[:k] in self.words
                                            for k in range(5, len(word)))

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)


class Composer:
    """Builds answers from one graph. Stateless and thread-safe."""

    def __init__(self, graph: Graph, responses: dict[str, str]) -> None:
        self.g = graph
        self.r = responses
        self._facts_cache: dict[str, list[tuple[str, _Words]]] = {}
        self._related_stems: tuple[dict[str, tuple[str, ...]],
                                   dict[str, tuple[str, ...]]] | None = None
        # Whole-graph answers, worked out on first use (the graph never changes): on a graph
        # of thousands of careers, scanning them on every such question cost milliseconds.
        self._careers: tuple[Node, ...] | None = None
        self._needed_by: dict[str, frozenset[str]] | None = None
        self._roots: tuple[Node, ...] | None = None

    def t(self, key: str, **values: object) -> str:
        """A template of responses.yaml filled with graph facts."""
        return self.r[key].format(**values)

    # -- graph helpers --------------------------------------------------------------------
    def inherited(self, node: Node, relation: str) -> tuple[Node, ...]:
        """A node's neighbours by `relation`, else those of what it specialises: a fellowship
        has the radiologist's category and credential unless it names its own."""
        own = self.g.neighbours(node.id, relation)
        if own:
            return own
        for parent in self.g.neighbours(node.id, "specializes"):
            found = self.inherited(parent, relation)
            if found:
                return found
        return ()

    def categories(self, node: Node) -> tuple[Node, ...]:
        return self.inherited(node, "in_category")

    def credentials(self, node: Node) -> tuple[Node, ...]:
        return self.inherited(node, "certified_by")

    def members(self, category: Node) -> tuple[Node, ...]:
        return tuple(n for n in self.g.neighbours(category.id, "in_category", incoming=True))

    def careers(self) -> tuple[Node, ...]:
        if self._careers is None:
            self._careers = tuple(n for n in self.g if n.type in CAREER_TYPES)
        return self._careers

    def needed_by(self, requirement: Node) -> frozenset[str]:
        """The careers whose pathway or credentials include `requirement`."""
        if self._needed_by is None:
            index: dict[str, set[str]] = {}
            for career in self.careers():
                for need in (*self.g.pathway(career.id).steps, *self.credentials(career)):
                    index.setdefault(need.id, set()).add(career.id)
            self._needed_by = {k: frozenset(v) for k, v in index.items()}
        return self._needed_by.get(requirement.id, frozenset())

    def fellowship_roots(self) -> tuple[Node, ...]:
        """Training steps that subspecialties specialise (the fellowships), in graph order."""
        if self._roots is None:
            self._roots = tuple(n for n in self.g.of_type("training") if self.children(n))
        return self._roots

    def kinds(self, node: Node) -> tuple[Node, ...]:
        """The nodes that are kinds of `node` (the fellowships of 'fellowship')."""
        return tuple(self.g.neighbours(node.id, "kind_of", incoming=True))

    def children(self, node: Node) -> tuple[Node, ...]:
        """Subspecialty nodes that specialise `node` or are kinds of it."""
        kids = [*self.g.neighbours(node.id, "specializes", incoming=True),
                *self.kinds(node)]
        ordered = dict.fromkeys(k for k in kids if k.type == "subspecialty")
        return tuple(ordered)

    def stated_lengths(self, node: Node) -> str:
        """'The document states a length only for the IR fellowship (2 years).' for a step
        whose kinds have lengths of their own ('how long are fellowships?'); else ''."""
        kids = [k for k in self.children(node) if k.duration is not None]
        if not kids:
            return ""
        return self.t("stated_lengths_only",
                      names=join_words([f"the {k.name} fellowship ({k.duration})"
                                        if k.label != k.name.lower() else
                                        f"the {k.label} ({k.duration})" for k in kids]))

    def category_statements(self, node: Node) -> str:
        """What the document says of every career of a node's category ('Medical imaging
        technicians operate the equipment...' belongs to all technical positions)."""
        own = {s.lower() for s in node.get("statements", ())}
        for cat in self.g.neighbours(node.id, "in_category"):
            said = [s for s in cat.get("statements", ())
                    if len(s.split()) > 4 and s.lower() not in own]
            if said:
                name = self.heading(cat)
                return self.t("category_says", category=name,
                              statements=" ".join(_sentence(x) for x in said))
        return ""

    def shared_duties(self, node: Node) -> list[str]:
        """What the document says of every career of a role's category ('Medical imaging
        technicians operate the equipment and capture images...'), when the role's own facts
        do not already say it: a comparison of what careers do needs it."""
        if node.type != "role":
            return []
        out = []
        for cat in self.categories(node):
            said = cat.summary.rstrip(".")
            if said and said.lower() not in node.summary.lower() and not said.lower().startswith(
                    node.name.lower()):
                out.append(self.t("as_category", category=cat.name.lower(),
                                  statement=_lower_first(said)))
        return out

    def what(self, node: Node) -> str:
        """One sentence on what a node is or does."""
        focus = node.get("focus")
        if node.type == "subspecialty" and focus:
            return self.t("focus_line", name=node.name, focus=_lower_first(focus))
        return _sentence(node.summary)

    def step_text(self, step: Node) -> str:
        label = step.get("full_name") or step.name
        extra = []
        if step.duration is not None:
            extra.append(str(step.duration))
        options = step.get("options")
        if options:
            extra.append("often " + join_words(list(options), "or"))
        return f"{label} ({'; '.join(extra)})" if extra else str(label)

    def pathway_line(self, node: Node, after: Node | None = None) -> str | None:
        path = self.g.pathway(node.id)
        steps = path.steps
        if after is not None and after in steps:
            steps = steps[steps.index(after) + 1:]
        if not steps:
            return None
        part = Pathway.of(node, steps, path.links)
        unstated = [_lower_first(s.label) for s in part.unstated]
        line = part.timeline()
        if part.total is not None:
            line += self.t("total_in_all", total=part.total)
            if unstated:
                line += self.t("no_separate_length", steps=join_words(unstated))
            line += self.t("nothing_before") + ")"
        return line

    def facts(self, node: Node) -> list[str]:
        """Every sentence the graph holds about a node, its steps and its credentials."""
        out = [node.summary, *node.get("statements", ()), *node.get("duties", ())]
        for name in ("focus", "full_name"):
            if node.get(name):
                out.append(str(node.get(name)))
        if node.get("options"):
            out.append(self.t("often_options", name=node.get("full_name") or node.name,
                              options=join_words(list(node.get("options")), "or")))
        before = [b for b in self.g.neighbours(node.id, "requires") if b.type == "training"]
        if node.type == "training" and before:
            prev = str(before[0].get("full_name") or before[0].name)
            out.append(self.t("before_step", name=node.name, prev=_lower_first(prev)))
        for step in self.g.pathway(node.id).steps:
            if step.id != node.id:
                out.append(_sentence(step.summary)[:-1])
        for cred in self.credentials(node):
            out.append(_sentence(cred.summary)[:-1])
        for upkeep in self.g.neighbours(node.id, "maintained_by"):
            out.append(_sentence(upkeep.summary)[:-1])
        for cat in self.categories(node):
            if cat.get("pay"):
                out.append(str(cat.get("pay")))
        return list(dict.fromkeys(o for o in out if o))

    def heading_saying(self, node: Node, fact: str) -> str:
        """The heading whose own line `fact` is, when the node holds a line said of all the
        careers under it ('Medical imaging technicians operate the equipment ...' of the
        technical careers, held by the QA specialist); else ''."""
        for cat in self.categories(node):
            if any(s.rstrip(".") == fact.rstrip(".") for s in cat.get("statements", ())):
                return self.heading(cat)
        return ""

    def _fact_words(self, node: Node) -> list[tuple[str, _Words]]:
        """A node's facts with their stemmed words, computed once per node."""
        cached = self._facts_cache.get(node.id)
        if cached is None:
            cached = [(fact, _Words(stem(t) for t in key(fact).replace("-", " ").split()
                                    if len(t) > 2)) for fact in self.facts(node)]
            self._facts_cache[node.id] = cached
        return cached

    def best_fact(self, node: Node, words: Sequence[str],
                  related: dict[str, tuple[str, ...]]) -> str | None:
        """The one fact of `node` that shares most words with the question, or None."""
        if self._related_stems is None or self._related_stems[0] is not related:
            self._related_stems = (related, {stem(k): v for k, v in related.items()})
        by_stem = self._related_stems[1]  # ('checking' finds the relatives of 'checks')
        wanted = [(stem(w), [stem(r) for r in related.get(w) or by_stem.get(stem(w), ())])
                  for w in list(dict.fromkeys(words))[:_BEST_FACT_WORDS]]  # (a word repeated
        # counts once; a text of hundreds of words is no question about one fact)
        if not wanted:
            return None
        best, best_score = None, 0.0
        for fact, fact_words in self._fact_words(node):
            score = 0.0
            for own, near in wanted:  # each question word counts once: 1 itself, 0.8 a relative
                if fact_words.has(own):
                    score += 1.0
                elif any(fact_words.has(r) for r in near):
                    score += 0.8
            if score > best_score:
                best, best_score = fact, score
        return best if best_score >= 0.8 else None

    # -- intents --------------------------------------------------------------------------
    def describe(self, node: Node) -> Answer:
        """What a node is, by its type: one method per type, the same sentence frame each."""
        if node.type == "category":
            return self._describe_category(node)
        lines = getattr(self, f"_about_{node.type}", self._about_other)(node)
        return Answer("\n".join(lines), (node.id,))

    def _about_subspecialty(self, node: Node) -> list[str]:
        lines = [self.t("subspecialty_is", name=node.name,
                        focus=_lower_first(node.get("focus", node.summary)))]
        if node.duration is not None and "fellowship" not in str(node.get("focus", "")):
            lines.append(self.t("fellowship_lasts", duration=node.duration))
        path = self.pathway_line(node)
        if path:
            lines.append(self.t("path_line", path=path))
        return lines

    def _about_role(self, node: Node) -> list[str]:
        lines = [_sentence(node.summary)]
        lines.extend(_sentence(s) for s in node.get("statements", ()))
        duties = [d for d in node.get("duties", ()) if d.lower() not in node.summary.lower()]
        if duties:
            lines.append(self.t("role_involves"))
            lines.extend(f"• {_sentence(d)}" for d in duties)
        kids = self.children(node)
        # Fellowships are what radiologists "may pursue": said where fellowships are asked
        # about, never listed as what a role 'specializes into'.
        optional = any(set(kids) <= set(self.children(r)) for r in self.fellowship_roots())
        if kids and not optional:
            lines.append(self.t("specializes_into", names=join_words([k.name for k in kids])))
        path = self.pathway_line(node)
        if path:
            lines.append(self.t("path_line", path=path))
        shared = self.category_statements(node)
        if shared:
            lines.append(shared)
        return lines

    def _describe_category(self, node: Node) -> Answer:
        lines = [_sentence(node.summary)]
        lines.extend(_sentence(s) for s in node.get("statements", ())
                     if s.lower() != node.summary.lower() and len(s.split()) > 4)
        members = self.members(node)
        if members:
            lines.append(self.t("careers_in", names=join_words([m.name for m in members])))
        return Answer("\n".join(lines), (node.id,), tuple(m.id for m in members))

    def _about_credential(self, node: Node) -> list[str]:
        lines = [_sentence(node.summary)]
        holders = self.g.neighbours(node.id, "certified_by", incoming=True)
        if holders:
            lines.append(self.t("needed_by", names=join_words([h.name for h in holders])))
        return lines

    def _about_modality(self, node: Node) -> list[str]:
        lines = [self.t("modality_line", name=node.get("full_name") or node.name,
                        summary=_lower_first(node.summary))]
        users = self.g.neighbours(node.id, "uses_modality", incoming=True)
        if users:
            lines.append(self.t("careers_with_it", names=join_words([u.name for u in users])))
        return lines

    def _about_training(self, node: Node) -> list[str]:
        lines = [_sentence(node.summary)]
        if node.duration is not None and str(node.duration) not in node.summary.replace(
                "-", "–"):
            lines.append(self.t("training_takes", duration=node.duration))
        options = node.get("options")
        if options and "often" not in node.summary:
            lines.append("Options: " + join_words(list(options), "or") + ".")
        lengths = self.stated_lengths(node)
        if lengths:
            lines.append(lengths)
        return lines

    def _about_skill(self, node: Node) -> list[str]:
        return [_sentence(node.summary), self.t("skill_is_general")]

    def _about_other(self, node: Node) -> list[str]:
        # A list's lead-in ('Successful careers in radiology require:') is no sentence alone.
        lines = [_sentence(node.summary)]
        lines.extend(_sentence(s) for s in node.get("statements", ())
                     if s.lower() not in node.summary.lower() and len(s.split()) > 3
                     and not s.rstrip().endswith(":"))
        return lines

    def duties(self, node: Node) -> Answer:
        if node.type == "subspecialty":
            text = self.what(node)
            if node.duration is not None and "fellowship" not in text:
                text += " " + self.t("fellowship_lasts", duration=node.duration)
            return Answer(text, (node.id,))
        duties = node.get("duties", ())
        if node.type == "role" and duties:
            head = _sentence(node.summary)
            rest = [d for d in duties if d.lower() not in node.summary.lower()]
            lines = [head, *(_sentence(s) for s in node.get("statements", ())),
                     *(f"• {_sentence(d)}" for d in rest)]
            shared = self.category_statements(node)
            if shared:
                lines.append(shared)
            return Answer("\n".join(lines), (node.id,))
        return self.describe(node)

    def duration(self, node: Node, after: Node | None = None, *,
                 fellowship_only: bool = False) -> Answer:
        lines: list[str] = []
        if node.type == "subspecialty" and node.duration is None and fellowship_only:
            text = self.r["silent"].format(what=f"how long the {node.label} takes")
            root = next((r for r in self.fellowship_roots() if node in self.children(r)), None)
            lengths = self.stated_lengths(root) if root is not None else ""
            return Answer(f"{text} {lengths}".strip(), (node.id,), uncovered=True)
        if node.type in {"training", "subspecialty"} and node.duration is not None:
            typically = "typically " if "typically" in " ".join(node.get("statements", ())) else ""
            if node.type == "subspecialty":
                lines.append(self.t("fellowship_takes", name=node.name, duration=node.duration))
            else:
                lines.append(self.t("step_takes", name=node.name, typically=typically,
                                    duration=node.duration))
            if fellowship_only or node.type == "training":
                return Answer(" ".join(lines), (node.id,))
        elif node.type == "training":
            text = self.r["silent"].format(what=f"how long the {_lower_name(node.name)} takes")
            lengths = self.stated_lengths(node)
            if lengths:
                text += " " + lengths
            kids = tuple(k.id for k in self.children(node) if k.duration is not None)
            return Answer(text, (node.id, *kids), silent=not lengths)
        path = self.pathway_line(node, after)
        if path is None:
            return Answer(self.r["silent"].format(
                what=f"how long it takes to become {article(_lower_name(node.name))}"), (node.id,),
                silent=True)
        if after is not None:
            lines.append(self.t("path_after", after=after.name.lower(), name=node.name,
                                path=path))
        else:
            lines.append(self.t("path_to", name=node.name, path=path))
            total = self.g.pathway(node.id).total
            if total is None:  # (no step of the path has a stated length: the point asked)
                lines.append(self.r["silent"].format(what="how long these steps take"))
                return Answer(" ".join(lines), (node.id,), uncovered=True)
        ids = (node.id,) + ((after.id,) if after else ())
        return Answer(" ".join(lines), ids)

    def span(self, first: Node, last: Node) -> Answer:
        """How long from the start of one step to the end of a later one."""
        path = self.g.pathway(last.id).steps
        if first not in path:
            first, last = last, first
            path = self.g.pathway(last.id).steps
        if first not in path or last not in path:
            return self.duration(first)
        part = Pathway.of(last, path[path.index(first):path.index(last) + 1],
                          self.g.pathway(last.id).links)
        unstated = [_lower_first(s.label) for s in part.unstated]
        line = part.timeline()
        text = self.t("span_line", first=first.name.lower(), last=last.name.lower(),
                      timeline=line[:1].upper() + line[1:])
        if part.total is not None:
            text += self.t("span_total", total=part.total)
            if unstated:
                text += " (" + self.t("no_separate_length", steps=join_words(unstated))[2:] + ")"
        return Answer(text + ".", (first.id, last.id))

    def sum_of(self, steps: Sequence[Node]) -> Answer:
        """The stated lengths of steps asked about together ('how many years in total for
        med school and residency?'), summed and labelled as a sum worked out here."""
        part = Pathway.of(steps[-1], tuple(steps))
        line = part.timeline()
        if part.total is None:
            return Answer(line[:1].upper() + line[1:] + ".", tuple(s.id for s in steps))
        text = f"{line[:1].upper()}{line[1:]}.\n{self._total_line(part)}"
        return Answer(text, tuple(s.id for s in steps))

    def _total_line(self, part: Pathway) -> str:
        """'The stated lengths add up to 8–9 years; the document gives no length for the
        preliminary year; this sum is worked out here ...' for a pathway with a total."""
        unstated = [_lower_first(s.label) for s in part.unstated]
        extra = self.t("no_separate_length", steps=join_words(unstated)) if unstated else ""
        return self.t("total_line", total=part.total, extra=extra)

    def before(self, step: Node) -> Answer:
        """The steps that come before a training step, in order."""
        path = [s for s in self.g.pathway(step.id).steps if s != step]
        if not path:
            return self.describe(step)
        lines = [self.t("before_steps", name=step.name.lower())]
        links = self.g.pathway(step.id).links
        direct = [s for s in path if (step.id, s.id) in links]
        lines.extend(f"• {self.step_text(s)}" for s in direct or path)
        return Answer("\n".join(lines), (step.id, *(s.id for s in path)))

    @staticmethod
    def order_quote(later: Node, earlier: Node) -> str:
        """The line stating that `later` comes after `earlier` ('After residency, radiologists
        may pursue fellowships in subspecialties'), else ''."""
        return next((f.sources[0].quote for f in later.facts
                     if f.field == f"requires:{earlier.id}" and f.sources), "")

    def _order_said(self, steps: Sequence[Node], links: Collection[tuple[str, str]]) -> str:
        """What the document says of the order of unnumbered steps: none stated, or the one
        it states ('After residency, radiologists may pursue fellowships') and no other."""
        quotes = [q for later, earlier in product(steps, steps)
                  if (later.id, earlier.id) in links and (q := self.order_quote(later, earlier))]
        if not quotes:
            return self.r["no_order_stated"]
        return self.t("some_order_stated", quote=quotes[0].rstrip("."))

    def education(self, node: Node, current: Node | None = None) -> Answer:
        g = self.g
        if node.type == "category":
            lines = [_sentence(s) for s in node.get("statements", ())[1:2]] or []
            for member in self.members(node):
                steps = [s for s in g.pathway(member.id).steps]
                if steps:
                    lines.append(f"• {member.name}: " + "; ".join(self.step_text(s) for s in steps)
                                 + ".")
            return Answer("\n".join(lines) or self.r["silent"].format(what="the training"),
                          (node.id,))
        if node.type == "training":
            return self.describe(node)
        path = g.pathway(node.id)
        lines = []
        if current is not None and current.id != node.id:
            lines.append(self.t("no_bridge", current=current.name, name=node.name))
        steps = list(path.steps)
        if not steps:
            text = self.r["silent"].format(
                what=f"what education {article(_lower_name(node.name))} needs")
            duties = node.get("duties", ())
            if duties:
                text += " It describes the role as: " + "; ".join(
                    _lower_first(d) for d in duties) + "."
            return Answer(text, (node.id,), silent=True)
        if not lines and node.type == "subspecialty":
            lines.append(self.t("subspecialty_is", name=node.name,
                                focus=_lower_first(node.get("focus", node.summary))))
            lines.append(self.t("fellowship_path_head", name=node.name))
        if not lines:
            lines.append(self.t("become_head", name=article(node.name)))
        numbered = all((b.id, a.id) in path.links for a, b in pairwise(steps))
        for i, step in enumerate(steps, 1):
            lines.append(f"{i if numbered else '•'}{'.' if numbered else ''} "
                         f"{self.step_text(step)}")
        if not numbered:
            lines.append(self._order_said(steps, path.links))
        if path.total is not None:
            lines.append(self._total_line(path))
        elif path.unstated:
            lines.append(self.r["silent"].format(what="how long these steps take"))
        for upkeep in g.neighbours(node.id, "maintained_by"):
            lines.append(_sentence(upkeep.summary))
        return Answer("\n".join(lines), (node.id,))

    def certification(self, node: Node) -> Answer:
        g = self.g
        if node.type == "credential":
            return self.describe(node)
        if node.type == "category":
            lines = [_sentence(s) for s in node.get("statements", ()) if "certif" in s.lower()]
            for member in self.members(node):
                creds = self.credentials(member)
                lines.append(f"• {member.name}: " + (join_words([c.name for c in creds]) if creds
                                                     else "no certification named"))
            return Answer("\n".join(lines), (node.id,))
        creds = self.credentials(node)
        if not creds:
            text = self.r["silent"].format(
                what=f"which certification {article(_lower_name(node.name))} needs")
            steps = [s for s in g.pathway(node.id).steps if s.type == "training"]
            if steps:
                text += self.t("mentions_step",
                               step=_lower_first(steps[0].get("full_name") or steps[0].name))
            # what the document says of certification for the whole category the career is
            # in ('These technical positions require specialized training and
            # certifications'): said of it, though no certification is named
            said = [self.t("category_says", category=c.name, statements=_sentence(st))
                    for c in self.categories(node) for st in c.get("statements", ())
                    if "certif" in st.lower()]
            return Answer(" ".join([text, *said[:1]]), (node.id,), silent=not said)
        lines = []
        own = g.neighbours(node.id, "certified_by")
        if not own:
            parent = g.neighbours(node.id, "specializes")
            if parent:
                lines.append(self.t("same_certification", name=node.name,
                                    parent=parent[0].name))
        lines.extend(_sentence(c.summary) for c in creds)
        for upkeep in g.neighbours(node.id, "maintained_by"):
            lines.append(_sentence(upkeep.summary))
        return Answer(" ".join(lines), (node.id, *(c.id for c in creds)))

    def subspecialties(self, node: Node | None) -> Answer:
        if node is not None and node.get("options"):
            return Answer(self.t("often_options", name=node.get("full_name") or node.name,
                                 options=join_words(list(node.get("options")), "or")) + ".",
                          (node.id,))
        if node is not None and node.type == "subspecialty":  # "is that a fellowship?": say so
            return self.describe(node)
        if node is not None and node.type == "category":
            lines = []
            for member in self.members(node):
                spec = [d for d in member.get("duties", ()) if "speciali" in d.lower()]
                if spec:
                    lines.append(f"• {member.name}: {_lower_first(spec[0])}")
            if lines:
                return Answer("\n".join(lines), (node.id,))
            return self.list_careers(node)  # ('what options are there in industry?': its
            # careers, none of which the document gives specialisations)
        if node is not None and node.type == "role":
            spec = [d for d in node.get("duties", ()) if "speciali" in d.lower()]
            if spec:
                return Answer(self.t("role_specializes", name=node.name,
                                     statement=_lower_first(spec[0])), (node.id,))
        root = node
        if root is None or not self.children(root):
            fellowships = list(self.fellowship_roots())
            if root is not None and root.type == "role" and not fellowships:
                return Answer(self.r["silent"].format(
                    what=f"any specializations for {article(root.name.lower())}"), (root.id,),
                    silent=True)
            if root is not None and root.type == "role" and not self.children(root):
                return Answer(self.r["silent"].format(
                    what=f"any specializations for {article(root.name.lower())}"), (root.id,),
                    silent=True)
            root = fellowships[0] if fellowships else None
        if root is None:
            return Answer(self.r["silent"].format(what="which subspecialties exist"), silent=True)
        kids = [k for k in self.children(root) if k.type == "subspecialty"]
        fellowship = next(iter(self.fellowship_roots()), None)
        head = _sentence(fellowship.summary)[:-1] + ":" if fellowship else f"{root.name}:"
        if not kids:  # a step the fellowships are not tied to: the fellowships the graph has
            kids = list(self.g.of_type("subspecialty"))
            head = self.t("fellowships_head")
        lines = [head]
        for k in kids:
            lines.append(f"• {k.name}: {_lower_first(k.get('focus') or k.summary)}")
        return Answer("\n".join(lines), (root.id,), tuple(k.id for k in kids))

    def modalities(self, node: Node) -> Answer:
        g = self.g
        if node.type == "modality":
            return self.describe(node)
        mods = g.neighbours(node.id, "uses_modality")
        if node.type == "subspecialty":
            return Answer(self.what(node), (node.id,))
        if not mods:  # (then what the node is: 'AI specialists ... operate the CT scanners,
            # right?' is answered with what they do)
            what = _sentence(self.what(node))
            name = _lower_name(node.name)
            who = f"{name} work" if node.type == "category" else f"{article(name)} works"
            return Answer(self.r["silent"].format(what=f"which imaging modalities {who} with")
                          + (f" {what}" if what else ""), (node.id,), silent=True)
        names = [m.name for m in mods]
        statement = next((d for d in node.get("duties", ())
                          if any(n.lower() in d.lower() for n in names)), None)
        if statement:
            text = _sentence(node.summary) + " " + self.t(
                "role_statement", name=node.name, statement=_lower_first(statement))
        else:
            text = f"{node.name}: {join_words(names)}."
        focus = [d for d in node.get("duties", ()) if "speciali" in d.lower() and d != statement]
        if focus:
            text += " " + _sentence(focus[0])
        return Answer(text, (node.id, *(m.id for m in mods)))

    def skills(self, node: Node | None) -> Answer:
        g = self.g
        if node is not None and node.type == "skill":
            return self.describe(node)
        overview = next((n for n in g.of_type("topic") if g.neighbours(n.id, "related_to")
                         or n.id.startswith("skills")), None)
        skills = g.of_type("skill")
        if not skills:
            return Answer(self.r["silent"].format(what="which skills are needed"), silent=True)
        head = (overview.get("statements", ("Successful careers require:",))[0]
                if overview is not None else "Successful careers require:")
        lines = []
        if node is not None:  # a role's duties are not skills: the document lists none per role
            lines.append(self.t("skills_not_specific", name=article(_lower_name(node.name))))
        lines.append(head)
        lines.extend(f"• {s.summary}" for s in skills)
        said = set(key(node.summary).split()) if node is not None and node.summary else set()
        if node is not None and node.type in CAREER_TYPES and said & set(
                g.meta.get("skill_words", ())):
            # (what the role's own line says it combines: 'technical knowledge of imaging
            # equipment with relationship building')
            lines.append(self.t("skills_role_line", name=node.name, line=node.summary))
        return Answer("\n".join(lines), ((node.id,) if node else ()) + tuple(s.id for s in skills),
                      listed=tuple(s.id for s in skills) if node is None else ())

    def pay(self, node: Node | None) -> Answer:
        g = self.g
        general = next((n for n in g.of_type("topic") if n.id == "compensation"), None)
        lines: list[str] = []
        if node is not None:
            cats = [c for c in self.categories(node) if c.get("pay")] if node.type != "category" \
                else ([node] if node.get("pay") else [])
            if cats:
                lines.append(_sentence(cats[0].get("pay")))
            else:
                lines.append(self.r["silent"].format(what=f"anything specific about pay for "
                                                     f"{node.name.lower()}"))
                if general is not None:
                    lines.append(self.t("in_general",
                                        statement=_lower_first(_sentence(general.summary))))
        else:
            if general is not None:
                lines.append(_sentence(general.summary))
            lines.extend(_sentence(c.get("pay")) for c in g.of_type("category") if c.get("pay"))
        lines.append(self.r["no_salary_figures"])
        return Answer(" ".join(lines), (node.id,) if node else ())

    def outlook(self, node: Node | None) -> Answer:
        g = self.g
        lines: list[str] = []
        comp, outlook = g.get("compensation"), g.get("job_outlook")
        evolution = g.get("field_evolution")
        career = node is not None and node.type in CAREER_TYPES
        if career:
            assert node is not None
            lines.append(self.r["silent"].format(what=f"anything about the outlook specific to "
                                                 f"{node.name}") + self.t("outlook_whole_field"))
        if comp is not None:
            lines.append(_sentence(comp.summary))
        if outlook is not None:
            lines.extend(_sentence(s) for s in outlook.get("statements", ()))
        if career:
            assert node is not None
            cats = [c for c in self.categories(node) if c.get("pay")]
            if cats:
                lines.append(_sentence(cats[0].get("pay")))
            lines.append(self.t("about_node", name=node.name,
                                summary=_lower_first(_sentence(node.summary))))
        elif evolution is not None:
            lines.append(_sentence(evolution.summary))
        return Answer(" ".join(lines), (node.id,) if node else ())

    def paths_of(self, career: Node) -> Answer | None:
        """The career paths the document lists under a career's own heading beside its
        training ('what career paths do radiologists have besides clinical practice?': Academic
        and Research Careers, Emerging Career Paths for Radiologists), by heading; None when it
        lists none."""
        heading, own = career.section, self.categories(career)
        cats = [c for c in self.g.of_type("category")
                if c.section != heading and c not in own and any(
                    heading in (p.strip() for p in src.section.split(">"))
                    for f in c.facts for src in f.sources)]
        if not cats:
            return None
        lines = [self.t("paths_of_head", name=career.name)]
        listed: list[str] = []
        for cat in cats:
            members = self.members(cat)
            listed.extend(m.id for m in members)
            lines.append(f"• {self.heading(cat)}: " + ", ".join(m.name for m in members))
        return Answer("\n".join(lines), (career.id,), tuple(listed))

    def list_careers(self, category: Node | None) -> Answer:
        """Every career by category, or one category's careers (constrained lists are graph
        queries: advisor/listing.py)."""
        g = self.g
        if category is not None:
            members = self.members(category)
            lines = [f"{self.heading(category)}:"]
            lines.extend(f"• {m.name}: {_lower_first(self.what(m))}" for m in members)
            return Answer("\n".join(lines), (category.id,), tuple(m.id for m in members))
        lines = [self.t("careers_by_category")]
        listed: dict[str, None] = {}  # ordered set: membership is O(1) on a big graph
        # Each career under its narrowest heading: the academic radiologist under Academic
        # and Research Careers, not under the physician careers that heading is part of.
        cats = list(g.of_type("category"))
        of = {c.id: self.members(c) for c in cats}
        home: dict[str, str] = {}
        for cat in sorted(cats, key=lambda c: len(of[c.id])):
            for m in of[cat.id]:
                home.setdefault(m.id, cat.id)
        for cat in cats:
            fresh = [m for m in of[cat.id] if home[m.id] == cat.id and m.id not in listed]
            if not fresh:
                continue
            listed.update(dict.fromkeys(m.id for m in fresh))
            lines.append(f"• {self.heading(cat)}: "
                         + ", ".join(m.name for m in fresh))
        rest = [n for n in self.careers() if n.id not in listed]
        if rest:
            lines.append("• Other: " + ", ".join(n.name for n in rest))
            listed.update(dict.fromkeys(n.id for n in rest))
        return Answer("\n".join(lines), (), tuple(listed))

    def compare(self, nodes: Sequence[Node], aspect: str | None = None) -> Answer:
        rows: list[tuple[str, ...]] = []
        aspects = {
            "education": ["Training", "Certification", "Time"],
            "duration": ["Time", "Training"],
            "certification": ["Certification"],
            "pay": ["Pay"],
            "duties": ["What they do"],
        }.get(aspect or "", ["What they do", "Category", "Training", "Certification"])
        if aspect is None and any(self.cell(n, "Specializes in") for n in nodes):
            aspects = [*aspects, "Specializes in"]
        if "What they do" not in aspects:
            aspects = ["What they do", *aspects]
        for label in aspects:
            cells = [label]
            for n in nodes:
                cells.append(self.cell(n, label))
            cells = [cells[0], *(c or "not stated" for c in cells[1:])]
            if all(c in _NOTHING_SAID for c in cells[1:]):
                continue  # (a row that says nothing of any of them: 'none named; none named')
            rows.append(tuple(cells))
        header = ("", *(n.name for n in nodes))
        lines = [" vs ".join(n.name for n in nodes) + ":"]
        for row in rows:
            parts = [f"{n.name}: {cell}" for n, cell in zip(nodes, row[1:], strict=True)]
            lines.append(f"• {row[0]} — " + "; ".join(parts))
        return Answer("\n".join(lines), tuple(n.id for n in nodes), (), (header, *rows))

    @staticmethod
    def heading(category: Node) -> str:
        """A category as the document heads it ('Physician Training Pathway', under Radiologist),
        never a label of our own: its heading, else its full name."""
        return str(category.get("heading") or category.get("full_name") or category.name)

    def category_cell(self, node: Node, label: str) -> str:
        """A comparison cell of a category ('technicians'): what the document says of all its
        careers (its own lines that name the aspect; each career's credential)."""
        if label == "Category":
            return self.heading(node)
        said = [s.rstrip(".") for s in node.get("statements", ()) if label.lower() in s.lower()]
        if label == "Training":
            return said[0] if said else "not described"
        if label == "Certification":
            held = [f"{join_words([str(c.name) for c in self.credentials(m)])} ({m.name})"
                    for m in self.members(node) if self.credentials(m)]
            return "; ".join([*said, *held]) or "none named"
        return ""

    def cell(self, node: Node, label: str) -> str:
        """One cell of a comparison: what the document says of `node` under `label`."""
        g = self.g
        if node.type == "category" and label in {"Category", "Training", "Certification"}:
            return self.category_cell(node, label)
        if label == "What they do":
            text = self.what(node)
            text = text[len(node.name) + 2:] if text.startswith(node.name + ": ") else text
            return "; ".join([text.rstrip("."), *self.shared_duties(node)])
        if label == "Category":
            cats = self.categories(node)
            return self.heading(cats[0]) if cats else "not stated"
        if label == "Training":
            steps = tuple(s for s in g.pathway(node.id).steps if s.type != "credential")
            if node.type == "training":
                return self.step_text(node)
            if len(steps) == 1:
                return self.step_text(steps[0])
            return Pathway.of(node, steps).timeline() if steps else "not described"
        if label == "Certification":
            creds = self.credentials(node)
            return join_words([str(c.get("full_name") or c.name) for c in creds]) if creds \
                else "none named"
        if label == "Time":
            path = g.pathway(node.id)
            if not path.total:
                return "not stated"
            unstated = [s.label for s in path.unstated]
            return self.t("time_cell_unstated", total=path.total, steps=join_words(
                unstated)) if unstated else self.t("time_cell", total=path.total)
        if label == "Specializes in":
            # (its own duty, else a line of its own that says so: a heading's pay line,
            # 'technical positions offer ... opportunities for specialization')
            word = self.t("specialization_word")
            spec = [d for d in node.get("duties", ()) if "speciali" in d.lower()] or [
                f.text for f in node.facts if word in f.text.lower()]
            if spec:
                return _lower_first(spec[0].rstrip("."))
            # (the imaging a role performs is no specialisation the document names: the
            # nuclear medicine technologist 'performs PET and SPECT', it specializes in none)
            subs = [k.name for k in self.g.neighbours(node.id, "specializes", incoming=True)
                    if k.type == "subspecialty"]  # (a radiologist's fellowships)
            return self.t("fellowships_cell", names=join_words(subs)) if subs else ""
        if label == "Pay":
            paying = [c for c in self.categories(node) if c.get("pay")]
            return str(paying[0].get("pay")) if paying else "not stated"
        return ""
