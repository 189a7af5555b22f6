"""export -f annotations (W3C Web Annotations) and export -f plover (PLOVER records), read back and
checked against the specifications they follow and against the seeds.

- W3C Web Annotation Data Model, W3C Recommendation 23 February 2017
  (https://www.w3.org/TR/2017/REC-annotation-model-20170223/): §4.2.4 TextQuoteSelector (exact,
  prefix, suffix), §4.2.5 TextPositionSelector (start, end; position 0 before the first character,
  the end excluded), text counted "in terms of unicode code points".
- PLOVER manual, DRAFT Version 2.0 (openeventdata/PLOVER, PLOVER_MANUAL.tex, commit 5e0c24f of
  2024-02-04), chapter "Data Fields": required fields id, date, actor, event; date and enddate as
  YYYY-MM-DD; actor and recipient lists of entity objects; "Requires recipient: Yes" for COOPERATE,
  AID and SANCTION; CONSULT's modes visit, third-party, multilateral and phone.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import ROOT, copy_release, release, release_rows, run

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PLOVER_EVENTS = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                 "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}  # fmt: skip
REQUIRES_RECIPIENT = {"COOPERATE", "AID", "SANCTION"}
CONSULT_MODES = {"visit", "third-party", "multilateral", "phone"}
PLOVER_CONTEXTS = {"military", "intelligence", "executive", "legislative", "election", "political_institutions",
                   "pro_democracy", "pro_autocracy", "economic", "legal", "reparations", "human_rights",
                   "rights_freedoms", "repression", "human_security", "gender", "lgbt", "religion_ethnicity",
                   "inequality", "diplomatic", "territory", "peacekeeping", "health", "asylum", "migration",
                   "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn", "cyber",
                   "misinformation", "crime", "corruption", "illegal_drugs", "trafficking"}  # fmt: skip
TOP_FIELDS = {"id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event", "event_loc",
              "event_text", "quad_code", "event_scale", "mode", "context", "link", "text", "text_info", "cite_info",
              "coder", "coded_date", "coded_time", "comment"}  # fmt: skip
ADDED_FIELDS = {"date_precision"}  # "Providers should feel free to include named fields beyond those provided here"
ENTITY_FIELDS = {"code", "sector", "entity_text", "identifier_id", "identifier_text", "religion", "ethnicity", "office",
                 "gender", "age", "participant_id"}  # fmt: skip
CITE_FIELDS = {"corpus", "citation", "url", "title", "language", "publication", "license", "copyright", "coder",
               "codebook", "version", "document_id"}  # fmt: skip


def seeds() -> dict[str, str]:
    """Seed texts by path (seeds/...), read here, decoded as UTF-8 with no normalisation."""
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}


@pytest.fixture(scope="module")
def annotations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("annotations")
    result = run("export", "-f", "annotations", "-o", str(out))
    assert result.code == 0, result.err
    loaded: dict[str, Any] = json.loads((out / "annotations.jsonld").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def plover(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("plover")
    result = run("export", "-f", "plover", "-o", str(out))
    assert result.code == 0, result.err
    lines = (out / "plover.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_every_span_is_one_annotation(annotations: dict[str, Any]) -> None:
    assert annotations["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotations["type"] == "AnnotationCollection"
    items = annotations["first"]["items"]
    assert annotations["total"] == len(items)
    expected = sum(len(release_rows(t)) for t in ("event_evidence", "quotes", "participant_aliases", "source_notes"))
    assert len(items) == expected
    assert len({a["id"] for a in items}) == len(items)
    assert all(a["id"].startswith("urn:uuid:") and a["type"] == "Annotation" for a in items)
    motivations = {a["motivation"] for a in items}
    assert motivations == {"linking", "identifying", "commenting"}


def test_every_annotation_resolves_to_its_span_in_the_seed(annotations: dict[str, Any]) -> None:
    texts = seeds()
    for a in annotations["first"]["items"]:
        target = a["target"]
        seed = texts[target["source"]["id"]]
        quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
        position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
        start, end = position["start"], position["end"]
        # The position selector, in code points (a Python str index), end excluded:
        assert seed[start:end] == quote["exact"], a["id"]
        # The quote selector on its own: prefix + exact + suffix occurs in the seed, at that place.
        whole = quote["prefix"] + quote["exact"] + quote["suffix"]
        assert seed[start - len(quote["prefix"]) : end + len(quote["suffix"])] == whole
        assert len(quote["prefix"]) == min(32, start) and len(quote["suffix"]) == min(32, len(seed) - end)


def test_annotation_bodies_point_at_the_rows_they_support(annotations: dict[str, Any]) -> None:
    tables: dict[str, list[dict[str, str]]] = {}
    for a in annotations["first"]["items"]:
        row_body, words = a["body"]
        assert row_body["selector"]["conformsTo"] == "http://tools.ietf.org/rfc/rfc7111"
        path = row_body["source"]["id"]
        if path not in tables:
            with (release() / path).open(encoding="utf-8", newline="") as f:
                tables[path] = list(csv.DictReader(f))
        row = tables[path][int(row_body["selector"]["value"].removeprefix("row=")) - 2]  # the header is row 1
        exact = next(s["exact"] for s in a["target"]["selector"] if s["type"] == "TextQuoteSelector")
        if path == "csv/events.csv":
            assert row["event_id"] in words["value"]
        elif path == "csv/quotes.csv":
            assert row["text"] == exact
        elif path == "csv/participants.csv":
            assert a["motivation"] == "identifying" and row["participant_id"] in words["value"]
        else:
            assert path == "csv/source_notes.csv" and row["text"] == exact and row["note"] in words["value"]


def test_annotations_of_a_copied_package_use_its_seeds(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    out = tmp_path / "out"
    assert run("export", "--from", str(dist), "-f", "annotations", "-o", str(out)).code == 0
    (dist / "seeds" / "003_fe278e05c90f8259.txt").write_text("changed", encoding="utf-8")
    result = run("export", "--from", str(dist), "-f", "annotations", "-o", str(out), "--force")
    assert result.code == 1 and "sha256 differs" in result.err


def test_table_does_not_apply_to_the_derived_formats(tmp_path: Path) -> None:
    result = run("export", "-f", "plover", "-o", str(tmp_path), "--table", "events")
    assert result.code == 1 and "--table does not apply to plover" in result.err


def test_one_plover_record_per_coded_event(plover: list[dict[str, Any]]) -> None:
    coded = [e for e in release_rows("events") if e["plover_type"]]
    assert [r["id"] for r in plover] == [e["event_id"] for e in coded]
    for record, event in zip(plover, coded, strict=True):
        assert record["event"] == [event["plover_type"]]
        assert record["mode"] == ([event["plover_mode"]] if event["plover_mode"] else [])
        assert record["link"] == (event["parent_event_id"] or None)


def test_plover_records_follow_the_manuals_field_rules(plover: list[dict[str, Any]]) -> None:
    events = {e["event_id"]: e for e in release_rows("events")}
    for r in plover:
        event = events[r["id"]]
        assert set(r) <= TOP_FIELDS | ADDED_FIELDS, set(r) - TOP_FIELDS
        assert {"id", "date", "actor", "event"} <= set(r)  # required
        # date: YYYY-MM-DD; null only where the data does not know the first day (never invented)
        if event["date_start"]:
            assert DATE.fullmatch(r["date"]) and r["date"] == event["date_start"]
        else:
            assert r["date"] is None and "first day is unknown" in r["comment"]
        assert r["enddate"] == (event["date_end"] or None)
        assert r["enddate"] is None or DATE.fullmatch(r["enddate"])
        assert r["actor"], r["id"]
        assert all(e in PLOVER_EVENTS for e in r["event"])
        if r["event"][0] in REQUIRES_RECIPIENT:
            assert r["recipient"], f"{r['id']}: {r['event'][0]} requires a recipient"
        if r["mode"]:
            assert r["event"] == ["CONSULT"] and set(r["mode"]) <= CONSULT_MODES
        assert set(r["context"]) <= PLOVER_CONTEXTS
        for entity in r["actor"] + r["recipient"]:
            assert set(entity) <= ENTITY_FIELDS
            assert "code" not in entity or re.fullmatch(r"[A-Z]{3}", entity["code"])
            assert "identifier_id" not in entity or re.fullmatch(r"Q[1-9][0-9]*", entity["identifier_id"])
        for cite in r["cite_info"]:
            assert set(cite) <= CITE_FIELDS and re.fullmatch(r"[a-z]{2}", cite["language"])


def test_plover_consult_visits_have_the_visitor_as_actor(plover: list[dict[str, Any]]) -> None:
    roles: dict[tuple[str, str], str] = {
        (r["event_id"], r["participant_id"]): r["role"] for r in release_rows("event_participants")
    }
    for r in plover:
        if r["mode"] == ["visit"]:
            assert all(roles[(r["id"], e["participant_id"])] == "visitor" for e in r["actor"]), r["id"]
            assert all(roles[(r["id"], e["participant_id"])] != "visitor" for e in r["recipient"]), r["id"]


def test_plover_event_text_is_the_evidence_at_its_offsets(plover: list[dict[str, Any]]) -> None:
    documents = {d["document_id"]: d for d in release_rows("documents")}
    texts = seeds()
    for r in plover:
        assert len(r["event_text"]) == len(r["text_info"])
        for words, where in zip(r["event_text"], r["text_info"], strict=True):
            seed = texts[documents[where["document_id"]]["path"]]
            assert seed[where["start"] : where["end"]] == words
        assert {c["document_id"] for c in r["cite_info"]} == {w["document_id"] for w in r["text_info"]}


def test_the_seeds_read_here_are_the_documents_of_the_release() -> None:
    for d in release_rows("documents"):
        assert hashlib.sha256((ROOT / d["path"]).read_bytes()).hexdigest() == d["sha256"]
