"""Import-module extraction: read terms of an external ontology and write a small, sorted Turtle module.

The extractor reads the source forms kept in ``../shared/ontology-sources`` (only when a module is
regenerated, never at run or test time):

* OBO flat files (``hp.obo``, ``maxo.obo``, ``chebi-import-*.obo`` …),
* OWL functional syntax (``foodon-import-ecto.owl``),
* TSV tables: the GO term table (``id label namespace parents synonyms``), MONDO's class statistics
  (``cls cls_label …``) and subclass edges (``id subject predicate object relation …``), Disease
  Ontology's ``HumanDO.tsv`` (``id label subClassOf`` with the parent's label), and an SSSOM mapping
  set (its objects, with their labels, e.g. NCIT terms of MONDO's mappings).

For every requested term and its ancestors of the same prefix (``rdfs:subClassOf`` / ``is_a``), the
module holds the class IRI, ``rdfs:label``, exact synonyms, the definition (``obo:IAO_0000115``),
the named parents and ``owl:deprecated`` for obsolete ancestors. The output is deterministic (sorted),
so that regenerating a committed module gives the same bytes.

>>> from pathlib import Path
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "t.obo").write_text(
...     "format-version: 1.2\\ndata-version: t/2024\\n\\n[Term]\\nid: X:1\\nname: root\\n\\n"
...     "[Term]\\nid: X:2\\nname: leaf\\nis_a: X:1 ! root\\n")
>>> terms = select_terms([read_source(d / "t.obo")], ["X:2"])
>>> [(t.curie, t.label, t.parents) for t in terms]
[('X:1', 'root', ()), ('X:2', 'leaf', ('X:1',))]
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import B12kgError

__all__ = [
    "ExtractionError",
    "Source",
    "SourceTerm",
    "extract_module",
    "read_source",
    "read_term_list",
    "render_module",
    "select_terms",
]

OBO = "http://purl.obolibrary.org/obo/"
_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_]+$")


class ExtractionError(B12kgError):
    """A term list or source file is unusable: missing or obsolete term, unreadable file."""


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
class Source:
    """A parsed source file: its terms, and version text when the file states one."""

    path: Path
    terms: dict[str, SourceTerm] = field(default_factory=dict)
    version: str | None = None
    edges_only: bool = False  # a file of subclass edges (parents for terms labelled elsewhere)

    def add(self, term: SourceTerm) -> None:
        self.terms[term.curie] = term


# -- readers ---------------------------------------------------------------------------------------
def read_source(path: Path) -> Source:
    """Parse an OBO, OWL functional-syntax or TSV source file (the form is told by name and header)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such source file")
    name = path.name.lower()
    if name.endswith(".obo"):
        return _read_obo(path)
    if name.endswith((".owl", ".ofn")):
        return _read_functional(path)
    if name.endswith(".tsv"):
        return _read_tsv(path)
    raise ExtractionError(f"{path}: unknown source form; expected .obo, .owl (functional syntax) or .tsv")


def _unescape_obo(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _quoted(value: str) -> str | None:
    """The text of the leading double-quoted string of an OBO tag value."""
    m = re.match(r'"((?:[^"\\]|\\.)*)"', value)
    return _unescape_obo(m.group(1)) if m else None


def _read_obo(path: Path) -> Source:
    src = Source(path)
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

    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if line.startswith("["):
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


def _read_functional(path: Path) -> Source:
    src = Source(path)
    data: dict[str, dict[str, list[str]]] = {}
    with path.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
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


def _read_tsv(path: Path) -> Source:
    src = Source(path)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
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


# -- selection -------------------------------------------------------------------------------------
def read_term_list(path: Path) -> list[str]:
    """The CURIEs of a term list: one per line, ``#`` starts a comment.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_text("# HP terms\\nHP:0003394  # muscle spasm\\n\\n")
    >>> read_term_list(p)
    ['HP:0003394']
    """
    out: list[str] = []
    for lineno, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        value = raw.split("#", 1)[0].strip()
        if not value:
            continue
        if not _CURIE.match(value):
            raise ExtractionError(f"{path}, line {lineno}: {value!r} is not a CURIE (PREFIX:LOCAL)")
        out.append(value)
    return out


def _merged(sources: Sequence[Source]) -> dict[str, SourceTerm]:
    """Terms of several sources: the first source that labels a term wins; edge files add parents."""
    terms: dict[str, SourceTerm] = {}
    for src in sources:
        if src.edges_only:
            continue
        for c, t in src.terms.items():
            if c not in terms or (terms[c].label is None and t.label is not None):
                terms[c] = t
    for src in sources:
        if src.edges_only:
            for c, t in src.terms.items():
                if c in terms:
                    both = set(terms[c].parents) | set(t.parents)
                    terms[c] = replace(terms[c], parents=tuple(sorted(both)))
    return terms


def select_terms(sources: Sequence[Source], wanted: Iterable[str]) -> list[SourceTerm]:
    """The wanted terms and their same-prefix ancestors, sorted by CURIE.

    Raises :class:`ExtractionError` when a wanted term is missing from every source or obsolete.
    Parents of another prefix (the ontology's upper terms come from BFO, CARO…) are left out.
    """
    terms = _merged(sources)
    names = ", ".join(s.path.name for s in sources)
    problems: list[str] = []
    wanted = list(dict.fromkeys(wanted))
    for c in wanted:
        t = terms.get(c)
        if t is None or t.label is None:
            problems.append(f"{c}: not found in {names}")
        elif t.obsolete:
            problems.append(f"{c} ({t.label}): obsolete in {names}; choose its replacement")
    if problems:
        raise ExtractionError("cannot extract: " + "; ".join(problems))
    out: dict[str, SourceTerm] = {}
    stack = list(wanted)
    while stack:
        c = stack.pop()
        if c in out:
            continue
        t = terms[c]
        prefix = c.split(":", 1)[0]
        kept = tuple(p for p in t.parents if p.split(":", 1)[0] == prefix and p in terms and terms[p].label)
        out[c] = replace(t, parents=kept)
        stack.extend(kept)
    return [out[c] for c in sorted(out, key=_sort_key)]


def _sort_key(curie: str) -> tuple[str, str]:
    prefix, _, local = curie.partition(":")
    return prefix, local


# -- writing ---------------------------------------------------------------------------------------
_PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "obo": OBO,
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _lit(text: str) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"')
    esc = esc.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{esc}"'


def _node(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return f"obo:{prefix}_{local}"


def render_module(
    prefix: str,
    terms: Sequence[SourceTerm],
    sources: Sequence[Source],
    *,
    origins: Sequence[str] = (),
    license: str | None = None,
) -> str:
    """The Turtle text of an import module (deterministic: sorted terms, parents, synonyms)."""
    iri = f"https://w3id.org/b12kg/imports/{prefix.lower()}_import"
    out = [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES.items()]
    out.append("")
    out.append(f"# {prefix} import module of b12kg: the mapped terms and their {prefix} ancestors.")
    out.append("# Generated by `b12kg imports extract` (ontology/imports/README.md); do not edit by hand.")
    out.append("")
    head = [f"<{iri}> a owl:Ontology", f"rdfs:label {_lit(f'b12kg import module: {prefix}')}@en"]
    for i, src in enumerate(sources):
        origin = origins[i] if i < len(origins) and origins[i] else None
        text = src.path.name + (f" from {origin}" if origin else "")
        head.append(f"dcterms:source {_lit(text)}")
        if src.version:
            head.append(f"owl:versionInfo {_lit(src.path.name + ': ' + src.version)}")
    if license:
        head.append(f"dcterms:license <{license}>")
    out.append(" ;\n    ".join(head) + " .")
    out.append("")
    out.append('obo:IAO_0000115 a owl:AnnotationProperty ;\n    rdfs:label "definition"@en .')
    for t in terms:
        out.append("")
        lines = [f"{_node(t.curie)} a owl:Class", f"rdfs:label {_lit(t.label or '')}"]
        if t.definition:
            lines.append(f"obo:IAO_0000115 {_lit(t.definition)}")
        if t.synonyms:
            lines.append("oboInOwl:hasExactSynonym " + ", ".join(_lit(s) for s in t.synonyms))
        if t.parents:
            lines.append("rdfs:subClassOf " + ", ".join(_node(p) for p in t.parents))
        if t.obsolete:
            lines.append("owl:deprecated true")
        out.append(" ;\n    ".join(lines) + " .")
    return "\n".join(out) + "\n"


def extract_module(
    source_paths: Sequence[Path],
    terms_file: Path,
    prefix: str,
    *,
    origins: Sequence[str] = (),
    license: str | None = None,
) -> str:
    """Read the sources, select the listed terms with their ancestors and render the module text."""
    wanted = read_term_list(terms_file)
    wrong = [c for c in wanted if c.split(":", 1)[0] != prefix]
    if wrong:
        raise ExtractionError(f"{terms_file}: terms of another prefix than {prefix}: {', '.join(wrong)}")
    sources = [read_source(p) for p in source_paths]
    return render_module(prefix, select_terms(sources, wanted), sources, origins=origins, license=license)
