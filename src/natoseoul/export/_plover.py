"""The coded events as PLOVER records: one JSON object per line, for event-data users.

Field names and rules follow the PLOVER manual, "Political Language Ontology for Verifiable Event
Records: Event, Actor and Data Interchange Specification", DRAFT Version 2.0 (Open Event Data
Alliance; github.com/openeventdata/PLOVER, PLOVER_MANUAL.tex at commit 5e0c24f, 4 February 2024),
chapter "Data Fields" (tables "PLOVER JSON", "Information object for entities", "Information
object for text", "Information object for citations"). The manual suggests newline-delimited JSON.

One record per event with a ``plover_type``:

- ``id`` (required): the ``event_id``.
- ``date`` (required, YYYY-MM-DD): ``date_start``; ``enddate``: ``date_end``. natoseoul never
  invents a date: where the first day is unknown (a range open at the start, or no date at all),
  ``date`` is null and ``comment`` says why; ``date_precision`` (an added field) tells day, month,
  year or range apart.
- ``actor`` (required) and ``recipient``: lists of entity objects (``code``: the ISO 3166-1
  alpha-3 country, or the manual's non-state code IGO for NATO and UNO for the United Nations;
  ``entity_text``: the canonical name; ``identifier_id``: the Wikidata QID where confirmed, with
  ``identifier_text``; ``office`` for a person; and the added ``participant_id``). Who is which
  comes from ``event_participants.role``: ``ACTOR_ROLES`` act, ``RECIPIENT_ROLES`` receive; a
  ``party`` acts unless someone else in the event has an acting role, and then receives (the people
  a visitor meets); ``subject`` is neither. As the manual's CONSULT rule says, the visitor is the
  actor and the host the recipient. For an event type that requires a recipient (COOPERATE, AID,
  SANCTION) whose parties act together, each party is both actor and recipient (reciprocal). An
  event where nobody has an acting role (a meeting for which only host and invitee are named) has
  the host as its actor.
- ``event``: ``[plover_type]``; ``mode``: ``[plover_mode]`` or ``[]``; ``context``: the PLOVER
  contexts of the event's topics (``topics.plover_context``), sorted.
- ``event_text`` and ``text_info``: the evidence spans, verbatim, and for each its ``start`` and
  ``end`` (code points of the seed, end exclusive) with the added ``document_id``; ``cite_info``:
  for each document cited, the manual's citation object (``title``, ``url``, ``publication``,
  ``language``, ``copyright``, ``corpus``, ``codebook``, ``version``) and ``document_id``.
  The manual gives ``text_info`` and ``cite_info`` as single objects; a natoseoul event may have
  evidence in several documents, so both are lists (the manual leaves such details to the
  provider).
- ``link``: the parent event (a visit groups its parts); ``quad_code`` is left out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

MANUAL = "PLOVER manual, DRAFT Version 2.0 (openeventdata/PLOVER, PLOVER_MANUAL.tex, commit 5e0c24f, 2024-02-04)"
CODEBOOK = "plover-2.0-draft"
ACTOR_ROLES = ("visitor", "speaker", "inviter", "contributor", "signatory", "attendee", "interviewee")
RECIPIENT_ROLES = ("host", "invitee", "target", "recipient", "audience", "interviewer")
NEEDS_RECIPIENT = ("COOPERATE", "AID", "SANCTION")  # "Requires recipient: Yes" in the manual
NONSTATE_CODES = {"nato": "IGO", "united-nations": "UNO"}  # the manual's non-state actor codes


def _entity(person: Mapping[str, Any]) -> dict[str, Any]:
    entity: dict[str, Any] = {}
    code = person["country_code"] or NONSTATE_CODES.get(person["participant_id"])
    if code:
        entity["code"] = code
    entity["entity_text"] = person["name"]
    if person["wikidata_id"]:
        entity["identifier_id"] = person["wikidata_id"]
        entity["identifier_text"] = person["name"]
    if person["kind"] == "person":
        entity["office"] = person["role"]
    entity["participant_id"] = person["participant_id"]
    return entity


def _sides(plover_type: str, roles: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The participant ids of the actor and of the recipient, in the order of event_participants."""
    acting = any(role in ACTOR_ROLES for _, role in roles)
    actor = [p for p, role in roles if role in ACTOR_ROLES or (role == "party" and not acting)]
    recipient = [p for p, role in roles if role in RECIPIENT_ROLES or (role == "party" and acting)]
    if not actor:  # a meeting only its host and guests are named for: the host holds it
        actor = [p for p, role in roles if role == "host"]
        recipient = [p for p in recipient if p not in actor]
    if plover_type in NEEDS_RECIPIENT and not recipient:
        recipient = list(actor)  # parties acting together: a reciprocal event
    return list(dict.fromkeys(actor)), list(dict.fromkeys(recipient))


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def records(tables: Mapping[str, pa.Table], meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The PLOVER record of every coded event, in the events table's order."""
    people = {p["participant_id"]: p for p in tables["participants"].to_pylist()}
    documents = {d["document_id"]: d for d in tables["documents"].to_pylist()}
    contexts = {t["topic_id"]: t["plover_context"] for t in tables["topics"].to_pylist()}
    roles: dict[str, list[tuple[str, str]]] = {}
    for r in tables["event_participants"].to_pylist():
        roles.setdefault(r["event_id"], []).append((r["participant_id"], r["role"]))
    topics: dict[str, set[str]] = {}
    for r in tables["event_topics"].to_pylist():
        if contexts.get(r["topic_id"]):
            topics.setdefault(r["event_id"], set()).add(str(contexts[r["topic_id"]]))
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in tables["event_evidence"].to_pylist():
        evidence.setdefault(r["event_id"], []).append(r)
    out = []
    for event in tables["events"].to_pylist():
        if not event["plover_type"]:
            continue
        actor, recipient = _sides(event["plover_type"], roles.get(event["event_id"], []))
        spans = sorted(evidence.get(event["event_id"], []), key=lambda r: (r["document_id"], r["char_start"]))
        cited = list(dict.fromkeys(r["document_id"] for r in spans))
        record: dict[str, Any] = {
            "id": event["event_id"],
            "date": _day(event["date_start"]),
            "enddate": _day(event["date_end"]),
            "date_precision": event["date_precision"],
            "actor": [_entity(people[p]) for p in actor if p in people],
            "recipient": [_entity(people[p]) for p in recipient if p in people],
            "event": [event["plover_type"]],
            "mode": [event["plover_mode"]] if event["plover_mode"] else [],
            "context": sorted(topics.get(event["event_id"], ())),
            "event_text": [r["text"] for r in spans],
            "text_info": [
                {"start": r["char_start"], "end": r["char_end"], "document_id": r["document_id"]} for r in spans
            ],
            "cite_info": [_citation(documents[d], meta) for d in cited if d in documents],
            "link": event["parent_event_id"],
            "comment": _comment(event),
        }  # fmt: skip
        out.append(record)
    return out


def _citation(document: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    cite: dict[str, Any] = {
        "corpus": str(meta.get("name", "natoseoul")),
        "citation": f"{document['publisher']}, {document['title']}, {document['published'].isoformat()}",
        "url": document["source_url"],
        "title": document["title"],
        "language": str(document["language"]).split("-")[0],
        "publication": document["publisher"],
        "copyright": f"{document['publisher']} (the text is not relicensed by natoseoul)",
        "codebook": CODEBOOK,
        "version": str(meta.get("version", "")),
        "document_id": document["document_id"],
    }
    return cite


def _comment(event: Mapping[str, Any]) -> str:
    text = f"{event['title']}. Status: {event['status']}; date precision: {event['date_precision']}"
    if event["date_start"] is None:
        end = event["date_end"]
        text += "; the first day is unknown, so date is null" + (
            f" (by {end.isoformat()} at the latest)" if end else ""
        )
    return text + "."


def plover_bytes(tables: Mapping[str, pa.Table], meta: Mapping[str, Any]) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records(tables, meta)]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
