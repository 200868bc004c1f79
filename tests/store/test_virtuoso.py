"""The remote client and ``push`` against Debian's Virtuoso (package ``virtuoso-opensource``, installed by
``.ci/run``), started by the test on 127.0.0.1 with its own configuration and database in a temporary folder
and stopped by its PID.

Virtuoso answers GET and form-encoded POST but never a direct POST, and refuses Graph Store uploads into its
default graph: b12kg's default protocol form works, the direct form ends on its time limit with a hint, and
a push into the default graph fails with a message that says to use a named graph.

Every named query runs on the pushed graph and must give the bundled store's answer. Debian's Virtuoso 7.2
loses rows when it evaluates property paths and OPTIONAL over a batch of rows at once (vectored execution,
README: *Virtuoso*): those queries are strict expected failures on a server as installed, and must pass on a
second server started with ``VectorSize = 1`` and ``MaxVectorSize = 1``, the documented work-around.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import EndpointError, EndpointTimeoutError, KnowledgeGraph
from b12kg.cli import cli
from b12kg.queries.catalog import QueryCatalog
from b12kg.store.engines import canonical_rows
from b12kg.store.remote import SparqlEndpoint, push_file, push_graph

pytestmark = pytest.mark.slow

GRAPH = "https://w3id.org/b12kg/test-release"
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 5
ServerThreads = 5
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _virtuoso(folder: Path, parameters: str = "") -> Iterator[str]:
    """A Virtuoso on free ports of 127.0.0.1 whose SPARQL user may write (as an administrator would set up),
    with ``parameters`` added to its ``[Parameters]`` section; yields the base URL."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Debian's virtuoso-opensource is not installed here (apt-get install virtuoso-opensource; "
                    ".ci/run installs it)")
    sql_port, http_port = _free_port(), _free_port()
    ini = INI.format(dir=folder, sql_port=sql_port, http_port=http_port)
    (folder / "virtuoso.ini").write_text(ini.replace("[Parameters]\n", f"[Parameters]\n{parameters}"),
                                         encoding="utf-8")
    proc = subprocess.Popen([server, "-c", str(folder / "virtuoso.ini"), "+foreground"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"Virtuoso did not start: {log}")
                time.sleep(0.2)
        grant = 'grant SPARQL_UPDATE to "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={grant}"], check=True,
                       capture_output=True, timeout=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Virtuoso configured as installed (vectored execution on); yields the base URL."""
    yield from _virtuoso(tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(scope="module")
def virtuoso_as_installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another Virtuoso as installed, holding only the graph the named queries run on (which rows its bug
    loses depends on the query plan, and so on what else the server holds)."""
    yield from _virtuoso(tmp_path_factory.mktemp("virtuoso-queries"))


@pytest.fixture(scope="module")
def virtuoso_unvectored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Virtuoso with the README's work-around for its vectored-execution bug (``VectorSize = 1``,
    ``MaxVectorSize = 1``)."""
    yield from _virtuoso(tmp_path_factory.mktemp("virtuoso-unvectored"), "VectorSize = 1\nMaxVectorSize = 1\n")


def _count(base: str) -> int:
    n = SparqlEndpoint(f"{base}/sparql").query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
                                               {}).rows[0][0]
    assert n is not None
    return int(n.value)


def test_get_and_form_post_are_answered_direct_post_is_not(virtuoso: str) -> None:
    url = f"{virtuoso}/sparql"
    for method in ("auto", "get", "post-form"):
        assert KnowledgeGraph.remote(url, method=method).query("ASK { }", with_labels=False).boolean is True
    long_ask = "ASK { " + "FILTER(1 = 1) " * 400 + "}"  # too long for a GET: auto sends a form POST
    assert KnowledgeGraph.remote(url).query(long_ask, with_labels=False).boolean is True
    start = time.monotonic()
    with pytest.raises(EndpointTimeoutError, match="never answer a direct POST"):
        KnowledgeGraph.remote(url, method="post-direct", timeout=3).query("ASK { }", with_labels=False)
    assert time.monotonic() - start < 10


def test_push_into_the_default_graph_is_refused_with_a_hint(virtuoso: str, asserted: KnowledgeGraph) -> None:
    with pytest.raises(EndpointError, match="--graph IRI"):
        push_graph(asserted, f"{virtuoso}/sparql", store_url=f"{virtuoso}/sparql-graph-crud")
    r = CliRunner().invoke(cli, ["push", "--endpoint", f"{virtuoso}/sparql", "--store-url",
                                 f"{virtuoso}/sparql-graph-crud", "--bundled-only"])
    assert r.exit_code == 2 and "--graph IRI" in r.stderr and "Traceback" not in r.stderr


def test_push_twice_into_a_named_graph(virtuoso: str, asserted: KnowledgeGraph, tmp_path: Path) -> None:
    store = f"{virtuoso}/sparql-graph-crud"
    trig = tmp_path / "b12kg.trig"
    trig.write_bytes(asserted.serialize("trig"))
    first = push_file(trig, store, graph=GRAPH)  # the dataset's graphs merged into one named graph
    n = _count(virtuoso)
    assert push_file(trig, store, graph=GRAPH) == first and _count(virtuoso) == n  # idempotent
    assert first.uploads == [(GRAPH, first.triples)] and 0 < n <= first.triples


#: why Virtuoso 7.2 as installed answers these named queries differently (README: *Virtuoso*): it loses rows
#: when a property path or an OPTIONAL is evaluated for a batch of rows at once (vectored execution);
#: with ``VectorSize = 1`` and ``MaxVectorSize = 1`` all of them give the bundled store's answer
_VECTORED = "Virtuoso 7.2 loses rows of a property path / OPTIONAL evaluated for a batch of rows (vectored execution): "
VIRTUOSO_BUGS = {
    "about-concept": "a FILTER NOT EXISTS over rdfs:subClassOf+ finds no narrower class, so the less specific "
                     "type b12kg:Nutrient is listed too",
    "causal-path": "2 of the 11 steps are missing",
    "claims-per-section": "the comparison-table entries of section 4 are counted 0, not 10 (OPTIONAL over a UNION)",
    "diagnostic-tests": "5 of the 18 rows are missing",
    "neurological-symptoms": "no rows instead of 20",
    "reversibility": "the exposure that causes irreversible damage (?caused_by) is unbound",
    "risk-groups-and-screening": "10 of the 13 rows are missing",
    "spasm-mechanism-chain": "the upstream counts come out short, so the steps are misnumbered",
    "vegan-sources": "no rows instead of 3",
    "vegetarian-sources": "no rows instead of 8",
    "why-animal-foods": "the animal-origin foods (16 of 18 rows) are missing",
    "why-fatigue": "the step deficiency → impaired red blood cell production is missing",
    "xref-hp-nervous-system-phenotypes": "1 row instead of 16",
}
NAMES = QueryCatalog().names()


def _pushed(base: str, kg: KnowledgeGraph) -> KnowledgeGraph:
    """``kg`` pushed into the named graph GRAPH-full of the server at ``base``, as a remote graph querying it."""
    push_graph(kg, f"{base}/sparql", graph=GRAPH + "-full", store_url=f"{base}/sparql-graph-crud")
    return KnowledgeGraph.remote(f"{base}/sparql", default_graph=GRAPH + "-full")


@pytest.fixture(scope="module")
def far(virtuoso_as_installed: str, kg: KnowledgeGraph) -> KnowledgeGraph:
    return _pushed(virtuoso_as_installed, kg)


@pytest.fixture(scope="module")
def far_unvectored(virtuoso_unvectored: str, kg: KnowledgeGraph) -> KnowledgeGraph:
    return _pushed(virtuoso_unvectored, kg)


# Not strict: which plan Virtuoso picks (and so whether it loses rows) varies between runs of the same server
# (seen for why-fatigue); the queries must agree on a server with vectoring off (the test below).
@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=_VECTORED + VIRTUOSO_BUGS[n], strict=False))
    if n in VIRTUOSO_BUGS else n for n in NAMES])
def test_named_query_on_a_pushed_graph(name: str, far: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    _same_answer(far, kg, name)


@pytest.mark.parametrize("name", NAMES)
def test_named_query_without_vectored_execution(name: str, far_unvectored: KnowledgeGraph,
                                                kg: KnowledgeGraph) -> None:
    _same_answer(far_unvectored, kg, name)


def _same_answer(far: KnowledgeGraph, kg: KnowledgeGraph, name: str) -> None:
    """The named query ``name`` gives the same rows on ``far`` as on the bundled store, in the same order when
    it has an ORDER BY."""
    q = kg.catalog.get(name)
    ordered = "ORDER BY" in q.text.upper()
    assert canonical_rows(far.query(q), ordered=ordered) == canonical_rows(kg.query(q), ordered=ordered)


def test_documented_bugs_are_named_queries() -> None:
    assert set(VIRTUOSO_BUGS) <= set(NAMES)


def test_named_query_through_the_cli(virtuoso_as_installed: str, far: KnowledgeGraph) -> None:
    r = CliRunner().invoke(cli, ["query", "claims-by-section", "--endpoint", f"{virtuoso_as_installed}/sparql",
                                 "--endpoint-graph", GRAPH + "-full", "-f", "tsv"])
    near = CliRunner().invoke(cli, ["query", "claims-by-section", "-f", "tsv"])
    assert r.exit_code == 0 and "\tfalse\n" in r.stdout
    assert sorted(r.stdout.splitlines()) == sorted(near.stdout.splitlines())


def test_push_a_dataset_graph_by_graph_twice(virtuoso: str, asserted: KnowledgeGraph, tmp_path: Path) -> None:
    from b12kg.store.sources import GRAPHS

    nq = tmp_path / "b12kg.nq"
    nq.write_bytes(asserted.serialize("nquads"))
    first = push_file(nq, f"{virtuoso}/sparql-graph-crud")
    endpoint = SparqlEndpoint(f"{virtuoso}/sparql")
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['data']}> {{ ?s ?p ?o }} }}"
    n = endpoint.query(q, {}).rows[0][0]
    assert push_file(nq, f"{virtuoso}/sparql-graph-crud") == first
    assert endpoint.query(q, {}).rows[0][0] == n and n is not None
    assert int(n.value) == dict(first.uploads)[GRAPHS["data"]]
