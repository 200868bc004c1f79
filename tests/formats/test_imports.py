"""The import-module extractor (run on small fixtures) and the committed modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg.checks.xrefs import load_module_terms
from b12kg.cli import cli
from b12kg.core.errors import ExtractionError
from b12kg.core.resources import bundle_root, import_files, mapping_files
from b12kg.formats.imports import extract_module, read_term_list, select_terms
from b12kg.store.ontology_files import read_source
from b12kg.store.sssom import NO_TERM, read_sssom

ONTO = Path(__file__).resolve().parents[1] / "fixtures" / "ontologies"
IMPORTS = bundle_root() / "ontology" / "imports"


def _terms(tmp_path: Path, *curies: str) -> Path:
    p = tmp_path / "terms.txt"
    p.write_text("# test terms\n" + "".join(f"{c}  # a concept\n" for c in curies))
    return p


# -- readers -------------------------------------------------------------------------------------
def test_obo_reader() -> None:
    src = read_source(ONTO / "hp-mini.obo")
    assert src.version == "hp/releases/2025-01-16"
    spasm = src.terms["HP:0003394"]
    assert spasm.label == "Muscle spasm"
    assert spasm.definition == "Sudden and involuntary contractions of one or more muscles."
    assert spasm.synonyms == ("Muscle cramps", "Muscle spasms")
    assert spasm.parents == ("HP:0011804",)
    # only EXACT synonyms: the BROAD one of HP:0000707 is left out
    assert "Brain and/or spinal cord issue" not in src.terms["HP:0000707"].synonyms
    assert src.terms["HP:0000720"].obsolete and not spasm.obsolete


def test_owl_functional_reader() -> None:
    src = read_source(ONTO / "foodon-mini.owl")
    assert src.version == "http://purl.obolibrary.org/obo/ecto/releases/2024-01-13/imports/foodon_import.owl"
    beef = src.terms["FOODON:00001041"]
    assert beef.label == "beef food product"
    # the definition carries a nested Annotation(...) in the source
    assert beef.definition == "Meat from bovines, especially domestic cattle (cows)."
    assert beef.parents == ("FOODON:00001134",)  # the ObjectSomeValuesFrom parent is not a named class
    assert src.terms["FOODON:03411299"].obsolete
    assert not beef.obsolete


def test_go_table_reader_keeps_is_a_parents_only() -> None:
    src = read_source(ONTO / "go-mini.tsv")
    assert src.terms["GO:0042552"].label == "myelination"
    assert src.terms["GO:0042552"].parents == ("GO:0008366",)
    assert src.terms["GO:0007272"].parents == ("GO:0009987",)  # part of:GO:0007399 is not is_a


def test_mondo_tables_merge_labels_and_edges(tmp_path: Path) -> None:
    sources = [read_source(ONTO / "mondo-class-stats-mini.tsv"),
               read_source(ONTO / "mondo-rare-edges-mini.tsv")]
    terms = select_terms(sources, ["MONDO:0020696"])
    by_id = {t.curie: t for t in terms}
    assert by_id["MONDO:0020696"].label == "vitamin B12 deficiency"
    assert by_id["MONDO:0020696"].parents == ("MONDO:0005066", "MONDO:0042976")
    # MONDO:0005066's parent MONDO:7770007 has no label in the sources, so the hierarchy stops there
    assert by_id["MONDO:0005066"].parents == ()
    assert sorted(by_id) == ["MONDO:0005066", "MONDO:0020696", "MONDO:0042976"]
    with pytest.raises(ExtractionError, match="obsolete"):
        select_terms(sources, ["MONDO:0000424"])


def test_humando_parents_by_label() -> None:
    src = read_source(ONTO / "humando-mini.tsv")
    assert src.terms["DOID:0050731"].label == "vitamin B12 deficiency"
    assert src.terms["DOID:0050731"].parents == ("DOID:0050718",)
    assert src.terms["DOID:0050734"].parents == ("DOID:0050731",)


def test_sssom_objects_as_terms() -> None:
    src = read_source(ONTO / "mondo-ncit-mini.sssom.tsv")
    assert src.terms["NCIT:C131684"].label == "Vitamin B12 Deficiency"


def test_unknown_form_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no such source file"):
        read_source(tmp_path / "nope.obo")
    bad = tmp_path / "x.tsv"
    bad.write_text("a\tb\n1\t2\n")
    with pytest.raises(ExtractionError, match="unknown table form"):
        read_source(bad)
    with pytest.raises(ExtractionError, match="unknown source form"):
        read_source(ONTO.parent.parent / "conftest.py")


def test_term_list_rejects_non_curie(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("HP:0003394\nmuscle spasm\n")
    with pytest.raises(ExtractionError, match=r"line 2: 'muscle spasm' is not a CURIE"):
        read_term_list(p)


# -- selection and output --------------------------------------------------------------------------
def test_ancestors_up_to_the_upper_term(tmp_path: Path) -> None:
    text = extract_module([ONTO / "hp-mini.obo"], _terms(tmp_path, "HP:0003394"), "HP",
                          origins=["a fixture"], license="https://example.org/licence")
    import pyoxigraph as ox

    parsed = ox.parse(text, format=ox.RdfFormat.TURTLE)
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in parsed}
    obo = "http://purl.obolibrary.org/obo/"
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    assert (obo + "HP_0003394", sub, obo + "HP_0011804") in triples
    assert (obo + "HP_0011804", sub, obo + "HP_0003011") in triples
    classes = {s for s, p, o in triples if o == "http://www.w3.org/2002/07/owl#Class"}
    # HP:0033127, the parent of HP:0003011, is not in the fixture: the hierarchy stops there
    assert classes == {obo + "HP_0003394", obo + "HP_0011804", obo + "HP_0003011"}
    definition = "Sudden and involuntary contractions of one or more muscles."
    assert (obo + "HP_0003394", obo + "IAO_0000115", definition) in triples
    module = "https://w3id.org/b12kg/imports/hp_import"
    assert (module, "http://purl.org/dc/terms/license", "https://example.org/licence") in triples
    assert (module, "http://purl.org/dc/terms/source", "hp-mini.obo from a fixture") in triples
    version = "hp-mini.obo: hp/releases/2025-01-16"
    assert (module, "http://www.w3.org/2002/07/owl#versionInfo", version) in triples


def test_extractor_refuses_obsolete_and_missing_terms(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match=r"HP:0000720 \(obsolete Mood swings\): obsolete"):
        extract_module([ONTO / "hp-mini.obo"], _terms(tmp_path, "HP:0000720"), "HP")
    with pytest.raises(ExtractionError, match=r"HP:0001251: not found in hp-mini\.obo"):
        extract_module([ONTO / "hp-mini.obo"], _terms(tmp_path, "HP:0001251"), "HP")
    with pytest.raises(ExtractionError, match="another prefix"):
        extract_module([ONTO / "hp-mini.obo"], _terms(tmp_path, "GO:0042552"), "HP")


def test_cli_extract_is_deterministic_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    terms = _terms(tmp_path, "FOODON:00001041")
    outs = []
    for i in range(2):
        out = tmp_path / f"m{i}.ttl"
        res = runner.invoke(cli, ["imports", "extract", "--source", str(ONTO / "foodon-mini.owl"),
                                  "--terms", str(terms), "--prefix", "FOODON", "-o", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    terms_of_module = load_module_terms([tmp_path / "m0.ttl"])
    assert sorted(terms_of_module) == ["FOODON:00001006", "FOODON:00001041", "FOODON:00001134"]
    bad = _terms(tmp_path, "FOODON:03411299")
    res = runner.invoke(cli, ["imports", "extract", "--source", str(ONTO / "foodon-mini.owl"),
                              "--terms", str(bad), "--prefix", "FOODON", "-o", str(tmp_path / "x.ttl")])
    assert res.exit_code == 2
    assert "FOODON:03411299 (obsolete: olive plant): obsolete" in res.stderr
    assert not (tmp_path / "x.ttl").exists()


# -- the committed modules ------------------------------------------------------------------------
def test_committed_modules_match_term_lists_and_mappings() -> None:
    (sssom_path,) = mapping_files()
    mapped = {m.object_id: m.object_label for m in read_sssom(sssom_path).mappings if m.object_id != NO_TERM}
    lists = sorted(IMPORTS.glob("*_terms.txt"))
    modules = {p.name for p in import_files()}
    assert len(lists) >= 9
    listed: set[str] = set()
    for term_list in lists:
        prefix = term_list.name[: -len("_terms.txt")]
        assert f"{prefix}_import.ttl" in modules
        terms = load_module_terms([IMPORTS / f"{prefix}_import.ttl"])
        for curie in read_term_list(term_list):
            assert curie in terms, f"{curie} of {term_list.name} is not in the module"
            assert not terms[curie].obsolete
            assert terms[curie].label == mapped[curie], curie
            listed.add(curie)
    assert listed == set(mapped)  # every mapped term is listed, and nothing else


def test_committed_modules_are_sorted_and_carry_provenance() -> None:
    for path in import_files():
        text = path.read_text()
        assert "dcterms:source" in text and "dcterms:license" in text, path.name
        ids = [line.split()[0] for line in text.splitlines() if line.endswith(" a owl:Class ;")
               or line.endswith(" a owl:Class .")]
        assert ids == sorted(ids, key=lambda s: (s.split("_")[0], s.split("_", 1)[1])), path.name
