"""The web chat in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

What a person does with the page: ask and read the answer, follow a suggestion chip, go
through the interview by clicking options and typing, see the ranking with its fit bars,
download the plan, reload and find the conversation, restart, use it with the keyboard
only; markup in the knowledge shows as text; the layout holds at 360 px and 1280 px (the
screenshots are saved under tests/artifacts/, which git ignores) and its colours meet WCAG AA.
No test skips: without chromium they fail and say how to install it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright

from dialogs import DIALOGS_DIR
from knowledge import EMBEDDED_DIR
from tests.web_support import CHROMIUM, require_program, serve

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Launch flags: no GPU, sandbox or network chatter from the browser itself.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAYLOAD = "<img src=x onerror=alert(1)>"
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_program(CHROMIUM, "Chromium")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh, temporary user-data-dir; nothing is downloaded.
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve("--rate-limit", "0", "--no-access-log") as (url, _):
        yield url


@pytest.fixture()
def page(browser: Browser, base: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: _console(m, problems))
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("dialog", lambda d: problems.append(f"dialog opened: {d.message}"))
    tab.goto(base + "/")
    expect(tab.locator(".turn")).to_have_count(1)  # the welcome
    yield tab
    context.close()
    assert problems == [], "the page reported problems (CSP violations are console errors)"


def _console(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"console {message.type}: {message.text}")


def ask(page: Page, text: str) -> Any:
    """Type a question, press Enter, wait for its answer; the new turn's reply."""
    before = page.locator(".turn").count()
    page.fill("#question", text)
    page.press("#question", "Enter")
    expect(page.locator(".turn")).to_have_count(before + 1)
    return page.locator(".turn").last.locator(".reply")


def click_and_wait(page: Page, button: Any) -> Any:
    before = page.locator(".turn").count()
    button.click()
    expect(page.locator(".turn")).to_have_count(before + 1)
    return page.locator(".turn").last.locator(".reply")


def interview(page: Page) -> Any:
    """Help me choose: an option clicked, a free-text answer typed, another option; ranked."""
    first = ask(page, "help me choose a career")
    expect(first.locator(".progress")).to_contain_text("Question 1 of")
    click_and_wait(page, first.get_by_role("button", name="2. In college or university"))
    ask(page, "I'd rather not go to medical school")  # free text, not a button
    third = page.locator(".turn").last.locator(".reply")
    click_and_wait(page, third.locator(".option").first)
    return ask(page, "just tell me")


def test_ask_a_question_and_read_the_answer(page: Page) -> None:
    reply = ask(page, "What does a sonographer do?")
    expect(reply).to_contain_text("Sonographers train in diagnostic medical sonography")
    expect(page.locator(".turn").last.locator(".you")).to_contain_text(
        "What does a sonographer do?")
    expect(page.locator("#live")).to_contain_text("Sonographers train")  # read out
    reply.locator("summary", has_text="Why this answer?").click()
    expect(reply.locator(".explain dl")).to_contain_text("duties")
    reply.locator("summary", has_text="Sources").click()  # where the answer comes from
    expect(reply.locator(".sources li").first).to_contain_text("Sonographer")
    expect(reply.locator(".sources")).to_contain_text("line 75")
    expect(page.locator("#question")).to_have_value("")


def test_follow_a_suggestion_chip(page: Page) -> None:
    ask(page, "What does a sonographer do?")
    chip = page.locator(".turn").last.locator(".chip", has_text="How do I become")
    reply = click_and_wait(page, chip)
    expect(page.locator(".turn").last.locator(".you")).to_contain_text("How do I become a")
    expect(reply).to_contain_text("sonography")
    expect(page.locator(".turn").nth(-2).locator(".chip")).to_have_count(0)  # only the last's


def test_an_interview_with_options_and_free_text_ends_in_a_ranking(page: Page) -> None:
    ranked = interview(page)
    fits = ranked.locator(".ranking .fit")
    expect(fits).to_have_count(5)
    expect(fits.first).to_contain_text("fit ")
    expect(fits.first.locator(".why")).to_contain_text("medical school")
    width = fits.first.locator(".fitbar-fill").evaluate("e => e.getBoundingClientRect().width")
    assert width > 0, "the fit bar is drawn"
    expect(ranked.locator("h3", has_text="Ruled out")).to_be_visible()
    expect(ranked.locator(".ruled-out")).to_contain_text("Radiologist")
    expect(ranked.locator(".chip", has_text="Tell me more about 1")).to_be_visible()


def test_a_pathway_shows_as_a_timeline_and_a_comparison_as_a_table(page: Page) -> None:
    reply = ask(page, "how long does it take to become a radiologist?")
    steps = reply.locator(".pathway li")
    expect(steps).to_have_count(4)
    expect(steps.first).to_contain_text("medical school — 4 years")
    expect(reply.locator(".pathway .total")).to_contain_text("8–9 years")
    table = ask(page, "compare radiologist and radiologic technologist").locator("table")
    expect(table.locator("thead th")).to_have_count(3)
    expect(table.locator("tbody th").first).to_contain_text("What they do")


def test_download_the_plan_and_the_transcript(page: Page, tmp_path: Path) -> None:
    interview(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my plan").click()
    download = info.value
    assert download.suggested_filename == "radiology-plan.md"
    plan = Path(download.path()).read_text(encoding="utf-8")
    assert plan.startswith("# ") and "Best fit" in plan
    with page.expect_download() as info:
        page.get_by_role("link", name="Download transcript").click()
    transcript = Path(info.value.path()).read_text(encoding="utf-8")
    assert "> help me choose a career" in transcript and "> just tell me" in transcript


def test_reload_finds_the_conversation_and_it_goes_on(page: Page) -> None:
    ask(page, "tell me about sonographers")
    interview(page)
    turns = page.locator(".turn").count()
    page.reload()
    expect(page.locator(".turn")).to_have_count(turns - 1)  # the same turns, no new welcome
    expect(page.locator(".turn").first.locator(".you")).to_contain_text(
        "tell me about sonographers")
    expect(page.locator(".ranking .fit")).to_have_count(5)  # still drawn as a ranking
    reply = ask(page, "tell me more about 2")
    expect(reply).not_to_contain_text("not sure what you mean")
    page.get_by_role("button", name="Restart").click()
    expect(page.locator(".turn")).to_have_count(1)
    page.reload()
    expect(page.locator(".turn")).to_have_count(1)


def test_keyboard_only(page: Page) -> None:
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_be_focused()  # where the skip link leads
    page.keyboard.type("help me choose a career")
    page.keyboard.press("Enter")
    option = page.locator(".turn").last.locator(".option").first
    expect(option).to_be_visible()
    before = page.locator(".turn").count()
    for _ in range(40):  # Shift+Tab back from the question box to the first answer button
        page.keyboard.press("Shift+Tab")
        if option.evaluate("e => e === document.activeElement"):
            break
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".turn")).to_have_count(before + 1)
    expect(page.locator(".turn").last.locator(".you")).to_contain_text("In high school")
    expect(page.locator("#question")).to_be_focused()


def test_markup_from_a_person_or_the_knowledge_shows_as_text(browser: Browser,
                                                              tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(EMBEDDED_DIR, knowledge)
    roles = knowledge / "technical.yaml"
    text = roles.read_text(encoding="utf-8")
    assert "    name: Sonographer\n" in text
    roles.write_text(text.replace("    name: Sonographer\n", f"    name: Sonographer {PAYLOAD}\n"),
                     encoding="utf-8")
    with serve("--knowledge", str(knowledge), "--dialogs", str(DIALOGS_DIR),
               "--rate-limit", "0", "--no-access-log") as (base, _):
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT)
        tab = context.new_page()
        opened: list[str] = []

        def on_dialog(dialog: Dialog) -> None:
            opened.append(dialog.message)
            dialog.dismiss()

        tab.on("dialog", on_dialog)
        tab.goto(base + "/")
        expect(tab.locator(".turn")).to_have_count(1)
        ask(tab, "what does a sonographer do?")
        expect(tab.locator(".chip").first).to_have_text(f"How do I become a Sonographer {PAYLOAD}?")
        table = ask(tab, "compare sonographer and radiologic technologist")
        expect(table.locator("thead")).to_contain_text(PAYLOAD)
        ask(tab, f"is {PAYLOAD} a career?")
        expect(tab.locator(".you").last).to_contain_text(PAYLOAD)
        assert tab.locator("img").count() == 0, "no element was made from the markup"
        context.close()
    assert opened == [], "no script ran"


def _no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


@pytest.mark.parametrize("width", [360, 1280])
def test_the_layout_from_a_phone_to_a_desktop_with_screenshots(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    ask(page, "compare radiologist and radiologic technologist")
    ask(page, "how do I become an interventional radiologist?")
    interview(page)
    assert _no_sideways_scroll(page), f"the page scrolls sideways at {width} px"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"web-chat-{width}px.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


# WCAG 2 contrast of each text element against the first opaque background behind it.
_CONTRAST = """
(selectors) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const s of selectors) {
    const el = document.querySelector(s);
    if (!el) { out[s] = null; continue; }
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out[s] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}
"""


def _low_contrast(page: Page, selectors: list[str]) -> dict[str, float | None]:
    ratios = page.evaluate(_CONTRAST, selectors)
    return {s: r if r is None else round(r, 2) for s, r in ratios.items()
            if r is None or r < 4.5}


def test_text_colours_meet_wcag_aa_contrast(page: Page) -> None:
    ask(page, "help me choose a career")
    assert _low_contrast(page, ["h1", ".intro p", ".you", ".reply p", ".progress", ".option",
                                ".chip", ".action", "summary", ".hint", "#send"]) == {}, \
        "below the AA contrast ratio 4.5:1 (None: not on the page)"
    click_and_wait(page, page.locator(".turn").last.locator(".option").nth(1))
    ask(page, "I'd rather not go to medical school")
    ask(page, "just tell me")
    assert _low_contrast(page, [".fit-name", ".fit-score", ".why", ".ruled-out li"]) == {}
