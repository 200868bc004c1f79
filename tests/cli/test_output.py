"""Writing files: the format from the extension, summaries that count what was really written, progress
lines for slow steps (also when standard error is not a terminal) and ``--quiet``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result

from b12kg import FormatError
from b12kg.cli.output import Progress, export_format_for, result_format_for

Invoke = Callable[..., Result]


@pytest.mark.parametrize(("name", "fmt"), [
    ("b12kg.ttl", "turtle"), ("B12KG.TTL", "turtle"), ("x.nt", "nt"), ("x.nq", "nquads"), ("x.trig", "trig"),
    ("x.jsonld", "jsonld"), ("x.owl", "owl"), ("x.rdf", "owl"), ("x.json", "obographs"), ("m.sssom.tsv", "sssom"),
])
def test_export_format_from_extension(name: str, fmt: str) -> None:
    assert export_format_for(name) == fmt


@pytest.mark.parametrize(("name", "fmt"), [("a.csv", "csv"), ("a.tsv", "tsv"), ("a.json", "json"),
                                           ("a.txt", "table"), ("a.ttl", "turtle")])
def test_result_format_from_extension(name: str, fmt: str) -> None:
    assert result_format_for(name) == fmt


def test_an_unknown_extension_lists_the_known_ones() -> None:
    with pytest.raises(FormatError, match=r"cannot tell the export format from the name 'x.csv'.*\.ttl"):
        export_format_for("x.csv")


@pytest.mark.parametrize(("suffix", "fmt", "unit"), [
    ("ttl", ox.RdfFormat.TURTLE, "triples"), ("nt", ox.RdfFormat.N_TRIPLES, "triples"),
    ("nq", ox.RdfFormat.N_QUADS, "quads"), ("owl", ox.RdfFormat.RDF_XML, "triples"),
])
def test_export_summary_counts_what_the_file_holds(b12kg: Invoke, tmp_path: Path, suffix: str,
                                                    fmt: ox.RdfFormat, unit: str) -> None:
    out = tmp_path / f"b12kg.{suffix}"
    res = b12kg("export", "-o", str(out))
    assert res.exit_code == 0, res.output
    n = len(list(ox.parse(path=str(out), format=fmt)))
    assert res.stderr.splitlines()[-1].startswith(f"wrote {n:,} {unit}")
    assert res.stderr.splitlines()[-1].endswith(f" to {out}")
    assert res.stdout == ""


def test_several_file_exports_and_obographs_say_what_they_wrote(b12kg: Invoke, tmp_path: Path) -> None:
    kgx = tmp_path / "kgx"
    res = b12kg("export", "-f", "kgx", "-o", str(kgx), "--quiet")
    assert res.exit_code == 0 and res.stderr == ""
    res = b12kg("export", "-f", "kgx", "-o", str(kgx))
    nodes = len((kgx / "nodes.tsv").read_text().splitlines()) - 1
    edges = len((kgx / "edges.tsv").read_text().splitlines()) - 1
    context = len((kgx / "context.jsonld").read_text().splitlines())
    assert res.stderr.splitlines()[-1] == (f"wrote {kgx}: context.jsonld ({context:,} lines), "
                                           f"edges.tsv ({edges:,} edges), nodes.tsv ({nodes:,} nodes)")
    obo = tmp_path / "b12kg.json"
    res = b12kg("export", "-o", str(obo))
    graph = json.loads(obo.read_text())["graphs"]
    n_nodes, n_edges = sum(len(g["nodes"]) for g in graph), sum(len(g["edges"]) for g in graph)
    assert res.stderr.splitlines()[-1] == f"wrote {n_nodes:,} nodes and {n_edges:,} edges to {obo}"


def test_export_to_a_folder_needs_a_format(b12kg: Invoke, tmp_path: Path) -> None:
    res = b12kg("export", "-o", str(tmp_path))
    assert res.exit_code == 2 and "give the format, -f kgx | kgx-jsonl | neo4j" in res.stderr


def test_export_without_options_writes_turtle(b12kg: Invoke) -> None:
    res = b12kg("export", "--quiet")
    assert res.exit_code == 0
    assert len(list(ox.parse(res.stdout.encode(), format=ox.RdfFormat.TURTLE))) > 5000


def test_progress_reports_only_slow_steps() -> None:
    out = io.StringIO()
    p = Progress(after=0.1, stream=out)
    p.step("quick")
    p.step("slow")
    time.sleep(0.5)
    p.step("quick again")
    p.done()
    time.sleep(0.2)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].endswith("] slow") and lines[0].startswith("[  0.")
    quiet = io.StringIO()
    q = Progress(after=0, stream=quiet, quiet=True)
    q.step("anything")
    time.sleep(0.1)
    q.done()
    assert quiet.getvalue() == ""


@pytest.mark.slow
def test_build_reports_progress_when_not_on_a_terminal(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**os.environ, **cli_env}
    run = subprocess.run([sys.executable, "-m", "b12kg", "build", "-o", str(tmp_path / "dist")], env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert lines and all(line.startswith("[") and "s] " in line for line in lines)
    assert any("HermiT" in line for line in lines)
    assert "\r" not in run.stderr
    quiet = subprocess.run([sys.executable, "-m", "b12kg", "build", "-o", str(tmp_path / "dist"), "--quiet"],
                           env=env, capture_output=True, text=True, timeout=600)
    assert quiet.returncode == 0 and quiet.stderr == ""
