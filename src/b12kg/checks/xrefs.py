"""The cross-reference checker: every mapped ID exists, is not obsolete and carries the source's label.

The terms are read from the committed import modules (``ontology/imports/*_import.ttl``) or from full
ontology files (OBO, OWL functional syntax, TSV, see :mod:`b12kg.formats.imports`). The mapping file is read
leniently so that every problem is reported, not only the first: malformed CURIEs, prefixes the
``curie_map`` (or b12kg's prefix map) does not declare, unknown IDs, obsolete IDs, label mismatches.

>>> from b12kg.store.ontology_files import SourceTerm
>>> from b12kg.store.sssom import Mapping
>>> terms = {"HP:0003394": SourceTerm("HP:0003394", "Muscle spasm")}
>>> rows = [Mapping("b12kg:muscle_cramp", "muscle cramp", "skos:closeMatch", "HP:0003394", "Muscle cramp")]
>>> [p.reason for p in check_mappings(rows, terms, {"b12kg", "skos", "semapv", "HP"})]
['label mismatch']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ExtractionError, SSSOMError
from ..core.prefixes import PREFIX_MAP
from ..store.ontology_files import SourceTerm, read_source, read_text
from ..store.sssom import COLUMNS, NO_TERM, Mapping

__all__ = ["XrefProblem", "check_file", "check_mappings", "count_checked", "load_module_terms", "load_terms",
           "read_rows"]

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):([A-Za-z0-9_.-]+)$")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class XrefProblem:
    """One finding of the checker."""

    line: int
    subject: str
    curie: str
    expected_label: str
    found_label: str
    reason: str


def load_module_terms(paths: Iterable[Path]) -> dict[str, SourceTerm]:
    """Classes (label, obsolete flag) of Turtle import modules, by CURIE."""
    import pyoxigraph as ox

    from ..core.prefixes import compress

    labels: dict[str, str] = {}
    deprecated: set[str] = set()
    classes: set[str] = set()
    for path in paths:
        text = read_text(path, "a Turtle import module")
        try:
            triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise ExtractionError(f"{path}: cannot read the import module: {e}") from None
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            curie = compress(t.subject.value)
            if t.predicate.value == RDF_TYPE and t.object.value == OWL_CLASS:
                classes.add(curie)
            elif t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
                labels.setdefault(curie, t.object.value)
            elif t.predicate.value == OWL_DEPRECATED and str(t.object.value) == "true":
                deprecated.add(curie)
    return {c: SourceTerm(c, label, obsolete=c in deprecated) for c, label in labels.items() if c in classes}


def load_terms(paths: Iterable[Path]) -> dict[str, SourceTerm]:
    """Terms of import modules (``.ttl``) and full ontology files (OBO, OWL, TSV); first one wins."""
    out: dict[str, SourceTerm] = {}
    for path in paths:
        path = Path(path)
        found = load_module_terms([path]) if path.suffix == ".ttl" else read_source(path).terms
        if not found:
            raise ExtractionError(f"{path}: no labelled classes in this import module: nothing to check against")
        for c, t in found.items():
            if t.label is not None and c not in out:
                out[c] = t
    return out


def read_rows(path: Path) -> tuple[list[tuple[int, Mapping]], set[str]]:
    """The rows (with line numbers) and the ``curie_map`` prefixes of an SSSOM file, read leniently."""
    import yaml

    path = Path(path)
    lines = read_text(path, "an SSSOM mapping set (TSV)", SSSOMError).splitlines()
    meta_text = "\n".join(ln[1:] for ln in lines if ln.startswith("#"))
    try:
        meta = yaml.safe_load(meta_text) or {}
    except yaml.YAMLError as e:
        raise SSSOMError(f"{path}: the metadata block is not valid YAML: {e}") from None
    curie_map = meta.get("curie_map") if isinstance(meta, dict) else None
    declared = set(curie_map) if isinstance(curie_map, dict) else set()
    body = [(i + 1, ln) for i, ln in enumerate(lines) if not ln.startswith("#") and ln.strip()]
    if not body:
        raise SSSOMError(f"{path}: no table header")
    header = body[0][1].split("\t")
    missing = [c for c in ("subject_id", "predicate_id", "object_id") if c not in header]
    if missing:
        raise SSSOMError(f"{path}, line {body[0][0]}: missing column(s) {', '.join(missing)}")
    rows: list[tuple[int, Mapping]] = []
    for lineno, ln in body[1:]:
        cells = dict(zip(header, ln.split("\t"), strict=False))
        rows.append((lineno, Mapping(**{c: cells.get(c, "") for c in COLUMNS})))
    if not rows:
        raise SSSOMError(f"{path}: no mapping rows under the header: nothing to check")
    return rows, declared


def check_mappings(
    rows: Sequence[Mapping] | Sequence[tuple[int, Mapping]],
    terms: MappingType[str, SourceTerm],
    declared: Iterable[str],
    subject_labels: MappingType[str, str] | None = None,
) -> list[XrefProblem]:
    """Problems of the mapping rows against the terms; ``declared`` are the curie_map prefixes.

    ``subject_labels`` (CURIE -> label of the graph), when given, also checks that every subject
    exists in the graph.
    """
    declared = set(declared) & set(PREFIX_MAP)  # a prefix must be in the curie_map and b12kg's map
    out: list[XrefProblem] = []
    for n, item in enumerate(rows, 1):
        line, row = item if isinstance(item, tuple) else (n, item)

        def add(curie: str, found: str, reason: str, row: Mapping = row, line: int = line) -> None:
            out.append(XrefProblem(line, row.subject_id, curie, row.object_label, found, reason))

        bad = False
        for value in (row.subject_id, row.predicate_id, row.object_id):
            m = _CURIE.match(value)
            if not m:
                add(value, "", "malformed CURIE")
                bad = True
            elif m.group(1) not in declared:
                add(value, "", f"undeclared prefix {m.group(1)!r}")
                bad = True
        if bad:
            continue
        if subject_labels is not None and row.subject_id not in subject_labels:
            add(row.subject_id, "", "subject not in the graph")
        if row.object_id == NO_TERM:
            continue
        term = terms.get(row.object_id)
        if term is None:
            add(row.object_id, "", "unknown ID")
        elif term.obsolete:
            add(row.object_id, term.label or "", "obsolete ID")
        elif term.label != row.object_label:
            add(row.object_id, term.label or "", "label mismatch")
    return out


def _unlisted(declared: set[str]) -> set[str]:
    """Prefixes a row may use that are not declared (so that the row is reported)."""
    return {p for p in PREFIX_MAP if p not in declared}


def check_file(
    mapping_file: Path,
    sources: Sequence[Path] | None = None,
    subject_labels: MappingType[str, str] | None = None,
) -> list[XrefProblem]:
    """Check an SSSOM file against ``sources`` (default: the bundled import modules).

    With ``sources``, only the rows whose object prefix occurs in them are looked up (plus every row
    with a malformed CURIE or undeclared prefix).
    """
    from ..core.resources import import_files

    rows, declared = read_rows(mapping_file)
    terms = load_terms(sources if sources else import_files())
    if sources:  # full ontology files: check the rows of the ontologies they hold
        held = {c.split(":", 1)[0] for c in terms}
        wanted = held | _unlisted(declared)
        rows = [(n, r) for n, r in rows
                if not _CURIE.match(r.object_id) or r.object_id.split(":", 1)[0] in wanted]
        if not rows:  # a check that examined nothing must not pass
            names = ", ".join(Path(s).name for s in sources)
            raise ExtractionError(
                f"none of the mappings of {Path(mapping_file).name} points into {names} (its terms have the "
                f"prefixes {', '.join(sorted(held))}): nothing was checked; give the source of a mapped ontology")
    return check_mappings(rows, terms, declared, subject_labels)


def count_checked(mapping_file: Path, sources: Sequence[Path] | None = None) -> int:
    """How many rows of ``mapping_file`` :func:`check_file` looks at (for the summary line)."""
    rows, declared = read_rows(mapping_file)
    if not sources:
        return len(rows)
    wanted = {c.split(":", 1)[0] for c in load_terms(sources)} | _unlisted(declared)
    return sum(1 for _, r in rows if not _CURIE.match(r.object_id) or r.object_id.split(":", 1)[0] in wanted)
