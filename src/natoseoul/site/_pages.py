# ruff: noqa: E501  (HTML and SVG templates read better unbroken)
"""The pages of the static site, rendered from typed tables and seed texts with the standard library.

``render(tables, seeds, meta)`` returns every file of the site by its path: HTML pages that read
without JavaScript, the style sheet and the search script (copied from ``static/``). Nothing depends
on the clock, the machine or the order of a dict built from a set, so the bytes are reproducible.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from .._spans import SPAN_TABLES, Span, check_spans, spans

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = ("style.css", "search.js")
PAGES = (
    ("index.html", "Overview"),
    ("timeline.html", "Timeline"),
    ("events.html", "Events"),
    ("quotations.html", "Quotations"),
    ("participants.html", "Participants"),
    ("documents.html", "Documents"),
)
NEEDED = (*SPAN_TABLES, "event_participants", "topics", "event_topics", "quote_topics")
HANGUL = re.compile(
    "[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]+(?: [\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+)*"
)
KIND_CLASS = {"evidence": "ev", "quote": "q", "alias": "al", "note": "nt"}
KIND_WORDS = {"evidence": "evidence", "quote": "quotation", "alias": "name form", "note": "source note"}

Row = dict[str, Any]


def h(text: object) -> str:
    """Text as HTML: escaped, with every run of Hangul marked ``lang="ko"``."""
    escaped = html.escape(str(text), quote=False)
    return HANGUL.sub(lambda m: f'<span lang="ko">{m.group(0)}</span>', escaped)


def attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def document_page(document_id: str) -> str:
    return f"document-{document_id}.html"


# --- data ------------------------------------------------------------------------------------------


class Data:
    """The tables as rows, with the lookups the pages share."""

    def __init__(self, tables: Mapping[str, pa.Table], seeds: Mapping[str, str], meta: Mapping[str, Any]) -> None:
        self.meta = meta
        self.seeds = seeds
        self.rows: dict[str, list[Row]] = {name: tables[name].to_pylist() for name in NEEDED}
        self.counts = {name: t.num_rows for name, t in tables.items()}
        self.spans = spans(tables)
        check_spans(self.spans, seeds)
        self.documents = {d["document_id"]: d for d in self.rows["documents"]}
        self.people = {p["participant_id"]: p for p in self.rows["participants"]}
        self.events = {e["event_id"]: e for e in self.rows["events"]}
        self.topics = {t["topic_id"]: t for t in self.rows["topics"]}
        self.quotes = {q["quote_id"]: q for q in self.rows["quotes"]}
        self.roles = group(self.rows["event_participants"], "event_id")
        self.event_topics = group(self.rows["event_topics"], "event_id")
        self.quote_topics = group(self.rows["quote_topics"], "quote_id")
        self.evidence = group(self.rows["event_evidence"], "event_id")
        self.aliases = group(self.rows["participant_aliases"], "participant_id")
        self.event_quotes = group(self.rows["quotes"], "event_id")
        self.parts = group(self.rows["events"], "parent_event_id")
        self.order, self.levels = timeline_order(self.rows["events"])

    def event_link(self, event_id: str | None) -> str:
        if not event_id or event_id not in self.events:
            return '<span class="muted">none</span>'
        return f'<a href="events.html#event-{attr(event_id)}">{h(self.events[event_id]["title"])}</a>'

    def person_link(self, participant_id: str | None) -> str:
        if not participant_id:
            return '<span class="muted">none</span>'
        name = self.people[participant_id]["name"] if participant_id in self.people else participant_id
        return f'<a href="participants.html#p-{attr(participant_id)}">{h(name)}</a>'

    def topic_tags(self, links: Iterable[Row]) -> str:
        tags = [
            f'<span class="tag">{h(self.topics[r["topic_id"]]["label"])}</span>'
            for r in links
            if r["topic_id"] in self.topics
        ]
        return "".join(tags) or '<span class="muted">none</span>'

    def span_link(self, document_id: str, anchor: str, words: str) -> str:
        doc = self.documents[document_id]
        return f'<a href="{document_page(document_id)}#{anchor}">{words}</a> <span class="muted">({h(doc["publisher"])}, {h(document_id)})</span>'


def group(rows: list[Row], key: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        if row[key] is not None:
            out.setdefault(row[key], []).append(row)
    return out


def timeline_order(events: list[Row]) -> tuple[list[str], dict[str, int]]:
    """Event ids by date (undated last), each followed by its parts: the order of natoseoul.timeline."""
    far = dt.date.max

    def when(e: Row) -> tuple[dt.date, dt.date, str]:
        return (e["date_start"] or far, e["date_end"] or far, e["event_id"])

    known = {e["event_id"] for e in events}
    children: dict[str | None, list[Row]] = {}
    for e in sorted(events, key=when):
        children.setdefault(e["parent_event_id"] if e["parent_event_id"] in known else None, []).append(e)
    order: list[str] = []
    levels: dict[str, int] = {}
    stack = [(e, 0) for e in reversed(children.get(None, []))]
    while stack:
        e, level = stack.pop()
        if e["event_id"] in levels:
            continue
        order.append(e["event_id"])
        levels[e["event_id"]] = level
        stack.extend((c, level + 1) for c in reversed(children.get(e["event_id"], [])))
    order += [e["event_id"] for e in sorted(events, key=when) if e["event_id"] not in levels]
    return order, levels


def when_label(e: Row) -> str:
    """The date at its precision, as natoseoul.timeline's ``when`` (ISO 8601 / EDTF)."""
    start, end, precision = e["date_start"], e["date_end"], e["date_precision"]
    if start is None and end is None:
        return "undated"
    if precision == "range":
        return f"[{start.isoformat() if start else ''}..{end.isoformat() if end else ''}]"
    width = {"day": 10, "month": 7, "year": 4}.get(precision, 10)
    first = start.isoformat()[:width] if start else ""
    last = end.isoformat()[:width] if end else ""
    return first if not last or first == last else f"{first}/{last}"


PRECISION_WORDS = {
    "day": "to the day",
    "month": "to the month",
    "year": "to the year",
    "range": "somewhere in this range (an empty end is open)",
    "unknown": "unknown",
}


# --- the frame ---------------------------------------------------------------------------------------


def page(data: Data, path: str, title: str, body: str, head: str = "", script: str = "") -> bytes:
    version = h(data.meta.get("version", ""))
    current = ' aria-current="page"'
    links = "".join(f'<li><a href="{p}"{current if p == path else ""}>{label}</a></li>' for p, label in PAGES)
    licences = ", ".join(h(lic.get("name", "")) for lic in data.meta.get("licenses", []))
    scripts = f'<script src="{script}"></script>\n' if script else ""
    text = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(title)} · natoseoul {version}</title>
<link rel="stylesheet" href="style.css">
{head}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand"><a href="index.html">natoseoul {version}</a></p>
<nav aria-label="Site"><ul>{links}</ul></nav>
</header>
<main id="main" tabindex="-1">
<h1>{h(title)}</h1>
{body}
</main>
<footer><p>natoseoul {version}. Tables: {licences}. Source texts: the copyright of their publishers, shown so that every span can be checked. Generated from the data; no server or network needed.</p></footer>
{scripts}</body>
</html>
"""
    return text.encode("utf-8")


# --- pages -------------------------------------------------------------------------------------------


def overview(data: Data) -> str:
    meta = data.meta
    counts = "".join(f"<tr><td><code>{h(n)}</code></td><td>{c}</td></tr>" for n, c in data.counts.items())
    docs = []
    for d in data.rows["documents"]:
        links = [f'<a href="{document_page(d["document_id"])}">read it here, every span marked</a>']
        if d["source_url"]:
            links.append(f'<a href="{attr(d["source_url"])}">source</a>')
        if d["original_url"]:
            links.append(f'<a href="{attr(d["original_url"])}">original</a>')
        by = f", by {h(d['author'])}" if d["author"] else ""
        via = f"; via {h(d['distributor'])}" if d["distributor"] else ""
        docs.append(
            f"<tr><td>{h(d['title'])}</td><td>{h(d['publisher'])}{by}{via}</td>"
            f"<td>{d['published'].isoformat()}</td><td>{' · '.join(links)}</td></tr>"
        )
    licences = "".join(
        f'<li><a href="{attr(lic["path"])}">{h(lic.get("title") or lic.get("name"))}</a></li>' if lic.get("path")
        else f"<li>{h(lic.get('title') or lic.get('name'))}</li>"
        for lic in meta.get("licenses", [])
    )  # fmt: skip
    return f"""<p>{h(meta.get("description", ""))}</p>
<p>Start with the <a href="timeline.html">timeline</a>, follow an event to its <a href="events.html">evidence</a>, or
<a href="quotations.html">search the quotations</a>. Every fact links to the exact words of its source document,
highlighted on the document's page.</p>
<h2>The documents</h2>
<table><thead><tr><th scope="col">Title</th><th scope="col">Publisher</th><th scope="col">Published</th><th scope="col">Links</th></tr></thead>
<tbody>{"".join(docs)}</tbody></table>
<h2>The tables</h2>
<table><thead><tr><th scope="col">Table</th><th scope="col">Rows</th></tr></thead><tbody>{counts}</tbody></table>
<h2>Licence</h2>
<ul>{licences}</ul>
<h2>How to cite</h2>
<blockquote>{h(citation_text(meta))}</blockquote>
<p>When you quote a source text, cite its publisher too (the documents above).</p>
"""


def citation_text(meta: Mapping[str, Any]) -> str:
    from .._release import cite

    return cite(dict(meta))


def timeline_page(data: Data) -> str:
    items = []
    for event_id in data.order:
        e = data.events[event_id]
        depth = data.levels.get(event_id, 0)
        items.append(
            f'<li style="margin-left:{depth * 1.5}em"><span class="muted">{h(when_label(e))}</span> '
            f"{data.event_link(event_id)}</li>"
        )
    return f"""<p>Every event on a compressed time axis: each gap between two dates is drawn wider the longer it is
(by the logarithm of its days), so 1949 and a single day of 2023 both stay readable. A visit is drawn as a
bracket with its parts below it.</p>
<ul class="legend">
<li><svg width="28" height="12" aria-hidden="true"><rect class="day" x="2" y="2" width="24" height="8"/></svg> dates known to the day</li>
<li><svg width="28" height="12" aria-hidden="true"><rect class="span" x="2" y="2" width="24" height="8"/></svg> somewhere in this month, year or range</li>
<li><svg width="28" height="12" aria-hidden="true"><rect class="planned" x="2" y="2" width="24" height="8"/></svg> scheduled, intended or proposed</li>
<li><svg width="28" height="12" aria-hidden="true"><path class="open" d="M2 6 H26 M6 2 L2 6 L6 10"/></svg> an open end: only one side of the range is known</li>
<li><svg width="28" height="12" aria-hidden="true"><path class="visit" d="M2 2 V10 M2 6 H26 M26 2 V10"/></svg> a visit, its parts below it</li>
</ul>
<figure class="timeline">
{timeline_svg(data)}
<figcaption>The events of the data, in the order of <code>natoseoul.timeline()</code>. Each label links to the event.</figcaption>
</figure>
<h2>The same, as a list</h2>
<ul class="timeline-list">{"".join(items)}</ul>
"""


LABEL_WIDTH = 420
CHART_WIDTH = 700
ROW = 20
TOP = 34


def timeline_svg(data: Data) -> str:
    day = dt.timedelta(days=1)
    points = sorted(
        {e["date_start"] for e in data.rows["events"] if e["date_start"]}
        | {e["date_end"] + day for e in data.rows["events"] if e["date_end"]}
    )
    raw = [0.0]
    for a, b in itertools.pairwise(points):
        raw.append(raw[-1] + 6 + 7 * math.log2(1 + (b - a).days))
    scale = (CHART_WIDTH - 20) / raw[-1] if raw[-1] else 1.0
    xs = {p: LABEL_WIDTH + 10 + r * scale for p, r in zip(points, raw, strict=True)}
    left, right = LABEL_WIDTH + 2, LABEL_WIDTH + CHART_WIDTH - 2
    height = TOP + ROW * len(data.order) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL_WIDTH + CHART_WIDTH} {height}" '
        f'aria-labelledby="timeline-title"><title id="timeline-title">Timeline of {len(data.order)} events</title>'
    ]
    last_x = -100.0
    for p in points:  # a year label at the first date of each year, where there is room
        if (p.year != (points[points.index(p) - 1].year if points.index(p) else None)) and xs[p] - last_x > 34:
            out.append(f'<line class="grid" x1="{xs[p]:.1f}" y1="{TOP - 10}" x2="{xs[p]:.1f}" y2="{height - 6}"/>')
            out.append(f'<text class="when" x="{xs[p]:.1f}" y="{TOP - 14}" text-anchor="middle">{p.year}</text>')
            last_x = xs[p]
    for i, event_id in enumerate(data.order):
        e = data.events[event_id]
        y = TOP + i * ROW
        depth = data.levels.get(event_id, 0)
        title = e["title"] if len(e["title"]) <= 58 - 3 * depth else e["title"][: 56 - 3 * depth] + "…"
        out.append(
            f'<a href="events.html#event-{attr(event_id)}"><title>{h(e["title"])}: {h(when_label(e))}</title>'
            f'<rect class="focus" x="0" y="{y}" width="{LABEL_WIDTH + CHART_WIDTH}" height="{ROW}"/>'
            f'<text class="lbl" x="{4 + depth * 14}" y="{y + 14}">{h(title)}</text>'
        )
        out.append(mark(e, xs, y, left, right))
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


def mark(e: Row, xs: Mapping[dt.date, float], y: int, left: float, right: float) -> str:
    """The mark of one event in its row: a bar, a bracket for a visit, an open line, or 'undated'."""
    start, end = e["date_start"], e["date_end"]
    mid = y + ROW / 2
    if start is None and end is None:
        return f'<text class="undated" x="{left + 8:.1f}" y="{y + 14}">undated</text>'
    x1 = xs[start] if start else left
    x2 = xs[end + dt.timedelta(days=1)] if end else right
    x2 = max(x2, x1 + 3)
    parts = []
    if start is None:  # open at the start: a dashed line from the edge, an arrowhead pointing left
        parts.append(
            f'<path class="open" d="M{left:.1f} {mid} H{x2:.1f} M{left + 5:.1f} {mid - 4} L{left:.1f} {mid} L{left + 5:.1f} {mid + 4}"/>'
        )
        parts.append(f'<rect class="day" x="{x2 - 2:.1f}" y="{mid - 5}" width="3" height="10"/>')
        return "".join(parts)
    if end is None:
        parts.append(
            f'<path class="open" d="M{x1:.1f} {mid} H{right:.1f} M{right - 5:.1f} {mid - 4} L{right:.1f} {mid} L{right - 5:.1f} {mid + 4}"/>'
        )
        parts.append(f'<rect class="day" x="{x1:.1f}" y="{mid - 5}" width="3" height="10"/>')
        return "".join(parts)
    if e["event_type"] == "visit":
        return f'<path class="visit" d="M{x1:.1f} {mid - 6} V{mid + 6} M{x1:.1f} {mid} H{x2:.1f} M{x2:.1f} {mid - 6} V{mid + 6}"/>'
    if e["status"] in ("scheduled", "intended", "proposed"):
        cls = "planned"
    else:
        cls = "day" if e["date_precision"] == "day" else "span"
    return f'<rect class="{cls}" x="{x1:.1f}" y="{mid - 5}" width="{x2 - x1:.1f}" height="10"/>'


NONE_ITEM = '<li class="muted">none recorded</li>'


def events_page(data: Data) -> str:
    out = [f'<p>{len(data.order)} events, in the order of the <a href="timeline.html">timeline</a>.</p>']
    for event_id in data.order:
        e = data.events[event_id]
        people = "".join(
            f"<li>{data.person_link(r['participant_id'])} <span class='muted'>({h(r['role'])})</span></li>"
            for r in data.roles.get(event_id, [])
        )
        evidence = "".join(
            "<li>"
            + data.span_link(r["document_id"], f"ev-{event_id}-{r['char_start']}", f"<q>{h(r['text'])}</q>")
            + "</li>"
            for r in sorted(data.evidence.get(event_id, []), key=lambda r: (r["document_id"], r["char_start"]))
        )
        parts = "".join(f"<li>{data.event_link(p['event_id'])}</li>" for p in data.parts.get(event_id, []))
        quotes = "".join(
            f'<li><a href="quotations.html#quote-{attr(q["quote_id"])}">{h(q["quote_id"])}</a></li>'
            for q in data.event_quotes.get(event_id, [])
        )
        plover = h(e["plover_type"] or "none") + (f" (mode {h(e['plover_mode'])})" if e["plover_mode"] else "")
        facts = [
            ("When", f"<time>{h(when_label(e))}</time> <span class='muted'>({PRECISION_WORDS.get(e['date_precision'], h(e['date_precision']))}; date from {h(e['date_basis'])})</span>"),
            ("Type", h(e["event_type"])),
            ("Status", h(e["status"])),
            ("Where", h(e["location"] or "not stated") + (f" ({h(e['country_code'])})" if e["country_code"] else "")),
            ("Part of", data.event_link(e["parent_event_id"]) if e["parent_event_id"] else '<span class="muted">none</span>'),
            ("Topics", data.topic_tags(data.event_topics.get(event_id, []))),
            ("CAMEO", h(e["cameo_code"] or "none")),
            ("PLOVER", plover),
        ]  # fmt: skip
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        more = f"<h3>Parts</h3><ul>{parts}</ul>" if parts else ""
        more += f"<h3>Quotations said at it</h3><ul>{quotes}</ul>" if quotes else ""
        out.append(
            f'<article class="item" id="event-{attr(event_id)}"><h2>{h(e["title"])}</h2>'
            f'<p>{h(e["description"])}</p><dl class="facts">{dl}</dl>'
            f"<h3>Participants</h3><ul>{people or NONE_ITEM}</ul>"
            f"<h3>Evidence</h3><ul>{evidence or NONE_ITEM}</ul>{more}</article>"
        )
    return "\n".join(out)


def quotations_page(data: Data) -> str:
    out = [
        '<form id="quote-search" class="search" role="search" hidden>'
        '<label for="q">Search the quotations</label> <input id="q" name="q" type="search" autocomplete="off"> '
        '<button type="submit">Search</button>'
        '<p id="search-status" aria-live="polite"></p>'
        "<p class=\"muted\">Ignores case, accents and the kind of space (as <code>natoseoul.find_quotes(text=...)</code>).</p></form>",
        '<noscript><p>The search needs JavaScript; every quotation is listed below.</p></noscript>',
    ]  # fmt: skip
    for q in data.rows["quotes"]:
        reported = f" (reported by {data.person_link(q['reported_by_id'])})" if q["reported_by_id"] else ""
        facts = [
            ("Speaker", data.person_link(q["speaker_id"]) + reported),
            ("Event", data.event_link(q["event_id"])),
            ("Topics", data.topic_tags(data.quote_topics.get(q["quote_id"], []))),
            ("Kind", h(q["quote_type"])),
            ("Source", data.span_link(q["document_id"], f"q-{q['quote_id']}", "the words in the document")),
        ]
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        out.append(
            f'<article class="item" id="quote-{attr(q["quote_id"])}" data-quote="{attr(q["quote_id"])}">'
            f'<h2 class="muted">{h(q["quote_id"])}</h2><blockquote class="quote-text">{h(q["text"])}</blockquote>'
            f'<dl class="facts">{dl}</dl></article>'
        )
    return "\n".join(out)


def participants_page(data: Data) -> str:
    out = [
        f"<p>{len(data.rows['participants'])} people, organisations, states and groups, with every form of their name the documents use.</p>"
    ]
    for p in data.rows["participants"]:
        pid = p["participant_id"]
        wikidata = (
            f'<a href="https://www.wikidata.org/wiki/{attr(p["wikidata_id"])}">{h(p["wikidata_id"])}</a>'
            if p["wikidata_id"] else '<span class="muted">not confirmed</span>'
        )  # fmt: skip
        rows = []
        for a in data.aliases.get(pid, []):
            lang = attr(a["language"])
            anchor = f"al-{pid}-{a['char_start']}-{a['char_end']}"
            rows.append(
                f'<tr><td lang="{lang}">{html.escape(a["alias"], quote=False)}</td><td>{h(a["alias_type"])}</td><td><code>{lang}</code></td>'
                f"<td>{data.span_link(a['document_id'], anchor, h(data.documents[a['document_id']]['title']))}</td></tr>"
            )
        docs = sorted({a["document_id"] for a in data.aliases.get(pid, [])}, key=list(data.documents).index)
        appears = (
            ", ".join(f'<a href="{document_page(d)}">{h(d)}</a>' for d in docs)
            or '<span class="muted">no name form recorded</span>'
        )
        table = (
            '<table><thead><tr><th scope="col">Name form</th><th scope="col">Type</th><th scope="col">Language</th>'
            f'<th scope="col">First in</th></tr></thead><tbody>{"".join(rows)}</tbody></table>' if rows else ""
        )  # fmt: skip
        facts = [
            ("Kind", h(p["kind"])),
            ("Role", h(p["role"])),
            ("Country", h(p["country_code"] or "none (international body)")),
            ("Wikidata", wikidata),
            ("Appears in", appears),
        ]
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        out.append(
            f'<article class="item" id="p-{attr(pid)}"><h2>{h(p["name"])}</h2><dl class="facts">{dl}</dl>{table}</article>'
        )
    return "\n".join(out)


def documents_page(data: Data) -> str:
    items = "".join(
        f'<li><a href="{document_page(d["document_id"])}">{h(d["title"])}</a> '
        f'<span class="muted">({h(d["publisher"])}, {d["published"].isoformat()})</span></li>'
        for d in data.rows["documents"]
    )
    return f"<p>The five source texts as kept in <code>seeds/</code>, each with its spans marked.</p><ul>{items}</ul>"


def document_body(data: Data, document_id: str) -> tuple[str, str]:
    """A document's page: its facts, the text with every span marked, and its notes; with the
    style rules that highlight a span's words when the page is opened at its anchor."""
    d = data.documents[document_id]
    text = data.seeds[document_id]
    mine = [s for s in data.spans if s.document_id == document_id]
    cuts = sorted({0, len(text), *(s.start for s in mine), *(s.end for s in mine)})
    starts: dict[int, list[Span]] = {}
    ends: dict[int, list[Span]] = {}
    for s in mine:
        starts.setdefault(s.start, []).append(s)
        ends.setdefault(s.end, []).append(s)
    notes = [s for s in mine if s.kind == "note"]
    number = {s.anchor: i + 1 for i, s in enumerate(notes)}
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        for s in ends.get(a, []):
            if s.kind == "note":
                out.append(
                    f'<sup><a href="#note-{attr(s.key[0])}" id="back-{attr(s.key[0])}" aria-label="source note {number[s.anchor]}">[{number[s.anchor]}]</a></sup>'
                )
        out.extend(f'<span class="anchor" id="{attr(s.anchor)}"></span>' for s in starts.get(a, []))
        cover = [s for s in mine if s.start <= a and b <= s.end]
        words = h(text[a:b])
        if cover:
            classes = sorted({KIND_CLASS[s.kind] for s in cover}) + [s.anchor for s in cover]
            titles = "; ".join(f"{KIND_WORDS[s.kind]}: {s.target_key}" for s in cover)
            lang = next(
                (f' lang="{attr(s.language)}"' for s in cover if s.language and s.language.startswith("ko")), ""
            )
            out.append(f'<span class="{" ".join(classes)}" title="{attr(titles)}"{lang}>{words}</span>')
        else:
            out.append(words)
    for s in ends.get(len(text), []):
        if s.kind == "note":
            out.append(
                f'<sup><a href="#note-{attr(s.key[0])}" id="back-{attr(s.key[0])}">[{number[s.anchor]}]</a></sup>'
            )
    rules = "\n".join(
        f"body:has(#{s.anchor}:target) .{s.anchor} {{ background: var(--hl); outline: 1px solid #8a6d00; }}"
        for s in mine
    )
    note_items = "".join(
        f'<li id="note-{attr(s.key[0])}"><p><a href="#{attr(s.anchor)}">“{h(s.text)}”</a> <span class="tag">{h(note["kind"])}</span> {h(note["note"])}'
        + (f' <span class="muted">Reference: {h(note["reference"])}</span>' if note["reference"] else "")
        + f' <a href="#back-{attr(s.key[0])}" aria-label="back to the text">↩</a></p></li>'
        for s in notes
        for note in [data.rows["source_notes"][s.row]]
    )  # fmt: skip
    facts = [
        ("Publisher", h(d["publisher"]) + (f"; via {h(d['distributor'])}" if d["distributor"] else "")),
        ("Author", h(d["author"] or "not named")),
        ("Published", d["published"].isoformat() + (f" <span class='muted'>(dateline: {h(d['dateline'])})</span>" if d["dateline"] else "")),
        ("Type", h(d["document_type"])),
        ("Source", f'<a href="{attr(d["source_url"])}">{h(d["source_url"])}</a>' if d["source_url"] else '<span class="muted">unknown</span>'),
        ("Seed", f"<code>{h(d['path'])}</code>, sha256 <code>{h(d['sha256'])}</code>, {d['char_count']} characters"),
    ]  # fmt: skip
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    counts = {k: sum(1 for s in mine if s.kind == k) for k in KIND_CLASS}
    legend = (
        f'<p class="legend"><span class="ev">evidence ({counts["evidence"]})</span> <span class="q">quotation ({counts["quote"]})</span> '
        f'<span class="al">name form ({counts["alias"]})</span> <span class="nt">source note ({counts["note"]})</span></p>'
    )  # fmt: skip
    body = (
        f'<dl class="facts">{dl}</dl><h2>The text</h2><div class="doc-text-legend">{legend}</div>'
        f'<div class="doc-text" lang="{attr(d["language"])}">{"".join(out)}</div>'
        f'<h2>Source notes</h2><ol class="notes">{note_items or "<li>none</li>"}</ol>'
    )
    return body, f"<style>\n{rules}\n</style>\n"


def render(tables: Mapping[str, pa.Table], seeds: Mapping[str, str], meta: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the site, by its path relative to the site folder, in a fixed order."""
    data = Data(tables, seeds, meta)
    files: dict[str, bytes] = {}
    files["index.html"] = page(data, "index.html", str(meta.get("title", "natoseoul")), overview(data))
    files["timeline.html"] = page(data, "timeline.html", "Timeline", timeline_page(data))
    files["events.html"] = page(data, "events.html", "Events", events_page(data))
    files["quotations.html"] = page(data, "quotations.html", "Quotations", quotations_page(data), script="search.js")
    files["participants.html"] = page(data, "participants.html", "Participants", participants_page(data))
    files["documents.html"] = page(data, "documents.html", "Documents", documents_page(data))
    for document_id, d in data.documents.items():
        body, head = document_body(data, document_id)
        files[document_page(document_id)] = page(data, document_page(document_id), str(d["title"]), body, head=head)
    for name in ASSETS:
        files[name] = (STATIC / name).read_bytes()
    return files
