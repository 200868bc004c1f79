"""Quality control of the ontology and data, in the style of ROBOT's report: each check is a SPARQL query
(``queries/qc/<check>.rq``) returning ``?entity ?property ?value``, with a level (ERROR, WARN, INFO, or
OFF to skip it) in an editable profile (``queries/qc/profile.tsv``: columns check, level, description).

Checks look at native terms only (the b12kg namespace): imported terms are checked against their source.
Inferred statements (the ``inferred`` named graph) are never checked.

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

from ..core.errors import B12kgError, QCProfileError, QuerySyntaxError
from ..core.prefixes import PREFIX_MAP, compress
from ..core.resources import queries_dir

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


@dataclass(frozen=True)
class Check:
    """A QC check: its name, level, description and SPARQL text."""

    name: str
    level: str
    description: str
    text: str
    path: Path


@dataclass(frozen=True, order=True)
class Finding:
    """One row of the report; ``entity``, ``property`` and ``value`` are CURIEs when possible."""

    rank: int
    check: str
    entity: str
    property: str
    value: str
    level: str = field(compare=False)

    def row(self) -> tuple[str, str, str, str, str]:
        return (self.level, self.check, self.entity, self.property, self.value)


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
    checks: list[Check] = []
    seen: set[str] = set()
    lines = path.read_text(encoding="utf-8").splitlines()
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
        checks.append(Check(name, level, description, query.read_text(encoding="utf-8"), query))
    return checks


def _declared_prefix_rows() -> str:
    return " ".join(f'("{p}" "{ns}")' for p, ns in PREFIX_MAP.items() if p != "obo")


def _show(term: Any) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


@dataclass
class QCReport:
    """The findings of a QC run, sorted by level, check, entity, property and value."""

    checks: list[Check]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        """Number of findings per level (every level present, possibly 0)."""
        c = Counter(f.level for f in self.findings)
        return {level: c.get(level, 0) for level in LEVELS}

    def summary(self) -> str:
        """One line: counts per level and number of checks."""
        counts = self.counts()
        return (
            f"QC: {counts['ERROR']} ERROR, {counts['WARN']} WARN, {counts['INFO']} INFO "
            f"({len(self.checks)} checks)"
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

    _HEAD = ("level", "check", "entity", "property", "value")

    def to_tsv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(self._HEAD)
        for f in self.findings:
            w.writerow([c.replace("\t", " ").replace("\n", "\\n") for c in f.row()])
        return buf.getvalue()

    def to_table(self) -> str:
        rows = [tuple(c.replace("\n", "\\n") for c in f.row()) for f in self.findings]
        if not rows:
            return self.summary() + "\n"
        widths = [max(len(r[i]) for r in [self._HEAD, *rows]) for i in range(5)]
        out = [
            "  ".join(h.ljust(w) for h, w in zip(self._HEAD, widths, strict=True)).rstrip(),
            "  ".join("-" * w for w in widths),
        ]
        out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        return "\n".join(out) + "\n\n" + self.summary() + "\n"

    def to_markdown(self) -> str:
        def cell(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", "<br>")

        out = [
            "# b12kg QC report",
            "",
            self.summary(),
            "",
            "| level | check | entity | property | value |",
            "|---|---|---|---|---|",
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

    def format(self, fmt: str) -> str:
        """The report as ``table``, ``tsv``, ``json`` or ``markdown``."""
        writers = {
            "table": self.to_table,
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
    findings: set[Finding] = set()
    for check in selected:
        text = check.text.replace(DECLARED_PREFIXES, _declared_prefix_rows())
        try:
            solutions = store.query(text, default_graph=graphs, prefixes=PREFIX_MAP)
        except SyntaxError as e:
            raise QuerySyntaxError(f"QC check {check.name!r} ({check.path})", str(e), text) from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise QCProfileError(f"QC check {check.name!r} ({check.path}) must be a SELECT query")
        rank = LEVELS.index(check.level)
        for sol in solutions:
            findings.add(
                Finding(
                    rank,
                    check.name,
                    _show(sol["entity"]),
                    _show(sol["property"]),
                    _show(sol["value"]),
                    check.level,
                )
            )
    return QCReport(selected, sorted(findings))
