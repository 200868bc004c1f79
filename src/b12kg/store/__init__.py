"""Layer 2, the store: where the triples live and the engines that answer SPARQL over them.

Holds the sources of a graph and their named graphs (:mod:`~b12kg.store.sources`), the SSSOM mapping
set that generates the mapping triples (:mod:`~b12kg.store.sssom`), readers of external ontology files
(:mod:`~b12kg.store.ontology_files`), the OWL RL closure (:mod:`~b12kg.store.closure`), the
:class:`~b12kg.store.dataset.Dataset` that engines, checks and exporters work on
(:mod:`~b12kg.store.dataset`), the compiled on-disk cache (:mod:`~b12kg.store.compiled`, built on the
plain-data checks of :mod:`~b12kg.store.cold` that a cold ``b12kg query`` uses alone), small verified
cache entries (:mod:`~b12kg.store.entries`), the user store
of ``b12kg load`` (:mod:`~b12kg.store.userstore`), the Oxigraph and rdflib engines
(:mod:`~b12kg.store.engines`) and remote SPARQL endpoints (:mod:`~b12kg.store.remote`).

May import: :mod:`b12kg.core`.
"""
