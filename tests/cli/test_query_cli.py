"""``b12kg query``: readable tables on 80 columns, the format taken from ``-o``'s extension, a summary after
every write, refusing to overwrite an input, and the errors a new user meets first."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result

from b12kg import KnowledgeGraph

Invoke = Callable[..., Result]

VEGAN = """\
-[ 1 ]--------------------------------------------------------------------------
food    fortified breakfast cereal (b12kg:fortified_breakfast_cereal)
group   fortified foods (b12kg:fortified_foods)
origin  non-animal origin (b12kg:non_animal_origin)
-[ 2 ]--------------------------------------------------------------------------
food    fortified plant-based milk (b12kg:fortified_plant_milk)
group   fortified foods (b12kg:fortified_foods)
origin  non-animal origin (b12kg:non_animal_origin)
-[ 3 ]--------------------------------------------------------------------------
food    nutritional yeast (b12kg:nutritional_yeast)
group   fortified foods (b12kg:fortified_foods)
origin  non-animal origin (b12kg:non_animal_origin)
(3 rows)
Not medical advice: b12kg only records what one popular-science article says.
Ask a healthcare professional.
"""


def test_a_wide_answer_is_shown_as_blocks_on_80_columns(b12kg: Invoke) -> None:
    res = b12kg("query", "vegan-sources")
    assert res.exit_code == 0, res.output
    assert res.stdout == VEGAN
    assert res.stderr == ""


def test_labels_only_fit_as_columns(b12kg: Invoke) -> None:
    res = b12kg("query", "vegan-sources", "--no-ids")
    assert res.stdout == (
        "food                        group            origin\n"
        "--------------------------  ---------------  -----------------\n"
        "fortified breakfast cereal  fortified foods  non-animal origin\n"
        "fortified plant-based milk  fortified foods  non-animal origin\n"
        "nutritional yeast           fortified foods  non-animal origin\n"
        "(3 rows)\n"
        "Not medical advice: b12kg only records what one popular-science article says.\n"
        "Ask a healthcare professional.\n"
    )


def test_width_and_no_wrap(b12kg: Invoke) -> None:
    wide = b12kg("query", "vegan-sources", "--width", "200").stdout.splitlines()
    assert wide[0].split() == ["food", "group", "origin"]
    assert wide[2].startswith("fortified breakfast cereal (b12kg:fortified_breakfast_cereal)  fortified foods")
    long = b12kg("query", "spasm-mechanism-chain", "--no-wrap").stdout.splitlines()
    assert long[0].split() == ["step", "cause", "effect", "heading", "claim"]
    # header, rule, one line per row, the row count and the notice on one unwrapped line
    assert len(long) == len(b12kg("query", "spasm-mechanism-chain", "-f", "tsv").stdout.splitlines()) + 3
    assert long[-1].startswith("Not medical advice:")


@pytest.mark.parametrize("name", ["spasm-mechanism-chain", "comparison-table", "about-concept", "food-sources",
                                  "xref-concept-ids", "treatment-by-cause"])
def test_every_line_fits_80_columns(b12kg: Invoke, too_wide: Callable[[str], Sequence[str]], name: str) -> None:
    res = b12kg("query", name)
    assert res.exit_code == 0, res.output
    assert too_wide(res.stdout) == []


def test_the_ids_users_came_for_are_in_the_table(b12kg: Invoke) -> None:
    out = b12kg("query", "xref-hp-nervous-system-phenotypes").stdout
    assert "hp        Ataxia (HP:0001251)" in out
    assert "concept   ataxia (b12kg:ataxia)" in out


def test_query_without_arguments_points_to_the_list(b12kg: Invoke) -> None:
    res = b12kg("query")
    assert res.exit_code == 2
    assert "give a query NAME ('b12kg queries' lists them), a .rq FILE, or -e 'SPARQL TEXT'" in res.stderr


def test_an_unknown_curie_is_an_error_that_names_it_and_suggests(b12kg: Invoke) -> None:
    res = b12kg("query", "about-concept", "-p", "concept=b12kg:muscle_spasms")
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("error: no concept is called 'b12kg:muscle_spasms' (the graph has no term "
                                 "with this IRI). Did you mean: b12kg:muscle_spasm")
    assert len(res.stderr.splitlines()) == 1
    other = b12kg("query", "about-concept", "-p", "concept=HP:9999999")
    assert other.exit_code == 2 and "'HP:9999999' (the graph has no term with this IRI)" in other.stderr


def test_plural_labels_and_external_ids_name_concepts(b12kg: Invoke) -> None:
    plural = b12kg("query", "about-concept", "-p", "concept=muscle spasms", "-f", "tsv").stdout.splitlines()
    assert plural[1] == "label\trdfs:label\tmuscle spasm\t\t"
    assert "external ID\tskos:exactMatch\tHP:0003394\t\t" in plural
    hp = b12kg("query", "about-concept", "-p", "concept=HP:0003394", "-f", "tsv").stdout.splitlines()
    assert "mapped from\tskos:exactMatch\tb12kg:muscle_spasm\t\t" in hp
    assert "label\trdfs:label\tMuscle spasm\t\t" in hp


def test_format_from_the_extension_and_a_summary_on_stderr(b12kg: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "vegan.csv"
    res = b12kg("query", "vegan-sources", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert res.stderr == f"wrote 3 rows to {out}\n"
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["food", "group", "origin"] and rows[1][0] == "b12kg:fortified_breakfast_cereal"
    js = tmp_path / "vegan.json"
    b12kg("query", "vegan-sources", "-o", str(js))
    assert json.loads(js.read_text())["variables"] == ["food", "group", "origin"]
    quiet = b12kg("query", "vegan-sources", "-o", str(tmp_path / "v.tsv"), "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert (tmp_path / "v.tsv").read_text().startswith("food\tgroup\torigin\n")


def test_construct_answers_are_written_as_rdf(b12kg: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "causes.ttl"
    res = b12kg("query", "-e", "CONSTRUCT WHERE { ?s b12kg:causes ?o }", "-o", str(out))
    assert res.exit_code == 0, res.output
    n = int(res.stderr.split()[1])
    assert res.stderr == f"wrote {n} triples to {out}\n" and n > 20
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))
    assert len(triples) == n
    assert out.read_text().startswith("@prefix")
    select = b12kg("query", "vegan-sources", "-o", str(tmp_path / "x.ttl"))
    assert select.exit_code == 2 and "a SELECT or ASK answer is a table" in select.stderr
    assert not (tmp_path / "x.ttl").exists()


def test_an_unknown_extension_asks_for_a_format(b12kg: Invoke, tmp_path: Path) -> None:
    res = b12kg("query", "vegan-sources", "-o", str(tmp_path / "answers.dat"))
    assert res.exit_code == 2
    assert "cannot tell the result format from the name" in res.stderr and ".csv" in res.stderr
    assert not (tmp_path / "answers.dat").exists()


def test_control_characters_in_labels_do_not_reach_the_terminal(b12kg: Invoke, tmp_path: Path) -> None:
    extra = tmp_path / "evil.ttl"
    extra.write_text('@prefix b12kg: <https://w3id.org/b12kg/> .\n'
                     '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     'b12kg:evil rdfs:label "bell\\u0007 and\\rCR and \\u001b[2J" .\n', encoding="utf-8")
    res = b12kg("query", "-e", "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(?s = b12kg:evil) }", "--add", str(extra))
    assert res.exit_code == 0, res.output
    assert not any(c in res.stdout for c in "\x07\r\x1b")
    assert "bell\\a and\\rCR and \\e[2J" in res.stdout


def test_writing_onto_an_input_file_is_refused(b12kg: Invoke, tmp_path: Path) -> None:
    same = tmp_path / "same.ttl"
    same.write_text("<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" .\n")
    before = same.read_bytes()
    for args in (["export", "-o", str(same), "--add", str(same)],
                 ["export", "-o", str(same), "--graph", str(same)],
                 ["query", "vegan-sources", "-f", "csv", "-o", str(same), "--add", str(same)],
                 ["qc", "-o", str(same), "--add", str(same)],
                 ["validate", "-o", str(same), "--add", str(same)],
                 ["reason", "--owlrl", "-o", str(same), "--add", str(same)]):
        res = b12kg(*args)
        assert res.exit_code == 2, (args, res.output)
        assert res.stderr == (f"error: refusing to overwrite {same}: this command reads it; "
                              "write the output to another file\n"), args
        assert same.read_bytes() == before


def test_the_bundled_files_are_never_overwritten(b12kg: Invoke) -> None:
    from b12kg.core.resources import data_files

    target = data_files()[0]
    before = target.read_bytes()
    res = b12kg("export", "-o", str(target))
    assert res.exit_code == 2 and "refusing to overwrite" in res.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_about_an_external_term_lists_the_concepts_mapped_to_it(kg: KnowledgeGraph, backend: str) -> None:
    r = kg.run("about-concept", {"concept": "HP:0003394"}, backend=backend)
    mapped = {(row["property"].value, row["value"].value) for row in r
              if row["direction"] is not None and row["direction"].value == "mapped from"
              and row["property"] is not None and row["value"] is not None}
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert (skos + "exactMatch", "https://w3id.org/b12kg/muscle_spasm") in mapped
    assert (skos + "broadMatch", "https://w3id.org/b12kg/b12_deficiency_related_spasm") in mapped


def _both(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[tuple[int | None, str, str], ...]:
    """``args`` through the click-free path and through the click group: (exit code, stdout, stderr) each."""
    from b12kg.cli import app
    from b12kg.cli.fast import run_fast

    out = []
    for runner in (run_fast, app.run):
        code = runner(args)
        captured = capsys.readouterr()
        out.append((code, captured.out, captured.err))
    return tuple(out)


def test_the_fast_path_prints_what_the_group_prints(kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``b12kg query NAME [-p NAME=VALUE]`` without click gives the group's bytes, exit codes and errors."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("B12KG_ENDPOINT", raising=False)
    lines = [["query", name] for name in kg.catalog.names()] + [
        ["query", "about-concept", "-p", "concept=Muscle Spasm", "--format", "table"],
        ["query", "about-concept", "--param", "concept=spasms"],
        ["query", "about-concept", "-p", "concept=no such thing"],  # an error: same message, exit 2
        ["query", "about-concept", "-p", "colour=blue"],
        ["query", "no-such-query"],
    ]
    for args in lines:
        fast, group = _both(args, capsys)
        assert fast == group, args
        assert fast[0] in (0, 2) and (fast[1] if fast[0] == 0 else fast[2]), args


@pytest.mark.parametrize("args", [
    ["query", "symptoms-by-kind", "--width", "100"], ["query", "symptoms-by-kind", "-f", "csv"],
    ["query", "--help"], ["query", "about-concept", "-p"], ["query", "about-concept", "-p", "concept"],
    ["query", "-e", "ASK {}"], ["query", "queries/vegan-sources.rq"], ["--debug", "query", "symptoms-by-kind"],
    ["queries"], ["query"],
])
def test_other_command_lines_go_through_the_group(args: list[str]) -> None:
    from b12kg.cli.fast import parse

    assert parse(args) is None


def test_the_fast_path_leaves_an_endpoint_to_the_group(monkeypatch: pytest.MonkeyPatch) -> None:
    from b12kg.cli.fast import parse

    assert parse(["query", "symptoms-by-kind"]) == ("symptoms-by-kind", {})
    monkeypatch.setenv("B12KG_ENDPOINT", "http://127.0.0.1:1/query")
    assert parse(["query", "symptoms-by-kind"]) is None
