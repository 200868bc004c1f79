"""Cold ``b12kg query`` (a new process, the compiled store already in the cache) against two baselines.

* the **floor**: a plain script that imports pyoxigraph, opens the same cached store read-only, runs the same
  query (the parameter already bound to the concept's IRI, as b12kg binds it) and prints the rows;
* **rdflib**: a plain script that parses the same files with rdflib and runs the same query.

Each round runs b12kg, the floor and (every third round) rdflib one after the other, so that all three see
the same load on the machine; the figures are medians. Targets: b12kg within 1.8× of the floor and ≥ 10×
faster than rdflib. ``python bench/cold.py`` runs this section alone; ``bench/run.py`` runs it as ``cold``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

#: (named query, parameters as typed on the command line)
CASES: list[tuple[str, dict[str, str]]] = [
    ("symptoms-by-kind", {}),
    ("about-concept", {"concept": "muscle spasm"}),
]
FLOOR_RATIO = 1.8
RDFLIB_RATIO = 10.0


def floor_script(store: Path, text: str) -> str:
    """Open ``store`` read-only with pyoxigraph, run ``text`` over the union of its graphs, print the rows."""
    return ("import sys\n"
            "import pyoxigraph as ox\n"
            f"store = ox.Store.read_only({str(store)!r})\n"
            f"rows = store.query({text!r}, use_default_graph_as_union=True)\n"
            "out = sys.stdout\n"
            "for row in rows:\n"
            "    out.write('\\t'.join('' if t is None else str(t) for t in row) + '\\n')\n")


def bound_query(name: str, params: dict[str, str]) -> str:
    """The full text of query ``name`` with its parameters bound as b12kg binds them (labels → IRIs)."""
    from b12kg.core.sparql import bind_values, missing_prologue
    from b12kg.queries.binding import bind_parameters
    from b12kg.queries.catalog import QueryCatalog
    from b12kg.queries.run import executor
    from b12kg.store.dataset import Dataset

    q = QueryCatalog().get(name)
    bindings = bind_parameters(q, params, executor(Dataset.bundled(), "oxigraph"))
    text = missing_prologue(q.text) + q.text
    return bind_values(text, bindings)


def compiled_store() -> Path:
    """The ``db`` folder of the compiled bundled store in the current cache (``B12KG_CACHE_DIR``)."""
    from b12kg.store.compiled import compiled_store_path
    from b12kg.store.sources import bundled_sources, inferred_default

    return compiled_store_path(bundled_sources(), inferred=inferred_default())


def cli_args(name: str, params: dict[str, str]) -> list[str]:
    return ["query", name, *[a for k, v in params.items() for a in ("-p", f"{k}={v}")]]


def run_section(bench: ModuleType, rep: Any, env: dict[str, str], work: Path, runs: int = 21,
                rdflib_every: int = 3, cases: Sequence[tuple[str, dict[str, str]]] = CASES,
                before: Path | None = None) -> None:
    """Measure each case; ``bench`` is ``bench/run.py`` (its Row, run_child and rdflib helpers).

    ``before`` (the ``src`` folder of another checkout of b12kg) adds that code's ``b12kg query`` to each round
    (run with ``PYTHONPATH=before``), to measure a change side by side.
    """
    print("1. cold queries (b12kg / floor / rdflib interleaved)", flush=True)
    files = bench.bundled_files(work)
    b12kg = bench.b12kg_cmd()
    for name, params in cases:
        args = cli_args(name, params)
        first = bench.run_child([*b12kg, *args], env)  # fills the cache the first time
        if first[4] != 0:
            rep.notes.append(f"`b12kg {' '.join(args)}` failed: {first[3].strip()[-200:]}")
            continue
        text = bound_query(name, params)
        floor = floor_script(compiled_store(), text)
        rdflib = bench.rdflib_script(files, {name: (text, {})}, 1)
        floor_rows = bench.run_child([bench.PY, "-c", floor], env)[2].count("\n")
        ours: list[float] = []
        theirs: list[float] = []
        slow: list[float] = []
        old: list[float] = []
        old_env = {**env, "PYTHONPATH": str(before)} if before else env
        if before and bench.run_child([*b12kg, *args], old_env)[4] != 0:
            rep.notes.append(f"`b12kg {' '.join(args)}` from {before} failed: not timed")
            before = None
        for i in range(runs):
            if before:
                old.append(bench.run_child([*b12kg, *args], old_env)[0])
            ours.append(bench.run_child([*b12kg, *args], env)[0])
            theirs.append(bench.run_child([bench.PY, "-c", floor], env)[0])
            if i % rdflib_every == 0:
                slow.append(bench.run_child([bench.PY, "-c", rdflib], env)[0])
        o, f, r = bench.median_ms(ours), bench.median_ms(theirs), bench.median_ms(slow)
        shown = " ".join(f'-p {k}="{v}"' for k, v in params.items())
        what = f"`b12kg query {name}{' ' + shown if shown else ''}`"
        rep.add(bench.Row("cold query (new process)", what, bench.fmt_ms(o),
                          f"floor: pyoxigraph read-only open + same query + print ({floor_rows} rows)",
                          bench.fmt_ms(f), f"{o / f:.2f}× the floor", f"≤ {FLOOR_RATIO}× the floor",
                          "met" if o <= FLOOR_RATIO * f else "MISSED"))
        rep.add(bench.Row("cold query (new process)", what, bench.fmt_ms(o),
                          "rdflib: parse the same files + same query", bench.fmt_ms(r), bench.ratio(r, o),
                          f"≥ {RDFLIB_RATIO:g}× rdflib", "met" if r >= RDFLIB_RATIO * o else "MISSED"))
        if before:
            b = bench.median_ms(old)
            rep.add(bench.Row("cold query (new process)", what + " before the change", bench.fmt_ms(b),
                              "floor, same rounds", bench.fmt_ms(f), f"{b / f:.2f}× the floor"))
    rep.notes.append(import_split(bench, env, cases[0], runs))
    if hasattr(os, "getloadavg"):
        rep.notes.append(f"cold queries: load average after the section {os.getloadavg()[0]:.2f} "
                         f"({runs} rounds, rdflib in 1 of {rdflib_every}).")


def import_split(bench: ModuleType, env: dict[str, str], case: tuple[str, dict[str, str]], runs: int) -> str:
    """Where a cold query's time goes: ``python -X importtime`` of b12kg and of the floor (medians)."""
    import statistics

    timed = {**env, "PYTHONPROFILEIMPORTTIME": "1"}  # python -X importtime, for the console script too

    def imports(cmd: list[str]) -> dict[str, float]:
        err = bench.run_child(cmd, timed)[3]
        top: dict[str, float] = {}
        for line in err.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                _, cumulative, name = line[len("import time:"):].split("|")
                if not name.startswith("  "):  # a top-level import: its time includes its children's
                    top[name.strip()] = int(cumulative) / 1000
        return top

    name, params = case
    ours = [imports([*bench.b12kg_cmd(), *cli_args(name, params)]) for _ in range(runs)]
    floor = floor_script(compiled_store(), bound_query(name, params))
    theirs = [imports([bench.PY, "-c", floor]) for _ in range(runs)]
    total = statistics.median(sum(t.values()) for t in ours)
    base = statistics.median(sum(t.values()) for t in theirs)
    keys = {k for t in ours for k in t}
    big = sorted(((statistics.median(t.get(k, 0.0) for t in ours), k) for k in keys), reverse=True)[:6]
    shown = ", ".join(f"{k} {ms:.1f}" for ms, k in big)
    return (f"cold `b12kg query {name}`: imports take {total:.1f} ms (python -X importtime, top-level imports; "
            f"the floor script's {base:.1f} ms); the largest: {shown} (ms).")


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run as bench

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=21, help="rounds (medians of this many runs)")
    ap.add_argument("--before", type=Path, help="the src folder of another b12kg checkout, timed in the same rounds")
    args = ap.parse_args(argv)
    rep = bench.Report()
    print(bench.machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="b12kg-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "B12KG_CACHE_DIR": str(work / "cache"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["B12KG_CACHE_DIR"] = env["B12KG_CACHE_DIR"]
        run_section(bench, rep, env, work, args.runs, before=args.before)
    print("\n" + bench.table(rep) + "".join(f"\n- {n}" for n in rep.notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
