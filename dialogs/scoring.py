"""Ranking careers from what the person said: fit scores, reasons, rule-outs, pathways.

Weights come from the flow's YAML; every fact about a career (its pathway, credential, duties,
summary) comes from the graph. A fit is `100 * for / (for + against + damping)`, so a career
with nothing for it scores 0, and a few strong reasons with nothing against it score high.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice, takewhile

from knowledge import Graph, Node, Pathway
from knowledge.record import record

from .links import CareerLinks
from .model import Condition, Exclusion, Flow, SlotValue, Values, all_hold

SCOPES = ("auto", "fellowship", "career")
_TOPIC_CAP = 2


@record
class Fit:
    """One career's fit: a 0-100 score, why, what counts against it, what rules it out."""

    node: Node
    score: int
    reasons: tuple[str, ...]
    against: tuple[str, ...]
    ruled_out: tuple[str, ...] = ()
    net: float = 0.0

    @property
    def excluded(self) -> bool:
        return bool(self.ruled_out)


@record
class Recommendation:
    """A ranking (best first) with the top pick's pathway, credential and next steps.

    `fits` holds the careers still open, best first; `ruled_out` those a rule excludes;
    `current` the careers the person already has. `text` is the ranking as a person reads it;
    its first career name is always the top pick.
    """

    fits: tuple[Fit, ...]
    ruled_out: tuple[Fit, ...]
    current: tuple[Node, ...]
    scope: str
    enough: bool
    pathway: Pathway | None
    credentials: tuple[Node, ...]
    credential_via: Node | None
    next_steps: tuple[str, ...]
    show: int = 5
    text: str = ""

    @property
    def top(self) -> Fit | None:
        return self.fits[0] if self.fits and self.fits[0].score > 0 else None

    @property
    def shown(self) -> tuple[Fit, ...]:
        """The fits listed in `text`: the best `show` with something for them."""
        # `fits` is best first, so those with something for them lead: stop at the first
        # without (a big graph has thousands of careers behind them).
        return tuple(islice(takewhile(lambda f: f.score > 0, self.fits), self.show))

    @property
    def node_ids(self) -> tuple[str, ...]:
        """The listed careers, in order: "tell me more about 2" means the second of these."""
        return tuple(f.node.id for f in self.shown)


def _any_holds(rules: tuple[tuple[Condition, ...], ...], slots: Mapping[str, Values]) -> bool:
    """Does any rule (all of its conditions) hold? Loops, not generators: a hot path."""
    for conditions in rules:
        for condition in conditions:
            if not condition.holds(slots):
                break
        else:
            return True
    return False


def _merge(fresh: list[tuple[tuple[int, float, int], str]],
           ranked: list[tuple[tuple[int, float, int], str]], changed: Mapping[str, object]
           ) -> Iterator[tuple[tuple[int, float, int], str]]:
    """`ranked` without the `changed` careers, merged with their `fresh` ranking; lazily,
    since the caller stops at the first open career or two (heapq.merge cost more here)."""
    i, size = 0, len(fresh)
    for item in ranked:
        if item[1] in changed:
            continue
        while i < size and fresh[i] < item:
            yield fresh[i]
            i += 1
        yield item
    yield from fresh[i:]


class Scorer:
    """Weights compiled toward careers once; scoring a state is then a few dictionary sums."""

    def __init__(self, graph: Graph, flow: Flow) -> None:
        self.graph = graph
        self.flow = flow
        types = flow.scope.career_types | flow.scope.fellowship_types
        self.links = CareerLinks(graph, types)
        self.careers: tuple[Node, ...] = self.links.careers
        self._type = {c.id: c.type for c in self.careers}
        self._order = {c.id: graph.order(c.id) for c in self.careers}
        # The fit of a career nothing weighs on, made once: rank() reuses it.
        self._zero = tuple((c, Fit(c, 0, (), ())) for c in self.careers)
        self.pathways: dict[str, Pathway] = {c.id: graph.pathway(c.id) for c in self.careers}
        self.slot_weights: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {}
        #: Per (slot, value): the careers it says the person has, and the values it implies.
        self.now_of: dict[tuple[str, str], frozenset[str]] = {}
        self.implies_of: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        for slot in flow.slots.values():
            for value in slot.values.values():
                pair = (slot.name, value.value)
                self.slot_weights[pair] = self._expand(value.weights)
                self.now_of[pair] = frozenset(value.is_now)
                self.implies_of[pair] = tuple(value.implies.items())
        self.topic_weights = {e.id: self._expand(e.nodes) for e in flow.evidence}
        self.topic_labels = {e.id: e.label for e in flow.evidence}
        self.exclusions = tuple((x, self._excluded(x)) for x in flow.exclusions)
        # The same rules by the career they exclude: planning asks "is this leader ruled
        # out?" for one or two careers, not "which careers are ruled out?" for all.
        by_career: dict[str, list[tuple[Condition, ...]]] = {}
        for exclusion, careers in self.exclusions:
            for career in careers:
                by_career.setdefault(career, []).append(exclusion.when)
        self._excluded_when = {c: tuple(w) for c, w in by_career.items()}
        # Careers past the steps every fellowship shares (residency and what comes before):
        # a resident choosing a fellowship may still be pointed at one ("read from home for
        # rural hospitals" is the telemedicine radiologist), when what they said is for it.
        fellows = [set(s.id for s in self.pathways[c.id].steps) for c in self.careers
                   if c.type in flow.scope.fellowship_types]
        shared = set.intersection(*fellows) if fellows else set()
        # (only a career in a group of its own: the telemedicine radiologist is an emerging
        # path; the general diagnostic radiologist, in the fellowships' group, is not one)
        def groups(node_id: str) -> set[str]:
            return {n.id for n in graph.neighbours(node_id) if n.type == "category"}
        theirs = set().union(*(groups(c.id) for c in self.careers
                               if c.type in flow.scope.fellowship_types))
        self._after_fellowship_steps = frozenset(
            c.id for c in self.careers if shared and c.type not in flow.scope.fellowship_types
            and shared <= {s.id for s in self.pathways[c.id].steps} and groups(c.id) - theirs)

    def _expand(self, weights: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
        acc: dict[str, float] = {}
        for target, weight in weights.items():
            for career in self.links(target):
                acc[career] = acc.get(career, 0.0) + weight
        return tuple(acc.items())

    # -- scope ----------------------------------------------------------------------------
    def resolve(self, slots: Mapping[str, Values], scope: str) -> str:
        """"auto" becomes "fellowship" when the flow's `fellowship_when` holds, else "career"."""
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
        if scope != "auto":
            return scope
        when = self.flow.scope.fellowship_when
        return "fellowship" if when and all_hold(when, slots) else "career"

    def types(self, scope: str) -> frozenset[str]:
        s = self.flow.scope
        return s.fellowship_types if scope == "fellowship" else s.career_types

    # -- scoring --------------------------------------------------------------------------
    def value(self, slot: str, value: str) -> SlotValue | None:
        spec = self.flow.slots.get(slot)
        return spec.values.get(value) if spec else None

    def current(self, slots: Mapping[str, Values]) -> frozenset[str]:
        now_of = self.now_of
        return frozenset(c for slot, values in slots.items() for v in values
                         for c in now_of.get((slot, v), ()))

    def _excluded(self, x: Exclusion) -> frozenset[str]:
        """The careers a rule out excludes: those whose pathway has its step, or (`through`)
        those filed under a category the relation links to such a career."""
        def has_step(node_id: str) -> bool:
            return any(s.id == x.step for s in self.graph.pathway(node_id).steps)

        if not x.through:
            return frozenset(c.id for c in self.careers if has_step(c.id))
        return frozenset(
            c.id for c in self.careers if not has_step(c.id) and any(
                has_step(r.id) for k in self.graph.neighbours(c.id, "in_category")
                for r in self.graph.neighbours(k.id, x.through)))

    def ruled(self, slots: Mapping[str, Values]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for exclusion, careers in self.exclusions:
            if all_hold(exclusion.when, slots):
                for career in careers:
                    out.setdefault(career, []).append(exclusion.reason)
        return out

    def implied(self, slots: Mapping[str, Values]) -> dict[str, Values]:
        """Values implied by background facts ("a resident" implies medical school: yes)."""
        out: dict[str, Values] = {}
        for name, values in slots.items():
            slot = self.flow.slots.get(name)
            if slot is None or not slot.background:
                continue
            for v in values:
                spec = slot.values.get(v)
                for target, value in spec.implies.items() if spec else ():
                    out[target] = (value,)
        return out

    def contributions(self, slots: Mapping[str, Values], topics: Mapping[str, int],
                      interests: Mapping[str, float] | None = None,
                      quotes: Mapping[str, str] | None = None) -> dict[str, dict[str, float]]:
        """Per career: reason text -> summed weight (positive: for it; negative: against).

        Values a background fact implies weigh in the score but give no reason of their own:
        reasons quote what the person said.
        """
        out: dict[str, dict[str, float]] = {}
        standing = self.implied(slots)
        for slot, values in slots.items():
            for v in values:
                spec = self.value(slot, v)
                if spec is None or v in standing.get(slot, ()):
                    continue
                for career, weight in self.slot_weights.get((slot, v), ()):
                    mine = out.setdefault(career, {})
                    mine[spec.says] = mine.get(spec.says, 0.0) + weight
        for topic, count in topics.items():
            count = max(-_TOPIC_CAP, min(_TOPIC_CAP, count))
            label = self.topic_labels.get(topic)
            if not count or label is None:
                continue
            template = self.flow.mentioned if count > 0 else self.flow.avoided
            text = template.format(label=label)
            for career, weight in self.topic_weights.get(topic, ()):
                mine = out.setdefault(career, {})
                mine[text] = mine.get(text, 0.0) + weight * count
        for career, weight in (interests or {}).items():
            words = (quotes or {}).get(career, "")
            if not words:
                continue
            template = self.flow.mentioned if weight > 0 else self.flow.avoided
            text = template.format(label=self.flow.say("quote", words=words))
            mine = out.setdefault(career, {})
            mine[text] = mine.get(text, 0.0) + weight
        return out

    def totals(self, slots: Mapping[str, Values], topics: Mapping[str, int],
               interests: Mapping[str, float] | None = None) -> dict[str, tuple[float, float]]:
        """Per career: (weight for it, weight against it). The lean path planning uses."""
        acc: dict[str, list[float]] = {}
        weights = self.slot_weights
        for slot, values in slots.items():
            for v in values:
                for career, w in weights.get((slot, v), ()):
                    t = acc.setdefault(career, [0.0, 0.0])
                    t[0 if w > 0 else 1] += abs(w)
        for topic, count in topics.items():
            count = max(-_TOPIC_CAP, min(_TOPIC_CAP, count))
            for career, w in self.topic_weights.get(topic, ()) if count else ():
                w *= count
                t = acc.setdefault(career, [0.0, 0.0])
                t[0 if w > 0 else 1] += abs(w)
        for career, w in (interests or {}).items():
            if career in self._type:
                t = acc.setdefault(career, [0.0, 0.0])
                t[0 if w > 0 else 1] += abs(w)
        return {k: (v[0], v[1]) for k, v in acc.items()}

    def fit_score(self, pos: float, neg: float) -> int:
        if pos <= 0:
            return 0
        return round(100 * pos / (pos + neg + self.flow.fit_damping))

    def _key(self, node: Node, pos: float, neg: float) -> tuple[int, float, int]:
        return (-self.fit_score(pos, neg), neg - pos, self._order[node.id])

    def ranked(self, totals: Mapping[str, tuple[float, float]]
               ) -> list[tuple[tuple[int, float, int], str]]:
        """(sort key, career id) of every career with something for it, best first."""
        order, fit = self._order, self.fit_score
        return sorted(((-fit(pos, neg), neg - pos, order[cid]), cid)
                      for cid, (pos, neg) in totals.items() if pos > 0)

    def rank(self, slots: Mapping[str, Values], topics: Mapping[str, int], scope: str,
             interests: Mapping[str, float] | None = None,
             quotes: Mapping[str, str] | None = None) -> tuple[list[Fit], list[Fit], list[Node]]:
        """Open careers best first, ruled-out careers, careers the person already has."""
        types = self.types(scope)
        totals = self.totals(slots, topics, interests)
        contrib = self.contributions(slots, topics, interests, quotes)
        ruled = self.ruled(slots)
        current = self.current(slots)
        fits: list[tuple[tuple[int, float, int], Fit]] = []
        out: list[Fit] = []
        mine: list[Node] = []
        untouched: list[tuple[tuple[int, float, int], Fit]] = []  # already in key order
        touched = totals.keys() | contrib.keys() | ruled.keys() | current
        widen = self.flow.tune("scope_widen")
        for node, zero in self._zero:
            if node.type not in types and not (
                    scope == "fellowship" and node.id in self._after_fellowship_steps
                    and totals.get(node.id, (0.0, 0.0))[0] >= widen):
                continue
            if node.id not in touched:
                untouched.append(((0, 0.0, self._order[node.id]), zero))
                continue
            if node.id in current:
                mine.append(node)
                continue
            pos, neg = totals.get(node.id, (0.0, 0.0))
            parts = contrib.get(node.id, {})
            reasons = tuple(t for t, w in sorted(parts.items(), key=lambda p: -p[1]) if w > 0)
            against = tuple(t for t, w in sorted(parts.items(), key=lambda p: p[1]) if w < 0)
            fit = Fit(node, self.fit_score(pos, neg), reasons, against,
                      tuple(ruled.get(node.id, ())), pos - neg)
            if fit.excluded:
                out.append(fit)
            else:
                fits.append((self._key(node, pos, neg), fit))
        fits.sort(key=lambda pair: pair[0])
        merged = heapq.merge(fits, untouched, key=lambda pair: pair[0])
        return [f for _, f in merged], out, mine

    def top(self, slots: Mapping[str, Values], topics: Mapping[str, int], scope: str,
            n: int = 1) -> tuple[str, ...]:
        """The ids of the best `n` open careers with anything for them, best first."""
        return self._first(self.ranked(self.totals(slots, topics)), slots, scope, n)

    def top_after(self, totals: Mapping[str, tuple[float, float]],
                  ranked: list[tuple[tuple[int, float, int], str]],
                  slots: Mapping[str, Values], added: Iterable[tuple[str, str]], scope: str,
                  n: int = 1, current: frozenset[str] | None = None) -> tuple[str, ...]:
        """`top(slots)` where `slots` are the state's plus the (slot, value) pairs `added`,
        given the state's `totals` and `ranked()`: only the careers the added values weigh
        on are scored again, so asking "would this answer change the top pick?" costs the
        size of the answer's weights, not the number of careers. `current`, when given, is
        `current(slots)` (the caller can often build it from the state's)."""
        changed: dict[str, list[float]] = {}
        weights = self.slot_weights
        for pair in added:
            for career, w in weights.get(pair, ()):
                t = changed.get(career)
                if t is None:
                    t = changed[career] = list(totals.get(career, (0.0, 0.0)))
                t[0 if w > 0 else 1] += abs(w)
        if not changed:
            return self._first(ranked, slots, scope, n, current)
        fit, order = self.fit_score, self._order
        fresh = sorted(((-fit(pos, neg), neg - pos, order[cid]), cid)
                       for cid, (pos, neg) in changed.items() if pos > 0)
        return self._first(_merge(fresh, ranked, changed), slots, scope, n, current)

    def _first(self, ranked: Iterable[tuple[tuple[int, float, int], str]],
               slots: Mapping[str, Values], scope: str, n: int,
               current: frozenset[str] | None = None) -> tuple[str, ...]:
        """The first `n` careers of a ranking that are open in this scope."""
        types = self.types(scope)
        if current is None:
            current = self.current(slots)
        excluded_when, type_of = self._excluded_when, self._type
        out: list[str] = []
        for _, career in ranked:
            if career in current or type_of[career] not in types:
                continue
            rules = excluded_when.get(career)
            if rules is not None and _any_holds(rules, slots):
                continue
            out.append(career)
            if len(out) == n:
                break
        return tuple(out)
