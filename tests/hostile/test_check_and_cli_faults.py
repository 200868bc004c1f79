"""Faults of issue 9 fixed by the SHACL and command-line work: an empty shapes file or QC profile fails, one
shapes path is accepted, a bare ``query`` points at the list, output onto an input is refused, an unknown
CURIE as a concept is an error."""

from __future__ import annotations

from pathlib import Path

from hostile_helpers import assert_clean_failure, invoke_b12kg


def test_validate_with_a_shapes_file_holding_no_shapes_fails(tmp_path: Path) -> None:
    empty = tmp_path / "no-shapes.ttl"
    empty.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    assert_clean_failure(invoke_b12kg(["validate", "--shapes", str(empty)]), "no SHACL shapes")


def test_api_validate_with_one_shapes_path(tmp_path: Path) -> None:
    from b12kg import KnowledgeGraph

    shapes = tmp_path / "s.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n[] a sh:NodeShape ; sh:targetNode [] .\n",
                      encoding="utf-8")
    KnowledgeGraph.bundled().validate(shapes=str(shapes))  # type: ignore[arg-type]  # one path, not its letters


def test_qc_with_an_empty_profile_fails(tmp_path: Path) -> None:
    empty = tmp_path / "profile.tsv"
    empty.write_text("", encoding="utf-8")
    assert_clean_failure(invoke_b12kg(["qc", "--profile", str(empty)]), str(empty))


def test_query_without_arguments_points_at_the_list() -> None:
    assert_clean_failure(invoke_b12kg(["query"]), "b12kg queries")


def test_output_onto_an_input_is_refused(tmp_path: Path) -> None:
    same = tmp_path / "same.ttl"
    same.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    before = same.read_bytes()
    assert_clean_failure(invoke_b12kg(["export", "-f", "nt", "-o", str(same), "--add", str(same)]), str(same))
    assert same.read_bytes() == before


def test_an_unknown_curie_as_concept_is_an_error() -> None:
    assert_clean_failure(invoke_b12kg(["query", "about-concept", "-p", "concept=HP:9999999"]), "HP:9999999")
