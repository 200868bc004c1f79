"""Query results: variables and rows of :class:`~b12kg.core.terms.Term`, printable as a text table that fits
the terminal (labels with their CURIEs, long text wrapped inside its column, never cut) and writable as
CSV, TSV or JSON (CURIEs).

:func:`format_table` is the one table renderer of b12kg (query results, the QC report, ``b12kg show``):
it wraps long cells within their column at a given width, breaks no word unless the word alone is wider
than its column, and shows control characters (BEL, CR, ESC…) as visible escapes (:func:`printable`).
It and the other text functions live in :mod:`b12kg.core.text` (and :func:`written_variables` in
:mod:`b12kg.core.sparql`), which a cold ``b12kg query`` uses without this module; they are named here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .sparql import written_variables
from .terms import Term
from .text import cell_text, display_width, format_table, printable, result_table, wrap_text

__all__ = ["QueryResult", "display_width", "format_table", "printable", "wrap_text", "written_variables"]


@dataclass
class QueryResult:
    """The answer of a SELECT (rows), ASK (``boolean``) or CONSTRUCT query (rows of subject/predicate/object).

    ``labels`` maps IRIs to their English label, so tables show names beside the CURIEs.

    >>> r = QueryResult(["s"], [(Term.iri("https://w3id.org/b12kg/fatigue"),)],
    ...                 labels={"https://w3id.org/b12kg/fatigue": "fatigue"})
    >>> r.to_tsv()
    's\\nb12kg:fatigue\\n'
    >>> print(r.to_table())
    s
    -----------------------
    fatigue (b12kg:fatigue)
    (1 row)
    >>> print(r.to_table(ids=False))
    s
    -------
    fatigue
    (1 row)
    """

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    boolean: bool | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        for row in self.rows:
            yield dict(zip(self.variables, row, strict=False))

    # -- cell rendering -------------------------------------------------------------------
    def cell(self, term: Term | None, labels: bool = False, ids: bool = False) -> str:
        """A cell as text: an IRI as CURIE (or its label when ``labels``, followed by the CURIE in
        parentheses when ``ids`` too), a literal as its value."""
        if term is None:
            return ""
        return cell_text(term.kind, term.value, self.labels if labels else None, ids)

    def values(self, labels: bool = False, ids: bool = False) -> list[list[str]]:
        """All rows as lists of text cells."""
        return [[self.cell(t, labels, ids) for t in row] for row in self.rows]

    def column(self, name: str, labels: bool = False) -> list[str]:
        """One column as text cells."""
        i = self.variables.index(name)
        return [self.cell(row[i], labels) for row in self.rows]

    def in_written_order(self, query: str) -> QueryResult:
        """The result with the columns of a ``SELECT *`` in the order the query first names them.

        Engines list the variables of ``SELECT *`` alphabetically or in their own order; people expect the
        order of the pattern they wrote. Other queries are returned unchanged.

        >>> r = QueryResult(["o", "p", "s"], [(Term.literal("3"), Term.literal("2"), Term.literal("1"))])
        >>> r.in_written_order("SELECT * WHERE { ?s ?p ?o }").to_tsv()
        's\\tp\\to\\n1\\t2\\t3\\n'
        """
        order = written_variables(query)
        if order is None or self.boolean is not None or not self.variables:
            return self
        rank = {v: i for i, v in enumerate(order)}
        index = sorted(range(len(self.variables)),
                       key=lambda i: (rank.get(self.variables[i], len(rank)), i))
        if index == list(range(len(self.variables))):
            return self
        return QueryResult([self.variables[i] for i in index], [tuple(r[i] for i in index) for r in self.rows],
                           self.boolean, self.labels)

    # -- writers --------------------------------------------------------------------------
    def _delimited(self, delimiter: str, labels: bool) -> str:
        import csv
        import io

        buf = io.StringIO()
        if self.boolean is not None:
            return f"boolean\n{str(self.boolean).lower()}\n"
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        w.writerow(self.variables)
        w.writerows(self.values(labels))
        return buf.getvalue()

    def to_csv(self, labels: bool = False) -> str:
        """CSV with a header row; IRIs as CURIEs."""
        return self._delimited(",", labels)

    def to_tsv(self, labels: bool = False) -> str:
        """TSV with a header row; IRIs as CURIEs."""
        return self._delimited("\t", labels)

    def to_json(self, labels: bool = False) -> str:
        """JSON: ``{"variables": [...], "rows": [{var: value}]}``, IRIs as CURIEs, unbound cells omitted."""
        import json

        if self.boolean is not None:
            return json.dumps({"boolean": self.boolean}) + "\n"
        rows = [
            {v: self.cell(t, labels) for v, t in zip(self.variables, row, strict=False) if t is not None}
            for row in self.rows
        ]
        return json.dumps({"variables": self.variables, "rows": rows}, indent=2, ensure_ascii=False) + "\n"

    def to_table(self, labels: bool = True, *, ids: bool = True, width: int | None = None) -> str:
        """A plain-text table: each IRI as its label followed by its CURIE (``ids=False``: the label only;
        ``labels=False``: the CURIE only), in the query's column order.

        ``width`` (e.g. the terminal's) wraps long cells inside their columns so that the table fits;
        ``None`` keeps every row on one line. No text is ever cut off.
        """
        if self.boolean is not None:
            return "yes" if self.boolean else "no"
        return result_table(self.variables, self.values(labels, ids), width)

    def to_dicts(self, labels: bool = False) -> list[dict[str, str]]:
        """Rows as dictionaries of text (handy for ``pandas.DataFrame``)."""
        return [dict(zip(self.variables, r, strict=False)) for r in self.values(labels)]


def sort_key(row: Sequence[Term | None]) -> tuple[tuple[str, str], ...]:
    """A stable sort key for rows (unbound sorts first)."""
    return tuple(("", "") if t is None else (t.kind, t.value) for t in row)

