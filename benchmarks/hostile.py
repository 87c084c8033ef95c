"""Hostile workloads for the benchmark: the slowest 2,000-character texts, and a flood of
distinct large JSON Lines requests (issue 14). Used by `run.py`; the texts by the tests too.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from knowledge import MAX_INPUT_CHARS as LIMIT

#: 2,000-character texts of the shapes that made patterns backtrack, and worse.
PATHOLOGICAL = {
    "spaces": "what is" + " " * (LIMIT - 8) + "x",
    "tabs and wide spaces": "how long" + "\t \u3000" * 660 + "x",
    "commas": "what is" + " ," * 995 + "x",
    "question marks": "?" * LIMIT,
    "dots": ". " * (LIMIT // 2),
    "and": ("radiologist and " * 130)[:LIMIT],
    "compare": "how do " + ("a and " * 340)[:LIMIT - 7],
    "options": "1. " + " " * (LIMIT - 10) + "x",
    "repeated word": ("sonographer " * 200)[:LIMIT],
    "typos": " ".join(f"qzx{i}wv" for i in range(300))[:LIMIT],
    "near-names": " ".join(["radiolgist", "sonograher", "mamography", "fellowsip"] * 50)[:LIMIT],
    "dashes": ("x " + "-" * 30 + " ") * 60,
    "digits": " ".join(str(i) for i in range(600))[:LIMIT],
    # The interview's cue words, as dense as they come: its polarity look-back grows with
    # the number of cues (quadratic, bounded by the cut).
    "cue words": ("kids " * 400)[:LIMIT],
    "x ray": ("x ray " * 400)[:LIMIT],
    "compound parts": ("which fellowship is for kids and which for mammograms " * 40)[:LIMIT],
    "comma parts": ("what does a radiologist do, " * 80)[:LIMIT],
    "career names": ("radiologist sonographer nuclear medicine technologist " * 40)[:LIMIT],
    # stage cues repeated (found by the second attack: quadratic inside an interview)
    "stage cues": ("rn " * 700)[:LIMIT],
    "ages": ("he 17 " * 350)[:LIMIT],
    "identity cues": ("rad tech u r " * 160)[:LIMIT],
}



def _filled(make: Callable[[random.Random], str], seed: int) -> str:
    """Words from `make` joined by spaces up to the limit (seeded: every run the same)."""
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < LIMIT:
        parts.append(make(rng))
    return " ".join(parts)[:LIMIT]


def _pseudo(low: int, high: int, letters: str = "abcdefghijklmnopqrstuvwxyz"
            ) -> Callable[[random.Random], str]:
    return lambda rng: "".join(rng.choice(letters) for _ in range(rng.randint(low, high)))


_KNOWN = ("radiologist", "sonographer", "mammography", "fellowship", "residency",
          "interventional", "technologist", "certification", "ultrasound", "pediatric",
          "neuroradiology", "dosimetrist", "salary", "training", "nuclear", "medicine")


def _misspelt(edits: int) -> Callable[[random.Random], str]:
    def make(rng: random.Random) -> str:
        word = list(rng.choice(_KNOWN))
        for _ in range(edits):
            word[rng.randrange(len(word))] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        return "".join(word)
    return make


# Distinct unknown words, each a fresh search for the typo corrector (the costliest shapes
# found with a profiler), real English words it must leave alone, and many short clauses.
PATHOLOGICAL.update({
    "distinct pseudo-words": _filled(_pseudo(5, 8), 1),
    "distinct long pseudo-words": _filled(_pseudo(10, 16), 2),
    "very long words": _filled(_pseudo(30, 60), 3),
    "digits and letters": _filled(_pseudo(5, 10, "ab1c2d3e4f5"), 4),
    "near-vocabulary words (1 edit)": _filled(_misspelt(1), 5),
    "near-vocabulary words (2 edits)": _filled(_misspelt(2), 6),
    "english words": _filled(lambda rng: rng.choice(
        ("spent", "decade", "whether", "thought", "lesson", "fellow", "patents", "horse",
         "spice", "morality", "topography", "wound", "batter", "shout")), 7),
    "question clauses": _filled(lambda rng: f"what is {_pseudo(5, 9)(rng)}?", 8),
    "'and what' clauses": _filled(lambda rng: f"and what is {rng.choice(_KNOWN)}", 9),
    # the seventh attack's: many short sentences each reported from someone else, which the
    # interview once re-read one by one; dictated fragments and lettered options
    "reported sentences": _filled(lambda rng: f"they say {_pseudo(2, 3)(rng)}.", 10),
    "claims passed on": _filled(
        lambda rng: f"I heard {rng.choice(_KNOWN)} earns {rng.randint(50, 99)}k, true?", 11),
    "dictated fragments": _filled(lambda rng: f"so no {_pseudo(3, 6)(rng)}", 12),
    "lettered options": _filled(lambda rng: f"{rng.choice('abcd')}) {rng.choice(_KNOWN)}", 13),
    # the eighth attack's: an opening curly quote before every short word (a quote pattern
    # once backtracked from each), reported lengths, tags asking for agreement
    "curly quotes": _filled(lambda rng: f"\u201c{_pseudo(1, 3)(rng)}", 14),
    "reported lengths": _filled(lambda rng: f"someone said IR is {rng.randint(1, 9)} years.", 15),
    "tags": _filled(lambda rng: f"{_pseudo(2, 4)(rng)}, right?", 16),
})

_PIECES = (" ", "  ", "\t", ",", ", ", "?", "? ", ".", "and ", "how ", "what is ", "-", "1. ",
           "radiologist ", "sonographer", "x", "é", "compare ", " vs ", "qwz ")


def mixed_texts(count: int, seed: int = 7) -> list[str]:
    """Random 2,000-character mixtures of the pieces above (runs of spaces, punctuation,
    repeated words), as the property test draws them."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(map(len, parts)) < LIMIT:
            piece = rng.choice(_PIECES)
            parts.append(piece * rng.choice((1, 1, 1, 5, 40)))
        out.append("".join(parts)[:LIMIT])
    return out


def worst_turns(advisor: Any, texts: dict[str, str], repeats: int = 3
                ) -> list[tuple[float, float, str]]:
    """(best-of-`repeats` seconds, thread CPU seconds, name) of each text, asked in a fresh
    session and inside an interview (both readers see it), slowest first. CPU time is shown
    too: on a shared machine other processes only add wall time."""
    timed = []
    for name, text in texts.items():
        best = best_cpu = float("inf")
        for round_ in range(repeats):
            # A text never seen before each time: a repeated one is served from a cache.
            fresh = text[:-1] + "zqj"[round_ % 3]
            plain, interview = advisor.session(), advisor.session()
            interview.ask("help me choose a career")
            start, cpu = time.perf_counter(), time.thread_time()
            plain.ask(fresh)
            interview.ask(fresh)
            best = min(best, (time.perf_counter() - start) / 2)
            best_cpu = min(best_cpu, (time.thread_time() - cpu) / 2)
        timed.append((best, best_cpu, name))
    return sorted(timed, reverse=True)


def flood_lines(count: int, size: int) -> Iterator[bytes]:
    """`count` distinct JSON Lines requests of about `size` bytes each, one session each."""
    rng = random.Random(13)
    words = ["radiology", "residency", "sonographer", "how", "long", "what", "is", "a", "the"]
    chunk = " ".join(rng.choice(words) for _ in range(size // 6))[: size - 200]
    for i in range(count):
        text = f"{i} {rng.random()} " + chunk
        yield json.dumps({"session": f"s{i}", "text": text}).encode() + b"\n"


def flood(run_cli: Callable[[list[str]], subprocess.Popen[bytes]], count: int, size: int
          ) -> tuple[int, int, bytes]:
    """Feed `count` requests of `size` bytes to `run_cli(...)` (which starts the CLI with a
    stdin pipe): (exit status, reply lines, stderr)."""
    proc = run_cli(["ask", "--jsonl"])
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        assert proc.stdin is not None
        try:
            for line in flood_lines(count, size):
                proc.stdin.write(line)
        except BrokenPipeError:
            pass
        finally:
            proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    replies = sum(1 for _ in proc.stdout)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait()
    writer.join()
    return proc.returncode, replies, err


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def write_texts(path: Path) -> None:
    """The pathological texts as JSON, for a look by hand."""
    path.write_text(json.dumps(PATHOLOGICAL, indent=1), encoding="utf-8")
