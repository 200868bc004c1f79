"""A symptom differential: the causes of muscle spasms in the graph, ranked by how well the article's claims
fit what was observed, with the evidence for every step.

The causes are read from the graph, never listed by hand: every condition that ``causes`` a form of muscle
spasm (``b12kg:formOf``), such as vitamin B12 deficiency, dehydration, muscle fatigue and electrolyte
imbalance. Each observation — a symptom, or context such as a diet, a group of people or what brought the
spasms on — is resolved to a concept of the graph (labels, synonyms, plurals, CURIEs and external IDs such
as HP IDs through the mappings; see :func:`b12kg.queries.concepts.resolve`), then linked to each cause
through the curated statements and the article's comparison table (:class:`Link`).

**The scoring rule.** For each cause and each observation, the strongest link counts:

============================================================================== ======
link                                                                           points
============================================================================== ======
the observation is the cause itself, or a form of it                             3
a finding of the cause: a symptom (``hasSymptom``), a symptom accompanying the     2
spasms it causes (``accompaniedBy``, or the comparison table's cell), a
consequence on a chain of ``causes``/``formOf`` statements, a raised marker
(``elevatedIn``), a lacking nutrient (``nutrientImbalance``), another cell of the
table, or an underlying cause of it (``causes`` leading to it)
context: a risk factor (``riskFactorFor``, also through a diet a group            1
``follows``), a trigger of the spasms it causes or what they clear with
(``triggeredBy``, ``resolvedBy``, or the table's trigger and reversibility
cells), a group in which an observed symptom of it is especially common
(``commonIn``)
the article denies the link (a negative statement, e.g. spasms from other        −2
causes have no underlying nerve damage); a denial outweighs any other link
no link                                                                            0
============================================================================== ======

A cause's score is the sum over the observations. Causes are ranked by score; equal scores share a rank
(listed alphabetically). The ranking says which causes the article's claims fit best, not how likely a
cause is. **Not medical advice.**

>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> run = executor(Dataset.bundled(), "oxigraph")
>>> d = explain(run, ["spasms", "numbness", "fatigue"])
>>> [(c.label, c.score) for c in d.causes][:2]
[('vitamin B12 deficiency', 6), ('dehydration', 2)]
>>> d.causes[0].explained == d.observations
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ConceptNotFoundError, ParameterError
from ..core.prefixes import compress_fast
from .concepts import resolve
from .curated import CuratedGraph, Statement, b12kg, section_numbers
from .lookup import Execute
from .reading import NOT_MEDICAL_ADVICE, WIDTH, cited, wrapped

__all__ = [
    "POINTS",
    "SCORING_RULE",
    "CauseRanking",
    "Differential",
    "Link",
    "Observation",
    "TestEvidence",
    "explain",
    "observe",
    "rank_causes",
]

#: points per group of link (see the module docstring)
POINTS = {"itself": 3, "finding": 2, "context": 1, "denied": -2}
#: the scoring rule in one paragraph (printed with every differential)
SCORING_RULE = (
    "Scoring: for each cause and observation the strongest link the article makes counts: the cause itself 3, "
    "a finding of it (symptom, accompanying symptom, consequence, raised marker, lacking nutrient, "
    "comparison-table cell, underlying cause) 2, context (risk factor, trigger, what the spasms clear with, "
    "group in which a symptom is common) 1, a link the article denies -2, none 0. Equal scores share a rank. "
    "The score measures how well the article's claims fit, not how likely a cause is."
)

MUSCLE_SPASM = b12kg("muscle_spasm")
CAUSES, FORM_OF = b12kg("causes"), b12kg("formOf")
_DIAGNOSED = (b12kg("diagnosedBy"), b12kg("confirmedBy"))
#: comparison-table characteristics whose mentions are context (what brings the spasms on, what they clear
#: with) rather than findings
_TABLE_CONTEXT = {b12kg("characteristic_trigger"), b12kg("characteristic_reversibility")}
#: the relations in the order they are shown (strongest kinds first)
RELATIONS = ("the cause itself", "a form of it", "symptom", "accompanies its spasms", "lacking nutrient",
             "raised in it", "comparison table", "consequence", "underlying cause", "risk factor",
             "follows a diet that is a risk factor", "trigger of its spasms", "its spasms clear with it",
             "especially common in this group",
             "denied by the article")
#: words a context phrase may start with that name no concept ("after strenuous exercise", "on a vegan diet",
#: "resolves with rest")
_LEADING = frozenset({"a", "after", "an", "being", "by", "during", "eating", "following", "from", "improves",
                      "in", "on", "relieved", "resolved", "resolves", "the", "while", "with"})


# -- the model -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observation:
    """Something observed: the text given, its role (``symptom`` or ``context``) and the concept it names."""

    text: str
    role: str
    iri: str
    label: str

    @property
    def curie(self) -> str:
        return compress_fast(self.iri)


@dataclass(frozen=True)
class Link:
    """One way the article connects a concept to a cause: a relation, its group and the statements behind it.

    ``steps`` run in the order the statements lead (from the cause to a finding, or from a risk factor to
    the cause); a step taken from the comparison table has the table's characteristic as its predicate.
    """

    concept: str
    relation: str
    group: str
    steps: tuple[Statement, ...]

    @property
    def points(self) -> int:
        return POINTS[self.group]


@dataclass
class CauseRanking:
    """A cause with its score, what it explains and what the article links to it."""

    iri: str
    label: str
    score: int = 0
    rank: int = 0
    tied: bool = False
    matched: dict[str, list[Link]] = field(default_factory=dict)  # observation IRI -> links (best first)
    points: dict[str, int] = field(default_factory=dict)  # observation IRI -> points
    explained: list[Observation] = field(default_factory=list)
    unexplained: list[Observation] = field(default_factory=list)
    denied: list[Observation] = field(default_factory=list)
    #: "findings" / "ask about" -> (concept IRI, relation) linked to the cause but not observed
    not_observed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    tests: list[str] = field(default_factory=list)

    @property
    def curie(self) -> str:
        return compress_fast(self.iri)


@dataclass
class TestEvidence:
    """A diagnostic test the article links to some of the causes, with the statements that link them."""

    iri: str
    label: str
    links: dict[str, list[tuple[Statement, ...]]] = field(default_factory=dict)  # cause IRI -> chains

    @property
    def causes(self) -> list[str]:
        return list(self.links)


@dataclass
class Differential:
    """The ranked causes for some observations, the tests that tell them apart and the comparison table."""

    graph: CuratedGraph
    observations: list[Observation]
    causes: list[CauseRanking]
    tests: list[TestEvidence]
    table: list[tuple[str, list[tuple[str, str, str]]]]  # (characteristic, [(spasm type IRI, summary, cite)])
    spasm_types: dict[str, list[str]]  # spasm type IRI -> cause IRIs

    @property
    def untested(self) -> list[str]:
        """The causes for which the article names no test of their own (only tests shared by every cause)."""
        specific = {c for t in self.tests if len(t.causes) < len(self.causes) for c in t.causes}
        return [c.iri for c in self.causes if c.iri not in specific]

    # -- output ----------------------------------------------------------------------------------------
    def _term(self, iri: str) -> dict[str, str]:
        return {"iri": iri, "curie": compress_fast(iri), "label": self.graph.label(iri)}

    def _step(self, s: Statement) -> dict[str, Any]:
        return {"subject": self._term(s.subject), "predicate": self._term(s.predicate),
                "object": self._term(s.object), "from_comparison_table": self._is_table(s),
                "evidence": [e.to_dict() for e in s.evidence]}

    def _is_table(self, s: Statement) -> bool:
        return self.graph.is_a(s.predicate, "b12kg:ComparisonCharacteristic")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of the whole differential (IRIs, CURIEs and labels for every term)."""
        return {
            "question": "Which causes of muscle spasms do the article's claims fit best?",
            "observations": [{"text": o.text, "role": o.role, **self._term(o.iri)} for o in self.observations],
            "points": POINTS,
            "scoring": SCORING_RULE,
            "causes": [{
                "rank": c.rank, "tied": c.tied, **self._term(c.iri), "score": c.score,
                "explains": [o.curie for o in c.explained],
                "unexplained": [o.curie for o in c.unexplained],
                "denied": [o.curie for o in c.denied],
                "matches": [{"observation": compress_fast(iri), "points": c.points[iri], "links": [
                    {"relation": link.relation, "group": link.group, "points": link.points,
                     "steps": [self._step(s) for s in link.steps]} for link in links]}
                    for iri, links in c.matched.items()],
                "not_observed": {k: [{**self._term(i), "relation": r} for i, r in v]
                                 for k, v in c.not_observed.items()},
                "tests": [compress_fast(t) for t in c.tests],
            } for c in self.causes],
            "tests": [{**self._term(t.iri), "causes": [compress_fast(c) for c in t.causes],
                       "tells_causes_apart": len(t.causes) < len(self.causes),
                       "links": [{"cause": compress_fast(c), "steps": [self._step(s) for s in chain]}
                                 for c, chains in t.links.items() for chain in chains]} for t in self.tests],
            "no_specific_test": [compress_fast(c) for c in self.untested],
            "comparison_table": [{"characteristic": ch, "cells": [
                {"spasm_type": self._term(t), "causes": [compress_fast(c) for c in self.spasm_types.get(t, [])],
                 "summary": summary, "section": cite} for t, summary, cite in cells]} for ch, cells in self.table],
            "disclaimer": NOT_MEDICAL_ADVICE,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def _observed_line(self) -> list[str]:
        out = []
        for role, title in (("symptom", "Observed"), ("context", "Context")):
            names = [o.label if o.text.casefold() == o.label.casefold() else f"{o.label} ('{o.text}')"
                     for o in self.observations if o.role == role]
            if names:
                out.append(f"{title}: {', '.join(names)}")
        return out

    def _links_text(self, links: list[Link]) -> str:
        """``symptom (§3, §7); consequence through neuropathy (§2, §3)`` — each relation once."""
        merged: dict[str, list[Any]] = {}
        for link in links:
            via = [self.graph.label(s.object) for s in link.steps[:-1]] if link.relation == "consequence" else []
            name = link.relation + (f" through {', '.join(via)}" if via else "")
            merged.setdefault(name, []).extend(e for s in link.steps for e in s.evidence)
        return "; ".join(f"{name} ({section_numbers(ev)})" for name, ev in merged.items())

    def _named(self, item: tuple[str, str]) -> str:
        """A concept as listed among what was not observed: "lack of magnesium", "raised homocysteine"."""
        iri, relation = item
        prefix = {"lacking nutrient": "lack of ", "raised in it": "raised "}.get(relation, "")
        return prefix + self.graph.label(iri)

    def _statement_text(self, s: Statement) -> str:
        if self._is_table(s):
            return (f"comparison table, {self.graph.label(s.predicate)} of "
                    f"{self.graph.label(s.subject)}: mentions {self.graph.label(s.object)}")
        return f"{self.graph.label(s.subject)} --{self.graph.label(s.predicate)}--> {self.graph.label(s.object)}"

    def to_table(self, width: int = WIDTH) -> str:
        """The differential for an 80-column terminal: the ranking, then each cause with its evidence."""
        g = self.graph
        n = len(self.observations)
        lines = [wrapped("Causes of muscle spasms ranked by how well the article's claims fit", width)]
        lines += [wrapped(x, width, 0, 2) for x in self._observed_line()]
        lines += [wrapped(NOT_MEDICAL_ADVICE, width), ""]
        name_w = max([len("cause")] + [len(c.label) for c in self.causes])
        lines.append(f"{'rank':<5} {'cause':<{name_w}}  {'score':>5}  explains  denied by the article")
        for c in self.causes:
            rank = f"{c.rank}{'=' if c.tied else ''}"
            denied = ", ".join(o.label for o in c.denied)
            lines.append(f"{rank:<5} {c.label:<{name_w}}  {c.score:>5}  {len(c.explained)} of {n:<3}  "
                         f"{denied}".rstrip())
        for c in self.causes:
            lines += ["", f"{c.rank}{'=' if c.tied else ''}. {c.label} ({c.score} point{'s' if c.score != 1 else ''})"]
            label_w = max([len(o.label) for o in self.observations] + [4])
            for o in self.observations:
                pts = c.points.get(o.iri, 0)
                if pts:
                    lines.append(wrapped(self._links_text(c.matched[o.iri]), width,
                                         prefix=f"   {o.label:<{label_w}}  {pts:+d}  "))
            if c.unexplained:
                lines.append(wrapped(", ".join(o.label for o in c.unexplained), width, 3, 3,
                                     prefix="not explained by it: "))
            for group, title in _NOT_OBSERVED_TITLES:
                if c.not_observed.get(group):
                    lines.append(wrapped(", ".join(self._named(i) for i in c.not_observed[group]), width, 3, 3,
                                         prefix=f"{title}: "))
            shown: set[tuple[str, str, str, bool]] = set()
            evidence = [s for links in c.matched.values() for link in links for s in link.steps]
            if evidence:
                lines.append("   evidence:")
            for s in evidence:
                if s.key in shown:
                    continue
                shown.add(s.key)
                lines.append(wrapped(("NOT: " if s.negated else "") + self._statement_text(s), width, 5, 4))
                lines += [cited(e.cite, e.claim, width, 8) for e in s.evidence]
        lines += ["", "Tests the article links to these causes:"]
        for t in self.tests:
            who = ("every cause" if len(t.causes) == len(self.causes)
                   else ", ".join(g.label(c) for c in t.causes))
            lines.append(wrapped(f"   {t.label}: {who}", width, 0, 6))
            seen: set[tuple[str, str, str, bool]] = set()
            for chains in t.links.values():
                for chain in chains:
                    for s in chain:
                        if s.key not in seen and s.predicate in (*_DIAGNOSED, b12kg("measures")):
                            seen.add(s.key)
                            lines += [cited(e.cite, e.claim, width, 8) for e in s.evidence]
        if self.untested:
            untested = ", ".join(g.label(c) for c in self.untested)
            lines.append(wrapped(f"The article names no test of its own for: {untested}.", width, 3, 3))
        lines += ["", "The article's comparison table (§4) tells the kinds of spasm apart:"]
        for ch, cells in self.table:
            lines.append(f"   {ch}")
            for kind, summary, _cite in cells:
                who = ", ".join(g.label(c) for c in self.spasm_types.get(kind, []))
                lines.append(wrapped(f"- {who}: {summary}", width, 6, 2))
        lines += ["", wrapped(SCORING_RULE, width), wrapped(NOT_MEDICAL_ADVICE, width)]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """The differential as Markdown: a ranking table, a section per cause, the tests and the table."""
        g = self.graph
        out = ["# Causes of muscle spasms ranked by how well the article's claims fit", ""]
        out += [f"**{line.split(':', 1)[0]}:**{line.split(':', 1)[1]}  " for line in self._observed_line()]
        out += ["", f"> **{NOT_MEDICAL_ADVICE}**", "", "| rank | cause | score | explains | denied by the article |",
                "|---:|---|---:|---:|---|"]
        for c in self.causes:
            denied = ", ".join(o.label for o in c.denied)
            out.append(f"| {c.rank}{'=' if c.tied else ''} | {_md(c.label)} | {c.score} | "
                       f"{len(c.explained)} of {len(self.observations)} | {_md(denied)} |")
        for c in self.causes:
            out += ["", f"## {c.rank}{'=' if c.tied else ''}. {_md(c.label)} ({c.score} points)", ""]
            for o in self.observations:
                pts = c.points.get(o.iri, 0)
                if not pts:
                    continue
                out.append(f"- **{_md(o.label)}** ({pts:+d})")
                for link in c.matched[o.iri]:
                    out.append(f"  - {_md(link.relation)} ({link.points:+d})")
                    for s in link.steps:
                        out.append(f"    - {'not: ' if s.negated else ''}{_md(self._statement_text(s))}")
                        out += [f"      - {e.cite} {_md(e.claim)}" for e in s.evidence]
            if c.unexplained:
                out.append(f"- not explained by it: {_md(', '.join(o.label for o in c.unexplained))}")
            for group, title in _NOT_OBSERVED_TITLES:
                if c.not_observed.get(group):
                    out.append(f"- {title}: {_md(', '.join(self._named(i) for i in c.not_observed[group]))}")
        out += ["", "## Tests the article links to these causes", ""]
        for t in self.tests:
            who = "every cause" if len(t.causes) == len(self.causes) else ", ".join(g.label(c) for c in t.causes)
            out.append(f"- **{_md(t.label)}**: {_md(who)}")
            for cause, chains in t.links.items():
                for chain in chains:
                    steps = "; ".join(self._statement_text(s) for s in chain)
                    cites = section_numbers(e for s in chain for e in s.evidence)
                    out.append(f"  - {_md(g.label(cause))}: {_md(steps)} ({cites})")
        if self.untested:
            untested = ", ".join(g.label(c) for c in self.untested)
            out.append(f"- the article names no test of its own for: {_md(untested)}")
        out += ["", "## The article's comparison table (§4)", "", "| characteristic | "
                + " | ".join(_md(", ".join(g.label(c) for c in self.spasm_types.get(t, []))) for t, _, _ in
                             (self.table[0][1] if self.table else [])) + " |"]
        out.append("|---|" + "---|" * (len(self.table[0][1]) if self.table else 0))
        for ch, cells in self.table:
            out.append(f"| {_md(ch)} | " + " | ".join(_md(s) for _, s, _ in cells) + " |")
        out += ["", _md(SCORING_RULE), "", f"> **{NOT_MEDICAL_ADVICE}**"]
        return "\n".join(out) + "\n"


_NOT_OBSERVED_TITLES = (("findings", "also linked to it, not observed"), ("ask about", "to ask about"))


def _md(text: str) -> str:
    """Text safe inside Markdown table cells and emphasis."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


# -- reading the observations ---------------------------------------------------------------------------
def _resolve(execute: Execute, text: str) -> str:
    """The concept a phrase names; leading words such as "after" or "on a" are dropped if needed."""
    try:
        return resolve(execute, text)
    except ConceptNotFoundError as first:
        words = text.split()
        while words and words[0].casefold() in _LEADING:
            words = words[1:]
        if words and len(words) < len(text.split()):
            try:
                return resolve(execute, " ".join(words))
            except ConceptNotFoundError:
                pass
        raise first from None


def observe(execute: Execute, symptoms: Iterable[str], context: Iterable[str] = ()) -> list[Observation]:
    """The concepts that symptoms and context name (each once, in the order given).

    Raises :class:`~b12kg.core.errors.ParameterError` when no symptom is given and
    :class:`~b12kg.core.errors.ConceptNotFoundError` (with the closest names) for text that names nothing.
    """
    given = [("symptom", s) for s in symptoms] + [("context", c) for c in context]
    if not any(role == "symptom" and text.strip() for role, text in given):
        raise ParameterError("no symptom given: name at least one (e.g. --symptom 'muscle spasm')")
    out: list[Observation] = []
    seen: set[str] = set()
    from .lookup import labels

    for role, text in given:
        if not text.strip():
            raise ParameterError(f"an empty {role} was given: name a {role} or leave the option out")
        iri = _resolve(execute, text)
        if iri not in seen:
            seen.add(iri)
            out.append(Observation(text.strip(), role, iri, ""))
    names = labels(execute, seen)
    return [Observation(o.text, o.role, o.iri, names.get(o.iri, compress_fast(o.iri))) for o in out]


# -- what the article links to each cause -------------------------------------------------------------------
def _is_spasm_form(g: CuratedGraph, iri: str) -> bool:
    seen, todo = {iri}, [iri]
    while todo:
        x = todo.pop()
        if x == MUSCLE_SPASM:
            return True
        for s in g.out(x, FORM_OF):
            if s.object not in seen:
                seen.add(s.object)
                todo.append(s.object)
    return False


def candidate_causes(g: CuratedGraph) -> dict[str, list[Statement]]:
    """Every condition that causes a form of muscle spasm, with those ``causes`` statements (sorted by label)."""
    found: dict[str, list[Statement]] = {}
    for s in g.statements:
        if s.predicate == CAUSES and not s.negated and g.is_a(s.subject, "b12kg:Condition") and _is_spasm_form(
                g, s.object):
            found.setdefault(s.subject, []).append(s)
    return {k: found[k] for k in sorted(found, key=lambda i: (g.label(i).casefold(), i))}


def _chains(g: CuratedGraph, start: str, predicates: tuple[str, ...], *, backwards: bool = False
            ) -> dict[str, tuple[Statement, ...]]:
    """The shortest chain of ``predicates`` statements from ``start`` to every concept it reaches
    (to ``start`` from every concept reaching it, when ``backwards``), in statement order."""
    chains: dict[str, tuple[Statement, ...]] = {start: ()}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            steps = g.into(node) if backwards else g.out(node)
            for s in sorted(steps, key=lambda s: (g.label(s.predicate), g.label(s.subject), g.label(s.object))):
                other = s.subject if backwards else s.object
                if s.predicate in predicates and other not in chains:
                    chains[other] = (s, *chains[node]) if backwards else (*chains[node], s)
                    nxt.append(other)
        frontier = nxt
    del chains[start]
    return chains


def cause_links(g: CuratedGraph, cause: str, causing: Sequence[Statement]) -> list[Link]:
    """Every link the article makes between ``cause`` and a concept (see the module's scoring rule).

    ``causing`` are the statements by which the cause causes a form of muscle spasm.
    """
    links: list[Link] = []
    forms = {s.object: s for s in causing}
    first = causing[0]
    links.append(Link(cause, "the cause itself", "itself", (first,)))
    for s in g.into(cause, FORM_OF):
        links.append(Link(s.subject, "a form of it", "itself", (s,)))
    for s in g.out(cause, "b12kg:hasSymptom"):
        links.append(Link(s.object, "symptom", "finding", (s,)))
    for form, via in forms.items():
        for s in g.out(form, "b12kg:accompaniedBy"):
            links.append(Link(s.object, "accompanies its spasms", "finding", (via, s)))
        for s in g.out(form, "b12kg:nutrientImbalance"):
            links.append(Link(s.object, "lacking nutrient", "finding", (via, s)))
        for s in g.out(form, "b12kg:triggeredBy"):
            links.append(Link(s.object, "trigger of its spasms", "context", (via, s)))
        for s in g.out(form, "b12kg:resolvedBy"):
            links.append(Link(s.object, "its spasms clear with it", "context", (via, s)))
        for cell in g.cells:
            if cell.spasm_type != form:
                continue
            group = "context" if cell.characteristic in _TABLE_CONTEXT else "finding"
            for m in cell.mentions:
                step = Statement(form, cell.characteristic, m, (cell.evidence,))
                links.append(Link(m, f"comparison table: {cell.characteristic_label}", group, (via, step)))
        for s in g.into(form, CAUSES, negated=True):
            links.append(Link(s.subject, "denied by the article", "denied", (s,)))
    for s in g.into(cause, CAUSES, negated=True):
        links.append(Link(s.subject, "denied by the article", "denied", (s,)))
    for s in g.out(cause, "b12kg:nutrientImbalance"):
        links.append(Link(s.object, "lacking nutrient", "finding", (s,)))
    for concept, chain in _chains(g, cause, (CAUSES, FORM_OF)).items():
        links.append(Link(concept, "consequence", "finding", chain))
    for p in ("b12kg:elevatedIn", "b12kg:biomarkerOf"):
        for s in g.into(cause, p):
            links.append(Link(s.subject, "raised in it", "finding", (s,)))
    for concept, chain in _chains(g, cause, (CAUSES,), backwards=True).items():
        links.append(Link(concept, "underlying cause", "finding", chain))
    for s in g.into(cause, "b12kg:riskFactorFor"):
        links.append(Link(s.subject, "risk factor", "context", (s,)))
        for f in g.into(s.subject, "b12kg:follows"):
            links.append(Link(f.subject, "follows a diet that is a risk factor", "context", (f, s)))
    return links


def _common_in(g: CuratedGraph, cause: str, observed: set[str]) -> list[Link]:
    """Groups in which an observed symptom of ``cause`` is especially common (``commonIn``)."""
    out = []
    for s in g.out(cause, "b12kg:hasSymptom"):
        if s.object in observed:
            out += [Link(c.object, "especially common in this group", "context", (s, c))
                    for c in g.out(s.object, "b12kg:commonIn")]
    return out


def _tests(g: CuratedGraph, cause: str, causing: Sequence[Statement]) -> dict[str, list[tuple[Statement, ...]]]:
    """The tests linked to a cause, each with the chains of statements that link it."""
    found: dict[str, list[tuple[Statement, ...]]] = {}

    def add(test: str, chain: tuple[Statement, ...]) -> None:
        if chain not in found.setdefault(test, []):
            found[test].append(chain)

    for p in _DIAGNOSED:
        for s in g.out(cause, p):
            add(s.object, (s,))
        for form in g.into(cause, FORM_OF):
            for s in g.out(form.subject, p):
                add(s.object, (form, s))
        for step in g.out(cause, CAUSES):
            for s in g.out(step.object, p):
                add(s.object, (step, s))
        for via in causing:
            chain: tuple[Statement, ...] = (via,)
            for s in g.out(via.object, p):
                add(s.object, (*chain, s))
            for up in g.out(via.object, FORM_OF):
                for s in g.out(up.object, p):
                    add(s.object, (*chain, up, s))
    for marker in g.into(cause, "b12kg:elevatedIn"):
        for s in g.into(marker.subject, "b12kg:measures"):
            add(s.subject, (marker, s))
    return found


_OBSERVABLE = ("b12kg:ClinicalFinding", "b12kg:Condition")


def _not_observed(g: CuratedGraph, cause: str, links: list[Link], observed: set[str]
                  ) -> dict[str, list[tuple[str, str]]]:
    """What the article links to a cause that was not observed, as (concept, relation): ``findings``
    (symptoms, signs, markers, lacking nutrients, table entries, conditions it leads to) and ``ask about``
    (risk factors, triggers, underlying causes)."""
    best: dict[str, Link] = {}
    for link in sorted(links, key=_link_order):
        if link.concept in observed or link.concept == cause or link.group in ("itself", "denied"):
            continue
        if g.is_a(link.concept, "b12kg:MuscleSpasmType"):  # the kinds of spasm the causes are told apart by
            continue
        if link.relation == "consequence" and not any(g.is_a(link.concept, k) for k in _OBSERVABLE):
            continue
        best.setdefault(link.concept, link)
    listed: dict[str, list[tuple[str, str]]] = {}
    for concept, link in sorted(best.items(), key=lambda kv: (g.label(kv[0]).casefold(), kv[0])):
        group = "ask about" if link.group == "context" or link.relation == "underlying cause" else "findings"
        listed.setdefault(group, []).append((concept, link.relation))
    return {k: listed[k] for k in ("findings", "ask about") if k in listed}


def _link_order(link: Link) -> tuple[int, int, int, str]:
    name = link.relation.split(":", 1)[0]
    return (-link.points, RELATIONS.index(name) if name in RELATIONS else len(RELATIONS), len(link.steps),
            link.relation)


# -- ranking ----------------------------------------------------------------------------------------------
def rank_causes(g: CuratedGraph, observations: Sequence[Observation]) -> Differential:
    """Score every cause of muscle spasms against ``observations`` (see the module docstring)."""
    observed = {o.iri for o in observations}
    ranked: list[CauseRanking] = []
    tests: dict[str, TestEvidence] = {}
    spasm_types: dict[str, list[str]] = {}
    for cause, causing in candidate_causes(g).items():
        c = CauseRanking(cause, g.label(cause))
        for s in causing:
            spasm_types.setdefault(s.object, []).append(cause)
        links = cause_links(g, cause, causing) + _common_in(g, cause, observed)
        by_concept: dict[str, list[Link]] = {}
        for link in links:
            by_concept.setdefault(link.concept, []).append(link)
        for o in observations:
            found = by_concept.get(o.iri, [])
            if any(link.group == "denied" for link in found):
                pts = POINTS["denied"]
                found = [link for link in found if link.group == "denied"]
            else:
                pts = max((link.points for link in found), default=0)
            if pts:
                c.matched[o.iri] = sorted(found, key=_link_order)
                c.points[o.iri] = pts
            (c.explained if pts > 0 else c.denied if pts < 0 else c.unexplained).append(o)
        c.score = sum(c.points.values())
        c.not_observed = _not_observed(g, cause, links, observed)
        for test, chains in _tests(g, cause, causing).items():
            tests.setdefault(test, TestEvidence(test, g.label(test))).links[cause] = chains
            c.tests.append(test)
        c.tests.sort(key=lambda t: (g.label(t).casefold(), t))
        ranked.append(c)
    ranked.sort(key=lambda c: (-c.score, c.label.casefold(), c.iri))
    for c in ranked:
        same = [x for x in ranked if x.score == c.score]
        c.rank = ranked.index(same[0]) + 1
        c.tied = len(same) > 1
    table: list[tuple[str, list[tuple[str, str, str]]]] = []
    for cell in g.cells:
        if cell.spasm_type not in spasm_types:
            continue
        if not table or table[-1][0] != cell.characteristic_label:
            table.append((cell.characteristic_label, []))
        table[-1][1].append((cell.spasm_type, cell.summary, cell.evidence.cite))
    ordered_tests = sorted(tests.values(), key=lambda t: (len(t.links), t.label.casefold(), t.iri))
    return Differential(g, list(observations), ranked, ordered_tests, table, spasm_types)


def explain(execute: Execute, symptoms: Iterable[str], context: Iterable[str] = (),
            graph: CuratedGraph | None = None) -> Differential:
    """Resolve the observations and rank the causes of muscle spasms (see the module docstring)."""
    observations = observe(execute, symptoms, context)
    return rank_causes(graph or CuratedGraph.load(execute), observations)
