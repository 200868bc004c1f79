"""``b12kg serve`` as its clients meet it: SPARQLWrapper, rdflib's SPARQLStore, curl and plain HTTP.

One server runs for the session (``conftest.server``: 2 workers, a 2-second time limit, a 32 kB body limit).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import rdflib
from web_helpers import TEST_TIMEOUT, Served, request, serving

from b12kg import KnowledgeGraph

B = "https://w3id.org/b12kg/"
SYMPTOMS = (f"PREFIX b12kg: <{B}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?s ?l WHERE { b12kg:vitamin_b12_deficiency b12kg:hasSymptom ?s . ?s rdfs:label ?l }")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def local(kg: KnowledgeGraph, query: str) -> set[tuple[str, ...]]:
    return {tuple(t.value if t else "" for t in row) for row in kg.query(query).rows}


# -- clients ----------------------------------------------------------------------------------------
def test_sparqlwrapper_select_ask_construct(server: Served, kg: KnowledgeGraph) -> None:
    from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(SYMPTOMS)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert {(r["s"]["value"], r["l"]["value"]) for r in rows} == local(kg, SYMPTOMS)

    sw.setMethod(POST)  # form-encoded POST
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == len(rows)  # type: ignore[union-attr]

    sw.setQuery(f"ASK {{ <{B}muscle_spasm> a ?t }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True  # type: ignore[index, call-overload]

    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    sw.setQuery(f"CONSTRUCT {{ ?s {label} ?l }} WHERE {{ <{B}vitamin_b12_deficiency> <{B}hasSymptom> ?s . "
                f"?s {label} ?l }}")
    sw.setReturnFormat(TURTLE)
    ttl = sw.queryAndConvert()
    assert isinstance(ttl, bytes) and len(rdflib.Graph().parse(data=ttl, format="turtle")) == len(rows)


def test_sparqlwrapper_reports_the_servers_message(server: Served) -> None:
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(server.sparql)
    sw.setQuery("SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        sw.query()


def test_rdflib_sparqlstore(server: Served, kg: KnowledgeGraph) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.sparql, returnFormat="json")
    g = rdflib.Graph(store)
    got = {(str(s), str(lab)) for s, lab in g.query(SYMPTOMS)}
    assert got == local(kg, SYMPTOMS)
    label = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert (rdflib.URIRef(B + "muscle_spasm"), label, rdflib.Literal("muscle spasm", lang="en")) in g
    with pytest.raises(TypeError):  # the store is read-only on rdflib's side too
        g.add((rdflib.URIRef(B + "x"), label, rdflib.Literal("x")))


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_get_post_and_formats(server: Served, kg: KnowledgeGraph) -> None:
    def curl(*args: str) -> str:
        return subprocess.run(["curl", "-s", "-S", "--max-time", "30", *args], check=True, capture_output=True,
                              text=True).stdout

    csv_out = curl(f"{server.sparql}?query={quote(SYMPTOMS)}&format=csv")
    assert csv_out.splitlines()[0] == "s,l" and len(csv_out.splitlines()) == len(local(kg, SYMPTOMS)) + 1
    direct = curl("-X", "POST", "-H", "Content-Type: application/sparql-query", "-H", "Accept: text/csv",
                  "--data-binary", SYMPTOMS, server.sparql)
    assert direct == csv_out
    form = curl("--data-urlencode", f"query={SYMPTOMS}", "-H", "Accept: text/csv", server.sparql)
    assert form == csv_out
    ttl = curl("-H", "Accept: text/turtle", server.url + "vitamin_b12")
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert (rdflib.URIRef(B + "vitamin_b12"), None, None) in g


# -- the protocol over HTTP ----------------------------------------------------------------------------
def test_content_type_and_vary(server: Served) -> None:
    for accept, media in (("application/sparql-results+json", "application/sparql-results+json"),
                          ("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")):
        status, headers, _ = server.get(f"/sparql?query={quote(SYMPTOMS)}", {"Accept": accept})
        assert status == 200 and headers["content-type"] == f"{media}; charset=utf-8"
        assert headers["vary"] == "Accept"
    status, _, body = server.get(f"/sparql?query={quote(SYMPTOMS)}", {"Accept": "image/png"})
    assert status == 406 and b"available" in body


def test_refusals_and_limits(server: Served) -> None:
    cases = [
        ("GET", "/sparql?query=" + quote("INSERT DATA { <a:b> <a:c> <a:d> }"), None, None, 400, b"read-only"),
        ("POST", "/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded", 400, b"read-only"),
        ("POST", "/sparql", b"DROP ALL", "application/sparql-update", 400, b"read-only"),
        ("GET", "/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), None, None,
         400, b"SERVICE is refused"),
        ("POST", "/sparql", b"q" * 40_000, "application/sparql-query", 413, b"32768"),
        ("GET", "/sparql?query=" + "A" * 40_000, None, None, 414, b"POST"),
        ("PUT", "/sparql", b"x", "text/plain", 405, b"PUT is not allowed on /sparql"),
        ("DELETE", "/queries/symptoms-by-kind", None, None, 405, b"DELETE is not allowed"),
        ("GET", "/sparql?query=SELECT%FF", None, None, 400, b"UTF-8"),
        ("POST", "/sparql", b"<x/>", "application/xml", 415, b"unsupported Content-Type"),
    ]
    for method, path, data, ctype, status, words in cases:
        headers = {"Content-Type": ctype} if ctype else {}
        got, _, body = request(server.url + path.lstrip("/"), method=method, data=data, headers=headers)
        assert (got, words in body) == (status, True), (method, path[:60], got, body[:200])


def test_no_cors_unless_asked(server: Served) -> None:
    _, headers, _ = server.get(f"/sparql?query={quote('ASK {}')}", {"Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in headers


@pytest.mark.slow
def test_cors_when_asked(tmp_path: Path) -> None:
    with serving(tmp_path, "--cors", "--workers", "1") as s:
        _, headers, _ = s.get(f"/sparql?query={quote('ASK {}')}", {"Origin": "http://elsewhere.example"})
        assert headers.get("access-control-allow-origin") == "*"
        status, headers, _ = request(s.sparql, method="OPTIONS", headers={
            "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status == 200 and "POST" in headers.get("access-control-allow-methods", "")


def test_service_description(server: Served) -> None:
    status, headers, body = server.get("/sparql", {"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(server.sparql), sd.endpoint, rdflib.URIRef(server.sparql)) in g
    assert (None, sd.name, rdflib.URIRef(B + "graph/data")) in g
    status, _, body = server.get("/sparql", {"Accept": "application/ld+json"})
    assert len(rdflib.Graph().parse(data=body, format="json-ld")) == len(g)
    status, headers, _ = request(server.sparql, headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")  # a browser lands on the query page


# -- time limits -------------------------------------------------------------------------------------
def test_a_slow_query_is_stopped_and_answered_503(server: Served) -> None:
    before = json.loads(server.get("/health")[2])["counters"]["timeouts"]
    t0 = time.monotonic()
    status, _, body = server.get(f"/sparql?query={quote(SLOW)}")
    took = time.monotonic() - t0
    assert status == 503 and b"stopped after 2 s" in body
    assert TEST_TIMEOUT - 0.2 < took < TEST_TIMEOUT + 3
    health = json.loads(server.get("/health")[2])
    assert health["counters"]["timeouts"] == before + 1
    deadline = time.monotonic() + 10  # the killed worker is replaced
    while json.loads(server.get("/health")[2])["workers"]["alive"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_slow_queries_do_not_block_the_others(server: Served, kg: KnowledgeGraph) -> None:
    """Three slow queries at once (more than the two workers) while quick ones keep being answered fast."""
    results: list[int] = []
    slow = [threading.Thread(target=lambda: results.append(server.get(f"/sparql?query={quote(SLOW)}")[0]))
            for _ in range(3)]
    for t in slow:
        t.start()
    time.sleep(0.5)  # the slow ones hold every worker now; the pool grows past them
    quick = []
    concepts = kg.query(f'SELECT ?s WHERE {{ ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), "{B}")) }} LIMIT 20')
    for (iri,) in concepts.rows:  # twenty different queries: none is answered from the cache
        assert iri is not None
        t0 = time.monotonic()
        status, _, _ = server.get(f"/sparql?query={quote(f'SELECT ?l WHERE {{ <{iri.value}> rdfs:label ?l }}')}")
        quick.append((status, time.monotonic() - t0))
    for t in slow:
        t.join()
    assert results == [503, 503, 503]
    assert len(quick) == 20 and all(status == 200 for status, _ in quick)
    assert max(took for _, took in quick) < 1.0, quick


def test_a_client_that_leaves_stops_its_query(server: Served) -> None:
    before = json.loads(server.get("/health")[2])
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(f"GET /sparql?query={quote(SLOW)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.8)
    deadline = time.monotonic() + 10
    while True:  # the replacement worker needs a moment to load the graph
        after = json.loads(server.get("/health")[2])
        if after["counters"]["started"] > before["counters"]["started"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    # the worker was killed when the client left (not at the 2-second limit), and no timeout was counted
    assert after["counters"]["started"] > before["counters"]["started"]
    assert after["counters"]["timeouts"] == before["counters"]["timeouts"]


# -- named queries, pages, downloads, health ------------------------------------------------------------
def test_named_query_endpoint(server: Served, kg: KnowledgeGraph) -> None:
    status, headers, body = server.get("/queries/symptoms-by-kind", {"Accept": "application/sparql-results+json"})
    data = json.loads(body)
    got = sorted(tuple(b[v]["value"] for v in data["head"]["vars"] if v in b) for b in data["results"]["bindings"])
    assert got == sorted(tuple(t.value for t in row if t) for row in kg.run("symptoms-by-kind").rows)
    status, _, body = server.get("/queries/about-concept?" + urlencode({"concept": "muscle spasm", "format": "tsv"}))
    assert status == 200 and b"involuntary contraction" in body
    status, headers, body = server.get("/queries", {"Accept": "application/json"})
    assert "symptoms-by-kind" in {q["name"] for q in json.loads(body)}
    status, headers, body = server.get("/queries/symptoms-by-kind", {"Accept": "text/html"})
    assert headers["content-type"].startswith("text/html") and b"Not medical advice" in body


def test_every_iri_path_answers(server: Served, kg: KnowledgeGraph) -> None:
    for name in ("vitamin_b12", "NeurologicalSymptom", "causes", "section_2_spasm_mechanism", "ontology",
                 "imports/hp_import"):
        status, headers, body = server.get("/" + name, {"Accept": "text/html"})
        assert status == 200 and b"Not medical advice" in body, name
        status, headers, body = server.get("/" + name, {"Accept": "application/n-triples"})
        assert status == 200 and headers["content-type"].startswith("application/n-triples"), name
        assert (rdflib.URIRef(B + name), None, None) in rdflib.Graph().parse(data=body, format="nt") or \
            (None, None, rdflib.URIRef(B + name)) in rdflib.Graph().parse(data=body, format="nt")
    status, _, body = server.get("/vitamin_b13", {"Accept": "text/html"})
    assert status == 404 and b"vitamin B12" in body


@pytest.mark.slow
def test_downloads_match_the_export(server: Served, kg: KnowledgeGraph) -> None:
    status, _, body = server.get("/downloads/", {"Accept": "application/json"})
    files = {f["file"] for f in json.loads(body)}
    assert {"b12kg.ttl", "b12kg.nt", "b12kg.jsonld", "b12kg.owl"} <= files
    status, headers, body = server.get("/downloads/b12kg.ttl")
    assert status == 200 and headers["content-disposition"] == 'attachment; filename="b12kg.ttl"'
    assert body == kg.serialize("turtle")
    assert server.get("/downloads/nothing.zip")[0] == 404


def test_answers_are_kept(server: Served) -> None:
    """The graph never changes while the server runs: a query asked again is answered from the cache."""
    query = f"/sparql?query={quote('SELECT ?n WHERE { BIND(41 + 1 AS ?n) }')}"
    before = json.loads(server.get("/health")[2])["counters"]
    first, second = server.get(query), server.get(query)
    after = json.loads(server.get("/health")[2])["counters"]
    assert first[0] == second[0] == 200 and first[2] == second[2]
    assert after["cache_hits"] >= before["cache_hits"] + 1 and after["jobs"] == before["jobs"] + 2  # 2 health ASKs
    slow = [server.get(f"/sparql?query={quote(SLOW)}")[0] for _ in range(2)]
    assert slow == [503, 503]  # a 503 is never kept


def test_health(server: Served) -> None:
    status, _, body = server.get("/health")
    h = json.loads(body)
    assert status == 200 and h["status"] == "ok" and h["triples"] > 5000
    assert h["limits"]["timeout_s"] == TEST_TIMEOUT and h["workers"]["ready"] == 2


# -- the process ---------------------------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.split()
    pairs = list(zip(map(int, out[::2]), map(int, out[1::2]), strict=True))
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in pairs if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads the process table with ps")
def test_ctrl_c_stops_the_server_and_its_workers(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2") as s:
        kids = _children(s.process.pid)
        assert len(kids) >= 3  # the fork server and the workers
        s.process.send_signal(signal.SIGINT)
        assert s.process.wait(20) == 0
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{k}").exists() for k in kids):
            assert time.monotonic() < deadline, "worker processes outlived the server"
            time.sleep(0.1)
        assert "Traceback" not in s.log.read_text()


def test_port_in_use_is_one_line_and_exit_2(server: Served) -> None:
    r = subprocess.run([sys.executable, "-m", "b12kg", "serve", "--port", str(server.port)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "in use" in r.stderr and "Traceback" not in r.stderr
