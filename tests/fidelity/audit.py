"""Fidelity audit: ask the installed advisor every question of questions.txt and record the
answers beside the judgements made of them against the source document.

    python tests/fidelity/audit.py            # ask, write answers.yaml, merge into audit.yaml
    python tests/fidelity/audit.py --counts   # only count the verdicts of audit.yaml

Each question goes to `radiology-advisor ask --jsonl` in a session of its own. Judgements
(judgements.yaml: question -> [verdict, note]) are made by a person reading each answer
strictly against knowledge/radiology/source.md; verdicts: correct, misses_point (correct but
misses the point asked, or does not say the document is silent), dump, wrong, invented.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VERDICTS = ("correct", "misses_point", "dump", "wrong", "invented")


def questions() -> list[tuple[str, str]]:
    """(section, question) pairs of questions.txt, '# Section' lines naming the section."""
    out, section = [], ""
    for line in (HERE / "questions.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ").strip()
        elif line.strip():
            out.append((section, line.strip()))
    return out


def ask(pairs: list[tuple[str, str]]) -> list[dict[str, object]]:
    requests = "".join(json.dumps({"session": str(i), "text": q}) + "\n"
                       for i, (_s, q) in enumerate(pairs))
    done = subprocess.run(["radiology-advisor", "ask", "--jsonl"], input=requests, text=True,
                          capture_output=True, check=False)
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    by_session = {r["session"]: r for r in replies}
    return [{"section": s, "question": q, "answer": by_session[str(i)]["answer"],
             "sources": [f"{x['section']}: {x['quote']}" for x in by_session[str(i)]["sources"]]}
            for i, (s, q) in enumerate(pairs)]


def main() -> int:
    judged_path = HERE / "judgements.yaml"
    judged = yaml.safe_load(judged_path.read_text(encoding="utf-8")) if judged_path.exists() \
        else {}
    if "--counts" not in sys.argv:
        rows = ask(questions())
        (HERE / "answers.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True,
                                                          sort_keys=False, width=100),
                                           encoding="utf-8")
        audit = []
        for row in rows:
            verdict, note = (judged.get(row["question"]) or ["unjudged", ""])
            audit.append({**row, "verdict": verdict, "note": note})
        (HERE / "audit.yaml").write_text(yaml.safe_dump(audit, allow_unicode=True,
                                                        sort_keys=False, width=100),
                                         encoding="utf-8")
    audit = yaml.safe_load((HERE / "audit.yaml").read_text(encoding="utf-8"))
    counts = Counter(row["verdict"] for row in audit)
    total = len(audit)
    for verdict in (*VERDICTS, "unjudged"):
        if counts[verdict]:
            print(f"{verdict:13} {counts[verdict]:4}  ({100 * counts[verdict] / total:.1f}%)")
    print(f"{'total':13} {total:4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
