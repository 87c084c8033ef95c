"""Replies drawn for a terminal: wrapped text, comparison tables, pathway timelines.

Output is a list of (style, text) segments, the shape prompt_toolkit's FormattedText takes,
so the REPL can colour it while this module stays free of prompt_toolkit and easy to test;
`plain()` joins the text for uncoloured output.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

from knowledge import CAREER_TYPES, Duration, Graph, Node, Pathway

from .reply import Reply
from .textsafe import safe_text as safe_text  # the chat imports it from here

Segment = tuple[str, str]

FULL, LIGHT = "█", "░"
ASCII_FULL, ASCII_LIGHT = "#", "-"
MAX_TEXT_WIDTH = 100


def terminal_width(default: int = 80) -> int:
    """The terminal's width in columns (80 when unknown), never absurdly small."""
    return max(20, shutil.get_terminal_size((default, 24)).columns)


def plain(segments: Sequence[Segment]) -> str:
    """The text of segments without styles."""
    return "".join(text for _style, text in segments)


def wrap(text: str, width: int) -> str:
    """Word-wrap each line, keeping indentation and hanging bullets ('• ', '1. ') aligned."""
    width = max(20, min(width, MAX_TEXT_WIDTH))
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        stripped = line.lstrip(" ")
        indent = " " * (len(line) - len(stripped))
        hang = indent
        head = stripped.split(" ", 1)[0]
        if head in {"•", "-", "*", "◦"} or (head[:-1].isdigit() and head[-1:] in ".)"):
            hang = indent + " " * (len(head) + 1)
        out.append(textwrap.fill(stripped, width, initial_indent=indent,
                                 subsequent_indent=hang, break_on_hyphens=False))
    return "\n".join(out)


# -- timelines ------------------------------------------------------------------------------
def _years(duration: Duration) -> tuple[float, float]:
    factor = 1 / 12 if duration.unit == "month" else 1.0
    return duration.low * factor, duration.high * factor


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def timeline(pathway: Pathway, width: int | None = None, *,
             ascii_only: bool = False) -> list[Segment]:
    """A pathway as rows of bars scaled to years: solid for sure years, light for a range.

    `Medical school     ████████ 4 y`; a step of unstated length shows '?', a credential a
    diamond, and a last row gives the total. Empty when the pathway has no steps.
    """
    if not pathway.steps:
        return []
    width = max(30, width or terminal_width())
    full, light = (ASCII_FULL, ASCII_LIGHT) if ascii_only else (FULL, LIGHT)
    labels = [safe_text(step.label) for step in pathway.steps]
    label_w = min(max(len(lab) for lab in [*labels, "Total"]), max(14, width // 3))
    spans = [_years(s.duration) for s in pathway.steps if s.duration is not None]
    if pathway.total is not None:
        spans.append(_years(pathway.total))
    longest = max((high for _low, high in spans), default=0.0)
    room = width - label_w - 2 - 9  # label, gap, ' 10–11 y'
    per_year = min(4.0, max(0.25, room / longest)) if longest else 0.0

    def bar(duration: Duration) -> list[Segment]:
        low, high = _years(duration)
        solid = max(1, round(low * per_year)) if low > 0 else 0
        extra = max(0, round(high * per_year) - solid)
        if high > low and extra == 0:
            extra = 1
        return [("class:bar", full * solid), ("class:bar.range", light * extra),
                ("", f" {duration.short()}")]

    segs: list[Segment] = [("class:heading", f"Pathway to {safe_text(pathway.target.name)}"),
                           ("", "\n")]
    for step, label in zip(pathway.steps, labels, strict=True):
        segs.append(("", f"{_clip(label, label_w):<{label_w}}  "))
        if step.duration is not None:
            segs.extend(bar(step.duration))
        elif step.type == "credential":
            segs.append(("class:dim", "◆ credential" if not ascii_only else "* credential"))
        else:
            segs.append(("class:dim", "? (length not stated)"))
        segs.append(("", "\n"))
    segs.append(("", f"{'Total':<{label_w}}  "))
    if pathway.total is not None:
        segs.extend(bar(pathway.total))
        if pathway.unstated:
            n = len(pathway.unstated)
            segs.append(("class:dim", f"\n{'':<{label_w}}  + {n} step{'s' if n != 1 else ''} "
                                      "of unstated length"))
    else:
        segs.append(("class:dim", "? (the source gives no lengths)"))
    segs.append(("", "\n"))
    return segs


def career_of(reply: Reply, graph: Graph) -> Node | None:
    """The first career a reply is about, for drawing its pathway."""
    for node_id in (*reply.entities, *reply.listed):
        node = graph.get(node_id)
        if node is not None and node.type in CAREER_TYPES:
            return node
    return None


# -- tables ---------------------------------------------------------------------------------
def _column_widths(natural: list[int], floors: list[int], available: int) -> list[int]:
    """Fit columns into `available` by narrowing the widest first, never below its floor
    (its longest word, up to 16), so short columns keep their width and words stay whole."""
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        candidates = [i for i, w in enumerate(widths) if w > floors[i]]
        if not candidates:
            break  # too narrow to fit: let the terminal wrap rather than shred words
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def table(rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Rows (the first is the header) as aligned columns that fit `width`, cells wrapped."""
    if not rows:
        return ""
    width = max(30, width or terminal_width())
    ncols = max(len(r) for r in rows)
    grid = [[safe_text(str(c)).replace("\n", " ") for c in r] + [""] * (ncols - len(r))
            for r in rows]
    sep = " │ "
    natural = [max(1, *(len(r[i]) for r in grid)) for i in range(ncols)]
    floors = [min(16, max((len(word) for r in grid for word in r[i].split()), default=1))
              for i in range(ncols)]
    available = width - len(sep) * (ncols - 1)
    if sum(floors) > available:
        return _stacked(grid, width)
    widths = _column_widths(natural, floors, available)
    wrapped = [[textwrap.wrap(cell, w, break_long_words=True, break_on_hyphens=False) or [""]
                for cell, w in zip(row, widths, strict=True)] for row in grid]
    # When body cells wrap, a blank line between rows shows where one row ends.
    spaced = any(len(cell) > 1 for row in wrapped[1:] for cell in row)
    lines: list[str] = []
    for index, cells in enumerate(wrapped):
        if index > 1 and spaced:
            lines.append("")
        for k in range(max(len(c) for c in cells)):
            parts = [(c[k] if k < len(c) else "").ljust(w)
                     for c, w in zip(cells, widths, strict=True)]
            lines.append(sep.join(parts).rstrip())
        if index == 0:
            lines.append("─┼─".join("─" * w for w in widths))
    return "\n".join(lines)


def _stacked(grid: list[list[str]], width: int) -> str:
    """A table too wide for the terminal, one column at a time: 'label: value' lines."""
    header, body = grid[0], grid[1:]
    lines: list[str] = []
    for col in range(1, len(header)):
        if lines:
            lines.append("")
        lines.append(textwrap.fill(header[col] or f"column {col}", width,
                                   break_on_hyphens=False))  # a long heading wraps too
        for row in body:
            label = f"{row[0]}: " if row[0] else ""
            lines.append(textwrap.fill(label + row[col], width, initial_indent="  ",
                                       subsequent_indent="    ", break_on_hyphens=False))
    return "\n".join(lines)


# -- whole replies --------------------------------------------------------------------------
def source_lines(reply: Reply, width: int) -> list[Segment]:
    """A dim 'Source: Technical and Allied Health Careers › Sonographer' line naming each
    section the reply quotes."""
    shown = list(dict.fromkeys(s.shown() for s in reply.sources))
    if not shown:
        return []
    return [("class:dim", wrap(safe_text("Source: " + "; ".join(shown)), width) + "\n")]


def render_reply(reply: Reply, graph: Graph, *, width: int | None = None, explain: bool = False,
                 ascii_only: bool = False, sources: bool = False) -> list[Segment]:
    """A reply for the chat: text (a comparison as a table), a timeline where it helps,
    where it comes from (`sources`), and the explanation when asked for."""
    width = width or terminal_width()
    text = safe_text(reply.text)
    segs: list[Segment] = []
    if len(reply.table) >= 2:
        blocks = text.split("\n\n")
        heading = blocks[0].split("\n", 1)[0]
        segs += [("class:heading", wrap(heading, width)), ("", "\n"),
                 ("", table(reply.table, width)), ("", "\n")]
        for block in blocks[1:]:
            segs += [("", "\n" + wrap(block, width) + "\n")]
    else:
        style = "class:fallback" if reply.fallback else ""
        segs.append((style, wrap(text, width) + "\n"))
    if reply.kind == "recommendation" or reply.intent == "duration":
        node = career_of(reply, graph)
        if node is not None:
            pathway = graph.pathway(node.id)
            if len(pathway.steps) > 1 or pathway.total is not None:
                segs += [("", "\n"), *timeline(pathway, width, ascii_only=ascii_only)]
    if sources:
        segs += source_lines(reply, width)
    if explain:
        why = "\n".join("  " + line for line in safe_text(str(reply.explain)).split("\n"))
        segs.append(("class:dim", "\nwhy:\n" + why + "\n"))
    return segs
