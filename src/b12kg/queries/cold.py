"""The parts of a named query that a cold ``b12kg query`` needs, in plain data and without ``re``: the
query file's header, the SPARQL text of the label lookups, and what they answer.

The catalog (:mod:`b12kg.queries.catalog`), the parameter binding (:mod:`b12kg.queries.concepts`) and
the label lookup (:mod:`b12kg.queries.lookup`) are written on top of these functions, so the cold path and
every other caller read a header, find a concept by its name and pick a label the same way.

>>> param_fields("concept iri default=b12kg:muscle_spasm -- the concept to describe")
('concept', 'iri', 'b12kg:muscle_spasm', 'the concept to describe')
"""

from __future__ import annotations

from ..core.prefixes import PREFIX_MAP

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["EXACT_SYNONYM", "RDFS_LABEL", "exact_name_query", "header_fields", "is_query_name", "is_safe_iri",
           "label_query", "param_fields", "pick_labels", "requires_fields"]

B12KG = PREFIX_MAP["b12kg"]
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EXACT_SYNONYM = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"
_KINDS = ("iri", "string", "integer")


# -- the header of a query file ------------------------------------------------------------------------
def _word(c: str) -> bool:
    """``\\w`` of :mod:`re` (a Unicode letter or digit, or ``_``)."""
    return c.isalnum() or c == "_"


def is_query_name(name: str) -> bool:
    """Whether ``name`` can only be a file of the query folder itself: ``[\\w-][\\w.-]*``."""
    return bool(name) and (_word(name[0]) or name[0] == "-") and all(_word(c) or c in ".-" for c in name[1:])


def _tail(rest: str) -> tuple[bool, str | None]:
    """``\\s*(?:--\\s*(.*))?$`` against ``rest`` (which holds no line break): (matched, the description)."""
    rest = rest.lstrip()
    if not rest:
        return True, None
    if rest.startswith("--"):
        return True, rest[2:].lstrip()
    return False, None


def param_fields(value: str) -> tuple[str, str, str | None, str] | None:
    """``(name, kind, default, description)`` of the text of a ``# param:`` line (after the colon,
    stripped), or ``None`` when it does not read ``NAME iri|string|integer [default=V] [-- text]``.

    The same reading as the pattern ``^(\\w+)\\s+(iri|string|integer)(?:\\s+default=(\\S+))?\\s*(?:--\\s*(.*))?$``
    (``tests/queries/test_catalog.py`` compares them), written out so that reading a header needs no ``re``.
    """
    n = len(value)
    i = 0
    while i < n and _word(value[i]):
        i += 1
    j = i
    while j < n and value[j].isspace():
        j += 1
    if i == 0 or j == i:
        return None
    for kind in _KINDS:
        if not value.startswith(kind, j):
            continue
        rest = value[j + len(kind):]
        k = len(rest) - len(rest.lstrip())
        if k and rest.startswith("default=", k):  # (?:\s+default=(\S+))? — greedy, giving back as it must
            start = end = k + len("default=")
            while end < len(rest) and not rest[end].isspace():
                end += 1
            for stop in range(end, start, -1):
                ok, description = _tail(rest[stop:])
                if ok:
                    return value[:i], kind, rest[start:stop], (description or "").strip()
        ok, description = _tail(rest)
        if ok:
            return value[:i], kind, None, (description or "").strip()
    return None


def header_fields(text: str) -> tuple[str, str, list[tuple[str, str, str | None, str]]]:
    """Title, description and parameters (as :func:`param_fields`) from the leading comment lines of a
    query; a bad ``# param:`` line is a :class:`ValueError` (see :func:`b12kg.queries.catalog.parse_header`)."""
    title = description = ""
    params: list[tuple[str, str, str | None, str]] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        body = s.lstrip("#").strip()
        key, _, value = body.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            fields = param_fields(value)
            if fields is None:
                expected = "NAME iri|string|integer [default=V] [-- text]"
                raise ValueError(f"bad '# param:' line {line!r}: expected {expected!r}")
            params.append(fields)
    return title, description, params


def requires_fields(text: str) -> tuple[str, ...]:
    """The graph kinds named by ``# requires:`` lines of a query header, sorted."""
    found: set[str] = set()
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            break
        key, _, value = s.lstrip("#").partition(":")
        if key.strip().lower() == "requires":
            found.update(value.replace(",", " ").split())
    return tuple(sorted(found))


# -- labels ---------------------------------------------------------------------------------------
def is_safe_iri(iri: str) -> bool:
    """Whether ``iri`` can be written as ``<iri>`` in a query: ``[^<>"{}|^`\\\\\\x00-\\x20]+``."""
    return bool(iri) and not any(c in '<>"{}|^`\\' or c <= " " for c in iri)


def label_query(iris: Iterable[str]) -> str | None:
    """The query for the English labels (``rdfs:label``) of ``iris`` (``None`` when there is none to ask)."""
    wanted = sorted({i for i in iris if is_safe_iri(i)})
    if not wanted:
        return None
    values = " ".join(f"<{i}>" for i in wanted)
    return (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?l "
            'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }')


def pick_labels(rows: Iterable[Sequence[tuple[str, str] | None]]) -> dict[str, str]:
    """The label of each IRI from the rows of :func:`label_query`, each cell ``(kind, value)`` or ``None``:
    the smallest label where there are several."""
    out: dict[str, str] = {}
    for row in rows:
        if len(row) != 2:  # a remote endpoint that answers something else: no labels from it
            continue
        s, label = row
        if s is None or label is None or s[0] != "iri":
            continue
        if s[1] not in out or label[1] < out[s[1]]:
            out[s[1]] = label[1]
    return out


def exact_name_query() -> str:
    """The query for the b12kg term whose label or synonym is ``?v`` up to case (English or untagged
    names; terms with an English label first, then by IRI): one query for the usual concept parameter."""
    return f"""
    SELECT ?s WHERE {{
      VALUES ?field {{ rdfs:label oboInOwl:hasExactSynonym oboInOwl:hasRelatedSynonym }}
      ?s ?field ?text .
      FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{B12KG}"))
      FILTER(lang(?text) = "" || langMatches(lang(?text), "en"))
      FILTER(LCASE(STR(?text)) = LCASE(STR(?v)))
    }}
    ORDER BY (IF(EXISTS {{ ?s rdfs:label ?l FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }}, 0, 1)) STR(?s)
    LIMIT 1"""
