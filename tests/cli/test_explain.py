"""The ``explain``, ``path`` and ``diagram`` commands: outputs, files, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from b12kg.cli import cli
from b12kg.queries.reading import NOT_MEDICAL_ADVICE

HEAVY = ("rdflib", "owlready2", "pyshacl", "curies", "pydantic")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The commands use a cache folder of their own (compiled once for this module)."""
    folder = str(tmp_path_factory.mktemp("cache"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("B12KG_CACHE_DIR", folder)
        yield folder


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_explain_table(cache: str) -> None:
    r = invoke("explain", "-s", "muscle spasms", "-s", "numbness", "-s", "fatigue")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "Causes of muscle spasms ranked by how well the article's claims fit"
    ranking = lines[lines.index(next(x for x in lines if x.startswith("rank"))) + 1:][:4]
    assert [x.split()[0] for x in ranking] == ["1", "2=", "2=", "2="]
    assert "vitamin B12 deficiency" in ranking[0]
    assert NOT_MEDICAL_ADVICE in " ".join(r.output.split())


def test_explain_json_and_markdown_to_files(cache: str, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    r = invoke("explain", "-s", "spasms", "-s", "dehydration", "-c", "after strenuous exercise", "-f", "json",
               "-o", str(out))
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == f"wrote the differential (json) to {out}\n"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["causes"][0]["curie"] == "b12kg:dehydration"
    assert doc["observations"][2] == {"text": "after strenuous exercise", "role": "context",
                                      "iri": "https://w3id.org/b12kg/strenuous_exercise",
                                      "curie": "b12kg:strenuous_exercise", "label": "strenuous exercise"}
    md = invoke("explain", "-s", "HP:0003401", "-c", "vegan diet", "--format", "markdown")
    assert md.exit_code == 0 and md.output.startswith("# Causes of muscle spasms")
    assert "| 1 | vitamin B12 deficiency | 3 | 2 of 2 |  |" in md.output


def test_explain_errors_exit_2_with_one_line(cache: str) -> None:
    for args, message in ((["explain"], "no symptom given"),
                          (["explain", "-c", "vegan"], "no symptom given"),
                          (["explain", "-s", "numbnes"], "Did you mean: numbness"),
                          (["explain", "-s", "numbness", "-s", " "], "empty symptom")):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 2, (args, r.output)
        assert message in r.output and r.output.startswith("error: ") and r.output.count("\n") == 1


def test_path_formats(cache: str, tmp_path: Path) -> None:
    r = invoke("path", "vitamin B12 deficiency", "muscle spasm", "--max-length", "3")
    assert r.exit_code == 0
    assert r.output.startswith("5 chains of curated statements from vitamin B12 deficiency to muscle spasm")
    assert "   vitamin B12 deficiency --causes--> demyelination" in r.output
    j = invoke("path", "vegan diet", "numbness", "--via", "risk factor for", "--via", "has symptom", "-f", "json")
    doc = json.loads(j.output)
    assert [[s["predicate"]["curie"] for s in c["steps"]] for c in doc["chains"]] == [
        ["b12kg:riskFactorFor", "b12kg:hasSymptom"]]
    svg = tmp_path / "chain.svg"
    assert invoke("path", "vitamin B12", "myelin sheath", "-f", "svg", "-o", str(svg)).exit_code == 0
    root = ET.fromstring(svg.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    dot = invoke("path", "vitamin B12", "myelin sheath", "-f", "dot")
    assert dot.output.startswith('digraph "b12kg" {') and "required for" in dot.output
    none = invoke("path", "muscle spasm", "vitamin B12 deficiency")
    assert none.exit_code == 0 and none.output.startswith("No chain of curated statements leads from muscle spasm")


def test_path_errors(cache: str) -> None:
    for args, message in ((["path", "spasms", "no such thing at all"], "no concept is called"),
                          (["path", "spasms", "spasms"], "same concept"),
                          (["path", "spasms", "numbness", "--via", "cuases"], "Did you mean: causes"),
                          (["path", "spasms", "numbness", "--max-length", "0"], "0 is not in the range")):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 2 and message in r.output, (args, r.output)


def test_diagram_commands(cache: str, tmp_path: Path) -> None:
    target = tmp_path / "mechanism.svg"
    assert invoke("diagram", "mechanism", "-o", str(target)).exit_code == 0
    assert target.read_bytes() == (Path(__file__).resolve().parents[2] / "docs/img/mechanism.svg").read_bytes()
    gv = tmp_path / "neuropathy.gv"
    assert invoke("diagram", "concept", "nerve damage", "-o", str(gv)).exit_code == 0
    assert gv.read_text(encoding="utf-8").startswith('digraph "b12kg" {')
    svg = invoke("diagram", "concept", "HP:0003394")
    assert svg.output.startswith("<?xml") and "muscle spasm: what the article links to it" in svg.output
    for args, message in ((["diagram", "concept"], "needs the NAME"),
                          (["diagram", "schema", "extra"], "takes no NAME"),
                          (["diagram", "pictures"], "Invalid value for"),
                          (["diagram", "concept", "no such thing at all"], "no concept is called")):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 2 and message in r.output, (args, r.output)


def test_the_commands_import_nothing_heavy(cache: str) -> None:
    """Warm cache: explaining and drawing need neither rdflib nor the reasoner, SHACL or curies stacks."""
    env = {**os.environ, "B12KG_CACHE_DIR": cache}
    for args in (["explain", "-s", "spasms"], ["path", "spasms", "numbness"], ["diagram", "concept", "spasms"]):
        r = subprocess.run([sys.executable, "-X", "importtime", "-m", "b12kg", *args], env=env, capture_output=True,
                           text=True, timeout=300, check=False)
        assert r.returncode == 0, r.stderr
        imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        assert "b12kg.queries.curated" in imported
        assert sorted(m for m in imported if m.split(".")[0] in HEAVY) == [], args


def test_the_readme_example_is_real(cache: str) -> None:
    """The README's explain example is the start of the real output (the README cuts it at "…")."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split('$ b12kg explain -s "muscle spasms" -s numbness -s fatigue\n', 1)[1].split("\n…\n", 1)[0]
    r = invoke("explain", "-s", "muscle spasms", "-s", "numbness", "-s", "fatigue")
    assert len(block.splitlines()) > 15
    assert r.output.startswith(block + "\n")
    for snippet in ('-c "after strenuous\nexercise"` puts dehydration first (6 points)', "deficiency last (2)"):
        assert snippet in readme
    spasms = invoke("explain", "-s", "spasms", "-s", "dehydration", "-c", "after strenuous exercise", "-f", "json")
    assert [(c["label"], c["score"]) for c in json.loads(spasms.output)["causes"]] == [
        ("dehydration", 6), ("electrolyte imbalance", 5), ("muscle fatigue", 5), ("vitamin B12 deficiency", 2)]
