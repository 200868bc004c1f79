"""OBO export: every concept a term that fastobo, pronto and OAK read, with its kind, curated edges
(each with its own section and claim) and mappings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from b12kg import KnowledgeGraph
from b12kg.formats import obo
from b12kg.formats.kgx import kgx_graph
from b12kg.store.sources import Source

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"


@pytest.fixture(scope="module")
def text(kg: KnowledgeGraph) -> str:
    return obo.to_obo(kg).decode("utf-8")


@pytest.fixture(scope="module")
def path(text: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("obo") / "b12kg.obo"
    p.write_text(text, encoding="utf-8")
    return p


def stanza(text: str, term: str) -> list[str]:
    block = text.split(f"\nid: {term}\n", 1)[1].split("\n\n", 1)[0]
    return block.splitlines()


def test_fastobo_parses_every_stanza(path: Path, kg: KnowledgeGraph) -> None:
    fastobo = pytest.importorskip("fastobo")
    doc = fastobo.load(str(path))
    terms = {str(frame.id) for frame in doc if isinstance(frame, fastobo.term.TermFrame)}
    concepts = {n["id"] for n in kgx_graph(kg).nodes}
    assert concepts <= terms  # every concept is a term
    assert {"b12kg:Food", "b12kg:Symptom", "b12kg:NeuromuscularSymptom"} <= terms
    typedefs = {str(frame.id) for frame in doc if isinstance(frame, fastobo.typedef.TypedefFrame)}
    assert {"b12kg:causes", "b12kg:hasSymptom", "b12kg:formOf"} <= typedefs


def test_pronto_sees_concepts_as_terms_under_their_kinds(path: Path) -> None:
    pronto = pytest.importorskip("pronto")
    onto = pronto.Ontology(str(path))
    spasm = onto["b12kg:muscle_spasm"]
    assert spasm.name == "muscle spasm"
    assert {t.id for t in spasm.superclasses(with_self=False)} == {
        "b12kg:NeuromuscularSymptom", "b12kg:Symptom", "b12kg:ClinicalFinding"}
    assert "HP:0003394" in {x.id for x in spasm.xrefs}
    deficiency = onto["b12kg:vitamin_b12_deficiency"]
    has_symptom = onto.get_relationship("b12kg:hasSymptom")
    assert "b12kg:muscle_spasm" in {t.id for t in deficiency.relationships[has_symptom]}
    assert onto.get_relationship("b12kg:formOf").transitive


def test_relationships_carry_their_own_section_and_claim(text: str) -> None:
    lines = [ln for ln in stanza(text, "b12kg:vitamin_b12_deficiency")
             if ln.startswith("relationship: b12kg:hasSymptom b12kg:muscle_spasm ")]
    assert len(lines) == 2  # the article says it in sections 2 and 3: one line each
    qualifiers = [re.search(r'source_section="([^"]+)", claim="([^"]+)"', ln).groups() for ln in lines]  # type: ignore[union-attr]
    assert qualifiers == [
        ("b12kg:section_2_spasm_mechanism", "Muscle spasms are a symptom of B12 deficiency."),
        ("b12kg:section_3_other_symptoms", "Spasms are a key sign of B12 deficiency among a wider range of symptoms."),
    ]


def test_mappings_keep_their_predicate(text: str) -> None:
    neuropathy = stanza(text, "b12kg:neuropathy")
    assert "property_value: skos:narrowMatch HP:0009830" in neuropathy
    assert not any(ln.startswith("xref:") for ln in neuropathy)  # only exact and close matches are xrefs
    assert "xref: HP:0001251" in stanza(text, "b12kg:ataxia")


def test_header_and_determinism(text: str, kg: KnowledgeGraph) -> None:
    head = text.split("\n\n", 1)[0].splitlines()
    assert head[:3] == ["format-version: 1.4", "data-version: 2026-11-24", "ontology: b12kg"]
    assert "idspace: b12kg https://w3id.org/b12kg/" in head
    assert any("Not medical advice" in ln for ln in head)
    assert obo.to_obo(kg).decode() == text


def test_special_characters_are_escaped(tmp_path: Path) -> None:
    fastobo = pytest.importorskip("fastobo")
    odd = tmp_path / "odd.ttl"
    odd.write_text(MINI.read_text(encoding="utf-8").replace(
        'rdfs:label "cramp"@en', 'rdfs:label "cramp! {odd} \\\\ name"@en').replace(
        '"A lack of something."@en', '"A \\"lack\\" of something."@en'), encoding="utf-8")
    data = obo.to_obo(KnowledgeGraph([Source(odd, "data")]))
    (tmp_path / "odd.obo").write_bytes(data)
    doc = fastobo.load(str(tmp_path / "odd.obo"))
    clauses = {str(c) for frame in doc for c in frame if str(frame.id) == "b12kg:cramp"}
    assert "name: cramp\\! \\{odd\\} \\\\ name" in clauses
    assert b'def: "A \\"lack\\" of something." []' in data


@pytest.mark.slow
def test_oak_walks_the_ancestors(path: Path) -> None:
    """``runoak -i b12kg.obo ancestors`` (the README's example) follows is_a and the curated edges."""
    import shutil
    import subprocess

    runoak = shutil.which("runoak")
    if runoak is None:
        pytest.skip("oaklib is not installed (pip install '.[interop]')")
    out = subprocess.run([runoak, "-i", str(path), "ancestors", "-p", "i", "b12kg:muscle_spasm"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert {ln.split("\t")[0] for ln in out.splitlines()[1:]} == {
        "b12kg:muscle_spasm", "b12kg:NeuromuscularSymptom", "b12kg:Symptom", "b12kg:ClinicalFinding"}
    out = subprocess.run([runoak, "-i", str(path), "ancestors", "b12kg:muscle_spasm"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "b12kg:leg\tleg" in out and "b12kg:involuntary_muscle_contraction" in out
