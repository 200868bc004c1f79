"""The project's one prefix map, used through :mod:`curies` everywhere (CLI, queries, exports, SSSOM).

>>> compress("https://w3id.org/b12kg/muscle_spasm")
'b12kg:muscle_spasm'
>>> expand("HP:0003394")
'http://purl.obolibrary.org/obo/HP_0003394'
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (nor functools) on the cold query path
if TYPE_CHECKING:
    import curies

__all__ = ["PREFIX_MAP", "compress", "compress_fast", "converter", "expand", "expand_fast", "sparql_prologue"]

OBO = "http://purl.obolibrary.org/obo/"

#: prefix -> namespace IRI. The order is the order of PREFIX lines and of serialised prefixes.
PREFIX_MAP: dict[str, str] = {
    "b12kg": "https://w3id.org/b12kg/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "dcterms": "http://purl.org/dc/terms/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "CHEBI": OBO + "CHEBI_",
    "CL": OBO + "CL_",
    "DOID": OBO + "DOID_",
    "FOODON": OBO + "FOODON_",
    "GO": OBO + "GO_",
    "HP": OBO + "HP_",
    "IAO": OBO + "IAO_",
    "MAXO": OBO + "MAXO_",
    "MONDO": OBO + "MONDO_",
    "NCIT": OBO + "NCIT_",
    "OBI": OBO + "OBI_",
    "UBERON": OBO + "UBERON_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "UMLS": "http://linkedlifedata.com/resource/umls/id/",
    "LOINC": "https://loinc.org/",
    "infores": "https://w3id.org/biolink/infores/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sssom": "https://w3id.org/sssom/",
    "obo": OBO,
}


_CONVERTER: list[curies.Converter] = []
#: CURIEs already computed: the exporters compress the same IRIs many times (~100k calls per release)
_COMPRESSED: dict[str, str] = {}
_COMPRESSED_MAX = 1 << 16


def converter() -> curies.Converter:
    """The :class:`curies.Converter` built from :data:`PREFIX_MAP` (imported on first use)."""
    if not _CONVERTER:
        import curies

        _CONVERTER.append(curies.Converter.from_prefix_map(PREFIX_MAP))
    return _CONVERTER[0]


def compress(iri: str) -> str:
    """The CURIE of ``iri`` under the project prefix map, or ``iri`` itself when no prefix fits."""
    found = _COMPRESSED.get(iri)
    if found is None:
        if len(_COMPRESSED) >= _COMPRESSED_MAX:
            _COMPRESSED.clear()
        found = _COMPRESSED[iri] = converter().compress(iri, passthrough=True)
    return found


def expand(value: str) -> str:
    """The IRI of a CURIE (``HP:0003394``) or of ``<iri>``/an IRI, which are returned unchanged.

    Raises :class:`ValueError` for a CURIE whose prefix is not declared.
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if "://" in value or value.startswith("urn:"):
        return value
    iri = converter().expand(value)
    if iri is None:
        prefix = value.split(":", 1)[0] if ":" in value else value
        raise ValueError(
            f"{value!r} is not a CURIE with a declared prefix ({prefix!r} unknown); "
            f"declared: {', '.join(PREFIX_MAP)}"
        )
    return iri


def sparql_prologue(prefixes: tuple[str, ...] | None = None) -> str:
    """PREFIX lines for the given prefixes (default: all), in map order."""
    names = prefixes or tuple(PREFIX_MAP)
    return "".join(f"PREFIX {p}: <{PREFIX_MAP[p]}>\n" for p in names)


# -- import-free twins of compress/expand for the cold `b12kg query` path ------------------------------
# `curies` (with pydantic) costs ~0.2 s to import; a one-shot query and a release build must not pay that.
# These two functions give the same answers as `compress`/`expand` for PREFIX_MAP (longest namespace wins;
# tests/store/test_compiled_and_user_store.py checks every IRI of the graph). They serve the cold query path,
# the pages, and the build: the store's SKOS triples from the SSSOM file (whose curie_map must agree with
# PREFIX_MAP) and the release writers and checks, which abbreviate with PREFIX_MAP only. What reads or writes
# prefix maps of its own (SSSOM, parameter binding, cross-reference checks) uses `curies`.
_BY_LENGTH: list[tuple[str, str]] = sorted(((ns, p) for p, ns in PREFIX_MAP.items()),
                                           key=lambda x: -len(x[0]))


#: the same memo for :func:`compress_fast` (a plain dict: the cold query path imports no ``functools``)
_FAST: dict[str, str] = {}


def compress_fast(iri: str) -> str:
    """Same as :func:`compress` without importing :mod:`curies` (longest namespace wins).

    >>> compress_fast("http://purl.obolibrary.org/obo/HP_0003394")
    'HP:0003394'
    """
    done = _FAST.get(iri)
    if done is not None:
        return done
    curie = iri
    for ns, prefix in _BY_LENGTH:
        if iri.startswith(ns):
            curie = f"{prefix}:{iri[len(ns):]}"
            break
    if len(_FAST) >= _COMPRESSED_MAX:
        _FAST.clear()
    _FAST[iri] = curie
    return curie


def expand_fast(value: str) -> str:
    """Same as :func:`expand` without importing :mod:`curies`.

    >>> expand_fast("b12kg:muscle_spasm")
    'https://w3id.org/b12kg/muscle_spasm'
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if "://" in value or value.startswith("urn:"):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIX_MAP:
        return PREFIX_MAP[prefix] + local
    raise ValueError(
        f"{value!r} is not a CURIE with a declared prefix ({prefix!r} unknown); "
        f"declared: {', '.join(PREFIX_MAP)}"
    )
