"""Every validation error of a knowledge directory, pinned as the exact line an editor reads.

Each test writes a small broken directory `kb/` under tmp_path, runs from tmp_path (so paths
show as `kb/roles.yaml`), and compares the whole `file:line:col: error: message` lines, as
pre-commit's tests pin their golden error strings.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

import knowledge.yamlsafe
from knowledge import Graph, KnowledgeError, load_graph, validate

KNOWN_TYPES = "category, role, subspecialty, training, credential, modality, skill, topic, concept"
DURATION_HINT = "must be a duration like '4-5 years' or {min: 4, max: 5, unit: year}"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "kb"
    directory.mkdir()
    return directory


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(directory: Path) -> list[str]:
    """The problem lines of a directory that must not load; load_graph raises the same."""
    graph, found = validate(directory)
    assert graph is None, "expected the directory to be refused"
    lines = [str(p) for p in found]
    with pytest.raises(KnowledgeError) as info:
        load_graph(directory)
    assert [str(p) for p in info.value.problems] == lines
    return lines


def loads(directory: Path) -> Graph:
    graph, found = validate(directory)
    assert found == []
    assert graph is not None
    return graph


VALID = """
nodes:
  - id: degree
    type: training
    name: Degree
    summary: A degree.
    section: Training
    duration: 4 years
  - id: exam
    type: credential
    name: Exam
    summary: An exam.
    section: Training
  - id: tech
    type: role
    name: Tech
    aliases: [the tech]
    summary: A tech.
    section: Roles
    relations:
      requires: [degree, exam]
      certified_by: exam
"""


# -- a valid directory, for contrast ---------------------------------------------------------


def test_a_valid_directory_loads(kb: Path) -> None:
    write(kb, "roles.yaml", VALID)
    graph = loads(kb)
    assert [n.id for n in graph] == ["degree", "exam", "tech"]
    assert graph.pathway("tech").timeline() == "Degree 4 years + Exam"  # no order stated
    assert graph.lookup("THE TECH") is graph.node("tech")


def test_relative_directory_argument(kb: Path) -> None:
    write(kb, "roles.yaml", VALID)
    graph, found = validate("kb")
    assert found == [] and graph is not None
    assert graph.node("tech").location is not None
    assert str(graph.node("tech").location) == "kb/roles.yaml:13:5"


def test_yml_files_in_subdirectories_are_read_in_order(kb: Path) -> None:
    write(kb, "b/roles.yml", """
        nodes:
          - {id: tech, type: role, name: Tech, summary: s, section: S, relations: {requires: deg}}
        """)
    write(kb, "a.yaml", """
        nodes:
          - {id: deg, type: training, name: Degree, summary: s, section: S}
        """)
    write(kb, "notes.txt", "not: [yaml")  # other files are ignored
    graph = loads(kb)
    assert [n.id for n in graph] == ["deg", "tech"]


def test_a_byte_order_mark_and_an_empty_file_are_fine(kb: Path) -> None:
    (kb / "roles.yaml").write_text("\ufeff" + dedent(VALID).lstrip(), encoding="utf-8")
    write(kb, "empty.yaml", "")
    write(kb, "comments.yaml", "# nothing here yet\n")
    assert len(loads(kb)) == 3


# -- node types and fields -------------------------------------------------------------------


def test_unknown_node_type_with_did_you_mean(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: rol
            name: Tech
            summary: s
            section: S
            duties: [Operate the scanner]
        """)
    # 'duties' belongs to the intended type; it is not reported as a second problem
    assert problems(kb) == [
        "kb/roles.yaml:3:11: error: unknown node type 'rol' (did you mean 'role'?); "
        f"known types: {KNOWN_TYPES}",
    ]


def test_unknown_node_type_without_a_close_match(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: tech, type: wizard, name: Tech, summary: s, section: S}
        """)
    assert problems(kb) == [
        f"kb/roles.yaml:2:22: error: unknown node type 'wizard'; known types: {KNOWN_TYPES}",
    ]


def test_unknown_field_with_did_you_mean(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: Tech
            summary: s
            section: S
            dutys: [Operate the scanner]
            colour: blue
        """)
    assert problems(kb) == [
        "kb/roles.yaml:7:5: error: unknown field 'dutys' for a role (did you mean 'duties'?)",
        "kb/roles.yaml:8:5: error: unknown field 'colour' for a role",
    ]


def test_a_field_of_another_type_is_unknown(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: Tech
            summary: s
            section: S
            duration: 2 years
        """)
    assert problems(kb) == ["kb/roles.yaml:7:5: error: unknown field 'duration' for a role"]


def test_missing_required_fields(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: Tech
          - type: role
            name: Other
            summary: s
            section: S
        """)
    assert problems(kb) == [
        "kb/roles.yaml:2:5: error: node 'tech' is missing required field 'summary'",
        "kb/roles.yaml:2:5: error: node 'tech' is missing required field 'section'",
        "kb/roles.yaml:5:5: error: node is missing required field 'id'",
    ]


def test_wrong_field_kinds(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: 42
            summary: "   "
            section: 2024-01-01
            aliases: rad tech
            statements: [fine, 3]
            duties: {a: b}
        """)
    assert problems(kb) == [
        "kb/roles.yaml:4:11: error: field 'name' of node 'tech' must be non-empty text",
        "kb/roles.yaml:5:14: error: field 'summary' of node 'tech' must be non-empty text",
        "kb/roles.yaml:6:14: error: field 'section' of node 'tech' must be non-empty text",
        "kb/roles.yaml:7:14: error: field 'aliases' of node 'tech' must be a list of "
        "non-empty texts",
        "kb/roles.yaml:8:17: error: field 'statements' of node 'tech' must be a list of "
        "non-empty texts",
        "kb/roles.yaml:9:13: error: field 'duties' of node 'tech' must be a list of "
        "non-empty texts",
    ]


def test_a_type_that_is_not_text(kb: Path) -> None:
    # used to crash the loader with "TypeError: unhashable type: 'MList'"
    write(kb, "roles.yaml", """
        nodes:
          - {id: tech, type: [role], name: Tech, summary: s, section: S}
          - {id: other, type: 7, name: Other, summary: s, section: S}
          - {id: third, type: "", name: Third, summary: s, section: S}
        """)
    assert problems(kb) == [
        "kb/roles.yaml:2:22: error: field 'type' of node 'tech' must be non-empty text",
        "kb/roles.yaml:3:23: error: field 'type' of node 'other' must be non-empty text",
        "kb/roles.yaml:4:23: error: field 'type' of node 'third' must be non-empty text",
    ]


def test_bad_durations(kb: Path) -> None:
    write(kb, "training.yaml", """
        nodes:
          - {id: a, type: training, name: A, summary: s, section: S, duration: about 4 years}
          - {id: b, type: training, name: B, summary: s, section: S, duration: 5-4 years}
          - {id: c, type: training, name: C, summary: s, section: S, duration: 3 weeks}
          - id: d
            type: training
            name: D
            summary: s
            section: S
            duration: {min: 4, max: 5, unit: decade}
          - {id: e, type: training, name: E, summary: s, section: S, duration: 2 years}
          - {id: f, type: training, name: F, summary: s, section: S, duration: {min: 1}}
        """)
    assert problems(kb) == [
        f"kb/training.yaml:2:72: error: field 'duration' of node 'a' {DURATION_HINT}",
        f"kb/training.yaml:3:72: error: field 'duration' of node 'b' {DURATION_HINT}",
        f"kb/training.yaml:4:72: error: field 'duration' of node 'c' {DURATION_HINT}",
        f"kb/training.yaml:10:15: error: field 'duration' of node 'd' {DURATION_HINT}",
    ]


def test_bad_id_format(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: Rad-Tech, type: role, name: A, summary: s, section: S}
          - {id: 2nd_role, type: role, name: B, summary: s, section: S}
          - {id: "", type: role, name: C, summary: s, section: S}
        """)
    rule = "must be lower-case letters, digits and underscores, starting with a letter"
    assert problems(kb) == [
        f"kb/roles.yaml:2:10: error: id 'Rad-Tech' {rule}",
        f"kb/roles.yaml:3:10: error: id '2nd_role' {rule}",
        "kb/roles.yaml:4:10: error: field 'id' of node '' must be non-empty text",
        f"kb/roles.yaml:4:10: error: id '' {rule}",
    ]


# -- across nodes ----------------------------------------------------------------------------


def test_duplicate_id_names_the_first_definition(kb: Path) -> None:
    write(kb, "a.yaml", """
        nodes:
          - {id: tech, type: role, name: Tech, summary: s, section: S}
        """)
    write(kb, "b.yaml", """
        # the same id again, in another file
        nodes:
          - id: tech
            type: role
            name: Technologist
            summary: s
            section: S
        """)
    assert problems(kb) == [
        "kb/b.yaml:3:5: error: duplicate id 'tech' (first defined at kb/a.yaml:2:5)",
    ]


def test_an_alias_claimed_by_two_nodes(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: radiologist
            type: role
            name: Radiologist
            aliases: [rad doc, X-Ray Tech]
            summary: s
            section: S
          - id: radiographer
            type: role
            name: Radiographer
            aliases: [radiographers, x-ray tech]
            summary: s
            section: S
          - id: other
            type: role
            name: Rad Doc
            summary: s
            section: S
        """)
    # the comparison ignores case and punctuation, as lookups do
    assert problems(kb) == [
        "kb/roles.yaml:11:30: error: alias 'x-ray tech' of 'radiographer' is already claimed "
        "by 'radiologist'",
        "kb/roles.yaml:14:5: error: alias 'Rad Doc' of 'other' is already claimed by "
        "'radiologist'",
    ]


def test_a_node_may_repeat_its_own_name_as_alias(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: tech, type: role, name: Tech, aliases: [tech, TECH, the tech], summary: s,
             section: S}
        """)
    assert loads(kb).lookup("tech") is not None


def test_unknown_relation_with_did_you_mean(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: Tech
            summary: s
            section: S
            relations:
              require: [tech]
              befriends: [tech]
        """)
    assert problems(kb) == [
        "kb/roles.yaml:8:7: error: unknown relation 'require' (did you mean 'requires'?)",
        "kb/roles.yaml:9:7: error: unknown relation 'befriends'",
    ]


def test_dangling_reference_with_did_you_mean(kb: Path) -> None:
    write(kb, "careers.yaml", """
        nodes:
          - {id: fellowship, type: training, name: Fellowship, summary: s, section: S}
          - id: radiologist
            type: role
            name: Radiologist
            summary: s
            section: S
            relations:
              requires: [fellowhsip, dentistry]
        """)
    assert problems(kb) == [
        "kb/careers.yaml:9:18: error: unknown node 'fellowhsip' in 'requires' "
        "(did you mean 'fellowship'?)",
        "kb/careers.yaml:9:30: error: unknown node 'dentistry' in 'requires'",
    ]


def test_a_reference_to_a_refused_node_is_not_reported_again(kb: Path) -> None:
    # 'fellowship' exists but is refused for its duration: the editor is told that once,
    # not also "unknown node 'fellowship'" at every reference
    write(kb, "careers.yaml", """
        nodes:
          - {id: fellowship, type: training, name: F, summary: s, section: S, duration: long}
          - id: radiologist
            type: role
            name: Radiologist
            summary: s
            section: S
            relations:
              requires: [fellowship, fellowshp]
        """)
    assert problems(kb) == [
        f"kb/careers.yaml:2:81: error: field 'duration' of node 'fellowship' {DURATION_HINT}",
        "kb/careers.yaml:9:30: error: unknown node 'fellowshp' in 'requires' "
        "(did you mean 'fellowship'?)",
    ]


def test_relation_to_or_from_a_disallowed_node_type(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: degree, type: training, name: Degree, summary: s, section: S}
          - {id: skill, type: skill, name: Skill, summary: s, section: S}
          - id: tech
            type: role
            name: Tech
            summary: s
            section: S
            relations:
              certified_by: [degree]
              requires: skill
          - id: course
            type: training
            name: Course
            summary: s
            section: S
            relations:
              certified_by: tech
        """)
    assert problems(kb) == [
        "kb/roles.yaml:10:22: error: relation 'certified_by' cannot point to a training "
        "('degree'); allowed: credential",
        "kb/roles.yaml:11:17: error: relation 'requires' cannot point to a skill ('skill'); "
        "allowed: credential, role, subspecialty, training",
        "kb/roles.yaml:18:21: error: relation 'certified_by' cannot start at a training "
        "('course'); allowed: role, subspecialty",
    ]


def test_cycle_in_requires(kb: Path) -> None:
    write(kb, "training.yaml", """
        nodes:
          - {id: a, type: training, name: A, summary: s, section: S, relations: {requires: b}}
          - {id: b, type: training, name: B, summary: s, section: S, relations: {requires: c}}
          - {id: c, type: training, name: C, summary: s, section: S, relations: {requires: a}}
          - {id: d, type: training, name: D, summary: s, section: S, relations: {requires: a}}
        """)
    assert problems(kb) == [
        "kb/training.yaml:2:5: error: cycle in 'requires': a -> b -> c -> a",
    ]


def test_a_node_requiring_itself_and_a_followed_by_cycle(kb: Path) -> None:
    write(kb, "training.yaml", """
        nodes:
          - {id: a, type: training, name: A, summary: s, section: S, relations: {requires: a}}
          - id: b
            type: training
            name: B
            summary: s
            section: S
            relations: {followed_by: c}
          - {id: c, type: training, name: C, summary: s, section: S,
             relations: {followed_by: b}}
        """)
    assert problems(kb) == [
        "kb/training.yaml:2:5: error: cycle in 'requires': a -> a",
        "kb/training.yaml:3:5: error: cycle in 'followed_by': b -> c -> b",
    ]


def test_cycles_allowed_where_the_relation_permits_them(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: a, type: role, name: A, summary: s, section: S, relations: {related_to: b}}
          - {id: b, type: role, name: B, summary: s, section: S, relations: {related_to: a}}
        """)
    assert len(loads(kb).edges) == 2


# -- the shape of a file ---------------------------------------------------------------------


def test_non_mapping_top_level(kb: Path) -> None:
    write(kb, "list.yaml", """
        - id: tech
          type: role
        """)
    write(kb, "scalar.yaml", "just some text\n")
    assert problems(kb) == [
        "kb/list.yaml:1:1: error: a knowledge file must be a mapping with 'nodes:' "
        "(and 'field:')",
        "kb/scalar.yaml:1:1: error: a knowledge file must be a mapping with 'nodes:' "
        "(and 'field:')",
    ]


def test_unknown_top_level_key(kb: Path) -> None:
    write(kb, "roles.yaml", """
        node:
          - {id: tech, type: role, name: Tech, summary: s, section: S}
        """)
    assert problems(kb) == [
        "kb/roles.yaml:1:1: error: unknown top-level key 'node' (did you mean 'nodes'?)",
    ]


def test_nodes_not_a_list_and_a_node_not_a_mapping(kb: Path) -> None:
    write(kb, "a.yaml", """
        nodes:
          id: tech
        """)
    write(kb, "b.yaml", """
        nodes:
          - just a string
        """)
    assert problems(kb) == [
        "kb/a.yaml:2:3: error: 'nodes' must be a list of nodes",
        "kb/b.yaml:2:5: error: a node must be a mapping with id, type, name, summary, section",
    ]


def test_malformed_relations(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - {id: a, type: role, name: A, summary: s, section: S, relations: [b]}
          - {id: b, type: role, name: B, summary: s, section: S,
             relations: {requires: [1, 2], related_to: {x: y}}}
        """)
    assert problems(kb) == [
        "kb/roles.yaml:2:69: error: 'relations' of node 'a' must be a mapping of relation name "
        "to a list of node ids",
        "kb/roles.yaml:4:28: error: relation 'requires' of node 'b' must be a node id or a list "
        "of node ids, each alone or with the quote that states it ('- id: quote')",
        "kb/roles.yaml:4:48: error: relation 'related_to' of node 'b' must be a node id or a "
        "list of node ids, each alone or with the quote that states it ('- id: quote')",
    ]


def test_duplicate_key(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            id: tech2
        """)
    assert problems(kb) == ["kb/roles.yaml:4:5: error: duplicate key 'id'"]


def test_field_metadata_problems(kb: Path) -> None:
    write(kb, "a.yaml", """
        field:
          name: Careers
          versio: "1"
          domain_terms: imaging
          version: 1
        nodes: []
        """)
    write(kb, "b.yaml", """
        field:
          name: Other careers
        """)
    write(kb, "c.yaml", """
        field: [name]
        """)
    assert problems(kb) == [
        "kb/a.yaml:3:3: error: unknown field 'versio' in 'field' (did you mean 'version'?)",
        "kb/a.yaml:4:17: error: 'field.domain_terms' must be a list of non-empty texts",
        "kb/a.yaml:5:12: error: 'field.version' must be non-empty text",
        "kb/b.yaml:1:1: error: 'field' is declared in more than one file",
        "kb/c.yaml:1:8: error: 'field' must be a mapping",
    ]


def test_opposite_words_must_map_words_to_lists(kb: Path) -> None:
    """The document's opposites of a claim's words are a mapping of word -> list of words."""
    write(kb, "a.yaml", """
        field:
          name: Careers
          opposite_words: [lowest, highest]
        nodes: []
        """)
    write(kb, "b.yaml", """
        nodes: []
        """)
    assert problems(kb) == [
        "kb/a.yaml:3:19: error: 'field.opposite_words' must be a mapping of texts to lists of "
        "non-empty texts"]


def test_not_a_directory_and_no_yaml_files(kb: Path) -> None:
    assert problems(kb) == ["kb:1:1: error: no .yaml files found"]
    write(kb, "notes.txt", "hello")
    assert problems(kb / "notes.txt") == ["kb/notes.txt:1:1: error: not a directory"]
    assert problems(kb / "missing") == ["kb/missing:1:1: error: not a directory"]


def test_paths_outside_the_working_directory_stay_absolute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "elsewhere"
    write(directory, "roles.yaml", "nodes: 3\n")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    assert problems(directory) == [
        f"{directory.resolve()}/roles.yaml:1:8: error: 'nodes' must be a list of nodes"]


# -- YAML that must be refused ---------------------------------------------------------------


def test_yaml_syntax_error(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            name: [unclosed
        """)
    assert problems(kb) == [
        "kb/roles.yaml:4:1: error: YAML syntax error: did not find expected ',' or ']'",
    ]


def test_a_tab_indent_is_a_syntax_error(kb: Path) -> None:
    (kb / "roles.yaml").write_text("nodes:\n\t- id: tech\n", encoding="utf-8")
    assert problems(kb) == [
        "kb/roles.yaml:2:1: error: YAML syntax error: found character that cannot start any "
        "token",
    ]


def test_python_object_tag_is_refused(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            name: !!python/object/apply:os.system ["echo owned"]
        """)
    assert problems(kb) == [
        "kb/roles.yaml:3:11: error: unsafe or unknown YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' refused",
    ]


def test_custom_tag_is_refused(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - !role
            id: tech
        """)
    assert problems(kb) == ["kb/roles.yaml:2:5: error: unsafe or unknown YAML tag '!role' refused"]


def test_merge_keys_are_refused_plainly(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - &base {id: a, type: role, name: A, summary: s, section: S}
          - <<: *base
            id: b
        """)
    assert problems(kb) == [
        "kb/roles.yaml:3:5: error: YAML merge keys ('<<') are not supported; write the fields out",
    ]


def test_file_over_the_size_limit(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge.yamlsafe, "MAX_FILE_BYTES", 64)
    write(kb, "big.yaml", "nodes:\n" + "# padding\n" * 10)
    write(kb, "small.yaml", "nodes: []\n")
    assert problems(kb) == ["kb/big.yaml:1:1: error: file is 107 bytes; the limit is 64"]


def test_non_utf8_bytes(kb: Path) -> None:
    (kb / "roles.yaml").write_bytes(b"nodes:\n  - id: cafe\n    name: Caf\xe9\n")
    assert problems(kb) == ["kb/roles.yaml:3:1: error: file is not valid UTF-8 text"]


def test_utf16_file(kb: Path) -> None:
    (kb / "roles.yaml").write_bytes("nodes: []\n".encode("utf-16"))
    assert problems(kb) == ["kb/roles.yaml:1:1: error: file is not valid UTF-8 text"]


def test_nul_byte(kb: Path) -> None:
    (kb / "roles.yaml").write_bytes(b"nodes:\n  - id: tech\n    name: Te\x00ch\n")
    assert problems(kb) == ["kb/roles.yaml:3:1: error: file contains NUL bytes; is it binary?"]


def test_control_character_is_pointed_at(kb: Path) -> None:
    # PyYAML's own message spans two lines and counts bytes; the problem stays one line and
    # points at the character, after multi-byte text on the same line
    (kb / "roles.yaml").write_text("nodes:\n  - id: tech\n    name: Café\x07\n",
                                   encoding="utf-8")
    assert problems(kb) == [
        "kb/roles.yaml:3:15: error: character #x0007 is not allowed in YAML text",
    ]


def test_alias_bomb(kb: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (kb / "bomb.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    assert problems(kb) == [
        "kb/bomb.yaml:1:14: error: file has more than 200000 YAML nodes (alias bomb?)",
    ]


def test_too_deep_nesting(kb: Path) -> None:
    (kb / "deep.yaml").write_text("nodes: " + "[" * 70 + "]" * 70 + "\n", encoding="utf-8")
    assert problems(kb) == ["kb/deep.yaml:1:72: error: YAML nested deeper than 64 levels"]


def test_recursive_alias(kb: Path) -> None:
    write(kb, "loop.yaml", "nodes: &loop [*loop]\n")
    assert problems(kb) == ["kb/loop.yaml:1:8: error: YAML nested deeper than 64 levels"]


# -- many problems in one run ----------------------------------------------------------------


def test_every_problem_of_every_file_in_one_run(kb: Path) -> None:
    write(kb, "roles.yaml", """
        nodes:
          - id: tech
            type: role
            name: Tech
            summary: s
            section: S
            relations:
              requires: [fellowship, fellowhsip]
              certified_by: [exam]
          - id: Bad-Id
            type: rol
            name: Bad
            summary: s
            section: S
        """)
    write(kb, "training.yaml", """
        nodes:
          - id: fellowship
            type: training
            name: Fellowship
            summary: s
            section: S
            duration: forever
          - id: tech
            type: credential
            name: Exam
            summary: s
        """)
    write(kb, "broken.yaml", "nodes: [unclosed\n")
    expected = [
        "kb/broken.yaml:2:1: error: YAML syntax error: did not find expected ',' or ']'",
        "kb/roles.yaml:8:30: error: unknown node 'fellowhsip' in 'requires' "
        "(did you mean 'fellowship'?)",
        "kb/roles.yaml:9:22: error: unknown node 'exam' in 'certified_by'",
        "kb/roles.yaml:10:9: error: id 'Bad-Id' must be lower-case letters, digits and "
        "underscores, starting with a letter",
        f"kb/roles.yaml:11:11: error: unknown node type 'rol' (did you mean 'role'?); "
        f"known types: {KNOWN_TYPES}",
        f"kb/training.yaml:7:15: error: field 'duration' of node 'fellowship' {DURATION_HINT}",
        "kb/training.yaml:8:5: error: node 'tech' is missing required field 'section'",
    ]
    assert problems(kb) == expected
    with pytest.raises(KnowledgeError) as info:
        load_graph(kb)
    assert str(info.value) == f"{len(expected)} problems found:\n" + "\n".join(expected)
    assert [(p.file, p.line, p.col) for p in info.value.problems] == sorted(
        (p.file, p.line, p.col) for p in info.value.problems)


def test_a_node_with_too_many_or_too_long_aliases_is_refused(kb: Path) -> None:
    """Every name is looked for in every question: 30,000 aliases made each turn 80x slower,
    so a name list holds at most 200 names of at most 12 words."""
    many = ", ".join(f"alias{i}" for i in range(201))
    write(kb, "roles.yaml", f"""
        nodes:
          - {{id: tech, type: role, name: Tech, summary: s, section: S, aliases: [{many}]}}
        """)
    assert problems(kb) == ["kb/roles.yaml:2:73: error: field 'aliases' of node 'tech' may "
                            "hold at most 200 texts of at most 12 words each"]
