"""Load and build: ``b12kg load`` of 1M N-Triples against pyoxigraph's ``bulk_load``, and ``b12kg build``.

Imported by ``bench/run.py`` (sections ``load`` and ``build``); also runs alone::

    python bench/loadbuild.py               # both sections
    python bench/loadbuild.py --quick       # fewer repetitions

``load``: a generated N-Triples file of 1M triples (an ontology-shaped graph: classes with labels,
synonyms and ``rdfs:subClassOf`` links, plus the bundled graph's own triples, which ``load`` must not
repeat) in a temporary folder. Each round runs, one after the other, ``b12kg load FILE`` into an emptied
user store and a plain script that opens a new on-disk ``pyoxigraph.Store`` and calls ``bulk_load`` into
the same named graph; both are new processes that report their own peak RSS. The target is the ratio of
the medians (≤ 1.3×) and a peak memory no more than ``bulk_load``'s. One more pair uses a file with
blank nodes (which ``load`` must give to Oxigraph in one piece).

``build``: ``b12kg build --reasoner none`` (median of several runs, target ≤ 3 s) and ``--reasoner hermit``;
the two ``none`` builds of the first pair are compared byte for byte.
"""

from __future__ import annotations

import filecmp
import os
import random
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

EXTERNAL = "https://w3id.org/b12kg/graph/external"
_BULK = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3]))
"""


def ntriples_file(work: Path, triples: int) -> Path:
    """About ``triples`` N-Triples lines of an ontology-shaped graph, the bundled graph's triples included."""
    import pyoxigraph as ox

    from b12kg import KnowledgeGraph

    store = KnowledgeGraph.bundled().store
    bundled = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in store
                      if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)})
    rng = random.Random(12)
    path = work / f"generated-{triples}.nt"
    rdf, rdfs, owl = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                      "http://www.w3.org/2002/07/owl#")
    syn = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"
    n = len(bundled)
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(bundled)
        i = 0
        while n < triples:
            s = f"<http://example.org/bench/T{i:07d}>"
            parent = f"<http://example.org/bench/T{rng.randrange(max(i, 1)):07d}>"
            fh.write(f"{s} <{rdf}type> <{owl}Class> .\n{s} <{rdfs}label> \"bench term {i}\"@en .\n"
                     f"{s} <{rdfs}subClassOf> {parent} .\n{s} <{syn}> \"synonym {i}\" .\n")
            n += 4
            i += 1
    return path


def load_vs_bulk(rep: Any, env: dict[str, str], work: Path, rounds: int, timeout: float) -> None:
    """``b12kg load`` of 1M N-Triples vs ``bulk_load`` into the same named graph, interleaved."""
    from run import _PEAK, PY, Row, b12kg_cmd, b12kg_measured, fmt_ms, run_child

    print("6. load 1M N-Triples", flush=True)
    run_child([*b12kg_cmd(), "load", "--reset"], env)
    run_child([*b12kg_cmd(), "query", "symptoms-by-kind"], env)  # compiles the bundled store first
    for nt in [ntriples_file(work, 1_000_000)]:
        with open(nt, "rb") as fh:
            lines = sum(1 for _ in fh)
        ours: list[tuple[float, int]] = []
        theirs: list[tuple[float, int]] = []
        out = ""
        for r in range(rounds):
            run_child([*b12kg_cmd(), "load", "--reset"], env)
            dt, peak, out, err, code = run_child(b12kg_measured("load", str(nt)), env, timeout=timeout)
            if code != 0:
                rep.notes.append(f"`b12kg load` failed: {err.strip().splitlines()[-1:]}")
                return
            ours.append((dt, peak))
            db = work / f"bulk-{r}"
            dt, peak, _, err, code = run_child([PY, "-c", _PEAK + _BULK, str(db), str(nt), EXTERNAL], env,
                                               timeout=timeout)
            theirs.append((dt, peak))
            import shutil

            shutil.rmtree(db, ignore_errors=True)
        o, t = statistics.median(x for x, _ in ours), statistics.median(x for x, _ in theirs)
        om, tm = max(m for _, m in ours), max(m for _, m in theirs)
        stored = out.strip().splitlines()[-1] if out.strip() else ""
        ok = o / t <= 1.3 and om <= tm
        rep.add(Row("load", f"`b12kg load` {lines:,} N-Triples lines ({stored.split(' in ')[0]}), "
                            f"peak {om} MB, median of {len(ours)}",
                    fmt_ms(o * 1000), f"`bulk_load` into the same named graph, peak {tm} MB",
                    fmt_ms(t * 1000), f"{o / t:.2f}× (memory {om / tm:.2f}×)", "≤ 1.3×, peak ≤ bulk_load's",
                    "met" if ok else "MISSED"))
    run_child([*b12kg_cmd(), "load", "--reset"], env)


def build(rep: Any, env: dict[str, str], work: Path, runs: int, timeout: float) -> None:
    """``b12kg build --reasoner none`` (median of ``runs``; two builds compared byte for byte) and hermit."""
    from run import Row, b12kg_cmd, fmt_ms, met, run_child

    print("5. release build", flush=True)
    _, _, _, _, code = run_child([*b12kg_cmd(), "build", "--help"], env)
    if code != 0:
        rep.notes.append("`b12kg build` does not exist: release build not timed.")
        return
    times: list[float] = []
    for i in range(runs):
        dt, _, _, err, code = run_child([*b12kg_cmd(), "build", "-o", str(work / f"dist-none-{i}"),
                                         "--reasoner", "none", "-q"], env, timeout=timeout)
        if code != 0:
            rep.notes.append(f"`b12kg build --reasoner none` failed: {err.strip().splitlines()[-1:]}")
            return
        times.append(dt)
    same = "" if runs < 2 else (", two builds byte-identical" if _same_tree(work / "dist-none-0", work / "dist-none-1")
                                else ", two builds DIFFER")
    o = statistics.median(times) * 1000
    rep.add(Row("release", f"`b12kg build --reasoner none` (median of {runs}{same})", fmt_ms(o), "", "", "",
                "≤ 3 s", met(o, 3000)))
    dt, _, _, err, code = run_child([*b12kg_cmd(), "build", "-o", str(work / "dist-hermit"), "--reasoner", "hermit",
                                     "-q"], env, timeout=timeout)
    status = "" if code == 0 else f" (exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''})"
    rep.add(Row("release", "`b12kg build --reasoner hermit`", fmt_ms(dt * 1000) + status))


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def main() -> int:
    import argparse
    import tempfile
    import time

    from run import Report, machine, table

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--only", nargs="*", default=["load", "build"])
    args = ap.parse_args()
    rep = Report()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    desc = machine()
    with tempfile.TemporaryDirectory(prefix="b12kg-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "B12KG_CACHE_DIR": str(work / "cache"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["B12KG_CACHE_DIR"] = env["B12KG_CACHE_DIR"]
        if "build" in args.only:
            build(rep, env, work, 3 if args.quick else 7, 600)
        if "load" in args.only:
            load_vs_bulk(rep, env, work, 3 if args.quick else 5, 600)
    end_load = f", load average at the end {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"\nRun {started} on: {desc}{end_load}.\n\n" + table(rep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
