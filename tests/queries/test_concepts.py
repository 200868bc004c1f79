"""The concept model shared by ``show``, the server's pages and the documentation site."""

from __future__ import annotations

from typing import Any

import pytest

from b12kg import ConceptNotFoundError, KnowledgeGraph
from b12kg.queries.concepts import describe, resolve, search
from b12kg.queries.lookup import Execute
from b12kg.queries.run import executor

B = "https://w3id.org/b12kg/"


@pytest.fixture(scope="module")
def run(kg: KnowledgeGraph) -> Execute:
    return executor(kg.dataset, "oxigraph")


@pytest.mark.parametrize(("text", "name"), [
    ("muscle spasm", "muscle_spasm"), ("Muscle Spasm", "muscle_spasm"), ("muscle spasms", "muscle_spasm"),
    ("spasm", "muscle_spasm"), ("pins and needles", "paraesthesia"), ("tingling", "paraesthesia"),
    ("b12kg:vitamin_b12", "vitamin_b12"), (B + "vitamin_b12", "vitamin_b12"), ("<" + B + "fish>", "fish"),
    ("HP:0003394", "muscle_spasm"), ("HP:0001251", "ataxia"), ("b12kg:Food", "Food"),
])
def test_resolve(run: Execute, text: str, name: str) -> None:
    assert resolve(run, text) == B + name


@pytest.mark.parametrize(("text", "suggestion"), [("spasmz", "muscle spasm"), ("homocystein", "homocysteine")])
def test_unknown_names_suggest_the_closest(run: Execute, text: str, suggestion: str) -> None:
    with pytest.raises(ConceptNotFoundError) as e:
        resolve(run, text)
    assert suggestion in e.value.suggestions
    assert "b12kg search" in str(e.value)


def test_an_unmapped_external_id_says_so(run: Execute) -> None:
    with pytest.raises(ConceptNotFoundError, match="no b12kg concept is mapped to it"):
        resolve(run, "HP:0000001")


def test_search_ranks_whole_names_first_and_forgives_plurals(run: Execute) -> None:
    assert [h.label for h in search(run, "fish", limit=1)] == ["fish"]
    hits = search(run, "nerve damage")
    assert hits[0].label == "neuropathy" and hits[0].field == "synonym"
    assert search(run, "vegans")[0].curie == "b12kg:vegans"
    assert search(run, "zzzz qqqq") == []


def test_describe_gathers_edges_with_evidence_and_external_ids(run: Execute) -> None:
    c = describe(run, B + "muscle_spasm")
    assert (c.label, c.kind, c.curie) == ("muscle spasm", "individual", "b12kg:muscle_spasm")
    assert [t for t, _ in c.types] == [B + "NeuromuscularSymptom"]
    assert c.definition and "spasm" in c.synonyms
    assert ("skos:exactMatch", "HP:0003394", "Muscle spasm") in {
        (x.predicate_curie, x.curie, x.label) for x in c.external_ids}
    incoming = {(e.predicate_curie, e.other_curie) for e in c.incoming}
    assert ("b12kg:causes", "b12kg:erratic_nerve_signals") in incoming
    assert all(e.section.startswith(B + "section_") and e.claim for e in c.edges)
    assert c.to_dict()["external_ids"][0]["curie"] == c.external_ids[0].curie


def test_describe_shows_negative_claims_and_table_cells(run: Execute) -> None:
    b12 = describe(run, B + "vitamin_b12")
    negated = [e for e in b12.edges if e.negated]
    assert [(e.predicate_curie, e.other_curie) for e in negated] == [("b12kg:synthesizedBy", "b12kg:plants")]
    fatigue = describe(run, B + "fatigue")
    assert any(cell.characteristic and "fatigue" in cell.summary for cell in fatigue.table_cells)


def test_describe_a_class_and_a_property(run: Execute) -> None:
    food = describe(run, B + "Food")
    assert food.kind == "class"
    assert ("in", B + "beef") in {(f.direction, f.value.value) for f in food.facts}
    causes = describe(run, B + "causes")
    assert causes.kind == "object property"


def test_describe_an_unknown_iri(run: Execute) -> None:
    with pytest.raises(ConceptNotFoundError, match="says nothing"):
        describe(run, B + "no_such_thing")


@pytest.mark.slow
def test_one_query_finds_a_name_as_reading_every_name_does(run: Execute) -> None:
    """The single lookup query that resolves a label or synonym (up to case) picks the term that reading
    every name picks, for every label and synonym of the graph as written, in capitals and capitalised."""
    from b12kg.queries.concepts import MAX_NAME, _by_names, _exact_name, _names

    answers: dict[str, Any] = {}

    def every_name(text: str, bindings: Any, source: str) -> Any:  # the name list, read once
        return answers[text] if not bindings and text in answers else answers.setdefault(text, run(text, bindings,
                                                                                                    source))

    texts = sorted({n.text.strip() for n in _names(run) if n.field != "definition"})
    assert len(texts) > 300
    checked = 0
    for text in texts:
        for value in {text, text.upper(), text.capitalize()}:
            if not value or len(value) > MAX_NAME:
                continue
            found = _exact_name(run, value)
            assert found is not None, value  # every name, in any case, is found by the one query
            assert found == _by_names(every_name, value, value), value
            checked += 1
    assert checked > 900


def test_resolving_a_label_costs_one_query(kg: KnowledgeGraph) -> None:
    """A label or synonym as written (in any case) costs one query; the full path only runs on a miss."""
    from b12kg.queries.concepts import find_term

    asked: list[str] = []
    inner = executor(kg.dataset, "oxigraph")

    def counting(text: str, bindings: object, source: str) -> object:
        asked.append(source)
        return inner(text, bindings, source)  # type: ignore[arg-type]

    assert find_term(counting, "Muscle Spasm") == B + "muscle_spasm"  # type: ignore[arg-type]
    assert len(asked) == 1
    assert find_term(counting, "muscle spasms") == B + "muscle_spasm"  # type: ignore[arg-type]
    assert len(asked) == 3  # the plural: the one query misses, then every name is read
