"""Read the curated annotations in ``curation/`` into table rows.

The annotations are the single human-edited source of the data. They are TOML, so a change reads
well in a diff, and they hold evidence as verbatim text: the loader finds each text in its seed and
records the offsets (an explicit ``at`` pins the start where the text occurs more than once, and is
checked). Every row keeps the place it came from, so a problem found later names the file, the record
and the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natoseoul.errors import DataError, excerpt

Row = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """Where a row came from: a curation file and a record in it."""

    file: str
    record: str

    def at(self, field_name: str) -> str:
        return f"{self.file}: {self.record}: {field_name}"


@dataclass
class Curated:
    """Rows of every table, each with its origin, plus the release metadata and the seed texts."""

    package: dict[str, Any]
    rows: dict[str, list[Row]] = field(default_factory=dict)
    origins: dict[str, list[Origin]] = field(default_factory=dict)
    seeds: dict[str, str] = field(default_factory=dict)

    def add(self, table: str, row: Row, origin: Origin) -> None:
        self.rows.setdefault(table, []).append(row)
        self.origins.setdefault(table, []).append(origin)


def _text(value: Any) -> Any:
    return value


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid date such as 2023-01-30 ({exc})") from None
    raise ValueError(f"expected a date such as 2023-01-30, got {value!r}")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {value!r}")


# TOML key -> (column, converter), per kind of record; keys not listed here are errors.
Spec = dict[str, tuple[str, Callable[[Any], Any]]]

DOCUMENT: Spec = {
    "id": ("document_id", _text), "title": ("title", _text), "title_verbatim": ("title_verbatim", _boolean),
    "publisher": ("publisher", _text), "distributor": ("distributor", _text), "author": ("author", _text),
    "type": ("document_type", _text), "published": ("published", _date),
    "published_source": ("published_source", _text), "dateline": ("dateline", _text),
    "language": ("language", _text), "path": ("path", _text), "sha256": ("sha256", _text),
    "source_url": ("source_url", _text), "original_url": ("original_url", _text),
}  # fmt: skip
PARTICIPANT: Spec = {
    "id": ("participant_id", _text), "name": ("name", _text), "kind": ("kind", _text), "role": ("role", _text),
    "country": ("country_code", _text), "wikidata": ("wikidata_id", _text),
}  # fmt: skip
ALIAS: Spec = {"type": ("alias_type", _text), "lang": ("language", _text)}
EVENT: Spec = {
    "id": ("event_id", _text), "parent": ("parent_event_id", _text), "title": ("title", _text),
    "type": ("event_type", _text), "status": ("status", _text), "start": ("date_start", _date),
    "end": ("date_end", _date), "precision": ("date_precision", _text), "basis": ("date_basis", _text),
    "location": ("location", _text), "country": ("country_code", _text), "description": ("description", _text),
    "cameo": ("cameo_code", _text), "plover": ("plover_type", _text), "mode": ("plover_mode", _text),
}  # fmt: skip
QUOTE: Spec = {
    "id": ("quote_id", _text), "speaker": ("speaker_id", _text), "event": ("event_id", _text),
    "type": ("quote_type", _text), "reported_by": ("reported_by_id", _text),
}  # fmt: skip
TOPIC: Spec = {
    "id": ("topic_id", _text), "label": ("label", _text), "description": ("description", _text),
    "parent": ("parent_topic_id", _text), "plover": ("plover_context", _text),
}  # fmt: skip
NOTE: Spec = {
    "id": ("note_id", _text), "kind": ("kind", _text), "note": ("note", _text),
    "related": ("related_note_id", _text), "reference": ("reference", _text),
}  # fmt: skip
SPAN_KEYS = ("doc", "text", "at")
QUOTE_DEFAULTS = ("speaker", "event", "type", "reported_by")  # file-level defaults in quotes/*.toml


def _read_toml(path: Path, root: Path) -> dict[str, Any]:
    name = path.relative_to(root).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{name}: cannot read: {exc.strerror}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{name}: starts with a byte-order mark; save it as UTF-8 without BOM")
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        raise DataError(f"{name}:{line}: has a CR line end; save it with LF line ends")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{name}: not valid TOML: {exc}") from None


def _fields(record: dict[str, Any], spec: Spec, origin: Origin, extra: tuple[str, ...] = ()) -> Row:
    """Map a record's keys to columns, rejecting unknown keys and values of the wrong shape."""
    unknown = sorted(set(record) - set(spec) - set(extra))
    if unknown:
        raise DataError(
            f"{origin.at(unknown[0])}: unknown key (expected one of {', '.join(sorted(spec) + list(extra))})"
        )
    row: Row = {}
    for key, (column, convert) in spec.items():
        value = record.get(key)
        if isinstance(value, str) and value != value.strip():
            raise DataError(f"{origin.at(key)}: {value!r} has leading or trailing spaces")
        try:
            row[column] = convert(value) if value is not None else None
        except ValueError as exc:
            raise DataError(f"{origin.at(key)}: {exc}") from None
    return row


class Spans:
    """Finds evidence texts in the seeds and turns them into verified (char_start, char_end) pairs."""

    def __init__(self, seeds: dict[str, str]):
        self.seeds = seeds

    def locate(self, span: Any, origin: Origin, where: str, first: bool = False) -> Row:
        """Offsets of ``span['text']`` in its document: at ``span['at']`` when given (and checked there),
        else its only occurrence, or with ``first`` its first occurrence."""
        if not isinstance(span, dict):
            raise DataError(f"{origin.at(where)}: expected a table with doc, text and optionally at")
        unknown = sorted(set(span) - set(SPAN_KEYS))
        if unknown:
            raise DataError(f"{origin.at(where + '.' + unknown[0])}: unknown key (expected doc, text, at)")
        doc, text, at = span.get("doc"), span.get("text"), span.get("at")
        if doc not in self.seeds:
            raise DataError(f"{origin.at(where + '.doc')}: unknown document {doc!r}")
        if not isinstance(text, str) or not text:
            raise DataError(f"{origin.at(where + '.text')}: missing or empty")
        seed = self.seeds[doc]
        if at is not None:
            if not isinstance(at, int) or isinstance(at, bool):
                raise DataError(f"{origin.at(where + '.at')}: expected an integer offset, got {at!r}")
            found = seed[at : at + len(text)]
            if found != text:
                raise DataError(
                    f"{origin.at(where + '.text')}: does not match {doc} at {at}: the seed has {found!r} there"
                )
            return {"document_id": doc, "char_start": at, "char_end": at + len(text)}
        starts = list(_find_all(seed, text))
        if not starts:
            raise DataError(f"{origin.at(where + '.text')}: {_short(text)} is not in {doc}")
        if len(starts) > 1 and not first:
            raise DataError(
                f"{origin.at(where + '.text')}: {_short(text)} occurs {len(starts)} times in {doc} "
                f"(at {', '.join(map(str, starts))}); add at = <offset> to pick one"
            )
        return {"document_id": doc, "char_start": starts[0], "char_end": starts[0] + len(text)}


def _find_all(haystack: str, needle: str) -> Iterator[int]:
    start = haystack.find(needle)
    while start != -1:
        yield start
        start = haystack.find(needle, start + 1)


def _short(text: str) -> str:
    return repr(excerpt(text))


def _records(data: dict[str, Any], key: str, name: str) -> list[dict[str, Any]]:
    records = data.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{name}: expected [[{key}]] tables")
    unknown = sorted(set(data) - {key, "document", *QUOTE_DEFAULTS})
    if unknown:
        raise DataError(f"{name}: unknown top-level key {unknown[0]!r}")
    return records


def _list(value: Any, origin: Origin, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"{origin.at(key)}: expected a list")
    return value


def load(root: Path) -> Curated:
    """Read every annotation file under ``root/curation`` and the seeds they point at."""
    cdir = root / "curation"
    if not cdir.is_dir():
        raise DataError(f"{cdir}: no curation directory (is {root} the project root?)")
    package = _read_toml(cdir / "package.toml", root)
    cur = Curated(package=package)
    _load_documents(cur, root, cdir / "documents.toml")
    spans = Spans(cur.seeds)
    _load_participants(cur, root, cdir / "participants.toml", spans)
    _load_events(cur, root, cdir / "events.toml", spans)
    for path in sorted((cdir / "quotes").glob("*.toml")):
        _load_quotes(cur, root, path, spans)
    _load_topics(cur, root, cdir / "topics.toml")
    _load_notes(cur, root, cdir / "notes.toml", spans)
    return cur


def _load_documents(cur: Curated, root: Path, path: Path) -> None:
    name = path.relative_to(root).as_posix()
    for record in _records(_read_toml(path, root), "document", name):
        origin = Origin(name, f"document {record.get('id')!r}")
        row = _fields(record, DOCUMENT, origin)
        seed_path = root / str(row["path"])
        if not seed_path.is_file():
            raise DataError(f"{origin.at('path')}: no seed file at {row['path']}")
        data = seed_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["sha256"]:
            raise DataError(
                f"{origin.at('sha256')}: {row['path']} has changed: its sha256 is {digest}, "
                f"the curation records {row['sha256']}. Seeds are byte-identical copies; restore it."
            )
        text = data.decode("utf-8")
        row["char_count"] = len(text)
        cur.seeds[str(row["document_id"])] = text
        cur.add("documents", row, origin)


def _load_participants(cur: Curated, root: Path, path: Path, spans: Spans) -> None:
    name = path.relative_to(root).as_posix()
    for record in _records(_read_toml(path, root), "participant", name):
        origin = Origin(name, f"participant {record.get('id')!r}")
        row = _fields(record, PARTICIPANT, origin, extra=("aliases",))
        cur.add("participants", row, origin)
        for i, alias in enumerate(_list(record.get("aliases"), origin, "aliases")):
            where = f"aliases[{i}]"
            span = spans.locate({k: v for k, v in alias.items() if k in SPAN_KEYS}, origin, where, first=True)
            extra = _fields({k: v for k, v in alias.items() if k not in SPAN_KEYS}, ALIAS, origin)
            cur.add(
                "participant_aliases",
                {
                    "participant_id": row["participant_id"],
                    "alias": alias["text"],
                    "alias_type": extra["alias_type"],
                    "language": extra["language"] or "en",
                    **span,
                },
                Origin(name, f"participant {row['participant_id']!r} {where}"),
            )


def _load_events(cur: Curated, root: Path, path: Path, spans: Spans) -> None:
    name = path.relative_to(root).as_posix()
    for record in _records(_read_toml(path, root), "event", name):
        origin = Origin(name, f"event {record.get('id')!r}")
        row = _fields(record, EVENT, origin, extra=("participants", "topics", "evidence"))
        cur.add("events", row, origin)
        event_id = row["event_id"]
        roles = record.get("participants", {})
        if not isinstance(roles, dict):
            raise DataError(f'{origin.at("participants")}: expected {{ participant-id = "role" }}')
        for participant_id, role in roles.items():
            for one in role if isinstance(role, list) else [role]:
                cur.add(
                    "event_participants",
                    {"event_id": event_id, "participant_id": participant_id, "role": one},
                    Origin(name, f"event {event_id!r} participants.{participant_id}"),
                )
        for topic_id in _list(record.get("topics"), origin, "topics"):
            cur.add("event_topics", {"event_id": event_id, "topic_id": topic_id},
                    Origin(name, f"event {event_id!r} topics"))  # fmt: skip
        for i, span in enumerate(_list(record.get("evidence"), origin, "evidence")):
            where = f"evidence[{i}]"
            located = spans.locate(span, origin, where)
            cur.add("event_evidence", {"event_id": event_id, **located, "text": span["text"]},
                    Origin(name, f"event {event_id!r} {where}"))  # fmt: skip


def _load_quotes(cur: Curated, root: Path, path: Path, spans: Spans) -> None:
    name = path.relative_to(root).as_posix()
    data = _read_toml(path, root)
    doc = data.get("document")
    defaults = {key: data[key] for key in QUOTE_DEFAULTS if key in data}
    for record in _records(data, "quote", name):
        origin = Origin(name, f"quote {record.get('id')!r}")
        merged = {**defaults, **record}
        row = _fields(merged, QUOTE, origin, extra=("text", "at", "topics", "same_as"))
        located = spans.locate({"doc": doc, "text": record.get("text"), "at": record.get("at")}, origin, "quote")
        cur.add("quotes", {**row, "text": record["text"], **located}, origin)
        for topic_id in _list(record.get("topics"), origin, "topics"):
            cur.add("quote_topics", {"quote_id": row["quote_id"], "topic_id": topic_id},
                    Origin(name, f"quote {row['quote_id']!r} topics"))  # fmt: skip
        for other in _list(record.get("same_as"), origin, "same_as"):
            link = {"quote_id": row["quote_id"], "related_quote_id": other, "relation": "same_utterance"}
            cur.add("quote_links", link,
                    Origin(name, f"quote {row['quote_id']!r} same_as"))  # fmt: skip


def _load_topics(cur: Curated, root: Path, path: Path) -> None:
    name = path.relative_to(root).as_posix()
    for record in _records(_read_toml(path, root), "topic", name):
        origin = Origin(name, f"topic {record.get('id')!r}")
        cur.add("topics", _fields(record, TOPIC, origin), origin)


def _load_notes(cur: Curated, root: Path, path: Path, spans: Spans) -> None:
    name = path.relative_to(root).as_posix()
    for record in _records(_read_toml(path, root), "note", name):
        origin = Origin(name, f"note {record.get('id')!r}")
        row = _fields(record, NOTE, origin, extra=SPAN_KEYS)
        located = spans.locate({k: record.get(k) for k in SPAN_KEYS}, origin, "span")
        cur.add("source_notes", {**row, **located, "text": record.get("text")}, origin)
