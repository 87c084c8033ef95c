"""The embedded graph holds the whole source document, and invents nothing structural.

The source document travels with the knowledge (`knowledge/radiology/source.md`, named by
`document:` in field.yaml), so these checks run from a plain clone and never skip.
Every heading, bullet and sentence of it must be found in some node's text
(case-insensitively, whitespace folded); every verbatim field (statements, duties,
focus, pay, options, specialties) must come from the document; every node's `section` must be
a real heading. When a test here fails, add the missing line, verbatim, to the `statements`
of the node it belongs to in knowledge/radiology/*.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from knowledge import EMBEDDED_DIR, Graph, Node, load_graph
from knowledge.source import SourceDocument

SOURCE = EMBEDDED_DIR / "source.md"

#: Fields whose text is searched for the document's lines.
TEXT_FIELDS = ("summary", "statements", "duties", "focus", "pay", "options", "full_name", "name")
#: Fields that must quote the document (nothing invented): every entry is in the source.
VERBATIM_FIELDS = ("statements", "duties", "focus", "pay", "options", "specialties")

_BOLD_ITEM = re.compile(r"^\*\*(?P<name>[^*]+)\*\*:\s*(?P<text>.+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def fold(text: str) -> str:
    """Case-insensitive, whitespace-folded form used for every comparison."""
    return " ".join(text.split()).casefold()


def trim(text: str) -> str:
    """A sentence without its closing punctuation, so 'require:' matches 'require'."""
    return text.rstrip(" .:;!?")


@dataclass(frozen=True)
class Document:
    headings: tuple[str, ...]
    bullets: tuple[str, ...]
    sentences: tuple[str, ...]
    plain: str  # the body with markdown markers removed, folded


def parse(markdown: str) -> Document:
    lines = markdown.splitlines()
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        lines = lines[end + 1:]
    headings: list[str] = []
    bullets: list[str] = []
    sentences: list[str] = []
    plain: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            headings.append(text)
        elif line.startswith(("- ", "* ")):
            text = line[2:].strip()
            bullets.append(text)
            text = text.replace("**", "")
        else:
            text = line
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
        plain.append(text.replace("**", ""))
    return Document(tuple(headings), tuple(bullets), tuple(sentences), fold(" \n ".join(plain)))


def texts_of(node: Node, fields: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for name in fields:
        value = getattr(node, name) if name in {"name", "summary"} else node.get(name)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            found.extend(v for v in value if isinstance(v, str))
    return found


@pytest.fixture(scope="module")
def document() -> Document:
    return parse(SOURCE.read_text(encoding="utf-8"))


def test_the_source_document_is_the_one_the_field_declares(graph: Graph) -> None:
    assert SOURCE.is_file()
    assert EMBEDDED_DIR / str(graph.meta["document"]) == SOURCE


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


@pytest.fixture(scope="module")
def corpus(graph: Graph) -> dict[str, list[str]]:
    """Node id -> the folded text of its searchable fields."""
    return {node.id: [fold(t) for t in texts_of(node, TEXT_FIELDS)] for node in graph}


def holders(corpus: dict[str, list[str]], text: str) -> list[str]:
    wanted = fold(trim(text))
    return [node_id for node_id, texts in corpus.items() if any(wanted in t for t in texts)]


# -- the parser itself -----------------------------------------------------------------------


def test_parser_on_a_small_document() -> None:
    doc = parse(
        "---\ntitle: \"X\"\n---\n\n# Top\n\nOne sentence. Two: here!\n\n## Sub\n"
        "- plain bullet\n- **Name**: its text\n")
    assert doc.headings == ("Top", "Sub")
    assert doc.bullets == ("plain bullet", "**Name**: its text")
    assert doc.sentences == ("One sentence.", "Two: here!")
    assert "title" not in doc.plain
    assert "name: its text" in doc.plain


def test_the_checks_notice_a_line_no_node_holds(corpus: dict[str, list[str]]) -> None:
    assert holders(corpus, "Radiologists must also hold a pilot licence.") == []
    assert holders(corpus, "Certification through ARDMS") == ["ardms"]
    assert holders(corpus, "  CERTIFICATION   through ardms. ") == ["ardms"]


def test_the_document_was_parsed(document: Document) -> None:
    assert document.headings[0] == "Career Pathways in Radiology"
    assert len(document.headings) >= 20
    assert len(document.bullets) >= 50
    assert len(document.sentences) >= 8
    assert not any("sidebar_label" in s for s in document.sentences)


# -- the whole document is in the graph ------------------------------------------------------


def test_every_heading_is_a_section_name_or_statement(graph: Graph,
                                                      document: Document) -> None:
    known: set[str] = set()
    sections = SourceDocument.read(SOURCE)
    for node in graph:
        known.add(fold(node.section))
        section = sections.section(node.section)
        assert section is not None, node.id
        known.update(fold(h) for h in section.path)  # a heading above a node's section
        known.update(fold(t) for t in texts_of(node, ("name", "full_name", "statements")))
    missing = [h for h in document.headings if fold(h) not in known]
    assert missing == [], f"headings held by no node: {missing}"


def test_every_bullet_is_in_a_node(graph: Graph, document: Document,
                                   corpus: dict[str, list[str]]) -> None:
    names = {fold(node.name): node for node in graph}
    missing: list[str] = []
    for bullet in document.bullets:
        item = _BOLD_ITEM.match(bullet)
        if item:
            node = names.get(fold(item["name"]))
            if node is None:
                missing.append(f"{bullet!r}: no node named {item['name']!r}")
            elif node.id not in holders(corpus, item["text"]):
                missing.append(f"{bullet!r}: {node.id} does not hold {item['text']!r}")
        elif not holders(corpus, bullet.replace("**", "")):
            missing.append(repr(bullet))
    assert missing == [], "bullets held by no node:\n" + "\n".join(missing)


def test_every_sentence_is_in_a_node(document: Document, corpus: dict[str, list[str]]) -> None:
    missing = [s for s in document.sentences if not holders(corpus, s)]
    assert missing == [], f"sentences held by no node: {missing}"


# -- nothing structural is invented ----------------------------------------------------------


def test_every_section_is_a_real_heading(graph: Graph, document: Document) -> None:
    headings = {fold(h) for h in document.headings}
    wrong = [(node.id, node.section) for node in graph if fold(node.section) not in headings]
    assert wrong == [], f"sections that are not headings of the document: {wrong}"


def test_verbatim_fields_quote_the_document(graph: Graph, document: Document) -> None:
    invented = [
        (node.id, text)
        for node in graph
        for text in texts_of(node, VERBATIM_FIELDS)
        if fold(trim(text)) not in document.plain
    ]
    assert invented == [], f"field text not found in the document: {invented}"


def test_bold_bullet_names_are_subspecialty_names(graph: Graph, document: Document) -> None:
    bold = [m["name"] for b in document.bullets if (m := _BOLD_ITEM.match(b))]
    assert bold, "the document lists fellowships as '**Name**: text' bullets"
    subspecialties = {fold(n.name) for n in graph.of_type("subspecialty")}
    assert {fold(name) for name in bold} == subspecialties
