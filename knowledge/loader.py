"""Load a knowledge directory in stages: read -> parse with marks -> validate -> build.

Every problem of every file is collected before anything is raised, each as file:line:col.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .errors import KnowledgeError, Problem
from .files import EMBEDDED_DIR, display_name, yaml_files
from .graph import Graph
from .model import Duration, Edge, Fact, Location, Node, Source
from .record import field, record, replace
from .schema import (
    COMMON_FIELDS,
    FIELD_META,
    NODE_TYPES,
    RELATIONS,
    REQUIRED_FIELDS,
    SOURCED_FIELDS,
)
from .source import PATH_SEP, SourceDocument, normal
from .text import key
from .yamlsafe import MAX_FILE_BYTES, MDict, MList, read_marked

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# The space before a range sits inside its optional group: `\s*(?:...)?\s*` backtracked
# quadratically in a run of spaces.
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(years?|months?)\s*$")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''. Shared by dialogs too."""
    found = process.extractOne(word, list(choices), scorer=Levenshtein.normalized_similarity,
                               score_cutoff=0.6)
    return f" (did you mean '{found[0]}'?)" if found else ""


@record
class _Cite:
    """A fact as declared, before its quote is looked up in the source document."""

    field: str
    text: str
    section: str
    quote: str | None
    line: int | None
    mark: tuple[int, int]


@record(frozen=False)
class _Draft:
    """A node as read, before cross-checks: values plus where each one stood."""

    node: Node
    file: str
    mark: tuple[int, int]
    relations: list[tuple[str, str, tuple[int, int]]]
    alias_marks: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    cites: list[_Cite] = field(default_factory=list)
    #: Keywords that must be words of the node's cited source lines, and where each stood.
    stated_words: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    #: Links of stated relations declared without the quote that states them.
    unquoted: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)


def parse_duration(value: Any) -> Duration | None:
    """'4-5 years', '2 years', or {min: 4, max: 5, unit: year} -> Duration; None if invalid."""
    if isinstance(value, dict):
        low, high = value.get("min"), value.get("max", value.get("min"))
        unit = str(value.get("unit", "year")).rstrip("s")
        if set(value) - {"min", "max", "unit"} or unit not in {"year", "month"}:
            return None
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            return None
        if low is None or high is None or low < 0 or low > high:
            return None
        return Duration(float(low), float(high), unit)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return Duration(float(value), float(value))
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            low = float(match.group(1))
            high = float(match.group(2) or match.group(1))
            if low <= high:
                return Duration(low, high, match.group(3).rstrip("s"))
    return None


@record(frozen=False)
class _Links:
    """A node's relations as read, and those that state something without their quote."""

    relations: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)
    unquoted: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)

    def add(self, rel: str, target: str, quote: Any, mark: tuple[int, int]) -> None:
        self.relations.append((rel, target, mark))
        if quote is None and RELATIONS[rel].stated:
            self.unquoted.append((rel, target, mark))


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.drafts: list[_Draft] = []
        self.meta: dict[str, Any] = {}
        #: ids of nodes refused for their own problems: references to them are not reported
        #: again as 'unknown node', which would send the editor looking for a missing node.
        self.refused_ids: set[str] = set()
        self.current_file = ""
        self.meta_file = ""
        self.meta_source_mark: tuple[int, int] = (1, 1)

    def problem(self, file: str, mark: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(file, mark[0], mark[1], message))

    # -- stage 1 and 2: read and parse each file ------------------------------------------
    def read(self) -> None:
        if not self.root.is_dir():
            self.problems.append(Problem(display_name(self.root), 1, 1,
                                         "not a directory"))
            return
        files = yaml_files(self.root)
        if not files:
            self.problems.append(Problem(display_name(self.root), 1, 1,
                                         "no .yaml files found"))
        for path in files:
            name = display_name(path)
            self.current_file = name
            data, problems = read_marked(path, name)
            self.problems.extend(problems)
            if problems or data is None:
                continue
            if not isinstance(data, MDict):
                self.problem(name, getattr(data, "mark", (1, 1)),
                             "a knowledge file must be a mapping with 'nodes:' (and 'field:')")
                continue
            for top in data:
                if top not in {"nodes", "field"}:
                    self.problem(name, data.key_marks[top], f"unknown top-level key {top!r}"
                                 + did_you_mean(str(top), ["nodes", "field"]))
            if "field" in data:
                self.read_meta(name, data)
            nodes = data.get("nodes")
            if nodes is None:
                continue
            if not isinstance(nodes, MList):
                self.problem(name, data.value_marks["nodes"], "'nodes' must be a list of nodes")
                continue
            for item, mark in zip(nodes, nodes.item_marks, strict=True):
                self.read_node(name, item, mark)

    def read_meta(self, name: str, data: MDict) -> None:
        meta = data["field"]
        if not isinstance(meta, MDict):
            self.problem(name, data.value_marks["field"], "'field' must be a mapping")
            return
        if self.meta:
            self.problem(name, data.key_marks["field"], "'field' is declared in more than one file")
            return
        for k, v in meta.items():
            kind = FIELD_META.get(k)
            if kind is None:
                self.problem(name, meta.key_marks[k], f"unknown field {k!r} in 'field'"
                             + did_you_mean(str(k), FIELD_META))
            elif not self.kind_ok(kind, v):
                self.problem(name, meta.value_marks[k], f"'field.{k}' must be {_KIND_TEXT[kind]}")
        self.meta = {k: (tuple(v) if isinstance(v, list) else {  # (checked above)
            str(a): tuple(b) if isinstance(b, list) else b for a, b in v.items()}
            if isinstance(v, dict) else v) for k, v in meta.items() if k in FIELD_META}
        self.meta_file = name
        self.meta_source_mark = meta.value_marks.get("document", meta.mark)

    @staticmethod
    def kind_ok(kind: str, value: Any) -> bool:
        if kind in {"text", "id"}:
            return isinstance(value, str) and bool(value.strip())
        if kind == "texts":
            return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if kind == "opposites":
            return isinstance(value, dict) and all(
                isinstance(k, str) and k.strip() and _Loader.kind_ok("texts", v)
                for k, v in value.items())
        return True

    def read_node(self, name: str, item: Any, mark: tuple[int, int]) -> None:
        if not isinstance(item, MDict):
            self.problem(name, mark,
                         "a node must be a mapping with id, type, name, summary, section")
            return
        node_id = item.get("id")
        label = f"node {node_id!r}" if isinstance(node_id, str) else "node"
        node_type = item.get("type")
        # A list or mapping as type is reported by the field-kind check below (and must not
        # reach `in NODE_TYPES`, where an unhashable value would crash the loader).
        known_type = isinstance(node_type, str) and node_type in NODE_TYPES
        type_fields: dict[str, str] = NODE_TYPES[str(node_type)] if known_type else {}
        ok = True
        if not known_type and isinstance(node_type, str) and node_type.strip():
            ok = False
            self.problem(name, item.value_marks["type"], f"unknown node type {node_type!r}"
                         + did_you_mean(node_type, NODE_TYPES)
                         + f"; known types: {', '.join(NODE_TYPES)}")
        item, cites = self.unwrap(name, label, item)
        ok = self.check_fields(name, label, item, mark, type_fields, known_type) and ok
        links = _Links()
        ok = self.read_relations(name, label, item, links, cites) and ok
        if not ok:
            if isinstance(node_id, str):
                self.refused_ids.add(node_id)
            return
        self.drafts.append(self.draft(name, item, mark, type_fields, links, cites))

    def check_fields(self, name: str, label: str, item: MDict, mark: tuple[int, int],
                     type_fields: dict[str, str], known_type: bool) -> bool:
        """Required fields, field names and kinds, the id's form: True when all are right."""
        ok = True
        allowed = {**COMMON_FIELDS, **type_fields}
        if not known_type:
            # The type is missing or wrong, which is reported once; do not also report every
            # field that belongs to the intended type ('duties' of a 'rol') as unknown.
            for fields_of_type in NODE_TYPES.values():
                allowed.update(fields_of_type)
        for field_name in REQUIRED_FIELDS:
            if field_name not in item:
                ok = False
                self.problem(name, mark, f"{label} is missing required field '{field_name}'")
        for k, v in item.items():
            kind = allowed.get(k)
            if kind is None:
                where = f"a {item.get('type')}" if known_type else "a node"
                message = f"unknown field {k!r} for {where}" + did_you_mean(str(k), allowed)
                self.problem(name, item.key_marks[k], message)
                ok = False
                continue
            wrong = self.kind_problem(kind, k, v, label)
            if wrong:
                ok = False
                self.problem(name, item.value_marks[k], wrong)
        node_id = item.get("id")
        if isinstance(node_id, str) and not _ID.match(node_id):
            ok = False
            self.problem(name, item.value_marks["id"], f"id {node_id!r} must be lower-case "
                         "letters, digits and underscores, starting with a letter")
        return ok

    def kind_problem(self, kind: str, k: str, v: Any, label: str) -> str:
        """What is wrong with a field's value for its kind ('' when nothing is)."""
        if kind in {"text", "texts", "id"} and not self.kind_ok(kind, v):
            return f"field '{k}' of {label} must be {_KIND_TEXT[kind]}"
        if k in _NAME_FIELDS and (len(v) > MAX_TEXTS or any(
                len(str(t).split()) > MAX_TEXT_WORDS for t in v)):
            # (every name is looked for in every question: 30,000 aliases made a turn 80x)
            return (f"field '{k}' of {label} may hold at most {MAX_TEXTS} texts of at most "
                    f"{MAX_TEXT_WORDS} words each")
        if kind == "keywords" and not self.keywords_ok(v):
            return (f"field 'keywords' of {label} must be a list of words the source uses "
                    "about it, each alone or with its synonyms ('children: [kids, kid]')")
        if kind == "duration" and parse_duration(v) is None:
            return (f"field '{k}' of {label} must be a duration like '4-5 years' or "
                    "{min: 4, max: 5, unit: year}")
        return ""

    def read_relations(self, name: str, label: str, item: MDict, links: _Links,
                       cites: list[_Cite]) -> bool:
        """A node's relations into `links` (with the quotes that state them into `cites`):
        True when they are well formed."""
        rels = item.get("relations")
        if rels is None:
            return True
        if not isinstance(rels, MDict):
            self.problem(name, item.value_marks["relations"], f"'relations' of {label} must "
                         "be a mapping of relation name to a list of node ids")
            return False
        ok = True
        for rel, targets in rels.items():
            if rel not in RELATIONS:
                ok = False
                self.problem(name, rels.key_marks[rel], f"unknown relation {rel!r}"
                             + did_you_mean(str(rel), RELATIONS))
            elif isinstance(targets, str):
                links.add(str(rel), targets, None, rels.value_marks[rel])
            elif isinstance(targets, MList) and all(_link_ok(t) for t in targets):
                for t, m in zip(targets, targets.item_marks, strict=True):
                    target, quote = (t, None) if isinstance(t, str) else next(iter(t.items()))
                    links.add(str(rel), str(target), quote, m)
                    if quote is not None:
                        cites.extend(self.cites_of(f"{rel}:{target}", str(target), quote, m))
            else:
                ok = False
                self.problem(name, rels.value_marks[rel], f"relation '{rel}' of {label} "
                             "must be a node id or a list of node ids, each alone or "
                             "with the quote that states it ('- id: quote')")
        return ok

    @staticmethod
    def draft(name: str, item: MDict, mark: tuple[int, int], type_fields: dict[str, str],
              links: _Links, cites: list[_Cite]) -> _Draft:
        """The node of a valid entry, with what the cross-file checks still need."""
        fields: dict[str, Any] = {}
        for k, kind in type_fields.items():
            if k in item:
                value = item[k]
                if kind == "duration":
                    value = parse_duration(value)
                elif kind == "texts":
                    value = tuple(str(v).strip() for v in value)
                fields[k] = value
        if "statements" in item:
            fields["statements"] = tuple(str(v).strip() for v in item["statements"])
        words, stated = _keywords(item)
        synonyms = _synonyms(item)
        related = tuple(str(r).strip() for r in item.get("related", ()))
        # Related names are looked up as names are, but never stand for the node: an answer
        # reached through one says the document does not mention it.
        related_names = tuple(str(r).strip() for r in item.get("related_names", ()))
        node = Node(
            id=str(item["id"]), type=str(item["type"]), name=str(item["name"]).strip(),
            summary=str(item["summary"]).strip(), section=str(item["section"]).strip(),
            aliases=tuple(str(a).strip() for a in (*item.get("aliases", ()), *related_names)),
            keywords=tuple(dict.fromkeys((*words, *related))),
            fields=MappingProxyType(fields), location=Location(name, *mark),
            related=(*related_names, *related),
            synonyms=MappingProxyType(synonyms),
        )
        draft = _Draft(node, name, mark, links.relations, cites=cites, stated_words=stated,
                       unquoted=links.unquoted)
        for list_name in ("aliases", "related_names"):
            if list_name in item:
                draft.alias_marks.extend(zip(item[list_name], item[list_name].item_marks,
                                             strict=True))
        return draft

    def unwrap(self, name: str, label: str, item: MDict) -> tuple[MDict, list[_Cite]]:
        """The node with each stated field as plain values, and what each value cites.

        `summary: text` quotes itself; `summary: {text: ..., source: ...}` cites `source`: a
        quote, `{section: ..., quote: ...}`, `{section: ..., line: N}` or a list of those."""
        plain = MDict(item)
        plain.mark, plain.key_marks = item.mark, item.key_marks
        plain.value_marks = dict(item.value_marks)
        cites: list[_Cite] = []
        for k in SOURCED_FIELDS & set(item):
            value, mark = item[k], item.value_marks[k]
            if isinstance(value, MList):
                texts = MList()
                texts.mark, texts.item_marks = value.mark, value.item_marks
                for entry, entry_mark in zip(value, value.item_marks, strict=True):
                    text = self.split(name, label, str(k), entry, entry_mark, cites)
                    texts.append(text)
                plain[k] = texts
            else:
                plain[k] = self.split(name, label, str(k), value, mark, cites)
        return plain, cites

    def split(self, name: str, label: str, field_name: str, value: Any, mark: tuple[int, int],
              cites: list[_Cite]) -> Any:
        """One stated value: its text, with the cites it declares (or itself as its quote)."""
        if not isinstance(value, MDict):
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                cites.append(_Cite(field_name, str(value), "", str(value), None, mark))
            return value
        if set(value) != {"text", "source"}:
            if field_name == "duration":
                # {min: 4, max: 5, unit: year} quotes nothing: cite it with {text, source}.
                cites.append(_Cite(field_name, str(value), "", None, None, mark))
            return value  # (anything else is reported by the field-kind check)
        text = value["text"]
        cites.extend(self.cites_of(field_name, str(text), value["source"],
                                   value.value_marks["source"]))
        return text

    def cites_of(self, field_name: str, text: str, spec: Any,
                 mark: tuple[int, int]) -> list[_Cite]:
        """The cites a `source:` value declares; a malformed one is reported here."""
        specs = list(spec) if isinstance(spec, MList) else [spec]
        marks = spec.item_marks if isinstance(spec, MList) else [mark]
        out: list[_Cite] = []
        for one, one_mark in zip(specs, marks, strict=True):
            if isinstance(one, str) and one.strip():
                out.append(_Cite(field_name, text, "", one, None, one_mark))
                continue
            ok = isinstance(one, MDict) and set(one) <= {"section", "quote", "line"} and (
                isinstance(one.get("quote"), str) != isinstance(one.get("line"), int)) and (
                isinstance(one.get("section", ""), str))
            if not ok:
                self.problems.append(Problem(self.current_file, *one_mark,
                                             "a source is a quote, or {section: ..., quote: ...}"
                                             " or {section: ..., line: N}"))
                continue
            out.append(_Cite(field_name, text, str(one.get("section", "")), one.get("quote"),
                             one.get("line"), one_mark))
        return out

    @staticmethod
    def keywords_ok(value: Any) -> bool:
        if not isinstance(value, list):
            return False
        for entry in value:
            if isinstance(entry, dict):
                if len(entry) != 1:
                    return False
                word, syns = next(iter(entry.items()))
                if not (isinstance(word, str) and isinstance(syns, list)
                        and all(isinstance(x, str) and x.strip() for x in syns)):
                    return False
            elif not (isinstance(entry, str) and entry.strip()):
                return False
        return True

    # -- stage 2b: every fact's quote is in the source document --------------------------
    def verify_sources(self) -> None:
        """Look each cite up in the source document the field declares; attach the facts.

        A directory whose `field:` names no source document is not checked (its facts carry
        no sources)."""
        document = self.source_document()
        if document is None:
            return
        # Every word of the document, so an answer can tell a word it never uses.
        self.meta["document_words"] = document.words()
        known = frozenset(self.meta["document_words"])  # (once, for every node's full name)
        for draft in self.drafts:
            facts: dict[tuple[str, str], list[Source]] = {}
            cited: list[str] = []
            for cite in draft.cites:
                source = self.resolve(document, draft, cite)
                if source is not None:
                    facts.setdefault((cite.field, cite.text), []).append(source)
                    cited.append(document.line(source.line))
            section = document.section(draft.node.section)
            if section is None:
                self.problem(draft.file, draft.mark, f"section {draft.node.section!r} of "
                             f"'{draft.node.id}' is not a heading of {document.name}")
            else:
                cited.extend(text for _n, text in section.lines[:1])
                # The heading itself: where the node stands in the document (a listing cites it).
                heading = Source(PATH_SEP.join(section.path[1:] or section.path), section.title,
                                 section.line)
                facts.setdefault(("section", section.title), []).append(heading)
            self.check_words(document, draft, cited, known)
            for rel, target, mark in draft.unquoted:
                self.problem(draft.file, mark, f"'{rel}: {target}' of '{draft.node.id}' states "
                             "something: give the quote that states it ('- "
                             f"{target}: quote'), or drop the link")
            draft.node = replace(draft.node, facts=tuple(
                Fact(f, t, tuple(dict.fromkeys(s))) for (f, t), s in facts.items()))

    def source_document(self) -> SourceDocument | None:
        name = self.meta.get("document")
        if not isinstance(name, str):
            return None
        path = self.root / name
        try:
            # Only a regular file of a bounded size: a FIFO would block the load for ever,
            # and /dev/zero or a huge file would fill memory.
            size = path.stat().st_size
            if not path.is_file() or size > MAX_FILE_BYTES:
                what = "not a regular file" if not path.is_file() else f"{size} bytes"
                raise OSError(f"it is {what}; the limit is a file of {MAX_FILE_BYTES} bytes")
            return SourceDocument.read(path)
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(self.meta_file, *self.meta_source_mark,
                                         f"cannot read the source document {name!r}: {exc}"))
            return None

    def resolve(self, document: SourceDocument, draft: _Draft, cite: _Cite) -> Source | None:
        where = cite.section or draft.node.section
        section = document.section(where)
        if section is None:
            if cite.section:
                self.problem(draft.file, cite.mark, f"section {where!r} is not a heading of "
                             f"{document.name} (write the heading, or a path 'A{PATH_SEP}B')")
            return None
        if cite.line is not None:
            if not any(n == cite.line for n, _t in section.lines):
                self.problem(draft.file, cite.mark, f"line {cite.line} of {document.name} is "
                             f"not in the section {where!r}")
                return None
            quote = document.line(cite.line)
            return Source(PATH_SEP.join(section.path[1:] or section.path),
                          normal_quote(quote), cite.line)
        if cite.quote is None:
            self.problem(draft.file, cite.mark, f"{cite.field} of '{draft.node.id}' quotes "
                         "nothing: write it as {text: ..., source: quote}")
            return None
        source = document.cite(section, cite.quote)
        if source is not None and len(normal(cite.quote).split()) < 3 and \
                cite.field not in _LIST_ITEMS and \
                normal(cite.quote) != normal(document.line(source.line)):
            # A word or two proves nothing (and is what an unquoted comma in a YAML flow
            # list leaves of a quote): quote three words or more, or a whole line.
            self.problem(draft.file, cite.mark, f"{cite.field} of '{draft.node.id}': the "
                         f"quote {cite.quote!r} is too short to show where the fact comes "
                         "from; quote three words or more, or the whole line (and quote a "
                         "quote with commas: \"...\")")
            return None
        if source is None:
            shown = cite.quote if len(cite.quote) <= 60 else cite.quote[:59] + "…"
            self.problem(draft.file, cite.mark, f"{cite.field} of '{draft.node.id}': "
                         f"{shown!r} is not in {document.name} under {where!r}; quote the "
                         "source ({text: ..., source: quote}) or declare the words as "
                         "'related:'")
        return source

    def check_words(self, document: SourceDocument, draft: _Draft, cited: list[str],
                    known: frozenset[str]) -> None:
        """Each stated keyword (or the word its synonyms stand for) is in the node's lines."""
        text = " " + " ".join(normal(line) for line in cited) + " "
        for term in draft.node.related:
            if f" {normal(term)} " in text:
                self.problem(draft.file, draft.mark, f"related term {term!r} of "
                             f"'{draft.node.id}' is a word of its cited lines in "
                             f"{document.name}: make it a keyword")
        full = draft.node.get("full_name")
        if isinstance(full, str):  # shown as the thing's name: a name the document never
            # gives ('Magnetic resonance imaging') is invented
            unknown = [w for w in normal(full).replace("-", " ").replace("/", " ").split()
                       if not {w, w.rstrip("s"), w + "s"} & known]
            if unknown:
                self.problem(draft.file, draft.mark, f"full name {full!r} of "
                             f"'{draft.node.id}' has words {document.name} never uses "
                             f"({', '.join(unknown)}): give the name the document gives")
        for word, mark in draft.stated_words:
            forms = {normal(word), normal(word).rstrip("s"), normal(word) + "s"}
            if not any(f and f" {f} " in text for f in forms):
                self.problem(draft.file, mark, f"keyword {word!r} of '{draft.node.id}' is not "
                             f"a word of its cited lines in {document.name}; make it a synonym "
                             "of one ('word: [synonym]'), or a 'related:' term if the source "
                             "never says it")

    # -- stage 3: checks across nodes -----------------------------------------------------
    def cross_check(self) -> list[Edge]:
        by_id: dict[str, _Draft] = {}
        for draft in self.drafts:
            first = by_id.get(draft.node.id)
            if first is not None:
                self.problem(draft.file, draft.mark, f"duplicate id '{draft.node.id}' (first "
                             f"defined at {first.file}:{first.mark[0]}:{first.mark[1]})")
            else:
                by_id[draft.node.id] = draft
        claimed: dict[str, str] = {}
        for draft in by_id.values():
            names = [(draft.node.name, draft.mark), (draft.node.id.replace("_", " "), draft.mark),
                     *draft.alias_marks]
            for text, mark in names:
                k = key(text)
                owner = claimed.get(k)
                if owner is not None and owner != draft.node.id:
                    self.problem(draft.file, mark, f"alias {text!r} of '{draft.node.id}' is "
                                 f"already claimed by '{owner}'")
                elif k:
                    claimed[k] = draft.node.id
        edges: list[Edge] = []
        for draft in by_id.values():
            for rel, target, mark in draft.relations:
                rule = RELATIONS[rel]
                target_draft = by_id.get(target)
                if target_draft is None:
                    if target not in self.refused_ids:
                        self.problem(draft.file, mark, f"unknown node {target!r} in '{rel}'"
                                     + did_you_mean(target, [*by_id, *sorted(self.refused_ids)]))
                    continue
                if rule.sources is not None and draft.node.type not in rule.sources:
                    self.problem(draft.file, mark, f"relation '{rel}' cannot start at a "
                                 f"{draft.node.type} ('{draft.node.id}'); allowed: "
                                 f"{', '.join(sorted(rule.sources))}")
                    continue
                if rule.targets is not None and target_draft.node.type not in rule.targets:
                    self.problem(draft.file, mark, f"relation '{rel}' cannot point to a "
                                 f"{target_draft.node.type} ('{target}'); allowed: "
                                 f"{', '.join(sorted(rule.targets))}")
                    continue
                edges.append(Edge(draft.node.id, rel, target))
        for rel, rule in RELATIONS.items():
            if rule.acyclic:
                self.find_cycles(rel, [e for e in edges if e.relation == rel], by_id)
        return edges

    def find_cycles(self, rel: str, edges: list[Edge], by_id: dict[str, _Draft]) -> None:
        graph: dict[str, list[str]] = {}
        for edge in edges:
            graph.setdefault(edge.source, []).append(edge.target)
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(start: str) -> None:
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                node_id, index = stack.pop()
                if index == 0:
                    state[node_id] = 1
                    path.append(node_id)
                targets = graph.get(node_id, [])
                if index < len(targets):
                    stack.append((node_id, index + 1))
                    nxt = targets[index]
                    if state.get(nxt) == 1:
                        cycle = [*path[path.index(nxt):], nxt]
                        members = frozenset(cycle)
                        if members not in reported:
                            reported.add(members)
                            draft = by_id[nxt]
                            self.problem(draft.file, draft.mark, f"cycle in '{rel}': "
                                         + " -> ".join(cycle))
                    elif nxt not in state:
                        stack.append((nxt, 0))
                else:
                    state[node_id] = 2
                    path.pop()

        for node_id in list(graph):
            if node_id not in state:
                visit(node_id)


#: A list of names (aliases, related names) holds at most this many, each at most this many
#: words: every name is looked for in every question, and a few hundred serve any node.
MAX_TEXTS, MAX_TEXT_WORDS = 200, 12
_NAME_FIELDS = frozenset({"aliases", "related_names", "related"})

#: Fields whose items are words of a listing line ('surgery', 'CT'): short quotes are fine.
_LIST_ITEMS = frozenset({"options", "specialties", "duration"})

_KIND_TEXT = {"text": "non-empty text", "id": "non-empty text",
              "texts": "a list of non-empty texts",
              "opposites": "a mapping of texts to lists of non-empty texts"}


def normal_quote(line: str) -> str:
    """A whole line cited by number, as a quote reads: without markdown or list markers."""
    return re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).replace("**", "").strip()


def _link_ok(target: Any) -> bool:
    """A relation target: a node id, or `{node_id: quote}`."""
    if isinstance(target, str):
        return True
    return (isinstance(target, dict) and len(target) == 1
            and all(isinstance(k, str) and isinstance(v, (str, MDict, MList))
                    for k, v in target.items()))


def _synonyms(item: MDict) -> dict[str, str]:
    """Each declared synonym of a keyword, to the keyword ('heart': 'cardiac imaging')."""
    value = item.get("keywords")
    if not isinstance(value, MList):
        return {}
    return {str(x).strip(): str(word).strip() for entry in value if isinstance(entry, dict)
            for word, syns in entry.items() for x in syns}


def _keywords(item: MDict) -> tuple[tuple[str, ...], list[tuple[str, tuple[int, int]]]]:
    """All keyword terms (flattened), and the source words each entry declares."""
    value = item.get("keywords")
    if not isinstance(value, MList):
        return (), []
    words: list[str] = []
    stated: list[tuple[str, tuple[int, int]]] = []
    for entry, mark in zip(value, value.item_marks, strict=True):
        if isinstance(entry, dict):
            word, syns = next(iter(entry.items()))
            words.extend([str(word).strip(), *(str(x).strip() for x in syns)])
            stated.append((str(word), mark))
        else:
            words.append(str(entry).strip())
            stated.append((str(entry), mark))
    return tuple(words), stated


def validate(directory: str | Path | None = None) -> tuple[Graph | None, list[Problem]]:
    """Load a knowledge directory, returning the graph (when valid) and every problem found."""
    loader = _Loader(Path(directory) if directory is not None else EMBEDDED_DIR)
    loader.read()
    loader.verify_sources()
    edges = loader.cross_check()
    if loader.problems:
        # Cross-file checks run after every file is read; report file by file, top to bottom,
        # as yamllint and flake8 do, so an editor can walk the list in order.
        return None, sorted(loader.problems, key=lambda p: (p.file, p.line, p.col))
    nodes = [d.node for d in loader.drafts]
    return Graph(nodes, edges, loader.meta), []


def load_graph(directory: str | Path | None = None) -> Graph:
    """Load and validate a knowledge directory (default: the embedded radiology graph).

    Raises KnowledgeError listing every problem, each as file:line:col.
    """
    graph, problems = validate(directory)
    if graph is None:
        raise KnowledgeError(problems)
    return graph
