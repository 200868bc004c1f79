"""The documentation site: every page there, every internal link resolves, the same content as the server's
pages, deterministic, written atomically and never over a folder it did not write."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.cli import cli
from b12kg.core.errors import BuildError
from b12kg.formats.diagrams import executor_of, page_diagrams
from b12kg.pages import DISCLAIMER, Pages, ServerLinks, SiteLinks, site_files, write_site
from b12kg.pages.render import Diagram
from b12kg.queries.run import executor

B = "https://w3id.org/b12kg/"


class _Page(HTMLParser):
    """Links, ids, and the text of one page (or of its ``<article>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.article: list[str] = []
        self._in_article = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "article":
            self._in_article += 1
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._in_article:
            self.article.append(data)


def parse(html: bytes | str) -> _Page:
    p = _Page()
    p.feed(html.decode() if isinstance(html, bytes) else html)
    return p


def words(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def pictures(kg: KnowledgeGraph) -> Diagram:
    return page_diagrams(executor_of(kg.dataset))


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph) -> dict[str, bytes]:
    """The site as the release and ``b12kg docs`` write it, concept pictures included."""
    return site_files(kg.dataset, diagram=pictures(kg))


def test_a_page_for_every_term_query_and_the_table(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    labelled = kg.query(f'SELECT DISTINCT ?s WHERE {{ ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), "{B}")) }}')
    names = {t.value[len(B):] for row in labelled.rows for t in row if t}
    assert len(names) > 300
    assert {p[len("concepts/"):-5] for p in site if p.startswith("concepts/")} == names
    assert {p[len("queries/"):-5] for p in site if p.startswith("queries/")} == set(kg.catalog.names())
    assert {"index.html", "table.html", "search.html", "assets/b12kg.css", "assets/search-index.js"} <= set(site)


def test_every_page_says_not_medical_advice(site: dict[str, bytes]) -> None:
    for path, data in site.items():
        if path.endswith(".html"):
            page = data.decode()
            assert DISCLAIMER in page and '<html lang="en">' in page and "<title>" in page, path


def test_every_internal_link_resolves(site: dict[str, bytes]) -> None:
    pages = {path: parse(data) for path, data in site.items() if path.endswith(".html")}
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme and not link.startswith("/"), (path, link)  # relative: works from files
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path))) \
                if parts.path else path
            assert target in site, (path, link)
            if parts.fragment:
                assert parts.fragment in pages[target].ids, (path, link)
            checked += 1
    assert checked > 5000


def test_concept_page(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    page = site["concepts/muscle_spasm.html"].decode()
    text = words(parse(page).article)
    assert "muscle spasm" in text and "An involuntary contraction of a muscle" in text
    assert '<a href="http://purl.obolibrary.org/obo/HP_0003394">HP:0003394</a>' in page
    assert "exact match" in text
    claims = set(kg.query("SELECT ?c WHERE { ?a owl:annotatedSource b12kg:muscle_spasm ; b12kg:claim ?c }")
                 .column("c"))
    assert claims and all(c in text for c in claims)
    assert 'href="section_2_spasm_mechanism.html"' in page  # the section behind a claim, linked
    assert 'href="../table.html"' in page  # it appears in the comparison table


def test_section_page_lists_its_claims(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    rows = kg.run("claims-by-section", {"section": "b12kg:section_5_diagnosis_treatment"}).rows
    page = parse(site["concepts/section_5_diagnosis_treatment.html"])
    text = words(page.article)
    assert "Claims of this section" in text and len(rows) > 5
    assert all(" ".join(row[3].value.split()) in text for row in rows if row[3])


def test_comparison_table_page(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    text = words(parse(site["table.html"]).text)
    for row in kg.run("comparison-table").rows:
        for cell in (row[2], row[4]):
            if cell is not None:
                assert cell.value in text


def test_named_query_page_shows_its_answer(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    page = site["queries/symptoms-by-kind.html"].decode()
    assert page.count("<tr>") - 1 == len(kg.run("symptoms-by-kind"))
    assert "SELECT DISTINCT ?symptom ?kind ?label" in page


def test_search_index_covers_every_page(site: dict[str, bytes]) -> None:
    index = site["assets/search-index.js"].decode()
    names = set(re.findall(r'"n":"([^"]+)"', index))
    assert names == {p[len("concepts/"):-5] for p in site if p.startswith("concepts/")}


def test_server_and_site_pages_say_the_same(kg: KnowledgeGraph) -> None:
    pages = Pages(executor(kg.dataset, "oxigraph"), ServerLinks())
    names = {"muscle_spasm", "vitamin_b12"}
    for name in names:
        served = parse(pages.concept(B + name))
        static = parse(pages.concept(B + name, SiteLinks(f"concepts/{name}.html", names)))
        strip = re.compile(r" · as Turtle , JSON-LD , RDF/XML")  # the RDF links exist on the server only
        assert strip.sub("", words(served.article)) == words(static.article)
        assert any(link.startswith("/section_") for link in served.links)  # absolute paths on the server


def test_diagram_slot() -> None:
    from b12kg.queries.run import executor
    from b12kg.store.dataset import Dataset

    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"><title>x</title></svg>'
    pages = Pages(executor(Dataset.bundled(), "oxigraph"), ServerLinks(),
                  diagram=lambda iri, link: svg if iri.endswith("muscle_spasm") else None)
    html = pages.concept(B + "muscle_spasm")
    assert '<figure class="diagram" id="diagram">\n<svg xmlns' in html and "<?xml" not in html
    assert 'class="diagram"' not in pages.concept(B + "fatigue")


def test_concept_pictures_link_to_the_pages(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    """The neighbourhood picture of a concept page: its boxes link to the pages of the concepts they show,
    relative in the site and absolute on the server; a term with nothing to draw has no picture."""
    static = parse(site["concepts/neuropathy.html"])
    assert '<figure class="diagram" id="diagram">' in site["concepts/neuropathy.html"].decode()
    assert "numbness.html" in static.links and "vitamin_b12_deficiency.html" in static.links
    served = Pages(executor_of(kg.dataset), ServerLinks("/b12kg"), diagram=pictures(kg)).concept(B + "neuropathy")
    assert 'href="/b12kg/numbness"' in served
    pictured = [p for p, data in site.items() if p.startswith("concepts/") and b'id="diagram"' in data]
    assert 150 < len(pictured) < len([p for p in site if p.startswith("concepts/")])
    assert b'id="diagram"' not in site["concepts/section_1_role_in_nerve_function.html"]


def test_two_builds_are_identical(site: dict[str, bytes], kg: KnowledgeGraph) -> None:
    assert site_files(kg.dataset, diagram=pictures(kg)) == site


def test_write_site_replaces_only_a_site(tmp_path: Path, kg: KnowledgeGraph) -> None:
    out = tmp_path / "site"
    write_site(out, kg.dataset)
    assert (out / "index.html").is_file() and (out / ".b12kg-site").is_file()
    write_site(out, kg.dataset)  # an earlier site is replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "mine.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not a b12kg documentation site"):
        write_site(precious, kg.dataset)
    assert (precious / "mine.txt").read_text() == "keep me"
    r = CliRunner().invoke(cli, ["docs", "-o", str(precious)])
    assert r.exit_code == 2 and "not a b12kg documentation site" in r.output
    r = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "fresh")])
    assert r.exit_code == 0 and "pages" in r.output
