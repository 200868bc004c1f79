"""The compiled-store cache and the user store (``b12kg load``): keys, atomic builds, concurrent builders,
read-only opening, loading Turtle/OBO files, reset and refresh; and the import-free CURIE helpers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.cli import cli
from b12kg.core.errors import GraphParseError
from b12kg.core.prefixes import PREFIX_MAP, compress, compress_fast, expand, expand_fast
from b12kg.store import compiled, userstore
from b12kg.store.engines import canonical_rows
from b12kg.store.sources import GRAPHS, Source

EXTERNAL = GRAPHS["external"]
EX = "http://example.org/b12kg-test/"

MINI_TTL = f"""\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{EX}thing> rdfs:label "test thing"@en ; rdfs:subClassOf <{EX}parent> .
<{EX}parent> rdfs:label "test parent"@en .
"""

# a made-up ontology in OBO 1.4 (TEST: ids are not real ontology ids)
MINI_OBO = """\
format-version: 1.4
default-namespace: test
ontology: test

[Term]
id: TEST:0000001
name: root term

[Term]
id: TEST:0000002
name: child term
is_a: TEST:0000001 ! root term
"""


@pytest.fixture()
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for one test (B12KG_CACHE_DIR)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("B12KG_CACHE_DIR", str(root))
    return root


def _count(kg: KnowledgeGraph, graph: str | None = None) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph else \
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    value = kg.query(q, with_labels=False).rows[0][0]
    assert value is not None
    return int(value.value)


# -- cache folder and keys ---------------------------------------------------------------------------
def test_cache_dir_env_and_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setenv("B12KG_CACHE_DIR", str(tmp_path / "c"))
    assert compiled.cache_dir() == tmp_path / "c"
    assert (tmp_path / "c").is_dir()
    monkeypatch.delenv("B12KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compiled.cache_dir() == Path(platformdirs.user_cache_dir("b12kg"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert compiled._default_cache_dir() == Path(platformdirs.user_cache_dir("b12kg"))


def test_key_follows_file_bytes_and_switches(tmp_path: Path) -> None:
    src = tmp_path / "a.ttl"
    src.write_text(MINI_TTL, encoding="utf-8")
    sources = [Source(src, "data")]
    k1 = compiled.bundled_key(sources, inferred=False)
    assert k1 == compiled.bundled_key(sources, inferred=False)
    assert k1 != compiled.bundled_key(sources, inferred=True)
    assert k1 != compiled.bundled_key([Source(src, "ontology")], inferred=False)
    src.write_text(MINI_TTL + "\n", encoding="utf-8")
    assert compiled.bundled_key(sources, inferred=False) != k1


# -- compiled stores ---------------------------------------------------------------------------------
def test_compiled_store_built_once_read_only_and_same_answers(cache_root: Path, kg: KnowledgeGraph) -> None:
    import pyoxigraph as ox

    cached = KnowledgeGraph.bundled(cache=True, inferred=False)
    memory = KnowledgeGraph.bundled(cache=False, inferred=False)
    assert len(cached.store) == len(memory.store)
    stores = list((cache_root / "stores").iterdir())
    assert [p.name for p in stores] == [f"bundled-{compiled.bundled_key(cached.sources, inferred=False)}"]
    manifest = json.loads((stores[0] / "manifest.json").read_text())
    assert manifest["format"] == compiled.STORE_FORMAT and manifest["inferred"] is False
    assert manifest["quads"] == len(memory.store) == sum(manifest["graphs"].values())
    assert set(manifest["graphs"]) == {GRAPHS[k] for k in ("ontology", "imports", "data", "mappings")}
    db_files = {p.name: {"bytes": p.stat().st_size, "mtime_ns": p.stat().st_mtime_ns}
                for p in (stores[0] / "db").iterdir() if p.name in manifest["db_files"]}
    assert db_files == {n: {k: v for k, v in f.items() if k != "blake2b"} for n, f in manifest["db_files"].items()}
    assert any(n.endswith(".sst") for n in db_files) and compiled.deep_verify(stores[0]) is None
    assert sorted(p.name for p in stores[0].iterdir()) == ["db", "manifest.json"]  # no snapshot beside it
    inode = (stores[0] / "db").stat().st_ino
    again = KnowledgeGraph.bundled(cache=True, inferred=False)
    assert len(again.store) == len(memory.store)
    assert (stores[0] / "db").stat().st_ino == inode  # opened, not rebuilt
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        again.store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c")))
    on_disk = again.store
    for q in memory.catalog:
        assert canonical_rows(again.query(q)) == canonical_rows(memory.query(q)), q.name
    # a program that runs many queries moves them to a private in-memory copy read from the verified store;
    # the store it hands out stays the read-only one
    assert again.store is on_disk and again.dataset._fast is not None and len(again.dataset._fast) == len(on_disk)


def test_a_one_shot_command_never_copies_the_store(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from b12kg.core import bounded

    monkeypatch.setattr(bounded, "cli_mode", lambda: True)
    kg = KnowledgeGraph.bundled(cache=True, inferred=False)
    for _ in range(6):  # (unbounded: the watchdog of a real command line is not running here)
        assert kg.dataset.query("ASK { b12kg:vitamin_b12 ?p ?o }", {}, "q", bounded=False).boolean is True
    assert kg.dataset._fast is None


def test_concurrent_builders_do_not_corrupt(cache_root: Path) -> None:
    script = textwrap.dedent("""
        from b12kg import KnowledgeGraph
        kg = KnowledgeGraph.bundled(cache=True, inferred=False)
        print(len(kg.store), kg.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }").column("l")[0])
    """)
    env = {**os.environ, "B12KG_CACHE_DIR": str(cache_root)}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    expected = len(KnowledgeGraph.bundled(cache=False, inferred=False).store)
    assert {o.strip() for o, _ in outs} == {f"{expected} vitamin B12"}
    names = sorted(p.name for p in (cache_root / "stores").iterdir())
    assert len(names) == 1 and names[0].startswith("bundled-")  # no half-built or duplicate folders


def test_uncachable_folder_falls_back_to_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("B12KG_CACHE_DIR", str(blocker / "cache"))
    kg = KnowledgeGraph.bundled(inferred=False)
    with pytest.warns(RuntimeWarning, match="in-memory store"):
        n = len(kg.store)
    assert kg.dataset.cache is False and n == len(KnowledgeGraph.bundled(cache=False, inferred=False).store)
    monkeypatch.setenv("B12KG_NO_CACHE", "1")
    assert KnowledgeGraph.bundled().dataset.cache is False


# -- the user store ----------------------------------------------------------------------------------
def test_load_turtle_then_query_reset(cache_root: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "mini.ttl"
    ttl.write_text(MINI_TTL, encoding="utf-8")
    seen: list[int] = []
    info = userstore.load_files([ttl], progress=seen.append)
    assert sum(seen) == ttl.stat().st_size
    assert [f["triples"] for f in info.files] == [3]
    local = KnowledgeGraph.local()
    assert local.dataset.store_path == info.db
    assert _count(local, EXTERNAL) == 3
    bundled = KnowledgeGraph.bundled()
    assert _count(local) == _count(bundled) + 3
    r = local.query("SELECT ?c WHERE { ?c rdfs:subClassOf ?p }", {"p": EX + "parent"})
    assert r.column("c", labels=True) == ["test thing"]
    # the same file again: nothing new, same generation
    assert userstore.load_files([ttl]).path == info.path
    assert userstore.reset_user_store() is True
    assert KnowledgeGraph.local().dataset.store_path is None
    assert _count(KnowledgeGraph.local()) == _count(bundled)


def test_loaded_triples_already_bundled_are_not_repeated(cache_root: Path, tmp_path: Path) -> None:
    kg = KnowledgeGraph.bundled()
    row = kg.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }", with_labels=False).rows[0][0]
    assert row is not None
    ttl = tmp_path / "overlap.ttl"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    overlap = f'<https://w3id.org/b12kg/vitamin_b12> {label} "{row.value}"@en .\n'
    ttl.write_text(overlap + MINI_TTL, encoding="utf-8")
    userstore.load_files([ttl])
    local = KnowledgeGraph.local()
    assert local.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }").column("l") == [row.value]
    assert _count(local, EXTERNAL) == 3


def _count_slices(monkeypatch: pytest.MonkeyPatch, slice_bytes: int) -> list[int]:
    """Make ``load`` cut N-Triples files in slices of ``slice_bytes``; the list gets each file's slice count."""
    monkeypatch.setattr(userstore, "SLICE_BYTES", slice_bytes)
    counts: list[int] = []
    real = userstore._slices

    def spy(path: Path, size: int) -> list[tuple[int, int]]:
        out = real(path, size)
        counts.append(len(out))
        return out

    monkeypatch.setattr(userstore, "_slices", spy)
    return counts


@pytest.mark.parametrize("slice_bytes", [64 << 20, 300])
def test_ntriples_load_same_quads_counts_and_error_lines(cache_root: Path, tmp_path: Path, slice_bytes: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """N-Triples in the store: the same triples as a parse, the bundled twins removed (only the bundled side
    is walked), the counts of the manifest right, and a syntax error named by its line; in one piece or in
    slices (a file without blank nodes)."""
    import pyoxigraph as ox

    slices = _count_slices(monkeypatch, slice_bytes)

    label = "http://www.w3.org/2000/01/rdf-schema#label"
    bundled = KnowledgeGraph.bundled().query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }",
                                             with_labels=False).rows[0][0]
    lines = [f'<{EX}t{i}> <{label}> "term {i}"@en .' for i in range(40)]
    lines.append(f'<https://w3id.org/b12kg/vitamin_b12> <{label}> "{bundled.value}"@en .')
    nt = tmp_path / "many.nt"
    nt.write_text("\n".join(lines), encoding="utf-8")
    seen: list[int] = []
    info = userstore.load_files([nt], progress=seen.append)
    assert sum(seen) == nt.stat().st_size
    assert info.files[0]["triples"] == 41
    local = KnowledgeGraph.local()
    expected = {(ox.NamedNode(q.subject.value), q.predicate, q.object)
                for q in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)}
    got = {(q.subject, q.predicate, q.object)
           for q in local.store.quads_for_pattern(None, None, None, ox.NamedNode(EXTERNAL))}
    twin = (ox.NamedNode("https://w3id.org/b12kg/vitamin_b12"), ox.NamedNode(label), ox.Literal(bundled.value,
                                                                                              language="en"))
    assert twin in expected and len(expected) == 41
    assert got == expected - {twin}
    manifest = json.loads((info.path / "manifest.json").read_text())
    assert manifest["graphs"][EXTERNAL] == 40 and manifest["quads"] == len(local.store)
    assert slices == [1] if slice_bytes > nt.stat().st_size else slices[0] > 5
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join([*lines[:30], f"<{EX}x> <{EX}y> broken .", *lines[30:]]) + "\n", encoding="utf-8")
    with pytest.raises(GraphParseError) as err:
        userstore.load_files([bad])
    assert err.value.line == 31
    assert userstore.user_store_info().path == info.path  # type: ignore[union-attr]


@pytest.mark.parametrize("first", [0, 1, 19])
def test_ntriples_blank_node_keeps_one_identity(cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                first: int) -> None:
    """A blank node keeps one identity across the file (each bulk_load call would rename it): a file with
    ``_:`` anywhere goes in one piece, whatever the slice size."""
    slices = _count_slices(monkeypatch, 100)
    nt = tmp_path / "bnodes.nt"
    nt.write_text("".join(f"{'_:shared' if i >= first else f'<{EX}s>'} <{EX}p{i}> <{EX}o{i}> .\n"
                          for i in range(20)) + f"_:shared <{EX}p0> <{EX}o0> .\n", encoding="utf-8")
    userstore.load_files([nt])
    rows = KnowledgeGraph.local().query(f"SELECT DISTINCT ?s WHERE {{ ?s <{EX}p0> ?o . ?s <{EX}p19> ?o2 }}")
    assert len(rows.rows) == 1 and not slices


def test_scan_finds_a_label_across_chunks(tmp_path: Path) -> None:
    import hashlib

    for data, labels in [(b"x" * ((1 << 20) - 1) + b"_:b", True), (b"x" * (1 << 20) + b"_:", True),
                         (b"<a> <b> <c> .\n" * 100, False), (b"_" + b"x" * (1 << 20) + b":", False)]:
        path = tmp_path / "f.nt"
        path.write_bytes(data)
        assert userstore._scan(path) == (hashlib.sha256(data).hexdigest(), labels)


def test_load_obo_with_fastobo(cache_root: Path, tmp_path: Path) -> None:
    pytest.importorskip("fastobo")
    obo = tmp_path / "mini.obo"
    obo.write_text(MINI_OBO, encoding="utf-8")
    userstore.load_files([obo])
    kg = KnowledgeGraph.local()
    r = kg.query("SELECT ?c WHERE { ?c rdfs:subClassOf obo:TEST_0000001 }")
    assert r.to_tsv() == "c\nobo:TEST_0000002\n"
    assert kg.labels(["http://purl.obolibrary.org/obo/TEST_0000002"]) == {
        "http://purl.obolibrary.org/obo/TEST_0000002": "child term"}


def test_load_bad_file_keeps_previous_store(cache_root: Path, tmp_path: Path) -> None:
    good = tmp_path / "mini.ttl"
    good.write_text(MINI_TTL, encoding="utf-8")
    before = userstore.load_files([good])
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n", encoding="utf-8")
    with pytest.raises(GraphParseError) as err:
        userstore.load_files([bad])
    assert "bad.ttl" in str(err.value)
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(GraphParseError, match="cannot load files of type"):
        userstore.load_files([csv])
    after = userstore.user_store_info()
    assert after is not None and after.path == before.path
    assert not [p for p in (cache_root / "user").iterdir() if p.name.startswith(".build-")]


def test_stale_user_store_is_refreshed_keeping_external(cache_root: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "mini.ttl"
    ttl.write_text(MINI_TTL, encoding="utf-8")
    info = userstore.load_files([ttl])
    manifest = info.path / "manifest.json"
    data = json.loads(manifest.read_text())
    data["bundled_key"] = "built-on-an-older-bundled-graph"
    manifest.write_text(json.dumps(data))
    kg = KnowledgeGraph.local()
    assert kg.dataset.store_path is not None and kg.dataset.store_path != info.db
    assert _count(kg, EXTERNAL) == 3
    fresh = userstore.user_store_info()
    assert fresh is not None and fresh.bundled_key == compiled.bundled_key(kg.sources, inferred=kg.inferred)


def test_cli_load_cache_and_query(cache_root: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "mini.ttl"
    ttl.write_text(MINI_TTL, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["load", str(ttl)])
    assert r.exit_code == 0, r.output
    assert "3 triples" in r.output
    r = runner.invoke(cli, ["query", "-e", f"SELECT ?l WHERE {{ <{EX}thing> rdfs:label ?l }}", "-f", "tsv"])
    assert r.exit_code == 0, r.output
    assert r.output == "l\ntest thing\n"
    r = runner.invoke(cli, ["cache", "info"])
    assert r.exit_code == 0 and str(ttl.resolve()) in r.output
    assert runner.invoke(cli, ["cache", "path"]).output.strip() == str(cache_root)
    r = runner.invoke(cli, ["load", "--reset"])
    assert r.exit_code == 0 and "removed" in r.output
    r = runner.invoke(cli, ["query", "-e", f"ASK {{ <{EX}thing> ?p ?o }}", "-f", "tsv"])
    assert r.output == "boolean\nfalse\n"
    assert runner.invoke(cli, ["load"]).exit_code == 2
    r = runner.invoke(cli, ["load", str(tmp_path / "missing.ttl")])
    assert r.exit_code == 2
    r = runner.invoke(cli, ["cache", "clear"])
    assert r.exit_code == 0 and not (cache_root / "stores").exists()


# -- CURIEs without curies ---------------------------------------------------------------------------
def test_fast_curie_helpers_match_curies(kg: KnowledgeGraph) -> None:
    iris = {t.value for row in kg.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", with_labels=False).rows
            for t in row if t is not None and t.is_iri}
    iris |= set(PREFIX_MAP.values()) | {"urn:x", "http://example.org/x", "http://purl.obolibrary.org/obo/HP_"}
    assert len(iris) > 500
    for iri in sorted(iris):
        assert compress_fast(iri) == compress(iri), iri
        curie = compress(iri)
        if curie != iri:
            assert expand_fast(curie) == expand(curie) == iri
    for value in ["<https://w3id.org/b12kg/x>", "https://w3id.org/b12kg/x", " HP:0000001 ", "obo:HP_1",
                  "b12kg:"]:
        assert expand_fast(value) == expand(value)
    for bad in ["nope:x", "hp:0000001", "plain words", ":x"]:
        with pytest.raises(ValueError):
            expand(bad)
        with pytest.raises(ValueError):
            expand_fast(bad)


def test_cleared_cache_rebuilds(cache_root: Path) -> None:
    KnowledgeGraph.bundled(inferred=False).store  # noqa: B018
    assert compiled.clear_cache() == [cache_root / "stores"]
    assert not (cache_root / "stores").exists()
    assert len(KnowledgeGraph.bundled(inferred=False).store) > 1000
    shutil.rmtree(cache_root)
