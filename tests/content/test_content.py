"""The curated content: article coverage, provenance, labels, and no quotation of the article."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from b12kg import KnowledgeGraph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _values(kg: KnowledgeGraph, query: str, var: str) -> list[str]:
    return kg.query(query, with_labels=False).column(var)


# Concepts of every part of the article, by label or synonym: each must resolve to one concept.
ARTICLE_CONCEPTS = [
    # B12, myelin, mechanism
    "vitamin B12", "cobalamin", "myelin sheath", "myelin", "nerve fibre", "demyelination", "brain",
    "homocysteine", "methionine", "conversion of homocysteine to methionine", "methylation",
    "neurotransmitter synthesis", "brain function", "nerve function", "nervous system",
    "homocysteine neurotoxicity", "nerve signal transmission",
    # spasm mechanism
    "erratic nerve signals", "involuntary muscle contraction", "twitches", "muscle spasm", "leg", "foot",
    "neuropathy", "nerve damage", "muscle weakness", "cramps",
    # other symptoms
    "fatigue", "megaloblastic anaemia", "red blood cell production", "numbness", "paraesthesia", "pins and needles",
    "hand", "ataxia", "balance problems", "spinal cord", "proprioception", "difficulty walking",
    "increased risk of falls", "memory loss", "difficulty concentrating", "confusion", "older adults",
    "depression", "irritability", "mood swings", "glossitis", "tongue", "mouth ulcers", "mouth",
    # comparison table
    "dehydration", "muscle fatigue", "electrolyte imbalance", "strenuous exercise", "overexertion",
    "prolonged sitting", "prolonged standing", "methylmalonic acid", "MMA", "magnesium", "potassium", "calcium",
    "central nervous system impairment", "peripheral nerve impairment", "rest", "rehydration",
    "restoring electrolyte balance", "metabolic disruption of nerve signals",
    # diagnosis and treatment
    "complete blood count", "serum vitamin B12 test", "methylmalonic acid test", "homocysteine test",
    "functional B12 deficiency", "borderline serum B12 level", "mild diet-related B12 deficiency",
    "high-dose oral vitamin B12", "vitamin B12 malabsorption", "pernicious anaemia", "status after gastric surgery",
    "vitamin B12 injections", "often lifelong", "early and consistent B12 treatment", "delayed treatment",
    "irreversible neurological damage",
    # food sources
    "microorganisms", "plants", "vegans", "vegetarians", "vegan diet", "vegetarian diet", "vitamin B12 supplement",
    "organ meats", "liver", "kidney", "shellfish", "clams", "mussels", "oysters", "fish", "tuna", "trout", "salmon",
    "meat", "beef", "poultry", "pork", "dairy products", "milk", "yogurt", "cheese", "eggs", "egg yolk", "egg white",
    "fortified foods", "fortified breakfast cereal", "nutritional yeast", "fortified plant-based milk",
    # conclusion
    "regular B12 screening", "long-standing nerve damage", "eating B12-rich foods",
]


@pytest.mark.parametrize("label", ARTICLE_CONCEPTS)
def test_article_concept_is_in_the_graph(kg: KnowledgeGraph, label: str) -> None:
    found = kg.query(
        "SELECT DISTINCT ?s WHERE { ?s rdfs:label|oboInOwl:hasExactSynonym ?l . ?s a owl:NamedIndividual "
        "FILTER(lcase(str(?l)) = lcase(?want)) }", {"want": label}, with_labels=False)
    assert len(found) == 1, f"{label!r} should name exactly one concept, found {found.column('s')}"


def test_every_section_has_claims(kg: KnowledgeGraph) -> None:
    sections = _values(kg, "SELECT ?s WHERE { b12kg:source_article b12kg:hasSection ?s } ORDER BY ?s", "s")
    assert len(sections) == 7
    with_claims = _values(kg, "SELECT DISTINCT ?s WHERE { ?a a owl:Axiom ; b12kg:sourceSection ?s } ORDER BY ?s", "s")
    assert with_claims == sections


def test_every_curated_edge_has_provenance(asserted: KnowledgeGraph) -> None:
    missing = asserted.query("""
        SELECT ?s ?p ?o WHERE {
          ?s ?p ?o . ?p a owl:ObjectProperty . ?s a owl:NamedIndividual . ?o a owl:NamedIndividual .
          FILTER NOT EXISTS { ?s a/rdfs:subClassOf* b12kg:InformationEntity }
          FILTER NOT EXISTS { ?a owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                                 b12kg:sourceSection ?sec ; b12kg:claim ?c ; dcterms:source b12kg:source_article ;
                                 biolink:knowledge_level "knowledge_assertion" ; biolink:agent_type "manual_agent" ;
                                 dcterms:created ?d }
        }""", with_labels=False)
    assert missing.rows == []


def test_every_native_term_has_one_english_label_and_a_definition(kg: KnowledgeGraph) -> None:
    bad = kg.query("""
        SELECT ?t (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?d) AS ?defs) WHERE {
          ?t a ?kind . VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:NamedIndividual }
          FILTER(isIRI(?t) && STRSTARTS(STR(?t), STR(b12kg:)))
          OPTIONAL { ?t rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }
          OPTIONAL { ?t skos:definition ?d }
        } GROUP BY ?t HAVING (COUNT(DISTINCT ?l) != 1 || COUNT(DISTINCT ?d) = 0)
        """, with_labels=False)
    assert bad.rows == []


def test_synonyms_from_the_article(kg: KnowledgeGraph) -> None:
    syn = kg.query("SELECT ?l WHERE { ?s oboInOwl:hasExactSynonym ?l } ORDER BY ?l", with_labels=False).column("l")
    for s in ("pins and needles", "cobalamin", "MMA", "nerve damage"):
        assert s in syn


def _article_windows() -> set[str]:
    lines = (FIXTURES / "article-8gram-hashes.txt").read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_no_text_quotes_the_article(kg: KnowledgeGraph) -> None:
    """No literal (claims, definitions, summaries, labels) shares 8 consecutive words with the article.

    The article's title and section headings are named on purpose (they identify where a claim comes from).
    """
    hashes = _article_windows()
    assert len(hashes) > 900
    texts = kg.query("""SELECT DISTINCT ?t WHERE { ?s ?p ?t FILTER(isLiteral(?t))
                          FILTER NOT EXISTS { ?s a ?k VALUES ?k { b12kg:SourceDocument b12kg:DocumentSection } } }""",
                     with_labels=False).column("t")
    quoted = []
    for text in texts:
        words = re.findall(r"[a-z0-9]+", text.lower())
        for i in range(len(words) - 7):
            h = hashlib.sha256(" ".join(words[i:i + 8]).encode()).hexdigest()[:16]
            if h in hashes:
                quoted.append(text)
                break
    assert quoted == []


def test_the_quotation_check_can_fail() -> None:
    """The hash fixture does match article text (checked on a window known from its first heading)."""
    hashes = _article_windows()
    words = ["the", "critical", "role", "of", "vitamin", "b12", "in", "nerve", "function"]
    h = hashlib.sha256(" ".join(words[:8]).encode()).hexdigest()[:16]
    assert h in hashes


def test_not_medical_advice_is_stated(kg: KnowledgeGraph) -> None:
    text = kg.query("SELECT ?d WHERE { ?o a owl:Ontology ; b12kg:disclaimer ?d }", with_labels=False).column("d")
    assert text and "Not medical advice" in text[0]
