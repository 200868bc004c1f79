"""The SSSOM mapping set: strict reading, deterministic writing, SKOS triples in the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12kg import KnowledgeGraph
from b12kg.core.prefixes import PREFIX_MAP, expand
from b12kg.core.resources import mapping_files
from b12kg.store.sssom import (
    NO_TERM,
    PREDICATES,
    Mapping,
    MappingSet,
    SSSOMError,
    parse_sssom,
    read_sssom,
    skos_ntriples,
    write_sssom,
)

#: classes whose members are not concepts to map (value sets, document structure)
NOT_CONCEPTS = {
    "SourceDocument", "DocumentSection", "ComparisonEntry", "ComparisonCharacteristic", "Reversibility",
    "ClinicalCourse", "SourceStrength", "FoodOrigin", "AnimalOrigin", "VegetarianCompatibleOrigin",
    "VeganCompatibleOrigin", "TreatmentCourse",
}

HEAD = """# curie_map:
#   HP: http://purl.obolibrary.org/obo/HP_
#   b12kg: https://w3id.org/b12kg/
#   semapv: https://w3id.org/semapv/vocab/
#   skos: http://www.w3.org/2004/02/skos/core#
#   sssom: https://w3id.org/sssom/
# license: https://creativecommons.org/licenses/by/4.0/
# mapping_set_id: https://example.org/t.sssom.tsv
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tcomment
"""
ROW = ("b12kg:muscle_spasm\tmuscle spasm\tskos:exactMatch\tHP:0003394\tMuscle spasm\t"
       "semapv:ManualMappingCuration\t\n")


@pytest.fixture(scope="module")
def bundled() -> MappingSet:
    (path,) = mapping_files()
    return read_sssom(path)


def test_bundled_file_metadata(bundled: MappingSet) -> None:
    meta = bundled.metadata
    assert meta["mapping_set_id"] == "https://w3id.org/b12kg/mappings/b12kg.sssom.tsv"
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["creator_id"] == ["b12kg:b12kg_developers"]
    assert "mapping_date" in meta
    curie_map = meta["curie_map"]
    assert isinstance(curie_map, dict)
    # every prefix used is declared, with the namespace of the one prefix map, and nothing else
    assert set(curie_map) == set(bundled.used_prefixes())
    assert all(PREFIX_MAP[p] == ns for p, ns in curie_map.items())


def test_bundled_file_rows(bundled: MappingSet) -> None:
    rows = bundled.mappings
    assert {m.predicate_id for m in rows} <= set(PREDICATES)
    assert {m.mapping_justification for m in rows} == {"semapv:ManualMappingCuration"}
    assert all(m.comment for m in rows if m.predicate_id != "skos:exactMatch" or m.object_id == NO_TERM)
    assert all(m.object_label for m in rows if m.object_id != NO_TERM)
    assert len(rows) == len(set(rows))
    # the traps of the sources: cramps are a synonym of HP "Muscle spasm", not an HP term of their own
    cramp = [m for m in rows if m.subject_id == "b12kg:muscle_cramp"]
    assert [(m.predicate_id, m.object_id, m.object_label) for m in cramp] == \
        [("skos:closeMatch", "HP:0003394", "Muscle spasm")]


def test_bundled_file_is_written_canonically(bundled: MappingSet) -> None:
    (path,) = mapping_files()
    assert write_sssom(bundled) == path.read_text()


def test_strict_reader_from_pypi_accepts_the_file() -> None:
    sssom_pydantic = pytest.importorskip("sssom_pydantic")
    (path,) = mapping_files()
    mappings, _converter, mapping_set, errors = sssom_pydantic.read(path, return_errors=True)
    assert errors == []
    assert len(mappings) == len(read_sssom(path).mappings)
    assert str(mapping_set.id) == "https://w3id.org/b12kg/mappings/b12kg.sssom.tsv"


def test_every_concept_has_a_row_and_its_graph_label(kg: KnowledgeGraph, bundled: MappingSet) -> None:
    r = kg.query("SELECT ?s ?l ?t WHERE { ?s a owl:NamedIndividual ; rdfs:label ?l ; a ?t . ?t a owl:Class }",
                 with_labels=False)
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    for s, label, t in r.rows:
        assert s is not None and label is not None and t is not None
        labels[s.value] = label.value
        types.setdefault(s.value, set()).add(t.value.rsplit("/", 1)[-1])
    concepts = {s for s, ts in types.items() if not ts & NOT_CONCEPTS}
    subjects = {expand(m.subject_id) for m in bundled.mappings}
    assert concepts - subjects == set()
    for m in bundled.mappings:
        assert labels[expand(m.subject_id)] == m.subject_label, m.subject_id


def test_skos_triples_in_the_bundled_graph(kg: KnowledgeGraph, bundled: MappingSet) -> None:
    (path,) = mapping_files()
    nt = skos_ntriples(path)
    mapped = [m for m in bundled.mappings if m.object_id != NO_TERM]
    assert nt.count("\n") == len(mapped)
    assert kg.query("ASK { b12kg:muscle_spasm skos:exactMatch HP:0003394 }").boolean is True
    assert kg.query("ASK { b12kg:vitamin_b12_deficiency skos:exactMatch MONDO:0020696 }").boolean is True
    assert kg.query("ASK { ?s ?p sssom:NoTermFound }").boolean is False
    # the imported classes are in the graph too, with their hierarchy
    ask = 'ASK { HP:0003394 a owl:Class ; rdfs:label "Muscle spasm" ; rdfs:subClassOf+ HP:0000118 }'
    assert kg.query(ask).boolean is True
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/b12kg/graph/mappings> { ?s ?p ?o } }"
    n = kg.query(count, with_labels=False)
    assert int(n.rows[0][0].value) == len(mapped)  # type: ignore[union-attr]


def test_round_trip_and_sorting() -> None:
    rows = [Mapping("b12kg:b", "b", "skos:exactMatch", "HP:0003394", "Muscle spasm"),
            Mapping("b12kg:a", "a", "skos:closeMatch", "HP:0001324", "Muscle weakness", comment="why")]
    text = write_sssom(MappingSet(rows, {"mapping_set_id": "https://example.org/x", "license": "https://l/"}))
    again = parse_sssom(text)
    assert [m.subject_id for m in again.mappings] == ["b12kg:a", "b12kg:b"]
    assert write_sssom(again) == text
    assert "#   HP: http://purl.obolibrary.org/obo/HP_" in text


@pytest.mark.parametrize(("text", "message"), [
    (HEAD + ROW.replace("HP:0003394", "MONDO:0020696"),
     "line 10: object_id 'MONDO:0020696' uses the prefix 'MONDO'"),
    (HEAD + ROW.replace("HP:0003394", "HP_0003394"), "line 10: object_id 'HP_0003394' is not a CURIE"),
    (HEAD + ROW.replace("skos:exactMatch", "skos:mappingRelation"),
     "predicate_id 'skos:mappingRelation' is not one of"),
    (HEAD + ROW.replace("skos:exactMatch", "skos:closeMatch"), "needs a comment"),
    (HEAD + ROW.replace("HP:0003394\tMuscle spasm", f"{NO_TERM}\t"), "NoTermFound row needs a comment"),
    (HEAD + ROW.replace("\t\n", "\n"), "line 10: 6 cells, the header has 7"),
    (HEAD.replace("# license: https://creativecommons.org/licenses/by/4.0/\n", "") + ROW,
     "required key 'license'"),
    (HEAD.replace("subject_id\t", "") + ROW, "missing required column 'subject_id'"),
    (HEAD.replace("http://purl.obolibrary.org/obo/HP_", "http://example.org/HP_") + ROW,
     "b12kg's prefix map has"),
    (HEAD.replace("# curie_map:", "# curie_map: [") + ROW, "not valid YAML"),
])
def test_strict_reader_errors(text: str, message: str) -> None:
    with pytest.raises(SSSOMError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_sssom(text, "t.sssom.tsv")


def test_undeclared_prefix_cannot_be_written() -> None:
    rows = [Mapping("b12kg:a", "a", "skos:exactMatch", "NOPE:1", "x")]
    with pytest.raises(SSSOMError, match=r"NOPE are not in b12kg\.core\.prefixes\.PREFIX_MAP"):
        write_sssom(MappingSet(rows, {}))


def test_graph_load_reports_a_broken_mapping_file(tmp_path: Path) -> None:
    from b12kg.store.sources import Source

    bad = tmp_path / "x.sssom.tsv"
    bad.write_text(HEAD + ROW.replace("HP:0003394", "HP_0003394"))
    with pytest.raises(SSSOMError, match=r"x\.sssom\.tsv, line 10"):
        _ = KnowledgeGraph([Source(bad, "mappings")]).store
