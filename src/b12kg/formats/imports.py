"""Import-module extraction: read terms of an external ontology and write a small, sorted Turtle module.

The source files are read with :mod:`b12kg.store.ontology_files` (OBO, OWL functional syntax, TSV).

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..core.errors import ExtractionError
from ..store.ontology_files import OBO, SourceTerm, TermSource, read_source, read_text

__all__ = [
    "extract_module",
    "read_term_list",
    "render_module",
    "select_terms",
]

_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_]+$")


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
    for lineno, raw in enumerate(read_text(Path(path), "a term list (one CURIE per line)").splitlines(), 1):
        value = raw.split("#", 1)[0].strip()
        if not value:
            continue
        if not _CURIE.match(value):
            raise ExtractionError(f"{path}, line {lineno}: {value!r} is not a CURIE (PREFIX:LOCAL)")
        out.append(value)
    if not out:
        raise ExtractionError(f"{path}: no terms listed (one CURIE per line): nothing to extract")
    return out


def _merged(sources: Sequence[TermSource]) -> dict[str, SourceTerm]:
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


def select_terms(sources: Sequence[TermSource], wanted: Iterable[str]) -> list[SourceTerm]:
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
    sources: Sequence[TermSource],
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
