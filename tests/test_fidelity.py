"""Say exactly what the source says, and show where it says it (issue 13).

The quote check of `radiology-advisor check` (every fact cites a line of the source document
at its section; every keyword is a word of those lines or a declared synonym; every other term
is declared `related:`), `Reply.sources`, and the answers the fidelity audit found wrong,
invented or missing the point, each kept as a regression test of its kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from textwrap import dedent

import pytest

from advisor import Advisor
from advisor.render import plain, render_reply
from advisor.repl import Chat
from knowledge import EMBEDDED_DIR, load_graph, validate
from knowledge.source import SourceDocument, normal
from tests.support import run_cli

DOC = """\
---
title: "Tiny"
---

# Tiny Field

## Welder

Welders join metal.

### Training
- Complete a 2-year welding program
- Pass the **AWS** certification exam
"""


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def ask(adv: Advisor, question: str) -> str:
    return adv.session().ask(question).text


def write_kb(tmp_path: Path, nodes: str, doc: str = DOC) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "source.md").write_text(doc, encoding="utf-8")
    (kb / "field.yaml").write_text(dedent("""\
        field:
          name: Tiny
          document: source.md
        nodes:
        """) + dedent(nodes), encoding="utf-8")
    return kb


def problems_of(kb: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(kb.parent)
    graph, found = validate(kb)
    assert graph is None
    return [str(p) for p in found]


# -- the source document and its sections ----------------------------------------------------


def test_the_source_travels_with_the_knowledge() -> None:
    graph = load_graph()
    source = EMBEDDED_DIR / str(graph.meta["document"])
    assert source.name == "source.md" and source.is_file()
    doc = SourceDocument.read(source)
    section = doc.section("Sonographer/Ultrasound Technician")
    assert section is not None
    assert section.path[1:] == ("Technician", "Technical and Allied Health Careers",
                                "Sonographer/Ultrasound Technician")
    assert doc.find(section, "certification through ardms.") is not None  # case, punctuation
    assert doc.find(section, "Pass certification exam (ARRT)") is None  # another section


def test_normalising_ignores_case_punctuation_markdown_and_list_markers() -> None:
    assert normal("- **Interventional Radiology**: 2-year fellowship") == (
        "interventional radiology 2 year fellowship")


def test_every_fact_of_the_embedded_graph_cites_its_source() -> None:
    graph = load_graph()
    stated = [n for n in graph if n.type != "concept" or n.summary]
    assert all(n.facts for n in stated)
    for node in graph:
        for fact in node.facts:
            assert fact.sources, (node.id, fact.field)
            for source in fact.sources:
                assert source.line > 0 and source.section


# -- check: quotes, keywords, related terms, stated relations --------------------------------


def test_a_quote_missing_from_its_section_fails_with_file_line_col(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = write_kb(tmp_path, """\
          - id: welder
            type: role
            name: Welder
            summary: Welders join metal.
            section: Welder
            duties:
              - Weld underwater pipelines
              - text: Complete a welding program
                source: {section: Training, quote: Complete a 3-year welding program}
        """)
    found = problems_of(kb, monkeypatch)
    assert found == [
        "kb/field.yaml:11:7: error: duties of 'welder': 'Weld underwater pipelines' is not in "
        "source.md under 'Welder'; quote the source ({text: ..., source: quote}) or declare "
        "the words as 'related:'",
        "kb/field.yaml:13:15: error: duties of 'welder': 'Complete a 3-year welding program' is "
        "not in source.md under 'Training'; quote the source ({text: ..., source: quote}) or "
        "declare the words as 'related:'",
    ]


def test_keywords_must_be_words_of_the_cited_lines_or_declared_related(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = write_kb(tmp_path, """\
          - id: welder
            type: role
            name: Welder
            summary: Welders join metal.
            section: Welder
            keywords:
              - metal: [steel]
              - sparks
            related: [sparks and fire]
        """)
    found = problems_of(kb, monkeypatch)
    assert len(found) == 1 and found[0].startswith("kb/field.yaml:12:7: error: keyword "
                                                   "'sparks' of 'welder' is not a word")


def test_a_full_name_is_the_documents_own(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A full name is shown as the thing's name ('Magnetic resonance imaging (MRI)'): one the
    document never gives is invented (audit L)."""
    kb = write_kb(tmp_path, """\
          - id: welder
            type: role
            name: Welder
            full_name: Underwater welding technician
            summary: Welders join metal.
            section: Welder
        """)
    found = problems_of(kb, monkeypatch)
    assert len(found) == 1 and "full name 'Underwater welding technician' of 'welder' has " \
        "words source.md never uses (underwater, technician)" in found[0], found


def test_no_modality_is_given_a_name_the_document_never_uses(adv: Advisor) -> None:
    assert "Magnetic resonance" not in ask(adv, "Which radiology jobs involve MRI?")
    assert "representative" not in ask(adv, "What is medical device sales?")


def test_a_stated_relation_needs_its_quote_and_a_quote_needs_three_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = write_kb(tmp_path, """\
          - id: welder
            type: role
            name: Welder
            summary: Welders join metal.
            section: Welder
            relations:
              requires: [program]
              certified_by:
                - aws: {section: Training, quote: AWS}
          - id: program
            type: training
            name: Welding program
            summary: {text: A welding program., source: Complete a 2-year welding program}
            section: Training
          - id: aws
            type: credential
            name: AWS certification
            summary: Pass the AWS certification exam.
            section: Training
        """)
    found = problems_of(kb, monkeypatch)
    assert any("'requires: program' of 'welder' states something" in p for p in found)
    assert any("the quote 'AWS' is too short" in p for p in found)


def test_a_directory_without_a_source_document_is_not_quote_checked(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.yaml").write_text(dedent("""\
        nodes:
          - id: welder
            type: role
            name: Welder
            summary: Anything at all.
            section: Anywhere
        """), encoding="utf-8")
    graph, found = validate(kb)
    assert found == [] and graph is not None and graph.node("welder").facts == ()


def test_check_passes_on_the_embedded_knowledge(adv: Advisor) -> None:
    status, out, _err = run_cli(["check"], b"", adv)
    assert status == 0 and b"valid" in out


# -- Reply.sources ---------------------------------------------------------------------------


def test_a_reply_lists_the_section_and_line_of_each_fact(adv: Advisor) -> None:
    reply = adv.session().ask("What certification does a sonographer need?")
    quotes = {s.quote for s in reply.sources}
    assert "Certification through ARDMS" in quotes
    assert all(s.section.endswith("Sonographer/Ultrasound Technician") for s in reply.sources)
    assert reply.sources[0].shown() == (
        "Technical and Allied Health Careers › Sonographer/Ultrasound Technician")


def test_a_computed_total_lists_the_facts_it_adds(adv: Advisor) -> None:
    reply = adv.session().ask("How long does it take to become a radiologist?")
    assert "stated lengths add up to 8–9 years" in reply.text
    quotes = " | ".join(s.quote for s in reply.sources)
    assert "Complete 4 years of medical school" in quotes and "4-5 years" in quotes


def test_every_json_reply_carries_sources(adv: Advisor) -> None:
    questions = "".join(json.dumps({"session": str(i), "text": q}) + "\n" for i, q in enumerate(
        ["hello", "What does a sonographer do?", "How long is residency?", "thanks"]))
    status, out, _err = run_cli(["ask", "--jsonl"], questions.encode(), adv)
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert status == 0 and len(rows) == 4, out
    assert all("sources" in row for row in rows)
    assert rows[0]["sources"] == [] and rows[3]["sources"] == []  # no fact stated
    assert rows[1]["sources"] and rows[2]["sources"]
    assert set(rows[1]["sources"][0]) == {"section", "quote", "line"}


def test_explain_and_the_chat_show_the_sources(adv: Advisor) -> None:
    reply = adv.session().ask("What does a sonographer do?")
    assert "source: Technician > Technical and Allied Health Careers > Sonographer" in str(
        reply.explain)
    shown = plain(render_reply(reply, adv.graph, width=100, sources=True))
    assert "Source: Technical and Allied Health Careers › Sonographer/Ultrasound Technician" \
        in shown
    assert "Source:" not in plain(render_reply(reply, adv.graph, width=100))
    chat = Chat(adv, width=lambda: 100)
    assert "Source:" in plain(chat.handle("What does a sonographer do?"))
    assert "sources off" in plain(chat.handle("/sources off"))
    assert "Source:" not in plain(chat.handle("What does a sonographer do?"))
    assert "usage: /sources on|off" in plain(chat.handle("/sources maybe"))


# -- what the audit found (each stands for its kind) -----------------------------------------


@pytest.mark.parametrize(("question", "says"), [
    ("How long is premed?", "The document does not mention premed"),
    ("What is women's imaging?", "The document does not mention women's imaging; the "
                                 "closest it has is Breast Imaging"),
    ("what is cme", "The document does not mention cme"),
    ("Do medical device sales reps travel?", "does not mention travel for Medical Device Sales"),
])
def test_a_related_term_is_said_to_be_absent_from_the_document(adv: Advisor, question: str,
                                                                says: str) -> None:
    assert says in ask(adv, question)


@pytest.mark.parametrize(("question", "both"), [
    ("Which careers involve cardiac imaging?", ("Thoracic Radiology", "Sonographer")),
    ("tell me about nuclear medicine", ("Nuclear Medicine", "Nuclear Medicine Technologist")),
    ("What AI careers are there?", ("AI and machine learning", "Research Scientist")),
])
def test_a_term_the_source_states_of_two_careers_names_both(adv: Advisor, question: str,
                                                            both: tuple[str, str]) -> None:
    text = ask(adv, question)
    assert all(name in text for name in both), text


def test_a_credential_asked_of_the_wrong_career_says_whose_it_is(adv: Advisor) -> None:
    text = ask(adv, "Does a nuclear medicine technologist need ARRT?")
    assert text.startswith("The document does not name ARRT certification for Nuclear "
                           "Medicine Technologist.")
    assert "Radiologic Technologist" in text and "names no certification" in text
    assert "ARDMS" in ask(adv, "Does a sonographer need ARRT?")


def test_no_order_or_certification_is_inferred(adv: Advisor) -> None:
    path = ask(adv, "How do I become a radiologist?")
    assert "→" not in path and "without saying in which order" in path
    assert "As a specialisation" not in ask(adv, "Which certification does an IR fellow need?")
    assert "names no certification for Interventional Radiology itself" in ask(
        adv, "Which certification does an IR fellow need?")
    assert "medical school" not in ask(adv, "How do I become an AI specialist?").lower()


def test_how_long_fellowships_last_names_the_one_stated_length(adv: Advisor) -> None:
    assert "Interventional Radiology fellowship (2 years)" in ask(adv, "How long are fellowships?")


def test_the_technicians_sentence_belongs_to_every_technical_position(adv: Advisor) -> None:
    for career in ("radiologic technologist", "nuclear medicine technologist", "sonographer",
                   "quality assurance specialist"):
        reply = adv.session().ask(f"What does a {career} do?")
        assert "Medical imaging technicians operate the equipment" in reply.text, career
        assert any(s.section == "Technician" for s in reply.sources), career  # quoted there
    assert not ask(adv, "What does a radiologic technologist do?").startswith(
        "Radiologic technologists operate")


# -- regression tests from the fidelity audit (tests/fidelity/audit.yaml) --------------------


@pytest.mark.parametrize(("question", "says", "never"), [
    # wrong before: the preliminary year's options asked, the fellowships listed
    ("What specialties can the preliminary year be in?",
     "often surgery, internal medicine or transitional year", "Neuroradiology"),
    # wrong before: a 3-year fellowship asked, answered with certification
    ("Do interventional radiologists need a 3-year fellowship?",
     "Interventional Radiology takes 2 years, not 3 years", "ABR"),
    ("Is medical school 6 years?", "Medical school takes 4 years, not 6 years", ""),
    # wrong before: careers whose training the document never describes 'do not need' it
    ("Which careers don't need medical school?",
     "The document does not say what training Medical Device Sales", "• Medical Device Sales"),
    # dumps before
    ("Does a research scientist need an MD?", "For Research Scientist it lists: PhD or MD/PhD",
     "Attention to detail"),
    ("What careers involve ultrasound?", "Careers the document mentions ultrasound for:",
     "Physician Training Pathway"),
    # the point missed before
    ("Do academic radiologists see patients?", "clinical practice", "compensated"),
    ("How long is the neuroradiology fellowship?",
     "does not say how long the neuroradiology fellowship takes", "8–9 years"),
    ("What do I do after residency?",
     "After residency, radiologists may pursue fellowships", ""),
    ("Does the preliminary year come before residency?", "in no stated order", ""),
    ("Can a radiologic technologist specialize in ultrasound?", "Sonographer", ""),
    ("How many ABR exams are there?", "The document does not give a number for that", ""),
    ("Which takes longer, radiologist or radiologic technologist?",
     "Time: Radiologist: stated lengths add up to 8–9 years; the document does not state a "
     "length for preliminary year; Radiologic Technologist: not stated", ""),
    ("Is telemedicine radiology an emerging career?",
     "under Emerging Career Paths for Radiologists", ""),
    ("Do I need a license to be a sonographer?",
     "does not name Continuing education for Sonographer", ""),
    ("What skills does a sonographer need?", "not for a sonographer specifically",
     "specialize in cardiac"),
])
def test_audit_findings_stay_fixed(adv: Advisor, question: str, says: str, never: str) -> None:
    text = ask(adv, question)
    assert says in text, text
    assert not never or never not in text, text


@pytest.mark.parametrize(("question", "word"), [
    ("What states have the most radiology jobs?", "states"),
    ("Do sonographers use radiation?", "radiation"),
    ("Do QA specialists repair equipment?", "repair"),
    ("Do sonographers scan heart valves?", "heart valves"),
    ("Can I work abroad as a radiologist?", "abroad"),
])
def test_a_word_the_document_never_uses_is_said_to_be_absent_first(adv: Advisor, question: str,
                                                                   word: str) -> None:
    first = ask(adv, question).split("\n", 1)[0]
    assert re.search(rf"(does not mention|says nothing about|does not say[^.]*) .?{word}",
                     first), first


def test_the_interview_states_no_order_the_document_does_not(adv: Advisor) -> None:
    text = ask(adv, "What fellowship should I do if I like procedures?")
    assert "Listed first: medical school" in text and "Also listed: residency" in text
    assert "Then: residency" not in text and "Start with" not in text


def test_notes_never_echo_a_huge_word(adv: Advisor) -> None:
    text = ask(adv, "what is IR? " + "x" * 5000)
    assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" not in text


def test_a_degree_asked_of_a_career_the_document_names_none_for(adv: Advisor) -> None:
    text = ask(adv, "Does an informatics specialist need a PhD?")
    assert text.startswith("The document does not name PhD or MD/PhD in imaging sciences for "
                           "Informatics Specialist.")
    assert "It names no training for Informatics Specialist" in text


@pytest.mark.parametrize("question", [
    "What careers are there in radiology?",          # a list: where each career stands
    "How long is the preliminary year?",             # a silence: where the step stands
    "Does a nuclear medicine technologist need ARRT?",  # a note quoting another career
    "Which careers need medical school?",            # a list by a requirement: its quote
])
def test_every_answer_that_states_something_cites_the_source(adv: Advisor,
                                                             question: str) -> None:
    reply = adv.session().ask(question)
    assert reply.sources, reply.text
    assert all(s.line > 0 and s.quote for s in reply.sources)


def test_json_carries_sources_too(adv: Advisor) -> None:
    status, out, _err = run_cli(["ask", "--json", "What does ARDMS certify?"], b"", adv)
    data = json.loads(out.decode().splitlines()[0])
    assert status == 0 and data["sources"]
    assert data["sources"][0]["section"].endswith("Sonographer/Ultrasound Technician")


def test_a_heading_or_a_list_lead_in_is_never_a_sentence_alone(adv: Advisor) -> None:
    text = ask(adv, "Tell me about skills and competencies")
    assert not any(line.rstrip().endswith("require:") for line in text.split("\n")), text
    assert "Compensation and Job Outlook." not in ask(adv, "Tell me about compensation")


@pytest.mark.parametrize(("question", "flagged", "not_flagged"), [
    ("Does a radiologic technologist need a master's degree?", "master", "matter"),
    ("Do academic radiologists present at conferences?", "", "president"),
    ("what skils do i need", "", "skils"),
])
def test_a_typo_is_no_absent_word_and_a_respelled_real_word_is(adv: Advisor, question: str,
                                                               flagged: str,
                                                               not_flagged: str) -> None:
    first = ask(adv, question).split("\n", 1)[0]
    assert not flagged or f"does not mention {flagged}" in first, first
    assert f"mention {not_flagged}" not in first, first


@pytest.mark.parametrize("question", [
    "what's the residency length for radiology",
    "Which fellowship handles bone and joint imaging?",
    "research scientist imaging qualifications?",
    "rad tech requirments?",
    "Who manages PACS?",
])
def test_a_word_that_asks_how_is_never_said_to_be_absent(question: str) -> None:
    """Found by an independent audit: a question's own asking word ('length', 'manages') was
    reported as a word the document never uses, right before the answer that says it."""
    text = Advisor().ask(question).text
    assert "does not mention" not in text.split("\n")[0], text


@pytest.mark.parametrize(("question", "opening", "also"), [
    ("Is the IR fellowship 3 years?", "No.", "2 years"),
    ("Is medical school 5 years for radiologists?", "No.", "Medical school takes 4 years"),
    ("Do sonographers need ARRT?", "The document does not name ARRT", "ARDMS"),
    ("Do radiologic technologists need ARRT?", "Yes.", "ARRT"),
    ("Do QA specialists audit imaging practices?", "Yes.", "Audit imaging practices"),
    ("Can a rad tech specialize in MRI?", "Yes.", "MRI"),
    ("Does musculoskeletal radiology focus on brain imaging?", "The document does not say so.",
     "Neuroradiology"),
    ("Do sonographers specialize in breast ultrasound?", "The document does not say so.",
     "Breast Imaging"),
    ("Do academic radiologists see patients?", "The document does not say that in those words",
     "clinical practice"),
    ("Is a sonographer the same as an ultrasound technician?", "Yes: the document uses both",
     "Sonographer"),
])
def test_a_yes_no_question_is_answered_yes_no_or_unsaid_first(
        adv: Advisor, question: str, opening: str, also: str) -> None:
    text = ask(adv, question)
    assert text.startswith(opening) and also in text, text


@pytest.mark.parametrize("question", [
    "Do technicians interpret images?",  # the words are there, but said of radiologists
    "Technicians interpret the images, right?",
    "Are there radiology careers that don't need a medical degree?",  # a list answers it
    "Does pediatric radiology cover only adults?",  # a limit the answer cannot settle
    "Does a nuclear medicine technologist need ARRT?",  # no credential named: no yes, no no
])
def test_no_yes_where_the_document_does_not_settle_it(adv: Advisor, question: str) -> None:
    text = ask(adv, question)
    assert not text.startswith(("Yes", "No.")), text


def test_a_length_asked_of_a_fellowship_without_one_says_the_document_gives_none(
        adv: Advisor) -> None:
    text = ask(adv, "Is the breast imaging fellowship 2 years?")
    assert text.startswith("The source document does not say how long the breast imaging")
    assert "Radiology fellowship (2 years)" in text and "minimally invasive" not in text


def test_which_careers_are_found_from_their_own_lines(adv: Advisor) -> None:
    reply = adv.session().ask("Which careers involve teaching?")
    assert not reply.fallback and "Academic Radiologist" in reply.text
    assert "PACS" in ask(adv, "Which careers involve PACS?")
    assert "Informatics Specialist" in ask(adv, "Which careers involve PACS?")
    assert "Radiologist: Radiologists complete the American Board of Radiology" in ask(
        adv, "Who takes the ABR examinations?")
    assert adv.session().ask("Which careers involve firefighting?").fallback


def test_how_many_gets_the_count_of_the_list(adv: Advisor) -> None:
    assert ask(adv, "How many fellowship options are there?").startswith(
        "The document lists 8:")


def test_the_order_the_document_states_is_given_when_asked_either_way(adv: Advisor) -> None:
    text = ask(adv, "Do I need to do residency before a fellowship?")
    assert "After residency, radiologists may pursue fellowships" in text
    assert "does not say what comes before or after the residency" not in text


def test_a_category_compared_shows_what_the_document_says_of_all_its_careers(
        adv: Advisor) -> None:
    text = ask(adv, "What is the difference between a radiologist and a technician?")
    assert "ARRT" in text and "ARDMS" in text and "specialized training" in text
    assert "none named" not in text and "not described" not in text


def test_whether_a_step_is_required_is_read_from_the_listed_steps(adv: Advisor) -> None:
    assert ask(adv, "Is the internship required for radiology?").startswith(
        "Yes: the document lists the preliminary year (internship) among the steps for "
        "Radiologist.")
    text = ask(adv, "Is a fellowship required to be a radiologist?")
    assert text.startswith("The document does not list fellowship among the steps for "
                           "Radiologist") and "may pursue fellowships" in text
    assert ask(adv, "Is continuing education required for radiologic technologists?"
               ).startswith("Yes.")


@pytest.mark.parametrize("question", [
    "Waht is a radiologst?",  # two letters swapped: a typo, not a word the document lacks
    "What new careers are emerging in radiology?",  # 'new careers' names emerging careers
    "How many fellowships does the document list?",  # the document itself
])
def test_no_absence_claimed_for_typos_or_words_of_the_question_itself(
        adv: Advisor, question: str) -> None:
    assert "does not mention" not in ask(adv, question)


def test_a_career_asked_under_another_category_is_told_its_own(adv: Advisor) -> None:
    assert ask(adv, "Is informatics specialist a technical career?").startswith(
        "No: the document lists Informatics Specialist under Industry Careers, not under "
        "Technical and Allied Health Careers.")
    assert ask(adv, "Is the research scientist an academic career?").startswith("Yes.")


def test_a_length_inside_a_stated_range_is_stated_not_confirmed(adv: Advisor) -> None:
    assert ask(adv, "Is residency 4 years?") == (
        "The document says Diagnostic radiology residency typically takes 4–5 years.")



def test_a_silent_length_answered_with_the_closest_fact_says_it_is_silent_first(
        adv: Advisor) -> None:
    text = ask(adv, "How long is a radiologic technology degree?")
    assert text.startswith("The source document does not say how long")
    assert "associate or bachelor's degree in radiologic technology" in text


def test_a_step_word_inside_another_careers_name_is_that_career(adv: Advisor) -> None:
    text = ask(adv, "What is the difference between a nuclear medicine technologist and the "
                    "nuclear medicine fellowship?")
    assert "does not name Fellowship" not in text and "Nuclear Medicine:" in text


@pytest.mark.parametrize(("question", "absent"), [
    ("what are the main career paths in radiology", ""),  # a generic modifier
    ("Which roles come under the technician heading?", ""),  # a preposition, the document's parts
    ("Is continuing education needed to keep a rad tech license?", ""),  # a light verb
    ("Who do teleradiologists serve?", ""),  # a form of a name the graph has
    ("I'm a 3rd year med student, what comes next?", ""),  # a number
    ("Medical device sales reps mainly train staff, right?", ""),  # an adverb of 'main'
    ("Are fellowships mandatory after residency?", ""),  # a word that asks whether it is needed
    ("Does the guide discuss radiology careers in Canada?", "canada"),
    ("Do radiologists work weekends?", "weekends"),
])
def test_everyday_words_and_word_forms_are_never_said_to_be_absent(
        adv: Advisor, question: str, absent: str) -> None:
    """Found by the second independent audit: 'The document does not mention main.' (and
    'keep', 'under', 'section', 'teleradiologists') before an answer the document covers."""
    first = ask(adv, question).split("\n", 1)[0]
    if absent:  # (said as 'does not mention canada' or 'does not say whether ... weekends')
        assert "does not" in first and absent in first, first
    else:
        assert "does not mention" not in first, first


@pytest.mark.parametrize(("question", "opening"), [
    ("Is AI/ML specialist listed under technician careers?",
     "No: the document lists AI and Machine Learning Specialist under Emerging Career Paths for "
     "Radiologists, not under Technical and Allied Health Careers."),
    ("QA specialists in radiology are part of the industry careers section, right?",
     "No: the document lists Quality Assurance Specialist under Technical and Allied Health "
     "Careers, not under Industry Careers."),
    ("Is the sonographer one of the technical careers?",
     "Yes: the document lists Sonographer under Technical and Allied Health Careers."),
])
def test_a_career_asked_inside_a_category_is_told_where_it_is_listed(
        adv: Advisor, question: str, opening: str) -> None:
    text = ask(adv, question)
    assert text.startswith(opening), text
    assert "Yes." not in text and "does not say so" not in text, text


@pytest.mark.parametrize(("question", "said", "unsaid"), [
    ("So becoming an IR is 4 years med school plus 2 years residency?",
     ["residency takes 4–5 years, not 2 years"], ["Medical school takes"]),
    ("So IR = 4 yrs med school + 5 yr residency + 3 yr fellowship = 12 years?",
     ["Interventional Radiology takes 2 years, not 3 years", "add up to 10–11 years, not 12"],
     ["not 4 years"]),
    ("The interventional radiology fellowship lasts one year, right?",
     ["No. The document says Interventional Radiology takes 2 years, not 1 year."], []),
])
def test_each_length_of_a_trap_is_checked_against_the_step_it_is_said_of(
        adv: Advisor, question: str, said: list[str], unsaid: list[str]) -> None:
    """A wrong figure is contradicted with the document's figure for the step the question
    gives it for, not for whichever step the answer is about."""
    text = ask(adv, question)
    assert all(s in text for s in said), text
    assert not any(s in text for s in unsaid), text


def test_a_length_asked_for_is_no_claim_to_check(adv: Advisor) -> None:
    text = ask(adv, "Which radiology fellowship is two years long?")
    assert "Interventional Radiology" in text and "does not say how long" not in text


def test_a_superlative_is_never_confirmed_from_among_the_highest(adv: Advisor) -> None:
    text = ask(adv, "Are radiologists the highest paid doctors?")
    assert not text.startswith("Yes") and "among the highest" in text, text


@pytest.mark.parametrize(("question", "said", "unsaid"), [
    ("Which careers require certification exams?", ["ABR", "ARRT", "ARDMS"],
     ["Physician Training Pathway:", "Diagnostic Radiologist"]),
    ("Which skills does the guide list for radiology careers?",
     ["Strong scientific and analytical thinking", "Attention to detail"], ["Sonographer"]),
    ("Which jobs bridge clinical and IT?", ["Informatics Specialist"], ["Sonographer"]),
    ("Do radiology careers require physical stamina?",
     ["does not mention stamina", "It covers radiology careers"], ["Sonographer"]),
])
def test_a_question_answered_by_every_career_gets_what_it_asks_instead(
        adv: Advisor, question: str, said: list[str], unsaid: list[str]) -> None:
    """Dumps found by the second audit: the whole list of careers for a question about
    certifications, skills, a duty, or something the document never covers."""
    text = ask(adv, question)
    assert all(s in text for s in said), text
    assert not any(s in text for s in unsaid), text


@pytest.mark.parametrize(("question", "careers", "not_careers"), [
    ("Which careers involve teaching or training others?",
     ["Academic Radiologist", "Medical Device Sales"], ["Sonographer"]),  # 'train in': own
    ("Which careers involve safety?",
     ["Nuclear Medicine Technologist", "Quality Assurance Specialist"], []),  # 'safely'
    ("Which two careers bridge clinical and technical worlds?",
     ["Informatics Specialist", "AI and Machine Learning Specialist"], []),
    ("Which careers involve research?", ["Academic Radiologist", "Research Scientist"], []),
    ("Which careers involve patient care?", ["Radiologist"], ["Medical Device Sales"]),
])
def test_which_careers_do_something_is_read_from_their_lines_word_forms_and_alternatives(
        adv: Advisor, question: str, careers: list[str], not_careers: list[str]) -> None:
    reply = adv.session().ask(question)
    assert not reply.fallback, reply.text
    assert all(f"• {c}:" in reply.text for c in careers), reply.text
    assert not any(f"• {c}:" in reply.text for c in not_careers), reply.text


@pytest.mark.parametrize(("question", "opening"), [
    ("how many sonography specialties are listed", "The document lists 4:"),
    ("How many skills are listed?", "The document lists 5:"),
    ("How many continuing education credits do rad techs need?",
     "The document does not give a number for that."),
    ("How many radiologists are there?", "The document does not give a number for that."),
])
def test_how_many_counts_what_the_answer_lists_and_nothing_else(
        adv: Advisor, question: str, opening: str) -> None:
    text = ask(adv, question)
    assert opening in text.split("\n")[:2], text


def test_a_related_term_made_of_a_categorys_career_names_is_not_absent(adv: Advisor) -> None:
    text = ask(adv, "Does specializing increase pay for technologists?")
    assert "does not mention technologist" not in text and "good salaries" in text
    assert "does not mention selling" not in ask(adv, "selling imaging machines as a career?")


@pytest.mark.parametrize(("question", "opening"), [
    ("Technicians interpret images and radiologists operate the scanners, right?",
     "No: the document says: Medical imaging technicians operate the equipment and capture "
     "images that radiologists interpret."),
    ("Technologists interpret the images, and radiologists capture them, right?", "No: "),
    ("Do radiologists interpret images that technicians capture?",
     "Yes: the document says: Medical imaging technicians operate"),
])
def test_roles_given_to_the_wrong_careers_are_corrected_from_the_line_naming_both(
        adv: Advisor, question: str, opening: str) -> None:
    text = ask(adv, question)
    assert text.startswith(opening), text
    assert "not under" not in text, text


def test_a_comparison_asked_with_a_ranking_word_says_the_document_ranks_none(
        adv: Advisor) -> None:
    text = ask(adv, "Which is better, radiologist or radiologic technologist?")
    assert text.startswith("The document does not say which is better"), text
    assert "Radiologist: may pursue fellowships in subspecialties: Interventional Radiology" \
        in text and "Radiologist: not stated" not in text, text


@pytest.mark.parametrize(("question", "opening", "also"), [
    ("What does ARRT stand for?", "The document does not spell out ARRT", "ARRT"),
    ("what is ARDMS short for", "The document does not spell out ARDMS", "ARDMS"),
    ("What does PACS stand for?", "PACS stands for Picture Archiving", "informatics"),
    ("Where is the AI specialist role listed in the document?",
     "The document lists AI and Machine Learning Specialist under Emerging Career Paths for "
     "Radiologists.", "algorithms"),
    ("Which careers require continuing education?",
     "Careers the document mentions Continuing education for:", "license maintenance"),
    ("Does the intern year have to be in radiology?", "A preliminary year (internship), often "
     "in surgery, internal medicine, or a transitional year.", ""),
    ("Does body imaging include the pelvis?", "Yes.", "pelvic"),  # a form of the word
])
def test_the_point_asked_is_answered_from_what_the_document_says_of_it(
        adv: Advisor, question: str, opening: str, also: str) -> None:
    text = ask(adv, question)
    assert text.startswith(opening) and also in text, text


def test_a_related_term_the_document_uses_elsewhere_says_where(adv: Advisor) -> None:
    text = ask(adv, "Is surgery a radiology fellowship?")
    assert "The document also mentions surgery for Preliminary year" in text, text
    assert "does not mention surgery for Interventional Radiology" in text, text


def test_a_comparison_row_that_says_nothing_of_either_is_left_out(adv: Advisor) -> None:
    text = ask(adv, "Compare ARRT and ARDMS.")
    assert "none named" not in text and "not described" not in text, text
    assert "Sonographers get certification through ARDMS" in text, text


@pytest.mark.parametrize("question", [
    "Do you do the fellowship before or after residency?",  # a choice, not a yes or a no
    "Is cardiac imaging its own fellowship in the guide?",  # 'its own': a line naming it is no yes
    "Can a radiologic technologist go on to become a radiologist?",  # the answer says no route
])
def test_no_yes_opens_an_answer_the_question_does_not_ask_yes_or_no_of(
        adv: Advisor, question: str) -> None:
    assert not ask(adv, question).startswith(("Yes", "No.")), question


def test_a_verb_followed_by_about_is_what_is_said_not_a_missing_thing(adv: Advisor) -> None:
    first = ask(adv, "Does the document talk about radiology careers in Australia?").split(
        "\n", 1)[0]
    assert first == "The document does not mention australia.", first


def test_a_step_named_in_a_need_question_is_yes_only_where_stated_as_needed(adv: Advisor) -> None:
    """Audit 3's one invented answer: 'do I need a fellowship to read mammograms?' got 'Yes.'
    because the answer names a fellowship; the document never says one is needed."""
    assert not ask(adv, "Do I need a fellowship to read mammograms?").startswith("Yes")
    assert ask(adv, "do rad techs need continuing ed").startswith("Yes.")


def test_a_count_is_of_what_the_answer_shows(adv: Advisor) -> None:
    """Audit M: 'how many key skills' counted the careers a first reading listed ('The
    document lists 20:') above the five skills it showed."""
    text = ask(adv, "How many key skills does the guide list for radiology careers?")
    assert text.startswith("The document lists 5:") and "20" not in text, text
    assert ask(adv, "how many fellowships are there?").startswith("The document lists 8:")
    assert "lists 20" not in ask(adv, "How many radiology residency positions are there each year?")


def test_what_comes_before_a_fellowship_is_the_line_that_says_so(adv: Advisor) -> None:
    """'How long is the IR fellowship?' then 'and before that?': the document says only that
    fellowships come after residency; that line, and no order it never states."""
    s = adv.session()
    s.ask("How long is the fellowship in interventional radiology?")
    text = s.ask("And before that, what does he need to finish?").text
    assert text.startswith("The document says: After residency, radiologists may pursue "
                           "fellowships in subspecialties."), text
    after = s.ask("and after that?").text
    assert "After residency" not in after


def test_a_salary_asked_in_dollars_is_flagged(adv: Advisor) -> None:
    """The document gives no salary figures: asked for one in dollars, the pay lines come
    flagged as a point it does not cover (a bet of '20 bucks' in a story is no such ask)."""
    reply = adv.session().ask("Not interested in being a doctor. How much does a radiologic "
                              "technologist earn a year, in actual dollars?")
    assert reply.fallback and "good salaries" in reply.text, reply.text


@pytest.mark.parametrize(("question", "says"), [
    ("Radiologists are among the lowest-paid physician specialists, right?",
     "No: the document says: Physician radiologists rank among the highest compensated"),
    ("Telemedicine radiologists have to be on-site at the hospital, correct?",
     "No: the document says: Telemedicine radiologists interpret images remotely"),
    ("Is the radiology job market shrinking?",
     "No: the document says: Growing demand for imaging services drives job growth"),
    ("Breast imaging is only mammography, right?",
     "No: the document says: Breast Imaging: mammography, breast ultrasound, and breast MRI"),
    ("Pediatric radiology is only for infants, right?",
     "No: the document says: Pediatric Radiology is a radiology fellowship subspecialty: "
     "imaging of infants, children, and adolescents"),
    ("I heard radiologists are among the lowest-paid doctors now. True?",
     "No: the document says: Physician radiologists rank among the highest compensated"),
    ("someone told me breast imaging radiologists just look at mammograms all day",
     "No: the document says: Breast Imaging: mammography, breast ultrasound, and breast MRI"),
])
def test_a_claim_the_document_contradicts_is_said_no(adv: Advisor, question: str,
                                                     says: str) -> None:
    """A claim whose word the document states the opposite of ('lowest' / 'highest',
    'on-site' / 'remotely', 'shrinking' / 'growing'), or that limits a thing to one item a
    line lists among others, is answered no with that line, never as a point it is silent on."""
    reply = adv.session().ask(question)
    assert reply.text.startswith(says), reply.text
    assert "does not mention" not in reply.text and not reply.fallback


@pytest.mark.parametrize("question", [
    "can I become a rad tech with just an associate degree?",
    "is there a radiologist who only does brains?",
    "Radiology jobs aren't shrinking, right?",
])
def test_enough_or_a_negated_claim_is_no_contradiction(adv: Advisor, question: str) -> None:
    """'With just an associate' asks what is enough, 'is there one who only ...' what exists,
    and a negated claim agrees with the line: none is said no."""
    assert not adv.session().ask(question).text.startswith("No:")


@pytest.mark.parametrize(("question", "flagged"), [
    ("ngl how much do rad techs make an hour in actual numbers", True),
    ("radiologist salary in numbers pls, is it like 400k or more?", True),
    ("rad tech salary → $ per yr??", True),
    ("What's the average yearly salary of a sonographer?", True),
    ("How much do radiologists make?", False),
    ("How does the guide describe radiologist pay? no numbers needed, just the wording", False),
])
def test_a_pay_figure_asked_is_flagged_with_the_pay_lines(adv: Advisor, question: str,
                                                           flagged: bool) -> None:
    """A figure asked of pay ('per hour', 'in numbers', '400k') is a point the document never
    covers: the pay lines answer, flagged; pay asked plainly is answered, not flagged."""
    reply = adv.session().ask(question)
    assert "does not give salary figures" in reply.text, reply.text
    assert reply.fallback is flagged, reply.text


@pytest.mark.parametrize(("question", "flagged"), [
    ("what does ARDMS stand for? need to write it out in full for my works cited", True),
    ("What does PACS stand for?", False),
])
def test_an_acronym_the_document_never_spells_out_is_flagged(adv: Advisor, question: str,
                                                              flagged: bool) -> None:
    """What ARDMS stands for is a point the document does not cover: flagged, as other
    silences are; PACS it spells out."""
    assert adv.session().ask(question).fallback is flagged


@pytest.mark.parametrize(("question", "flagged"), [
    ("What's the projected percentage job growth for sonographers over the next ten years?",
     True),
    ("I want to be the one who figures out what's going on from the scan. What does that "
     "doctor's job involve?", False),
])
def test_a_figure_asked_is_flagged_even_where_the_answer_opens_silent(
        adv: Advisor, question: str, flagged: bool) -> None:
    """'What percentage growth?': the outlook answer opens 'does not say anything about the
    outlook specific to ...' and names no figure; the figure asked is still one the document
    never gives ('figures out' asks none)."""
    assert adv.session().ask(question).fallback is flagged


def test_a_career_not_listed_under_a_heading_may_have_a_path_there(adv: Advisor) -> None:
    """'Can radiologists work in academia?': radiologists are listed under the physician
    pathway, but the academic radiologist, a path that needs them, is listed under academic
    and research careers: yes, with that line, never 'No: ... not under ...' (audit P)."""
    text = adv.session().ask("Can radiologists work in academia?").text
    assert text.startswith("Yes: the document lists Academic Radiologist under Academic and "
                           "Research Careers."), text
    assert "in those words" not in text
