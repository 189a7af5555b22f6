"""natoseoul site: a static site of the data that needs no server, no network and no JavaScript to read.

The browser checks (a real Chromium) are in tests/test_site_browser.py."""

from __future__ import annotations

import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cli_helpers import ROOT, copy_release, release_rows, run
from natoseoul.site import site_files

PAGES = ["index.html", "timeline.html", "events.html", "quotations.html", "participants.html", "documents.html"]


class Page(HTMLParser):
    """The ids, links, resources, headings and lang attributes of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.tags: list[str] = []
        self.langs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if a.get("lang"):
            self.langs.append(str(a["lang"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        for key in ("src", "srcset", "poster", "data"):
            if a.get(key):
                self.resources.append(str(a[key]))
        if tag == "link" and a.get("href"):
            self.resources.append(str(a["href"]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = run("site", "-o", str(out))
    assert result.code == 0, result.err
    return out


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_site_has_every_page(site: Path) -> None:
    documents = [f"document-{d['document_id']}.html" for d in release_rows("documents")]
    assert sorted(p.name for p in site.iterdir()) == sorted([*PAGES, *documents, "style.css", "search.js"])


def test_nothing_is_fetched_from_outside_the_folder(site: Path) -> None:
    for path in site.glob("*.html"):
        page = parse(path)
        for resource in page.resources:  # scripts, styles, images: all in the folder
            assert "://" not in resource and not resource.startswith("//"), (path.name, resource)
            assert (site / resource.split("#")[0]).is_file(), (path.name, resource)
    css = (site / "style.css").read_text(encoding="utf-8") + (site / "search.js").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "fetch(" not in css and "http" not in css


def test_every_internal_link_leads_to_a_page_and_an_id(site: Path) -> None:
    pages = {p.name: parse(p) for p in site.glob("*.html")}
    for name, page in pages.items():
        for link in page.links:
            if "://" in link:
                continue
            file, _, fragment = link.partition("#")
            target = pages[file or name]
            assert not fragment or fragment in target.ids, (name, link)


def test_every_span_has_its_anchor_on_its_document_page(site: Path) -> None:
    ids = {p.name: parse(p).ids for p in site.glob("document-*.html")}
    for q in release_rows("quotes"):
        assert f"q-{q['quote_id']}" in ids[f"document-{q['document_id']}.html"]
    for e in release_rows("event_evidence"):
        assert f"ev-{e['event_id']}-{e['char_start']}" in ids[f"document-{e['document_id']}.html"]
    for a in release_rows("participant_aliases"):
        anchor = f"al-{a['participant_id']}-{a['char_start']}-{a['char_end']}"
        assert anchor in ids[f"document-{a['document_id']}.html"]
    for n in release_rows("source_notes"):
        assert {f"n-{n['note_id']}", f"note-{n['note_id']}"} <= ids[f"document-{n['document_id']}.html"]


def test_the_document_pages_hold_the_seed_text_exactly(site: Path) -> None:
    for d in release_rows("documents"):
        html = (site / f"document-{d['document_id']}.html").read_text(encoding="utf-8")
        body = html.split('<div class="doc-text"', 1)[1].split(">", 1)[1].split("</div>", 1)[0]
        body = re.sub(r"<sup>.*?</sup>", "", body)  # the source-note markers
        text = unescape(re.sub(r"<[^>]+>", "", body))
        assert text == (ROOT / d["path"]).read_text(encoding="utf-8")


def test_pages_are_accessible_in_structure(site: Path) -> None:
    for path in site.glob("*.html"):
        page = parse(path)
        html = path.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">'), path.name
        assert page.tags.count("h1") == 1 and page.tags.count("main") == 1 and "nav" in page.tags, path.name
        assert 'href="#main"' in html  # skip link
        assert '<meta name="viewport"' in html and "<title>" in html


def test_hangul_is_marked_korean(site: Path) -> None:
    html = (site / "document-koreanet-2023-01-30.html").read_text(encoding="utf-8")
    runs = re.findall(r'<span lang="ko">([^<]+)</span>', html)
    assert runs and all(re.search("[\uac00-\ud7af]", r) for r in runs)
    outside = re.sub(r'<span lang="ko">[^<]+</span>', "", html)
    assert not re.search("[\uac00-\ud7af]", outside)


def test_the_site_is_byte_reproducible_and_quick(tmp_path: Path, site: Path) -> None:
    start = time.perf_counter()
    again = site_files()
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"the site took {elapsed:.2f} s"
    assert again == {p.name: p.read_bytes() for p in site.iterdir()}
    assert again == site_files()


def test_the_release_carries_the_same_site(site: Path) -> None:
    built = ROOT / "dist" / "site"
    assert {p.name: p.read_bytes() for p in built.iterdir()} == {p.name: p.read_bytes() for p in site.iterdir()}


def test_site_of_another_package_reads_its_tables_and_seeds(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    out = tmp_path / "site"
    assert run("site", "--from", str(dist), "-o", str(out), "-q").code == 0
    (dist / "seeds" / "000_a9f0412bfe38d5ae.txt").write_text("edited", encoding="utf-8")
    result = run("site", "--from", str(dist), "-o", str(out), "--force")
    assert result.code == 1 and "sha256 differs" in result.err and result.err.count("\n") == 1


def test_site_keeps_existing_files_unless_forced(tmp_path: Path) -> None:
    assert run("site", "-o", str(tmp_path), "-q").code == 0
    result = run("site", "-o", str(tmp_path))
    assert result.code == 1 and "already exists" in result.err
    assert run("site", "-o", str(tmp_path), "--force", "-q").code == 0
