"""The release build: every export of the graph plus a ``manifest.json``, deterministic and atomic.

``build_release(out)`` writes into a temporary directory beside ``out`` and moves it into place only
when everything succeeded (:func:`b12kg.core.files.atomic_directory`). The files:

=========================== =====================================================================
``b12kg-base.ttl``/``.owl`` the native ontology, curated data and mappings (no import modules)
``b12kg-full.ttl``/``.owl`` base + import modules + inferred statements (HermiT's class
                            memberships and subclass axioms when Java is available; the
                            manifest's ``inferred`` says which)
``b12kg.nt``, ``.jsonld``   all asserted graphs merged (N-Triples, JSON-LD; no inferred statements)
``b12kg.nq``, ``.trig``     every named graph (ontology, imports, data, provenance, mappings, inferred)
``b12kg-obographs.json``    OBO Graphs JSON
``b12kg.obo``               OBO 1.4: every concept a term (for pronto, OAK and other class-only tools)
``kgx/``                    KGX ``nodes.tsv``/``edges.tsv``, ``nodes.jsonl``/``edges.jsonl`` and the
                            JSON-LD ``context.jsonld`` of their prefixes (for kgx)
``neo4j/``                  ``nodes.csv``, ``edges.csv``, ``queries.cypher`` for ``neo4j-admin import``
``b12kg.sssom.tsv``         the mapping set (a copy, when there is one)
``diagrams/``               ``mechanism.svg`` and ``schema.svg``, the pictures of the README
``site/``                   the documentation site (``b12kg docs``): open ``site/index.html``
``manifest.json``           version, date, counts, sizes and SHA-256 of every file, the named
                            graphs and version IRI of each RDF file, source versions
=========================== =====================================================================

Every RDF file has one ``owl:Ontology`` header (the import modules are recorded on it, see
:mod:`b12kg.formats.header`) whose ``owl:versionIRI`` names that file.

Two builds of the same inputs are byte-identical: nothing depends on the clock (the date is the
ontology's ``owl:versionInfo``/``dcterms:created``), blank nodes have stable labels and every file
is sorted. File modes are fixed (0644, directories 0755).

Where ``fork`` exists the build uses two processes: a forked child writes the files that are not RDF (the
site, pictures, OBO Graphs, OBO, KGX, Neo4j) and the RDF/XML files while the caller runs the release checks,
writes the other RDF files and renders one in five of the site's concept pages; the child's files (or its typed
error) come back over a pipe, and leaving the build early kills it (:class:`b12kg.core.bounded.Background`).
The bytes are the same either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..core.bounded import Background
from ..core.errors import B12kgError, BuildError
from ..core.files import atomic_directory
from ..core.prefixes import PREFIX_MAP
from ..store.dataset import Dataset, GraphData
from ..store.sources import GRAPHS, bundled_sources

__all__ = [
    "ASSERTED_GRAPHS", "BASE_GRAPHS", "FULL_GRAPHS", "RDF_FILES", "RELEASE_FORMAT", "BuildError", "BuildResult",
    "build_release", "check_output_folder", "release_checks", "release_graph", "version_iri_for",
]

#: named graphs of ``b12kg-base``: the native axioms, the curated data and its mappings (no import modules)
BASE_GRAPHS = ("ontology", "data", "mappings")
#: named graphs of ``b12kg-full``: everything, imports merged and inferred statements included
FULL_GRAPHS = ("ontology", "imports", "data", "mappings", "inferred")
#: named graphs of ``b12kg.nt`` and ``b12kg.jsonld``: everything asserted (no inferred statements)
ASSERTED_GRAPHS = ("ontology", "imports", "data", "mappings", "external")

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


#: the RDF files of the release: name -> (writer, named graphs merged into it; None = one per kind)
RDF_FILES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "b12kg-base.ttl": ("to_turtle", BASE_GRAPHS),
    "b12kg-base.owl": ("to_rdfxml", BASE_GRAPHS),
    "b12kg-full.ttl": ("to_turtle", FULL_GRAPHS),
    "b12kg-full.owl": ("to_rdfxml", FULL_GRAPHS),
    "b12kg.nt": ("to_ntriples", ASSERTED_GRAPHS),
    "b12kg.jsonld": ("to_jsonld", ASSERTED_GRAPHS),
    "b12kg.nq": ("to_nquads", None),
    "b12kg.trig": ("to_trig", None),
}


def version_iri_for(kg: GraphData, name: str) -> str | None:
    """The version IRI of the release file ``name``: the ontology's version IRI with the file's name.

    ``…/releases/2026-11-24/b12kg.owl`` becomes ``…/releases/2026-11-24/b12kg-base.ttl`` for the base
    Turtle file, so that every artefact names itself (None when the ontology has no version IRI).
    """
    own = _ontology_info(kg)["version_iri"]
    return f"{own.rsplit('/', 1)[0]}/{name}" if own else None


def _rdf_files(kg: GraphData, names: Iterable[str] = RDF_FILES) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """The RDF files ``names`` (default: all), each with its counts, the named graphs it holds and its own
    version IRI."""
    from . import rdf

    present = [k for k in GRAPHS if _count_graph(kg, k)]
    out: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for name in names:
        writer, kinds = RDF_FILES[name]
        viri = version_iri_for(kg, name)
        data = getattr(rdf, writer)(kg, kinds, version_iri=viri)
        quads = rdf.stable_quads(kg, kinds, split_provenance=kinds is None, version_iri=viri)
        if kinds is None:
            graphs = [k for k, iri in rdf.EXPORT_GRAPHS.items() if any(q[3] == f"<{iri}>" for q in quads)]
            counts: dict[str, Any] = {"quads": len(quads), "graphs": graphs}
        else:
            counts = {"triples": len({q[:3] for q in quads}), "graphs": [k for k in kinds if k in present]}
        out[name] = (data, {**counts, "version_iri": viri} if viri else counts)
    return out


def _release_files(kg: GraphData, progress: Progress | None) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """Every release file (relative path -> bytes and its manifest entries), in build order."""
    _say(progress, "writing the RDF files (Turtle, RDF/XML, N-Triples, JSON-LD, N-Quads, TriG)")
    out = _rdf_files(kg)
    out.update(_other_files(kg, progress))
    return out


#: the RDF files that the second process writes too (RDF/XML: no rdflib graph shared with the other files),
#: so that both processes take about as long
_SECOND_PROCESS_RDF = ("b12kg-base.owl", "b12kg-full.owl")


def _other_files(kg: GraphData, progress: Progress | None = None, *,
                 parallel: bool = False) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """The release files that are not RDF: OBO Graphs, OBO, KGX, Neo4j, pictures, SSSOM and the site; with
    ``parallel`` (the second process of the build) also the RDF files of :data:`_SECOND_PROCESS_RDF`."""
    from .rdf import shared_work

    with shared_work():  # the KGX nodes and edges feed the KGX, Neo4j and OBO files
        return _other_files_of(kg, progress, parallel)


def _other_files_of(kg: GraphData, progress: Progress | None,
                    parallel: bool) -> dict[str, tuple[bytes, dict[str, Any]]]:
    from . import diagrams, kgx, neo4j, obo, obographs

    out = _rdf_files(kg, _SECOND_PROCESS_RDF) if parallel else {}
    _say(progress, "writing OBO Graphs JSON")
    doc = obographs.obograph(kg, version_iri=version_iri_for(kg, "b12kg-obographs.json"))
    g0 = doc["graphs"][0]
    out["b12kg-obographs.json"] = (
        (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        {"nodes": len(g0["nodes"]), "edges": len(g0["edges"]), "version_iri": g0.get("meta", {}).get("version", "")},
    )
    _say(progress, "writing OBO")
    terms = obo.to_obo(kg)
    out["b12kg.obo"] = (terms, {"terms": terms.count(b"[Term]\n")})
    _say(progress, "writing KGX and Neo4j files")
    graph = kgx.kgx_graph(kg)
    nodes, edges = {"nodes": len(graph.nodes)}, {"edges": len(graph.edges)}
    for name, data in sorted({**kgx.tsv_files(kg), **kgx.jsonl_files(kg)}.items()):
        out[f"kgx/{name}"] = (data, nodes if name.startswith("nodes") else edges if name.startswith("edges") else {})
    for name, data in sorted(neo4j.neo4j_files(kg).items()):
        counts = nodes if name == "nodes.csv" else edges if name == "edges.csv" else {}
        out[f"neo4j/{name}"] = (data, counts)
    out.update(diagrams.release_files(kg))  # the mechanism and schema pictures (also in docs/img/)
    for src in kg.sources:
        if src.path.name.endswith(".sssom.tsv"):
            data = src.path.read_bytes()
            out[src.path.name] = (data, {"mappings": max(_count_lines(data) - 1, 0)})
    _say(progress, "writing the documentation site")
    out.update(_site(kg, (lambda i: i % _SHARES < _CHILD_SHARES) if parallel else None))
    return out


#: the concept pages of the site are dealt out in turn: of every _SHARES pages the second process of the build
#: renders _CHILD_SHARES (it also writes the other site pages and files), the build's own process the rest
_SHARES, _CHILD_SHARES = 5, 4


def _site(kg: GraphData, concept_pages: Callable[[int], bool] | None,
          other_pages: bool = True) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """The documentation site's files under ``site/`` (or those of the chosen concept pages: see
    :func:`b12kg.pages.site.site_files`)."""
    from ..pages import site
    from . import diagrams

    pictures = diagrams.page_diagrams(diagrams.executor_of(kg))
    files = site.site_files(kg, diagram=pictures, concept_pages=concept_pages, other_pages=other_pages)
    return {f"site/{path}": (data, {}) for path, data in files.items()}


def _prepare_both() -> None:
    """What both processes of the build need, done once before the fork: the site's templates compiled and the
    pictures' layout library imported (each process renders some of the site's concept pages)."""
    from ..pages import site
    from . import layout

    site.prepare()
    layout.prepare()


def _other_files_crashed(how: str) -> BuildError:
    return BuildError(f"the process writing the documentation site and the non-RDF files {how}; nothing was "
                      "written. Run the build again (with more free memory if it was out of memory)")


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
    Raises :class:`BuildError` if ``output`` exists, is not empty and is not an earlier release holding only
    the files its manifest lists (see :func:`check_output_folder`): nothing b12kg did not write is removed.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "dist"
    >>> r = build_release(out, reasoner="none")
    >>> (out / "manifest.json").is_file(), r.manifest["inferred"]["reasoner"]
    (True, None)
    """
    from ..core import __version__

    if not isinstance(output, (str, os.PathLike)):
        raise BuildError(f"the output folder must be a path, not {type(output).__name__}")
    out = Path(output)
    check_output_folder(out)
    if kg is None:
        kg, inferred = release_graph(reasoner=reasoner, progress=progress)
    else:
        inferred = {
            "reasoner": "given",
            "triples": _count_graph(kg, "inferred"),
            "note": "the inferred graph of the given graph",
        }
    with contextlib.ExitStack() as stack:
        # the files that are not RDF (half of the work: the site, pictures, KGX…) are written by a second
        # process while this one checks the graph and writes the RDF files; it starts once the store is
        # read, sees the graph as it is now, and is stopped if anything here fails or is interrupted
        side = None
        if _PARALLEL:
            _ = kg.store  # read (or open) the store once, here, before the fork
            _prepare_both()
            side = stack.enter_context(Background(partial(_other_files, parallel=True), (kg,),
                                                  crashed=_other_files_crashed))
        if checks:
            release_checks(kg, progress)
        info = _ontology_info(kg)
        manifest = _manifest(info, inferred, __version__)

        def fill(tmp: Path) -> None:
            os.chmod(tmp, 0o755)
            from .rdf import shared_work

            with shared_work():  # the same quads, sorted once, feed several files and their counts
                if side is None:
                    files = _release_files(kg, progress)
                else:
                    _say(progress, "writing the RDF files (Turtle, N-Triples, JSON-LD, N-Quads, TriG); RDF/XML, "
                         "the documentation site, OBO, KGX and Neo4j files in a second process")
                    files = _rdf_files(kg, [n for n in RDF_FILES if n not in _SECOND_PROCESS_RDF])
                    files.update(_site(kg, lambda i: i % _SHARES >= _CHILD_SHARES, other_pages=False))
                    files.update(side.result())
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

        check_output_folder(out)  # again: the checks above took a while
        atomic_directory(out, fill)
    return BuildResult(out, manifest)


def _manifest(info: dict[str, Any], inferred: dict[str, Any], version: str) -> dict[str, Any]:
    return {
        "format": RELEASE_FORMAT,
        "name": "b12kg",
        "title": info["title"],
        "version": info["version"],
        "date": info["date"],
        "ontology": info["ontology"],
        "software": {"b12kg": version},
        "license": "CC-BY-4.0 (ontology and data)",
        "disclaimer": "Not medical advice: b12kg records what one popular-science article says, "
        "for research use.",
        "inferred": inferred,
        "imports": info["imports"],
        "files": [],
    }


#: whether the build writes the files that are not RDF in a second process (where ``fork`` exists)
_PARALLEL = hasattr(os, "fork") and sys.platform != "win32"


#: the format marker of a release's ``manifest.json``
RELEASE_FORMAT = "b12kg-release"


def check_output_folder(out: Path) -> None:
    """Raise :class:`BuildError` unless ``out`` may be replaced by a new release: it does not exist, is an
    empty folder, or is a b12kg release (its ``manifest.json`` says so) holding exactly the files its
    manifest lists, unchanged. Nothing b12kg did not write is ever removed."""
    from ..core.files import not_a_readable_file

    target = out.resolve() if out.is_symlink() else out
    if not target.exists():
        return
    if not target.is_dir():
        raise BuildError(f"{out} exists and is not a folder; choose a new or empty output folder")
    try:
        present = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    except OSError as e:
        raise BuildError(f"{out} cannot be read ({e.strerror}); choose another output folder") from None
    if not present:
        return
    refuse = f"choose a new or empty output folder, or move them out of {out}"
    if not_a_readable_file(target / "manifest.json") is not None:
        raise BuildError(f"{out} is not empty and is not a b12kg release (it holds no release manifest.json), so "
                         f"b12kg will not replace it: {refuse.replace('move them', 'move its files')}")
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
        if manifest.get("name") != "b12kg" or manifest.get("format", RELEASE_FORMAT) != RELEASE_FORMAT:
            raise ValueError("not a b12kg release")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise BuildError(f"{out} is not a b12kg release ({out}/manifest.json is not the manifest of one), so b12kg "
                         f"will not replace it: {refuse.replace('move them', 'move its files')}") from None
    folders = {str(parent) for rel in listed for parent in Path(rel).parents if str(parent) != "."}
    foreign = [p for p in present if p != "manifest.json" and p not in listed and p not in folders]
    changed = []
    for rel, digest in sorted(listed.items()):
        path = target / rel
        if path.is_symlink() or not path.is_file():
            if path.exists() or path.is_symlink():
                foreign.append(rel)
            continue
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != digest:
            changed.append(rel)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise BuildError(f"{out} holds files the b12kg release did not write ({shown}); b12kg never removes "
                         f"those: {refuse}")
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise BuildError(f"{out} holds release files changed since the build ({shown}); b12kg will not overwrite "
                         f"edited files: {refuse}")


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
