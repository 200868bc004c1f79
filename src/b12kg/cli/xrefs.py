"""Commands ``b12kg xrefs check`` (the cross-reference checker) and ``b12kg imports extract``."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["COMMANDS"]


@click.group("xrefs")
def xrefs() -> None:
    """Check the mappings of b12kg concepts to external ontologies.

    \b
    Examples:
      b12kg xrefs check
      b12kg xrefs check --mappings my.sssom.tsv
    """


@xrefs.command("check")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Check against these ontology files (OBO, OWL functional syntax, TSV, or import "
                   "modules .ttl) instead of the bundled import modules. Repeatable.")
@click.option("--mappings", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help="The SSSOM file to check (default: the bundled data/mappings/b12kg.sssom.tsv).")
def check(sources: tuple[str, ...], mapping_file: str | None) -> None:
    """Check that every mapped ID exists, is current and has its label.

    Exit 1 on any problem (a missing or obsolete ID, a label that differs from the source's).

    \b
    Examples:
      b12kg xrefs check
      b12kg xrefs check --source ../shared/ontology-sources/hp.obo --mappings my.sssom.tsv
    """
    from ..checks.xrefs import check_file
    from ..core.resources import mapping_files

    files = [Path(mapping_file)] if mapping_file else mapping_files()
    if not files:
        raise click.UsageError("no mapping file: give --mappings FILE")
    subject_labels = None
    if not mapping_file:
        subject_labels = _graph_labels()
    problems = []
    for f in files:
        problems += [(f, p) for p in check_file(f, [Path(s) for s in sources] or None, subject_labels)]
    if not problems:
        from ..checks.xrefs import count_checked

        checked = sum(count_checked(f, [Path(s) for s in sources] or None) for f in files)
        click.echo(f"ok: every mapped ID of {', '.join(f.name for f in files)} exists, is current and "
                   f"has the source's label ({checked} mappings checked)")
        return
    header = ("file:line", "subject", "ID", "expected label", "found label", "reason")
    rows = [(f"{f.name}:{p.line}", p.subject, p.curie, p.expected_label, p.found_label, p.reason)
            for f, p in problems]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    click.echo(f"{len(problems)} problem(s)", err=True)
    raise SystemExit(1)


def _graph_labels() -> dict[str, str]:
    """CURIE -> label of the named individuals of the bundled graph."""
    from ..core.prefixes import compress
    from ..graph import KnowledgeGraph

    kg = KnowledgeGraph.bundled()
    r = kg.query("SELECT ?s ?l WHERE { ?s a owl:NamedIndividual ; rdfs:label ?l }", with_labels=False)
    return {compress(s.value): label.value for s, label in r.rows if s is not None and label is not None}


@click.group("imports")
def imports() -> None:
    """Build the import modules of external ontologies.

    The modules live in ontology/imports/; ontology/imports/regenerate.sh rebuilds them all.

    \b
    Example:
      b12kg imports extract --source hp.obo --terms hp_terms.txt --prefix HP -o hp_import.ttl
    """


@imports.command("extract")
@click.option("--source", "sources", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Source file (OBO, OWL functional syntax, or TSV); repeat for several, the first that "
                   "has a term gives it.")
@click.option("--origin", "origins", multiple=True,
              help="Where each --source comes from (repository@commit:path), in the same order.")
@click.option("--terms", "terms_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Term list: one CURIE per line, '#' comments.")
@click.option("--prefix", required=True, help="The ontology prefix of the module (HP, MONDO, ...).")
@click.option("--license", "license_iri", help="Licence IRI of the source ontology.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The module file to write.")
def extract(sources: tuple[str, ...], origins: tuple[str, ...], terms_file: str, prefix: str,
            license_iri: str | None, output: str) -> None:
    """Extract listed terms and their ancestors into a module.

    The module is a Turtle file with each term's label, synonyms, definition, parents and the source's
    version and licence.

    Refuses (exit 2) terms missing from the sources and obsolete terms.

    \b
    Example:
      b12kg imports extract --source ../shared/ontology-sources/hp.obo \\
          --terms ontology/imports/hp_terms.txt --prefix HP \\
          --license https://hpo.jax.org/app/license -o ontology/imports/hp_import.ttl
    """
    from ..core.files import atomic_write
    from ..formats.imports import extract_module

    if origins and len(origins) != len(sources):
        raise click.UsageError("give one --origin per --source (or none)")
    text = extract_module([Path(s) for s in sources], Path(terms_file), prefix, origins=origins,
                          license=license_iri)
    atomic_write(Path(output), text)
    click.echo(f"wrote {output}")


COMMANDS = [xrefs, imports]
