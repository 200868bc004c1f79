"""``b12kg show`` and ``b12kg search``: one concept with its evidence, and concepts found by words."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest
from click.testing import Result

from b12kg import KnowledgeGraph
from b12kg.queries.concepts import describe

Invoke = Callable[..., Result]
B = "https://w3id.org/b12kg/"

TROUT = """\
trout (b12kg:trout)
  individual; https://w3id.org/b12kg/trout

A fish eaten as food.

types  food (b12kg:Food)

External IDs (1)
  skos:broadMatch  fish food product (FOODON:00001248)

Statements (3), each with its source section and claim
  trout has food origin animal tissue (b12kg:animal_tissue_origin)
    [section 6: Natural Sources of Vitamin B12 in Your Diet] B12 is found almost
    only in foods of animal origin, this one among them.
  trout in food group fish (b12kg:fish)
    [section 6: Natural Sources of Vitamin B12 in Your Diet] The article lists
    trout among fish.
  trout source of vitamin B12 (b12kg:vitamin_b12)
    [section 6: Natural Sources of Vitamin B12 in Your Diet] Trout is named as a
    B12 source, and fish rank as excellent B12 sources.

Not medical advice: b12kg only records what one popular-science article says.
Ask a healthcare professional.
"""


def test_show_golden_text(b12kg: Invoke) -> None:
    res = b12kg("show", "trout")
    assert res.exit_code == 0, res.output
    assert res.stdout == TROUT


@pytest.mark.parametrize("name", ["muscle spasm", "Muscle Spasms", "spasm", "b12kg:muscle_spasm", B + "muscle_spasm",
                                  "HP:0003394"])
def test_show_finds_a_concept_by_any_name(b12kg: Invoke, name: str) -> None:
    res = b12kg("show", name)
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("muscle spasm (b12kg:muscle_spasm)\n")


def test_show_lists_every_edge_with_its_evidence_on_80_columns(
        b12kg: Invoke, kg: KnowledgeGraph, too_wide: Callable[[str], Sequence[str]]) -> None:
    from b12kg.queries.run import executor

    for name in ("vitamin_b12", "muscle_spasm", "fatigue", "Food"):
        c = describe(executor(kg.dataset, "oxigraph"), B + name)
        out = b12kg("show", f"b12kg:{name}").stdout
        assert too_wide(out) == [], name
        flat = " ".join(out.split())
        for e in c.edges:
            assert " ".join(f"[{e.section_label}] {e.claim}".split()) in flat, (name, e)
            assert e.other_curie in flat
        for x in c.external_ids:
            assert f"{x.predicate_curie} " in out and x.curie in flat
        for cell in c.table_cells:
            assert " ".join(cell.summary.split()) in flat
        assert flat.endswith("Ask a healthcare professional.")


def test_show_marks_negated_claims(b12kg: Invoke) -> None:
    out = b12kg("show", "vitamin B12").stdout
    negated = out.split("Negated claims (1)\n", 1)[1]
    assert negated.startswith("  vitamin B12 NOT synthesized by plants (b12kg:plants)\n    [section 6:")


def test_show_json_and_markdown(b12kg: Invoke) -> None:
    data = json.loads(b12kg("show", "HP:0003394", "--format", "json").stdout)
    assert data["curie"] == "b12kg:muscle_spasm"
    assert {"predicate_curie": "skos:exactMatch", "curie": "HP:0003394"}.items() <= data["external_ids"][0].items()
    assert data["notice"].startswith("Not medical advice")
    md = b12kg("show", "trout", "--format", "markdown").stdout
    assert md.startswith("# trout (`b12kg:trout`)\n")
    assert "| `skos:broadMatch` | `FOODON:00001248` | fish food product |" in md
    assert md.rstrip().endswith("Ask a healthcare professional.")


def test_show_an_unknown_concept(b12kg: Invoke) -> None:
    res = b12kg("show", "spasmz")
    assert res.exit_code == 2
    assert res.stderr.startswith("error: no concept is called 'spasmz'. Did you mean: muscle spasm, ")
    assert res.stderr.endswith("? ('b12kg search TEXT' finds concepts by words)\n")
    assert len(res.stderr.splitlines()) == 1


def test_search_ranks_and_forgives(b12kg: Invoke) -> None:
    res = b12kg("search", "pins", "and", "needles")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0] == '1. paraesthesia (b12kg:paraesthesia) (synonym: "pins and needles")'
    assert "See one with: b12kg show b12kg:paraesthesia" in res.stdout
    assert "Not medical advice" in res.stdout
    plural = b12kg("search", "spasms", "-f", "tsv").stdout.splitlines()
    assert plural[0] == "curie\tlabel\tfield\ttext\tscore"
    assert plural[1].startswith("b12kg:muscle_spasm\tmuscle spasm\tsynonym\tspasm\t")
    typo = json.loads(b12kg("search", "homocystein", "-f", "json", "-n", "2").stdout)
    assert typo["hits"][0]["curie"] == "b12kg:homocysteine" and len(typo["hits"]) == 2


def test_search_without_hits_exits_1(b12kg: Invoke) -> None:
    res = b12kg("search", "zzzz", "qqqq")
    assert res.exit_code == 1
    assert res.stdout.startswith("no concept matches 'zzzz qqqq'; try fewer or other words\n")
