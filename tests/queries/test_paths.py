"""Chains of curated statements between two concepts (``b12kg path``), and the causal order of the mechanism
queries (``spasm-mechanism-chain`` numbers its steps without gaps; ``causal-path`` lists causes first)."""

from __future__ import annotations

import json

import pytest

from b12kg import KnowledgeGraph, ParameterError
from b12kg.queries.curated import CuratedGraph, b12kg
from b12kg.queries.paths import MAX_LENGTH, ChainResult, find_chains
from b12kg.queries.reading import NOT_MEDICAL_ADVICE

B12 = b12kg("vitamin_b12_deficiency")
SPASM = b12kg("muscle_spasm")


@pytest.fixture(scope="module")
def graph(kg: KnowledgeGraph) -> CuratedGraph:
    return kg.curated()


def check_chains(r: ChainResult) -> None:
    """Every chain runs from the source to the target along curated statements, visiting no concept twice,
    shortest first, each step with its evidence."""
    lengths = [len(c) for c in r.chains]
    assert lengths == sorted(lengths) and all(1 <= n <= r.max_length for n in lengths)
    for chain in r.chains:
        assert chain.nodes[0] == r.source and chain.nodes[-1] == r.target
        assert len(set(chain.nodes)) == len(chain.nodes)
        for a, b in zip(chain.steps, chain.steps[1:], strict=False):
            assert a.object == b.subject
        for s in chain.steps:
            assert not s.negated and s.evidence and all(e.claim and 1 <= e.section_number <= 7 for e in s.evidence)
            assert r.graph.statement(s.subject, s.predicate, s.object) == s


def test_deficiency_to_spasm(graph: CuratedGraph) -> None:
    r = find_chains(graph, B12, SPASM, limit=None)
    check_chains(r)
    assert r.total == len(r.chains) >= 5
    first = [(s.predicate, s.object) for s in r.chains[0].steps]
    assert len(r.chains[0]) == 1 and first[0][1] == SPASM
    nodes = {c.nodes for c in r.chains}
    assert (B12, b12kg("demyelination"), b12kg("disrupted_nerve_signalling"), SPASM) in nodes
    assert (B12, b12kg("neuropathy"), b12kg("erratic_nerve_signals"), SPASM) in nodes


def test_via_restricts_the_properties(graph: CuratedGraph) -> None:
    r = find_chains(graph, B12, b12kg("numbness"), via=["causes"])
    check_chains(r)
    assert {s.predicate for c in r.chains for s in c.steps} == {b12kg("causes")}
    assert [c.nodes for c in r.chains] == [
        (B12, b12kg("neuropathy"), b12kg("numbness")),
        (B12, b12kg("demyelination"), b12kg("disrupted_nerve_signalling"), b12kg("numbness")),
        (B12, b12kg("elevated_homocysteine"), b12kg("homocysteine_neurotoxicity"), b12kg("neuropathy"),
         b12kg("numbness"))]
    by_label = find_chains(graph, B12, b12kg("numbness"), via=["b12kg:causes", "causes"])
    assert [c.nodes for c in by_label.chains] == [c.nodes for c in r.chains]


def test_limit_and_max_length(graph: CuratedGraph) -> None:
    every = find_chains(graph, b12kg("vegan_diet"), b12kg("numbness"), limit=None)
    some = find_chains(graph, b12kg("vegan_diet"), b12kg("numbness"), limit=2)
    assert some.total == every.total > 2 and some.chains == every.chains[:2]
    short = find_chains(graph, b12kg("vegan_diet"), b12kg("numbness"), max_length=2)
    assert [len(c) for c in short.chains] == [2] * len(short.chains) and short.total >= 1
    assert short.chains[0].steps[0].predicate == b12kg("riskFactorFor")


def test_the_articles_denials_are_never_followed(graph: CuratedGraph) -> None:
    r = find_chains(graph, b12kg("neuropathy"), b12kg("other_cause_spasm"), max_length=MAX_LENGTH)
    assert r.total == 0  # the only statement between them is the article's denial


def test_no_chain_says_so_and_points_the_other_way(graph: CuratedGraph) -> None:
    r = find_chains(graph, SPASM, B12)
    assert r.total == 0 and r.reverse > 0
    assert "No chain" in r.summary() and "swap the two" in r.summary()
    assert json.loads(r.to_json())["chains_the_other_way"] == r.reverse
    none = find_chains(graph, b12kg("rest"), b12kg("tongue"))
    assert none.total == 0 and none.reverse == 0 and "swap" not in none.summary()


def test_bad_bounds_and_properties(graph: CuratedGraph) -> None:
    for bad in (0, MAX_LENGTH + 1):
        with pytest.raises(ParameterError, match="maximum length"):
            find_chains(graph, B12, SPASM, max_length=bad)
    with pytest.raises(ParameterError, match="at least 1"):
        find_chains(graph, B12, SPASM, limit=0)
    with pytest.raises(ParameterError, match="same concept"):
        find_chains(graph, B12, "b12kg:vitamin_b12_deficiency")
    with pytest.raises(ParameterError, match="Did you mean: causes"):
        find_chains(graph, B12, SPASM, via=["cuases"])


def test_names_through_the_facade(kg: KnowledgeGraph) -> None:
    r = kg.chains("vitamin B12 deficiency", "HP:0003394", max_length=2)
    assert r.source == B12 and r.target == SPASM and r.total == 3


def test_outputs(graph: CuratedGraph) -> None:
    r = find_chains(graph, b12kg("vitamin_b12"), b12kg("myelin_sheath"))
    check_chains(r)
    text = r.to_table()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "vitamin B12 --required for--> myelin production and maintenance" in text
    assert " ".join(text.split()).endswith(NOT_MEDICAL_ADVICE)
    doc = json.loads(r.to_json())
    assert doc["source"]["curie"] == "b12kg:vitamin_b12" and doc["disclaimer"] == NOT_MEDICAL_ADVICE
    steps = doc["chains"][0]["steps"]
    assert [s["predicate"]["curie"] for s in steps] == ["b12kg:requiredFor", "b12kg:hasOutput"]
    assert all(e["section"] == "b12kg:section_1_role_in_nerve_function" for s in steps for e in s["evidence"])


# -- the mechanism queries in causal order -------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_mechanism_chain_steps_run_without_gaps_in_causal_order(kg: KnowledgeGraph, backend: str) -> None:
    rows = kg.run("spasm-mechanism-chain", backend=backend).to_dicts()  # type: ignore[arg-type]
    steps = [int(r["step"]) for r in rows]
    assert steps == sorted(steps) and sorted(set(steps)) == list(range(max(steps) + 1))
    step_of = {r["cause"]: int(r["step"]) for r in rows}
    assert step_of["b12kg:vitamin_b12_deficiency"] == 0
    for r in rows:  # an effect that is itself a cause on the chain comes later than every cause of it
        if r["effect"] in step_of:
            assert step_of[r["effect"]] > step_of[r["cause"]], r


@pytest.mark.parametrize("params", [{}, {"source": "vitamin B12 deficiency", "target": "muscle spasm"},
                                    {"source": "pernicious anaemia", "target": "paraesthesia"}])
def test_causal_path_rows_are_in_causal_order(kg: KnowledgeGraph, params: dict[str, str]) -> None:
    rows = kg.run("causal-path", params).to_dicts()
    assert len(rows) >= 3
    for i, r in enumerate(rows):  # no cause appears as the effect of a later row
        assert all(later["effect"] != r["cause"] for later in rows[i + 1:]), (i, r)
    if params.get("target") == "muscle spasm":  # (the default parameters are compared in test_named_queries)
        assert kg.run("causal-path", params, backend="rdflib").to_dicts() == rows
