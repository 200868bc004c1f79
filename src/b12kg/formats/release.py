"""The release build: every export of the graph plus a ``manifest.json``, deterministic and atomic.

``build_release(out)`` writes into a temporary directory beside ``out`` and moves it into place only
when everything succeeded (:func:`b12kg.core.files.atomic_directory`). The files:

=========================== =====================================================================
``b12kg-base.ttl``/``.owl`` the native ontology and curated data (named graphs ontology + data)
``b12kg-full.ttl``/``.owl`` base + import modules + mappings + inferred statements (HermiT's
                            class memberships and subclass axioms when Java is available; the
                            manifest's ``inferred`` says which)
``b12kg.nt``, ``.jsonld``   all asserted graphs merged (N-Triples, JSON-LD)
``b12kg.nq``, ``.trig``     every named graph (ontology, imports, data, provenance, mappings, inferred)
``b12kg-obographs.json``    OBO Graphs JSON
``kgx/``                    KGX ``nodes.tsv``/``edges.tsv`` and ``nodes.jsonl``/``edges.jsonl``
``neo4j/``                  ``nodes.csv``, ``edges.csv``, ``queries.cypher`` for ``neo4j-admin import``
``b12kg.sssom.tsv``         the mapping set (a copy, when there is one)
``site/``                   the documentation site (``b12kg docs``): open ``site/index.html``
``manifest.json``           version, date, counts, sizes and SHA-256 of every file, source versions
=========================== =====================================================================

Two builds of the same inputs are byte-identical: nothing depends on the clock (the date is the
ontology's ``owl:versionInfo``/``dcterms:created``), blank nodes have stable labels and every file
is sorted. File modes are fixed (0644, directories 0755).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import B12kgError, BuildError
from ..core.files import atomic_directory
from ..core.prefixes import PREFIX_MAP
from ..store.dataset import Dataset, GraphData
from ..store.sources import GRAPHS, bundled_sources

__all__ = [
    "BASE_GRAPHS", "FULL_GRAPHS", "BuildError", "BuildResult", "build_release", "release_checks", "release_graph",
]

#: named graphs of ``b12kg-base``: the native axioms and the curated data
BASE_GRAPHS = ("ontology", "data")
#: named graphs of ``b12kg-full``: everything, imports merged and inferred statements included
FULL_GRAPHS = ("ontology", "imports", "data", "mappings", "inferred")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """Where the release went and its manifest."""

    directory: Path
    manifest: dict[str, Any]


def release_graph(
    *, reasoner: str = "hermit", progress: Progress | None = None
) -> tuple[GraphData, dict[str, Any]]:
    """The bundled graph, parsed fresh into memory, with HermiT's inferences in the ``inferred`` graph.

    ``reasoner="none"`` skips reasoning. When HermiT cannot run (no Java, a crash, a timeout) the
    graph stays asserted-only; the returned dict (``manifest["inferred"]``) says what happened. An
    inconsistent ontology raises :class:`b12kg.checks.reasoning.InconsistentOntologyError`.
    """
    kg = Dataset(bundled_sources(), cache=False, inferred=False)
    return kg, add_inferences(kg, reasoner=reasoner, progress=progress)


def add_inferences(
    kg: GraphData, *, reasoner: str = "hermit", progress: Progress | None = None
) -> dict[str, Any]:
    """Put HermiT's inferred statements into the ``inferred`` graph of ``kg``'s (in-memory) store."""
    import pyoxigraph as ox

    if reasoner == "none":
        return {"reasoner": None, "triples": 0, "note": "asserted statements only (reasoning skipped)"}
    if reasoner != "hermit":
        raise BuildError(f"unknown reasoner {reasoner!r}; choose hermit or none")
    _say(progress, "reasoning with HermiT")
    try:
        from ..checks import reasoning

        report = reasoning.hermit_inferences(kg)
    except ImportError as e:  # pragma: no cover - the reasoning module is part of b12kg
        return {"reasoner": None, "triples": 0, "note": f"asserted statements only (no reasoner: {e})"}
    except B12kgError as e:
        if type(e).__name__ == "InconsistentOntologyError":
            raise
        return {"reasoner": None, "triples": 0, "note": f"asserted statements only (HermiT did not run: {e})"}
    graph = ox.NamedNode(GRAPHS["inferred"])
    triples = sorted(set(report.triples()))
    for s, p, o in triples:
        kg.store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), graph))
    return {
        "reasoner": "HermiT",
        "triples": len(triples),
        "note": "inferred class memberships and subclass axioms (named graph inferred)",
    }


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _ontology_info(kg: GraphData) -> dict[str, Any]:
    """IRI, version IRI, version and date of the b12kg ontology, and the import modules' sources."""

    def rows(q: str) -> list[dict[str, str]]:
        res = kg.store.query("".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIX_MAP.items()) + q)
        return [{str(v.value): sol[v].value for v in res.variables if sol[v] is not None} for sol in res]

    own = rows(
        f"SELECT ?o ?viri ?vinfo ?created ?title WHERE {{ GRAPH <{GRAPHS['ontology']}> {{ ?o a owl:Ontology "
        "OPTIONAL { ?o owl:versionIRI ?viri } OPTIONAL { ?o owl:versionInfo ?vinfo } "
        "OPTIONAL { ?o dcterms:created ?created } OPTIONAL { ?o dcterms:title ?title } } } ORDER BY ?o"
    )
    info = own[0] if own else {}
    version = info.get("vinfo", "")
    date = version if re.fullmatch(r"\d{4}-\d{2}-\d{2}", version) else info.get("created", "")
    modules: dict[str, dict[str, Any]] = {}
    for r in rows(
        f"SELECT ?o ?label ?viri ?vinfo ?source WHERE {{ GRAPH <{GRAPHS['imports']}> {{ ?o a owl:Ontology "
        "OPTIONAL { ?o rdfs:label ?label } OPTIONAL { ?o owl:versionIRI ?viri } "
        "OPTIONAL { ?o owl:versionInfo ?vinfo } OPTIONAL { ?o dcterms:source ?source } } }"
    ):
        m = modules.setdefault(
            r["o"],
            {
                "module": r["o"],
                "label": r.get("label", ""),
                "version_iri": [],
                "versions": set(),
                "sources": set(),
            },
        )
        if "viri" in r and r["viri"] not in m["version_iri"]:
            m["version_iri"].append(r["viri"])
        if "vinfo" in r:
            m["versions"].add(r["vinfo"])
        if "source" in r:
            m["sources"].add(r["source"])
    imports = [
        {
            "module": m["module"],
            "label": m["label"],
            "version_iri": sorted(m["version_iri"]),
            "versions": sorted(m["versions"]),
            "sources": sorted(m["sources"]),
        }
        for m in sorted(modules.values(), key=lambda m: str(m["module"]))
    ]
    return {
        "ontology": info.get("o", ""),
        "version_iri": info.get("viri", ""),
        "version": version,
        "date": date,
        "title": info.get("title", ""),
        "imports": imports,
    }


def _count_lines(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip() and not line.startswith(b"#"))


def _release_files(kg: GraphData, progress: Progress | None) -> dict[str, tuple[bytes, dict[str, int]]]:
    """Every release file (relative path -> bytes and counts), in build order."""
    from ..pages import site
    from . import kgx, neo4j, obographs, rdf

    out: dict[str, tuple[bytes, dict[str, int]]] = {}

    def triples(kinds: tuple[str, ...] | None) -> dict[str, int]:
        qs = rdf.stable_quads(kg, rdf.ASSERTED if kinds is None else kinds, split_provenance=False)
        return {"triples": len({q[:3] for q in qs})}

    for name, kinds in (("base", BASE_GRAPHS), ("full", FULL_GRAPHS)):
        _say(progress, f"writing b12kg-{name}.ttl and .owl")
        counts = triples(kinds)
        out[f"b12kg-{name}.ttl"] = (rdf.to_turtle(kg, kinds), counts)
        out[f"b12kg-{name}.owl"] = (rdf.to_rdfxml(kg, kinds), counts)
    _say(progress, "writing N-Triples, N-Quads, TriG and JSON-LD")
    asserted = triples(None)
    out["b12kg.nt"] = (rdf.to_ntriples(kg), asserted)
    out["b12kg.jsonld"] = (rdf.to_jsonld(kg), asserted)
    quads = rdf.stable_quads(kg)
    quad_counts = {"quads": len(quads), "graphs": len({q[3] for q in quads})}
    out["b12kg.nq"] = (rdf.to_nquads(kg), quad_counts)
    out["b12kg.trig"] = (rdf.to_trig(kg), quad_counts)
    _say(progress, "writing OBO Graphs JSON")
    doc = obographs.obograph(kg)
    g0 = doc["graphs"][0]
    out["b12kg-obographs.json"] = (
        (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        {"nodes": len(g0["nodes"]), "edges": len(g0["edges"])},
    )
    _say(progress, "writing KGX and Neo4j files")
    graph = kgx.kgx_graph(kg)
    nodes, edges = {"nodes": len(graph.nodes)}, {"edges": len(graph.edges)}
    for name, data in sorted({**kgx.tsv_files(kg), **kgx.jsonl_files(kg)}.items()):
        out[f"kgx/{name}"] = (data, nodes if name.startswith("nodes") else edges)
    for name, data in sorted(neo4j.neo4j_files(kg).items()):
        counts = nodes if name == "nodes.csv" else edges if name == "edges.csv" else {}
        out[f"neo4j/{name}"] = (data, counts)
    for src in kg.sources:
        if src.path.name.endswith(".sssom.tsv"):
            data = src.path.read_bytes()
            out[src.path.name] = (data, {"mappings": max(_count_lines(data) - 1, 0)})
    _say(progress, "writing the documentation site")
    out.update({f"site/{path}": (data, {}) for path, data in site.site_files(kg).items()})
    return out


def build_release(
    output: str | Path,
    *,
    kg: GraphData | None = None,
    reasoner: str = "hermit",
    progress: Progress | None = None,
    checks: bool = True,
) -> BuildResult:
    """Build the release into ``output`` (replaced atomically); see the module docstring for the files.

    With ``checks`` (the default) the graph must first conform to the SHACL shapes and have no QC
    ERROR, else :class:`BuildError` says what failed and nothing is written.

    ``kg`` defaults to :func:`release_graph` (the bundled graph with HermiT's inferences); a given
    ``kg`` is used as it is (its ``inferred`` graph, if any, goes into the full release).
    Raises :class:`BuildError` if ``output`` exists, is not empty and is not an earlier release.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "dist"
    >>> r = build_release(out, reasoner="none")
    >>> (out / "manifest.json").is_file(), r.manifest["inferred"]["reasoner"]
    (True, None)
    """
    from ..core import __version__

    out = Path(output)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").is_file())):
        raise BuildError(
            f"{out}: exists and is not a b12kg release directory (no manifest.json); "
            "choose a new or empty directory"
        )
    if kg is None:
        kg, inferred = release_graph(reasoner=reasoner, progress=progress)
    else:
        inferred = {
            "reasoner": "given",
            "triples": _count_graph(kg, "inferred"),
            "note": "the inferred graph of the given graph",
        }
    if checks:
        release_checks(kg, progress)
    info = _ontology_info(kg)
    manifest: dict[str, Any] = {
        "name": "b12kg",
        "title": info["title"],
        "version": info["version"],
        "date": info["date"],
        "ontology": info["ontology"],
        "version_iri": info["version_iri"],
        "software": {"b12kg": __version__},
        "license": "CC-BY-4.0 (ontology and data)",
        "disclaimer": "Not medical advice: b12kg records what one popular-science article says, "
        "for research use.",
        "inferred": inferred,
        "imports": info["imports"],
        "files": [],
    }

    def fill(tmp: Path) -> None:
        os.chmod(tmp, 0o755)
        files = _release_files(kg, progress)
        for rel, (data, counts) in files.items():
            path = tmp / rel
            if not path.parent.is_dir():
                path.parent.mkdir(parents=True)
                os.chmod(path.parent, 0o755)
            path.write_bytes(data)
            os.chmod(path, 0o644)
            manifest["files"].append(
                {"path": rel, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **counts}
            )
        manifest["files"].sort(key=lambda f: str(f["path"]))
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.chmod(tmp / "manifest.json", 0o644)
        _say(progress, f"release complete: {len(files) + 1} files")

    if out.exists() and not any(out.iterdir()):
        shutil.rmtree(out)
    atomic_directory(out, fill)
    return BuildResult(out, manifest)


def release_checks(kg: GraphData, progress: Progress | None = None) -> None:
    """Stop the release unless the graph conforms to the SHACL shapes and QC finds no ERROR."""
    from ..checks.qc import run_qc
    from ..checks.shacl import validate

    _say(progress, "checking: SHACL validation")
    report = validate(kg)
    if not report.conforms:
        shown = "\n".join(report.text().splitlines()[1:11])
        raise BuildError(f"the graph does not conform to the SHACL shapes ({len(report.results)} results; "
                         f"run 'b12kg validate'):\n{shown}")
    _say(progress, "checking: QC report")
    qc = run_qc(kg)
    if qc.failed("error"):
        raise BuildError(f"QC found errors ({qc.summary()}; run 'b12kg qc')")


def _count_graph(kg: GraphData, kind: str) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPHS[kind])))
