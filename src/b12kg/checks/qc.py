"""Quality control of the ontology and data, in the style of ROBOT's report: each check is a SPARQL query
(``queries/qc/<check>.rq``) returning ``?entity ?property ?value``, with a level (ERROR, WARN, INFO, or
OFF to skip it) in an editable profile (``queries/qc/profile.tsv``: columns check, level, description).

Checks look at native terms only (the b12kg namespace): imported terms are checked against their source.
A native individual is any b12kg IRI typed with a class of the ontology, whether or not it is also declared
``owl:NamedIndividual`` (a check's query says ``$NATIVE_TERMS`` for the pattern that finds them all).
Inferred statements (the ``inferred`` named graph) are never checked. Each check says how to fix what it
finds (a ``# fix:`` line in its query, filled in with the finding's entity, property and value).

A run that examines nothing fails: a profile without checks, or a graph without native terms, raises
:class:`~b12kg.core.errors.NothingCheckedError` instead of reporting a clean graph.

>>> from b12kg import KnowledgeGraph
>>> report = run_qc(KnowledgeGraph.bundled())
>>> report.counts()["ERROR"]
0
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import B12kgError, NothingCheckedError, QCProfileError, QuerySyntaxError
from ..core.prefixes import PREFIX_MAP, compress_fast
from ..core.resources import queries_dir
from ..core.results import format_table, printable

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = [
    "FAIL_ON",
    "LEVELS",
    "Check",
    "Finding",
    "QCProfileError",
    "QCReport",
    "default_profile_path",
    "load_profile",
    "run_qc",
]

#: levels of a check, most severe first; OFF in a profile skips the check
LEVELS = ("ERROR", "WARN", "INFO")
FAIL_ON = ("error", "warn", "none")
INFERRED_GRAPH = PREFIX_MAP["b12kg"] + "graph/inferred"
#: placeholder in a check's text that the runner replaces with ``("PREFIX" "namespace")`` rows
DECLARED_PREFIXES = "$DECLARED_PREFIXES"
#: placeholder in a check's text for a pattern binding ``?entity`` to every native term and ``?kind`` to
#: "class", "property" or "individual" (an individual: declared ``owl:NamedIndividual``, or simply typed
#: with a class of the ontology, so that a contributor's undeclared individual is checked too)
NATIVE_TERMS = "$NATIVE_TERMS"
_DECLARATIONS = ("(owl:Class \"class\") (owl:ObjectProperty \"property\") (owl:DatatypeProperty \"property\") "
                 "(owl:AnnotationProperty \"property\") (owl:NamedIndividual \"individual\")")
NATIVE_TERMS_PATTERN = f"""{{
    VALUES (?nativeDeclaration ?kind) {{ {_DECLARATIONS} }}
    ?entity a ?nativeDeclaration .
  }} UNION {{
    ?entity a ?nativeClass .
    ?nativeClass a owl:Class .
    FILTER NOT EXISTS {{
      VALUES ?nativeOther {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                             owl:NamedIndividual }}
      ?entity a ?nativeOther .
    }}
    BIND("individual" AS ?kind)
  }}
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "{PREFIX_MAP['b12kg']}"))"""


@dataclass(frozen=True)
class Check:
    """A QC check: its name, level, description, SPARQL text and how to fix a finding (``fix``, with
    ``{entity}``, ``{property}`` and ``{value}`` filled in per finding)."""

    name: str
    level: str
    description: str
    text: str
    path: Path
    fix: str = ""

    def fix_for(self, entity: str, property: str, value: str) -> str:
        """The fix of one finding."""
        return (self.fix.replace("{entity}", entity).replace("{property}", property)
                .replace("{value}", value))


@dataclass(frozen=True, order=True)
class Finding:
    """One row of the report; ``entity``, ``property`` and ``value`` are CURIEs when possible."""

    rank: int
    check: str
    entity: str
    property: str
    value: str
    level: str = field(compare=False)
    fix: str = field(default="", compare=False)

    def row(self) -> tuple[str, str, str, str, str, str]:
        return (self.level, self.check, self.entity, self.property, self.value, self.fix)


def default_profile_path() -> Path:
    """The bundled profile, ``queries/qc/profile.tsv``."""
    return queries_dir() / "qc" / "profile.tsv"


def load_profile(path: str | Path | None = None) -> list[Check]:
    """The checks of a profile file (default: the bundled one), in file order; OFF checks are left out.

    A check's query is ``<check>.rq`` beside the profile, else in the bundled ``queries/qc/``.
    """
    path = Path(path) if path else default_profile_path()
    if not path.is_file():
        raise QCProfileError(f"{path}: no such QC profile")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise QCProfileError(f"{path}: not a QC profile (a binary file, not UTF-8 text); a profile is a TSV file "
                             f"with columns check, level, description, like {default_profile_path()}")
    checks: list[Check] = []
    seen: set[str] = set()
    lines = text.splitlines()
    listed = 0
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if no == 1 and cells[:2] == ["check", "level"]:
            continue
        if len(cells) < 2:
            raise QCProfileError(
                f"{path}, line {no}: expected 'check<TAB>level<TAB>description', got {line!r}"
            )
        name, level = cells[0], cells[1].upper()
        description = cells[2] if len(cells) > 2 else ""
        if level not in (*LEVELS, "OFF"):
            raise QCProfileError(
                f"{path}, line {no}: level {cells[1]!r} of check {name!r} is not one of "
                f"{', '.join((*LEVELS, 'OFF'))}"
            )
        if name in seen:
            raise QCProfileError(f"{path}, line {no}: check {name!r} is listed twice")
        seen.add(name)
        listed += 1
        if level == "OFF":
            continue
        query = next(
            (p for p in (path.parent / f"{name}.rq", queries_dir() / "qc" / f"{name}.rq") if p.is_file()),
            None,
        )
        if query is None:
            raise QCProfileError(
                f"{path}, line {no}: no query file {name}.rq for check {name!r} "
                f"(looked in {path.parent} and {queries_dir() / 'qc'})"
            )
        query_text = query.read_text(encoding="utf-8")
        checks.append(Check(name, level, description, query_text, query, _fix(query_text)))
    if not checks:
        why = "every check is OFF" if listed else "it lists no check"
        raise QCProfileError(f"{path}: the QC profile would check nothing ({why}); list checks as "
                                  f"'check<TAB>level<TAB>description' lines, like {default_profile_path()}")
    return checks


def _fix(text: str) -> str:
    """The ``# fix:`` lines of a check's header, joined."""
    import re

    return " ".join(m.group(1).strip() for m in re.finditer(r"^\s*#\s*fix:(.*)$", text, re.M))


def _declared_prefix_rows() -> str:
    return " ".join(f'("{p}" "{ns}")' for p, ns in PREFIX_MAP.items() if p != "obo")


def _show(term: Any) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress_fast(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


@dataclass
class QCReport:
    """The findings of a QC run, sorted by level, check, entity, property and value."""

    checks: list[Check]
    findings: list[Finding]
    terms: int = 0  #: native terms examined

    def counts(self) -> dict[str, int]:
        """Number of findings per level (every level present, possibly 0)."""
        c = Counter(f.level for f in self.findings)
        return {level: c.get(level, 0) for level in LEVELS}

    def summary(self) -> str:
        """One line: counts per level and number of checks."""
        counts = self.counts()
        examined = f", {self.terms:,} b12kg terms" if self.terms else ""
        return (
            f"QC: {counts['ERROR']} ERROR, {counts['WARN']} WARN, {counts['INFO']} INFO "
            f"({len(self.checks)} checks{examined})"
        )

    def failed(self, fail_on: str = "error") -> bool:
        """Whether the run fails at ``fail_on`` (``error``, ``warn`` or ``none``)."""
        if fail_on not in FAIL_ON:
            raise B12kgError(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(FAIL_ON)}")
        counts = self.counts()
        if fail_on == "error":
            return counts["ERROR"] > 0
        if fail_on == "warn":
            return counts["ERROR"] + counts["WARN"] > 0
        return False

    def rows(self, check: str | None = None) -> list[tuple[str, str, str]]:
        """``(entity, property, value)`` rows, optionally of one check only."""
        return [(f.entity, f.property, f.value) for f in self.findings if check is None or f.check == check]

    _HEAD = ("level", "check", "entity", "property", "value", "fix")

    def to_tsv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(self._HEAD)
        for f in self.findings:
            w.writerow([c.replace("\t", " ").replace("\n", "\\n") for c in f.row()])
        return buf.getvalue()

    def to_table(self, width: int | None = None) -> str:
        """The findings as a text table (wrapped to ``width`` columns), then the summary line."""
        if not self.findings:
            return self.summary() + "\n"
        return format_table(self._HEAD, [f.row() for f in self.findings], width=width) + "\n\n" + self.summary() + "\n"

    def to_markdown(self) -> str:
        def cell(s: str) -> str:
            return printable(s).replace("|", "\\|")

        out = [
            "# b12kg QC report",
            "",
            self.summary(),
            "",
            "| level | check | entity | property | value | fix |",
            "|---|---|---|---|---|---|",
        ]
        out += ["| " + " | ".join(cell(c) for c in f.row()) + " |" for f in self.findings]
        out += ["", "## Checks", "", "| check | level | description |", "|---|---|---|"]
        out += [f"| {c.name} | {c.level} | {cell(c.description)} |" for c in self.checks]
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "summary": self.counts(),
                    "terms": self.terms,
                    "checks": [
                        {"check": c.name, "level": c.level, "description": c.description} for c in self.checks
                    ],
                    "findings": [dict(zip(self._HEAD, f.row(), strict=True)) for f in self.findings],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def format(self, fmt: str, width: int | None = None) -> str:
        """The report as ``table`` (wrapped to ``width`` columns), ``tsv``, ``json`` or ``markdown``."""
        writers = {
            "table": lambda: self.to_table(width),
            "tsv": self.to_tsv,
            "json": self.to_json,
            "markdown": self.to_markdown,
        }
        if fmt not in writers:
            raise B12kgError(f"unknown QC format {fmt!r}; choose one of {', '.join(writers)}")
        return writers[fmt]()


def run_qc(
    kg: GraphData,
    profile: str | Path | None = None,
    *,
    only: Sequence[str] | None = None,
    checks: Iterable[Check] | None = None,
) -> QCReport:
    """Run the checks of ``profile`` (default: the bundled one) on ``kg`` and collect the findings.

    ``only`` restricts the run to the named checks. The inferred named graph is not checked.
    """
    import pyoxigraph as ox

    selected = list(checks) if checks is not None else load_profile(profile)
    if only:
        known = {c.name for c in selected}
        unknown = [n for n in only if n not in known]
        if unknown:
            raise QCProfileError(
                f"unknown QC check {unknown[0]!r}; checks of the profile: {', '.join(sorted(known))}"
            )
        selected = [c for c in selected if c.name in set(only)]
    store = kg.store
    graphs: list[Any] = [
        g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value == INFERRED_GRAPH)
    ]
    graphs.append(ox.DefaultGraph())
    b12kg = PREFIX_MAP["b12kg"]
    count = f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{b12kg}")) }}'
    terms = int(next(iter(store.query(count, default_graph=graphs)))["n"].value)
    if not terms:
        raise NothingCheckedError(
            f"QC examined nothing: the graph says nothing about any b12kg term (no statement has a subject under "
            f"{b12kg}); QC checks b12kg's own terms only")
    findings: set[Finding] = set()
    for check in selected:
        text = check.text.replace(DECLARED_PREFIXES, _declared_prefix_rows()).replace(
            NATIVE_TERMS, NATIVE_TERMS_PATTERN)
        try:
            solutions = store.query(text, default_graph=graphs, prefixes=PREFIX_MAP)
        except SyntaxError as e:
            raise QuerySyntaxError(f"QC check {check.name!r} ({check.path})", str(e), text) from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise QCProfileError(f"QC check {check.name!r} ({check.path}) must be a SELECT query")
        rank = LEVELS.index(check.level)
        for sol in solutions:
            entity, prop, value = _show(sol["entity"]), _show(sol["property"]), _show(sol["value"])
            findings.add(Finding(rank, check.name, entity, prop, value, check.level,
                                 check.fix_for(entity, prop, value)))
    return QCReport(selected, sorted(findings), terms)
