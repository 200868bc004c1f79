"""Chains of curated statements linking two concepts, shortest first, each step with its evidence.

:func:`find_chains` follows the curated statements of a :class:`~b12kg.queries.curated.CuratedGraph` from
one concept to another in the direction they are stated (subject to object: "vitamin B12 deficiency
*causes* neuropathy", then "neuropathy *causes* numbness"), never visiting a concept twice, and returns
every chain of at most ``max_length`` steps, shortest first. The steps of a chain are in the order the
statements lead, so a causal chain reads from cause to effect, and each step carries every section and
claim of the article that states it. The article's negative claims are never followed.

Ties between chains of one length are broken by the labels along them, so the answer is the same on every
run and every engine.

>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> g = CuratedGraph.load(executor(Dataset.bundled(), "oxigraph"))
>>> r = find_chains(g, "b12kg:vitamin_b12_deficiency", "b12kg:numbness", max_length=4, via=["causes"])
>>> for chain in r.chains:
...     print(" > ".join(g.label(n) for n in chain.nodes))
vitamin B12 deficiency > neuropathy > numbness
vitamin B12 deficiency > demyelination > disrupted nerve signalling > numbness
vitamin B12 deficiency > raised homocysteine level > homocysteine neurotoxicity > neuropathy > numbness
>>> print(r.chains[0].steps[0].evidence[0].cite)
§2
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ParameterError
from ..core.prefixes import compress_fast
from .curated import CuratedGraph, Statement, _iri
from .reading import NOT_MEDICAL_ADVICE, WIDTH, cited, wrapped

__all__ = ["MAX_LENGTH", "Chain", "ChainResult", "find_chains"]

#: the longest chain :func:`find_chains` accepts to look for
MAX_LENGTH = 12
#: partial chains explored before the search stops and says it stopped
_BUDGET = 200_000


@dataclass(frozen=True)
class Chain:
    """A chain of curated statements, each step's object the next step's subject."""

    steps: tuple[Statement, ...]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def nodes(self) -> tuple[str, ...]:
        """The concepts along the chain, from its start to its end."""
        return (self.steps[0].subject, *(s.object for s in self.steps)) if self.steps else ()


@dataclass
class ChainResult:
    """The chains from ``source`` to ``target`` (shortest first) and how they were looked for."""

    graph: CuratedGraph
    source: str
    target: str
    max_length: int
    chains: list[Chain] = field(default_factory=list)
    total: int = 0
    via: tuple[str, ...] = ()
    truncated: bool = False
    reverse: int = 0  # chains found the other way round, when none was found this way

    # -- output ---------------------------------------------------------------------------------------
    def _term(self, iri: str) -> dict[str, str]:
        return {"iri": iri, "curie": compress_fast(iri), "label": self.graph.label(iri)}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary: the endpoints, the search's limits and every chain with its evidence."""
        return {
            "source": self._term(self.source),
            "target": self._term(self.target),
            "max_length": self.max_length,
            "via": [compress_fast(p) for p in self.via],
            "found": self.total,
            "shown": len(self.chains),
            "search_stopped_early": self.truncated,
            "chains_the_other_way": self.reverse,
            "chains": [{"length": len(c), "steps": [
                {"subject": self._term(s.subject), "predicate": self._term(s.predicate),
                 "object": self._term(s.object), "evidence": [e.to_dict() for e in s.evidence]}
                for s in c.steps]} for c in self.chains],
            "disclaimer": NOT_MEDICAL_ADVICE,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def summary(self) -> str:
        """One line: how many chains were found and shown."""
        a, b = self.graph.label(self.source), self.graph.label(self.target)
        via = f" through {', '.join(self.graph.label(p) for p in self.via)}" if self.via else ""
        if not self.total:
            hint = (f"; {self.reverse} lead{'s' if self.reverse == 1 else ''} from {b} to {a} "
                    "(swap the two)") if self.reverse else ""
            return f"No chain of curated statements{via} leads from {a} to {b} in {self.max_length} steps or " \
                   f"fewer{hint}."
        shown = f"{len(self.chains)} of {self.total}" if len(self.chains) < self.total else f"{self.total}"
        more = " (the search stopped early: lower --max-length)" if self.truncated else ""
        return (f"{shown} chain{'s' if self.total != 1 else ''} of curated statements{via} from {a} to {b}, "
                f"shortest first (at most {self.max_length} steps){more}.")

    def to_table(self, width: int = WIDTH) -> str:
        """The chains for a terminal: each step and, under it, the sections and claims that state it."""
        lines = [wrapped(self.summary(), width), ""]
        for i, chain in enumerate(self.chains, 1):
            n = len(chain)
            lines.append(f"{i}. {n} step{'s' if n != 1 else ''}: "
                         + " > ".join(self.graph.label(x) for x in chain.nodes))
            lines[-1] = wrapped(lines[-1], width, 0, 3)
            for step in chain.steps:
                lines.append(wrapped(f"{self.graph.label(step.subject)} --{self.graph.label(step.predicate)}--> "
                                     f"{self.graph.label(step.object)}", width, 3, 4))
                lines += [cited(e.cite, e.claim, width, 6) for e in step.evidence]
            lines.append("")
        lines.append(wrapped(NOT_MEDICAL_ADVICE, width))
        return "\n".join(lines) + "\n"


def _predicates(graph: CuratedGraph, via: Iterable[str]) -> tuple[str, ...]:
    """The IRIs of the properties named in ``via`` (CURIEs, IRIs or labels), checked against the graph."""
    known = sorted({s.predicate for s in graph.statements})
    by_name = {graph.label(p).casefold(): p for p in known} | {compress_fast(p).casefold(): p for p in known}
    out = []
    for name in via:
        text = name.strip()
        iri = _iri(text) if ":" in text else ""
        if iri not in known:
            iri = by_name.get(text.casefold()) or by_name.get(f"b12kg:{text}".casefold(), "")
        if not iri:
            names = sorted({compress_fast(p).split(":", 1)[1] for p in known})
            close = difflib.get_close_matches(text.split(":")[-1], names, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise ParameterError(f"no curated statement uses the property {name!r}.{hint} "
                                 f"(properties: {', '.join(names)})")
        out.append(iri)
    return tuple(dict.fromkeys(out))


def _distances(graph: CuratedGraph, target: str, allowed: frozenset[str] | None, limit: int) -> dict[str, int]:
    """How many steps each concept is from ``target`` (following statements backwards), up to ``limit``."""
    dist = {target: 0}
    frontier = [target]
    for d in range(1, limit + 1):
        nxt = []
        for node in frontier:
            for s in graph.into(node):
                if (allowed is None or s.predicate in allowed) and s.subject not in dist:
                    dist[s.subject] = d
                    nxt.append(s.subject)
        frontier = nxt
    return dist


def _order(graph: CuratedGraph, s: Statement) -> tuple[str, str, str]:
    return (graph.label(s.predicate).casefold(), graph.label(s.object).casefold(), s.object)


def _walk(graph: CuratedGraph, source: str, target: str, length: int, dist: dict[str, int],
          allowed: frozenset[str] | None, budget: list[int]) -> Iterator[tuple[Statement, ...]]:
    """Every simple chain of exactly ``length`` steps from ``source`` to ``target``, in label order."""
    path: list[Statement] = []
    visited = {source}

    def step(node: str) -> Iterator[tuple[Statement, ...]]:
        if len(path) == length:
            if node == target:
                yield tuple(path)
            return
        left = length - len(path) - 1
        for s in sorted(graph.out(node), key=lambda s: _order(graph, s)):
            nxt = s.object
            if (allowed is not None and s.predicate not in allowed) or nxt in visited:
                continue
            if dist.get(nxt, MAX_LENGTH + 1) > left or (nxt == target and left):
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return
            path.append(s)
            visited.add(nxt)
            yield from step(nxt)
            visited.discard(nxt)
            path.pop()

    yield from step(source)


def find_chains(graph: CuratedGraph, source: str, target: str, *, max_length: int = 6, limit: int | None = 10,
                via: Iterable[str] = ()) -> ChainResult:
    """The chains of curated statements from ``source`` to ``target`` (IRIs or CURIEs), shortest first.

    ``max_length`` bounds the steps of a chain (1 to :data:`MAX_LENGTH`); ``limit`` bounds the chains kept
    (``None`` keeps all); ``via`` restricts the statements to some properties (CURIEs, IRIs or labels such
    as ``causes``). Raises :class:`~b12kg.core.errors.ParameterError` for a bad bound or property, or when
    source and target are the same concept.
    """
    src, dst = _iri(source), _iri(target)
    if not 1 <= max_length <= MAX_LENGTH:
        raise ParameterError(f"the maximum length must be between 1 and {MAX_LENGTH}, got {max_length}")
    if limit is not None and limit < 1:
        raise ParameterError(f"the number of chains to show must be at least 1, got {limit}")
    if src == dst:
        raise ParameterError(f"the two ends are the same concept ({graph.label(src)}): name two different ones")
    predicates = _predicates(graph, via)
    allowed = frozenset(predicates) if predicates else None
    result = ChainResult(graph, src, dst, max_length, via=predicates)
    budget = [_BUDGET]
    dist = _distances(graph, dst, allowed, max_length)
    for length in range(max(dist.get(src, max_length + 1), 1), max_length + 1):
        found = list(_walk(graph, src, dst, length, dist, allowed, budget))
        result.total += len(found)
        room = None if limit is None else max(limit - len(result.chains), 0)
        result.chains += [Chain(c) for c in found[:room]]
        if budget[0] < 0:
            result.truncated = True
            break
    if not result.total:
        back = _distances(graph, src, allowed, max_length)
        if dst in back:
            result.reverse = sum(1 for n in range(back[dst], max_length + 1)
                                 for _ in _walk(graph, dst, src, n, back, allowed, [_BUDGET]))
    return result
