"""The symptom differential (``b12kg explain``): rankings that follow from the article's claims, the evidence
behind every step, the scoring rule on a hand-made graph, bad input, and the three output formats.

The rankings are checked on the bundled graph and again after the content corrections of the release
(statements moved or removed), so they rest on what the article says, not on one version of the data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from b12kg import ConceptNotFoundError, KnowledgeGraph, ParameterError
from b12kg.queries.curated import CuratedGraph, Evidence, Statement, b12kg
from b12kg.queries.differential import (
    POINTS,
    CauseRanking,
    Differential,
    Observation,
    candidate_causes,
    observe,
    rank_causes,
)
from b12kg.queries.reading import NOT_MEDICAL_ADVICE
from b12kg.queries.run import executor

B12 = b12kg("vitamin_b12_deficiency")
OTHERS = {b12kg("dehydration"), b12kg("muscle_fatigue"), b12kg("electrolyte_imbalance")}


@pytest.fixture(scope="module")
def graph(kg: KnowledgeGraph) -> CuratedGraph:
    return kg.curated()


def ranked(d: Differential) -> list[tuple[str, int]]:
    return [(c.curie, c.score) for c in d.causes]


def cause(d: Differential, iri: str) -> CauseRanking:
    return next(c for c in d.causes if c.iri == iri)


def corrected(g: CuratedGraph) -> CuratedGraph:
    """The graph as the release's content corrections leave it: accompanying symptoms of spasms in general
    moved to the B12-related spasm, the raised markers no longer 'accompany' it, the other causes' and the
    surgical status's treatment statements gone."""
    moved = {b12kg("fatigue"), b12kg("numbness"), b12kg("paraesthesia")}
    keep = []
    added = []
    for s in g.statements:
        if s.subject == b12kg("muscle_spasm") and s.predicate == b12kg("accompaniedBy"):
            if s.object in moved:
                added.append(replace(s, subject=b12kg("b12_deficiency_related_spasm")))
            continue
        if s.predicate == b12kg("accompaniedBy") and s.object in (b12kg("elevated_homocysteine"),
                                                                   b12kg("elevated_mma")):
            continue
        if s.predicate == b12kg("resolvedBy") and s.subject in OTHERS:
            continue
        if s.subject == b12kg("post_gastric_surgery") and s.predicate == b12kg("treatedBy"):
            continue
        keep.append(s)
    merged: dict[tuple[str, str, str, bool], Statement] = {s.key: s for s in keep}
    for s in added:
        old = merged.get(s.key)
        merged[s.key] = s if old is None else replace(old, evidence=tuple(sorted({*old.evidence, *s.evidence})))
    return CuratedGraph(tuple(sorted(merged.values(), key=lambda s: s.key)), g.names, g.types, g.superclasses,
                        g.sections, g.cells)


@pytest.fixture(scope="module", params=["bundled", "corrected"])
def graphs(request: pytest.FixtureRequest, graph: CuratedGraph) -> CuratedGraph:
    return graph if request.param == "bundled" else corrected(graph)


def explain(kg: KnowledgeGraph, g: CuratedGraph, symptoms: Sequence[str], context: Sequence[str] = ()) -> Differential:
    run = executor(kg.dataset, "oxigraph")
    return rank_causes(g, observe(run, symptoms, context))


# -- the causes come from the graph ---------------------------------------------------------------------------

def test_the_causes_are_the_conditions_that_cause_a_form_of_spasm(graph: CuratedGraph) -> None:
    causes = candidate_causes(graph)
    assert set(causes) == {B12} | OTHERS
    for iri, statements in causes.items():
        assert all(s.subject == iri and s.predicate == b12kg("causes") for s in statements)
        assert all(e.section_number == 4 or e.section_number == 7 for s in statements for e in s.evidence)


# -- the symptom sets -----------------------------------------------------------------------------------

def test_spasms_numbness_and_fatigue_put_the_deficiency_first(kg: KnowledgeGraph, graphs: CuratedGraph) -> None:
    d = explain(kg, graphs, ["muscle spasms", "numbness", "fatigue"])
    top = d.causes[0]
    assert top.iri == B12 and not top.tied
    assert top.score == 3 * POINTS["finding"] and top.explained == d.observations
    assert all(c.score < top.score for c in d.causes[1:])
    # the other causes explain the spasms only, and the article gives nothing to rank them apart
    for c in d.causes[1:]:
        assert c.iri in OTHERS and c.rank == 2 and c.tied
        assert [o.label for o in c.unexplained] == ["numbness", "fatigue"]
    numbness = top.matched[b12kg("numbness")]
    relations = {link.relation for link in numbness}
    assert {"symptom", "accompanies its spasms", "consequence"} <= relations
    chain = next(link for link in numbness if link.relation == "consequence")
    assert [s.object for s in chain.steps] == [b12kg("neuropathy"), b12kg("numbness")]


def test_spasms_after_exercise_with_dehydration_put_another_cause_first(kg: KnowledgeGraph,
                                                                         graphs: CuratedGraph) -> None:
    d = explain(kg, graphs, ["spasms", "dehydration"], ["after strenuous exercise"])
    assert [o.curie for o in d.observations] == ["b12kg:muscle_spasm", "b12kg:dehydration",
                                                 "b12kg:strenuous_exercise"]
    assert ranked(d) == [("b12kg:dehydration", 6), ("b12kg:electrolyte_imbalance", 5),
                         ("b12kg:muscle_fatigue", 5), ("b12kg:vitamin_b12_deficiency", 2)]
    first = d.causes[0]
    assert first.points == {b12kg("muscle_spasm"): 2, b12kg("dehydration"): 3, b12kg("strenuous_exercise"): 1}
    trigger = first.matched[b12kg("strenuous_exercise")]
    assert any(s.predicate == b12kg("triggeredBy") and s.subject == b12kg("other_cause_spasm")
               for link in trigger for s in link.steps)
    assert [o.label for o in cause(d, B12).unexplained] == ["dehydration", "strenuous exercise"]


@pytest.mark.parametrize("context", ["vegan", "vegan diet", "on a vegan diet"])
def test_vegan_and_tingling_put_the_deficiency_first_with_the_diet_as_a_risk(
        kg: KnowledgeGraph, graphs: CuratedGraph, context: str) -> None:
    d = explain(kg, graphs, ["tingling"], [context])
    top = d.causes[0]
    assert top.iri == B12 and top.score == POINTS["finding"] + POINTS["context"]
    assert all(c.score == 0 for c in d.causes[1:])
    risk = top.matched[d.observations[1].iri]
    steps = [s for link in risk for s in link.steps]
    assert any(s.subject == b12kg("vegan_diet") and s.predicate == b12kg("riskFactorFor") and s.object == B12
               and any(e.section_number == 6 for e in s.evidence) for s in steps)


def test_what_the_spasms_clear_with_is_context(kg: KnowledgeGraph, graphs: CuratedGraph) -> None:
    d = explain(kg, graphs, ["spasms"], ["resolves with rest"])
    assert d.observations[1].iri == b12kg("rest")
    assert [(c.curie, c.rank, c.score) for c in d.causes] == [
        ("b12kg:dehydration", 1, 3), ("b12kg:electrolyte_imbalance", 1, 3), ("b12kg:muscle_fatigue", 1, 3),
        ("b12kg:vitamin_b12_deficiency", 4, 2)]
    relations = {link.relation for link in d.causes[0].matched[b12kg("rest")]}
    assert "comparison table: reversibility of spasms" in relations


def test_an_hp_id_names_the_concept_it_is_mapped_to(kg: KnowledgeGraph, graph: CuratedGraph) -> None:
    by_id = explain(kg, graph, ["HP:0003401"], ["vegan diet"])
    by_word = explain(kg, graph, ["tingling"], ["vegan diet"])
    assert by_id.observations[0].iri == b12kg("paraesthesia") == by_word.observations[0].iri
    assert ranked(by_id) == ranked(by_word)
    spasm = explain(kg, graph, ["HP:0003394"])
    assert spasm.observations[0].label == "muscle spasm"
    assert {c.score for c in spasm.causes} == {POINTS["finding"]}  # every cause explains spasms


def test_nerve_damage_is_denied_for_the_other_causes(kg: KnowledgeGraph, graphs: CuratedGraph) -> None:
    d = explain(kg, graphs, ["spasms", "nerve damage"])
    assert d.causes[0].iri == B12 and d.causes[0].score == 4
    for c in d.causes[1:]:
        assert [o.label for o in c.denied] == ["neuropathy"] and c.score == 0
        (link,) = c.matched[b12kg("neuropathy")]
        (s,) = link.steps
        assert s.negated and s.object == b12kg("other_cause_spasm") and s.evidence[0].section_number == 4


def test_every_step_has_a_section_and_a_claim(kg: KnowledgeGraph, graph: CuratedGraph) -> None:
    d = explain(kg, graph, ["spasms", "numbness", "memory loss", "pernicious anaemia"], ["older adults"])
    steps = [s for c in d.causes for links in c.matched.values() for link in links for s in link.steps]
    steps += [s for t in d.tests for chains in t.links.values() for chain in chains for s in chain]
    assert len(steps) > 20
    for s in steps:
        assert s.evidence
        assert all(1 <= e.section_number <= 7 and e.claim.strip() and e.heading for e in s.evidence), s
    top = d.causes[0]
    assert top.iri == B12
    relations = {link.relation for link in top.matched[b12kg("older_adults")]}
    assert relations == {"risk factor", "especially common in this group"}
    assert "underlying cause" in {link.relation for link in top.matched[b12kg("pernicious_anaemia")]}


def test_the_tests_that_tell_the_causes_apart(kg: KnowledgeGraph, graph: CuratedGraph) -> None:
    d = explain(kg, graph, ["spasms"])
    by_label = {t.label: set(t.causes) for t in d.tests}
    assert by_label["serum vitamin B12 test"] == {B12}
    assert by_label["complete blood count"] == {B12}
    assert by_label["assessment by a healthcare professional"] == {B12} | OTHERS
    assert set(d.untested) == OTHERS
    rows = [ch for ch, _ in d.table]
    assert rows == ["accompanying symptoms", "trigger of spasms", "nutrient imbalance", "neurological basis",
                    "reversibility of spasms"]
    assert all(len(cells) == 2 for _, cells in d.table)


# -- bad input ----------------------------------------------------------------------------------------------

def test_no_symptom_is_an_error(kg: KnowledgeGraph) -> None:
    run = executor(kg.dataset, "oxigraph")
    with pytest.raises(ParameterError, match="no symptom given"):
        observe(run, [])
    with pytest.raises(ParameterError, match="no symptom given"):
        observe(run, [], ["vegan diet"])
    with pytest.raises(ParameterError, match="empty"):
        observe(run, ["numbness", " "])


def test_an_unknown_symptom_suggests_close_names(kg: KnowledgeGraph) -> None:
    with pytest.raises(ConceptNotFoundError) as info:
        kg.explain(["numbnes"])
    assert "numbness" in info.value.suggestions
    with pytest.raises(ConceptNotFoundError) as info:
        kg.explain(["spasms"], ["after lots of fun"])
    assert "after lots of fun" in str(info.value)


def test_an_observation_given_twice_counts_once(kg: KnowledgeGraph) -> None:
    d = kg.explain(["tingling", "pins and needles", "paraesthesia"])
    assert [o.text for o in d.observations] == ["tingling"]
    assert d.causes[0].score == POINTS["finding"]


# -- the scoring rule on a hand-made graph -----------------------------------------------------------------------

def _s(s: str, p: str, o: str, negated: bool = False) -> Statement:
    return Statement(b12kg(s), b12kg(p), b12kg(o), (Evidence(4, b12kg("section_4"), "Causes", f"{s} {p} {o}"),),
                     negated)


@pytest.fixture(scope="module")
def tiny() -> CuratedGraph:
    statements = [
        _s("cond_a", "causes", "spasm_a"), _s("spasm_a", "formOf", "muscle_spasm"),
        _s("cond_b", "causes", "spasm_b"), _s("spasm_b", "formOf", "muscle_spasm"),
        _s("cond_a", "hasSymptom", "tiredness"), _s("spasm_a", "accompaniedBy", "ache"),
        _s("spasm_b", "triggeredBy", "running"), _s("diet_x", "riskFactorFor", "cond_a"),
        _s("damage", "causes", "spasm_b", negated=True), _s("cond_a", "causes", "damage"),
        _s("cond_a", "hasSymptom", "ache"),
    ]
    types = {b12kg(c): (b12kg("Condition"),) for c in ("cond_a", "cond_b", "damage")}
    return CuratedGraph(tuple(sorted(statements, key=lambda s: s.key)), {}, types, {}, {})


def _obs(*names: str) -> list[Observation]:
    return [Observation(n, "symptom", b12kg(n), n) for n in names]


def test_scoring_rule_points(tiny: CuratedGraph) -> None:
    assert set(candidate_causes(tiny)) == {b12kg("cond_a"), b12kg("cond_b")}
    d = rank_causes(tiny, _obs("muscle_spasm", "ache", "tiredness", "running", "diet_x", "damage", "cond_b", "nothing"))
    a, b = cause(d, b12kg("cond_a")), cause(d, b12kg("cond_b"))
    assert a.points == {b12kg("muscle_spasm"): 2, b12kg("ache"): 2, b12kg("tiredness"): 2, b12kg("diet_x"): 1,
                        b12kg("damage"): 2}
    assert a.score == 9
    # cond_b: spasm 2, trigger 1, the cause itself 3, and the article denies that damage causes its spasms
    assert b.points == {b12kg("muscle_spasm"): 2, b12kg("running"): 1, b12kg("cond_b"): 3, b12kg("damage"): -2}
    assert b.score == 4 and [o.curie for o in b.denied] == ["b12kg:damage"]
    assert [c.iri for c in d.causes] == [b12kg("cond_a"), b12kg("cond_b")]
    assert "b12kg:nothing" in [o.curie for o in a.unexplained]


def test_equal_scores_share_a_rank(tiny: CuratedGraph) -> None:
    d = rank_causes(tiny, _obs("muscle_spasm"))
    assert [(c.rank, c.tied) for c in d.causes] == [(1, True), (1, True)]


# -- output -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(kg: KnowledgeGraph) -> Differential:
    return kg.explain(["spasms", "numbness", "fatigue"], ["older adult"])


def test_table_fits_80_columns_and_says_not_medical_advice(example: Differential) -> None:
    text = example.to_table()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    flat = " ".join(text.split())
    assert flat.count(NOT_MEDICAL_ADVICE) == 2 and flat.endswith(NOT_MEDICAL_ADVICE)
    assert any(line.startswith("Not medical advice") for line in lines[:5])
    header = lines.index(next(line for line in lines if line.startswith("rank")))
    assert lines[header + 1].split() == ["1", "vitamin", "B12", "deficiency", "7", "4", "of", "4"]
    assert "evidence:" in text and "§3" in text and "Tests the article links to these causes:" in text


def test_json_carries_every_step_with_its_evidence(example: Differential) -> None:
    doc = json.loads(example.to_json())
    assert doc["disclaimer"] == NOT_MEDICAL_ADVICE
    assert doc["causes"][0]["curie"] == "b12kg:vitamin_b12_deficiency" and doc["causes"][0]["score"] == 7
    assert doc["points"] == POINTS and "Scoring" in doc["scoring"]
    for c in doc["causes"]:
        for match in c["matches"]:
            for link in match["links"]:
                for step in link["steps"]:
                    assert step["evidence"] and all(e["claim"] and e["section"].startswith("b12kg:section_")
                                                    for e in step["evidence"])
    assert {t["label"] for t in doc["tests"] if not t["tells_causes_apart"]} == {
        "assessment by a healthcare professional"}


def test_markdown_has_the_ranking_the_evidence_and_the_disclaimer(example: Differential) -> None:
    md = example.to_markdown()
    assert "| rank | cause | score | explains | denied by the article |" in md
    assert "| 1 | vitamin B12 deficiency | 7 | 4 of 4 |  |" in md
    assert md.count(NOT_MEDICAL_ADVICE) == 2
    assert "## The article's comparison table (§4)" in md
