"""Layer 3, the queries: asking the graph questions.

Holds the catalog of named queries in ``queries/*.rq`` (:mod:`~b12kg.queries.catalog`), turning
parameter values into RDF terms (:mod:`~b12kg.queries.binding`), label lookups
(:mod:`~b12kg.queries.lookup`), running a query on an engine with its labels
(:mod:`~b12kg.queries.run`) and the graph's statistics (:mod:`~b12kg.queries.stats`); the query header
and lookup texts that a cold ``b12kg query`` needs, in plain data (:mod:`~b12kg.queries.cold`).

May import: :mod:`b12kg.core`, :mod:`b12kg.store`.
"""
