"""Synthetic knowledge graphs N times the size of the radiology graph, for benchmarks.

`generate(dest, scale)` writes a knowledge directory to `dest`: the embedded radiology files
(so the embedded dialogs, which name radiology node ids, still validate) plus `scale - 1`
generated *clusters*, each shaped like the radiology graph — the same number of nodes of each
type (categories, roles, subspecialties, training, credentials, modalities, skills, topics, a
concept) and the same kinds of relations (requires, followed_by, specializes, kind_of,
certified_by, uses_modality, in_category, needs_skill, related_to), with durations, duties,
focus, aliases and keywords. Every generated name is built on a pronounceable made-up word
("Brelomatic Technologist") that is unique and at least four edits away from every other word
the advisor knows, so a one-letter typo of it has exactly one right correction.

It returns the probes the benchmark uses to check that answers on the big graph are right
(`Probe(text, expected node id)`) and realistic conversations about the generated nodes.

Plain Python and PyYAML; deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
RADIOLOGY_DIR = ROOT / "knowledge" / "radiology"

#: Node types per cluster, as many as the radiology graph has of each.
CLUSTER_SHAPE = {"category": 5, "training": 9, "credential": 3, "modality": 6, "role": 12,
                 "subspecialty": 8, "skill": 5, "topic": 5, "concept": 1}

_ONSETS = ["b", "br", "d", "dr", "f", "fl", "g", "gr", "k", "kl", "l", "m", "n", "p", "pl",
           "r", "s", "st", "t", "tr", "v", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"]
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "x"]
_ROLE_SUFFIXES = ["Technologist", "Specialist", "Therapist", "Analyst", "Coordinator",
                  "Technician", "Scientist", "Engineer"]
_PROGRAM_KINDS = [("program", "2 years"), ("certificate course", "18 months"),
                  ("degree", "2-4 years"), ("apprenticeship", "1-2 years"),
                  ("diploma", "2 years")]


@dataclass(frozen=True, slots=True)
class Probe:
    """A question whose answer must be about `expected` (the reply's first entity)."""

    text: str
    expected: str
    kind: str


@dataclass
class Synthetic:
    """What `generate` wrote: where, how big, and how to check it."""

    knowledge_dir: Path
    scale: int
    nodes: int
    generated: int
    probes: list[Probe] = field(default_factory=list)
    conversations: list[list[str]] = field(default_factory=list)


class WordMaker:
    """Pronounceable made-up words, each far (in edits) from every word already taken."""

    def __init__(self, rng: random.Random, reserved: Iterable[str], min_distance: int = 4):
        self.rng = rng
        self.min_distance = min_distance
        self.taken: set[str] = set()
        self._by_letter: dict[str, list[str]] = {}
        for word in reserved:
            self._add(word)

    def _add(self, word: str) -> None:
        self.taken.add(word)
        self._by_letter.setdefault(word[:1], []).append(word)

    def _too_close(self, word: str) -> bool:
        if word in self.taken:
            return True
        bucket = self._by_letter.get(word[0], ())
        near = process.extractOne(word, bucket, scorer=Levenshtein.distance,
                                  score_cutoff=self.min_distance - 1)
        return near is not None

    def word(self, syllables: tuple[int, int] = (3, 4)) -> str:
        while True:
            n = self.rng.randint(*syllables)
            parts = [self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) for _ in range(n)]
            word = "".join(parts) + self.rng.choice(_CODAS)
            if 7 <= len(word) <= 12 and not self._too_close(word):
                self._add(word)
                return word


def reserved_words() -> set[str]:
    """Every word of the embedded knowledge, the advisor's language data and the dialogs."""
    words: set[str] = set()
    sources = [*RADIOLOGY_DIR.glob("*.yaml"), *(ROOT / "advisor").glob("*.yaml"),
               *(ROOT / "dialogs").rglob("*.yaml")]
    for path in sources:
        words.update(re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower()))
    return {w for w in words if len(w) >= 3}


def typo(word: str, rng: random.Random) -> str:
    """One substituted letter inside the word (first and last letters kept)."""
    i = rng.randint(1, len(word) - 2)
    letters = [c for c in "aeioulnrst" if c != word[i]]
    return word[:i] + rng.choice(letters) + word[i + 1:]


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


#: Share of generated careers also linked to the radiology graph's own hubs (its categories,
#: modalities and fellowship), so a bigger graph is bigger *radiology*: listings, the
#: interview's weights (which name radiology nodes) and its ranking reach generated careers.
HUB_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class Hubs:
    """Radiology node ids generated careers may link to."""

    categories: tuple[str, ...]
    modalities: tuple[str, ...]
    fellowships: tuple[str, ...]


def radiology_hubs(nodes: list[dict[str, Any]]) -> Hubs:
    kinds: dict[str, list[str]] = {}
    fellowships: list[str] = []
    for node in nodes:
        kinds.setdefault(node["type"], []).append(node["id"])
        fellowships.extend(t for t in (node.get("relations") or {}).get("kind_of", ())
                           if t not in fellowships)
    return Hubs(tuple(kinds.get("category", ())), tuple(kinds.get("modality", ())),
                tuple(fellowships))


class _Cluster:
    """One radiology-shaped block of generated nodes."""

    def __init__(self, index: int, words: WordMaker, rng: random.Random, hubs: Hubs) -> None:
        self.index = index
        self.w = words
        self.rng = rng
        self.hubs = hubs
        self.nodes: list[dict[str, Any]] = []
        self.probes: list[Probe] = []
        self.conversations: list[list[str]] = []

    def node(self, node_id: str, node_type: str, name: str, summary: str,
             **extra: Any) -> dict[str, Any]:
        item: dict[str, Any] = {"id": node_id, "type": node_type, "name": name}
        item.update({k: v for k, v in extra.items() if v})
        item["summary"] = summary
        item["section"] = f"Synthetic cluster {self.index}"
        self.nodes.append(item)
        return item

    def build(self) -> None:
        w, rng = self.w, self.rng
        field_word = w.word()
        field_name = _cap(field_word)
        # Categories.
        cats = []
        for label in ("clinical", "technical", "industry", "research", "emerging"):
            stem = w.word()
            cats.append(self.node(
                f"{stem}_careers", "category", f"{_cap(stem)} {label} careers",
                f"{_cap(stem)} {label} careers in {field_name.lower()} work.",
                aliases=[f"{stem} careers", f"{stem} jobs"],
                pay=f"{_cap(stem)} positions pay {rng.choice(['well', 'modestly', 'highly'])}"))
        # Training: a physician-like chain plus technical programs.
        school, resid, fellow = w.word(), w.word(), w.word()
        chain = [
            self.node(f"{school}_school", "training", f"{_cap(school)} school",
                      f"{_cap(school)} school comes first and takes 4 years.",
                      aliases=[f"{school} college", f"{school} degree"],
                      duration="4 years", keywords=[f"{school} studies"],
                      relations={"followed_by": [f"{resid}_residency"]}),
            self.node(f"{resid}_residency", "training", f"{_cap(resid)} residency",
                      f"A {resid} residency program, typically 3-4 years.",
                      aliases=[f"{resid} residency program", f"{resid} training"],
                      duration="3-4 years", step_label=f"{resid} residency",
                      relations={"requires": [f"{school}_school"],
                                 "followed_by": [f"{fellow}_fellowship"]}),
            self.node(f"{fellow}_fellowship", "training", f"{_cap(fellow)} fellowship",
                      f"After residency one may pursue a {fellow} fellowship.",
                      aliases=[f"{fellow} fellowships", f"{fellow} subspecialty training"],
                      relations={"requires": [f"{resid}_residency"]}),
        ]
        programs = []
        for kind, duration in _PROGRAM_KINDS:
            stem = w.word()
            programs.append(self.node(
                f"{stem}_{kind.replace(' ', '_')}", "training", f"{_cap(stem)} {kind}",
                f"The {stem} {kind} trains technical staff.", duration=duration,
                aliases=[f"{stem} {kind}s", f"{stem} school"],
                options=[f"{w.word()} track", f"{w.word()} track"] if rng.random() < 0.4 else []))
        upkeep = w.word()
        programs.append(self.node(
            f"{upkeep}_education", "training", f"{_cap(upkeep)} continuing education",
            f"{_cap(upkeep)} continuing education keeps credentials current.",
            aliases=[f"{upkeep} ce", f"{upkeep} credits"]))
        # Credentials, modalities, skills, topics, concept.
        creds = []
        for _ in range(CLUSTER_SHAPE["credential"]):
            stem = w.word()
            creds.append(self.node(
                f"{stem}_board", "credential", f"{_cap(stem)} Board",
                f"The {_cap(stem)} Board certifies {field_word} staff.",
                full_name=f"{_cap(stem)} Board of Certification",
                aliases=[f"{stem} certification", f"{stem} board exam"],
                relations={"maintained_by": [f"{upkeep}_education"]}))
        mods = []
        for _ in range(CLUSTER_SHAPE["modality"]):
            stem = w.word()
            mods.append(self.node(
                f"{stem}_scan", "modality", f"{_cap(stem)} scan",
                f"{_cap(stem)} scanning is an imaging modality.",
                full_name=f"{_cap(stem)} scanning", aliases=[f"{stem} scans", f"{stem} imaging"]))
        skills = []
        for _ in range(CLUSTER_SHAPE["skill"]):
            stem = w.word()
            skills.append(self.node(f"{stem}_skill", "skill", f"{_cap(stem)} skills",
                                    f"{_cap(stem)} skills help in {field_word} work.",
                                    aliases=[f"{stem} ability"]))
        topics = []
        for label in ("outlook", "pay", "history", "ethics", "overview"):
            stem = w.word()
            topics.append(self.node(
                f"{stem}_{label}", "topic", f"{_cap(stem)} {label}",
                f"The {stem} {label} of {field_word} careers.",
                statements=[f"{_cap(stem)} {label} is discussed often."],
                relations={"related_to": [skills[0]["id"]]} if label == "overview" else None))
        concept = w.word()
        self.node(f"{concept}_technology", "concept", f"{_cap(concept)} technology",
                  f"{_cap(concept)} technology supports {field_word} imaging.",
                  aliases=[f"{concept} tech"])
        # Roles: one physician-like role (subspecialties specialise it), the rest technical.
        keywords = [w.word() for _ in range(6)]
        roles = []
        for i in range(CLUSTER_SHAPE["role"]):
            stem = w.word()
            suffix = "Physician" if i == 0 else rng.choice(_ROLE_SUFFIXES)
            kws = rng.sample(keywords, 2)
            rels: dict[str, list[str]] = {
                "in_category": [cats[0 if i == 0 else 1 + i % 4]["id"]],
                "requires": [chain[1]["id"]] if i == 0 else [rng.choice(programs[:5])["id"]],
                "certified_by": [creds[0 if i == 0 else rng.randint(1, 2)]["id"]],
                "uses_modality": sorted({m["id"] for m in rng.sample(mods, rng.randint(1, 2))}),
                "needs_skill": [rng.choice(skills)["id"]],
            }
            if i in (3, 7):
                rels["specializes"] = [roles[1]["id"]]
            if self.hubs.categories and rng.random() < HUB_SHARE:
                rels["in_category"].append(rng.choice(self.hubs.categories))
            if self.hubs.modalities and rng.random() < HUB_SHARE:
                rels["uses_modality"].append(rng.choice(self.hubs.modalities))
            roles.append(self.node(
                f"{stem}_{suffix.lower()}", "role", f"{_cap(stem)} {suffix}",
                f"{_cap(stem)} {suffix.lower()}s work with {kws[0]} and {kws[1]} cases.",
                aliases=[f"{stem} {suffix.lower()}s", f"{stem} {w.word()}"],
                keywords=[kws[0], f"{kws[1]} work"],
                duties=[f"Operate {mods[0]['name'].lower()} equipment",
                        f"Prepare {kws[0]} reports", f"May specialize in {kws[1]} studies"],
                pay=f"{_cap(stem)} pay is {rng.choice(['good', 'average', 'high'])}",
                relations=rels))
        subs = []
        for _ in range(CLUSTER_SHAPE["subspecialty"]):
            stem = w.word()
            focus = f"{_cap(w.word())} and {w.word()} imaging"
            kinds = [chain[2]["id"]]
            if self.hubs.fellowships and rng.random() < HUB_SHARE:
                kinds.append(rng.choice(self.hubs.fellowships))
            subs.append(self.node(
                f"{stem}_radiology", "subspecialty", f"{_cap(stem)} Radiology",
                f"{_cap(stem)} radiology: {focus.lower()}.", focus=focus,
                step_label=f"{stem} fellowship", duration=rng.choice(["1 year", "2 years"]),
                aliases=[f"{stem} fellowship", f"{stem} radiologist", f"{stem} radiologists"],
                keywords=[w.word()],
                relations={"specializes": [roles[0]["id"]], "kind_of": kinds,
                           "requires": [chain[1]["id"]], "in_category": [cats[0]["id"]]}))
        self._probes(roles, subs, chain, programs, creds, mods)
        self._conversations(roles, subs, chain, programs, creds, mods, keywords)

    def _probes(self, roles: list[dict[str, Any]], subs: list[dict[str, Any]],
                chain: list[dict[str, Any]], programs: list[dict[str, Any]],
                creds: list[dict[str, Any]], mods: list[dict[str, Any]]) -> None:
        rng = self.rng
        add = self.probes.append
        for role in roles:
            stem, suffix = role["name"].split(" ", 1)
            add(Probe(f"What does a {role['name']} do?", role["id"], "role"))
            add(Probe(f"what does a {typo(stem.lower(), rng)} {suffix.lower()} do",
                      role["id"], "role typo"))
            add(Probe(f"Which certification does a {role['name'].lower()} need?", role["id"],
                      "role certification"))
        for sub in subs:
            stem = sub["id"].split("_")[0]
            add(Probe(f"Tell me about {sub['name']}", sub["id"], "subspecialty"))
            add(Probe(f"How long is the {stem} fellowship?", sub["id"], "subspecialty duration"))
            add(Probe(f"how long is the {typo(stem, rng)} fellowship", sub["id"],
                      "subspecialty typo"))
        for training in [chain[0], chain[1], *programs[:5]]:
            stem, rest = training["name"].split(" ", 1)
            add(Probe(f"How long is {training['name']}?", training["id"], "training"))
            add(Probe(f"how long is {typo(stem.lower(), rng)} {rest}", training["id"],
                      "training typo"))
        for cred in creds:
            add(Probe(f"What is the {cred['name']}?", cred["id"], "credential"))
        for mod in mods[:2]:
            add(Probe(f"Tell me about {mod['name'].lower()}s", mod["id"], "modality"))

    def _conversations(self, roles: list[dict[str, Any]], subs: list[dict[str, Any]],
                       chain: list[dict[str, Any]], programs: list[dict[str, Any]],
                       creds: list[dict[str, Any]], mods: list[dict[str, Any]],
                       keywords: list[str]) -> None:
        rng = self.rng
        for role in rng.sample(roles[1:], 3):
            stem = role["name"].split(" ", 1)[0].lower()
            other = rng.choice([r for r in roles if r is not role])
            self.conversations.append([
                f"what does a {role['name'].lower()} do?",
                "how long does it take to become one?",
                "which certification do they need?",
                f"what about a {other['name'].lower()}?",
                f"compare {role['name'].lower()} and {other['name'].lower()}",
                f"how much does a {typo(stem, rng)} {role['name'].split(' ', 1)[1].lower()} make",
                f"what modalities does a {role['name'].lower()} use",
            ])
        sub = rng.choice(subs)
        self.conversations.append([
            f"tell me about {roles[0]['name'].lower()}s",
            "what can they specialize in?",
            f"how long is the {sub['step_label']}?",
            f"how do I become a {sub['name'].lower()} radiologist?",
            f"which career works with {rng.choice(keywords)}?",
            f"how long is {chain[1]['name'].lower()}?",
            f"tell me about the {creds[0]['name']}",
            f"what is {rng.choice(mods)['name'].lower()} imaging",
            f"which careers need the {programs[0]['name'].lower()}?",
        ])


def generate(dest: str | Path, scale: int, seed: int = 7) -> Synthetic:
    """Write a knowledge directory `scale` times the radiology graph's size into `dest`.

    `dest` is created (or emptied of .yaml files); scale 1 is the radiology graph alone.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.yaml"):
        old.unlink()
    radiology: list[dict[str, Any]] = []
    for path in sorted(RADIOLOGY_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        # Made-up careers have no source document to cite: the copy declares none, so
        # their facts (and the copied radiology facts) are loaded unchecked.
        text = re.sub(r"(?m)^  document: .*\n", "", text)
        (dest / path.name).write_text(text, encoding="utf-8")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        radiology.extend(data.get("nodes") or ())
    base = len(radiology)
    hubs = radiology_hubs(radiology)
    rng = random.Random(seed)
    words = WordMaker(rng, reserved_words())
    out = Synthetic(dest, scale, base, 0)
    clusters_per_file = 5
    batch: list[dict[str, Any]] = []
    file_index = 0

    def flush() -> None:
        nonlocal batch, file_index
        if batch:
            text = yaml.safe_dump({"nodes": batch}, sort_keys=False, width=100,
                                  allow_unicode=True)
            (dest / f"zz_synthetic_{file_index:03d}.yaml").write_text(text, encoding="utf-8")
            file_index += 1
            batch = []

    target = base * scale
    index = 0
    while out.nodes < target:
        index += 1
        cluster = _Cluster(index, words, rng, hubs)
        cluster.build()
        nodes = cluster.nodes
        if out.nodes + len(nodes) > target:  # never happens with the radiology shape
            nodes = nodes[: target - out.nodes]
        batch.extend(nodes)
        out.nodes += len(nodes)
        out.generated += len(nodes)
        out.probes.extend(cluster.probes)
        out.conversations.extend(cluster.conversations)
        if index % clusters_per_file == 0:
            flush()
    flush()
    return out


if __name__ == "__main__":  # pragma: no cover - a manual look at what is generated
    import sys
    import tempfile

    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="synth-"))
    made = generate(where, scale)
    print(f"{made.knowledge_dir}: {made.nodes} nodes ({made.generated} generated), "
          f"{len(made.probes)} probes, {len(made.conversations)} conversations")
