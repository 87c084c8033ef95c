"""Hostile input that once cost time or memory out of all proportion (issue 14).

Timing itself is the benchmark's business (`benchmarks/run.py`, the "pathological turn" row):
here the input is shown to be cut before anything reads it, every pattern is checked to be
free of the shapes that backtrack (two unbounded repeats that can trade characters), and a
child process answering the worst texts known in every mode must finish (a hang guard).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import env_for

from advisor import Advisor
from knowledge import MAX_INPUT_CHARS

ROOT = Path(__file__).resolve().parents[1]

def _hostile() -> ModuleType:
    """benchmarks/hostile.py, where the slowest texts known are kept (the benchmark times
    them; here they only have to finish)."""
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PATHOLOGICAL: dict[str, str] = _hostile().PATHOLOGICAL


def _modules() -> list[Any]:
    found = []
    for package in ("knowledge", "dialogs", "advisor"):
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            if info.name in {"repl", "evaluate"}:  # need the chat's extras; checked below
                continue
            found.append(importlib.import_module(f"{package}.{info.name}"))
    found.append(importlib.import_module("advisor.repl"))
    return found


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every pattern of a module, and every one the engine compiled from its data."""
    out = []
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                out.append((f"{module.__name__}.{name}", value))
    engine = Advisor()._engine
    for part_name, part in vars(engine).items():
        for name, value in getattr(part, "__dict__", {}).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                out.append((f"engine.{part_name}.{name}", value))
    return out


_PROBE = [chr(c) for c in (*range(0, 0x250), 0x2000, 0x2028, 0x3000, 0x202E, 0xFEFF)]


def _chars(item: tuple[Any, Any], flags: int) -> frozenset[str]:
    """The probe characters one element can start with (a superset is fine)."""
    pattern = sre_parse.SubPattern(sre_parse.State(), [item])
    try:
        compiled = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
    except (IndexError, re.error):  # a back reference: it could be anything
        return frozenset(_PROBE)
    return frozenset(c for c in _PROBE if compiled.match(c))


def _flat(items: Any) -> list[tuple[Any, Any]]:
    """A sequence with groups opened (their elements stand in line with their neighbours)."""
    out = []
    for op, av in items:
        if op is sre.SUBPATTERN:
            out.extend(_flat(av[-1]))
        else:
            out.append((op, av))
    return out


def _unbounded(op: Any, av: Any) -> bool:
    return op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] == sre.MAXREPEAT


def _can_be_empty(op: Any, av: Any) -> bool:
    return (op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] == 0) or op is sre.AT \
        or op in (sre.ASSERT, sre.ASSERT_NOT)


_ONE_CHAR = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY)


def _ambiguous_body(body: list[tuple[Any, Any]], flags: int) -> bool:
    """`(a+)+`: an unbounded repeat inside one whose other elements it could match too
    (`(?:'[a-z]+)*` is fine: every round needs its quote)."""
    for op, av in body:
        if not _unbounded(op, av) or len(av[2]) != 1:
            continue
        mine = _chars(av[2][0], flags)
        if all(_can_be_empty(o, a) or (o in _ONE_CHAR and _chars((o, a), flags) <= mine)
               for o, a in body if (o, a) != (op, av)):
            return True
    return False


def _risks(items: Any, flags: int) -> list[str]:
    """Nested unbounded repeats, and unbounded repeats over shared characters with only
    optional elements, or characters the first can match too, between them."""
    found = []
    seq = _flat(items)
    for i, (op, av) in enumerate(seq):
        if op is sre.BRANCH:
            for branch in av[1]:
                found += _risks(branch, flags)
            continue
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            body = av[2]
            if _unbounded(op, av) and _ambiguous_body(_flat(body), flags):
                found.append("nested unbounded repeats")
            found += _risks(body, flags)
        if not _unbounded(op, av):
            continue
        mine = _chars(av[2][0], flags) if len(av[2]) == 1 else frozenset()
        for other_op, other_av in seq[i + 1:]:
            if _unbounded(other_op, other_av) and len(other_av[2]) == 1 and \
                    mine & _chars(other_av[2][0], flags):
                found.append("adjacent unbounded repeats over the same characters")
                break
            absorbed = other_op in _ONE_CHAR and mine and \
                _chars((other_op, other_av), flags) <= mine  # `.+? and .+?`: `.` takes " and "
            if not (_can_be_empty(other_op, other_av) or absorbed):
                break
    return found


def test_the_lint_catches_the_old_patterns() -> None:
    for old in (r"\?\s+|\s*,?\s+\band\s+(?=how)", r"^\s*(?:\d[.)])\s+(\S.*?)\s*$",
                r"(a+)+$", r"^(.+?) and (.+?)$"):
        pattern = re.compile(old)
        assert _risks(sre_parse.parse(pattern.pattern, pattern.flags), pattern.flags), old


@pytest.mark.parametrize("name,pattern", _patterns(), ids=lambda x: x if isinstance(x, str)
                         else "")
def test_every_pattern_is_linear(name: str, pattern: re.Pattern[str]) -> None:
    assert not _risks(sre_parse.parse(pattern.pattern, pattern.flags), pattern.flags), name


def test_the_patterns_were_found() -> None:
    names = {name for name, _ in _patterns()}
    assert {"engine.understander._clause_split", "advisor.repl._OPTION",
            "knowledge.text._NON_WORD", "dialogs.text._SENTENCE"} <= names


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


_PIECES = st.sampled_from([" ", "  ", "\t", ",", ", ", "?", "? ", ".", "and ", "how ",
                           "what is ", "radiologist ", "sonographer", "x", "-", "1. ", "é",
                           "\u202e", "compare ", " vs "])
_TEXTS = st.lists(_PIECES, max_size=400).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, tail=st.sampled_from([" " * 5000, "and how " * 500, "x" * 3000]))
def test_nothing_past_the_limit_is_read(adv: Advisor, text: str, tail: str) -> None:
    """The reply to a long text is the reply to its first 2,000 characters, plus a note."""
    head = (text + tail)[:MAX_INPUT_CHARS]
    assume(head.strip())
    long = adv.session().ask(text + tail + "what does a radiologist do?")
    short = adv.session().ask(head)
    note = f"(Your message was longer than {MAX_INPUT_CHARS} characters; I read only the " \
           f"first {MAX_INPUT_CHARS}.)"
    assert long.text == f"{short.text}\n{note}"
    assert long.intent == short.intent and long.entities == short.entities


_GUARD = """
import json, sys
from advisor import Advisor
texts = json.loads(sys.stdin.read())
adv = Advisor()
for text in texts:
    session = adv.session()
    session.ask("help me choose a career")  # the interview reads it too
    session.ask(text)
    adv.session().ask(text)
print("done")
"""


def test_pathological_texts_finish(tmp_path: Path) -> None:
    """A hang guard, not a timing: once 2,000 spaces took 35 s; the benchmark times them."""
    texts = list(PATHOLOGICAL.values())
    result = subprocess.run([sys.executable, "-c", _GUARD], input=json.dumps(texts),
                            capture_output=True, text=True, cwd=ROOT, env=env_for(tmp_path),
                            timeout=120)
    assert result.stdout.strip() == "done", result.stderr


@pytest.mark.parametrize("mode", [["ask"], ["ask", "--json"], ["ask", "--jsonl"]])
def test_pathological_texts_finish_in_every_mode(tmp_path: Path, mode: list[str]) -> None:
    texts = [*PATHOLOGICAL.values(), " " * 900_000 + "x"]
    if "--jsonl" in mode:
        data = "".join(json.dumps({"session": str(i % 3), "text": t}) + "\n"
                       for i, t in enumerate(texts))
    else:
        data = "".join(t.replace("\n", " ") + "\n" for t in texts)
    result = subprocess.run([sys.executable, "-m", "advisor", *mode, "-"] if "--jsonl"
                            not in mode else [sys.executable, "-m", "advisor", *mode],
                            input=data.encode(), capture_output=True, cwd=ROOT,
                            env=env_for(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr


def test_the_texts_are_at_the_limit() -> None:
    assert len(PATHOLOGICAL) >= 15
    assert all(MAX_INPUT_CHARS - 60 <= len(t) <= MAX_INPUT_CHARS for t in PATHOLOGICAL.values())
