"""The public API and CLI basics: loading, errors, parameters, exports, atomic writes, stats."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import b12kg
from b12kg import FormatError, GraphParseError, KnowledgeGraph, QuerySyntaxError
from b12kg.cli import cli
from b12kg.core.files import atomic_write


def test_public_api_is_explicit() -> None:
    for name in b12kg.__all__:
        assert hasattr(b12kg, name)
    assert b12kg.__version__


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    with pytest.raises(GraphParseError) as info:
        _ = KnowledgeGraph.from_files([bad]).store
    assert info.value.path == str(bad)
    assert info.value.line == 3
    assert f"{bad}, line 3" in str(info.value)


def test_cli_reports_parse_error_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    res = CliRunner().invoke(cli, ["stats", "--graph", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}, line 2" in res.output


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_sparql_syntax_error_points_at_the_line(kg: KnowledgeGraph, backend: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        kg.query("SELECT ?s\nWHERE { ?s ?p }", backend=backend)  # type: ignore[arg-type]
    msg = str(info.value)
    assert "2 | WHERE { ?s ?p }" in msg and "^" in msg


def test_inline_parameters_bind_as_terms(kg: KnowledgeGraph) -> None:
    q = "SELECT ?l WHERE { ?s rdfs:label ?l }"
    assert kg.query(q, {"s": "b12kg:vitamin_b12"}).column("l") == ["vitamin B12"]
    # a hostile string is only a value: it matches nothing and changes nothing
    before = kg.stats()["triples"]
    assert len(kg.query(q, {"l": 'x" } DROP ALL #'})) == 0
    assert kg.stats()["triples"] == before


def test_both_engines_agree_on_counts(kg: KnowledgeGraph) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a owl:NamedIndividual }"
    ox = kg.query(q, backend="oxigraph").column("n")
    rl = kg.query(q, backend="rdflib").column("n")
    assert ox == rl
    assert int(ox[0]) == kg.stats()["individuals"]


def test_labels_in_tables_curies_in_tsv(kg: KnowledgeGraph) -> None:
    r = kg.query("SELECT ?s WHERE { VALUES ?s { b12kg:muscle_spasm } }")
    assert r.to_tsv() == "s\nb12kg:muscle_spasm\n"
    assert "muscle spasm" in r.to_table()


def test_export_uses_project_prefixes(kg: KnowledgeGraph) -> None:
    ttl = kg.serialize("turtle").decode()
    assert "@prefix b12kg: <https://w3id.org/b12kg/> ." in ttl
    assert "ns1:" not in ttl


def test_unknown_export_format_lists_choices(kg: KnowledgeGraph) -> None:
    with pytest.raises(FormatError) as info:
        kg.serialize("turtel")
    assert "'turtle'" in str(info.value) and "Choose one of" in str(info.value)
    res = CliRunner().invoke(cli, ["export", "--format", "nope"])
    assert res.exit_code == 2 and "unknown export format" in res.output


def test_export_writes_atomically(tmp_path: Path, kg: KnowledgeGraph) -> None:
    out = tmp_path / "g.nt"
    kg.export("nt", out)
    # every asserted triple, except that the import modules' headers are folded into the one ontology
    # header (their triples replaced by one dcterms:source line per module source on it)
    r = kg.query("SELECT (COUNT(*) AS ?n) (SUM(IF(?p = dcterms:source, 1, 0)) AS ?s) WHERE { "
                 "?m a owl:Ontology ; ?p ?o FILTER(?m != <https://w3id.org/b12kg/ontology>) }")
    folded, sources = (int(v) for v in r.to_dicts()[0].values())
    assert out.read_text().count("\n") == kg.stats()["triples"] - folded + sources
    assert [p.name for p in tmp_path.iterdir()] == ["g.nt"]


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")


    with pytest.raises(TypeError):
        atomic_write(target, object())  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_cli_help_and_version() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0 and "Examples:" in res.output and "Not medical advice" in res.output
    res = runner.invoke(cli, ["--version"])
    assert res.exit_code == 0 and b12kg.__version__ in res.output


def test_cli_query_needs_exactly_one_source() -> None:
    res = CliRunner().invoke(cli, ["query"])
    assert res.exit_code == 2


def test_stats_counts(kg: KnowledgeGraph) -> None:
    s = kg.stats()
    assert s["individuals"] >= 150
    assert s["curated_edges"] >= 250
    assert s["provenance_records"] >= s["curated_edges"]
