#!/usr/bin/env python
"""b12kg benchmark: medians and ratios against named baselines, in one run, on the same files and queries.

    python bench/run.py                       # everything; HP from ../shared/ontology-sources/hp.obo
    python bench/run.py --hp /path/hp.obo     # another copy of the HP
    python bench/run.py --quick               # fewer repetitions, no slow baselines
    python bench/run.py --readme              # also write the table into bench/README.md

Only public tools are used: python, time, subprocess, resource (peak memory of child processes through
``os.wait4``). Every measurement runs b12kg with its own cache folder under a temporary directory, so the
user's cache is not touched. Sections:

1. cold ``b12kg query NAME`` (a new process, the compiled store already in the cache) vs a pyoxigraph floor
   script and a plain rdflib script (``bench/cold.py``);
2. each named query warm (in one process, after a first run) on Oxigraph vs rdflib;
3. the bundled graph + the whole HP (hp.obo converted to OWL RDF/XML with fastobo): ``b12kg load``, then
   cross-ontology queries, vs rdflib parsing the same files and running the same queries; peak memory;
4. ``b12kg validate`` on the bundled graph and on a generated ~100k-triple dataset (same shapes), plus the
   alternative of pyshacl without inference on the closure materialised in the store;
5. ``b12kg build`` (the release) and 6. ``b12kg load`` of 1M N-Triples vs ``bulk_load``: ``bench/loadbuild.py``.

Not a test: nothing is asserted, targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cold  # bench/cold.py: the cold query section
import loadbuild
import shacl  # the validation section (bench/shacl.py)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_HP = ROOT.parent / "shared" / "ontology-sources" / "hp.obo"
PY = sys.executable


# -- measuring -----------------------------------------------------------------------------------------
@dataclass
class Row:
    section: str
    what: str
    b12kg: str
    baseline: str = ""
    baseline_value: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        line = f"  {row.what}: {row.b12kg}"
        if row.baseline:
            line += f" | {row.baseline}: {row.baseline_value} | ratio {row.ratio}"
        if row.target:
            line += f" | target {row.target} {row.met}"
        print(line, flush=True)


def run_child(cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float | None = None,
              stdin: str | None = None) -> tuple[float, int, str, str, int]:
    """Run ``cmd``; return (seconds, peak RSS in MB, stdout, stderr, exit code). Peak RSS via wait4."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, text=True)
    try:
        out, err = proc.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return float("inf"), 0, out, err, -9
    dt = time.perf_counter() - t0
    # the child was reaped by communicate(); its rusage is in RUSAGE_CHILDREN only cumulatively, so
    # children report their own peak on stderr (see _PEAK) when they can
    peak = 0
    for line in err.splitlines()[::-1]:
        if line.startswith("PEAK_RSS_MB "):
            peak = int(float(line.split()[1]))
            break
    return dt, peak, out, err, proc.returncode


_PEAK = ("import atexit, resource, sys\n"
         "atexit.register(lambda: print('PEAK_RSS_MB',\n"
         "                              resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr))\n")


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def fmt_ms(ms: float) -> str:
    if ms == float("inf"):
        return "timeout"
    return f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def ratio(baseline_ms: float, ours_ms: float) -> str:
    if baseline_ms == float("inf"):
        return "> timeout"
    return f"{baseline_ms / ours_ms:.1f}×" if ours_ms > 0 else ""


def met(value: float, limit: float, *, at_most: bool = True) -> str:
    return "met" if (value <= limit if at_most else value >= limit) else "MISSED"


def b12kg_cmd() -> list[str]:
    script = Path(PY).with_name("b12kg")
    return [str(script)] if script.is_file() else [PY, "-m", "b12kg"]


def b12kg_measured(*args: str) -> list[str]:
    """``b12kg ARGS`` in a process that reports its peak memory (for the slow commands)."""
    return [PY, "-c", _PEAK + "import sys\nfrom b12kg.cli import main\nsys.argv = ['b12kg', *sys.argv[1:]]\nmain()",
            *args]


# -- the graph's files ---------------------------------------------------------------------------------
def bundled_files(work: Path) -> list[Path]:
    """The files of the bundled graph for rdflib: its Turtle files, the SSSOM mappings and the OWL RL closure
    (the ``inferred`` graph) as N-Triples, so that rdflib queries the same triples as b12kg."""
    import pyoxigraph as ox

    from b12kg import KnowledgeGraph
    from b12kg.store.sources import GRAPHS

    kg = KnowledgeGraph.bundled()
    inferred = work / "inferred.nt"
    with open(inferred, "wb") as fh:
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                      for q in kg.store.quads_for_pattern(None, None, None,
                                                          ox.NamedNode(GRAPHS["inferred"]))),
                     fh, format=ox.RdfFormat.N_TRIPLES)
    files = [inferred]
    for src in kg.sources:
        if src.path.name.endswith(".sssom.tsv"):
            from b12kg.store.sssom import skos_ntriples

            out = work / (src.path.name + ".nt")
            out.write_text(skos_ntriples(src.path), encoding="utf-8")
            files.append(out)
        else:
            files.append(src.path)
    return files


def rdflib_script(files: Sequence[Path], queries: dict[str, tuple[str, dict[str, str]]], repeat: int) -> str:
    """A plain script: parse ``files`` with rdflib, run each query ``repeat`` times, print JSON timings."""
    return _PEAK + textwrap.dedent(f"""
        import json, time
        t0 = time.perf_counter()
        import rdflib
        from rdflib.plugins.sparql import prepareQuery
        g = rdflib.Graph()
        for f in {[str(f) for f in files]!r}:
            fmt = {{"ttl": "turtle", "nt": "nt", "owl": "xml"}}[f.rsplit(".", 1)[1]]
            g.parse(f, format=fmt)
        t_parse = time.perf_counter() - t0
        out = {{"parse_s": t_parse, "triples": len(g), "queries": {{}}}}
        for name, (text, binds) in {queries!r}.items():
            init = {{k: rdflib.URIRef(v) for k, v in binds.items()}}
            times, n = [], 0
            for _ in range({repeat}):
                t = time.perf_counter()
                n = len(list(g.query(prepareQuery(text), initBindings=init)))
                times.append(time.perf_counter() - t)
            out["queries"][name] = {{"times": times, "rows": n}}
        out["total_s"] = time.perf_counter() - t0
        print(json.dumps(out))
    """)


def query_texts(names: Sequence[str] | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """Named queries as full SPARQL (PREFIX lines added) with their default parameters as IRIs."""
    from b12kg import KnowledgeGraph
    from b12kg.core.sparql import missing_prologue
    from b12kg.queries.binding import bind_parameters
    from b12kg.queries.run import executor

    kg = KnowledgeGraph.bundled()
    out = {}
    for q in kg.catalog:
        if names and q.name not in names:
            continue
        binds = {k: t.value for k, t in bind_parameters(q, {}, executor(kg.dataset, "oxigraph")).items() if t.is_iri}
        out[q.name] = (missing_prologue(q.text) + q.text, binds)
    return out


# -- sections ------------------------------------------------------------------------------------------
def warm_queries(rep: Report, runs: int) -> None:
    print("2. warm queries", flush=True)
    from b12kg import KnowledgeGraph

    kg = KnowledgeGraph.bundled()
    worst = 0.0
    for q in kg.catalog:
        kg.query(q)
        ours = []
        for _ in range(runs):
            t = time.perf_counter()
            kg.query(q)
            ours.append(time.perf_counter() - t)
        kg.query(q, backend="rdflib")
        theirs = []
        for _ in range(max(3, runs // 10)):
            t = time.perf_counter()
            kg.query(q, backend="rdflib")
            theirs.append(time.perf_counter() - t)
        o, t_ = median_ms(ours), median_ms(theirs)
        worst = max(worst, o)
        rep.add(Row("warm query", f"{q.name}", fmt_ms(o), "rdflib backend, same process", fmt_ms(t_),
                    ratio(t_, o), "≤ 5 ms", met(o, 5)))
    rep.notes.append(f"Slowest warm named query: {worst:.2f} ms (with labels looked up, as the CLI does).")


CROSS_QUERIES = {
    "hp-descendants-of-mapped": """
        SELECT ?concept (COUNT(DISTINCT ?d) AS ?descendants) WHERE {
          ?concept skos:exactMatch|skos:closeMatch ?hp . FILTER(STRSTARTS(STR(?hp), STR(HP:)))
          ?d rdfs:subClassOf* ?hp }
        GROUP BY ?concept ORDER BY ?concept""",
    "hp-ancestors-of-mapped": """
        SELECT DISTINCT ?concept ?ancestor ?label WHERE {
          { SELECT DISTINCT ?concept ?ancestor WHERE {
              ?concept skos:exactMatch|skos:closeMatch ?hp . FILTER(STRSTARTS(STR(?hp), STR(HP:)))
              ?hp rdfs:subClassOf+ ?ancestor } }
          ?ancestor rdfs:label ?label }""",
    "label-search-spasm": """
        SELECT ?c ?l WHERE { ?c rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "spasm")) }""",
    "mapped-concepts-by-hp-branch": """
        SELECT ?top (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {
          { SELECT DISTINCT ?concept ?top WHERE {
              ?concept skos:exactMatch|skos:closeMatch ?hp . FILTER(STRSTARTS(STR(?hp), STR(HP:)))
              ?hp rdfs:subClassOf* ?top } }
          ?top rdfs:subClassOf HP:0000118 } GROUP BY ?top""",
}


def with_hp(rep: Report, hp: Path, work: Path, runs: int, rdflib_timeout: float) -> None:
    print("3. bundled graph + whole HP", flush=True)
    if not hp.is_file():
        rep.notes.append(f"HP section skipped: {hp} not found (give --hp PATH).")
        print(f"  skipped: {hp} not found", flush=True)
        return
    from b12kg import KnowledgeGraph
    from b12kg.core.sparql import missing_prologue

    env = {**os.environ, "B12KG_CACHE_DIR": str(work / "hp-cache"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    owl = work / "hp.owl"
    convert = _PEAK + (f"import fastobo\ndoc = fastobo.load({str(hp)!r})\n"
                       f"fastobo.dump_owl(doc, {str(owl)!r}, format='rdf')\n")
    dt, peak, _, err, code = run_child([PY, "-c", convert])
    if code != 0:
        rep.notes.append(f"HP conversion failed: {err[-500:]}")
        return
    rep.add(Row("HP", "convert hp.obo → OWL RDF/XML (fastobo)", f"{dt:.2f} s, peak {peak} MB"))
    loader = "import sys\nfrom b12kg.cli import main\nsys.argv = ['b12kg', 'load', sys.argv[1]]\nmain()"
    load = [PY, "-c", _PEAK + loader, str(owl)]
    dt, peak, out, err, code = run_child(load, env)
    if code != 0:
        rep.notes.append(f"b12kg load failed: {err[-500:]}")
        return
    triples = int(out.strip().splitlines()[-1].split("user store: ")[1].split()[0])
    rep.add(Row("HP", f"`b12kg load hp.owl` (user store: {triples} triples)", f"{dt:.2f} s, peak {peak} MB"))
    texts = {name: (missing_prologue(text) + text, {}) for name, text in CROSS_QUERIES.items()}
    xref = query_texts(["xref-hp-nervous-system-phenotypes"])
    texts.update(xref)
    ours_script = _PEAK + textwrap.dedent(f"""
        import json, time
        from b12kg import KnowledgeGraph
        kg = KnowledgeGraph.local()
        out = {{}}
        for name, (text, binds) in {texts!r}.items():
            kg.query(text, binds, with_labels=False)
            times = []
            for _ in range({runs}):
                t = time.perf_counter()
                r = kg.query(text, binds, with_labels=False)
                times.append(time.perf_counter() - t)
            out[name] = {{"times": times, "rows": len(r)}}
        print(json.dumps(out))
    """)
    _, peak_ours, out, err, code = run_child([PY, "-c", ours_script], env)
    if code != 0:
        rep.notes.append(f"HP queries failed: {err[-800:]}")
        return
    ours = json.loads(out)
    hp_nt = work / "hp.nt"  # rdflib reads the HP as N-Triples: faster for it than RDF/XML, and with RDF 1.1
    import pyoxigraph as ox  # literals ("x" = "x"^^xsd:string) like the bundled files

    with open(hp_nt, "wb") as fh:
        ox.serialize(ox.parse(path=str(owl), format=ox.RdfFormat.RDF_XML), fh, format=ox.RdfFormat.N_TRIPLES)
    files = [*bundled_files(work), hp_nt]
    dt, peak_rdflib, out, err, code = run_child([PY, "-c", rdflib_script(files, texts, 1)], env,
                                                timeout=rdflib_timeout)
    theirs = json.loads(out) if code == 0 else None
    if theirs is None:
        rep.notes.append(f"rdflib baseline on bundled+HP did not finish within {rdflib_timeout:.0f} s.")
    else:
        rep.add(Row("HP", f"rdflib: parse bundled + hp.owl ({theirs['triples']} triples)",
                    f"{theirs['parse_s']:.1f} s, peak {peak_rdflib} MB"))
    for name in texts:
        o = median_ms(ours[name]["times"])
        t = median_ms(theirs["queries"][name]["times"]) if theirs else float("inf")
        same = "" if not theirs else ("" if theirs["queries"][name]["rows"] == ours[name]["rows"]
                                      else f" (rdflib {theirs['queries'][name]['rows']} rows!)")
        rep.add(Row("HP cross-ontology query", f"{name} ({ours[name]['rows']} rows){same}", fmt_ms(o),
                    "rdflib, same graph", fmt_ms(t), ratio(t, o), "≥ 30×",
                    met(t / o, 30, at_most=False) if t != float("inf") else "met"))
    rep.add(Row("HP", "peak memory, queries over bundled + HP", f"b12kg {peak_ours} MB",
                "rdflib", f"{peak_rdflib} MB" if theirs else "n/a"))
    del KnowledgeGraph




# -- machine + output ----------------------------------------------------------------------------------
def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    ram = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    import pyoxigraph
    import rdflib

    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average at start {os.getloadavg()[0]:.2f}"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}"
            f"{load}")


def table(rep: Report) -> str:
    lines = ["| section | measurement | b12kg | baseline | baseline value | ratio | target | |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rep.rows:
        lines.append(f"| {r.section} | {r.what} | {r.b12kg} | {r.baseline} | {r.baseline_value} | {r.ratio} | "
                     f"{r.target} | {r.met} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    old = readme.read_text(encoding="utf-8") if readme.is_file() else f"# b12kg benchmarks\n\n{start}\n{end}\n"
    if start not in old:
        old += f"\n{start}\n{end}\n"
    head, rest = old.split(start, 1)
    tail = rest.split(end, 1)[1] if end in rest else ""
    readme.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hp", type=Path, default=DEFAULT_HP, help=f"hp.obo (default {DEFAULT_HP})")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions; skip the slow baselines")
    ap.add_argument("--readme", action="store_true", help="write the results table into bench/README.md")
    ap.add_argument("--only", nargs="*", default=["cold", "warm", "hp", "validate", "build", "load"])
    ap.add_argument("--slow-timeout", type=float, default=300.0, help="seconds allowed to each slow baseline")
    args = ap.parse_args(argv)
    rep = Report()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    desc = machine()
    print(desc, flush=True)
    with tempfile.TemporaryDirectory(prefix="b12kg-bench-") as tmp:
        work = Path(tmp)
        # children run as from an installed package: with bytecode (pip compiles it on install; a
        # PYTHONDONTWRITEBYTECODE environment would make every cold start compile b12kg's sources)
        env = {**os.environ, "B12KG_CACHE_DIR": str(work / "cache"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["B12KG_CACHE_DIR"] = env["B12KG_CACHE_DIR"]
        steps: dict[str, Callable[[], None]] = {
            "cold": lambda: cold.run_section(sys.modules[__name__], rep, env, work, 7 if args.quick else 21),
            "warm": lambda: warm_queries(rep, 10 if args.quick else 50),
            "hp": lambda: with_hp(rep, args.hp, work, 3 if args.quick else 7, args.slow_timeout * 2),
            "validate": lambda: shacl.validation(rep, env, work, 120 if args.quick else args.slow_timeout, args.quick),
            "build": lambda: loadbuild.build(rep, env, work, 3 if args.quick else 7, args.slow_timeout),
            "load": lambda: loadbuild.load_vs_bulk(rep, env, work, 3 if args.quick else 5, args.slow_timeout),
        }
        for name in args.only:
            steps[name]()
    text = (f"Run {started} on: {desc}.\n\n" + table(rep) + "\n" +
            "".join(f"\n- {n}" for n in rep.notes) + ("\n" if rep.notes else ""))
    print("\n" + text)
    if args.readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
