"""The engine is not radiology-specific: a software-engineering graph loads and answers too.

The directory tests/fields/software/ uses the same schema with other roles, training in
years and months, a credential, categories and subspecialties, and nothing of radiology.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import Duration, Graph, KnowledgeError, Node, load_graph, validate

SOFTWARE = Path(__file__).resolve().parent / "fields" / "software"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph(SOFTWARE)


@pytest.fixture(scope="module")
def radiology() -> Graph:
    return load_graph()


def ids(nodes: tuple[Node, ...]) -> list[str]:
    return [n.id for n in nodes]


def test_loads_without_problems() -> None:
    graph, problems = validate(SOFTWARE)
    assert problems == []
    assert graph is not None
    assert sorted(p.name for p in SOFTWARE.glob("*.yaml")) == [
        "field.yaml", "roles.yaml", "training.yaml"]


def test_its_own_metadata_and_counts(graph: Graph) -> None:
    assert graph.meta["name"] == "Careers in software engineering"
    assert "programming" in graph.meta["domain_terms"]
    by_type, by_rel = graph.counts()
    assert by_type == {"category": 2, "skill": 2, "concept": 1, "role": 4, "subspecialty": 2,
                       "training": 5, "credential": 1}
    assert by_rel["specializes"] == 2 and by_rel["certified_by"] == 1
    assert len(graph) == sum(by_type.values()) == 17


def test_nothing_of_radiology_leaks_in(graph: Graph, radiology: Graph) -> None:
    for text in ("radiologist", "x-ray tech", "IR", "ct", "fellowship"):
        assert graph.lookup(text) is None, text
    assert graph.find("radiolgist") is None
    assert not set(n.id for n in graph) & set(n.id for n in radiology)
    # and the embedded graph is untouched by loading another one
    assert radiology.lookup("swe") is None
    assert radiology.lookup("rad tech") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("software_engineer", "software_engineer"),
        ("Software Engineer", "software_engineer"),
        ("SWE", "software_engineer"),
        ("programmer", "software_engineer"),
        ("SRE", "site_reliability_engineer"),
        ("devops engineer", "site_reliability_engineer"),
        ("ML engineer", "ml_engineering"),
        ("junior dev", "junior_developer"),
        ("Entry-Level Developer", "junior_developer"),
        ("bachelor’s in computer science", "cs_degree"),
        ("AWS cert", "cloud_cert"),
        ("git", "version_control"),
        ("coding", "programming"),
        ("ops", "operations"),
    ],
)
def test_lookups(graph: Graph, text: str, expected: str) -> None:
    node = graph.lookup(text)
    assert node is not None and node.id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sofware engineer", "software_engineer"),
        ("developr", "software_engineer"),
        ("machine lerning engineer", "ml_engineering"),
        ("site reliabilty engineer", "site_reliability_engineer"),
        ("bootcmp", "bootcamp"),
    ],
)
def test_typos(graph: Graph, text: str, expected: str) -> None:
    match = graph.find(text)
    assert match is not None and match.node.id == expected and not match.exact


@pytest.mark.parametrize("text", ["sra", "swa", "pilot", "zzzz", "", "astronaut"])
def test_no_wrong_matches(graph: Graph, text: str) -> None:
    assert graph.find(text) is None


def test_relations(graph: Graph) -> None:
    assert ids(graph.neighbours("site_reliability_engineer", "certified_by")) == ["cloud_cert"]
    assert ids(graph.neighbours("software_engineer", "specializes", incoming=True)) == [
        "ml_engineering", "security_engineering"]
    assert ids(graph.neighbours("engineering", "in_category", incoming=True)) == [
        "junior_developer", "software_engineer", "self_taught_developer", "ml_engineering",
        "security_engineering"]
    assert ids(graph.neighbours("software_engineer", "needs_skill")) == [
        "programming", "problem_solving"]
    assert ids(graph.neighbours("internship", "followed_by")) == ["junior_experience"]
    assert ids(graph.closure("software_engineer", "requires")) == [
        "junior_experience", "internship", "cs_degree"]


def test_pathway_mixing_years_and_months(graph: Graph) -> None:
    path = graph.pathway("software_engineer")
    assert path.timeline() == (
        "CS degree 4 years → Internship 3 months → junior experience 2–3 years")
    assert path.total == Duration(6.25, 7.25)
    assert str(path.total) == "6.25–7.25 years"
    assert path.unstated == ()


def test_pathway_of_a_subspecialty_ends_with_it(graph: Graph) -> None:
    path = graph.pathway("ml_engineering")
    assert path.timeline() == (
        "CS degree 4 years → Internship 3 months → junior experience 2–3 years"
        " + ML specialization 1–2 years")
    assert str(path.total) == "7.25–9.25 years"
    security = graph.pathway("security_engineering")
    assert ids(security.unstated) == ["security_engineering"]
    assert str(security.total) == "6.25–7.25 years"


def test_pathway_through_another_role_and_a_credential(graph: Graph) -> None:
    path = graph.pathway("site_reliability_engineer")
    assert ids(path.steps) == ["cs_degree", "internship", "junior_experience", "cloud_cert"]
    assert path.timeline().endswith("+ Cloud certification")
    assert str(path.total) == "6.25–7.25 years"
    assert path.unstated == ()  # a credential has no length to state


def test_pathway_in_months_with_an_unstated_step(graph: Graph) -> None:
    path = graph.pathway("self_taught_developer")
    assert path.timeline() == "Coding bootcamp 3–6 months + Portfolio projects"
    assert path.total == Duration(3, 6, "month")
    assert str(path.total) == "3–6 months"
    assert ids(path.unstated) == ["portfolio"]


def test_junior_pathway_total(graph: Graph) -> None:
    assert str(graph.pathway("junior_developer").total) == "4.25 years"


def test_other_fields_are_validated_the_same_way(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "software"
    shutil.copytree(SOFTWARE, copy)
    roles = copy / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace(
        "requires: [junior_experience]", "requires: [junior_experiense]"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KnowledgeError) as info:
        load_graph(copy)
    assert [str(p) for p in info.value.problems] == [
        "software/roles.yaml:29:18: error: unknown node 'junior_experiense' in 'requires' "
        "(did you mean 'junior_experience'?)",
    ]
