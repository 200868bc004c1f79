"""A cold ``b12kg query`` answers from the compiled store in the cache: it parses no RDF file and imports
none of rdflib, owlready2, pyshacl, curies or pydantic (checked with ``python -X importtime``); printed as a
table, with label parameters, it imports neither click, another command's module, the facade, the dataclass
types nor the standard modules they bring (``tests/cli/test_coldpath.py``: :data:`NOT_ON_THE_COLD_PATH`),
and prints what the full path prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from b12kg import KnowledgeGraph

HEAVY = ("rdflib", "owlready2", "pyshacl", "curies", "pydantic", "sssom_pydantic")


def _query_name(kg: KnowledgeGraph) -> str:
    names = kg.catalog.names()
    assert names
    return "symptoms-by-kind" if "symptoms-by-kind" in names else names[0]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def warm_env(tmp_path_factory: pytest.TempPathFactory, kg: KnowledgeGraph) -> dict[str, str]:
    """An environment whose cache folder already holds the compiled store."""
    env = {**os.environ, "B12KG_CACHE_DIR": str(tmp_path_factory.mktemp("cold-cache"))}
    env.pop("B12KG_NO_CACHE", None)
    first = _run(["-m", "b12kg", "query", _query_name(kg), "-f", "tsv"], env)
    assert first.returncode == 0, first.stderr
    assert list(Path(env["B12KG_CACHE_DIR"], "stores").glob("bundled-*/db"))
    return env


def test_cold_query_imports_nothing_heavy(warm_env: dict[str, str], kg: KnowledgeGraph) -> None:
    name = _query_name(kg)
    r = _run(["-X", "importtime", "-m", "b12kg", "query", name, "-f", "tsv"], warm_env)
    assert r.returncode == 0, r.stderr
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines()
                if line.startswith("import time:")}
    assert "pyoxigraph" in imported and "b12kg.graph" in imported  # the log is real
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert heavy == [], f"imported on the cold query path: {heavy}"
    assert r.stdout == kg.run(name).to_tsv()


#: what the commonest command line must not import (each was on it once): click and the other commands, the
#: facade and the dataclass types (dataclasses brings inspect, ast, dis, tokenize), pathlib (urllib,
#: ipaddress), re (enum, functools, collections), json, typing, threading, textwrap, contextlib
NOT_ON_THE_COLD_PATH = (
    "click", "b12kg.graph", "b12kg.store.dataset", "b12kg.store.compiled", "b12kg.store.userstore",
    "b12kg.core.results", "b12kg.core.terms", "b12kg.queries.catalog", "b12kg.queries.run",
    "dataclasses", "inspect", "ast", "dis", "tokenize", "pathlib", "urllib", "ipaddress", "re", "enum",
    "functools", "collections", "json", "typing", "threading", "textwrap", "contextlib", "hashlib",
)
#: the console script's own lines (``python -m`` would add runpy and what it imports)
CONSOLE = "import sys\nfrom b12kg.cli import main\nsys.argv[0] = 'b12kg'\nmain()\n"


def _imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", [["query", "symptoms-by-kind"],
                                  ["query", "about-concept", "-p", "concept=muscle spasm"]])
def test_cold_table_query_imports_only_what_it_needs(warm_env: dict[str, str], kg: KnowledgeGraph,
                                                     args: list[str]) -> None:
    """The two command lines of the benchmark (bench/cold.py) import pyoxigraph, a few b12kg modules and
    nothing of :data:`NOT_ON_THE_COLD_PATH`, and print what the full path prints."""
    from b12kg.cli.terminal import reader_table

    r = _run(["-X", "importtime", "-c", CONSOLE, *args], {**warm_env, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    imported = _imported(r.stderr)
    assert {"pyoxigraph", "b12kg.cli.fast", "b12kg.store.cold", "b12kg.queries.cold"} <= imported  # the log is real
    assert sorted(m for m in imported if m.split(".")[0] in HEAVY) == []
    back = sorted(m for m in imported if m in NOT_ON_THE_COLD_PATH or m.split(".")[0] in NOT_ON_THE_COLD_PATH)
    assert back == [], f"back on the cold query path: {back}"
    assert sorted(m for m in imported if m.startswith("b12kg.cli.")) == ["b12kg.cli.fast", "b12kg.cli.terminal"]
    params = dict(a.split("=", 1) for a in args[3::2])
    assert r.stdout == reader_table(kg.query(kg.catalog.get(args[1]), params), ids=True, width=80)


def test_the_cold_path_answers_as_the_full_path(warm_env: dict[str, str], kg: KnowledgeGraph,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every named query the cold path answers (those whose parameters are labels or have no CURIE default)
    gives the full path's table, at several widths; the benchmark's two command lines are among them."""
    from b12kg.cli.fast import cold_table

    monkeypatch.setenv("B12KG_CACHE_DIR", warm_env["B12KG_CACHE_DIR"])
    cases: list[tuple[str, dict[str, str]]] = [(name, {}) for name in kg.catalog.names()]
    cases += [("about-concept", {"concept": "muscle spasm"}), ("about-concept", {"concept": "Vegan Diet"})]
    answered = []
    for name, params in cases:
        for width in (80, 200, None):
            table = cold_table(name, params, width)
            if table is not None:
                answered.append(name)
                assert table == kg.query(kg.catalog.get(name), params).to_table(ids=True, width=width), name
    assert "symptoms-by-kind" in answered and "about-concept" in answered
    assert len(set(answered)) >= len(cases) // 2


def test_the_cold_path_leaves_the_unusual_to_the_full_path(warm_env: dict[str, str], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A leftover temporary folder, a store marked damaged, a user store, a CURIE or a name the exact lookup
    does not find: the cold path declines (``None``) and the full path answers, sweeps or repairs."""
    import shutil

    from b12kg.cli.fast import cold_table

    cache = tmp_path / "cache"
    shutil.copytree(warm_env["B12KG_CACHE_DIR"], cache)
    monkeypatch.setenv("B12KG_CACHE_DIR", str(cache))
    assert cold_table("symptoms-by-kind", {}, 80) is not None
    assert cold_table("about-concept", {"concept": "HP:0003394"}, 80) is None
    assert cold_table("about-concept", {"concept": "spasms"}, 80) is None  # a plural: the full path's rules
    assert cold_table("about-concept", {"colour": "blue"}, 80) is None  # an error: the full path reports it
    assert cold_table("no-such-query", {}, 80) is None
    leftover = cache / "stores" / ".build-x"
    leftover.mkdir()
    assert cold_table("symptoms-by-kind", {}, 80) is None
    leftover.rmdir()
    store = next((cache / "stores").glob("bundled-*"))
    (store / "DAMAGED").write_text("a test\n", encoding="utf-8")
    assert cold_table("symptoms-by-kind", {}, 80) is None
    r = _run(["-c", CONSOLE, "query", "symptoms-by-kind"], {**warm_env, "B12KG_CACHE_DIR": str(cache)})
    assert r.returncode == 0 and "rebuilding it" in r.stderr  # the full path rebuilt the store
    assert cold_table("symptoms-by-kind", {}, 80) is not None
    (cache / "user").mkdir()
    assert cold_table("symptoms-by-kind", {}, 80) is None


@pytest.mark.slow
def test_cold_query_parses_no_file(warm_env: dict[str, str], kg: KnowledgeGraph) -> None:
    """With parsing disabled (Dataset.fill raises), the warm cache still answers every query."""
    script = (
        "import sys\n"
        "from b12kg.store.dataset import Dataset\n"
        "def fail(self, store):\n"
        "    raise SystemExit('the cold path parsed the source files')\n"
        "Dataset.fill = fail\n"
        "from b12kg.cli import cli\n"
        "sys.exit(cli.main(sys.argv[1:], prog_name='b12kg', standalone_mode=False))\n"
    )
    for q in kg.catalog:
        r = _run(["-c", script, "query", q.name, "-f", "tsv"], warm_env)
        assert r.returncode == 0, (q.name, r.stderr)
        assert r.stdout == kg.run(q.name).to_tsv(), q.name


def test_sources_changed_means_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key follows the input files' bytes: an edited file is never answered from a stale store."""
    from b12kg.store.sources import Source

    monkeypatch.setenv("B12KG_CACHE_DIR", str(tmp_path / "cache"))
    ttl = tmp_path / "x.ttl"
    ttl.write_text('<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "one" .\n')
    one = KnowledgeGraph([Source(ttl, "data")], cache=True)
    assert one.query("SELECT ?l WHERE { b12kg:a rdfs:label ?l }").column("l") == ["one"]
    ttl.write_text('<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "two" .\n')
    two = KnowledgeGraph([Source(ttl, "data")], cache=True)
    assert two.query("SELECT ?l WHERE { b12kg:a rdfs:label ?l }").column("l") == ["two"]
    assert len(list((tmp_path / "cache" / "stores").glob("bundled-*"))) == 2


#: the console script, with the cold path's query made to take 30 s (in Python, where a signal reaches it)
SLOW = ("import time\nimport b12kg.cli.fast as fast\nrun = fast._run\n\n"
        "def slow(*args):\n    time.sleep(30)\n    return run(*args)\n\nfast._run = slow\n" + CONSOLE)


def test_the_cold_path_keeps_the_time_limit(warm_env: dict[str, str]) -> None:
    """The cold path runs its query under the watchdog's deadline: past it, one line and exit code 2."""
    import time

    start = time.monotonic()
    r = _run(["-c", SLOW, "query", "symptoms-by-kind"], {**warm_env, "B12KG_QUERY_TIMEOUT": "1"})
    assert time.monotonic() - start < 20
    assert r.returncode == 2, r.stderr
    assert "ran longer than 1 s and was stopped" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_ctrl_c_stops_the_cold_path(warm_env: dict[str, str]) -> None:
    """Ctrl-C during the cold path's query: ``interrupted``, exit code 130, no traceback, no table."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-c", SLOW, "query", "about-concept", "-p", "concept=muscle spasm"],
                            env={**warm_env, "B12KG_DEBUG": ""}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(2)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err and out == b""
