"""Memory stays bounded by size whatever the input (issue 14, defect 2).

The peak-memory figure itself is the benchmark's (`benchmarks/run.py`: 1,000 distinct 1 MB
JSON Lines requests); here the bounds behind it: the one memo the layers share holds keys of
a bounded total size, a session keeps only what its mode reads, and a long text is cut before
any cache sees it.
"""

from __future__ import annotations

import pickle
import threading

import pytest

from advisor import Advisor
from knowledge import MAX_INPUT_CHARS, Memo


def test_a_memo_is_bounded_by_the_size_of_its_keys() -> None:
    memo: Memo[str, int] = Memo(items=10_000, chars=50_000)
    for i in range(1000):
        memo.put(f"{i:04d}" + "x" * 1996, i)
    assert memo.weight <= 50_000
    assert len(memo) == 50_000 // 2001
    assert memo.get("0999" + "x" * 1996) == 999  # the newest stay, the oldest went
    assert memo.get("0000" + "x" * 1996) is None


def test_a_memo_is_bounded_by_count_and_ignores_keys_larger_than_itself() -> None:
    memo: Memo[tuple[str, int], str] = Memo(items=100, chars=10_000)
    for i in range(500):
        memo.put(("k", i), "v")
    assert len(memo) == 100
    memo.put(("x" * 20_000, 1), "huge")
    assert ("x" * 20_000, 1) not in memo and len(memo) == 100


def test_a_memo_pickles_empty_and_keeps_its_bounds() -> None:
    memo: Memo[str, int] = Memo(items=7, chars=99)
    memo.put("a", 1)
    copy = pickle.loads(pickle.dumps(memo))
    assert len(copy) == 0 and (copy.items, copy.chars) == (7, 99)
    assert copy.put("b", 2) == 2 and copy.get("b") == 2


def test_a_memo_shared_by_threads_keeps_its_bounds() -> None:
    memo: Memo[str, int] = Memo(items=50, chars=5_000)

    def fill(offset: int) -> None:
        for i in range(2000):
            memo.put(f"{offset}-{i}" * 5, i)
            memo.get(f"{offset}-{i - 1}" * 5)

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(memo) <= 50 and memo.weight <= 5_000


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def _memos(adv: Advisor) -> list[Memo[object, object]]:
    engine = adv._engine
    found = []
    for owner in (engine.understander, engine.interviewer, engine.interviewer.reader,
                  engine.graph):
        found += [v for v in vars(owner).values() if isinstance(v, Memo)]
    return found


def test_distinct_large_texts_hold_bounded_caches(adv: Advisor) -> None:
    """1 MB texts each: what the caches keep is bounded by the cut text, not the input."""
    chunk = "what does a radiologist do " * 40_000
    for i in range(40):
        adv.session(transcript=False).ask(f"{i} {chunk}")
    memos = _memos(adv)
    assert len(memos) >= 6
    for memo in memos:
        assert memo.weight <= memo.chars
    longest = max((len(k) for memo in memos for k in memo._data if isinstance(k, str)),
                  default=0)
    assert longest <= MAX_INPUT_CHARS + 8


def test_a_session_keeps_only_what_its_mode_reads(adv: Advisor) -> None:
    chat, server = adv.session(), adv.session(transcript=False)
    for text in ("what does a sonographer do?", "x" * 5000):
        chat.ask(text)
        server.ask(text)
    assert server.transcript == [] and server.to_dict()["transcript"] == []
    assert [q for q, _ in chat.transcript] == ["what does a sonographer do?",
                                               "x" * MAX_INPUT_CHARS]
