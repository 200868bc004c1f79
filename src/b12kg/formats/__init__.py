"""Layer 5, the formats: the graph going out to other tools, and external terms coming in.

Holds the one registry of export and result formats that feeds the CLI and the API
(:mod:`~b12kg.formats.registry`), the deterministic RDF writers (:mod:`~b12kg.formats.rdf`), KGX
(:mod:`~b12kg.formats.kgx`), Neo4j (:mod:`~b12kg.formats.neo4j`), OBO Graphs
(:mod:`~b12kg.formats.obographs`), the SSSOM export (:mod:`~b12kg.formats.mappings`), import-module
extraction (:mod:`~b12kg.formats.imports`) and the release build (:mod:`~b12kg.formats.release`).

May import: :mod:`b12kg.core`, :mod:`b12kg.store`, :mod:`b12kg.queries`, :mod:`b12kg.checks`.
"""
