"""Layer 4, the checks: is the graph right?

Holds SHACL validation (:mod:`~b12kg.checks.shacl`), the ROBOT-style quality-control report of
``queries/qc`` (:mod:`~b12kg.checks.qc`), the cross-reference checker of the SSSOM mappings
(:mod:`~b12kg.checks.xrefs`) and reasoning with HermiT (:mod:`~b12kg.checks.reasoning`).

May import: :mod:`b12kg.core`, :mod:`b12kg.store`, :mod:`b12kg.queries`.
"""
