"""Held-out evaluation sets in the shared format, scored from outside like the real evaluation.

The shared scorer (a verbatim copy of ../shared/eval/score.py in tests/eval/shared/, so the
sets are scored from a plain clone too) drives the real command line
in its JSON Lines mode over every case. Each set was written by someone who had not seen the
advisor's tuning data; the pass rate when it was first run is kept below as the honest estimate
of how the advisor generalises, and the floor guards what was reached since (measured now less
a margin). The sets' own shape (ids, kinds, scored turns) is checked without the scorer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import env_for

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT / "tests" / "eval" / "shared" / "score.py"
TIMEOUT = 300

# file, id prefix, pass rate when first run (fresh), floor now
SETS = [
    ("heldout.yaml", "ho-", 132 / 181, 0.90),
    ("heldout2.yaml", "h2-", 122 / 150, 0.90),
    ("heldout3.yaml", "h3-", 116 / 140, 0.90),
    ("heldout4.yaml", "h4-", 124 / 150, 0.90),
    ("heldout5.yaml", "h5-", 98 / 120, 0.90),
    ("heldout6.yaml", "h6-", 84 / 100, 0.90),
    ("heldout7.yaml", "h7-", 88 / 100, 0.90),
    ("heldout8.yaml", "h8-", 75 / 80, 0.90),
    ("heldout9.yaml", "h9-", 70 / 80, 0.90),
]
# Blind sets written for issues 11 and 12 (tests/eval/blind/), each in one style by a helper
# who saw only the source document and the brief: file, id prefix, pass rate on its first run
# (the honest figure; the README's quality table), floor now (measured at the end of the
# session that wrote them, less a margin). The first three were run first before the redesign
# (phone) or in the middle of it (multi, nearscope) and were then used to find failure classes.
BLIND = [
    ("blind/phone.yaml", "ph-", 104 / 130, 0.92),
    ("blind/multi.yaml", "mq-", 76 / 125, 0.87),
    ("blind/nearscope.yaml", "ns-", 83 / 125, 0.93),
    ("blind/conversations.yaml", "cv-", 78 / 120, 0.85),
    ("blind/parents.yaml", "pa-", 108 / 120, 0.92),
    ("blind/clinicians.yaml", "cl-", 97 / 120, 0.91),
    ("blind/journeys_a.yaml", "ja-", 37 / 45, 0.93),
    ("blind/journeys_b.yaml", "jb-", 46 / 60, 0.91),
    ("blind/journeys_c.yaml", "jc-", 33 / 45, 0.93),
    # written 2026-12-07 before that session's work, first run at its end (commit 9c99cfc)
    ("blind/forum.yaml", "fo-", 105 / 130, 0.91),
    ("blind/nonnative.yaml", "nn-", 106 / 130, 0.90),
    ("blind/mixed.yaml", "mx-", 110 / 130, 0.90),
    ("blind/journeys_d.yaml", "jd-", 37 / 45, 0.93),
    ("blind/journeys_e.yaml", "je-", 44 / 45, 0.95),
    # fidelity (issue 13), written from the document alone in the independent audits' style
    # (covered points, silent points, traps) before its answers were seen; first run at 2bc791b
    ("blind/fidelity.yaml", "hf-", 55 / 66, 0.90),
    # written at the start of the third session (2026-12-07 03:55), sealed, first run at its
    # end (commit 7e481a6), then kept as floors
    ("blind/phone3.yaml", "ph3-", 118 / 130, 0.91),
    ("blind/parents3.yaml", "pa3-", 111 / 130, 0.90),
    ("blind/clinicians3.yaml", "cl3-", 114 / 130, 0.90),
    ("blind/journeys_f.yaml", "jf-", 42 / 45, 0.91),
    ("blind/journeys_g.yaml", "jg-", 41 / 45, 0.88),
    # written at the start of the fifth session (2026-12-07 12:00) in three styles not used
    # before, sealed, first run once at commit 62f40be, then kept as floors
    ("blind/selfdesc.yaml", "selfdesc-", 101 / 130, 0.74),
    ("blind/students.yaml", "students-", 111 / 130, 0.82),
    ("blind/changers.yaml", "changers-", 115 / 130, 0.85),
    # written at 13:15 the same session in two more new styles, sealed, run once at e2d441b
    ("blind/terse.yaml", "terse-", 115 / 130, 0.85),
    ("blind/counsel.yaml", "counsel-", 115 / 130, 0.85),
    # probes in the same three styles written the same morning and read to find classes of
    # failure (first run when each arrived, at 802565a+ and 6667f13): seen, so floors only
    ("blind/probe5.yaml", "probe5-", 119 / 150, 0.85),
    ("blind/probe6.yaml", "probe6-", 122 / 150, 0.86),
    # written at the start of the sixth session (2026-12-07 14:15) in three styles not used
    # before (journalists and report writers, people weighing options, emails), sealed, run
    # once at 62cb6c2, then kept as floors
    ("blind/reporters.yaml", "reporters-", 118 / 130, 0.87),
    ("blind/weighers.yaml", "weighers-", 84 / 130, 0.73),
    ("blind/emails.yaml", "emails-", 111 / 130, 0.85),
    # written at 15:08 the same session in three more new styles (quiz and worksheet items,
    # British and Commonwealth English, rambling messages), sealed, run once at 9f9a0be
    ("blind/quiz.yaml", "quiz-", 104 / 130, 0.81),
    ("blind/british.yaml", "british-", 114 / 130, 0.87),
    ("blind/rambling.yaml", "rambling-", 109 / 130, 0.81),
    # written at 15:30 the same session in three more new styles (recruiters, children,
    # job-interview preparation), sealed, run once at db4734e
    ("blind/recruiters.yaml", "recruiters-", 112 / 130, 0.83),
    ("blind/kids.yaml", "kids-", 96 / 130, 0.72),
    ("blind/interviewprep.yaml", "interviewprep-", 112 / 130, 0.83),
    # probes written the same hour in two more styles (dictated questions, skeptics) and read
    # to find classes of failure: seen, so floors only
    ("blind/probe7.yaml", "probe7-", 109 / 130, 0.9),
    ("blind/probe8.yaml", "probe8-", 99 / 130, 0.76),
    # written at the start of the seventh session (2026-12-07 16:27) in three styles not used
    # before (imperative commands to an assistant, hypotheticals, anxious people), sealed,
    # run once at 7049157, then kept as floors
    ("blind/commands.yaml", "commands-", 121 / 130, 0.9),
    ("blind/whatif.yaml", "whatif-", 111 / 130, 0.88),
    ("blind/worried.yaml", "worried-", 121 / 130, 0.9),
    # written at 17:26 the same session in three more new styles (social-media posts, glossary
    # questions, mixed-up names and terms), sealed, run once at 1c71bf1, then kept as floors
    ("blind/social.yaml", "social-", 120 / 130, 0.9),
    ("blind/glossary.yaml", "glossary-", 120 / 130, 0.9),
    ("blind/mixups.yaml", "mixups-", 99 / 130, 0.82),
    # written at 17:55 the same session in three more new styles (sarcastic people, short
    # follow-ups, adults starting late), sealed, run once at e49438d, then kept as floors
    ("blind/sarcastic.yaml", "sarcastic-", 112 / 130, 0.84),
    ("blind/shortchat.yaml", "shortchat-", 93 / 130, 0.78),
    ("blind/latestart.yaml", "latestart-", 109 / 130, 0.82),
    # written at the start of the eighth session (2026-12-07 19:00) in three styles not used
    # before (careers-fair walk-ups, military veterans, people shaped by a constraint),
    # sealed, run once at ddbc11e, then kept as floors
    ("blind/fair.yaml", "fair-", 116 / 130, 0.87),
    ("blind/veterans.yaml", "veterans-", 117 / 130, 0.88),
    ("blind/constraints.yaml", "constraints-", 111 / 130, 0.83),
    # written at 20:05 the same session in three more new styles (pop culture, hospital support
    # staff, step-by-step planners), sealed, run once at 994ac5d, then kept as floors
    ("blind/popculture.yaml", "popculture-", 122 / 130, 0.92),
    ("blind/support.yaml", "support-", 116 / 130, 0.87),
    ("blind/planners.yaml", "planners-", 110 / 130, 0.82),
    # written at 20:22 the same session in three more new styles (why-askers, students
    # shadowing in a department, tech hobbyists), sealed, run once at 9e5ca67, kept as floors
    ("blind/whyaskers.yaml", "whyaskers-", 115 / 130, 0.86),
    ("blind/shadowing.yaml", "shadowing-", 110 / 130, 0.82),
    ("blind/techies.yaml", "techies-", 115 / 130, 0.86),
    # written at 20:39 the same session in three more new styles (settling debates, workers
    # from neighbouring health jobs, rankers), sealed, run once at bc73371, kept as floors
    ("blind/debates.yaml", "debates-", 110 / 130, 0.82),
    ("blind/adjacent.yaml", "adjacent-", 106 / 130, 0.79),
    ("blind/rankers.yaml", "rankers-", 106 / 130, 0.79),
    # written in the ninth session (2026-12-07, 21:30) in three new styles (note form, people
    # saying what they will not do, quoted job ads and brochures), sealed, run once at 5d2e01a,
    # kept as floors
    ("blind/notes.yaml", "notes-", 112 / 130, 0.85),
    ("blind/exclusions.yaml", "exclusions-", 107 / 130, 0.81),
    ("blind/adquotes.yaml", "adquotes-", 107 / 130, 0.81),
    # written at 22:00 the same session in three more new styles (homework assignments,
    # grandparents, trade-offs), sealed, run once at 5e79896, kept as floors
    ("blind/homework.yaml", "homework-", 108 / 130, 0.82),
    ("blind/elders.yaml", "elders-", 100 / 130, 0.76),
    ("blind/tradeoffs.yaml", "tradeoffs-", 105 / 130, 0.8),
    # written at 22:30 the same session in three more new styles (athletes and coaches,
    # code-switching bilingual speakers, hospital managers), sealed, run once at 96a3949
    ("blind/athletes.yaml", "athletes-", 107 / 130, 0.81),
    ("blind/codeswitch.yaml", "codeswitch-", 92 / 130, 0.7),
    ("blind/managers.yaml", "managers-", 105 / 130, 0.8),
    # written in the tenth session (2026-12-08, 00:05) in three new styles (Gen Z slang,
    # autocorrect mishaps, money-minded bottom-line askers), sealed, run once at 46c7035
    ("blind/genz.yaml", "genz-", 109 / 130, 0.84),
    ("blind/autocorrect.yaml", "autocorrect-", 104 / 130, 0.78),
    ("blind/bottomline.yaml", "bottomline-", 109 / 130, 0.82),
    # written at 01:15 the same session in more new styles (machine-translated messages,
    # myths and things heard, personality first), sealed, run once at db31831
    ("blind/translated.yaml", "translated-", 110 / 130, 0.84),
    ("blind/myths.yaml", "myths-", 91 / 130, 0.7),
    ("blind/personality.yaml", "personality-", 112 / 130, 0.85),
    # written at 01:30 the same session in three more new styles (indirect questions, writers
    # researching a character, hedged and double negatives), sealed, run once at 1961271
    ("blind/indirect.yaml", "indirect-", 124 / 130, 0.94),
    ("blind/writers.yaml", "writers-", 99 / 130, 0.75),
    ("blind/negatives.yaml", "negatives-", 112 / 130, 0.85),
    # written at 02:25 on 2026-12-08 in three more new styles (people correcting themselves,
    # spelling by ear, asking through analogies), sealed, run once at 462d363
    ("blind/selfcorrect.yaml", "selfcorrect-", 118 / 130, 0.9),
    ("blind/phonetic.yaml", "phonetic-", 107 / 130, 0.82),
    ("blind/analogies.yaml", "analogies-", 82 / 130, 0.7),
    # written at 02:55 the same session in three more new styles (insiders' acronyms,
    # planning ages and dates, role-play set-ups), sealed, run once at 0a4de39
    ("blind/acronyms.yaml", "acronyms-", 98 / 130, 0.74),
    ("blind/timelines.yaml", "timelines-", 106 / 130, 0.8),
    ("blind/roleplay.yaml", "roleplay-", 113 / 130, 0.85),
    # written at 03:30 the same session in more new styles (idioms and figures of speech,
    # asking on behalf of a friend, health and life circumstances), sealed, run once at 44a7d37
    ("blind/idioms.yaml", "idioms-", 103 / 130, 0.78),
    ("blind/forafriend.yaml", "forafriend-", 111 / 130, 0.84),
    ("blind/circumstances.yaml", "circumstances-", 104 / 130, 0.78),
    # probes written the same session (conditional questions; yes/no fact checks) and read to
    # find classes of failure (first run at 1ca0028): seen, so floors only
    ("blind/probe9.yaml", "probe9-", 108 / 130, 0.85),
    ("blind/probe10.yaml", "probe10-", 117 / 130, 0.9),
]
# The project's development sets (copies of shared/eval, tests/eval/shared/SOURCE.md): they were
# tuned on, so their pass rate is no estimate; the floor guards against regressions (dev.yaml
# must stay whole). file, -, pass rate when vendored (2026-12-07), floor.
DEV = [
    ("shared/dev.yaml", "", 68 / 69, 1.0),
    ("shared/dev-realistic.yaml", "", 63 / 80, 0.86),
]
KINDS = {"fact", "paraphrase", "typo", "context", "oos", "persona", "smalltalk", "interview"}
SCORED_KEYS = ("expect", "forbid", "first", "fallback")


def load_cases(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / "tests" / "eval" / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def advisor_command() -> list[str]:
    """The installed console script when there is one, else the same CLI as a module."""
    script = Path(sys.executable).with_name("radiology-advisor")
    if script.exists():
        return [str(script), "ask", "--jsonl"]
    return [sys.executable, "-m", "advisor", "ask", "--jsonl"]


@pytest.mark.parametrize(("name", "prefix", "first_run", "floor"), SETS)
def test_heldout_set_is_well_formed(name: str, prefix: str, first_run: float,
                                    floor: float) -> None:
    cases = load_cases(name)
    assert len(cases) >= 80
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert all(i.startswith(prefix) for i in ids)
    kinds = Counter(case["kind"] for case in cases)
    assert set(kinds) == KINDS, kinds
    for case in cases:
        turns = case["turns"]
        assert turns and all(isinstance(t.get("say"), str) and t["say"].strip() for t in turns)
        assert any(k in turns[-1] for k in SCORED_KEYS), f"{case['id']}: last turn not scored"
        if case["kind"] == "oos":
            assert turns[-1].get("fallback") is True, case["id"]
        if case["kind"] in ("persona", "interview"):
            first = turns[-1]["first"]
            assert first["want"] and first["among"], case["id"]
        for t in turns:
            for group in t.get("expect", []):
                assert isinstance(group, list) and group and all(isinstance(a, str) for a in group)


@pytest.mark.parametrize(("name", "prefix", "first_run", "floor"), BLIND)
def test_blind_set_is_well_formed(name: str, prefix: str, first_run: float,
                                  floor: float) -> None:
    cases = load_cases(name)
    ids = [case["id"] for case in cases]
    assert len(ids) >= 45 and len(ids) == len(set(ids)) and all(i.startswith(prefix) for i in ids)
    for case in cases:
        assert case["kind"] in KINDS, case["id"]
        assert any(k in case["turns"][-1] for k in SCORED_KEYS), case["id"]


@pytest.mark.parametrize(("name", "prefix", "first_run", "floor"), [*SETS, *BLIND, *DEV])
def test_heldout_pass_rate(tmp_path: Path, name: str, prefix: str, first_run: float,
                           floor: float) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--verbose", "--json", str(ROOT / "tests" / "eval" / name),
         "--", *advisor_command()],
        capture_output=True, text=True, cwd=ROOT, env=env_for(tmp_path), timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["cases"] == len(load_cases(name))
    rate = summary["passed"] / summary["cases"]
    by_kind = {k: f"{p}/{n}" for k, (p, n) in summary["by_kind"].items()}
    failures = "\n".join(line for line in lines if line.startswith("FAIL"))
    assert rate >= floor, (
        f"{name}: pass rate {rate:.1%} < floor {floor:.0%} (first run {first_run:.1%}); "
        f"by kind {by_kind}\n{failures[-6000:]}"
    )
