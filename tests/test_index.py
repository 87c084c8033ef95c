"""The semantic index: free text -> the graph nodes it talks about, with the graph's own facts."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from knowledge import Edge, Graph, KnowledgeError, Node, load_graph
from knowledge.index import Hit, IndexSettings, SemanticIndex

CAREERS = {"role", "subspecialty"}


@pytest.fixture(scope="module")
def index() -> SemanticIndex:
    return SemanticIndex.of(load_graph())


def top(index: SemanticIndex, text: str, types: set[str] | None = CAREERS) -> str:
    hits = index.query(text, types=types)
    assert hits, f"nothing found for {text!r}"
    return hits[0].node.id


@pytest.mark.parametrize(("text", "expected"), [
    ("who runs the PET scanner?", "nuclear_medicine_technologist"),
    ("which fellowship for kids?", "pediatric_radiology"),
    ("bones and sports injuries", "musculoskeletal_radiology"),
    ("I'm fascinated by the brain and spine", "neuroradiology"),
    ("screening mammograms", "breast_imaging"),
    ("catheters and needles", "interventional_radiology"),
    ("code and algorithms", "ai_specialist"),
    ("archives and IT systems", "informatics_specialist"),
    ("selling and relationships", "medical_device_sales"),
    ("rural towns and remote work", "telemedicine_radiologist"),
    ("pregnancy scans", "sonographer"),
])
def test_what_people_say_finds_the_career_whose_facts_match(index: SemanticIndex, text: str,
                                                           expected: str) -> None:
    assert top(index, text) == expected


def test_typos_are_tolerated(index: SemanticIndex) -> None:
    assert top(index, "pediatirc radiolgy") == "pediatric_radiology"
    hit = index.query("pediatirc radiolgy", types=CAREERS)[0]
    assert hit.words == ("pediatirc", "radiolgy")  # quoted as the person typed them


def test_a_hit_quotes_the_graph_facts_that_hold_the_words(index: SemanticIndex) -> None:
    hit = index.query("who handles radioactive materials?", types={"role"})[0]
    assert hit.node.id == "nuclear_medicine_technologist"
    assert "radioactive" in hit.words
    assert hit.facts[0] == "Handle radioactive materials safely"
    for fact in hit.facts:  # every fact shown is the node's own text, never more
        assert fact in (*hit.node.get("duties", ()), hit.node.summary)


def test_types_restrict_and_rarer_words_weigh_more(index: SemanticIndex) -> None:
    assert all(h.node.type == "modality" for h in index.query("PET and MRI", types={"modality"}))
    # "imaging" is everywhere, "tracers" in one place: the rare word decides.
    assert top(index, "imaging with tracers") == "nuclear_medicine"
    assert index.idf("tracer") > index.idf("imag")


def test_function_words_and_nonsense_find_nothing(index: SemanticIndex) -> None:
    assert index.query("what is it that you would do") == []
    assert index.query("asdfgh qwerty") == []
    assert index.query("") == []
    assert index.query("x " * 100_000, limit=3) is not None  # long input is cut, not a hang


def test_score_of_one_node_and_terms(index: SemanticIndex) -> None:
    hit = index.score("breast_imaging", "women's health and cancer screening")
    assert isinstance(hit, Hit) and hit.score > 0
    assert index.score("breast_imaging", "bones") is None
    assert "children" in index.terms("childern")  # the typo is read as the known word


def test_another_field_is_indexed_without_code() -> None:
    nodes = [Node("baker", "role", "Baker", "Bakers bake bread at dawn.", "Bakery",
                  keywords=("sourdough",)),
             Node("pastry_chef", "role", "Pastry Chef", "Pastry chefs make desserts.", "Bakery",
                  fields={"duties": ("Temper chocolate",)}),
             Node("oven", "concept", "Oven", "Where bread is baked.", "Bakery")]
    graph = Graph(nodes, [Edge("baker", "works_with", "oven")])
    index = SemanticIndex(graph)
    assert top(index, "i love sourdough", types=None) == "baker"
    assert index.query("chocolate", types={"role"})[0].facts == ("Temper chocolate",)
    assert top(index, "who uses the oven?", types={"role"}) == "baker"  # by its relation


def test_the_index_pickles(index: SemanticIndex) -> None:
    import advisor.cache  # noqa: F401  (registers how read-only mappings pickle, as the cache does)

    again = pickle.loads(pickle.dumps(index))
    assert again.query("brain and spine")[0].node.id == index.query("brain and spine")[0].node.id


def test_malformed_settings_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "index.yaml"
    bad.write_text("language: klingon\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no Snowball stemmer for language 'klingon'"):
        IndexSettings.load(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="must be a mapping"):
        IndexSettings.load(bad)
