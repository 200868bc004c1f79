"""Readers of external ontology files (OBO, OWL functional syntax, TSV tables): the terms with their
labels, synonyms, definitions, parents and obsolete flags.

Used to extract import modules (:mod:`b12kg.formats.imports`) and to check cross-references
(:mod:`b12kg.checks.xrefs`). The forms are those kept in ``../shared/ontology-sources`` (read only when a
module is regenerated or a user checks against full files, never at run or test time):

* OBO flat files (``hp.obo``, ``maxo.obo``, ``chebi-import-*.obo`` …),
* OWL functional syntax (``foodon-import-ecto.owl``),
* TSV tables: the GO term table (``id label namespace parents synonyms``), MONDO's class statistics
  (``cls cls_label …``) and subclass edges (``id subject predicate object relation …``), Disease
  Ontology's ``HumanDO.tsv`` (``id label subClassOf`` with the parent's label), and an SSSOM mapping
  set (its objects, with their labels, e.g. NCIT terms of MONDO's mappings).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import ExtractionError

__all__ = ["OBO", "SourceTerm", "TermSource", "read_source", "read_text"]

OBO = "http://purl.obolibrary.org/obo/"


@dataclass(frozen=True)
class SourceTerm:
    """One class of a source ontology."""

    curie: str
    label: str | None = None
    synonyms: tuple[str, ...] = ()
    definition: str | None = None
    parents: tuple[str, ...] = ()
    obsolete: bool = False


@dataclass
class TermSource:
    """A parsed source file: its terms, and version text when the file states one."""

    path: Path
    terms: dict[str, SourceTerm] = field(default_factory=dict)
    version: str | None = None
    edges_only: bool = False  # a file of subclass edges (parents for terms labelled elsewhere)

    def add(self, term: SourceTerm) -> None:
        self.terms[term.curie] = term


# -- readers ---------------------------------------------------------------------------------------
def read_text(path: Path, what: str, error: type[Exception] = ExtractionError) -> str:
    """The UTF-8 text of ``path``, or ``error`` naming the file, what it should be and the fault.

    A binary or otherwise undecodable file (or one holding NUL bytes) is refused with one message
    instead of a decoding traceback.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.obo"
    >>> _ = p.write_bytes(b"format-version: 1.2\\n\\xff\\xfe")
    >>> try:
    ...     read_text(p, "an OBO file")
    ... except ExtractionError as e:
    ...     print(str(e).split(": ", 1)[1])
    not a text file (byte 21 is not UTF-8); expected an OBO file
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not a text file (byte {e.start + 1} is not UTF-8); expected {what}") from None
    if "\x00" in text:
        raise error(f"{path}: not a text file (NUL byte at byte {text.index(chr(0)) + 1}); expected {what}")
    return text


def read_source(path: Path) -> TermSource:
    """Parse an OBO, OWL functional-syntax or TSV source file (the form is told by name and header).

    A file of the right form that holds no term at all is refused: whatever checks against it would
    examine nothing.
    """
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such source file")
    name = path.name.lower()
    if name.endswith(".obo"):
        src = _read_obo(path)
    elif name.endswith((".owl", ".ofn")):
        src = _read_functional(path)
    elif name.endswith(".tsv"):
        src = _read_tsv(path)
    else:
        raise ExtractionError(f"{path}: unknown source form; expected .obo, .owl (functional syntax) or .tsv")
    if not src.terms:
        raise ExtractionError(f"{path}: no terms in this file (empty, or not {_FORMS[name.rsplit('.', 1)[-1]]})")
    return src


_FORMS = {"obo": "an OBO file", "owl": "OWL functional syntax", "ofn": "OWL functional syntax",
          "tsv": "a term table of a known form"}
_STANZA = re.compile(r"^\[(Term|Typedef|Instance)\]\s*$")


def _unescape_obo(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _quoted(value: str) -> str | None:
    """The text of the leading double-quoted string of an OBO tag value."""
    m = re.match(r'"((?:[^"\\]|\\.)*)"', value)
    return _unescape_obo(m.group(1)) if m else None


def _read_obo(path: Path) -> TermSource:
    src = TermSource(path)
    cur: dict[str, list[str]] | None = None
    in_header = True

    def flush() -> None:
        if cur is None or "id" not in cur:
            return
        curie = cur["id"][0]
        syns = []
        for s in cur.get("synonym", []):
            text = _quoted(s)
            rest = s[s.rfind('"') + 1:].split()
            if text is not None and rest and rest[0] == "EXACT":
                syns.append(text)
        definition = _quoted(cur["def"][0]) if cur.get("def") else None
        parents = tuple(sorted({p.split("!")[0].split("{")[0].strip() for p in cur.get("is_a", [])}))
        src.add(SourceTerm(
            curie=curie,
            label=cur["name"][0] if cur.get("name") else None,
            synonyms=tuple(sorted(set(syns))),
            definition=definition,
            parents=parents,
            obsolete=cur.get("is_obsolete", ["false"])[0] == "true",
        ))

    for lineno, raw in enumerate(read_text(path, _FORMS["obo"]).splitlines(), 1):
        line = raw.rstrip("\r")
        if line.startswith("["):
            if not _STANZA.match(line):
                raise ExtractionError(f"{path}, line {lineno}: not an OBO stanza header "
                                      f"([Term], [Typedef] or [Instance]): {line[:60]!r}")
            flush()
            in_header = False
            cur = {} if line.strip() == "[Term]" else None
            continue
        if not line.strip() or line.startswith("!"):
            continue
        tag, sep, value = line.partition(": ")
        if not sep:
            if in_header:
                continue
            raise ExtractionError(f"{path}, line {lineno}: not an OBO 'tag: value' line: {line[:60]!r}")
        if in_header:
            if tag == "data-version":
                src.version = value.strip()
            continue
        if cur is not None:
            cur.setdefault(tag, []).append(value.strip())
    flush()
    return src


_LIT = r'"((?:[^"\\]|\\.)*)"(?:@[A-Za-z-]+|\^\^\S+?)?'
_NESTED = re.compile(r"Annotation\((?:[^()\"]|" + _LIT + r")*\)\s*")
_ASSERT = re.compile(r"^AnnotationAssertion\((\S+) <([^>]+)> (?:" + _LIT + r"|(\S+?))\)\s*$")
_SUB = re.compile(r"^SubClassOf\(<([^>]+)> <([^>]+)>\)\s*$")
_DECL = re.compile(r"^Declaration\(Class\(<([^>]+)>\)\)")
_PROPS = {
    "rdfs:label": "label",
    "<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym>": "synonym",
    "<http://purl.obolibrary.org/obo/IAO_0000115>": "definition",
    "owl:deprecated": "deprecated",
    "<http://www.w3.org/2002/07/owl#deprecated>": "deprecated",
}


def _iri_curie(iri: str) -> str | None:
    if not iri.startswith(OBO):
        return None
    local = iri[len(OBO):]
    prefix, sep, rest = local.partition("_")
    return f"{prefix}:{rest}" if sep and prefix and rest and "/" not in local else None


def _read_functional(path: Path) -> TermSource:
    src = TermSource(path)
    data: dict[str, dict[str, list[str]]] = {}
    lines = read_text(path, _FORMS["owl"]).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Ontology(") and i + 1 < len(lines) and lines[i + 1].startswith("<"):
            src.version = lines[i + 1].strip().strip("<>")
        m = _DECL.match(line)
        if m:
            c = _iri_curie(m.group(1))
            if c:
                data.setdefault(c, {})
            continue
        m = _SUB.match(line)
        if m:
            c, p = _iri_curie(m.group(1)), _iri_curie(m.group(2))
            if c and p:
                data.setdefault(c, {}).setdefault("parent", []).append(p)
            continue
        if line.startswith("AnnotationAssertion("):
            stripped = "AnnotationAssertion(" + _NESTED.sub("", line[len("AnnotationAssertion("):])
            m = _ASSERT.match(stripped)
            if not m:
                continue
            key = _PROPS.get(m.group(1))
            c = _iri_curie(m.group(2))
            if key and c:
                value = _unescape_obo(m.group(3)) if m.group(3) is not None else (m.group(4) or "")
                data.setdefault(c, {}).setdefault(key, []).append(value)
    for c, d in data.items():
        src.add(SourceTerm(
            curie=c,
            label=sorted(d["label"])[0] if d.get("label") else None,
            synonyms=tuple(sorted(set(d.get("synonym", [])))),
            definition=sorted(d["definition"])[0] if d.get("definition") else None,
            parents=tuple(sorted(set(d.get("parent", [])))),
            obsolete=any(v.startswith("true") for v in d.get("deprecated", [])),
        ))
    return src


def _unq(value: str) -> str:
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _read_tsv(path: Path) -> TermSource:
    src = TermSource(path)
    lines = [ln for ln in read_text(path, "a TSV table").splitlines(keepends=True) if not ln.startswith("#")]
    if not lines:
        raise ExtractionError(f"{path}: empty table")
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    cols = [_unq(c) for c in (reader.fieldnames or [])]
    reader.fieldnames = cols
    rows = list(reader)
    if cols[:4] == ["id", "label", "namespace", "parents"]:  # GO term table
        for r in rows:
            parents = tuple(sorted({p[4:] for p in (r["parents"] or "").split("|") if p.startswith("isa:")}))
            # the table does not say which synonyms are exact, so none is carried
            src.add(SourceTerm(r["id"], r["label"], (), None, parents, False))
    elif cols[:2] == ["cls", "cls_label"]:  # MONDO class statistics
        for r in rows:
            label = _unq(r["cls_label"])
            tagged = re.fullmatch(r'"(.*)"@[A-Za-z-]+', label)  # a few labels keep their language tag
            label = tagged.group(1) if tagged else label
            src.add(SourceTerm(r["cls"], label, obsolete=label.startswith("obsolete ")))
    elif cols[:4] == ["id", "subject", "predicate", "object"]:  # MONDO subclass edges
        src.edges_only = True
        edges: dict[str, set[str]] = {}
        for r in rows:
            if r.get("relation") == "rdfs:subClassOf" or r["predicate"] == "biolink:subclass_of":
                edges.setdefault(r["subject"], set()).add(r["object"])
        for c, ps in edges.items():
            src.add(SourceTerm(c, parents=tuple(sorted(ps))))
    elif cols[:3] == ["id", "label", "subClassOf"]:  # Disease Ontology HumanDO.tsv (parent by label)
        recs = [(_unq(r["id"]), _unq(r["label"]), _unq(r["subClassOf"] or "")) for r in rows]
        by_label: dict[str, set[str]] = {}
        for c, label, _ in recs:
            by_label.setdefault(label, set()).add(c)
        merged: dict[str, tuple[str, set[str]]] = {}
        for c, label, parent in recs:
            entry = merged.setdefault(c, (label, set()))
            entry[1].update(by_label.get(parent, set()) - {c})
        for c, (label, ps) in merged.items():
            src.add(SourceTerm(c, label, parents=tuple(sorted(ps))))
    elif "object_id" in cols and "object_label" in cols:  # SSSOM: the mapped objects and their labels
        for r in rows:
            if r["object_id"] not in src.terms:
                src.add(SourceTerm(r["object_id"], r["object_label"] or None))
    else:
        raise ExtractionError(f"{path}: unknown table form (columns {', '.join(cols[:5])})")
    return src
