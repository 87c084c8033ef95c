"""The Advisor facade: loads knowledge, dialogs and language data once, serves many sessions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dialogs import DIALOGS_DIR, Interviewer
from knowledge import EMBEDDED_DIR, Graph, KnowledgeError, Node, Problem
from knowledge.index import SemanticIndex

from .compose import Composer
from .nlu import Parse, Understander
from .provenance import Provenance
from .reply import Reply
from .resources import HERE, IntentSpec, load_intents, load_lexicon, load_policy, load_responses
from .respond import Responder
from .rules import Policy
from .session import MAX_TRANSCRIPT, MAX_TRANSCRIPT_CHARS, Session


class Engine:
    """The immutable parts every session shares: graph, language understanding, composer."""

    def __init__(self, graph: Graph, interviewer: Interviewer) -> None:
        self.graph = graph
        self.interviewer = interviewer
        specs = load_intents()
        self.intents: Mapping[str, IntentSpec] = {s.name: s for s in specs}
        #: Declaration order of the intents: ties in a decision go to the earlier one.
        self.intent_index = {name: i for i, name in enumerate(self.intents)}
        self.lexicon = load_lexicon()
        self.responses = load_responses()
        self.understander = Understander(graph, specs, self.lexicon)
        #: What a description talks about ("who runs the PET scanner?"), over every fact.
        self.index = SemanticIndex.of(graph)  # (the interview's too: one index per graph)
        self.composer = Composer(graph, self.responses)

        self._suggestions = _load_suggestions(HERE / "suggestions.yaml")
        self.starter_questions = tuple(self._suggestions.get("starter", ()))
        weights, sets, aspects = load_policy()
        self.policy = Policy(self, weights, sets, aspects)
        self.responder = Responder(self, self.policy)
        self.provenance = Provenance(graph, self.composer, self.responses, self.understander,
                                     self.lexicon, self.policy.plain_words, self.intents)

    def suggest(self, intent: str, nodes: list[Node]) -> tuple[str, ...]:
        """Follow-up questions for an answer, filled with the answer's main entity."""
        name = nodes[0].name if nodes else None
        out = []
        for template in self._suggestions.get(intent, ()):
            if "{name}" in template:
                if name is None:
                    continue
                template = template.replace("{name}", name.lower() if nodes[0].type != "role"
                                            else name)
            out.append(template)
        return tuple(out[:3])

    def dialog_suggestions(self, kind: str) -> tuple[str, ...]:
        return tuple(self._suggestions.get(kind, ()))[:3]

    def did_you_mean(self, p: Parse, node_ids: list[str]) -> list[str]:
        """Two or three questions close to what was typed, for a low-confidence turn."""
        graph = self.graph
        names = [graph.node(i).name for i in node_ids if i in graph]
        if not names:
            for token in p.tokens:
                match = graph.find(token, cutoff=80) if len(token) > 4 else None
                if match is not None:
                    names.append(match.node.name)
                    break
        out: list[str] = []
        ranked = [s.intent for s in p.intents if s.intent in self.intents]
        for intent in ranked[:3]:
            if intent in {"greeting", "thanks", "goodbye", "medical_advice", "about_me"}:
                continue
            for template in _QUESTION_FOR.get(intent, ()):
                if "{name}" in template and not names:
                    continue
                out.append(template.format(name=names[0] if names else ""))
                break
        if names and len(out) < 2:
            out.append(f"Tell me about {names[0]}")
        for starter in self.starter_questions:
            if len(out) >= 3:
                break
            if starter not in out:
                out.append(starter)
        return list(dict.fromkeys(out))[:3]


_QUESTION_FOR = {
    "describe": ("Tell me about {name}",),
    "duties": ("What does a {name} do?",),
    "duration": ("How long does it take to become a {name}?", "How long is radiology residency?"),
    "education": ("How do I become a {name}?",),
    "certification": ("Which certification does a {name} need?",),
    "subspecialties": ("What are the radiology fellowships?",),
    "modalities": ("Which modalities does a {name} use?",),
    "skills": ("What skills do radiology careers need?",),
    "pay": ("What is the pay like in radiology?",),
    "outlook": ("What is the job outlook in radiology?",),
    "list_careers": ("What careers are there in radiology?",),
    "compare": ("Compare radiologist and radiologic technologist",),
    "recommend": ("Help me choose a career in radiology",),
    "help": ("What can you do?",),
}


def _load_suggestions(path: Path) -> dict[str, list[str]]:
    from knowledge.yamlsafe import MDict, read_marked

    data, problems = read_marked(path, str(path))
    if problems or not isinstance(data, MDict):
        raise KnowledgeError(problems or [Problem(str(path), 1, 1, "expected a mapping")])
    return {str(k): [str(x) for x in v] for k, v in data.items() if isinstance(v, list)}


class Advisor:
    """The radiology career advisor. One instance serves many sessions and threads.

    `Advisor()` uses the embedded radiology knowledge; pass `knowledge_dir` and `dialogs_dir`
    for another field. `cache_dir` is where the compiled engine is kept between runs (default:
    $RADIOLOGY_ADVISOR_CACHE, else the user's cache directory; False for none; a directory
    anyone else could write is refused). Raises KnowledgeError (every problem as
    file:line:col) on invalid data.
    """

    def __init__(self, knowledge_dir: str | Path | None = None,
                 dialogs_dir: str | Path | None = None, *,
                 cache_dir: str | Path | bool | None = None) -> None:
        from . import cache

        where = cache.directory(cache_dir)
        name = cache.key(Path(knowledge_dir) if knowledge_dir else EMBEDDED_DIR,
                         Path(dialogs_dir) if dialogs_dir else DIALOGS_DIR)
        engine = cache.load(name, where)
        if not isinstance(engine, Engine):
            from dialogs.loader import load_dialogs
            from knowledge.loader import load_graph

            graph = load_graph(knowledge_dir)
            try:
                flow = load_dialogs(dialogs_dir, graph)
            except KnowledgeError as exc:
                if knowledge_dir is None or dialogs_dir is not None:
                    raise
                # Not a fault of the user's knowledge: the embedded interview names
                # radiology careers. One line that says so beats a hundred "unknown node"s.
                raise KnowledgeError([Problem(
                    str(DIALOGS_DIR / "pathway_chooser.yaml"), 1, 1,
                    "the embedded pathway chooser is written for the radiology knowledge and "
                    f"names {len(exc.problems)} things this knowledge directory does not have; "
                    "give dialogs for this field (--dialogs DIR, or dialogs_dir=)")]) from None
            engine = Engine(graph, Interviewer(graph, flow))
            cache.store(name, engine, where)
        self._engine = engine

    @property
    def graph(self) -> Graph:
        """The knowledge graph, for direct queries (lookups, neighbours, pathways)."""
        return self._engine.graph

    @property
    def interviewer(self) -> Interviewer:
        """The pathway interview (rankings, plans) the sessions share, for front ends."""
        return self._engine.interviewer

    @property
    def starter_questions(self) -> tuple[str, ...]:
        """Example questions for a newcomer; the chat's welcome shows three."""
        return self._engine.starter_questions

    def session(self, state: dict[str, Any] | None = None, *,
                transcript: bool = True,
                transcript_chars: int = MAX_TRANSCRIPT_CHARS) -> Session:
        """A new conversation, or one resumed from `Session.to_dict()` output.

        `transcript=False` keeps no record of the turns (a server that never saves them);
        `transcript_chars` bounds the record kept (a web server keeps many conversations).
        Raises SessionStateError when `state` is corrupted, foreign or from a newer version.
        """
        return Session(self._engine, state, keep=MAX_TRANSCRIPT if transcript else 0,
                       keep_chars=transcript_chars)

    def ask(self, text: str) -> Reply:
        """Answer one question in a fresh session (for one-off use)."""
        return self.session(transcript=False).ask(text)
