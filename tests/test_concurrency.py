"""One Advisor, many threads: independent sessions give exactly the answers of a sequential run.

The Advisor (graph, matcher, interviewer, caches) is shared; each thread runs its own session
through a fixed script of varied questions, an interview included, over and over. The thread
switch interval is cut to 10 µs so threads interleave inside turns, not just between them.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from advisor import Advisor

THREADS = 8
TURNS = 1000
SCRIPT = [
    "hi",
    "What does a sonographer do?",
    "how long does it take?",
    "which certification do they need?",
    "compare radiologist and radiologic technologist",
    "tell me about interventional radiology",
    "what is the pay like?",
    "wht dose a radiolgist do",                  # typos: the shared spelling cache
    "what's the weather tomorrow?",              # out of scope
    "help me choose a career",                   # the interview starts
    "I'm in college",
    "yes",
    "how long is radiology residency?",          # a question in the middle of the interview
    "some",
    "not sure",
    "1",
    "just tell me",                              # the recommendation
    "tell me more about 2",
    "compare 1 and 3",
    "start over",
    "",
    "thanks, bye",
]

Turn = tuple[str, str, tuple[str, ...], bool, str]


@contextmanager
def busy_switching(interval: float = 1e-5) -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def conversation(adv: Advisor, turns: int = TURNS, resume_every: int = 0
                 ) -> tuple[list[Turn], dict[str, Any]]:
    """One session through the script `turns` times; optionally saved and resumed (through
    JSON) every `resume_every` turns. Every reply as (text, intent, entities, fallback, kind)."""
    session = adv.session()
    out: list[Turn] = []
    for i in range(turns):
        if resume_every and i and i % resume_every == 0:
            session = adv.session(state=json.loads(json.dumps(session.to_dict())))
        r = session.ask(SCRIPT[i % len(SCRIPT)])
        out.append((r.text, r.intent, r.entities, r.fallback, r.kind))
    return out, session.to_dict()


def run_threads(adv: Advisor, count: int, **kwargs: Any
                ) -> dict[int, tuple[list[Turn], dict[str, Any]]]:
    barrier = threading.Barrier(count)
    results: dict[int, tuple[list[Turn], dict[str, Any]]] = {}
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = conversation(adv, **kwargs)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    with busy_switching():
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    return results


def first_difference(got: list[Turn], want: list[Turn]) -> str:
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        if a != b:
            return f"turn {i} ({SCRIPT[i % len(SCRIPT)]!r}): {a[1]} {a[0][:80]!r} != " \
                   f"{b[1]} {b[0][:80]!r}"
    return ""


def test_script_is_varied() -> None:
    adv = Advisor()
    turns, _ = conversation(adv, turns=2 * len(SCRIPT))
    intents = {t[1] for t in turns}
    kinds = {t[4] for t in turns}
    assert len(intents) >= 10, intents
    assert {"question", "recommendation", "detail", "compare", "fallback"} <= kinds, kinds
    assert not any(t[1] == "error" for t in turns)


def test_eight_threads_match_a_sequential_run() -> None:
    """8 threads x 1,000 turns on one cold Advisor (empty caches), then the sequential run."""
    adv = Advisor()
    results = run_threads(adv, THREADS)
    want, want_state = conversation(adv)
    assert not any(t[1] == "error" for t in want)
    for index in range(THREADS):
        got, state = results[index]
        assert len(got) == TURNS
        assert got == want, f"thread {index}: " + first_difference(got, want)
        assert state == want_state, f"thread {index}: final session state differs"


def test_threads_saving_and_resuming_match_a_sequential_run() -> None:
    adv = Advisor()
    results = run_threads(adv, 4, turns=300, resume_every=37)
    want, want_state = conversation(adv, turns=300, resume_every=37)
    for index, (got, state) in results.items():
        assert got == want, f"thread {index}: " + first_difference(got, want)
        assert state == want_state


def test_one_session_shared_by_threads_stays_consistent() -> None:
    """A Session is meant for one thread, but it takes a lock: sharing it must not corrupt it."""
    adv = Advisor()
    session = adv.session()
    errors: list[BaseException] = []
    replies: list[str] = []

    def worker() -> None:
        try:
            for i in range(150):
                reply = session.ask(SCRIPT[i % len(SCRIPT)])
                assert reply.intent != "error", reply.text
                replies.append(reply.intent)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(4)]
    with busy_switching():
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert len(replies) == 600 and len(session.transcript) == 500  # capped at MAX_TRANSCRIPT
    resumed = adv.session(state=json.loads(json.dumps(session.to_dict())))
    assert resumed.to_dict() == session.to_dict()


def test_advisors_built_in_parallel_agree() -> None:
    """Loading is thread-safe too: Advisors built at once answer alike."""
    built: list[Advisor] = []
    lock = threading.Lock()

    def build() -> None:
        adv = Advisor()
        with lock:
            built.append(adv)

    threads = [threading.Thread(target=build, daemon=True) for _ in range(THREADS)]
    with busy_switching():
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert len(built) == THREADS
    first = conversation(built[0], turns=len(SCRIPT))
    assert all(conversation(adv, turns=len(SCRIPT)) == first for adv in built[1:])


def test_the_semantic_index_stems_safely_from_many_threads() -> None:
    """A Snowball stemmer keeps the word it works on in itself; threads stemming new words at
    once corrupted each other's (IndexError), found by a run of the threads test."""
    from knowledge.index import SemanticIndex

    index = SemanticIndex(Advisor().graph)
    words = [f"zq{i}ing{'s' * (i % 4)}" for i in range(4000)]
    errors: list[BaseException] = []

    def worker(part: list[str]) -> None:
        try:
            for word in part:
                index.terms(word)
        except BaseException as exc:
            errors.append(exc)

    with busy_switching():
        threads = [threading.Thread(target=worker, args=(words[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
