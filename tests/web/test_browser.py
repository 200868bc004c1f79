"""The query page and the documentation site in a real browser (headless Chromium through Selenium).

Load the page, run an example, see the expected rows, follow an IRI to its concept page, trigger a syntax
error and see its line and column, complete a prefix; then the static site from the file system: search
and follow a result. Screenshots are kept in ``test-artifacts/`` (or ``$B12KG_TEST_ARTIFACTS``).
Nothing is fetched from anywhere but the server under test (or the site's own files).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import Served

from b12kg import KnowledgeGraph
from b12kg.pages import write_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("B12KG_TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI"):
            pytest.fail("Chromium and chromedriver are needed in CI (.ci/run installs them)")
        pytest.skip("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, css: str, timeout: float = 30.0, *, visible: bool = True) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    condition = ec.visibility_of_element_located if visible else ec.presence_of_element_located
    return WebDriverWait(driver, timeout).until(condition((By.CSS_SELECTOR, css)))


def resources(driver: Any) -> list[str]:
    return list(driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"))


def test_run_an_example_and_follow_an_iri(browser: Any, server: Served, kg: KnowledgeGraph) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    wait_for(browser, ".CodeMirror")  # the vendored editor loaded (offline, from the package)
    browser.find_element(By.CSS_SELECTOR, 'button.load-example[data-name="symptoms-by-kind"]').click()
    wait_for(browser, "table.results tbody tr")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == len(kg.run("symptoms-by-kind"))
    first = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
    assert first[1] == "cognitive symptom" and first[0].startswith("confusion")
    link = browser.find_element(By.LINK_TEXT, "muscle spasm")
    assert link.get_attribute("href") == server.url + "muscle_spasm"
    assert "rows in" in browser.find_element(By.ID, "status").text
    csv_link = browser.find_element(By.ID, "download-csv").get_attribute("href")
    assert csv_link.startswith(server.url + "sparql?query=") and csv_link.endswith("&format=csv")
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('.examples ol').scrollTop = 0")
    browser.save_screenshot(str(ARTIFACTS / "query-page.png"))
    assert all(url.startswith(server.url) for url in resources(browser)), resources(browser)

    link.click()
    h1 = wait_for(browser, "h1")
    assert h1.text.startswith("muscle spasm")
    assert browser.current_url == server.url + "muscle_spasm"
    assert "An involuntary contraction of a muscle" in browser.find_element(By.CSS_SELECTOR, "p.definition").text
    browser.save_screenshot(str(ARTIFACTS / "concept-page.png"))


def test_a_syntax_error_shows_its_line_and_column(browser: Any, server: Served) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    wait_for(browser, ".CodeMirror")
    browser.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])",
                           "SELECT ?x WHERE {\n  ?x a\n}")
    browser.find_element(By.ID, "run").click()
    error = wait_for(browser, "#error")
    assert "SPARQL syntax error at line 3, column" in error.text
    assert browser.find_elements(By.CSS_SELECTOR, ".error-line")  # the line is marked in the editor
    assert browser.find_elements(By.CSS_SELECTOR, "table.results") == []
    browser.save_screenshot(str(ARTIFACTS / "syntax-error.png"))


def test_prefix_completion_works_offline(browser: Any, server: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url)
    wait_for(browser, ".CodeMirror")
    browser.execute_script("var cm = document.querySelector('.CodeMirror').CodeMirror; cm.setValue('PREFIX b12');"
                           "cm.focus(); cm.setCursor({line: 0, ch: 10});")
    browser.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys(Keys.CONTROL, " ")
    hints = wait_for(browser, ".CodeMirror-hints")
    assert "b12kg: <https://w3id.org/b12kg/>" in hints.text


def test_the_docs_site_works_from_the_file_system(browser: Any, tmp_path: Path, kg: KnowledgeGraph) -> None:
    from selenium.webdriver.common.by import By

    site = write_site(tmp_path / "site", kg.dataset)
    browser.get((site / "index.html").as_uri())
    box = wait_for(browser, "form.search input[name=q]")
    box.send_keys("pins and needles")
    suggestion = wait_for(browser, "ul.suggestions li a")
    assert suggestion.text.startswith("paraesthesia")
    suggestion.click()
    assert wait_for(browser, "h1").text.startswith("paraesthesia")
    assert browser.current_url == (site / "concepts" / "paraesthesia.html").as_uri()
    browser.find_element(By.LINK_TEXT, "Comparison table").click()
    assert wait_for(browser, "table.comparison").is_displayed()
    browser.get((site / "search.html").as_uri() + "?q=spasm")
    hits = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")]
    assert any(h.startswith("muscle spasm") for h in hits)
    browser.save_screenshot(str(ARTIFACTS / "docs-site-search.png"))
    assert all(url.startswith("file://") for url in resources(browser))
