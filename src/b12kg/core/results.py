"""Query results: variables and rows of :class:`~b12kg.core.terms.Term`, printable with labels and writable
as CSV, TSV or JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .prefixes import compress_fast as compress  # same answers as curies, no import cost
from .terms import Term

__all__ = ["QueryResult"]


@dataclass
class QueryResult:
    """The answer of a SELECT (rows), ASK (``boolean``) or CONSTRUCT query (rows of subject/predicate/object).

    ``labels`` maps IRIs to their English label, so tables show names instead of bare IRIs.

    >>> r = QueryResult(["s"], [(Term.iri("https://w3id.org/b12kg/fatigue"),)],
    ...                 labels={"https://w3id.org/b12kg/fatigue": "fatigue"})
    >>> r.to_tsv()
    's\\nb12kg:fatigue\\n'
    >>> print(r.to_table())
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
    def cell(self, term: Term | None, labels: bool = False) -> str:
        """A cell as text: an IRI as CURIE (or its label when ``labels``), a literal as its value."""
        if term is None:
            return ""
        if term.kind == "iri":
            if labels and term.value in self.labels:
                return self.labels[term.value]
            return compress(term.value)
        if term.kind == "bnode":
            return f"_:{term.value}"
        return term.value

    def values(self, labels: bool = False) -> list[list[str]]:
        """All rows as lists of text cells."""
        return [[self.cell(t, labels) for t in row] for row in self.rows]

    def column(self, name: str, labels: bool = False) -> list[str]:
        """One column as text cells."""
        i = self.variables.index(name)
        return [self.cell(row[i], labels) for row in self.rows]

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

    def to_table(self, labels: bool = True, max_width: int = 60) -> str:
        """A plain-text table with labels instead of IRIs (CURIEs where no label is known)."""
        if self.boolean is not None:
            return "yes" if self.boolean else "no"
        cells = [[_clip(c, max_width) for c in row] for row in self.values(labels)]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(self.variables)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(self.variables, widths, strict=False)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells]
        n = len(self.rows)
        lines.append(f"({n} row{'s' if n != 1 else ''})")
        return "\n".join(lines)

    def to_dicts(self, labels: bool = False) -> list[dict[str, str]]:
        """Rows as dictionaries of text (handy for ``pandas.DataFrame``)."""
        return [dict(zip(self.variables, r, strict=False)) for r in self.values(labels)]


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def sort_key(row: Sequence[Term | None]) -> tuple[tuple[str, str], ...]:
    """A stable sort key for rows (unbound sorts first)."""
    return tuple(("", "") if t is None else (t.kind, t.value) for t in row)
