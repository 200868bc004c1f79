"""Commands for readers: ``b12kg show CONCEPT`` (everything the graph says about one concept, with the
evidence behind each statement) and ``b12kg search TEXT`` (concepts ranked by how well their labels,
synonyms and definitions match).

Both use the concept model of :mod:`b12kg.queries.concepts` (the one the server's pages and the
documentation site use), so a concept reads the same everywhere. Text output wraps to the terminal's
width (``--width``) without dropping words; every output a person reads says it is not medical advice.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ..core.results import printable, wrap_text
from ..queries.reading import NOT_MEDICAL_ADVICE
from .output import table_width

if TYPE_CHECKING:
    from ..queries.concepts import Concept, Edge, Fact, SearchHit
    from ..queries.lookup import Execute

__all__ = ["COMMANDS", "NOT_MEDICAL_ADVICE", "concept_markdown", "concept_text", "search_text"]



def _executor() -> Execute:
    from ..queries.run import executor
    from ..store.userstore import local_dataset

    return executor(local_dataset(), "oxigraph")


def _named(label: str, curie: str) -> str:
    return label if label == curie else f"{label} ({curie})"


def _block(text: str, width: int, indent: int = 0, first: str | None = None) -> list[str]:
    """``text`` wrapped to ``width`` columns: the first line starts with ``first`` (default: ``indent``
    spaces), the others with ``indent`` spaces."""
    first = " " * indent if first is None else first
    lines = wrap_text(text, max(width - max(len(first), indent), 20))
    return [(first if i == 0 else " " * indent) + line for i, line in enumerate(lines)]


def _edge_sentence(c: Concept, e: Edge) -> str:
    other = _named(e.other_label, e.other_curie)
    verb = f"NOT {e.predicate_label}" if e.negated else e.predicate_label
    return f"{c.label} {verb} {other}" if e.direction == "out" else f"{other} {verb} {c.label}"


# -- show: text ------------------------------------------------------------------------------------------
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _other_facts(c: Concept) -> tuple[list[Fact], list[Fact]]:
    """The members of a class (``rdf:type`` in), and the other statements not shown elsewhere."""
    members = [f for f in c.facts if f.direction == "in" and f.predicate == _RDF_TYPE]
    others = [f for f in c.facts if f not in members
              and not (c.table_cells and f.direction == "in" and f.predicate.endswith("/mentions"))]
    return members, others


def _value(f: Fact) -> str:
    return _named(f.value_label, _curie(f.value.value)) if f.value.kind == "iri" else f.value.value


def concept_text(c: Concept, width: int = 80) -> str:
    """``c`` as plain text wrapped to ``width`` columns: heading, definition, types and synonyms, external
    IDs, every curated statement with its section and claim, negated claims, comparison-table cells,
    members, other statements and the not-medical-advice line."""
    sections: list[list[str]] = [[*_block(_named(c.label, c.curie), width), *_block(f"{c.kind}; {c.iri}", width, 2)]]
    if c.definition:
        sections.append(_block(c.definition, width))
    rows = [("types", "; ".join(_named(label, _curie(i)) for i, label in c.types)),
            ("synonyms", "; ".join(c.synonyms)), ("related", "; ".join(c.related_synonyms)),
            *(("definition", d) for d in c.definitions[1:])]
    rows = [(name, value) for name, value in rows if value]
    if rows:
        pad = max(len(name) for name, _ in rows) + 2
        sections.append([line for name, value in rows for line in _block(value, width, pad, first=name.ljust(pad))])
    if c.external_ids:
        pad = max(len(x.predicate_curie) for x in c.external_ids) + 2
        sections.append([f"External IDs ({len(c.external_ids)})", *(
            line for x in c.external_ids
            for line in _block(_named(x.label, x.curie) if x.label else x.curie, width, 2 + pad,
                               first="  " + x.predicate_curie.ljust(pad)))])
    else:
        sections.append(["External IDs: none (no mapping to another ontology)"])
    for title, edges in (("Statements ({}), each with its source section and claim", [e for e in c.edges
                                                                                       if not e.negated]),
                         ("Negated claims ({})", [e for e in c.edges if e.negated])):
        if edges:
            sections.append([title.format(len(edges)), *(
                line for e in edges for line in [*_block(_edge_sentence(c, e), width, 4, first="  "),
                                                 *_block(f"[{e.section_label}] {e.claim}", width, 4)])])
    if c.table_cells:
        sections.append([f"In the article's comparison table ({len(c.table_cells)})", *(
            line for x in c.table_cells for line in [*_block(f"{x.characteristic} / {x.spasm_type}", width, 4, "  "),
                                                     *_block(f"[{x.section_label}] {x.summary}", width, 4)])])
    members, others = _other_facts(c)
    if members:
        sections.append([f"Members ({len(members)})", *_block("; ".join(_value(f) for f in members), width, 2)])
    if others:
        sections.append([f"Other statements ({len(others)})", *(
            line for f in others for line in _block(
                f"{f.predicate_label}: {_value(f)}" if f.direction == "out"
                else f"{_value(f)} {f.predicate_label} {c.label}", width, 4, first="  "))])
    sections.append(_block(NOT_MEDICAL_ADVICE, width))
    return "\n\n".join("\n".join(printable(line) for line in lines) for lines in sections) + "\n"


def _curie(iri: str) -> str:
    from ..core.prefixes import compress_fast

    return compress_fast(iri)


# -- show: markdown ---------------------------------------------------------------------------------------
def _md(text: str) -> str:
    return printable(text).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _md_named(label: str, curie: str) -> str:
    return f"`{curie}`" if label == curie else f"{_md(label)} (`{curie}`)"


def _md_value(f: Fact) -> str:
    return _md_named(f.value_label, _curie(f.value.value)) if f.value.kind == "iri" else _md(f.value.value)


def _md_edge(c: Concept, e: Edge) -> str:
    verb = _md(f"NOT {e.predicate_label}" if e.negated else e.predicate_label)
    other = _md_named(e.other_label, e.other_curie)
    return f"{_md(c.label)} {verb} {other}" if e.direction == "out" else f"{other} {verb} {_md(c.label)}"


def concept_markdown(c: Concept) -> str:
    """``c`` as a Markdown page (headings, lists and a table of external IDs)."""
    out = [f"# {_md_named(c.label, c.curie)}", "", f"*{c.kind}* — <{c.iri}>", ""]
    if c.definition:
        out += [_md(c.definition), ""]
    if c.types:
        out.append("- **Types:** " + "; ".join(_md_named(label, _curie(i)) for i, label in c.types))
    if c.synonyms:
        out.append("- **Synonyms:** " + "; ".join(_md(s) for s in c.synonyms))
    if c.related_synonyms:
        out.append("- **Related synonyms:** " + "; ".join(_md(s) for s in c.related_synonyms))
    out += [f"- **Definition:** {_md(d)}" for d in c.definitions[1:]]
    out += ["", "## External IDs", ""]
    if c.external_ids:
        out += ["| mapping | ID | label |", "|---|---|---|"]
        out += [f"| `{x.predicate_curie}` | `{x.curie}` | {_md(x.label)} |" for x in c.external_ids]
    else:
        out.append("None: no mapping to another ontology.")
    for title, edges in (("Statements", [e for e in c.edges if not e.negated]),
                         ("Negated claims", [e for e in c.edges if e.negated])):
        if edges:
            out += ["", f"## {title}", ""]
            out += [f"- {_md_edge(c, e)} — *{_md(e.section_label)}:* {_md(e.claim)}" for e in edges]
    if c.table_cells:
        out += ["", "## In the article's comparison table", ""]
        out += [f"- **{_md(x.characteristic)} / {_md(x.spasm_type)}:** {_md(x.summary)} (*{_md(x.section_label)}*)"
                for x in c.table_cells]
    members, others = _other_facts(c)
    if members:
        out += ["", "## Members", "", "; ".join(_md_value(f) for f in members)]
    if others:
        out += ["", "## Other statements", ""]
        out += [f"- {_md(f.predicate_label)}: {_md_value(f)}" if f.direction == "out"
                else f"- {_md_value(f)} {_md(f.predicate_label)} {_md(c.label)}" for f in others]
    out += ["", f"> {NOT_MEDICAL_ADVICE}", ""]
    return "\n".join(out)


# -- search ---------------------------------------------------------------------------------------------------
def search_text(text: str, hits: list[SearchHit], width: int = 80) -> str:
    """Ranked hits as a numbered list saying what matched, then how to see one and the disclaimer."""
    if not hits:
        lines = _block(f"no concept matches {text!r}; try fewer or other words", width)
    else:
        lines = []
        number = len(str(len(hits))) + 2
        for n, h in enumerate(hits, 1):
            what = "" if h.field == "label" else f' ({h.field}: "{h.text}")'
            lines += _block(f"{_named(h.label, h.curie)}{what}", width, number, first=f"{n}.".ljust(number))
        lines += ["", *_block(f"See one with: b12kg show {hits[0].curie}", width)]
    lines += ["", *_block(NOT_MEDICAL_ADVICE, width)]
    return "\n".join(printable(line) for line in lines) + "\n"


def _complete_concept(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """CURIEs of the b12kg terms whose CURIE, local name or label starts with the word typed."""
    from click.shell_completion import CompletionItem

    from ..queries.concepts import B12KG

    word = incomplete.casefold()
    rows = _executor()("SELECT DISTINCT ?s ?l WHERE { ?s rdfs:label ?l "
                       f'FILTER(STRSTARTS(STR(?s), "{B12KG}")) }}', {}, "the completion").rows
    found: dict[str, str] = {}
    for s, label in rows:
        if s is None or label is None:
            continue
        curie = _curie(s.value)
        if any(x.casefold().startswith(word) for x in (curie, curie.split(":", 1)[1], label.value)):
            found.setdefault(curie, label.value)
    return [CompletionItem(c, help=label) for c, label in sorted(found.items())][:200]


@click.command(short_help="Everything the graph says about one concept.")
@click.argument("concept", shell_complete=_complete_concept)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
@click.option("--width", type=click.IntRange(min=20), metavar="COLUMNS",
              help="Wrap text to this width (default: the terminal's, 80 when piped).")
def show(concept: str, fmt: str, width: int | None) -> None:
    """Show everything the graph says about CONCEPT: label, definition, synonyms, types, external IDs,
    every curated statement in and out with its source section and claim, negated claims and the
    comparison-table cells that mention it.

    CONCEPT is a label, synonym or plural ("muscle spasms"), a CURIE (b12kg:muscle_spasm) or IRI, or an
    external ID such as HP:0003394, followed through the mappings to the b12kg concept mapped to it.

    \b
    Examples:
      b12kg show "muscle spasm"
      b12kg show HP:0003394
      b12kg show b12kg:vitamin_b12 --format markdown > vitamin_b12.md
      b12kg show cobalamin --format json
    """
    from ..queries.concepts import describe, resolve

    run = _executor()
    c = describe(run, resolve(run, concept))
    if fmt == "json":
        click.echo(json.dumps({**c.to_dict(), "notice": NOT_MEDICAL_ADVICE}, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(concept_markdown(c), nl=False)
    else:
        click.echo(concept_text(c, table_width(width, True) or 80), nl=False)


@click.command(short_help="Find concepts by label, synonym or definition.")
@click.argument("text", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Show at most this many concepts.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "tsv", "json"]), default="text",
              show_default=True, help="Output format (tsv and json: CURIEs and scores).")
@click.option("--width", type=click.IntRange(min=20), metavar="COLUMNS",
              help="Wrap text to this width (default: the terminal's, 80 when piped).")
def search(text: tuple[str, ...], limit: int, fmt: str, width: int | None) -> None:
    """Find concepts whose labels, synonyms or definitions match TEXT, best first.

    Whole labels rank first, then synonyms, then labels and synonyms holding every word, then definitions;
    plurals and small typos are forgiven. Exit 1 when nothing matches.

    \b
    Examples:
      b12kg search spasms
      b12kg search pins and needles
      b12kg search homocystein --format tsv
    """
    from ..queries.concepts import search as find

    words = " ".join(text)
    hits = find(_executor(), words, limit=limit)
    if fmt == "json":
        click.echo(json.dumps({"query": words, "hits": [
            {"curie": h.curie, "iri": h.iri, "label": h.label, "field": h.field, "text": h.text,
             "score": round(h.score, 2)} for h in hits], "notice": NOT_MEDICAL_ADVICE}, indent=2,
            ensure_ascii=False))
    elif fmt == "tsv":
        click.echo("curie\tlabel\tfield\ttext\tscore")
        for h in hits:
            click.echo("\t".join([h.curie, *(printable(x) for x in (h.label, h.field, h.text)), f"{h.score:.2f}"]))
    else:
        click.echo(search_text(words, hits, table_width(width, True) or 80), nl=False)
    if not hits:
        raise SystemExit(1)


COMMANDS = [show, search]
