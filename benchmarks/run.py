"""The performance benchmark: start-up, turns, JSON Lines throughput, memory, load, scale.

    python benchmarks/run.py            # the full run (about 1.5 min on 2 cores)
    python benchmarks/run.py --quick    # a ~10 s smoke variant (synthetic 10x only)
    python benchmarks/run.py --profile  # also profile the turns on the 100x graph (cProfile)

Prints the machine, a table `figure | target | measured | pass/fail`, the top import costs of
the cold start, and exits 1 when a target is missed (naming it). Every subprocess uses the
virtualenv's interpreter (`.venv/bin/python` beside this directory when present, else the
running one) so the floor and the advisor are timed on the same Python.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from hostile import PATHOLOGICAL, flood, mixed_texts, worst_turns  # noqa: E402
from synthetic import Probe, Synthetic, generate  # noqa: E402

QUESTION = "How long is radiology residency?"
EXPECTED_IN_ANSWER = "4–5 years"


# -- environment -------------------------------------------------------------------------------
def venv_python() -> Path:
    candidate = ROOT / ".venv" / "bin" / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def cli_path(python: Path) -> Path:
    script = python.parent / "radiology-advisor"
    if not script.exists():
        raise SystemExit(f"{script} not found: install the project into the venv "
                         "(pip install -e .)")
    return script


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = f", {model}" if model else ""
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return (f"machine: {usable} usable cores ({os.cpu_count()} online){cpu}; "
            f"{platform.system()} {platform.release()}; "
            f"Python {platform.python_version()} ({platform.python_implementation()}); {load}")


# -- statistics ---------------------------------------------------------------------------------
def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class TurnStats:
    turns: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> TurnStats:
        ms = sorted(s * 1000 for s in seconds)
        return cls(len(ms), statistics.median(ms), percentile(ms, 95), percentile(ms, 99),
                   ms[-1], statistics.fmean(ms))


# -- the results table --------------------------------------------------------------------------
@dataclass
class Row:
    figure: str
    target: str
    measured: str
    ok: bool | None  # None: reported, no target


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: str, target: str, measured: str, ok: bool | None = None) -> None:
        self.rows.append(Row(figure, target, measured, ok))

    def table(self) -> str:
        head = ("figure", "target", "measured", "pass/fail")
        cells = [head, *((r.figure, r.target, r.measured,
                          "—" if r.ok is None else ("pass" if r.ok else "FAIL"))
                         for r in self.rows)]
        widths = [max(len(c[i]) for c in cells) for i in range(4)]

        def line(c: tuple[str, ...]) -> str:
            return "| " + " | ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)) + " |"

        sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        return "\n".join([line(head), sep, *(line(c) for c in cells[1:])])

    @property
    def failures(self) -> list[Row]:
        return [r for r in self.rows if r.ok is False]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- 1. cold start ------------------------------------------------------------------------------
def child_env() -> dict[str, str]:
    """The environment of every timed subprocess: bytecode caching on, no import tracing.

    PYTHONDONTWRITEBYTECODE (set in some shells and CI images) would make every run compile
    the project's sources again, timing the compiler instead of the advisor; an installed
    package has its .pyc files, so the benchmark lets the first run write them.
    """
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE",
                 "PYTHONTRACEMALLOC", "PYTHONWARNINGS"):
        env.pop(name, None)
    # The children run the code beside this benchmark, as the in-process figures do, even
    # when the virtualenv has another checkout installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def time_process(cmd: list[str], env: dict[str, str]
                 ) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                          check=False)
    return time.perf_counter() - start, done


def cold_start(report: Report, python: Path, runs: int) -> None:
    env = child_env()
    commands = {
        "advisor": [str(cli_path(python)), "ask", QUESTION],
        "floor": [str(python), "-c", "import yaml, rapidfuzz"],
        "interpreter": [str(python), "-c", "pass"],
        "imports": [str(python), "-c", "import advisor.cli, advisor.core"],
    }
    # Warm the page cache and write the .pyc files once; check the answer is right.
    _, first = time_process(commands["advisor"], env)
    answer = first.stdout.decode("utf-8", "replace")
    if first.returncode != 0 or EXPECTED_IN_ANSWER not in answer:
        raise SystemExit(f"cold start run failed (exit {first.returncode}):\n{answer}\n"
                         f"{first.stderr.decode('utf-8', 'replace')}")
    for cmd in commands.values():
        time_process(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift in machine load hits all alike
        for name, cmd in commands.items():
            times[name].append(time_process(cmd, env)[0] * 1000)
    med = {name: statistics.median(t) for name, t in times.items()}
    ratio = med["advisor"] / med["floor"]
    report.data["cold_start"] = {"median_ms": med, "ratio": ratio, "runs": runs,
                                 "all_ms": times}
    report.add(f"cold start `radiology-advisor ask \"{QUESTION}\"` (median of {runs})", "—",
               f"{med['advisor']:.1f} ms")
    report.add("floor `python -c \"import yaml, rapidfuzz\"` (same runs)", "—",
               f"{med['floor']:.1f} ms")
    report.add("cold start / floor", "≤ 1.5x", f"{ratio:.2f}x", ratio <= 1.5)
    report.add("  of which: bare interpreter `python -c pass`", "—",
               f"{med['interpreter']:.1f} ms")
    report.add("  of which: imports `python -c \"import advisor.cli, advisor.core\"`", "—",
               f"{med['imports']:.1f} ms")


# -- 2. realistic conversations -----------------------------------------------------------------
OOS = ["what's the weather like in Paris tomorrow?", "how do I bake sourdough bread",
       "who won the world cup in 2018?", "what is the capital of Australia",
       "how do I become a pilot?", "recommend a good laptop for gaming",
       "tell me a joke about cats", "asdfgh qwerty zxcv", "what is bitcoin trading",
       "how do I fix my car's brakes?", "best pizza place near me", "translate hello to french"]
SMALLTALK = ["hi", "hello there", "thanks!", "thank you so much", "what can you do?", "bye",
             "good morning", "who are you?"]
MEDICAL = ["can you read my MRI results?", "is this lump cancer?", "what does my ct scan show",
           "i have pain in my knee, should i get an x-ray?"]
ABOUT_ME = ["I am a nursing student who loves ultrasound", "i'm in high school and like computers",
            "I love working with kids", "I'm a radiology resident interested in procedures"]
GENERIC = ["What careers are there in radiology?", "What are the radiology fellowships?",
           "What skills do radiology careers need?", "What is the pay like in radiology?",
           "Is radiology a dying field?", "which careers don't need medical school?",
           "what jobs are there in industry?",
           "what can radiologists specialize in after residency?",
           "is radiology going to be replaced by AI?", "list the careers"]
FOLLOW_UPS = ["how long does that take?", "which certification do they need?", "and the pay?",
              "what do they do all day?", "how do i become one?", "what about {other}?",
              "tell me more about 2", "compare 1 and 3", "what can they specialize in?"]
INTERVIEW_STARTS = ["help me choose a career in radiology", "which career fits me?",
                    "I don't know what to do with my life, can you help me choose?",
                    "help me decide which fellowship to do",
                    "what would you recommend for me?"]
FREE_ANSWERS = ["yes", "not really", "a lot", "some", "maybe", "not sure", "I love technology",
                "i hate blood", "I'm in college", "no way", "definitely", "skip",
                "I like working with children", "brain and spine", "why do you ask?"]
AFTER_RECOMMENDATION = ["tell me more about 2", "compare 1 and 3",
                        "how long does the first one take?", "why the first one?", "thanks"]


def typo_of(text: str, rng: random.Random) -> str:
    """One realistic slip in one longer word: a dropped, doubled, swapped or wrong letter."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randint(1, len(w) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        w = w[:j] + w[j + 1:]
    elif kind == 1:
        w = w[:j] + w[j] + w[j:]
    elif kind == 2:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    else:
        w = w[:j] + rng.choice("aeiourstln") + w[j + 1:]
    words[i] = w
    return " ".join(words)


class Workload:
    """Realistic conversations over one graph, made from its own nodes; seeded."""

    def __init__(self, graph: Any, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        by_type: dict[str, list[Any]] = {}
        for node in graph:
            if node.section.startswith("Synthetic"):
                continue  # generated nodes have their own conversations (synthetic.py)
            by_type.setdefault(node.type, []).append(node)
        self.by_type = by_type

    def name(self, node: Any) -> str:
        """How a person might call the node: its name or one of its aliases."""
        options = [node.name, *node.aliases[:4]]
        return self.rng.choice(options)

    def factual(self) -> str:
        rng = self.rng
        kind = rng.choice(["role", "role", "role", "subspecialty", "subspecialty", "training",
                           "credential", "modality", "category", "compare", "generic"])
        if kind == "generic":
            return rng.choice(GENERIC)
        if kind == "compare":
            a, b = rng.sample(self.by_type["role"] + self.by_type["subspecialty"], 2)
            return rng.choice(["compare {a} and {b}", "{a} vs {b}",
                               "what is the difference between {a} and {b}?"]).format(
                a=self.name(a), b=self.name(b))
        node = rng.choice(self.by_type[kind])
        n = self.name(node)
        templates = {
            "role": ["What does a {n} do?", "How long does it take to become a {n}?",
                     "How do I become a {n}?", "Which certification does a {n} need?",
                     "What modalities does a {n} use?", "How much does a {n} make?",
                     "Is {n} a good career?", "What skills does a {n} need?", "Tell me about {n}",
                     "what can a {n} specialize in?", "{n}"],
            "subspecialty": ["Tell me about {n}", "How long is the {n} fellowship?",
                             "What does {n} cover?", "how do i become a {n} radiologist?",
                             "what is {n}?"],
            "training": ["How long is {n}?", "What is {n}?", "what comes after {n}?"],
            "credential": ["What is the {n}?", "who needs the {n} exam?"],
            "modality": ["Which careers use {n}?", "what is {n}?", "tell me about {n}"],
            "category": ["What {n} are there?", "tell me about {n}", "how much do {n} pay?"],
        }[kind]
        return rng.choice(templates).format(n=n)

    def script(self) -> list[str | None]:
        """One conversation; None stands for 'answer the interview until it recommends'."""
        rng = self.rng
        r = rng.random()
        if r < 0.25:  # a guided interview, sometimes interrupted by a factual question
            turns: list[str | None] = [rng.choice(SMALLTALK[:2])] if rng.random() < 0.3 else []
            turns += [rng.choice(INTERVIEW_STARTS), None]
            turns += rng.sample(AFTER_RECOMMENDATION, rng.randint(1, 3))
            return turns
        turns = []
        if rng.random() < 0.3:
            turns.append(rng.choice(SMALLTALK))
        for _ in range(rng.randint(2, 7)):
            x = rng.random()
            if x < 0.55:
                text = self.factual()
            elif x < 0.75:
                other = self.name(rng.choice(self.by_type["role"]))
                text = rng.choice(FOLLOW_UPS).format(other=other)
            elif x < 0.85:
                text = rng.choice(OOS)
            elif x < 0.9:
                text = rng.choice(MEDICAL)
            else:
                text = rng.choice(ABOUT_ME)
            if rng.random() < 0.15:
                text = typo_of(text, rng)
            if rng.random() < 0.3:
                text = text.lower().rstrip("?")
            turns.append(text)
        if rng.random() < 0.4:
            turns.append(rng.choice(["thanks", "thank you", "bye"]))
        return turns


_OPTION_LINE = re.compile(r"^\s*(\d+)[.)]\s", re.MULTILINE)


def interview_answer(reply: Any, rng: random.Random) -> str:
    """Answer an interview question: by number mostly, in words sometimes."""
    numbers = [int(n) for n in _OPTION_LINE.findall(reply.text)]
    if numbers and rng.random() < 0.6:
        picks = rng.sample(numbers, min(len(numbers), rng.choice([1, 1, 1, 2])))
        return " and ".join(str(p) for p in picks)
    return rng.choice(FREE_ANSWERS)


@dataclass
class Run:
    timings: list[float]  # wall clock per turn, seconds
    transcripts: list[list[str]]  # what was sent, per conversation (interviews resolved)
    cpu: list[float] = field(default_factory=list)  # this thread's CPU time per turn
    interviews: int = 0
    recommendations: int = 0


def drive(advisor: Any, scripts: list[list[str | None]], rng: random.Random) -> Run:
    """Run conversations, each in its own session, timing every `ask`.

    Wall time is the figure; the thread's CPU time is kept beside it, because on a shared
    machine other processes stretch wall time but not CPU time.
    """
    run = Run([], [])
    timings, cpu = run.timings, run.cpu
    wall: Callable[[], float] = time.perf_counter
    own: Callable[[], float] = time.thread_time
    for script in scripts:
        session = advisor.session()
        sent: list[str] = []
        reply = None

        def ask(text: str, session: Any = session, sent: list[str] = sent) -> Any:
            c0, w0 = own(), wall()
            out = session.ask(text)
            w1, c1 = wall(), own()
            timings.append(w1 - w0)
            cpu.append(c1 - c0)
            sent.append(text)
            return out

        for item in script:
            if item is not None:
                reply = ask(item)
                continue
            run.interviews += 1
            interrupted = False
            for _ in range(16):
                if reply is None or reply.kind == "recommendation" or not session.dialog.active:
                    break
                if not interrupted and rng.random() < 0.15:
                    interrupted = True
                    reply = ask(rng.choice(["how long is radiology residency?",
                                            "what does a sonographer do?"]))
                    continue
                reply = ask(interview_answer(reply, rng))
            else:
                reply = ask("just tell me")
            if reply is not None and reply.kind == "recommendation":
                run.recommendations += 1
        run.transcripts.append(sent)
    return run


def make_scripts(graph: Any, turns: int, seed: int, extra: list[list[str]] | None = None,
                 extra_share: float = 0.0) -> list[list[str | None]]:
    """Conversations until about `turns` turns (interviews counted at ~6 turns each)."""
    w = Workload(graph, seed)
    rng = random.Random(seed + 1)
    scripts: list[list[str | None]] = []
    estimate = 0
    while estimate < turns:
        if extra and rng.random() < extra_share:
            s: list[str | None] = list(rng.choice(extra))
            if rng.random() < 0.3:
                s = [typo_of(t, rng) if t and rng.random() < 0.3 else t for t in s]
        else:
            s = w.script()
        scripts.append(s)
        estimate += sum(6 if t is None else 1 for t in s)
    return scripts


def turn_figures(report: Report, label: str, run: Run, median_target: float | None,
                 p99_target: float | None) -> TurnStats:
    stats, cpu = TurnStats.of(run.timings), TurnStats.of(run.cpu)
    report.add(f"{label}: median turn ({stats.turns} turns)",
               f"≤ {median_target:g} ms" if median_target else "—", f"{stats.median_ms:.4f} ms",
               stats.median_ms <= median_target if median_target else None)
    report.add(f"{label}: p95 turn", "—", f"{stats.p95_ms:.4f} ms")
    report.add(f"{label}: p99 turn", f"≤ {p99_target:g} ms" if p99_target else "—",
               f"{stats.p99_ms:.4f} ms", stats.p99_ms <= p99_target if p99_target else None)
    report.add(f"{label}: mean / max turn", "—", f"{stats.mean_ms:.4f} / {stats.max_ms:.2f} ms")
    report.add(f"{label}: CPU time per turn, median / p99 / mean", "—",
               f"{cpu.median_ms:.4f} / {cpu.p99_ms:.4f} / {cpu.mean_ms:.4f} ms")
    return stats


def best_pass(advisor: Any, scripts: list[list[str | None]], passes: int) -> Run:
    """Time the same conversations `passes` times; keep the pass with the lowest mean.

    As timeit takes the best of its repeats: on a shared machine, other processes only ever
    add time, so the quietest pass is the best estimate of the advisor's own cost.
    """
    drive(advisor, make_scripts(advisor.graph, 300, seed=5), random.Random(5))  # warm-up
    best: Run | None = None
    for _ in range(max(1, passes)):
        gc.collect()
        run = drive(advisor, scripts, random.Random(3))
        if best is None or statistics.fmean(run.timings) < statistics.fmean(best.timings):
            best = run
    assert best is not None
    return best


def per_turn(report: Report, advisor: Any, turns: int, passes: int) -> Run:
    scripts = make_scripts(advisor.graph, turns, seed=11)
    run = best_pass(advisor, scripts, passes)
    stats = turn_figures(report, f"radiology graph (best of {passes})", run, 0.3, 2.0)
    report.data["turns"] = {**stats.__dict__, "cpu": TurnStats.of(run.cpu).__dict__,
                            "interviews": run.interviews, "recommendations": run.recommendations}
    report.add("  interviews run / ended in a recommendation", "—",
               f"{run.interviews} / {run.recommendations}")
    return run


# -- 3 and 4. JSON Lines throughput and peak memory ---------------------------------------------
def jsonl_lines(transcripts: list[list[str]], count: int, interleave: int = 8) -> list[str]:
    """Request lines from recorded conversations, `interleave` sessions open at a time."""
    lines: list[str] = []
    pending = list(enumerate(transcripts))
    cycle = 0
    while len(lines) < count:
        if not pending:
            cycle += 1
            pending = list(enumerate(transcripts))
        group, pending = pending[:interleave], pending[interleave:]
        iters = [(f"c{cycle}-{i}", iter(t)) for i, t in group]
        while iters and len(lines) < count:
            alive = []
            for sid, it in iters:
                text = next(it, None)
                if text is None:
                    continue
                lines.append(json.dumps({"session": sid, "text": text}))
                alive.append((sid, it))
            iters = alive
    return lines


#: Runs the CLI as its child and reports its wall time, CPU time and peak RSS. A small parent
#: matters: a forked child's ru_maxrss starts from its parent's resident size before exec, so
#: forking the CLI from this (large, growing) benchmark process would report our memory.
LAUNCHER = """
import os, resource, subprocess, sys, time

def tree(pid):
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found += tree(int(child))
    except OSError:
        pass
    return found

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

sample = os.environ.pop("BENCH_SAMPLE_MEMORY", "") == "1"
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
peak = 0
while sample and proc.poll() is None:
    peak = max(peak, sum(pss_kib(p) for p in tree(proc.pid)))
    time.sleep(0.005)
code = proc.wait()
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
sys.stderr.write(f"\\nBENCH {code} {elapsed} {usage.ru_maxrss} {cpu} {peak}\\n")
"""


def launch(python: Path, requests: Path, lines: int, tmp: Path, **env: str
           ) -> tuple[float, float, float, float]:
    """One --jsonl run through the real CLI: (seconds, peak KiB of its largest process,
    CPU seconds of all its processes, peak KiB of all its processes' PSS if sampled)."""
    replies, errors = tmp / "replies.jsonl", tmp / "stderr.txt"
    with requests.open("rb") as stdin, replies.open("wb") as stdout, \
            errors.open("wb") as stderr:
        subprocess.run([str(python), "-c", LAUNCHER, str(cli_path(python)), "ask", "--jsonl"],
                       stdin=stdin, stdout=stdout, stderr=stderr,
                       env={**child_env(), **env}, check=False)
    err = errors.read_text(encoding="utf-8", errors="replace")
    out = replies.read_text(encoding="utf-8").splitlines()
    found = re.findall(r"^BENCH (-?\d+) (\S+) (\d+) (\S+) (\d+)$", err, re.MULTILINE)
    code = int(found[-1][0]) if found else -1
    if code != 0 or len(out) != lines:
        raise SystemExit(f"--jsonl run failed: exit {code}, {len(out)} reply "
                         f"lines for {lines} requests\n{err[-2000:]}")
    bad = [o for o in out if "answer" not in json.loads(o)]
    if bad:
        raise SystemExit(f"--jsonl replies without an answer: {bad[:3]}")
    elapsed, maxrss, cpu, pss = found[-1][1:]
    return float(elapsed), float(maxrss), float(cpu), float(pss)


def jsonl_run(report: Report, python: Path, transcripts: list[list[str]], count: int,
              runs: int) -> None:
    """Throughput of `ask --jsonl` (one process) and the memory it holds."""
    lines = jsonl_lines(transcripts, count)
    sessions = len({json.loads(x)["session"] for x in lines})
    with tempfile.TemporaryDirectory() as tmp:
        requests = Path(tmp) / "requests.jsonl"
        requests.write_text("\n".join(lines) + "\n", encoding="utf-8")
        timed = [launch(python, requests, len(lines), Path(tmp)) for _ in range(runs)]
        _, biggest, _, together = launch(python, requests, len(lines), Path(tmp),
                                         BENCH_SAMPLE_MEMORY="1")
    rates = [len(lines) / t[0] for t in timed]
    cpu_rates = [len(lines) / t[2] for t in timed]
    rate = statistics.median(rates)
    pss_mb, biggest_mb = together * 1024 / 1e6, biggest * 1024 / 1e6
    peak = pss_mb if together > 0 else biggest_mb  # /proc/PID/smaps_rollup: Linux 4.14+
    start_ms = report.data.get("cold_start", {}).get("median_ms", {}).get("advisor", 0.0)
    net = len(lines) / max(1e-9, len(lines) / rate - start_ms / 1000)
    report.data["jsonl"] = {"lines": len(lines), "sessions": sessions,
                            "turns_per_s": rate, "all_turns_per_s": rates,
                            "turns_per_cpu_s": cpu_rates, "net_of_start_turns_per_s": net,
                            "peak_mb": peak, "peak_rss_mb": biggest_mb}
    report.add(f"--jsonl throughput ({len(lines)} lines, {sessions} sessions, whole run, "
               f"one process, median of {runs})", "≥ 5000 turns/s", f"{rate:,.0f} turns/s",
               rate >= 5000)
    report.add("  the same, start-up (cold start median) left out / per CPU second", "—",
               f"{net:,.0f} / {statistics.median(cpu_rates):,.0f} turns/s")
    how = "PSS, sampled every 5 ms" if together > 0 else "ru_maxrss"
    report.add(f"peak memory of the --jsonl run ({how})", "≤ 60 MB", f"{peak:.1f} MB",
               peak <= 60)
    report.add("  ru_maxrss of the run", "—", f"{biggest_mb:.1f} MB")


# -- hostile input (issue 14) -------------------------------------------------------------------
def fresh_median_ms(python: Path, every: int) -> float:
    """The median thread CPU time of an ordinary turn never seen before (every `every`-th
    case of the evaluation sets, in a fresh process: `fresh_turns.py`)."""
    done = subprocess.run([str(python), str(HERE / "fresh_turns.py"), "--once", "--every",
                           str(every)], capture_output=True, text=True, check=True,
                          env={**child_env(), "RADIOLOGY_ADVISOR_CACHE": "off"})
    return float(json.loads(done.stdout.strip().splitlines()[-1])["median_ms"])


def hostile_turns(report: Report, advisor: Any, ordinary: TurnStats, ordinary_cpu: TurnStats,
                  mixed: int, fresh_ms: float) -> None:
    """The slowest 2,000-character texts known (and random mixtures of their pieces), each
    against an ordinary turn: a text at the limit must cost a bounded multiple of a question,
    not seconds (2,000 spaces once took 35 s). Every hostile text is a variant never seen
    before, so the bar compares it with ordinary turns never seen before (`fresh_ms`); the
    multiple of the memoised turns of the conversations above is shown beside it."""
    texts = {**PATHOLOGICAL, **{f"mixture {i}": t for i, t in enumerate(mixed_texts(mixed))}}
    worst = worst_turns(advisor, texts)
    seconds, _, name = worst[0]
    ms = seconds * 1000
    cpu_ms, cpu_name = max((c * 1000, n) for _, c, n in worst)
    ratio = ms / max(ordinary.median_ms, 1e-9)
    cpu_ratio = cpu_ms / max(ordinary_cpu.median_ms, 1e-9)
    fresh_ratio = min(ms, cpu_ms) / max(fresh_ms, 1e-9)
    report.data["hostile"] = {"slowest_ms": ms, "slowest": name, "ratio": ratio,
                              "slowest_cpu_ms": cpu_ms, "cpu_ratio": cpu_ratio,
                              "fresh_turn_ms": fresh_ms, "fresh_ratio": fresh_ratio,
                              "all_ms": {n: s * 1000 for s, _, n in worst}}
    report.add(f"slowest 2,000-character turn ({len(texts)} texts: '{name}')", "≤ 50 ms",
               f"{ms:.2f} ms", ms <= 50)
    report.add(f"  the same in thread CPU time ('{cpu_name}')", "—", f"{cpu_ms:.2f} ms")
    report.add(f"  the same, in ordinary turns never seen before (median {fresh_ms:.3f} ms CPU)",
               "≤ 10x", f"{fresh_ratio:.1f}x", fresh_ratio <= 10)
    report.add("  the same, in median memoised turns of the conversations (wall / CPU)", "—",
               f"{ratio:.0f}x / {cpu_ratio:.0f}x")
    report.add("  next slowest", "—",
               ", ".join(f"{n} {s * 1000:.1f} ms" for s, _, n in worst[1:4]))


def flood_memory(report: Report, python: Path, count: int, size: int) -> None:
    """Peak memory (sum of PSS) of `ask --jsonl` over `count` distinct requests of `size`
    bytes, each its own session: what a flood of large distinct input holds."""
    def start(args: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen([str(python), "-c", LAUNCHER, str(cli_path(python)), *args],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                env={**child_env(), "BENCH_SAMPLE_MEMORY": "1"})

    began = time.perf_counter()
    _, replies, err = flood(start, count, size)
    took = time.perf_counter() - began
    found = re.findall(r"^BENCH (-?\d+) (\S+) (\d+) (\S+) (\d+)$", err.decode(), re.MULTILINE)
    if not found or replies != count:
        raise SystemExit(f"flood run failed: {replies} replies for {count} requests\n"
                         f"{err.decode()[-2000:]}")
    code, _, maxrss, _, pss = found[-1]
    peak = (float(pss) or float(maxrss)) * 1024 / 1e6
    report.data["flood"] = {"requests": count, "bytes_each": size, "peak_mb": peak,
                            "seconds": took, "exit": int(code)}
    report.add(f"peak memory, {count:,} distinct {size / 1e6:.1f} MB --jsonl requests (PSS)",
               "< 100 MB", f"{peak:.1f} MB in {took:.0f} s", peak < 100 and int(code) == 0)


# -- 5. load times ------------------------------------------------------------------------------
def load_times(report: Report, repeats: int, knowledge_dir: Path | None = None,
               label: str = "radiology", budget_s: float = 20.0) -> Any:
    """Median `load_graph` and `Advisor()` times; stops early once `budget_s` is spent.

    Returns the last Advisor built, so a slow load is not paid once more for the turns.
    """
    from advisor import Advisor
    from knowledge import load_graph

    graph_t, advisor_t = [], []
    advisor = None
    spent = time.perf_counter()
    while len(advisor_t) < repeats:
        start = time.perf_counter()
        load_graph(knowledge_dir)
        graph_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        advisor = Advisor(knowledge_dir)
        advisor_t.append(time.perf_counter() - start)
        if time.perf_counter() - spent > budget_s:
            break
    g, a = statistics.median(graph_t) * 1000, statistics.median(advisor_t) * 1000
    n = len(advisor_t)
    report.data.setdefault("load_ms", {})[label] = {"load_graph": g, "advisor": a, "runs": n}
    report.add(f"{label}: load_graph (median of {n})", "—", f"{g:.1f} ms")
    report.add(f"{label}: Advisor() construction (median of {n})", "—", f"{a:.1f} ms")
    return advisor


# -- 6. synthetic graphs ------------------------------------------------------------------------
def probe(advisor: Any, probes: list[Probe]) -> tuple[int, list[tuple[Probe, str]]]:
    """Ask each probe in a fresh session; return the number right and the misses."""
    right, misses = 0, []
    for p in probes:
        reply = advisor.session().ask(p.text)
        got = reply.entities[0] if reply.entities else "(none)"
        if got == p.expected:
            right += 1
        else:
            misses.append((p, f"{got} [{reply.intent}]"))
    return right, misses


def synthetic_run(report: Report, scale: int, turns: int, tmp: Path, load_repeats: int,
                  passes: int, profile: bool) -> str | None:
    start = time.perf_counter()
    syn: Synthetic = generate(tmp / f"x{scale}", scale)
    gen_s = time.perf_counter() - start
    label = f"{scale}x graph ({syn.nodes} nodes)"
    log(f"  {label}: generated in {gen_s:.1f} s")
    advisor = load_times(report, load_repeats, syn.knowledge_dir, label)
    edges = len(advisor.graph.edges)
    # Correctness first: a fast wrong answer does not count.
    start = time.perf_counter()
    right, misses = probe(advisor, syn.probes)
    probe_s = time.perf_counter() - start
    accuracy = right / len(syn.probes)
    by_kind: dict[str, list[int]] = {}
    for p in syn.probes:
        by_kind.setdefault(p.kind, [0, 0])[1] += 1
    for p, _ in misses:
        by_kind[p.kind][0] += 1
    report.data.setdefault("synthetic", {})[scale] = {
        "nodes": syn.nodes, "edges": edges, "probes": len(syn.probes), "right": right,
        "accuracy": accuracy, "misses": [(p.text, p.expected, got) for p, got in misses[:50]],
        "miss_by_kind": {k: v for k, v in by_kind.items() if v[0]},
        "probe_ms_per_turn": probe_s / len(syn.probes) * 1000}
    report.add(f"{label}, {edges} relations: probe accuracy", "≥ 95%",
               f"{accuracy:.1%} ({right}/{len(syn.probes)})", accuracy >= 0.95)
    # Turns: the radiology conversations plus conversations about generated nodes.
    scripts = make_scripts(advisor.graph, turns, seed=11, extra=syn.conversations,
                           extra_share=0.4)
    run = best_pass(advisor, scripts, passes)
    stats = turn_figures(report, f"{label} (best of {passes})", run,
                         3.0 if scale >= 100 else None, None)
    report.data["synthetic"][scale]["turns"] = stats.__dict__
    report.data["synthetic"][scale]["cpu"] = TurnStats.of(run.cpu).__dict__
    return profile_turns(advisor, scripts, label) if profile else None


def profile_turns(advisor: Any, scripts: list[list[str | None]], label: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    drive(advisor, scripts, random.Random(3))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    return f"\n== cProfile of the turns on the {label} (cumulative, then own time)\n" + \
        out.getvalue()


# -- 7. imports of the scripted mode ------------------------------------------------------------
def import_costs(report: Report, python: Path, top: int = 12) -> str:
    """Run the scripted mode under -X importtime: check prompt_toolkit stays out, rank costs."""
    cmd = [str(python), "-X", "importtime", "-m", "advisor", "ask", "hi"]
    subprocess.run(cmd, capture_output=True, env=child_env(), check=False)  # write .pyc
    done = subprocess.run(cmd, capture_output=True, cwd=tempfile.gettempdir(), env=child_env(),
                          check=False)
    rows: list[tuple[int, int, str]] = []  # (own us, cumulative us, module)
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    pt = [name for _, _, name in rows if name.split(".")[0] == "prompt_toolkit"]
    report.add("scripted mode imports prompt_toolkit (`-X importtime -m advisor ask hi`)",
               "no", f"yes ({len(pt)} modules)" if pt else "no", not pt)
    total = sum(r[0] for r in rows)
    groups: dict[str, int] = {}
    for own, _, name in rows:
        groups[name.split(".")[0]] = groups.get(name.split(".")[0], 0) + own
    lines = [f"imports of `python -X importtime -m advisor ask hi`: {len(rows)} modules, "
             f"{total / 1000:.1f} ms of import time in all",
             "  by top-level package (sum of the modules' own time):"]
    lines += [f"    {us / 1000:7.2f} ms  {name}"
              for name, us in sorted(groups.items(), key=lambda kv: -kv[1])[:top]]
    lines.append("  costliest single modules (own time):")
    lines += [f"    {own / 1000:7.2f} ms  {name}"
              for own, _, name in sorted(rows, key=lambda r: -r[0])[:top]]
    report.data["imports"] = {"modules": len(rows), "total_ms": total / 1000,
                              "by_package_ms": {k: v / 1000 for k, v in groups.items()},
                              "prompt_toolkit": pt}
    return "\n".join(lines)


# -- main ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a ~20 s smoke variant")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of the turns on the largest synthetic graph")
    parser.add_argument("--scales", help="synthetic graph sizes, times the radiology graph "
                        "(default 10,100; 10 with --quick)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = 7 if quick else 15
    turns = 2000 if quick else 4000
    jsonl_count = 5000
    jsonl_runs = 1 if quick else 3
    load_repeats = 3 if quick else 15
    syn_turns = 1000 if quick else 3000
    passes = 1 if quick else 3
    scales = [int(s) for s in (args.scales or ("10" if quick else "10,100")).split(",")
              if s.strip()]

    python = venv_python()
    print(machine())
    print(f"interpreter: {python}")
    started = time.perf_counter()
    report = Report()

    log("cold start ...")
    cold_start(report, python, runs)
    log("imports ...")
    imports = import_costs(report, python)
    log("load times ...")
    advisor = load_times(report, load_repeats)
    log("turns on the radiology graph ...")
    run = per_turn(report, advisor, turns, passes)
    log("hostile input ...")
    hostile_turns(report, advisor, TurnStats.of(run.timings), TurnStats.of(run.cpu),
                  20 if quick else 60, fresh_median_ms(python, 8 if quick else 2))
    flood_memory(report, python, 1000, 990_000)
    log("--jsonl throughput and memory ...")
    jsonl_run(report, python, run.transcripts, jsonl_count, jsonl_runs)
    profile = ""
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as tmp:
        for i, scale in enumerate(scales):
            log(f"synthetic {scale}x ...")
            profile = synthetic_run(report, scale, syn_turns, Path(tmp),
                                    max(1, load_repeats // (3 if scale >= 100 else 1)), passes,
                                    args.profile and i == len(scales) - 1) or profile

    print()
    print(report.table())
    print()
    print(imports)
    if profile:
        print(profile)
    for scale, data in report.data.get("synthetic", {}).items():
        if data["misses"]:
            print(f"\n{scale}x probe misses (first {min(10, len(data['misses']))} of "
                  f"{data['probes'] - data['right']}):")
            for text, expected, got in data["misses"][:10]:
                print(f"  {text!r}: expected {expected}, got {got}")
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; "
          "load average at the end {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.json:
        Path(args.json).write_text(json.dumps(report.data, indent=2, default=str))
    if report.failures:
        print("\nTARGETS MISSED:")
        for row in report.failures:
            print(f"  {row.figure}: {row.measured} (target {row.target})")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
