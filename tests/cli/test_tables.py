"""Tables that fit the terminal: wrapping inside columns, the block layout when columns would be cramped,
labels with their CURIEs, control characters shown as escapes, and ``SELECT *`` in the order written."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from b12kg import KnowledgeGraph, QueryResult, Term
from b12kg.core.results import display_width, format_table, printable, wrap_text, written_variables

B = "https://w3id.org/b12kg/"
CLAIM = "B12 deficiency is the root cause of the first kind of spasm compared."


def test_a_table_that_fits_is_one_line_per_row() -> None:
    assert format_table(["food", "group"], [["trout", "fish"], ["clams", "shellfish"]], width=80) == (
        "food   group\n"
        "-----  ---------\n"
        "trout  fish\n"
        "clams  shellfish"
    )


def test_long_cells_wrap_inside_their_columns_with_a_blank_line_between_rows() -> None:
    rows = [["cause", CLAIM], ["effect", "Irregular nerve signals can produce full spasms."]]
    assert format_table(["kind", "claim"], rows, width=40) == (
        "kind    claim\n"
        "------  --------------------------------\n"
        "cause   B12 deficiency is the root cause\n"
        "        of the first kind of spasm\n"
        "        compared.\n"
        "\n"
        "effect  Irregular nerve signals can\n"
        "        produce full spasms."
    )


def test_cramped_columns_become_one_block_per_row() -> None:
    header = ["step", "cause", "effect", "claim"]
    rows = [["0", "vitamin B12 deficiency (b12kg:vitamin_b12_deficiency)", "demyelination (b12kg:demyelination)",
             CLAIM]]
    assert format_table(header, rows, width=60) == (
        "-[ 1 ]------------------------------------------------------\n"
        "step    0\n"
        "cause   vitamin B12 deficiency\n"
        "        (b12kg:vitamin_b12_deficiency)\n"
        "effect  demyelination (b12kg:demyelination)\n"
        "claim   B12 deficiency is the root cause of the first kind\n"
        "        of spasm compared."
    )


def test_columns_that_can_all_stay_readable_stay_a_table() -> None:
    """A narrow-but-readable column is shrunk (wrapping its words) before the table gives up on columns."""
    rows = [["involuntary muscle contraction (b12kg:involuntary_muscle_contraction)", "neuromuscular symptom",
             "involuntary muscle contraction"], ["fatigue (b12kg:fatigue)", "haematological symptom", "fatigue"]]
    out = format_table(["symptom", "kind", "label"], rows, width=80)
    assert out == (
        "symptom                                 kind            label\n"
        "--------------------------------------  --------------  ------------------\n"
        "involuntary muscle contraction          neuromuscular   involuntary muscle\n"
        "(b12kg:involuntary_muscle_contraction)  symptom         contraction\n"
        "\n"
        "fatigue (b12kg:fatigue)                 haematological  fatigue\n"
        "                                        symptom"
    )
    assert max(display_width(line) for line in out.splitlines()) <= 80


def test_without_a_width_nothing_wraps() -> None:
    out = format_table(["claim"], [[CLAIM * 3]])
    assert out.splitlines()[2] == CLAIM * 3


def test_a_word_wider_than_its_column_is_split_not_dropped() -> None:
    assert wrap_text("see b12kg:b12_deficiency_related_spasm now", 16) == [
        "see", "b12kg:b12_", "deficiency_", "related_spasm", "now"]
    assert wrap_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def _chars(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


@pytest.mark.parametrize("width", [20, 33, 47, 60, 80, 101, 140])
def test_no_character_of_any_answer_is_lost_at_any_width(kg: KnowledgeGraph, width: int) -> None:
    for name in ("spasm-mechanism-chain", "comparison-table", "treatment-by-cause", "symptom-locations"):
        result = kg.run(name)
        table = result.to_table(width=width)
        lines = table.splitlines()
        names = max(len(v) for v in result.variables)
        assert all(display_width(line) <= max(width, names + 2 + 20) for line in lines), name
        assert lines[-1] == f"({len(result)} rows)"
        body = [ln for ln in lines[:-1] if not re.fullmatch(r"[- ]*|-\[ \d+ \]-*", ln)]
        records = lines[0].startswith("-[ 1 ]")
        expected = _chars("".join(result.variables) * (len(result) if records else 1))
        expected += _chars("".join(c for row in result.values(labels=True, ids=True) for c in row))
        assert _chars("".join(body)) == expected, (name, width)


def test_labels_come_with_their_curies_and_ids_can_be_left_out(kg: KnowledgeGraph) -> None:
    r = kg.run("xref-hp-nervous-system-phenotypes")
    assert "Ataxia (HP:0001251)" in r.to_table()
    assert "ataxia (b12kg:ataxia)" in r.to_table()
    assert "HP:0001251" not in r.to_table(ids=False)
    assert "HP:0001251" in r.to_tsv()


def test_control_characters_are_escaped() -> None:
    assert printable("bell\x07 cr\r esc\x1b[31m tab\t nl\n del\x7f bidi\u202e") == (
        "bell\\a cr\\r esc\\e[31m tab\\t nl\\n del\\x7f bidi\\u202e")
    label = "evil\x07label\rover"
    r = QueryResult(["s"], [(Term.iri(B + "x"),)], labels={B + "x": label})
    table = r.to_table(width=80)
    assert "\x07" not in table and "\r" not in table
    assert "evil\\alabel\\rover (b12kg:x)" in table


def test_wide_characters_take_two_columns() -> None:
    assert display_width("痙攣") == 4
    assert format_table(["a", "b"], [["痙攣", "x"]]) == "a     b\n----  -\n痙攣  x"


@pytest.mark.parametrize(("query", "order"), [
    ("SELECT * WHERE { ?s ?p ?o }", ["s", "p", "o"]),
    ("select distinct * { ?zeta a ?alpha . BIND(1 AS ?mid) }", ["zeta", "alpha", "mid"]),
    ("PREFIX q: <http://x/?skip> # ?comment\nSELECT * { ?b ?a \"?str\" }", ["b", "a"]),
    ("SELECT ?o ?s { ?s ?p ?o }", None),
    ("ASK { ?s ?p ?o }", None),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", None),
])
def test_written_variables(query: str, order: list[str] | None) -> None:
    assert written_variables(query) == order


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_select_star_keeps_the_written_column_order(kg: KnowledgeGraph, backend: str) -> None:
    r = kg.query("SELECT * WHERE { ?subject b12kg:causes ?object . ?object rdfs:label ?a }",
                 backend=backend)  # type: ignore[arg-type]
    assert r.variables == ["subject", "object", "a"]
    row = dict(zip(r.variables, r.rows[0], strict=True))
    assert row["a"] is not None and row["a"].kind == "literal"
    assert row["subject"] is not None and row["subject"].kind == "iri"
