"""Layer 1, the core: what every other layer speaks in.

Holds the one prefix map (:mod:`~b12kg.core.prefixes`), backend-neutral RDF terms
(:mod:`~b12kg.core.terms`) and query results (:mod:`~b12kg.core.results`), tables and text for a terminal
(:mod:`~b12kg.core.text`), SPARQL text helpers such as
safe parameter binding (:mod:`~b12kg.core.sparql`), every typed error (:mod:`~b12kg.core.errors`), where
the bundled ontology, data and queries are (:mod:`~b12kg.core.resources`), safe file writes and temporary
folders (:mod:`~b12kg.core.files`), the checked limits and switches read from the environment
(:mod:`~b12kg.core.settings`) and work run under a time limit that really stops it
(:mod:`~b12kg.core.bounded`).

May import: the standard library and third-party libraries only — nothing else of b12kg.
"""

__version__ = "0.1.0"
