"""The embedded radiology graph as a user or content editor meets it.

Loading, lookups by id/name/the aliases people really type, typo tolerance that never guesses
wrong, relations, pathways with their totals, durations, and immutability.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import knowledge
import knowledge.text as knowledge_text
from knowledge import (
    EMBEDDED_DIR,
    AdvisorError,
    Duration,
    Edge,
    Graph,
    KnowledgeError,
    Match,
    Node,
    Pathway,
    Problem,
    load_graph,
    parse_duration,
    validate,
)
from knowledge.record import FrozenError

FELLOWSHIPS = (
    "interventional_radiology",
    "neuroradiology",
    "musculoskeletal_radiology",
    "body_imaging",
    "thoracic_radiology",
    "pediatric_radiology",
    "nuclear_medicine",
    "breast_imaging",
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


def ids(nodes: tuple[Node, ...] | list[Node]) -> list[str]:
    return [n.id for n in nodes]


# -- loading ---------------------------------------------------------------------------------


def test_embedded_graph_loads_without_problems() -> None:
    graph, problems = validate()
    assert problems == []
    assert graph is not None
    assert EMBEDDED_DIR.name == "radiology"
    assert sorted(p.name for p in EMBEDDED_DIR.glob("*.yaml"))  # the data ships as YAML


def test_load_graph_defaults_to_the_embedded_directory(graph: Graph) -> None:
    explicit = load_graph(EMBEDDED_DIR)
    assert ids(list(explicit)) == ids(list(graph))
    assert explicit.edges == graph.edges


def test_field_metadata(graph: Graph) -> None:
    assert graph.meta["name"] == "Careers in radiology"
    assert graph.meta["document"] == "source.md"  # the source document, beside the YAML
    assert (EMBEDDED_DIR / graph.meta["document"]).is_file()
    terms = graph.meta["domain_terms"]
    assert isinstance(terms, tuple)
    assert {"radiology", "x-ray", "imaging", "sonography"} <= set(terms)


def test_counts_add_up(graph: Graph) -> None:
    by_type, by_rel = graph.counts()
    assert sum(by_type.values()) == len(graph)
    assert sum(by_rel.values()) == len(graph.edges)
    assert set(by_type) <= set(knowledge.NODE_TYPES)
    assert set(by_rel) <= set(knowledge.RELATIONS)
    assert by_type["subspecialty"] == len(FELLOWSHIPS)
    assert by_type["credential"] == 3  # ABR, ARRT, ARDMS
    assert by_rel["specializes"] >= len(FELLOWSHIPS) + 1  # + diagnostic radiology


def test_every_career_of_the_document_is_a_node(graph: Graph) -> None:
    expected = {
        "radiologist", "diagnostic_radiology", *FELLOWSHIPS, "academic_radiologist",
        "research_scientist", "ai_specialist", "telemedicine_radiologist",
        "radiologic_technologist", "nuclear_medicine_technologist", "sonographer",
        "qa_specialist", "medical_device_sales", "informatics_specialist",
    }
    careers = {n.id for n in graph.of_type(*knowledge.CAREER_TYPES)}
    assert careers == expected


def test_container_protocol(graph: Graph) -> None:
    assert "radiologist" in graph
    assert "Radiologist" not in graph  # ids are exact; names go through lookup()
    assert graph.node("ct").name == "CT"
    assert graph.get("nope") is None
    with pytest.raises(KeyError, match="no node with id 'nope'"):
        graph.node("nope")
    assert len(list(graph)) == len(graph)


def test_of_type_keeps_declaration_order(graph: Graph) -> None:
    assert ids(graph.of_type("credential")) == ["abr", "arrt", "ardms"]
    assert ids(graph.of_type("subspecialty")) == list(FELLOWSHIPS)
    both = graph.of_type("credential", "modality")
    assert {n.type for n in both} == {"credential", "modality"}
    assert graph.of_type("no_such_type") == ()
    orders = [graph.order(n.id) for n in graph]
    assert orders == sorted(orders) == list(range(len(graph)))
    assert graph.order("unknown") == len(graph)


def test_every_node_has_the_required_text(graph: Graph) -> None:
    for node in graph:
        assert node.name.strip() and node.summary.strip() and node.section.strip(), node.id
        assert node.location is not None
        assert node.location.file.endswith(".yaml")
        assert node.location.line >= 1 and node.location.col >= 1


# -- exact lookups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # by id
        ("radiologic_technologist", "radiologic_technologist"),
        ("interventional_radiology", "interventional_radiology"),
        # by name, however it is cased or spaced
        ("Radiologist", "radiologist"),
        ("radiologist", "radiologist"),
        ("  NEURORADIOLOGY ", "neuroradiology"),
        ("Sonographer", "sonographer"),
        ("Quality Assurance Specialist", "qa_specialist"),
        ("Sonographer/Ultrasound Technician", "sonographer"),
        # by the aliases people use
        ("x-ray tech", "radiologic_technologist"),
        ("X-Ray Tech", "radiologic_technologist"),
        ("x ray tech", "radiologic_technologist"),
        ("rad tech", "radiologic_technologist"),
        ("Rad-Tech", "radiologic_technologist"),
        ("ultrasound tech", "sonographer"),
        ("IR", "interventional_radiology"),
        ("ir", "interventional_radiology"),
        ("neuro", "neuroradiology"),
        ("MSK", "musculoskeletal_radiology"),
        ("nucs", "nuclear_medicine_technologist"),
        ("PACS admin", "informatics_specialist"),
        ("pacs   ADMIN", "informatics_specialist"),
        ("CT", "ct"),
        ("cat scan", "ct"),
        ("med school", "medical_school"),
        ("prelim year", "preliminary_year"),
        ("boards", "abr"),
        ("the registry", "arrt"),
        ("teleradiologist", "telemedicine_radiologist"),
        # possessives, curly apostrophes and accents fold away
        ("Radiologist’s", "radiologist"),
        ("radiologist's", "radiologist"),
        ("Médical school", "medical_school"),
    ],
)
def test_lookup(graph: Graph, text: str, expected: str) -> None:
    node = graph.lookup(text)
    assert node is not None, text
    assert node.id == expected


@pytest.mark.parametrize("text", ["", "   ", "pilot", "radiolgist", "zzzz", "x", "rad", "-"])
def test_lookup_is_exact_only(graph: Graph, text: str) -> None:
    assert graph.lookup(text) is None


def test_every_name_id_and_alias_finds_its_own_node(graph: Graph) -> None:
    for node in graph:
        for text in (node.id, node.name, node.id.replace("_", " "), *node.aliases):
            assert graph.lookup(text) is node, (node.id, text)
            match = graph.find(text)
            assert match is not None and match.node is node, (node.id, text)
            assert match.exact and match.score == 100.0


def test_names_index_is_keyed_by_normalised_text(graph: Graph) -> None:
    assert graph.names["x ray tech"] == "radiologic_technologist"
    assert graph.names["pacs admin"] == "informatics_specialist"
    assert "" not in graph.names
    assert all(k == knowledge.key(k) for k in graph.names)


# -- fuzzy lookups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "matched"),
    [
        ("brest imaging", "breast_imaging", "breast imaging"),
        ("brest imagin", "breast_imaging", "breast imaging"),
        ("sonograper", "sonographer", "sonographer"),
        ("radiolgist", "radiologist", "radiologist"),
        ("neuroradiolgy", "neuroradiology", "neuroradiology"),
        ("mamography", "mammography", "mammography"),
        ("ultrasond tech", "sonographer", "ultrasound tech"),
        ("informatics specalist", "informatics_specialist", "informatics specialist"),
        ("interventional radiolgy", "interventional_radiology", "interventional radiology"),
        ("radiologic technolgist", "radiologic_technologist", "radiologic technologist"),
        ("nuclear medicin technologist", "nuclear_medicine_technologist",
         "nuclear medicine technologist"),
    ],
)
def test_find_tolerates_typos(graph: Graph, text: str, expected: str, matched: str) -> None:
    match = graph.find(text)
    assert isinstance(match, Match)
    assert match.node.id == expected
    assert match.matched == matched
    assert 86 <= match.score < 100
    assert not match.exact


def test_find_prefers_an_exact_alias(graph: Graph) -> None:
    match = graph.find("X-Ray Tech")
    assert match == Match(graph.node("radiologic_technologist"), "x ray tech", 100.0)
    assert match.exact


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "?!", "pilot", "zzzz", "zzzzzzzzzzzz", "nurse", "dentist", "surgeon",
        "oncologist", "pathologist", "physicist", "teacher", "cardiac",
        "radiolog",  # a prefix of many names is ambiguous, not a guess
        "radiology",
    ],
)
def test_find_returns_none_rather_than_a_wrong_match(graph: Graph, text: str) -> None:
    assert graph.find(text) is None


def test_find_does_not_turn_cardiologist_into_radiologist(graph: Graph) -> None:
    assert graph.find("cardiologist") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ct", "ct"), ("CT", "ct"), (" ct ", "ct"), ("mr", "mri"), ("pet", "pet"),
     ("ir", "interventional_radiology"), ("qa", "qa_specialist"),
     ("rt", "radiologic_technologist")],
)
def test_short_queries_match_exactly(graph: Graph, text: str, expected: str) -> None:
    match = graph.find(text)
    assert match is not None and match.node.id == expected and match.exact


@pytest.mark.parametrize("text", ["cv", "cx", "tc", "c", "c t", "ctt", "cat", "mrj", "xyz",
                                  "abc", "pt", "iv"])
def test_short_queries_never_match_fuzzily(graph: Graph, text: str) -> None:
    assert graph.find(text) is None


def test_find_cutoff_is_a_parameter(graph: Graph) -> None:
    assert graph.find("radiolgist", cutoff=99) is None
    match = graph.find("radiolgist", cutoff=50)
    assert match is not None and match.node.id == "radiologist"


# -- relations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "relation", "expected"),
    [
        ("radiologic_technologist", "certified_by", ["arrt"]),
        ("sonographer", "certified_by", ["ardms"]),
        ("radiologist", "certified_by", ["abr"]),
        ("radiologic_technologist", "maintained_by", ["continuing_education"]),
        ("radiologic_technologist", "uses_modality", ["ct", "mri", "mammography"]),
        ("nuclear_medicine_technologist", "uses_modality", ["pet", "spect"]),
        ("breast_imaging", "uses_modality", ["mammography", "ultrasound_modality", "mri"]),
        ("informatics_specialist", "works_with", ["pacs"]),
        ("medical_school", "followed_by", []),  # the source states no order of the steps
        ("telemedicine_radiologist", "in_category", ["physician", "emerging"]),
        ("qa_specialist", "certified_by", []),
        ("radiologist", "no_such_relation", []),
        ("no_such_node", "requires", []),
    ],
)
def test_neighbours(graph: Graph, source: str, relation: str, expected: list[str]) -> None:
    assert ids(graph.neighbours(source, relation)) == expected


def test_subspecialties_of_the_radiologist_are_incoming_specializes(graph: Graph) -> None:
    found = graph.neighbours("radiologist", "specializes", incoming=True)
    assert [n.id for n in found if n.type == "subspecialty"] == list(FELLOWSHIPS)
    assert "diagnostic_radiology" in ids(found)
    assert all(n.type in knowledge.CAREER_TYPES for n in found)
    assert ids(graph.neighbours("fellowship", "kind_of", incoming=True)) == list(FELLOWSHIPS)


def test_incoming_category_members(graph: Graph) -> None:
    members = ids(graph.neighbours("technical_allied_health", "in_category", incoming=True))
    assert members == ["radiologic_technologist", "nuclear_medicine_technologist",
                       "sonographer", "qa_specialist"]
    assert ids(graph.neighbours("arrt", "certified_by", incoming=True)) == [
        "radiologic_technologist"]


def test_every_edge_respects_the_schema(graph: Graph) -> None:
    for edge in graph.edges:
        rule = knowledge.RELATIONS[edge.relation]
        source, target = graph.node(edge.source), graph.node(edge.target)
        assert rule.sources is None or source.type in rule.sources, edge
        assert rule.targets is None or target.type in rule.targets, edge


def test_neighbours_over_every_relation(graph: Graph) -> None:
    found = ids(graph.neighbours("radiologic_technologist"))
    assert found[:2] == ["radiologic_technology_degree", "arrt"]
    assert "ct" in found and "continuing_education" in found
    assert len(found) == len(set(found))


def test_nodes_are_hashable(graph: Graph) -> None:
    # regression: the generated __hash__ used to hash the `fields` mappingproxy and raise
    assert len({graph.node("ct"), graph.node("ct"), graph.node("mri")}) == 2
    assert hash(graph.node("ct")) == hash(graph.node("ct"))


def test_closure_is_nearest_first(graph: Graph) -> None:
    assert ids(graph.closure("interventional_radiology", "requires")) == [
        "radiologist", "diagnostic_radiology_residency", "medical_school", "preliminary_year",
        "abr"]
    assert graph.closure("medical_school", "requires") == ()


# -- pathways --------------------------------------------------------------------------------


def test_interventional_radiology_pathway(graph: Graph) -> None:
    path = graph.pathway("interventional_radiology")
    assert isinstance(path, Pathway)
    assert path.target is graph.node("interventional_radiology")
    # The source lists the physician steps without an order ('+'), in its own order; it says
    # fellowships come "after residency" ('residency →'), and no more: the other steps are
    # never drawn between residency and the fellowship, nor residency after them.
    assert path.timeline() == ("medical school 4 years + residency 4–5 years + preliminary year"
                               " + ABR certification; residency → IR fellowship 2 years")
    assert ids(path.steps) == ["medical_school", "diagnostic_radiology_residency",
                               "preliminary_year", "abr", "interventional_radiology"]
    assert path.total == Duration(10, 11)
    assert str(path.total) == "10–11 years"
    assert ids(path.unstated) == ["preliminary_year"]


def test_radiologist_pathway(graph: Graph) -> None:
    path = graph.pathway("radiologist")
    assert path.timeline() == (
        "medical school 4 years + residency 4–5 years + preliminary year + ABR certification")
    assert str(path.total) == "8–9 years"
    # a credential has no length to state; only the preliminary year is unknown
    assert ids(path.unstated) == ["preliminary_year"]
    assert path.steps[-1].type == "credential"


def test_radiologic_technologist_pathway_has_no_stated_total(graph: Graph) -> None:
    path = graph.pathway("radiologic_technologist")
    assert path.timeline() == "associate or bachelor's degree + ARRT certification"
    assert path.total is None
    assert ids(path.unstated) == ["radiologic_technology_degree"]


def test_sonographer_pathway(graph: Graph) -> None:
    path = graph.pathway("sonographer")
    assert path.timeline() == "sonography training + ARDMS certification"
    assert path.total is None
    assert ids(path.unstated) == ["sonography_training"]


@pytest.mark.parametrize("fellowship", FELLOWSHIPS)
def test_every_fellowship_pathway_goes_through_residency(graph: Graph, fellowship: str) -> None:
    path = graph.pathway(fellowship)
    assert ids(path.steps[:4]) == ["medical_school", "diagnostic_radiology_residency",
                                   "preliminary_year", "abr"]
    assert path.steps[-1].id == fellowship
    # the one order stated: after residency; the unordered steps are never drawn before it
    assert "; residency → " in path.timeline()
    assert path.total is not None and path.total.low >= 8
    if graph.node(fellowship).duration is None:
        assert ids(path.unstated) == ["preliminary_year", fellowship]
        assert str(path.total) == "8–9 years"


def test_careers_built_on_the_radiologist_inherit_its_pathway(graph: Graph) -> None:
    base = graph.pathway("radiologist")
    for career in ("academic_radiologist", "telemedicine_radiologist"):
        path = graph.pathway(career)
        assert path.steps == base.steps, career
        assert path.total == base.total
    # The AI specialists' heading sits under "Emerging Career Paths for Radiologists", but
    # the source never says what training they need: no pathway is inferred from a heading.
    assert graph.pathway("ai_specialist").steps == ()


def test_pathway_of_a_career_without_training(graph: Graph) -> None:
    path = graph.pathway("medical_device_sales")
    assert path.steps == () and path.unstated == ()
    assert path.total is None
    assert path.timeline() == ""


def test_pathway_of_a_training_step_includes_itself(graph: Graph) -> None:
    path = graph.pathway("diagnostic_radiology_residency")
    assert ids(path.steps) == ["diagnostic_radiology_residency"]
    assert str(path.total) == "4–5 years"


def test_pathways_are_cached_and_unknown_ids_raise(graph: Graph) -> None:
    assert graph.pathway("radiologist") is graph.pathway("radiologist")
    with pytest.raises(KeyError, match="no node with id 'nope'"):
        graph.pathway("nope")


# -- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "text", "short"),
    [
        (Duration(4, 4), "4 years", "4 y"),
        (Duration(1, 1), "1 year", "1 y"),
        (Duration(0, 0), "0 years", "0 y"),
        (Duration(4, 5), "4–5 years", "4–5 y"),
        (Duration(1, 2), "1–2 years", "1–2 y"),
        (Duration(10, 11), "10–11 years", "10–11 y"),
        (Duration(0.5, 0.5), "0.5 years", "0.5 y"),
        (Duration(1.5, 2), "1.5–2 years", "1.5–2 y"),
        (Duration(6, 6, "month"), "6 months", "6 m"),
        (Duration(1, 1, "month"), "1 month", "1 m"),
        (Duration(3, 6, "month"), "3–6 months", "3–6 m"),
    ],
)
def test_duration_formatting(duration: Duration, text: str, short: str) -> None:
    assert str(duration) == text
    assert duration.short() == short


def test_duration_arithmetic() -> None:
    assert Duration(4, 4) + Duration(4, 5) == Duration(8, 9)
    assert Duration(4, 4) + Duration(4, 5) + Duration(2, 2) == Duration(10, 11)
    assert Duration(4, 4) + Duration(6, 6, "month") == Duration(4.5, 4.5)
    assert Duration(6, 6, "month") + Duration(1, 2) == Duration(18, 30, "month")
    assert str(Duration(3, 3, "month") + Duration(2, 2)) == "27 months"
    assert Duration(2, 2).exact and not Duration(2, 3).exact
    assert Duration(1, 1).unit == "year"


def test_duration_refuses_an_inverted_range() -> None:
    with pytest.raises(ValueError, match="duration low 5 is above high 4"):
        Duration(5, 4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4 years", Duration(4, 4)),
        ("1 year", Duration(1, 1)),
        ("4-5 years", Duration(4, 5)),
        ("4 - 5 years", Duration(4, 5)),
        ("4–5 years", Duration(4, 5)),
        ("4 to 5 years", Duration(4, 5)),
        ("1.5 years", Duration(1.5, 1.5)),
        ("  3 months ", Duration(3, 3, "month")),
        ("6-12 months", Duration(6, 12, "month")),
        (2, Duration(2, 2)),
        (2.5, Duration(2.5, 2.5)),
        ({"min": 4, "max": 5, "unit": "year"}, Duration(4, 5)),
        ({"min": 4, "max": 5}, Duration(4, 5)),
        ({"min": 4}, Duration(4, 4)),
        ({"min": 6, "unit": "months"}, Duration(6, 6, "month")),
    ],
)
def test_parse_duration(value: object, expected: Duration) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    "value",
    ["about 4 years", "4", "4 weeks", "5-4 years", "-1 years", "years", "", True, -2, None,
     [4, 5], {"min": 5, "max": 4}, {"min": "4"}, {"min": 4, "unit": "week"},
     {"min": 4, "max": 5, "typo": 1}, {"max": 5}, {"min": True}],
)
def test_parse_duration_rejects(value: object) -> None:
    assert parse_duration(value) is None


# -- immutability ----------------------------------------------------------------------------


def test_nodes_are_frozen(graph: Graph) -> None:
    node = graph.node("radiologist")
    with pytest.raises(FrozenError):
        node.name = "Dentist"  # type: ignore[misc]
    with pytest.raises(FrozenError):
        node.aliases = ()  # type: ignore[misc]
    assert isinstance(node.aliases, tuple) and isinstance(node.keywords, tuple)


def test_node_fields_are_read_only_mappings(graph: Graph) -> None:
    node = graph.node("medical_device_sales")
    assert isinstance(node.fields, MappingProxyType)
    with pytest.raises(TypeError):
        node.fields["pay"] = "a lot"  # type: ignore[index]
    duties = node.get("duties")
    assert isinstance(duties, tuple) and duties[0] == "Technical knowledge of imaging equipment"
    statements = graph.node("medical_school").get("statements")
    assert isinstance(statements, tuple)


def test_graph_indexes_are_read_only(graph: Graph) -> None:
    assert isinstance(graph.names, MappingProxyType)
    assert isinstance(graph.meta, MappingProxyType)
    assert isinstance(graph.edges, tuple)
    with pytest.raises(TypeError):
        graph.names["dentist"] = "radiologist"  # type: ignore[index]
    with pytest.raises(TypeError):
        graph.meta["name"] = "other"  # type: ignore[index]


def test_edges_durations_and_pathways_are_frozen(graph: Graph) -> None:
    edge = graph.edges[0]
    assert isinstance(edge, Edge)
    with pytest.raises(FrozenError):
        edge.target = "x"  # type: ignore[misc]
    duration = graph.node("medical_school").duration
    assert duration == Duration(4, 4)
    with pytest.raises(FrozenError):
        duration.low = 1  # type: ignore[misc]
    path = graph.pathway("interventional_radiology")
    assert isinstance(path.steps, tuple) and isinstance(path.unstated, tuple)
    with pytest.raises(FrozenError):
        path.total = None  # type: ignore[misc]


def test_node_accessors(graph: Graph) -> None:
    ir = graph.node("interventional_radiology")
    assert ir.label == "IR fellowship"
    assert ir.duration == Duration(2, 2)
    assert ir.get("focus") == "Minimally invasive procedures guided by imaging"
    assert ir.get("missing", "default") == "default"
    school = graph.node("medical_school")
    assert school.label == "medical school"  # its step_label
    assert graph.node("fellowship").label == "Fellowship"  # no step_label: the name
    assert graph.node("radiologist").duration is None
    location = school.location
    assert location is not None and location.file.endswith("training.yaml")
    line = Path(location.file).read_text(encoding="utf-8").splitlines()[location.line - 1]
    assert line[location.col - 1:] == "id: medical_school"


# -- errors ----------------------------------------------------------------------------------


def test_error_types() -> None:
    problem = Problem("kb/roles.yaml", 3, 5, "unknown node 'x' in 'requires'")
    assert str(problem) == "kb/roles.yaml:3:5: error: unknown node 'x' in 'requires'"
    error = KnowledgeError([problem])
    assert isinstance(error, AdvisorError) and isinstance(error, ValueError)
    assert error.problems == (problem,)
    assert str(error) == (
        "1 problem found:\nkb/roles.yaml:3:5: error: unknown node 'x' in 'requires'")
    two = KnowledgeError([problem, problem])
    assert str(two).startswith("2 problems found:\n")
    assert len(str(two).splitlines()) == 3


def test_did_you_mean() -> None:
    assert knowledge.did_you_mean("fellowhsip", ["fellowship", "residency"]) == (
        " (did you mean 'fellowship'?)")
    assert knowledge.did_you_mean("zzz", ["fellowship", "residency"]) == ""
    assert knowledge.did_you_mean("x", []) == ""


def test_load_graph_of_a_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as info:
        load_graph(tmp_path / "nope")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].message == "not a directory"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_needs_no_folding(text: str) -> None:
    """Why `normalize` and `dialogs.text.fold` may skip the Unicode pass for ASCII text."""
    assert unicodedata.normalize("NFKD", text) == text
    assert not any(unicodedata.combining(ch) for ch in text)
    assert knowledge_text._DASHES.search(text.lower()) is None
    fast = knowledge_text.normalize(text)  # the slow path, for the same words plus one more:
    assert knowledge_text.normalize(text + " é")[:len(fast)] == fast


def test_an_unknown_id_is_shown_cut_in_its_error(graph: Graph) -> None:
    # attack 9, C1: a 1 MB id made a 1 MB KeyError message
    for lookup in (graph.node, graph.pathway):
        with pytest.raises(KeyError) as raised:
            lookup("x" * 1_000_000)
        assert len(str(raised.value)) < 200
        assert "no node with id 'xxx" in str(raised.value)
