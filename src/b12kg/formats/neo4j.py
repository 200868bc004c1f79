"""Neo4j export: CSV files for ``neo4j-admin database import full`` plus example Cypher queries.

The nodes and relationships are those of the KGX export (:func:`b12kg.formats.kgx.kgx_graph`):

* ``nodes.csv``: ``id:ID`` (the CURIE), ``name``, ``description``, ``category:string[]``,
  ``xref:string[]``, ``synonym:string[]``, ``provided_by:string[]`` and ``:LABEL`` (the Biolink
  categories without prefix, e.g. ``SmallMolecule``);
* ``edges.csv``: ``:START_ID``, ``:END_ID``, ``:TYPE`` (the Biolink predicate without prefix,
  e.g. ``has_phenotype``) and the KGX edge properties (``original_predicate``, provenance…): one
  relationship per provenance record, so a statement made in two sections is two relationships, each
  with its own ``source_section`` and ``claim``;
* ``queries.cypher``: the import command and example queries.

Arrays and labels use ``;`` (neo4j-admin's default ``--array-delimiter``); a ``;`` inside a value
becomes ``,``. Rows are sorted, so the files are the same on every run.

>>> from b12kg import KnowledgeGraph
>>> files = neo4j_files(KnowledgeGraph.bundled())
>>> files["nodes.csv"].splitlines()[0].decode()
'id:ID,name,description,category:string[],xref:string[],synonym:string[],provided_by:string[],:LABEL'
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from .kgx import kgx_graph

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = ["EDGE_HEADER", "NODE_HEADER", "QUERIES", "neo4j_files"]

NODE_HEADER = [
    "id:ID",
    "name",
    "description",
    "category:string[]",
    "xref:string[]",
    "synonym:string[]",
    "provided_by:string[]",
    ":LABEL",
]
EDGE_HEADER = [
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "id",
    "predicate",
    "original_predicate",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "publications:string[]",
    "source_section",
    "claim",
]

QUERIES = """\
// b12kg in Neo4j (not medical advice: one popular-science article, for research use).
//
// Import (Neo4j 5; stop the database first):
//   neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv \\
//       --overwrite-destination neo4j
// Node labels are Biolink categories (Disease, PhenotypicFeature, SmallMolecule, Food...), relationship
// types Biolink predicates (has_phenotype, causes, treated_by...); every node has the property `id`
// (a CURIE such as b12kg:vitamin_b12) and every relationship its provenance properties.

// An index on the CURIEs
CREATE INDEX node_id IF NOT EXISTS FOR (n:NamedThing) ON (n.id);

// Symptoms of vitamin B12 deficiency
MATCH (d {id: 'b12kg:vitamin_b12_deficiency'})-[:has_phenotype]->(s:PhenotypicFeature)
RETURN s.id, s.name ORDER BY s.name;

// What causes muscle spasms, directly or through a chain of causes (up to 4 steps)
MATCH p = (c)-[:causes*1..4]->(m {id: 'b12kg:muscle_spasm'})
RETURN [n IN nodes(p) | n.name] AS chain, length(p) AS steps ORDER BY steps, chain;

// Foods that provide vitamin B12, with the food group and the source section of the claim
MATCH (f:Food)-[r:has_nutrient]->(v {id: 'b12kg:vitamin_b12'})
OPTIONAL MATCH (f)-[:member_of]->(g)
RETURN f.name, g.name, r.source_section ORDER BY f.name;

// How the deficiency is treated and diagnosed
MATCH (d {id: 'b12kg:vitamin_b12_deficiency'})-[r:treated_by|is_diagnosed_by]->(x)
RETURN type(r), x.name, r.claim ORDER BY type(r), x.name;

// Relationship counts by Biolink predicate
MATCH ()-[r]->() RETURN type(r) AS predicate, count(*) AS n ORDER BY n DESC, predicate;
"""


def _array(values: list[str]) -> str:
    return ";".join(v.replace(";", ",") for v in values)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _local(curie: str) -> str:
    return curie.split(":", 1)[1] if ":" in curie else curie


def neo4j_files(kg: GraphData) -> dict[str, bytes]:
    """``{"nodes.csv": …, "edges.csv": …, "queries.cypher": …}`` for ``neo4j-admin database import``."""
    g = kgx_graph(kg)
    node_rows = []
    for n in g.nodes:
        labels = sorted({_local(c) for c in n["category"]} | {"NamedThing"})
        node_rows.append(
            [
                n["id"],
                n["name"],
                n["description"],
                _array(n["category"]),
                _array(n["xref"]),
                _array(n["synonym"]),
                _array(n["provided_by"]),
                ";".join(labels),
            ]
        )
    edge_rows = []
    for e in g.edges:
        row: list[Any] = [
            e["subject"],
            e["object"],
            _local(e["predicate"]),
            e["id"],
            e["predicate"],
            e["original_predicate"],
            e["primary_knowledge_source"],
            e["knowledge_level"],
            e["agent_type"],
            _array(e["publications"]),
            e["source_section"],
            e["claim"],
        ]
        edge_rows.append(row)
    return {
        "nodes.csv": _csv(NODE_HEADER, node_rows),
        "edges.csv": _csv(EDGE_HEADER, edge_rows),
        "queries.cypher": QUERIES.encode("utf-8"),
    }
