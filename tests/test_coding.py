"""The event-coding manual's checkable rules ([P] in docs/coding.md), run on the built CSV tables.

The tables are read with the csv module, independently of the package; the allowed code triples
are parsed from the manual's crosswalk table (R11), the confirmed Wikidata QIDs from R21 and the
office holders from R19, so the manual and these tests cannot drift apart.

To check another set of tables (an older release), point NATOSEOUL_CODING_CSV at a folder of its
CSV files, e.g. ``git show fcda136:dist/csv/events.csv > /tmp/old/events.csv`` for every table, then
``NATOSEOUL_CODING_CSV=/tmp/old pytest tests/test_coding.py``.

Run on the tables of fcda136 (before the manual was applied, 59 events), these tests failed:
test_codes_are_a_row_of_the_crosswalk (R11), test_plover_mode_only_where_allowed (R13),
test_day_precision_not_where_an_end_is_unreported (R15), test_reference_dates_name_their_source
(R2), test_one_event_per_kind_of_act_per_sentence (R7), test_visits_have_a_visitor_and_a_host and
test_consult_040_has_no_visitor_or_host (R13, R18), test_visitor_only_on_visits (R18a),
test_cooperate_and_aid_have_a_recipient (R18), test_request_is_addressed_to_a_recipient (R18),
test_office_brings_its_institution (R19), test_renderings_have_a_note_each (R24).
These passed on the old tables, as the old data kept these rules; each was checked to fail on a
copy of the current tables with one value broken for it (a month ending mid-month, basis none on a
dated row, a 'day' with nothing to stand on, a part moved under a parent of another year, a QID for
Jens Stoltenberg): test_date_shape_follows_precision (R14), test_unknown_date_iff_no_basis (R17),
test_day_precision_has_a_day_to_stand_on (R15a), test_parent_exists_and_contains_its_parts (R5),
test_only_confirmed_wikidata_ids (R21). test_the_crosswalk_parses checks the parser of the manual's
table, not the data.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pytest

Row = dict[str, str]


class Tables:
    """The CSV tables of a release and the seeds their spans point into."""

    def __init__(self, root: Path, folder: Path):
        self.root, self.folder = root, folder

    def rows(self, name: str) -> list[Row]:
        with (self.folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    @cached_property
    def events(self) -> dict[str, Row]:
        return {e["event_id"]: e for e in self.rows("events")}

    @cached_property
    def roles(self) -> dict[str, set[tuple[str, str]]]:
        """event_id -> {(participant_id, role)}"""
        out: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for p in self.rows("event_participants"):
            out[p["event_id"]].add((p["participant_id"], p["role"]))
        return out

    @cached_property
    def evidence(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = defaultdict(list)
        for r in self.rows("event_evidence"):
            out[r["event_id"]].append(r)
        return out

    @cached_property
    def documents(self) -> dict[str, Row]:
        return {d["document_id"]: d for d in self.rows("documents")}

    @cached_property
    def seeds(self) -> dict[str, str]:
        return {k: (self.root / d["path"]).read_bytes().decode("utf-8") for k, d in self.documents.items()}

    def ancestors(self, event_id: str) -> Iterator[str]:
        seen = {event_id}
        parent = self.events[event_id]["parent_event_id"]
        while parent and parent in self.events and parent not in seen:
            seen.add(parent)
            yield parent
            parent = self.events[parent]["parent_event_id"]

    def who(self, event_id: str, *roles: str) -> set[str]:
        return {pid for pid, role in self.roles[event_id] if role in roles}


@pytest.fixture(scope="module")
def t(root: Path) -> Tables:
    folder = os.environ.get("NATOSEOUL_CODING_CSV")
    return Tables(root, Path(folder) if folder else root / "dist" / "csv")


@pytest.fixture(scope="module")
def manual(root: Path) -> str:
    return (root / "docs" / "coding.md").read_text(encoding="utf-8")


def rule(manual: str, number: str) -> str:
    """The text of rule ``number`` ('R19'): from its bold heading to the next rule or section."""
    start = manual.index(f"**{number} ")
    end = re.compile(r"\n\*\*R\d+[a-z]? |\n## ").search(manual, start + 1)
    return manual[start : end.start() if end else len(manual)]


def nulls(value: str) -> str | None:
    return value or None


def day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- R11 and R13: the crosswalk --------------------------------------------------------------------


def crosswalk(manual: str) -> set[tuple[str | None, str | None, str | None]]:
    """The allowed (cameo_code, plover_type, plover_mode) triples, from the R11 table."""
    lines = [ln for ln in rule(manual, "R11").splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[:3] == ["CAMEO", "CAMEO label", "PLOVER type"] and header[5] == "stored `plover_mode`"
    allowed = set()
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        cameo = cells[0] if re.fullmatch(r"\d{3}", cells[0]) else None
        plover_match = re.match(r"[A-Z]+\b", cells[2])
        plover = plover_match.group() if plover_match else None
        modes: list[str | None] = list(re.findall(r"`([a-z-]+)`", cells[5]))
        if "null" in cells[5]:
            modes.append(None)
        assert modes, line
        allowed |= {(cameo, plover, mode) for mode in modes}
    return allowed


def test_the_crosswalk_parses(manual: str) -> None:
    allowed = crosswalk(manual)
    assert ("042", "CONSULT", "visit") in allowed and ("010", None, None) in allowed
    assert (None, "SUPPORT", None) in allowed and ("040", "CONSULT", "multilateral") in allowed
    assert ("040", "CONSULT", "visit") not in allowed and len(allowed) == 18


def test_codes_are_a_row_of_the_crosswalk(t: Tables, manual: str) -> None:
    """R11: every event's (cameo_code, plover_type, plover_mode) is a row of the crosswalk."""
    allowed = crosswalk(manual)
    bad = [
        (e["event_id"], e["cameo_code"], e["plover_type"], e["plover_mode"])
        for e in t.events.values()
        if (nulls(e["cameo_code"]), nulls(e["plover_type"]), nulls(e["plover_mode"])) not in allowed
    ]
    assert bad == []


def test_plover_mode_only_where_allowed(t: Tables, manual: str) -> None:
    """R13: a mode only on CONSULT rows, and only the (CAMEO, mode) pairs the crosswalk gives CONSULT."""
    pairs = {(c, m) for c, p, m in crosswalk(manual) if p == "CONSULT" and m}
    assert pairs == {("040", "multilateral"), ("042", "visit"), ("043", "visit")}
    bad = [
        (e["event_id"], e["cameo_code"], e["plover_type"], e["plover_mode"])
        for e in t.events.values()
        if e["plover_mode"] and (e["plover_type"] != "CONSULT" or (e["cameo_code"], e["plover_mode"]) not in pairs)
    ]
    assert bad == []


# --- R14 to R17: dates ----------------------------------------------------------------------------


def shape_ok(precision: str, start: dt.date | None, end: dt.date | None) -> bool:
    """R14's shape of each precision."""
    if start and end and start > end:
        return False
    if precision == "day":
        return bool(start and end)
    if precision in ("month", "year"):
        if not (start and end):
            return False
        whole_month = start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and start.month == end.month
        whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        return start.year == end.year and (whole_month if precision == "month" else whole_year)
    if precision == "range":
        return bool(start or end)
    return precision == "unknown" and not start and not end


def test_date_shape_follows_precision(t: Tables) -> None:
    """R14: day has both ends; month and year span the whole unit; range has a bound; unknown none."""
    bad = [
        (e["event_id"], e["date_precision"], e["date_start"], e["date_end"])
        for e in t.events.values()
        if not shape_ok(e["date_precision"], day(e["date_start"]), day(e["date_end"]))
    ]
    assert bad == []


def test_unknown_date_iff_no_basis(t: Tables) -> None:
    """R17: date_basis none exactly when date_precision is unknown."""
    bad = [
        (e["event_id"], e["date_precision"], e["date_basis"])
        for e in t.events.values()
        if (e["date_basis"] == "none") != (e["date_precision"] == "unknown")
    ]
    assert bad == []


def test_day_precision_not_where_an_end_is_unreported(t: Tables) -> None:
    """R15: a `day` row whose description says a first or last day is not reported or confirmed."""
    unreported = re.compile(r"\b(first|last|days?|arrival|departure)\b[^.;]*\bnot (reported|confirmed)", re.IGNORECASE)
    bad = [
        e["event_id"] for e in t.events.values() if e["date_precision"] == "day" and unreported.search(e["description"])
    ]
    assert bad == []


MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sep\.|Sept\.|Oct\.|Nov\.|Dec\."
)
A_DAY = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today)\b"
    rf"|\b\d{{1,2}} ({MONTHS})|({MONTHS}) \d{{1,2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{4}}\b|\d{{1,2}}일"
)


def test_day_precision_has_a_day_to_stand_on(t: Tables) -> None:
    """R15a: a `day` row not dated from a cited source (basis reference, checked by R2) takes its day
    from its evidence (a date, weekday or 'today'), from the printed dateline of a document its
    evidence is in, or from an ancestor dated `day` to the same days."""
    bad = []
    for e in t.events.values():
        if e["date_precision"] != "day" or e["date_basis"] == "reference":
            continue
        spans = t.evidence[e["event_id"]]
        in_text = any(A_DAY.search(s["text"]) for s in spans)
        dateline = any(
            t.documents[s["document_id"]]["published_source"] == "seed"
            and e["date_start"] == e["date_end"] == t.documents[s["document_id"]]["published"]
            for s in spans
        )
        inherited = any(
            t.events[a]["date_precision"] == "day"
            and (t.events[a]["date_start"], t.events[a]["date_end"]) == (e["date_start"], e["date_end"])
            for a in t.ancestors(e["event_id"])
        )
        if not (in_text or dateline or inherited):
            bad.append(e["event_id"])
    assert bad == []


# The public sources the reference facts cite (../shared/reference/facts.md), as a description names them.
SOURCES = re.compile(
    r"https?://|nato\.int|prpchannel|Nova\b|Korea\.net|articleId|foreign ministry|Ministry of Foreign Affairs"
    r"|Korea ?Daily|koreadailyus|Yonhap|Korea Herald|\bDW\b|\bKBS\b|\(NATO[);,]|from NATO\b"
)


def test_reference_dates_name_their_source(t: Tables) -> None:
    """R2: a row dated from a public source (date_basis reference) names the source in its description."""
    bad = [
        e["event_id"]
        for e in t.events.values()
        if e["date_basis"] == "reference" and not SOURCES.search(e["description"])
    ]
    assert bad == []


# --- R5 and R7: parts and sentences -----------------------------------------------------------------


def test_parent_exists_and_contains_its_parts(t: Tables) -> None:
    """R5: a parent exists, is not the row itself, and its dates contain the part's where both are known."""
    bad = []
    for e in t.events.values():
        parent_id = e["parent_event_id"]
        if not parent_id:
            continue
        parent = t.events.get(parent_id)
        if parent is None or parent_id == e["event_id"] or e["event_id"] in t.ancestors(parent_id):
            bad.append((e["event_id"], parent_id, "no parent or a cycle"))
            continue
        # ISO 8601 dates compare as text
        if parent["date_start"] and e["date_start"] and parent["date_start"] > e["date_start"]:
            bad.append((e["event_id"], parent_id, "starts before its parent"))
        if parent["date_end"] and e["date_end"] and parent["date_end"] < e["date_end"]:
            bad.append((e["event_id"], parent_id, "ends after its parent"))
    assert bad == []


SENTENCE_END = re.compile(r"[.!?:](?=\s|[A-Z])|\n")
RECEIVING = ("host", "recipient", "target", "invitee", "audience", "interviewer")


def sentence_starts(seed: str) -> list[int]:
    """Offsets at which a new sentence starts (R7's definition)."""
    return [m.end() for m in SENTENCE_END.finditer(seed)]


def test_one_event_per_kind_of_act_per_sentence(t: Tables) -> None:
    """R7, R7a: no two events with the same codes take evidence from one sentence, unless one is a
    part of the other, or both have the same status and differ in place or in counterpart."""
    starts = {doc: sentence_starts(seed) for doc, seed in t.seeds.items()}
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for event_id, spans in t.evidence.items():
        for s in spans:
            first = bisect.bisect_right(starts[s["document_id"]], int(s["char_start"]))
            last = bisect.bisect_right(starts[s["document_id"]], int(s["char_end"]) - 1)
            for n in range(first, last + 1):
                by_sentence[(s["document_id"], n)].add(event_id)
    bad = set()
    for (doc, _), ids in by_sentence.items():
        for a in ids:
            for b in ids:
                ea, eb = t.events[a], t.events[b]
                codes = (ea["cameo_code"], ea["plover_type"])
                if a >= b or codes == ("", "") or codes != (eb["cameo_code"], eb["plover_type"]):
                    continue
                if a in t.ancestors(b) or b in t.ancestors(a):
                    continue
                if ea["status"] == eb["status"] and (
                    (ea["location"] and eb["location"] and ea["location"] != eb["location"])
                    or t.who(a, *RECEIVING) != t.who(b, *RECEIVING)
                ):
                    continue
                bad.add((doc, a, b))
    assert sorted(bad) == []


# --- R18 and R19: participants ----------------------------------------------------------------------


def test_visits_have_a_visitor_and_a_host(t: Tables) -> None:
    """R13, R18: a 042 or 043 row has a visitor and a host."""
    bad = [
        e["event_id"]
        for e in t.events.values()
        if e["cameo_code"] in ("042", "043") and not (t.who(e["event_id"], "visitor") and t.who(e["event_id"], "host"))
    ]
    assert bad == []


def test_consult_040_has_no_visitor_or_host(t: Tables) -> None:
    """R13, R18: a meeting coded 040 names no visitor and no host."""
    bad = [
        e["event_id"] for e in t.events.values() if e["cameo_code"] == "040" and t.who(e["event_id"], "visitor", "host")
    ]
    assert bad == []


def test_visitor_only_on_visits(t: Tables) -> None:
    """R18a: `visitor` only on visits (042, 043) and on planned visits and meetings (036)."""
    bad = [
        e["event_id"]
        for e in t.events.values()
        if t.who(e["event_id"], "visitor") and e["cameo_code"] not in ("042", "043", "036")
    ]
    assert bad == []


def test_cooperate_and_aid_have_a_recipient(t: Tables) -> None:
    """R18: COOPERATE and AID rows have a recipient, target or host, or at least two parties."""
    bad = [
        e["event_id"]
        for e in t.events.values()
        if e["plover_type"] in ("COOPERATE", "AID")
        and not t.who(e["event_id"], "recipient", "target", "host")
        and len(t.who(e["event_id"], "party")) < 2
    ]
    assert bad == []


def test_request_is_addressed_to_a_recipient(t: Tables) -> None:
    """R18: a REQUEST's addressee is a `recipient`, never a `target`."""
    bad = [
        e["event_id"]
        for e in t.events.values()
        if e["plover_type"] == "REQUEST" and (t.who(e["event_id"], "target") or not t.who(e["event_id"], "recipient"))
    ]
    assert bad == []


def actor_roles(manual: str) -> set[str]:
    """The roles R18's table maps to PLOVER's actor ('`visitor` / `host` | actor / recipient')."""
    roles = set()
    for line in rule(manual, "R18").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) < 2:
            continue
        for names, side in zip(cells[0].split("/"), cells[1].split("/"), strict=False):
            if side.strip() == "actor":
                roles |= set(re.findall(r"`([a-z-]+)`", names))
    return roles


def test_r18_actor_roles_parse(manual: str) -> None:
    roles = actor_roles(manual)
    assert {"visitor", "party", "speaker", "contributor", "interviewee"} <= roles
    assert not roles & {"host", "recipient", "target", "subject", "audience"}


def test_coded_rows_have_an_actor(t: Tables, manual: str) -> None:
    """R12a: a row with a PLOVER type has a participant in an actor role (R18)."""
    actors = actor_roles(manual)
    bad = [e["event_id"] for e in t.events.values() if e["plover_type"] and not t.who(e["event_id"], *actors)]
    assert bad == []


def test_contributor_only_on_aid(t: Tables) -> None:
    """R12a: a contribution is AID; a `contributor` appears on no other PLOVER type."""
    bad = [
        e["event_id"] for e in t.events.values() if t.who(e["event_id"], "contributor") and e["plover_type"] != "AID"
    ]
    assert bad == []


def office_holders(t: Tables, manual: str) -> dict[str, str]:
    """R19's examples: person participant -> institution, from '"title Name", … → `institution`'."""
    forms: dict[str, set[str]] = defaultdict(set)
    people = {p["participant_id"] for p in t.rows("participants") if p["kind"] == "person"}
    for p in t.rows("participants"):
        forms[p["participant_id"]].add(p["name"])
    for a in t.rows("participant_aliases"):
        if a["alias_type"] in ("name", "short_name", "romanization"):
            forms[a["participant_id"]].add(a["alias"])
    holders = {}
    text = " ".join(rule(manual, "R19").split()).replace("“", '"').replace("”", '"')
    for titles, institution in re.findall(r'((?:"[^"]+"(?:, |,? or )?)+) → `([a-z-]+)`', text):
        for title in re.findall(r'"([^"]+)"', titles):
            (person,) = {pid for pid in people if any(form in title for form in forms[pid])}
            holders[person] = institution
    return holders


def test_office_brings_its_institution(t: Tables, manual: str) -> None:
    """R19: a person acting in an office brings its institution, with the same role."""
    holders = office_holders(t, manual)
    assert holders["stoltenberg-jens"] == "nato" and holders["moon-jae-in"] == "republic-of-korea"
    assert len(holders) == 8
    bad = [
        (event_id, person, role)
        for event_id, pairs in t.roles.items()
        for person, role in pairs
        if person in holders and (holders[person], role) not in pairs
    ]
    assert sorted(bad) == []


# --- R21: Wikidata ----------------------------------------------------------------------------------


def test_only_confirmed_wikidata_ids(t: Tables, manual: str) -> None:
    """R21: a QID only for the entities the manual lists as confirmed, with that QID."""
    text = " ".join(rule(manual, "R21").split())
    listed = {qid: name for name, qid in re.findall(r"([A-Z][A-Za-z .]*?) (Q\d+)", text)}
    assert listed["Q7184"] == "NATO" and len(listed) == 12
    forms: dict[str, set[str]] = defaultdict(set)
    for p in t.rows("participants"):
        forms[p["participant_id"]].add(p["name"])
    for a in t.rows("participant_aliases"):
        forms[a["participant_id"]].add(a["alias"])
    bad = [
        (p["participant_id"], p["wikidata_id"])
        for p in t.rows("participants")
        if p["wikidata_id"] and listed.get(p["wikidata_id"]) not in forms[p["participant_id"]]
    ]
    assert bad == []


# --- R24: renderings --------------------------------------------------------------------------------

# R24: (document, speaker or None for every speaker) -> the kind of note each quotation needs.
RENDERINGS = {
    ("menafn-2023-01-30", None): "retranslation",
    ("koreanet-2023-01-30", "yoon-suk-yeol"): "translation",
}


def test_renderings_have_a_note_each(t: Tables) -> None:
    """R24: each reworded or translated quotation has its own note of the right kind over its span
    (a note that also overlaps another quotation is not its own)."""
    quotes = t.rows("quotes")
    notes = t.rows("source_notes")

    def overlaps(a: Row, b: Row) -> bool:
        return (
            a["document_id"] == b["document_id"]
            and int(a["char_start"]) < int(b["char_end"])
            and int(b["char_start"]) < int(a["char_end"])
        )

    bad = []
    for q in quotes:
        kind = RENDERINGS.get((q["document_id"], None)) or RENDERINGS.get((q["document_id"], q["speaker_id"]))
        if kind is None:
            continue
        own = [
            n
            for n in notes
            if n["kind"] == kind
            and overlaps(n, q)
            and not any(overlaps(n, other) for other in quotes if other["quote_id"] != q["quote_id"])
        ]
        if not own:
            bad.append(q["quote_id"])
    assert bad == []
