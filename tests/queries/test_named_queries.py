"""The named queries (``queries/*.rq``): expected answers on both engines, headers, prefixes, parameters,
errors and the CLI.

Each expected answer (``queries/expected/<name>.tsv``) was checked by hand against the article and the
data; a change in the data that alters an answer makes the matching test fail on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import (
    KnowledgeGraph,
    NamedQuery,
    Parameter,
    ParameterError,
    QueryCatalog,
    QueryNotFoundError,
    QuerySyntaxError,
)
from b12kg.cli import cli
from b12kg.core.prefixes import PREFIX_MAP
from b12kg.queries.catalog import load_query_file

CATALOG = QueryCatalog()
NAMES = CATALOG.names()
BACKENDS = ["oxigraph", "rdflib"]
INJECTION = 'x" } DROP ALL #'
#: queries whose answer is meant to include reasoner output (the OWL RL closure); none of the bundled ones
INFERENCE_DEPENDENT: frozenset[str] = frozenset()

#: the queries other code relies on, with the variables and parameters it uses
REQUIRED = {
    "symptoms-by-kind": (["symptom", "kind"], {}),
    "about-concept": (["property", "value"], {"concept": ("iri", "b12kg:vitamin_b12")}),
    "claims-by-section": (["s", "p", "o", "claim"], {"section": ("iri", "b12kg:section_2_spasm_mechanism")}),
}


def expected(name: str) -> str:
    path = CATALOG.get(name).expected_path
    assert path is not None, f"queries/expected/{name}.tsv is missing"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def asserted() -> KnowledgeGraph:
    """The bundled graph without the OWL RL closure, parsed into memory."""
    return KnowledgeGraph.bundled(inferred=False, cache=False)


@pytest.fixture(scope="module")
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """CLI runs use a cache folder of their own (built once for this module), not the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("B12KG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


# -- catalog --------------------------------------------------------------------------------------------

def test_catalog_has_the_competency_queries() -> None:
    assert len(NAMES) >= 22
    for name, (variables, params) in REQUIRED.items():
        q = CATALOG.get(name)
        declared = {p.name: (p.kind, p.default) for p in q.parameters}
        assert declared == params, name
        header = expected(name).splitlines()[0].split("\t")
        assert set(variables) <= set(header), (name, header)


@pytest.mark.parametrize("name", NAMES)
def test_query_has_title_description_and_expected_file(name: str) -> None:
    q = CATALOG.get(name)
    assert q.title and q.title[0].isupper(), name
    assert len(q.description) > 20, name
    assert q.expected_path is not None, f"queries/expected/{name}.tsv is missing"
    for p in q.parameters:
        assert p.default is not None and p.description, (name, p.name)


def test_every_expected_file_belongs_to_a_query() -> None:
    stems = {p.stem for p in (CATALOG.directory / "expected").glob("*.tsv")}
    assert stems - set(NAMES) == set()


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_STRING = re.compile(r'"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_COMMENT = re.compile(r"#[^\n]*")
_PREFIX_LINE = re.compile(r"^PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*$", re.M | re.I)
_PNAME = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:")


def used_prefixes(text: str) -> set[str]:
    """The prefixes of the prefixed names in a query (IRIs, strings and comments skipped)."""
    body = _PREFIX_LINE.sub("", text)
    for pattern in (_IRI, _STRING, _COMMENT):
        body = pattern.sub(" ", body)
    return {m.group(1) or "" for m in _PNAME.finditer(body)}


def test_used_prefixes_finder() -> None:
    text = ('PREFIX b12kg: <https://w3id.org/b12kg/>\nSELECT ?s WHERE { ?s b12kg:causes ?o ;'
            ' rdfs:label "a:b" . ?o a <http://x.org/y#z> FILTER(STRSTARTS(STR(?o), STR(HP:))) } # skos:note')
    assert used_prefixes(text) == {"b12kg", "rdfs", "HP"}


@pytest.mark.parametrize("name", NAMES)
def test_prefix_lines_match_the_prefix_map(name: str) -> None:
    text = CATALOG.get(name).text
    declared = dict(_PREFIX_LINE.findall(text))
    for prefix, namespace in declared.items():
        assert PREFIX_MAP.get(prefix) == namespace, f"{name}: {prefix}: <{namespace}> not in PREFIX_MAP"
    used = used_prefixes(text)
    assert used <= set(declared), f"{name}: prefixes without a PREFIX line: {sorted(used - set(declared))}"
    assert set(declared) <= used, f"{name}: PREFIX lines never used: {sorted(set(declared) - used)}"


# -- expected answers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", NAMES)
def test_answer_equals_expected(kg: KnowledgeGraph, name: str, backend: str) -> None:
    assert kg.run(name, backend=backend).to_tsv() == expected(name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [n for n in NAMES if n not in INFERENCE_DEPENDENT])
def test_answer_does_not_depend_on_inferred_triples(asserted: KnowledgeGraph, name: str) -> None:
    """The queries read asserted facts (like the OWL definitions they mirror), so the OWL RL closure
    changes none of the answers."""
    assert asserted.run(name).to_tsv() == expected(name)


def test_expected_answers_agree_with_the_article(kg: KnowledgeGraph) -> None:
    """Spot checks of the article's facts in the answers (labels, not CURIEs)."""
    kinds = {row["symptom"]: row["kind"] for row in kg.run("symptoms-by-kind").to_dicts(labels=True)}
    assert kinds["muscle spasm"] == "neuromuscular symptom"
    assert kinds["glossitis"] == "oral symptom"
    assert kinds["fatigue"] == "haematological symptom"
    vegan = kg.run("vegan-sources").column("food", labels=True)
    assert vegan == ["fortified breakfast cereal", "fortified plant-based milk", "nutritional yeast"]
    vegetarian = set(kg.run("vegetarian-sources").column("food", labels=True))
    assert {"milk", "cheese", "yogurt", "egg", "nutritional yeast"} <= vegetarian
    assert not vegetarian & {"liver", "beef", "salmon", "clams"}
    ranks = kg.run("food-sources").to_dicts(labels=True)
    assert ranks[0]["group"] == "organ meats" and ranks[-1]["group"] == "fortified foods"
    table = kg.run("comparison-table").to_dicts(labels=True)
    assert [r["characteristic"] for r in table] == [
        "accompanying symptoms", "trigger of spasms", "nutrient imbalance", "neurological basis",
        "reversibility of spasms"]
    assert table[2]["other_mentions"] == "calcium; magnesium; potassium"
    chain = kg.run("spasm-mechanism-chain").to_dicts(labels=True)
    assert chain[0]["cause"] == "vitamin B12 deficiency" and chain[-1]["effect"] == "muscle spasm"
    injections = {r["condition"]: r["course"] for r in kg.run("treatment-by-cause").to_dicts(labels=True)
                  if r["treatment"] == "vitamin B12 injections"}
    assert injections == dict.fromkeys(["pernicious anaemia", "vitamin B12 malabsorption"], "often lifelong")
    # the deficiency that gastric surgery causes (through malabsorption) is treated, not the surgical status
    causes = {r["condition"]: r["treatment"] for r in kg.run("treatment-by-cause").to_dicts(labels=True)
              if r["relation"] == "cause of the deficiency"}
    assert causes["status after gastric surgery"] in ("", None)


# -- parameters -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_about_concept_by_label_curie_or_iri(kg: KnowledgeGraph, backend: str) -> None:
    by_label = kg.run("about-concept", {"concept": "muscle spasm"}, backend=backend).to_tsv()  # type: ignore[arg-type]
    by_curie = kg.run("about-concept", {"concept": "b12kg:muscle_spasm"}, backend=backend).to_tsv()  # type: ignore[arg-type]
    by_iri = kg.run("about-concept", {"concept": "https://w3id.org/b12kg/muscle_spasm"}).to_tsv()
    by_synonym = kg.run("about-concept", {"concept": "Spasm"}).to_tsv()
    assert by_label == by_curie == by_iri == by_synonym
    assert "outgoing\tb12kg:locatedIn\tb12kg:leg\tb12kg:section_2_spasm_mechanism\t" in by_label
    assert by_label != expected("about-concept")


def test_label_parameter_prefers_b12kg_concepts(tmp_path: Path) -> None:
    """An imported term with the same label (its IRI sorts first) does not capture a label parameter."""
    ttl = tmp_path / "labels.ttl"
    ttl.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                   '<http://example.org/other/spasm> rdfs:label "Muscle spasm" .\n'
                   '<https://w3id.org/b12kg/muscle_spasm> rdfs:label "muscle spasm"@en .\n', encoding="utf-8")
    small = KnowledgeGraph.from_files([ttl])
    q = NamedQuery("echo", "SELECT ?c WHERE { }", parameters=(Parameter("c", "iri"),))
    assert small.query(q, {"c": "MUSCLE SPASM"}).column("c") == ["b12kg:muscle_spasm"]


def test_claims_by_section_parameter(kg: KnowledgeGraph) -> None:
    r = kg.run("claims-by-section", {"section": "b12kg:section_6_food_sources"})
    negated = [row for row in r.to_dicts() if row["negated"] == "true"]
    assert negated == [{"s": "b12kg:vitamin_b12", "p": "b12kg:synthesizedBy", "o": "b12kg:plants",
                        "claim": negated[0]["claim"], "negated": "true"}]
    assert len(r) > 50


def test_unknown_parameter_lists_the_valid_ones(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match=r"'concpet'.*valid parameters: concept"):
        kg.run("about-concept", {"concpet": "b12kg:muscle_spasm"})
    with pytest.raises(ParameterError, match=r"valid parameters: source, target"):
        kg.run("causal-path", {"from": "b12kg:vitamin_b12_deficiency"})


def test_unknown_label_for_iri_parameter(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="no concept is called 'no such thing at all'"):
        kg.run("about-concept", {"concept": "no such thing at all"})


def count_triples(kg: KnowledgeGraph, backend: str) -> int:
    r = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", backend=backend)  # type: ignore[arg-type]
    return int(r.column("n")[0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_injection_in_a_string_parameter_is_just_text(asserted: KnowledgeGraph, backend: str) -> None:
    before = count_triples(asserted, backend)
    assert before > 1000
    r = asserted.run("concept-search", {"text": INJECTION}, backend=backend)  # type: ignore[arg-type]
    assert len(r) == 0 and r.variables == ["concept", "matched"]
    assert count_triples(asserted, backend) == before
    with pytest.raises(ParameterError):
        asserted.run("about-concept", {"concept": INJECTION}, backend=backend)  # type: ignore[arg-type]
    assert count_triples(asserted, backend) == before


def test_string_parameter_search(kg: KnowledgeGraph) -> None:
    r = kg.run("concept-search", {"text": "PINS AND"})
    assert r.to_dicts() == [{"concept": "b12kg:paraesthesia", "matched": "pins and needles"}]


# -- errors ---------------------------------------------------------------------------------------------

def test_unknown_query_name_suggests_close_names() -> None:
    with pytest.raises(QueryNotFoundError) as info:
        CATALOG.get("symptom-by-kind")
    assert "symptoms-by-kind" in info.value.suggestions
    assert "Did you mean: symptoms-by-kind" in str(info.value)


BROKEN = """# title: Broken
# description: A query with a misspelt keyword on line 8.
PREFIX b12kg: <https://w3id.org/b12kg/>
SELECT ?s
WHERE {
  ?s b12kg:causes ?o .
}
ORDR BY ?s
"""


def test_syntax_error_shows_the_line(tmp_path: Path, kg: KnowledgeGraph) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(BROKEN, encoding="utf-8")
    q = load_query_file(path)
    with pytest.raises(QuerySyntaxError) as info:
        kg.query(q)
    message = str(info.value)
    assert "query 'broken'" in message
    assert "8 | ORDR BY ?s" in message
    with pytest.raises(QuerySyntaxError, match="query 'broken'"):
        kg.query(q, backend="rdflib")


def test_undeclared_prefix_is_a_syntax_error(kg: KnowledgeGraph) -> None:
    q = NamedQuery("undeclared", "SELECT ?s\nWHERE {\n  ?s foo:bar ?o .\n}\n")
    with pytest.raises(QuerySyntaxError, match=r"3 \|   \?s foo:bar \?o \."):
        kg.query(q)


# -- command line ---------------------------------------------------------------------------------------

def test_cli_lists_queries_with_titles() -> None:
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 0, result.output
    for q in CATALOG:
        assert re.search(rf"^{re.escape(q.name)}\s+{re.escape(q.title)}$", result.output, re.M), q.name


def test_cli_lists_parameters_when_verbose() -> None:
    result = CliRunner().invoke(cli, ["queries", "--verbose"])
    assert result.exit_code == 0, result.output
    assert "--param concept=<iri> (default b12kg:vitamin_b12)" in result.output
    assert "--param text=<string> (default spasm)" in result.output


@pytest.mark.parametrize("name", ["symptoms-by-kind", "comparison-table", "about-concept"])
def test_cli_query_prints_expected_tsv(own_cache: None, name: str) -> None:
    result = CliRunner().invoke(cli, ["query", name, "--format", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.output == expected(name)


def test_cli_query_with_label_parameter(own_cache: None, kg: KnowledgeGraph) -> None:
    result = CliRunner().invoke(cli, ["query", "about-concept", "-p", "concept=muscle spasm", "-f", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.output == kg.run("about-concept", {"concept": "b12kg:muscle_spasm"}).to_tsv()


def test_cli_bad_format_exits_2() -> None:
    result = CliRunner().invoke(cli, ["query", "symptoms-by-kind", "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value" in result.output and "'xml'" in result.output


def test_cli_unknown_query_exits_2_with_suggestion(own_cache: None) -> None:
    result = CliRunner().invoke(cli, ["query", "symptom-by-kind"])
    assert result.exit_code == 2
    assert "no query named 'symptom-by-kind'" in result.output
    assert "Did you mean: symptoms-by-kind" in result.output


def test_cli_unknown_parameter_exits_2(own_cache: None) -> None:
    result = CliRunner().invoke(cli, ["query", "about-concept", "-p", "nope=x"])
    assert result.exit_code == 2
    assert "valid parameters: concept" in result.output


def test_getting_one_query_reads_only_its_file(tmp_path: Path) -> None:
    """A fresh catalog asked for one query reads that file alone and gives what the full listing gives;
    other names (a near miss, a path) still go through the listing and its suggestions."""
    for name in NAMES:
        assert QueryCatalog().get(name) == CATALOG.get(name)
    (tmp_path / "good.rq").write_text("# title: Good\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "bad.rq").write_bytes(b"# title: \xff\nSELECT")
    assert QueryCatalog(tmp_path).get("good").title == "Good"  # the broken neighbour is not read
    with pytest.raises(QueryNotFoundError) as e:
        QueryCatalog(CATALOG.directory).get("symptoms-by-kinds")
    assert "symptoms-by-kind" in str(e.value)
    with pytest.raises(QueryNotFoundError):
        QueryCatalog(tmp_path / "sub").get("../good")
