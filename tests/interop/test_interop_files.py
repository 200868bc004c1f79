"""The release files in the tools users load them into: Jena riot, rapper, serdi, pyLD, owlready2, pronto,
obographs, sssom-py, kgx and OAK. Each tool's verdict is asserted, not just that it ran."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from interop_tools import RDF_FILES, need, run

B12KG = "https://w3id.org/b12kg/"
ONTOLOGY = B12KG + "ontology"
KGX_RUNNER = Path(__file__).resolve().parent / "kgx_offline.py"


# -- RDF parsers ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def riot(jena: list[str], release: Path) -> dict[str, tuple[int, str]]:
    """``riot --strict --count`` over every RDF file (one JVM per syntax group): count and messages by file.

    JSON-LD is read with ``--syntax=jsonld10`` (Jena 4.5's JSON-LD 1.1 reader fails on plain files)."""
    out: dict[str, tuple[int, str]] = {}
    groups = [[f for f in sorted(RDF_FILES) if not f.endswith(".jsonld")], ["b12kg.jsonld"]]
    for files in groups:
        syntax = ["--syntax=jsonld10"] if files == ["b12kg.jsonld"] else []
        proc = run([*jena, "riotcmd.riot", "--strict", "--count", *syntax, *(str(release / f) for f in files)])
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
        log = proc.stdout + proc.stderr
        for f in files:
            section = log.split(f"File: {f}\n", 1)[1] if f"File: {f}\n" in log else log  # one file: no header
            count_line = next(ln for ln in section.splitlines() if ln.startswith(f"file://{release / f} : "))
            messages = section[: section.index(count_line)]
            out[f] = (int(count_line.rsplit("=", 1)[1].replace(",", "").strip()), messages)
    return out


@pytest.mark.parametrize("file", sorted(RDF_FILES))
def test_jena_riot_validates_strictly(riot: dict[str, tuple[int, str]], manifest: dict[str, Any], file: str) -> None:
    count, messages = riot[file]
    assert "ERROR" not in messages and "WARN" not in messages, messages
    assert count == manifest[file].get("triples", manifest[file].get("quads"))


@pytest.mark.parametrize(("file", "syntax"), [("b12kg-base.ttl", "turtle"), ("b12kg-full.ttl", "turtle"),
                                              ("b12kg-full.owl", "rdfxml"), ("b12kg.nt", "ntriples"),
                                              ("b12kg.nq", "nquads"), ("b12kg.trig", "trig")])
def test_rapper_counts(release: Path, manifest: dict[str, Any], file: str, syntax: str) -> None:
    rapper = need("rapper", "apt-get install raptor2-utils")
    proc = run([rapper, "-i", syntax, "-c", str(release / file)])
    assert proc.returncode == 0, proc.stderr
    count = int(proc.stderr.split("returned")[1].split()[0])
    assert count == manifest[file].get("triples", manifest[file].get("quads"))


@pytest.mark.parametrize("file", ["b12kg-base.ttl", "b12kg-full.ttl", "b12kg.nt", "b12kg.nq", "b12kg.trig"])
def test_serdi_reads_strictly(release: Path, manifest: dict[str, Any], file: str) -> None:
    serdi = need("serdi", "apt-get install serdi")
    syntax = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig"}[file.rsplit(".", 1)[1]]
    proc = run([serdi, "-i", syntax, "-o", "nquads", str(release / file)])
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert len(set(proc.stdout.splitlines())) == manifest[file].get("triples", manifest[file].get("quads"))


def test_pyld_expands_the_jsonld(release: Path, manifest: dict[str, Any]) -> None:
    from pyld import jsonld

    doc = json.loads((release / "b12kg.jsonld").read_text())
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert len(set(nquads.splitlines())) == manifest["b12kg.jsonld"]["triples"]
    assert f"<{B12KG}vitamin_b12> <http://www.w3.org/2000/01/rdf-schema#label> \"vitamin B12\"@en ." in nquads


# -- one ontology header --------------------------------------------------------------------------------

@pytest.mark.parametrize("file", sorted(RDF_FILES))
def test_one_ontology_header_naming_its_file(release: Path, manifest: dict[str, Any], file: str) -> None:
    import rdflib

    fmt = RDF_FILES[file]
    g: rdflib.Graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    g.parse(release / file, format=fmt)
    triples = rdflib.Graph()
    for t in (g.triples((None, None, None))):
        triples.add(t)
    if isinstance(g, rdflib.Dataset):
        for ctx in g.graphs():
            for t in ctx:
                triples.add(t)
    assert set(triples.subjects(rdflib.RDF.type, rdflib.OWL.Ontology)) == {rdflib.URIRef(ONTOLOGY)}
    assert set(triples.objects(rdflib.URIRef(ONTOLOGY), rdflib.OWL.versionIRI)) == {
        rdflib.URIRef(manifest[file]["version_iri"])}
    assert manifest[file]["version_iri"].endswith("/" + file)
    sources = {str(s) for s in triples.objects(rdflib.URIRef(ONTOLOGY), rdflib.DCTERMS.source)}
    if "imports" in manifest[file]["graphs"]:
        hp = [s for s in sources if s.startswith("b12kg import module: HP: hp.obo from ")]
        assert hp and "(version hp/releases/2025-01-16)" in hp[0]
    else:
        assert sources == set()


def test_owlready2_takes_b12kg_as_the_ontology(release: Path) -> None:
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((release / "b12kg-full.owl").as_uri()).load()
    assert onto.base_iri.rstrip("#/") == ONTOLOGY
    assert world.search_one(iri=B12KG + "muscle_spasm") is not None
    # owlready2 keeps an "anonymous" ontology of its own; no import module shows up as an ontology
    assert {o.base_iri.rstrip("#/") for o in world.ontologies.values()} - {"http://anonymous"} == {ONTOLOGY}


def test_pronto_takes_b12kg_as_the_ontology(release: Path) -> None:
    pronto = pytest.importorskip("pronto", reason="pronto comes with oaklib (pip install '.[interop]')")
    onto = pronto.Ontology(str(release / "b12kg-full.owl"))
    assert onto.metadata.ontology == ONTOLOGY
    assert onto.metadata.data_version is None or "b12kg-full.owl" in str(onto.metadata.data_version)


# -- OBO Graphs, OBO, OAK -------------------------------------------------------------------------------

def test_obographs_model_validates(release: Path) -> None:
    from obographs.model import GraphDocument

    doc = GraphDocument.model_validate(json.loads((release / "b12kg-obographs.json").read_text()))
    assert doc.graphs[0].id == ONTOLOGY and len(doc.graphs[0].nodes) > 500


def test_oak_reads_the_obo_without_flags(release: Path) -> None:
    runoak = need("runoak", "pip install '.[interop]'")
    proc = run([runoak, "-i", str(release / "b12kg.obo"), "ancestors", "-p", "i", "b12kg:paraesthesia"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {ln.split("\t")[0] for ln in proc.stdout.splitlines()[1:]} == {
        "b12kg:paraesthesia", "b12kg:SensorySymptom", "b12kg:Symptom", "b12kg:ClinicalFinding"}
    proc = run([runoak, "-i", str(release / "b12kg.obo"), "mappings", "b12kg:neuropathy"])
    assert "object_id: HP:0009830" in proc.stdout and "predicate_id: skos:narrowMatch" in proc.stdout


def test_oak_reads_turtle_with_the_prefix(release: Path) -> None:
    """OAK does not read Turtle's @prefix lines: without --prefix the b12kg CURIE is unknown to it."""
    runoak = need("runoak", "pip install '.[interop]'")
    ttl = str(release / "b12kg-full.ttl")
    with_prefix = run([runoak, "--prefix", f"b12kg={B12KG}", "-i", ttl, "info", "b12kg:muscle_spasm"])
    assert with_prefix.stdout.strip() == "b12kg:muscle_spasm ! muscle spasm", with_prefix.stderr[-2000:]


# -- SSSOM ----------------------------------------------------------------------------------------------

def test_sssom_py_validates_the_mapping_set(release: Path) -> None:
    sssom = need("sssom", "pip install '.[interop]'")
    proc = run([sssom, "validate", str(release / "b12kg.sssom.tsv")])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "error" not in (proc.stdout + proc.stderr).lower().replace("no errors", "")
    parsed = run([sssom, "convert", str(release / "b12kg.sssom.tsv"), "-O", "json"])
    doc = json.loads(parsed.stdout)
    assert len(doc["mappings"]) == sum(1 for ln in (release / "b12kg.sssom.tsv").read_text().splitlines()
                                       if ln.startswith("b12kg:"))


# -- KGX ------------------------------------------------------------------------------------------------

def _kgx(release: Path, *args: str, context: bool = True) -> Any:
    pytest.importorskip("kgx", reason="kgx is not installed (pip install '.[interop]')")
    ctx = ["--context", str(release / "kgx" / "context.jsonld")] if context else []
    return run([sys.executable, str(KGX_RUNNER), *ctx, "--", *args])


def _report(proc: Any) -> str:
    """kgx's validation report (JSON, on one of its streams) and log lines."""
    return str(proc.stdout) + str(proc.stderr)


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_kgx_validates_with_no_error(release: Path, fmt: str) -> None:
    files = [str(release / "kgx" / f"nodes.{fmt}"), str(release / "kgx" / f"edges.{fmt}")]
    proc = _kgx(release, "validate", "-i", fmt, *files)
    assert proc.returncode == 0, _report(proc)[-3000:]
    assert "ERROR" not in _report(proc) and "CURIE prefix" not in _report(proc)


def test_kgx_without_the_b12kg_context_flags_the_prefix(release: Path) -> None:
    """The control: Biolink's context alone does not know the b12kg prefix (hence kgx/context.jsonld)."""
    files = [str(release / "kgx" / "nodes.tsv"), str(release / "kgx" / "edges.tsv")]
    proc = _kgx(release, "validate", "-i", "tsv", *files, context=False)
    assert proc.returncode == 1
    assert "with a CURIE prefix 'b12kg' is not represented in Biolink Model JSON-LD context" in _report(proc)


def test_kgx_transform_gives_back_the_b12kg_iris(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "kgx.nt"
    files = [str(release / "kgx" / "nodes.tsv"), str(release / "kgx" / "edges.tsv")]
    proc = _kgx(release, "transform", "--stream", "-i", "tsv", "-f", "nt", "-o", str(out), *files)
    assert proc.returncode == 0, proc.stderr[-2000:]
    nt = out.read_text()
    assert f"<{B12KG}vitamin_b12> <http://www.w3.org/2000/01/rdf-schema#label> " in nt
    subjects = {line.split(" ", 1)[0] for line in nt.splitlines()}
    assert not [s for s in subjects if "example.org/UNKNOWN" in s]
    edges = list(csv.DictReader(io.StringIO((release / "kgx" / "edges.tsv").read_text()), delimiter="\t"))
    assert nt.count("<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>") == len(edges)
