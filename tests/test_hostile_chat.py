"""Minor defects of issue 14 (defect 6) in the chat and the program's edges, each pinned:
/save --force never replaces anything but a regular file, completion never carries a bidi
override to the terminal, an absurd saved version gets a short message, and a Ctrl-C at any
moment of start-up ends the program without a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from support import env_for

from advisor import Advisor, SessionStateError
from advisor.render import plain
from advisor.repl import Chat, ChatCompleter
from knowledge import EMBEDDED_DIR

ROOT = Path(__file__).resolve().parents[1]
OURS = re.compile(rb'File "[^"]*/(advisor|knowledge|dialogs)/')


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def say(chat: Chat, line: str) -> str:
    return plain(chat.handle(line))


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_save_force_replaces_only_a_regular_file(adv: Advisor, tmp_path: Path,
                                                  kind: str) -> None:
    chat = Chat(adv, width=lambda: 100)
    say(chat, "what does a sonographer do?")
    kept = tmp_path / "kept.txt"
    kept.write_text("precious\n", encoding="utf-8")
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(kept)
    else:
        target = Path(os.devnull)
    before = os.lstat(target)
    text = say(chat, f"/save --force {target}")
    assert text == f"{target} is not a regular file (a link, a pipe or a device); it was " \
                   "left as it is\n"
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode),
                                                         before.st_ino)
    assert kept.read_text(encoding="utf-8") == "precious\n"
    regular = tmp_path / "regular.json"
    regular.write_text("{}", encoding="utf-8")
    assert "written" in say(chat, f"/save --force {regular}")


def test_completion_strips_a_bidi_override_from_a_knowledge_name(tmp_path: Path) -> None:
    field = Path(shutil.copytree(EMBEDDED_DIR, tmp_path / "knowledge"))
    for path in field.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("name: Sonographer", "name: Sono\u202egrapher"),
                        encoding="utf-8")
    adv = Advisor(field, cache_dir=False)
    assert "\u202e" in adv.graph.node("sonographer").name  # the knowledge holds it
    completer = ChatCompleter(Chat(adv, width=lambda: 100))
    found = [c for line in ("/path Sono", "what does a Sono", "tell me about sono")
             for c in completer.get_completions(Document(line), CompleteEvent())]
    assert found
    for completion in found:
        assert "\u202e" not in completion.text + completion.display_text
    assert "Sonographer" in {c.text for c in found}


def test_a_huge_saved_version_gets_a_short_message(adv: Advisor, tmp_path: Path) -> None:
    state = {"format": "radiology-advisor/session", "version": 10**4000}
    with pytest.raises(SessionStateError) as info:
        adv.session(state)
    assert len(str(info.value)) < 200
    saved = tmp_path / "future.json"
    sys.set_int_max_str_digits(0)  # (writing the number itself needs it)
    saved.write_text(json.dumps(state), encoding="utf-8")
    text = say(Chat(adv, width=lambda: 100), f"/load {saved}")
    assert len(text) < 300 and "newer" in text


def test_ctrl_c_at_any_moment_of_start_up_is_quiet(tmp_path: Path) -> None:
    """SIGINT from 0 to 120 ms after the start, in steps: never a traceback through the
    program's code, and the exit is the interrupted status (or the signal itself, before
    Python has started). A Ctrl-C while the interpreter itself starts (its `site`, its
    streams, the search for the package) is Python's to report, not the program's."""
    env = env_for(tmp_path)
    outcomes = []
    for step in range(25):
        proc = subprocess.Popen([str(Path(sys.executable).parent / "radiology-advisor"),
                                 "ask", "What does a sonographer do?"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, env=env,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(step * 0.005)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if b"Traceback" in err or b"Fatal Python error" in err or (
                err.strip() == b"KeyboardInterrupt" and proc.returncode == 1):
            # (the last: Python's own one-line report when the signal lands in its start-up)
            # Only while the interpreter starts (site, its streams) or finds the package,
            # before the first statement of the program: never inside its code.
            assert not OURS.search(err), (step, err.decode())
            continue
        outcomes.append(proc.returncode)
        assert err == b"" or b"Traceback" not in err, (step, err.decode())
        assert proc.returncode in {130, -signal.SIGINT, 0}, (step, err.decode())
    assert outcomes.count(130) >= 5  # the signals did land while the program ran


@pytest.mark.parametrize("line", ["/save " + "a" * 1_000_000, "/load '" + "a" * 1_000_000,
                                  "/path " + "radiologist " * 90_000])
def test_a_pasted_megabyte_command_is_refused_at_once(adv: Advisor, tmp_path: Path,
                                                      line: str, monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    """shlex reads about 60 KB a second: a 1 MB /save took 30 s before it was refused."""
    monkeypatch.chdir(tmp_path)
    chat = Chat(adv, width=lambda: 100)
    assert say(chat, line) == "that command is longer than 4,096 characters\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_load_of_a_fifo_or_device_is_refused_at_once(adv: Advisor, tmp_path: Path,
                                                     kind: str) -> None:
    """Opening a FIFO waited for a writer for ever; /dev/zero read 10 MB of zeros."""
    target = tmp_path / "saved.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    text = say(Chat(adv, width=lambda: 100), f"/load {target}")
    assert text == f"cannot load: {target} is not a regular file (a pipe or a device); the " \
                   "current conversation goes on\n"
