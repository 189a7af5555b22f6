"""The static site in a real browser: headless Chromium (Debian's chromium and chromium-driver,
which .ci/run installs when missing) driven by Selenium, the pages opened from file://.

Skipped, with the reason, where /usr/bin/chromium, /usr/bin/chromedriver or selenium are missing.
Screenshots are kept in tests/artifacts/ (ignored by git) for a reader to look at."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import ROOT, release_rows, run
from natoseoul._search import fold
from test_search import QUERIES

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1000"]  # fmt: skip

if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip(
        "no /usr/bin/chromium and /usr/bin/chromedriver: `apt-get install -y chromium chromium-driver` (.ci/run does)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (it is in the test extra)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert run("site", "-o", str(out), "-q").code == 0
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="natoseoul-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(browser: Any, site: Path, page: str) -> list[dict[str, Any]]:
    """Open ``page`` (with a query or fragment) from file:// and return the console's messages."""
    browser.get((site / page).as_uri() if "#" not in page and "?" not in page else site.as_uri() + "/" + page)
    browser.save_screenshot(str(ARTIFACTS / (page.replace("#", "_").replace("?", "_").replace("=", "_") + ".png")))
    messages: list[dict[str, Any]] = browser.get_log("browser")
    return messages


def test_every_page_loads_without_console_errors(browser: Any, site: Path) -> None:
    for path in sorted(site.glob("*.html")):
        messages = open_page(browser, site, path.name)
        assert not [m for m in messages if m["level"] in ("SEVERE", "WARNING")], (path.name, messages)
        assert browser.find_element("css selector", "h1").text


def highlighted(browser: Any) -> str:
    """The text of every highlighted element of the document text, in document order."""
    script = """
      const want = getComputedStyle(document.documentElement).getPropertyValue('--hl').trim();
      const probe = document.createElement('span'); probe.style.background = want; document.body.append(probe);
      const colour = getComputedStyle(probe).backgroundColor; probe.remove();
      return Array.from(document.querySelectorAll('.doc-text span'))
        .filter(el => getComputedStyle(el).backgroundColor === colour).map(el => el.textContent).join('');
    """
    return str(browser.execute_script(script))


def test_a_quotation_links_to_exactly_its_words(browser: Any, site: Path) -> None:
    open_page(browser, site, "quotations.html")
    link = browser.find_element("css selector", '#quote-koreanet-2023-01-30-q02 a[href^="document-"]')
    link.click()
    assert browser.current_url.endswith("document-koreanet-2023-01-30.html#q-koreanet-2023-01-30-q02")
    browser.save_screenshot(str(ARTIFACTS / "quotation-followed.png"))
    quote = next(q for q in release_rows("quotes") if q["quote_id"] == "koreanet-2023-01-30-q02")
    assert highlighted(browser) == quote["text"]
    anchor = "document.getElementById('q-koreanet-2023-01-30-q02')"
    top = browser.execute_script(f"return {anchor}.getBoundingClientRect().top")
    assert 0 <= top < browser.execute_script("return innerHeight")  # scrolled to the words


def test_every_quotation_link_highlights_its_own_words(browser: Any, site: Path) -> None:
    for q in release_rows("quotes")[::7]:
        browser.get(site.as_uri() + f"/document-{q['document_id']}.html#q-{q['quote_id']}")
        assert highlighted(browser) == q["text"], q["quote_id"]


def test_search_finds_the_korea_net_quotation(browser: Any, site: Path) -> None:
    open_page(browser, site, "quotations.html")
    box = browser.find_element("id", "q")
    box.send_keys("opened a mission")
    shown = [
        e.get_attribute("data-quote") for e in browser.find_elements("css selector", "[data-quote]") if e.is_displayed()
    ]
    assert shown == ["koreanet-2023-01-30-q02"]
    assert browser.find_element("id", "search-status").text == "1 of 70 quotations match".replace(
        "70", str(len(release_rows("quotes")))
    )
    browser.save_screenshot(str(ARTIFACTS / "search-opened-a-mission.png"))


def test_the_javascript_search_folds_as_python_does(browser: Any, site: Path) -> None:
    open_page(browser, site, "quotations.html")
    strings = [q for q, _ in QUERIES] + [q["text"] for q in release_rows("quotes")]
    folded = browser.execute_script("return arguments[0].map(window.natoseoulFold);", strings)
    assert folded == [fold(s) for s in strings]


def test_reading_works_without_javascript(tmp_path: Path, site: Path) -> None:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.get(site.as_uri() + "/document-koreanet-2023-01-30.html#q-koreanet-2023-01-30-q02")
        quote = next(q for q in release_rows("quotes") if q["quote_id"] == "koreanet-2023-01-30-q02")
        assert highlighted(driver) == quote["text"]  # the highlight is CSS (:target, :has), not a script
        driver.get((site / "quotations.html").as_uri())
        assert not driver.find_element("id", "quote-search").is_displayed()
        assert len(driver.find_elements("css selector", "[data-quote]")) == len(release_rows("quotes"))
    finally:
        driver.quit()
