"""Both SHACL engines on generated data: copies of the curated data with planted defects of several kinds give
the same results in the compiled engine and in pyshacl (a file of its own: pyshacl takes minutes here, and the
test runs in a worker of its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12kg import KnowledgeGraph
from b12kg.core.resources import ontology_file

S = "b12kg:shapes/"

@pytest.mark.slow
def test_generated_data_engines_agree(tmp_path: Path) -> None:
    """Copies of the curated data with planted defects of several kinds: both engines find the same results."""
    import pyoxigraph as ox

    base = KnowledgeGraph.bundled(cache=False, inferred=False)
    data = ox.NamedNode("https://w3id.org/b12kg/graph/data")
    b12 = "https://w3id.org/b12kg/"
    quads = list(base.store.quads_for_pattern(None, None, None, data))
    out = []
    for n in range(2):
        def rename(t: ox.NamedNode | ox.BlankNode | ox.Literal, n: int = n) -> ox.NamedNode | ox.BlankNode | ox.Literal:
            if isinstance(t, ox.NamedNode) and t.value.startswith(b12) and "_" in t.value[len(b12):]:
                return ox.NamedNode(f"{t.value}__c{n}")
            if isinstance(t, ox.BlankNode):
                return ox.BlankNode(f"{t.value}c{n}")
            if isinstance(t, ox.Literal) and t.language:
                return ox.Literal(f"{t.value} {n}", language=t.language)
            return t
        out += [ox.Triple(rename(q.subject), q.predicate, rename(q.object)) for q in quads]
    label, spasm = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.NamedNode(b12 + "muscle_spasm__c0")
    out = [t for t in out if not (t.subject == spasm and t.predicate == label)]  # a missing label
    out.append(ox.Triple(ox.NamedNode(b12 + "milk__c1"), ox.NamedNode(b12 + "hasSymptom"), spasm))  # out of domain
    out.append(ox.Triple(ox.NamedNode(b12 + "milk__c1"), ox.NamedNode(b12 + "sourceOff"), spasm))  # undeclared
    generated = tmp_path / "generated.nt"
    generated.write_bytes(ox.serialize(out, format=ox.RdfFormat.N_TRIPLES))
    kg = KnowledgeGraph.from_files([ontology_file(), generated])
    ours, theirs = kg.validate(), kg.validate(engine="pyshacl")
    assert ours.results == theirs.results
    assert {r.shape for r in ours.results} >= {S + "LabelExactlyOne", S + "EdgeShape", S + "PropertyDeclaredShape"}
