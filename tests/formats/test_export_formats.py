"""The export registry: every format is reachable from the API and the CLI and writes what it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.cli import cli
from b12kg.core.errors import FormatError
from b12kg.formats.registry import EXPORT_FORMATS, get_export_format
from b12kg.store.sources import Source

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"
SINGLE = {"turtle", "nt", "nquads", "trig", "jsonld", "owl", "obographs", "obo", "sssom"}
SEVERAL = {
    "kgx": ["context.jsonld", "edges.tsv", "nodes.tsv"],
    "kgx-jsonl": ["context.jsonld", "edges.jsonl", "nodes.jsonl"],
    "neo4j": ["edges.csv", "nodes.csv", "queries.cypher"],
}


def test_registry_has_every_format() -> None:
    assert set(EXPORT_FORMATS) == SINGLE | set(SEVERAL)
    assert get_export_format("ttl").name == "turtle" and get_export_format("nq").name == "nquads"
    with pytest.raises(FormatError, match="Did you mean 'trig'"):
        get_export_format("trg")


@pytest.mark.parametrize("name", sorted(SINGLE - {"sssom"}))
def test_single_file_formats_write_through_the_api(name: str, tmp_path: Path) -> None:
    kg = KnowledgeGraph([Source(MINI, "data")])
    path = kg.export(name, tmp_path / f"out.{EXPORT_FORMATS[name].extension}")
    assert path.read_bytes() == kg.serialize(name) and b"deficiency" in path.read_bytes()
    written = EXPORT_FORMATS[name].write_dir(kg, tmp_path / "dir")
    assert [p.name for p in written] == [f"b12kg.{EXPORT_FORMATS[name].extension}"]


@pytest.mark.parametrize(("name", "names"), sorted(SEVERAL.items()))
def test_multi_file_formats_need_a_directory(name: str, names: list[str], tmp_path: Path) -> None:
    kg = KnowledgeGraph([Source(MINI, "data")])
    with pytest.raises(FormatError, match="several files"):
        kg.serialize(name)
    written = EXPORT_FORMATS[name].write_dir(kg, tmp_path)
    assert [p.name for p in written] == names
    r = CliRunner().invoke(cli, ["export", "-f", name, "-o", str(tmp_path / "cli"), "--graph", str(MINI)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == names


def test_sssom_is_the_mapping_set() -> None:
    kg = KnowledgeGraph.bundled()
    [src] = [s.path for s in kg.sources if s.path.name.endswith(".sssom.tsv")]
    assert get_export_format("sssom").write(kg) == src.read_bytes()
    with pytest.raises(FormatError, match="exactly one SSSOM mapping set"):
        get_export_format("sssom").write(KnowledgeGraph([Source(MINI, "data")]))
