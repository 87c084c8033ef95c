"""The chat as people use it: the conversation logic (Chat), completion, rendering, the files
it writes, the prompt loop in-process (pipe input), and the real program in a pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from advisor import Advisor, render, storage
from advisor.render import plain
from advisor.repl import (
    COMMANDS,
    Chat,
    ChatCompleter,
    color_wanted,
    open_history,
    question_options,
    run_repl,
    transcript_markdown,
)
from knowledge import Duration, Node, Pathway

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


@pytest.fixture
def chat(adv: Advisor) -> Chat:
    return Chat(adv, width=lambda: 100)


def say(chat: Chat, line: str) -> str:
    return plain(chat.handle(line))


def start_interview(chat: Chat) -> str:
    text = say(chat, "help me choose a career in radiology")
    assert chat.session.dialog.active, text
    return text


# -- Chat: answers, commands -----------------------------------------------------------------
def test_welcome_says_what_it_does_with_three_examples(chat: Chat) -> None:
    text = plain(chat.welcome())
    assert "radiology-advisor" in text and "/help" in text and "Ctrl-D" in text
    examples = [line for line in text.splitlines() if line.startswith("  • ")]
    assert len(examples) == 3
    assert all(line.rstrip().endswith(("?", "radiology")) for line in examples)


def test_question_gets_an_answer(chat: Chat) -> None:
    text = say(chat, "What does a sonographer do?")
    assert "sonograph" in text.lower()
    assert chat.session.context.topic == ("sonographer",)
    assert say(chat, "   ") == ""


def test_help_lists_every_command_and_the_overwrite_rule(chat: Chat) -> None:
    text = say(chat, "/help")
    for command in COMMANDS:
        assert command in text
    assert "--force" in text and "never overwritten" in text
    assert say(chat, "/?") == text


def test_unknown_command_lists_commands(chat: Chat) -> None:
    text = say(chat, "/sav x.json")
    assert text.startswith("unknown command '/sav' (did you mean '/save'?)")
    for command in COMMANDS:
        assert command in text
    assert "unknown command '/zzz'." in say(chat, "/zzz")


def test_bad_command_arguments_explain_usage(chat: Chat) -> None:
    assert say(chat, "/explain maybe") == "usage: /explain on|off\n"
    assert say(chat, "/save") == "usage: /save FILE [--force]\n"
    assert say(chat, "/load a b") == "usage: /load FILE\n"
    assert say(chat, "/load x --force") == "usage: /load FILE\n"
    assert say(chat, "/help me") == "/help takes no arguments\n"
    assert "cannot read that command" in say(chat, '/save "unclosed')


def test_explain_on_and_off(chat: Chat) -> None:
    assert "explain is off" in say(chat, "/explain")
    assert "explain on" in say(chat, "/explain on")
    assert "explain on" in chat.toolbar()
    text = say(chat, "What does a sonographer do?")
    assert "why:" in text and "intent: " in text
    say(chat, "/explain OFF")
    assert "why:" not in say(chat, "What does a radiologist do?")


def test_restart_forgets_the_conversation(chat: Chat) -> None:
    say(chat, "What does a sonographer do?")
    old = chat.session
    assert "new conversation" in say(chat, "/restart")
    assert chat.session is not old and chat.session.transcript == []
    assert chat.session.context.topic == ()


def test_quit_words(chat: Chat) -> None:
    say(chat, "/quit")
    assert chat.done
    for word in ("exit", "QUIT", "/exit", "/q"):
        chat.done = False
        say(chat, word)
        assert chat.done, word


# -- the interview: options, progress, /back -------------------------------------------------
def test_interview_progress_options_and_back(chat: Chat) -> None:
    first = start_interview(chat)
    assert chat.options and all(o in first for o in chat.options)
    assert re.match(r" question 1 of \d+ · ", chat.toolbar())
    second = say(chat, "2")
    assert second != first
    assert re.match(r" question 2 of \d+", chat.toolbar())
    assert chat.options and chat.options[0] not in first
    again = say(chat, "/back")
    assert re.match(r" question 1 of \d+", chat.toolbar())
    assert chat.options[0] in again
    # a factual question in the middle is answered and the question comes back
    aside = say(chat, "what does a thoracic radiologist do?")
    assert "chest" in aside.lower() and chat.options[0] in aside
    assert "topic: Thoracic Radiology" in chat.toolbar()


def test_back_without_interview(chat: Chat) -> None:
    assert "No interview in progress" in say(chat, "/back")


def test_interview_to_recommendation_draws_a_timeline(chat: Chat) -> None:
    start_interview(chat)
    text = ""
    for _ in range(12):
        text = say(chat, "1")
        if not chat.session.dialog.active:
            break
    assert not chat.session.dialog.active
    assert chat.last is not None and chat.last.kind == "recommendation"
    assert "Pathway to " in text and "Total" in text
    assert chat.options == ()
    assert not chat.toolbar().startswith(" question")


def test_question_options_parsing() -> None:
    text = ("Thoracic Radiology: chest imaging.\n\n1. not an option list\nWhere are you now?\n"
            "  1. In high school\n  2) In college\n  3. In college\n")
    assert question_options(text) == ("In high school", "In college")
    assert question_options("• yes\n• no") == ("yes", "no")
    assert question_options("no options here") == ()


# -- /save and /load -------------------------------------------------------------------------
def test_save_and_load_resume_the_conversation(chat: Chat, adv: Advisor,
                                               tmp_path: Path) -> None:
    say(chat, "What does a sonographer do?")
    target = tmp_path / "talk.json"
    assert say(chat, f"/save {target}") == f"Conversation written to {target}\n"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "radiology-advisor/session"
    other = Chat(adv, width=lambda: 100)
    text = say(other, f"/load {target}")
    assert text.startswith(f"Loaded {target}: 1 turn; topic: Sonographer.")
    follow = say(other, "How do I become one?")
    assert "sonograph" in follow.lower()
    assert other.session.transcript[0] == chat.session.transcript[0]


def test_save_never_overwrites_silently(chat: Chat, tmp_path: Path) -> None:
    target = tmp_path / "talk.json"
    target.write_text("precious", encoding="utf-8")
    text = say(chat, f"/save {target}")
    assert text == f"{target} exists; not overwritten (add --force to replace it)\n"
    assert target.read_text(encoding="utf-8") == "precious"
    say(chat, "hello")
    assert "written" in say(chat, f"/save --force {target}")
    assert json.loads(target.read_text(encoding="utf-8"))["transcript"]
    assert "is a directory" in say(chat, f"/save {tmp_path}")
    assert "cannot write" in say(chat, f"/save {tmp_path / 'no' / 'such' / 'dir.json'}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.json"]  # no temp files left


def test_save_and_load_paths_with_spaces_and_tilde(chat: Chat, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    say(chat, "What does a radiologist do?")
    assert "written" in say(chat, "/save '~/my talk.json'")
    assert (tmp_path / "my talk.json").exists()
    assert "Loaded" in say(chat, '/load "~/my talk.json"')


def mid_interview_save(chat: Chat, path: Path) -> dict[str, Any]:
    start_interview(chat)
    say(chat, "/save " + str(path))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_load_mid_interview_shows_the_question_again(chat: Chat, adv: Advisor,
                                                     tmp_path: Path) -> None:
    mid_interview_save(chat, tmp_path / "mid.json")
    other = Chat(adv, width=lambda: 100)
    text = say(other, f"/load {tmp_path / 'mid.json'}")
    assert "You were answering:" in text
    assert other.options == chat.options
    assert other.session.dialog.active


@pytest.mark.parametrize("content, message", [
    (b'{"format": "radiology-advisor/session", "version": 1, "transcript": [["a", ',
     "is truncated (line 1"),
    (b"this is not json", "is not valid JSON (line 1, column 1"),
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b'{"format": "chess/game", "version": 1}', "this is not a radiology-advisor session"),
    (b'{"format": "radiology-advisor/session", "version": 99}', "newer than this advisor"),
    (b'{"format": "radiology-advisor/session", "version": 1, "dialog": {"bogus": 1}}',
     "cannot load"),
    (b"[" * 100_000, "cannot load"),
    (b"[]", "must be a JSON object"),
])
def test_load_of_a_bad_file_is_one_line_and_the_chat_goes_on(
        chat: Chat, tmp_path: Path, content: bytes, message: str) -> None:
    say(chat, "What does a sonographer do?")
    before = chat.session
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    text = say(chat, f"/load {path}")
    assert message in text
    assert text.count("\n") == 1 and text.endswith("the current conversation goes on\n")
    assert chat.session is before
    assert "sonograph" in say(chat, "how do I become one?").lower()


def test_load_missing_or_directory(chat: Chat, tmp_path: Path) -> None:
    assert f"{tmp_path / 'nope.json'} does not exist" in say(chat, f"/load {tmp_path}/nope.json")
    assert "is a directory" in say(chat, f"/load {tmp_path}")


def test_file_names_never_echo_escape_sequences(chat: Chat, tmp_path: Path) -> None:
    text = say(chat, f"/load {tmp_path}/\x1b[2Jevil\x07.json")
    assert "\x1b" not in text and "\x07" not in text and "evil" in text
    text = say(chat, "/\x1b]0;title\x07")
    assert "\x1b" not in text and "\x07" not in text


# -- /transcript, /plan, /path ---------------------------------------------------------------
def test_transcript_markdown_and_text(chat: Chat, tmp_path: Path) -> None:
    assert "Nothing to write yet" in say(chat, f"/transcript {tmp_path / 'empty.md'}")
    say(chat, "What does a *sonographer* do? #1")
    say(chat, "How long is radiology residency?")
    md, txt = tmp_path / "talk.md", tmp_path / "talk.txt"
    assert "Transcript written" in say(chat, f"/transcript {md}")
    assert "Transcript written" in say(chat, f"/transcript {txt}")
    markdown = md.read_text(encoding="utf-8")
    assert markdown.startswith("# Conversation with radiology-advisor")
    assert r"**You:** What does a \*sonographer\* do? \#1" in markdown
    assert markdown.count("**Advisor:**") == 2
    plain_text = txt.read_text(encoding="utf-8")
    assert plain_text.startswith("> What does a *sonographer* do? #1\n")
    assert "exists; not overwritten" in say(chat, f"/transcript {md}")


def test_transcript_markdown_strips_escapes() -> None:
    text = transcript_markdown([("\x1b[31mred", "answer\x07")])
    assert "\x1b" not in text and "\x07" not in text


def test_plan_shown_and_written(chat: Chat, tmp_path: Path) -> None:
    start_interview(chat)
    for _ in range(3):
        say(chat, "1")
    shown = say(chat, "/plan")
    assert shown.startswith("#")
    target = tmp_path / "plan.md"
    assert say(chat, f"/plan {target}") == f"Plan written to {target}\n"
    written = target.read_text(encoding="utf-8")
    assert written.startswith("#") and written.endswith("\n")
    assert "exists; not overwritten" in say(chat, f"/plan {target}")
    assert "written" in say(chat, f"/plan {target} --force")


def test_path_draws_a_timeline(chat: Chat) -> None:
    text = say(chat, "/path interventional radiology")
    assert text.startswith("Pathway to Interventional Radiology\n")
    assert "medical school" in text and "10–11 y" in text
    assert "did you mean 'sonographer'" in say(chat, "/path sonografer")
    assert "usage: /path CAREER" in say(chat, "/path")
    say(chat, "What does a sonographer do?")
    assert say(chat, "/path").startswith("Pathway to Sonographer")
    assert "No training steps are recorded" in say(chat, "/path qa specialist")


def test_comparison_is_a_table_that_fits(adv: Advisor) -> None:
    for width in (120, 80, 50):
        narrow = Chat(adv, width=lambda w=width: w)  # type: ignore[misc]
        text = say(narrow, "compare radiologist, sonographer and radiologic technologist")
        assert ("│" in text) == (width >= 80)  # too narrow for columns: stacked instead
        assert max(len(line) for line in text.splitlines()) <= width


# -- completion ------------------------------------------------------------------------------
def complete(chat: Chat, text: str) -> list[str]:
    completer = ChatCompleter(chat)
    found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    return [c.text for c in found]


def complete_applied(chat: Chat, text: str) -> list[str]:
    """What the line would read after taking each completion."""
    completer = ChatCompleter(chat)
    event = CompleteEvent(completion_requested=True)
    return [text[: len(text) + c.start_position] + c.text
            for c in completer.get_completions(Document(text), event)]


def test_complete_career_names(chat: Chat) -> None:
    assert complete_applied(chat, "what does an informatics sp") == \
        ["what does an informatics specialist"]
    assert "what does a telemedicine radiologist" in complete_applied(chat, "what does a telem")
    assert "how long is diagnostic radiologist" in complete_applied(
        chat, "how long is diagnostic rad")
    names = complete(chat, "tell me about sono")
    assert "sonographer" in names and "sonographers" not in names  # plurals are noise
    assert "Sonographer" in complete(chat, "Sono")  # capitalised as typed
    assert "AI and Machine Learning Specialist".lower() not in complete(chat, "about ai and")
    assert complete(chat, "zzzz") == []


def test_complete_commands_and_arguments(chat: Chat, tmp_path: Path) -> None:
    assert complete(chat, "/sa") == ["/save"]
    assert set(complete(chat, "/")) == set(COMMANDS)
    assert complete(chat, "/explain o") == ["on", "off"]
    assert complete(chat, "/explain of") == ["off"]
    assert complete_applied(chat, "/path interventional r") == \
        ["/path interventional radiology"]
    (tmp_path / "saved-talk.json").write_text("{}", encoding="utf-8")
    assert complete_applied(chat, f"/load {tmp_path}/saved-") == \
        [f"/load {tmp_path}/saved-talk.json"]
    assert complete(chat, "/save x.json --f") == ["--force"]
    assert complete(chat, "/load x.json --f") == []


def test_complete_interview_options(chat: Chat) -> None:
    start_interview(chat)
    options = complete(chat, "")
    assert options[: len(chat.options)] == list(chat.options)
    first = chat.options[0]
    assert complete(chat, first[:4].lower())[0] == first


def test_complete_suggested_questions(chat: Chat) -> None:
    assert complete(chat, "") == list(chat.starters)
    assert "How long is radiology residency?" in complete(chat, "How long")


def test_toolbar_topic_and_help(chat: Chat) -> None:
    assert chat.toolbar() == " /help for commands"
    say(chat, "compare radiologist and sonographer")
    assert chat.toolbar().startswith(" topic: Radiologist")


# -- rendering -------------------------------------------------------------------------------
def step(node_id: str, label: str, low: float | None, high: float | None = None,
         node_type: str = "training", unit: str = "year") -> Node:
    fields: dict[str, Any] = {}
    if low is not None:
        fields["duration"] = Duration(low, high if high is not None else low, unit)
    return Node(node_id, node_type, label, "s", "sec", fields=fields)


def rows_of(pathway: Pathway, width: int = 80) -> dict[str, str]:
    lines = plain(render.timeline(pathway, width)).splitlines()[1:]
    return {line[:20].strip(): line[20:] for line in lines if line.strip()}


def test_timeline_bars_are_scaled_to_years() -> None:
    steps = (step("a", "Medical school", 4), step("b", "Preliminary year", None),
             step("c", "Residency", 4, 5), step("d", "Fellowship", 2),
             step("e", "Board exam", None, node_type="credential"),
             step("f", "Short course", 6, unit="month"))
    total = Duration(4, 4) + Duration(4, 5) + Duration(2, 2) + Duration(0.5, 0.5)
    text = plain(render.timeline(Pathway(steps[3], steps, total, (steps[1],)), 80))
    lines = text.splitlines()
    assert lines[0] == "Pathway to Fellowship"
    bars = {line.split("  ")[0].strip(): line for line in lines[1:]}
    med = bars["Medical school"].count("█")
    assert med == 2 * bars["Fellowship"].count("█")
    assert bars["Residency"].count("█") == med and bars["Residency"].count("░") == med // 4
    assert bars["Medical school"].endswith("█ 4 y")
    assert bars["Residency"].endswith("░ 4–5 y")
    assert "?" in bars["Preliminary year"] and "█" not in bars["Preliminary year"]
    assert "credential" in bars["Board exam"]
    assert bars["Short course"].count("█") == round(med / 8)
    assert "10.5–11.5 y" in bars["Total"]
    assert "+ 1 step of unstated length" in text
    starts = {line.index("█") for line in lines if "█" in line}
    assert len(starts) == 1  # the bars are aligned
    assert max(len(line) for line in lines) <= 80


def test_timeline_ascii_and_empty(adv: Advisor) -> None:
    pathway = adv.graph.pathway("interventional_radiology")
    text = plain(render.timeline(pathway, 60, ascii_only=True))
    assert "#" in text and "█" not in text and max(map(len, text.splitlines())) <= 60
    assert render.timeline(adv.graph.pathway("qa_specialist")) == []


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet=st.sampled_from("abc de→fghijk-"), max_size=60),
                               min_size=3, max_size=3), min_size=2, max_size=5),
       width=st.integers(min_value=30, max_value=160))
def test_tables_fit_the_width(cells: list[list[str]], width: int) -> None:
    text = render.table(cells, width)
    assert max((len(line) for line in text.splitlines()), default=0) <= width
    shown = [cell for r, row in enumerate(cells) for c, cell in enumerate(row) if (r, c) != (0, 0)]
    words = {w for cell in shown for w in cell.split() if len(w) <= 16}
    flat = text.replace("\n", " ")
    for word in words:
        assert word in flat  # short words are never cut


def test_table_header_and_alignment() -> None:
    text = render.table([("", "A", "B"), ("Training", "x", "y"), ("Time", "1 y", "2 y")], 80)
    lines = text.splitlines()
    assert lines[0] == "         │ A   │ B"
    assert set(lines[1]) <= {"─", "┼"}
    assert lines[2] == "Training │ x   │ y"
    assert len({line.index("│") for line in lines if "│" in line}) == 1


def test_narrow_tables_are_stacked() -> None:
    text = render.table([("", "Radiologist", "Sonographer"),
                         ("What they do", "interprets images", "scans patients")], 30)
    assert text.splitlines()[0] == "Radiologist"
    assert "  What they do: interprets" in text and "  What they do: scans patients" in text
    assert "│" not in text


def test_wrap_keeps_bullets_hanging() -> None:
    text = render.wrap("• " + "word " * 40, 40)
    lines = text.splitlines()
    assert lines[0].startswith("• ") and all(line.startswith("  ") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)


def test_safe_text() -> None:
    assert render.safe_text("a\x1b[31mb\tc\nd\u202e") == "a[31mb    c\nd"


# -- storage ---------------------------------------------------------------------------------
def test_write_atomic_modes_and_no_clobber(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    storage.write_atomic(target, "one")
    assert target.read_text(encoding="utf-8") == "one"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    with pytest.raises(FileExistsError):
        storage.write_atomic(target, "two")
    os.chmod(target, 0o640)
    storage.write_atomic(target, "two", overwrite=True)
    assert target.read_text(encoding="utf-8") == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    private = storage.write_atomic(tmp_path / "p", "x", private=True)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "p"]


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old", encoding="utf-8")

    def fail(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        storage.write_atomic(target, "new", overwrite=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_write_atomic_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: Any) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    storage.write_atomic(tmp_path / "f", "x")
    with pytest.raises(FileExistsError):
        storage.write_atomic(tmp_path / "f", "y")
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_read_json_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 200 + b"{}")
    with pytest.raises(storage.StorageError, match="larger than"):
        storage.read_text(big, limit=100)
    ok = tmp_path / "bom.json"
    ok.write_bytes("\ufeff{\"a\": 1}".encode())
    assert storage.read_json(ok) == {"a": 1}


def test_data_dir_follows_xdg(tmp_path: Path) -> None:
    assert storage.data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "radiology-advisor"
    home = Path(os.path.expanduser("~"))
    default = home / ".local" / "share" / "radiology-advisor"
    assert storage.data_dir({"XDG_DATA_HOME": "relative/dir"}) == default
    assert storage.data_dir({}) == default
    assert storage.history_path({"XDG_DATA_HOME": str(tmp_path)}).name == "history"


def saved_history(path: Path) -> list[str]:
    """The entries of a history file, oldest first, as prompt-toolkit reads them."""
    return list(reversed(list(FileHistory(str(path)).load_history_strings())))


def test_history_is_private(tmp_path: Path) -> None:
    history, notice = open_history(tmp_path / "data" / "history")
    assert notice is None
    history.append_string("what does a sonographer do?")
    assert saved_history(tmp_path / "data" / "history") == ["what does a sonographer do?"]
    assert stat.S_IMODE((tmp_path / "data" / "history").stat().st_mode) == 0o600


_WRITER = """
import sys
from pathlib import Path
from advisor.repl import open_history
history, _ = open_history(Path(sys.argv[1]))
for i in range(200):
    history.append_string(f"{sys.argv[2]} {i}\\nsecond line")
"""


def test_two_chats_writing_at_once_keep_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "history"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name])
               for name in ("a", "b")]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    entries = saved_history(path)
    assert len(entries) == 400
    assert sorted(entries) == sorted(f"{n} {i}\nsecond line" for n in "ab" for i in range(200))


def _long_history(path: Path, count: int) -> list[str]:
    """A history file of `count` entries (every tenth of two lines), bigger than the trim
    size; the entries, oldest first."""
    entries = [f"question {i} " + "x" * 300 + ("\nand a second line" if i % 10 == 0 else "")
               for i in range(count)]
    history = FileHistory(str(path))
    for entry in entries:
        history.store_string(entry)
    assert path.stat().st_size > storage.HISTORY_TRIM_BYTES
    return entries


def test_a_long_history_keeps_its_newest_entries(tmp_path: Path) -> None:
    path = tmp_path / "history"
    entries = _long_history(path, 1500)
    history, notice = open_history(path)
    assert notice is None
    assert saved_history(path) == entries[-storage.HISTORY_ENTRIES:]
    history.append_string("one more")
    assert saved_history(path)[-2:] == [entries[-1], "one more"]


def test_a_short_history_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "history"
    FileHistory(str(path)).store_string("what does a sonographer do?")
    before = path.read_bytes()
    open_history(path)
    assert path.read_bytes() == before


_OPENER = """
import sys
from pathlib import Path
from advisor.repl import open_history
open_history(Path(sys.argv[1]))
"""


def test_two_chats_starting_at_once_trim_the_history_once(tmp_path: Path) -> None:
    path = tmp_path / "history"
    entries = _long_history(path, 1500)
    openers = [subprocess.Popen([sys.executable, "-c", _OPENER, str(path)]) for _ in range(2)]
    assert [o.wait(timeout=60) for o in openers] == [0, 0]
    assert saved_history(path) == entries[-storage.HISTORY_ENTRIES:]


def test_a_fifo_as_history_falls_back_to_memory(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "history")
    _, notice = open_history(tmp_path / "history")
    assert notice is not None and notice.startswith("History is kept in memory only")


def test_open_history_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    _, notice = open_history(blocker / "sub" / "history")
    assert notice is not None and notice.startswith("History is kept in memory only")
    assert notice.count("\n") == 0
    _, notice = open_history(tmp_path / "data" / "history")
    assert notice is None and (tmp_path / "data").is_dir()
    (tmp_path / "data" / "dir").mkdir()
    _, notice = open_history(tmp_path / "data" / "dir")
    assert notice is not None and "is a directory" in notice


def test_color_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_wanted(DummyOutput()) is False  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert color_wanted(None) is False


# -- the prompt loop in-process --------------------------------------------------------------
def run_raw(adv: Advisor, keys: str, tmp_path: Path, **kwargs: Any) -> tuple[int, str]:
    """Run the real prompt loop on typed keys; returns the status and all that was written."""
    screen = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    output = Vt100_Output(screen, lambda: Size(rows=40, columns=100), term="xterm")
    kwargs.setdefault("color", False)
    kwargs.setdefault("history", tmp_path / "data" / "history")
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = run_repl(adv, input=pipe, output=output, **kwargs)
    screen.flush()
    raw: bytes = screen.buffer.getvalue()
    return status, raw.decode("utf-8")


def run_lines(adv: Advisor, keys: str, tmp_path: Path, **kwargs: Any) -> tuple[int, str]:
    """Run the real prompt loop on typed keys; returns the status and the visible text."""
    status, raw = run_raw(adv, keys, tmp_path, **kwargs)
    return status, ANSI.sub("", raw)


COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-9];")


def test_loop_colour_only_when_wanted(adv: Advisor, tmp_path: Path) -> None:
    keys = "/path radiologist\rzxqv blorp\r\x04"
    _, coloured = run_raw(adv, keys, tmp_path, color=True)
    _, mono = run_raw(adv, keys, tmp_path, color=False)
    assert COLOUR.search(coloured)
    assert not COLOUR.search(mono)
    assert ANSI.sub("", coloured).count("█") == ANSI.sub("", mono).count("█") > 0


def test_loop_answers_and_leaves_on_ctrl_d(adv: Advisor, tmp_path: Path) -> None:
    status, text = run_lines(adv, "What does a sonographer do?\r\x04", tmp_path)
    assert status == 0
    assert "Try:" in text and "sonograph" in text.split("What does a sonographer do?")[-1]
    assert saved_history(tmp_path / "data" / "history") == ["What does a sonographer do?"]


def test_loop_ctrl_c_clears_the_line_and_goes_on(adv: Advisor, tmp_path: Path) -> None:
    status, text = run_lines(adv, "half a que\x03What does a radiologist do?\r/quit\r",
                             tmp_path)
    assert status == 0
    assert "physicians" in text
    history = (tmp_path / "data" / "history").read_text(encoding="utf-8")
    assert "half a que" not in history


def test_loop_history_is_recalled(adv: Advisor, tmp_path: Path) -> None:
    run_lines(adv, "What does a sonographer do?\r\x04", tmp_path)
    # Up recalls the line saved by the previous chat (read at once here: the chat itself
    # reads it in a thread, which keys typed all at once by a test would outrun)
    status, text = run_lines(adv, "\x1b[A\r\x04", tmp_path,
                             history=FileHistory(str(tmp_path / "data" / "history")))
    assert status == 0 and text.count("Sonographers") >= 1


def test_loop_reports_a_bug_in_one_turn_and_goes_on(adv: Advisor, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = render.render_reply

    def flaky(*args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("drawing exploded")
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_reply", flaky)
    status, text = run_lines(adv, "What does a sonographer do?\rWhat does a radiologist do?\r"
                                  "\x04", tmp_path)
    assert status == 0
    assert "Sorry, that failed (RuntimeError: drawing exploded). The conversation goes on." \
        in text
    assert "physicians" in text


def test_loop_without_writable_history(adv: Advisor, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    status, text = run_lines(adv, "hello\r\x04", tmp_path, history=blocker / "x" / "history")
    assert status == 0
    assert "History is kept in memory only" in text and "Hello" in text


def test_loop_with_dummy_output_and_default_history(adv: Advisor, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with create_pipe_input() as pipe:
        pipe.send_text(f"What does a sonographer do?\r/save {tmp_path / 's.json'}\r\x04")
        assert run_repl(adv, input=pipe, output=DummyOutput()) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["transcript"]
    assert (tmp_path / "xdg" / "radiology-advisor" / "history").exists()


# -- the real program in a pseudo-terminal ---------------------------------------------------
pexpect = pytest.importorskip("pexpect")
TIMEOUT = 10


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Any]:
    children: list[Any] = []

    def start(term: str = "xterm", *args: str, cpr: bool = False) -> Any:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
        env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
                   TERM=term, NO_COLOR="1", LANG="C.UTF-8")
        if not cpr:
            env["PROMPT_TOOLKIT_NO_CPR"] = "1"
        child = pexpect.spawn(sys.executable, ["-m", "advisor", *args], env=env, cwd=str(ROOT),
                              encoding="utf-8", timeout=TIMEOUT, dimensions=(30, 100))
        child.logfile_read = io.StringIO()
        children.append(child)
        if not cpr:
            child.expect("Ctrl-D leaves")
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def ready(child: Any) -> None:
    """Wait for the prompt (prompt-toolkit switches the terminal to raw mode before it draws
    it, so keys sent now are read as keys)."""
    child.expect("> ")


def leave(child: Any) -> int:
    ready(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    status: int = child.exitstatus
    return status


def test_pty_question_completion_ctrl_c_ctrl_d(spawn: Any, tmp_path: Path) -> None:
    child = spawn("xterm", "chat")
    ready(child)
    child.sendline("What does a sonographer do?")
    child.expect("diagnostic medical sonography")
    ready(child)
    child.send("what does an informatics sp")
    child.expect_exact("informatics sp")  # echoed: the line holds it
    child.send("\t")
    child.expect_exact("ecialist")  # completed (the terminal gets only what changed)
    child.send("\r")
    child.expect("nformatics")
    ready(child)
    child.send("something half typed")
    child.sendintr()
    ready(child)
    child.sendline("How long is radiology residency?")
    child.expect("4")
    assert leave(child) == 0
    assert not COLOUR.search(child.logfile_read.getvalue())  # NO_COLOR=1 is honoured
    history = saved_history(tmp_path / "data" / "radiology-advisor" / "history")
    assert "What does a sonographer do?" in history
    assert "what does an informatics specialist" in history  # Tab completed the name
    assert not any("half typed" in line for line in history)


def test_pty_interview_save_and_load(spawn: Any, tmp_path: Path) -> None:
    saved = tmp_path / "talk.json"
    child = spawn("xterm")  # `radiology-advisor` alone on a terminal starts the chat
    ready(child)
    child.sendline("help me choose a career")
    child.expect(r"\n\s*1\. ")
    ready(child)
    child.sendline("2")
    child.expect(r"\n\s*1\. ")
    ready(child)
    child.sendline("1")
    child.expect(r"\n\s*1\. ")
    ready(child)
    child.sendline(f"/save {saved}")
    child.expect("Conversation written to")
    ready(child)
    child.sendline(f"/save {saved}")
    child.expect("exists; not overwritten")
    assert leave(child) == 0
    state = json.loads(saved.read_text(encoding="utf-8"))
    assert len(state["transcript"]) == 3

    again = spawn("xterm", "chat")
    ready(again)
    again.sendline(f"/load {saved}")
    again.expect("Loaded .*: 3 turns")
    again.expect("You were answering:")
    ready(again)
    again.sendline("/load /nonexistent/file.json")
    again.expect("does not exist; the current conversation goes on")
    ready(again)
    again.sendline("/back")
    again.expect(r"\n\s*1\. ")
    assert leave(again) == 0


def test_pty_dumb_terminal(spawn: Any) -> None:
    child = spawn("dumb", "chat")
    ready(child)
    child.sendline("What does a radiologist do?")
    child.expect("physicians")
    ready(child)
    child.sendline("/frobnicate")
    child.expect("unknown command '/frobnicate'. Commands: /help")
    ready(child)
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_pty_toolbar_shows_progress(spawn: Any) -> None:
    """With a terminal that answers cursor-position requests, the toolbar is drawn."""
    child = spawn("xterm", "chat", cpr=True)

    def answer_cpr() -> None:
        child.expect(r"\x1b\[6n")
        child.send("\x1b[10;1R")

    answer_cpr()
    child.expect("/help for commands")
    child.sendline("help me choose a career")
    answer_cpr()
    child.expect(r"question 1 of \d+")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("sequence", ["\x1b[31m", "\x1b[32M", "\x1b[1;2M", "\x1b[<0;1M"])
def test_pty_a_typed_escape_sequence_prints_no_traceback(spawn: Any, sequence: str) -> None:
    """An escape sequence typed by hand reached prompt-toolkit's mouse handler, which printed
    'Unhandled exception in event loop' and 'Press ENTER to continue...'."""
    child = spawn("xterm", "chat")
    ready(child)
    child.send(f"what{sequence} is a radiologist\r")
    child.expect("physicians")
    assert leave(child) == 0
    seen = child.logfile_read.getvalue()
    assert "Unhandled exception" not in seen and "Press ENTER" not in seen


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_pty_a_stop_signal_leaves_the_terminal_as_it_was(tmp_path: Path, signum: int) -> None:
    # A stop signal once took the default action with prompt-toolkit's raw mode still on:
    # the shell the person went back to echoed nothing. Now the chat ends through
    # prompt-toolkit's own exit, and the status says which signal stopped it. The shell
    # around the chat reports its status and the terminal's state after it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               TERM="xterm", NO_COLOR="1", LANG="C.UTF-8", PROMPT_TOOLKIT_NO_CPR="1")
    script = (f"{shlex.quote(sys.executable)} -m advisor chat; echo STATUS=$?; stty -a; "
              "echo END-OF-STTY")
    child = pexpect.spawn("sh", ["-c", script], env=env, cwd=str(ROOT), encoding="utf-8",
                          timeout=TIMEOUT, dimensions=(30, 100))
    try:
        child.expect("Ctrl-D leaves")
        ready(child)
        chat = subprocess.run(["pgrep", "-P", str(child.pid)], capture_output=True,
                              text=True, check=True).stdout.split()
        assert len(chat) == 1, chat
        os.kill(int(chat[0]), signum)
        child.expect(r"STATUS=(\d+)\s")
        status = int(child.match.group(1))
        child.expect("END-OF-STTY")
        after = child.before
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert status == 128 + signum
    assert re.search(r"(?<!-)\becho\b", after) and re.search(r"(?<!-)\bicanon\b", after), after


def test_load_shows_only_the_end_of_a_planted_pending_answer(adv: Advisor,
                                                             tmp_path: Path) -> None:
    # A shared save whose last answer held 3 MB put it all on the screen (and into Tab
    # completion) as "You were answering:"; only its end is shown now.
    session = adv.session()
    session.ask("help me choose a career")
    state = session.to_dict()
    question, _ = state["transcript"][-1]
    state["transcript"][-1] = [question, "x" * 3_000_000 + "\nWhere are you now?"]
    path = tmp_path / "planted.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    shown = "".join(text for _, text in Chat(adv).handle(f"/load {path}"))
    assert "Loaded" in shown and "Where are you now?" in shown
    assert len(shown) < 10_000
