#!/usr/bin/env python
"""Load test of ``b12kg serve`` beside rdflib-endpoint and ``oxigraph serve``, on the same data, in one run.

    python bench/load.py                  # ~2 min: every server and scenario, then the malformed barrage
    python bench/load.py --quick          # shorter runs
    python bench/load.py --readme         # also write the results into bench/README.md

Everything stays on 127.0.0.1 and is bounded: each measurement runs for ``--seconds`` (and at most
``--max-requests`` requests per connection), every request has a 30 s socket timeout, and the servers
are stopped at the end (also on Ctrl-C).

Measured, for each server, with ``--connections`` keep-alive connections spread over ``--processes``
client processes (one Python client saturates near 10k requests/s, so several are used):

* a label lookup: ``SELECT ?l WHERE { <concept> rdfs:label ?l }``, rotating over the concepts;
* ``symptoms-by-kind``: the named query's text, sent to each server's SPARQL endpoint by GET.

``b12kg serve`` runs twice: as it comes (answers asked again come from its cache: the graph does not
change while it runs) and with ``--cache-size 0`` (every request runs its query in a worker). Before
timing, each server's answer to each query is checked against b12kg's (same rows). The servers answer
from the same quads: b12kg's compiled store (asserted graphs plus the OWL RL closure)
dumped to N-Quads, loaded into ``oxigraph serve`` (on disk, ``--union-default-graph``) and, merged into
one graph, into ``rdflib-endpoint``.

Then ~1,000 malformed requests go to ``b12kg serve`` (bad SPARQL, wrong methods, bodies over the limit,
bytes that are not UTF-8, updates, SERVICE, queries that run past the time limit, connections closed
half-way) while one client keeps sending label lookups; every malformed request must get a 4xx or 503
with a message, and the lookups' throughput is measured again afterwards.

Only public tools are used: python (``http.client``, ``socket``, ``multiprocessing``), the ``b12kg``,
``rdflib-endpoint`` and ``oxigraph`` commands.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"
PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX b12kg: <https://w3id.org/b12kg/>\n")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NO_CACHE = "b12kg serve --cache-size 0"


# -- servers ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    cmd: list[str]
    port: int
    path: str  # the SPARQL endpoint's path
    env: dict[str, str] | None = None
    proc: subprocess.Popen[bytes] | None = None

    def start(self, log: Path) -> None:
        self.log = log.open("wb")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up; see {log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _ = get(self.port, self.query_path("ASK {}"), timeout=2)
                if status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within 120 s; see {log}")

    def query_path(self, query: str) -> str:
        return f"{self.path}?{urllib.parse.urlencode({'query': query})}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        with contextlib.suppress(Exception):
            self.log.close()


def get(port: int, path: str, timeout: float = 30.0, accept: str = "application/sparql-results+json"
        ) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


# -- data -------------------------------------------------------------------------------------------
def prepare(work: Path, env: dict[str, str]) -> tuple[Path, Path, list[str], str]:
    """The served quads as N-Quads (for oxigraph) and as merged N-Triples (for rdflib-endpoint), the
    concept IRIs for the label lookups, and the text of symptoms-by-kind."""
    script = f"""
import pyoxigraph as ox
from b12kg.store.dataset import Dataset
from b12kg.queries.catalog import QueryCatalog
ds = Dataset.bundled()
store = ds.store
store.dump(output={str(work / 'graph.nq')!r}, format=ox.RdfFormat.N_QUADS)
triples = {{ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)}}
ox.serialize(sorted(triples, key=str), output={str(work / 'graph.nt')!r}, format=ox.RdfFormat.N_TRIPLES)
res = store.query('SELECT DISTINCT ?s WHERE {{ ?s rdfs:label ?l '
                  'FILTER(STRSTARTS(STR(?s), "https://w3id.org/b12kg/")) }} ORDER BY ?s',
                  prefixes={{'rdfs': 'http://www.w3.org/2000/01/rdf-schema#'}}, use_default_graph_as_union=True)
open({str(work / 'concepts.txt')!r}, 'w').write('\\n'.join(s['s'].value for s in res))
open({str(work / 'symptoms-by-kind.rq')!r}, 'w').write(QueryCatalog().get('symptoms-by-kind').text)
"""
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
    concepts = (work / "concepts.txt").read_text().split()
    return work / "graph.nq", work / "graph.nt", concepts, (work / "symptoms-by-kind.rq").read_text()


def rows(body: bytes) -> list[tuple[tuple[str, str], ...]]:
    data = json.loads(body)
    out = [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in data["results"]["bindings"]]
    return sorted(out)


# -- clients ----------------------------------------------------------------------------------------
def _connection_loop(port: int, paths: Sequence[str], seconds: float, max_requests: int, start: float,
                     out: list[Any]) -> None:
    lat: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = random.randrange(len(paths))
    while time.monotonic() < start:
        time.sleep(0.001)
    end = start + seconds
    headers = {"Accept": "application/sparql-results+json"}
    while len(lat) < max_requests:
        t0 = time.perf_counter()
        if time.monotonic() >= end:
            break
        try:
            conn.request("GET", paths[i % len(paths)], headers=headers)
            r = conn.getresponse()
            r.read()
            statuses[r.status] += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        lat.append(time.perf_counter() - t0)
        i += 1
    conn.close()
    out.append((lat, dict(statuses), errors))


def _client_process(port: int, paths: Sequence[str], connections: int, seconds: float, max_requests: int,
                    start: float, queue: Any) -> None:
    out: list[Any] = []
    threads = [threading.Thread(target=_connection_loop, args=(port, paths, seconds, max_requests, start, out))
               for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


@dataclass
class Load:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] * 1000


def load(port: int, paths: Sequence[str], *, connections: int, processes: int, seconds: float,
         max_requests: int) -> Load:
    """Requests from ``connections`` keep-alive connections in ``processes`` processes for ``seconds``."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start = time.monotonic() + 0.5
    per = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    procs = [ctx.Process(target=_client_process, args=(port, paths, n, seconds, max_requests, start, queue))
             for n in per if n]
    for p in procs:
        p.start()
    result = Load(seconds=seconds)
    for _ in procs:
        for lat, statuses, errors in queue.get(timeout=seconds + 120):
            result.latencies += lat
            result.statuses.update(statuses)
            result.errors += errors
    for p in procs:
        p.join(30)
    result.requests = len(result.latencies)
    return result


# -- the malformed barrage ------------------------------------------------------------------------------
def raw(port: int, data: bytes, *, half_close: bool = False, read: bool = True) -> tuple[int, bytes]:
    """Send raw bytes; return the status and body of the answer (0 when the server closed without one)."""
    with socket.create_connection((HOST, port), timeout=30) as s:
        with contextlib.suppress(OSError):  # a server may answer (413) and close before taking it all
            s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        if not read:
            return 0, b""
        chunks = []
        with contextlib.suppress(OSError):
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), None)
                    if length is not None and len(body) >= length:
                        break
    response = b"".join(chunks)
    if not response.startswith(b"HTTP/1."):
        return 0, b""
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def malformed_requests(port: int, count: int) -> list[tuple[str, Callable[[], tuple[int, bytes]], bool]]:
    """(kind, request, expects an answer) — about ``count`` of them, in a fixed mix."""
    q = urllib.parse.quote
    big = b"query=" + b"A" * (2 * 1024 * 1024)

    def request(method: str, path: str, body: bytes = b"", ctype: str | None = None) -> Callable[[], tuple[int, bytes]]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        if ctype:
            head += f"Content-Type: {ctype}\r\n"
        if body or method == "POST":
            head += f"Content-Length: {len(body)}\r\n"
        return lambda: raw(port, head.encode() + b"\r\n" + body)

    kinds: list[tuple[str, Callable[[], tuple[int, bytes]], bool]] = [
        ("bad SPARQL", request("GET", "/sparql?query=" + q("SELECT ?x WHERE { ?x ?y }")), True),
        ("bad SPARQL (POST)", request("POST", "/sparql", b"SELEKT * {}", "application/sparql-query"), True),
        ("update by query", request("GET", "/sparql?query=" + q("INSERT DATA { <a:b> <a:c> <a:d> }")), True),
        ("update by form", request("POST", "/sparql", b"update=DROP%20ALL", "application/x-www-form-urlencoded"),
         True),
        ("update content type", request("POST", "/sparql", b"DROP ALL", "application/sparql-update"), True),
        ("SERVICE", request("GET", "/sparql?query=" + q("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")),
         True),
        ("wrong method PUT", request("PUT", "/sparql", b"x", "text/plain"), True),
        ("wrong method DELETE", request("DELETE", "/sparql"), True),
        ("wrong method PATCH", request("PATCH", "/queries/symptoms-by-kind", b"{}", "application/json"), True),
        ("body over the limit", request("POST", "/sparql", big, "application/x-www-form-urlencoded"), True),
        ("not UTF-8 (URL)", request("GET", "/sparql?query=SELECT%20%FF%FE"), True),
        ("not UTF-8 (body)", request("POST", "/sparql", b"SELECT \xff\xfe {}", "application/sparql-query"), True),
        ("unknown content type", request("POST", "/sparql", b"<x/>", "application/xml"), True),
        ("not acceptable", lambda: _accept(port, "image/png"), True),
        ("unknown query", request("GET", "/queries/no-such-query"), True),
        ("bad parameter", request("GET", "/queries/about-concept?nope=1"), True),
        ("half-closed", lambda: raw(port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n", half_close=True),
         False),
        ("garbage", lambda: raw(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64)), False),
    ]
    slow = ("past the time limit", request("GET", "/sparql?query=" + q(SLOW)), True)
    out = []
    while len(out) < count:
        out.extend(kinds)
        if len(out) % (len(kinds) * 5) < len(kinds):
            out.append(slow)
    return out[:count]


def _accept(port: int, accept: str) -> tuple[int, bytes]:
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    return get(port, path, accept=accept)


def barrage(port: int, count: int, threads: int) -> tuple[Counter[str], list[str]]:
    """Send the malformed requests from ``threads`` threads; return counts by outcome and the failures."""
    todo = malformed_requests(port, count)
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def worker(part: list[tuple[str, Callable[[], tuple[int, bytes]], bool]]) -> None:
        for kind, send, answered in part:
            try:
                status, body = send()
            except OSError as e:
                status, body = 0, str(e).encode()
            ok = (not answered) or ((400 <= status < 500 or status == 503) and len(body.strip()) > 0)
            with lock:
                outcomes[f"{kind}: {status}"] += 1
                if not ok:
                    failures.append(f"{kind}: status {status}, body {body[:80]!r}")

    parts = [todo[i::threads] for i in range(threads)]
    ts = [threading.Thread(target=worker, args=(p,)) for p in parts]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return outcomes, failures


# -- reporting -------------------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    import pyoxigraph

    return (f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, load average at start {load1:.2f}")


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    start, end = "<!-- load:start -->", "<!-- load:end -->"
    old = readme.read_text(encoding="utf-8")
    if start in old and end in old:
        new = old[: old.index(start) + len(start)] + "\n" + text + old[old.index(end):]
    else:
        new = old.rstrip("\n") + f"\n\n{start}\n{text}{end}\n"
    readme.write_text(new, encoding="utf-8")


@contextlib.contextmanager
def servers(work: Path, nq: Path, nt: Path, env: dict[str, str], timeout: float) -> Iterator[list[Server]]:
    store = work / "oxigraph-db"
    subprocess.run([tool("oxigraph"), "load", "--location", str(store), "--file", str(nq)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ports = [free_port() for _ in range(3)]
    started: list[Server] = []
    ports.append(free_port())
    all_servers = [
        Server("b12kg serve", [tool("b12kg"), "serve", "--host", HOST, "--port", str(ports[0]),
                               "--timeout", str(timeout)], ports[0], "/sparql", env),
        Server(NO_CACHE, [tool("b12kg"), "serve", "--host", HOST, "--port", str(ports[3]), "--timeout",
                          str(timeout), "--cache-size", "0"], ports[3], "/sparql", env),
        Server("oxigraph serve", [tool("oxigraph"), "serve", "--location", str(store), "--bind",
                                  f"{HOST}:{ports[1]}", "--union-default-graph"], ports[1], "/query"),
        Server("rdflib-endpoint", [tool("rdflib-endpoint"), "serve", str(nt), "--host", HOST, "--port",
                                   str(ports[2])], ports[2], "/"),
    ]
    try:
        for s in all_servers:
            s.start(work / f"{s.name.replace(' ', '-')}.log")
            started.append(s)
        yield started
    finally:
        for s in started:
            s.stop()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each measurement")
    ap.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    ap.add_argument("--processes", type=int, default=4, help="client processes the connections are spread over")
    ap.add_argument("--max-requests", type=int, default=200_000, help="most requests per connection")
    ap.add_argument("--malformed", type=int, default=1000, help="malformed requests in the barrage")
    ap.add_argument("--timeout", type=float, default=2.0, help="b12kg serve --timeout during the run")
    ap.add_argument("--quick", action="store_true", help="3-second measurements, 300 malformed requests")
    ap.add_argument("--readme", action="store_true", help="write the results into bench/README.md")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.malformed = 3.0, 300
    header = machine()
    print(header, flush=True)
    with tempfile.TemporaryDirectory(prefix="b12kg-load-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "B12KG_CACHE_DIR": str(work / "cache")}
        nq, nt, concepts, symptoms = prepare(work, env)
        lookup = [PREFIXES + f"SELECT ?l WHERE {{ <{c}> rdfs:label ?l }}" for c in concepts]
        scenarios = {"label lookup": lookup, "symptoms-by-kind": [symptoms]}
        results: dict[tuple[str, str], Load] = {}
        lines = []
        with servers(work, nq, nt, env, args.timeout) as running:
            ours = running[0]
            for name, queries in scenarios.items():
                expected = [rows(get(ours.port, ours.query_path(q))[1]) for q in queries[:5]]
                for s in running:
                    got = [rows(get(s.port, s.query_path(q))[1]) for q in queries[:5]]
                    if got != expected:
                        raise SystemExit(f"{s.name} answers {name} differently from b12kg serve")
                    paths = [s.query_path(q) for q in queries]
                    r = load(s.port, paths, connections=args.connections, processes=args.processes,
                             seconds=args.seconds, max_requests=args.max_requests)
                    results[(s.name, name)] = r
                    bad = sum(n for st, n in r.statuses.items() if st != 200) + r.errors
                    print(f"  {s.name:16} {name:17} {r.rate:8.0f} q/s  p50 {r.pct(50):6.2f} ms  "
                          f"p99 {r.pct(99):6.2f} ms  not 200: {bad}", flush=True)
            lookups = [ours.query_path(q) for q in lookup]
            base = load(ours.port, lookups, connections=args.connections, processes=args.processes,
                        seconds=args.seconds, max_requests=args.max_requests)  # just before, for a fair "after"
            print(f"malformed barrage: {args.malformed} requests, with label lookups alongside", flush=True)
            during: dict[str, Load] = {}
            background = threading.Thread(target=lambda: during.setdefault("x", load(
                ours.port, [ours.query_path(q) for q in lookup], connections=2, processes=1,
                seconds=args.seconds, max_requests=args.max_requests)))
            background.start()
            t0 = time.monotonic()
            outcomes, failures = barrage(ours.port, args.malformed, threads=4)
            barrage_s = time.monotonic() - t0
            background.join()
            status, body = get(ours.port, "/health")
            health = json.loads(body) if status == 200 else {}
            after = load(ours.port, lookups, connections=args.connections,
                         processes=args.processes, seconds=args.seconds, max_requests=args.max_requests)
            print(f"  answered as expected: {args.malformed - len(failures)}/{args.malformed} in {barrage_s:.1f} s; "
                  f"lookups meanwhile {during['x'].rate:.0f} q/s on 2 connections; after: {after.rate:.0f} q/s "
                  f"(before {base.rate:.0f}); health {status}", flush=True)
            for f in failures[:20]:
                print("   FAILED", f)

        def row(server: str, scenario: str, target: str = "") -> str:
            r = results[(server, scenario)]
            ratio = ""
            if not server.startswith("b12kg") and r.rate:
                ratio = " / ".join(f"{results[(ours, scenario)].rate / r.rate:.1f}×"
                                   for ours in ("b12kg serve", NO_CACHE))
            return (f"| {server} | {scenario} | {r.rate:,.0f} | {r.pct(50):.2f} | {r.pct(99):.2f} | {ratio} | "
                    f"{target} |")

        lines.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on: {header}. "
                     f"{args.connections} keep-alive connections in {args.processes} client processes, "
                     f"{args.seconds:g} s per measurement, on the same machine as the servers.")
        lines.append("")
        lines.append("| server | query | requests/s | p50 ms | p99 ms | b12kg serve is faster by (cache / no cache) "
                     "| target |")
        lines.append("|---|---|---|---|---|---|---|")
        targets = {"label lookup": "≥ 5,000/s, p99 ≤ 10 ms", "symptoms-by-kind": "≥ 1,500/s, p99 ≤ 10 ms"}
        for scenario in scenarios:
            for s in ("b12kg serve", NO_CACHE, "oxigraph serve", "rdflib-endpoint"):
                lines.append(row(s, scenario, targets[scenario] if s.startswith("b12kg") else
                                 "≥ 8×" if s == "rdflib-endpoint" else "ahead"))
        lines.append("")
        kinds = Counter()
        for key, n in outcomes.items():
            kinds[key] += n
        lines.append(f"Malformed barrage: {args.malformed} requests from 4 threads in {barrage_s:.1f} s "
                     f"(`--timeout {args.timeout:g}` for the queries that run past it); "
                     f"{args.malformed - len(failures)} answered with a 4xx/503 and a message (or, for half-closed "
                     f"and non-HTTP connections, closed cleanly); label lookups on 2 connections meanwhile: "
                     f"{during['x'].rate:,.0f}/s, p99 {during['x'].pct(99):.1f} ms; afterwards "
                     f"{after.rate:,.0f}/s, p99 {after.pct(99):.2f} ms, against {base.rate:,.0f}/s just before "
                     f"({after.rate / base.rate:.0%}). "
                     f"Pool after the run: {json.dumps(health.get('counters', {}))}.")
        lines.append("")
        lines.append("| malformed request | status | count |")
        lines.append("|---|---|---|")
        for key, n in sorted(kinds.items()):
            kind, _, status = key.rpartition(": ")
            lines.append(f"| {kind} | {status if status != '0' else 'closed'} | {n} |")
        text = "\n".join(lines) + "\n"
        print(text)
        if args.readme:
            write_readme(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
