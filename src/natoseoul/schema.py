"""The one definition of every table: fields, types, constraints, keys and descriptions.

The Table Schema JSON in ``schemas/``, the Arrow schemas of the Parquet files and the pydantic
models in ``models.py`` are all generated from this module (``natoseoul build``), so they cannot
drift apart. Change a table here, then rebuild.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    import pyarrow as pa

FieldType = Literal["string", "integer", "date", "boolean"]

SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
ISO3 = r"[A-Z]{3}"
QID = r"Q[1-9][0-9]*"
SHA256 = r"[0-9a-f]{64}"
BCP47 = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
CAMEO = r"[0-9]{2,4}"

PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

ARROW_TYPES = {"string": "string", "integer": "int64", "date": "date32", "boolean": "bool"}
"""Each Table Schema type's Arrow type, by name (``pa.type_for_alias``): the schema is read without
pyarrow, which is imported only where Arrow types are made (``verify`` needs none)."""


class Field(NamedTuple):
    """One column: its Table Schema type, constraints and an English description. (Field and
    ForeignKey are named tuples, immutable values like frozen dataclasses but cheaper to define:
    ~2 ms of every command's imports.)"""

    name: str
    type: FieldType
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None

    def descriptor(self) -> dict[str, Any]:
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.type == "string" and self.required:
            constraints["minLength"] = 1
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.pattern is not None:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "boolean":
            out["trueValues"], out["falseValues"] = ["true"], ["false"]
        if constraints:
            out["constraints"] = constraints
        return out

    @property
    def arrow_type(self) -> pa.DataType:
        import pyarrow as pa

        return pa.type_for_alias(ARROW_TYPES[self.type])


class ForeignKey(NamedTuple):
    """A column (or columns) whose values must appear in another table's key."""

    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of the package: one row per ``row_is``."""

    name: str
    title: str
    row_is: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    span_text_field: str | None = None  # the column that must equal seed[char_start:char_end]
    model: str = ""  # name of the pydantic model class
    field_index: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_index", {f.name: f for f in self.fields})

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def table_schema(self) -> dict[str, Any]:
        """The Frictionless Table Schema descriptor of this table."""
        schema: dict[str, Any] = {
            "$schema": PROFILE,
            "title": self.title,
            "description": self.description,
            "fields": [f.descriptor() for f in self.fields],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.fields),
                    "reference": {"resource": "" if fk.table == self.name else fk.table, "fields": list(fk.reference)},
                }
                for fk in self.foreign_keys
            ]
        return schema

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of the Parquet file, with each field's description in its metadata."""
        import pyarrow as pa

        fields = [
            pa.field(f.name, f.arrow_type, nullable=not f.required, metadata={"description": f.description})
            for f in self.fields
        ]
        meta = {"name": self.name, "description": self.description, "primary_key": json.dumps(list(self.primary_key))}
        return pa.schema(fields, metadata=meta)


def _fk(column: str, table: str, key: str | None = None) -> ForeignKey:
    return ForeignKey((column,), table, (key or column,))


# --- controlled vocabularies -------------------------------------------------------------------

DOCUMENT_TYPES = ("transcript", "news_story", "news_article", "wire_item")
DATE_SOURCES = ("seed", "reference")
PARTICIPANT_KINDS = ("person", "organization", "country", "group")
ALIAS_TYPES = ("name", "short_name", "romanization", "misspelling", "native_script", "acronym", "title", "descriptor")
EVENT_TYPES = (
    "visit", "meeting", "remarks", "speech", "press_point", "interview", "ceremony", "summit",
    "ministerial_meeting", "agreement", "announcement", "invitation", "offer", "statement",
    "founding", "war", "institutional_change", "mission_opening", "accession", "cooperation",
    "contribution", "military_talks", "strategy", "weapons_test", "weapons_development",
)  # fmt: skip
EVENT_STATUSES = ("occurred", "ongoing", "scheduled", "proposed", "intended")
DATE_PRECISIONS = ("day", "month", "year", "range", "unknown")
DATE_BASES = ("seed", "resolved", "reference", "none")
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
PLOVER_MODES = ("visit", "third-party", "multilateral", "phone")
PLOVER_CONTEXTS = (
    "diplomatic", "military", "cyber", "cbrn", "technology", "terrorism", "environment", "economic",
)  # fmt: skip
EVENT_ROLES = (
    "visitor", "host", "speaker", "audience", "interviewer", "interviewee", "inviter", "invitee",
    "signatory", "party", "attendee", "target", "contributor", "recipient", "subject",
)  # fmt: skip
QUOTE_TYPES = ("transcript", "direct", "partial")
QUOTE_RELATIONS = ("same_utterance",)
NOTE_KINDS = (
    "conflict", "error", "typo", "variant", "romanization", "retranslation", "translation",
    "ambiguity", "date_resolution", "omission", "provenance", "reference",
)  # fmt: skip

# --- shared field definitions -------------------------------------------------------------------


def _document_id(description: str = "The source document, a key of `documents`.") -> Field:
    return Field("document_id", "string", description, required=True, pattern=SLUG)


def _span(what: str) -> tuple[Field, Field]:
    return (
        Field("char_start", "integer",
              f"Offset of the first character of {what} in the seed text, in Unicode code points of the "
              "file decoded as UTF-8 (0-based).", required=True, minimum=0),
        Field("char_end", "integer",
              f"Offset just past the last character of {what} (end exclusive), so that "
              "seed[char_start:char_end] is the text exactly.", required=True, minimum=1),
    )  # fmt: skip


TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    TABLES[table.name] = table


_add(Table(
    name="documents", title="Source documents", row_is="source document", model="Document",
    description="The five source documents the package is curated from, with where and when each was "
                "published and the sha256 of the exact bytes kept in seeds/.",
    fields=(
        Field("document_id", "string", "Stable readable identifier of the document.", required=True,
              unique=True, pattern=SLUG),
        Field("title", "string", "Headline as printed in the seed. Square brackets mark words a cataloguer "
              "supplied because the seed lacks them (see title_verbatim).", required=True),
        Field("title_verbatim", "boolean", "true when the title is the seed's own headline character for "
              "character, false when it is wholly or partly supplied.", required=True),
        Field("publisher", "string", "Organisation that published the text.", required=True),
        Field("distributor", "string", "Wire or platform that redistributed the text as kept in the seed, "
              "and the credited provider where the seed names one; null when the seed is the original."),
        Field("author", "string", "Person credited with writing the text, when the seed names one."),
        Field("document_type", "string", "Kind of text: transcript of spoken remarks, news story of an "
              "organisation, news article, or wire item.", required=True, enum=DOCUMENT_TYPES),
        Field("published", "date", "Date of publication (ISO 8601). A US-style month/day/year dateline is "
              "read as such.", required=True),
        Field("published_source", "string", "'seed' when the date is printed in the seed; 'reference' when "
              "it comes from the canonical page (facts checked against public sources).", required=True,
              enum=DATE_SOURCES),
        Field("dateline", "string", "The date or time stamp as printed in the seed, verbatim; null when "
              "the seed prints none."),
        Field("language", "string", "Main language of the text (BCP 47).", required=True, pattern=BCP47),
        Field("path", "string", "Path of the seed file, relative to the package root.", required=True,
              pattern=r"seeds/[0-9]{3}_[0-9a-f]{16}\.txt"),
        Field("sha256", "string", "SHA-256 of the seed file's bytes, lower-case hex.", required=True,
              pattern=SHA256),
        Field("char_count", "integer", "Length of the seed text in Unicode code points: every span's "
              "char_end is at most this.", required=True, minimum=1),
        Field("source_url", "string", "Web address of the text the seed was taken from; null where unknown."),
        Field("original_url", "string", "Web address of the original publication when the seed is a "
              "redistributed copy; null otherwise."),
    ),
    primary_key=("document_id",),
))  # fmt: skip

_add(Table(
    name="participants", title="Participants", row_is="person, organisation, state or group",
    model="Participant",
    description="Every person, organisation, state and group named in the documents, once, under a "
                "canonical English name.",
    fields=(
        Field("participant_id", "string", "Stable readable identifier, family name first for people "
              "(stoltenberg-jens).", required=True, unique=True, pattern=SLUG),
        Field("name", "string", "Canonical English form of the name.", required=True),
        Field("kind", "string", "person, organization, country or group (an unnamed collective such as "
              "'students').", required=True, enum=PARTICIPANT_KINDS),
        Field("role", "string", "Office or function at the time of the events described, as the "
              "documents give it.", required=True),
        Field("country_code", "string", "ISO 3166-1 alpha-3 code of the state the participant is or "
              "belongs to; null for international bodies.", pattern=ISO3),
        Field("wikidata_id", "string", "Wikidata QID, only where confirmed in two or more public sources; "
              "null otherwise.", pattern=QID),
    ),
    primary_key=("participant_id",),
))  # fmt: skip

_add(Table(
    name="participant_aliases", title="Participant aliases",
    row_is="distinct written form of a participant in a document", model="ParticipantAlias",
    description="Each distinct way a document writes a participant's name (variants, romanisations, "
                "Hangul, acronyms, titles standing for the name), with the span of its first occurrence.",
    fields=(
        Field("participant_id", "string", "The participant, a key of `participants`.", required=True,
              pattern=SLUG),
        Field("alias", "string", "The form as written, in any script; equals the seed text at the span.",
              required=True),
        Field("alias_type", "string", "name (full name), short_name, romanization (a non-standard "
              "romanisation), misspelling, native_script (Hangul), acronym, title (an office standing for the "
              "holder) or "
              "descriptor (a phrase such as 'the NATO chief').", required=True, enum=ALIAS_TYPES),
        Field("language", "string", "Language and script of the form (BCP 47).", required=True,
              pattern=BCP47),
        _document_id(),
        *_span(
            "the first standalone occurrence of the form in the document (not inside a longer form of the "
            "same name; for a metonym such as 'Seoul' for the government, the first use in that sense)"
        ),
    ),
    primary_key=("participant_id", "document_id", "alias"),
    foreign_keys=(_fk("participant_id", "participants"), _fk("document_id", "documents")),
    span_text_field="alias",
))  # fmt: skip

_add(Table(
    name="events", title="Events", row_is="event", model="Event",
    description="Visits, meetings, speeches, interviews, ceremonies, summits, agreements, announcements, "
                "invitations and statements the documents report, refer to or schedule. A visit groups its "
                "parts through parent_event_id.",
    fields=(
        Field("event_id", "string", "Stable readable identifier, starting with the date where known.",
              required=True, unique=True, pattern=SLUG),
        Field("parent_event_id", "string", "The event this one is part of (a visit groups its meetings); "
              "null for top-level events.", pattern=SLUG),
        Field("title", "string", "Short English title.", required=True),
        Field("event_type", "string", "Kind of event, from a controlled list. weapons_test: the testing of "
              "weapons (missile launches, nuclear tests); weapons_development: work to develop or advance "
              "weapons and their technology, reported as a continuing activity rather than as tests.",
              required=True, enum=EVENT_TYPES),
        Field("status", "string", "occurred, ongoing, scheduled, proposed or intended, as of the documents "
              "(January 2023 for the 2023 texts).", required=True, enum=EVENT_STATUSES),
        Field("date_start", "date", "First day the event may fall on (ISO 8601); null when unknown."),
        Field("date_end", "date", "Last day the event may fall on; null when open or unknown."),
        Field("date_precision", "string", "day: the dates are exact; month or year: only the month or year "
              "is known and the dates span it; range: the event falls somewhere between the dates (an open "
              "end is null); unknown: no date.", required=True, enum=DATE_PRECISIONS),
        Field("date_basis", "string", "Where the date comes from: seed (printed in a document), resolved (a "
              "relative date such as 'Friday' or 'last year' resolved against the dateline), reference (a "
              "public source cited in the description) or none.", required=True, enum=DATE_BASES),
        Field("location", "string", "Place, as precise as the sources allow; null when not stated."),
        Field("country_code", "string", "ISO 3166-1 alpha-3 code of the country the event took place in.",
              pattern=ISO3),
        Field("description", "string", "What happened, in a sentence or two, with how dates were resolved "
              "and any public source used.", required=True),
        Field("cameo_code", "string", "CAMEO event code (GDELT codebook), e.g. 042 make a visit; null where "
              "none fits.", pattern=CAMEO),
        Field("plover_type", "string", "PLOVER event type (POLECAT ontology); null for plain statements and "
              "symbolic acts, which PLOVER does not code.", enum=PLOVER_TYPES),
        Field("plover_mode", "string", "PLOVER mode of a CONSULT event (visit, third-party, multilateral, "
              "phone); null otherwise.", enum=PLOVER_MODES),
    ),
    primary_key=("event_id",),
    foreign_keys=(_fk("parent_event_id", "events", "event_id"),),
))  # fmt: skip

_add(Table(
    name="event_participants", title="Event participants", row_is="participant's part in an event",
    model="EventParticipant",
    description="Who took part in each event, and in what role.",
    fields=(
        Field("event_id", "string", "The event, a key of `events`.", required=True, pattern=SLUG),
        Field("participant_id", "string", "The participant, a key of `participants`.", required=True,
              pattern=SLUG),
        Field("role", "string", "The participant's part: visitor, host, speaker, audience, interviewer, "
              "interviewee, inviter, invitee, signatory, party, attendee, target (of a statement or an act), "
              "recipient, contributor or subject.", required=True, enum=EVENT_ROLES),
    ),
    primary_key=("event_id", "participant_id", "role"),
    foreign_keys=(_fk("event_id", "events"), _fk("participant_id", "participants")),
))  # fmt: skip

_add(Table(
    name="event_evidence", title="Event evidence", row_is="span of a document that supports an event",
    model="EventEvidence",
    description="The verbatim words of the documents that support each event.",
    fields=(
        Field("event_id", "string", "The event, a key of `events`.", required=True, pattern=SLUG),
        _document_id(),
        *_span("the evidence"),
        Field("text", "string", "The evidence, verbatim: seed[char_start:char_end].", required=True),
    ),
    primary_key=("event_id", "document_id", "char_start"),
    foreign_keys=(_fk("event_id", "events"), _fk("document_id", "documents")),
    span_text_field="text",
))  # fmt: skip

_add(Table(
    name="quotes", title="Quotes", row_is="quoted or transcribed utterance in one document",
    model="Quote",
    description="Every quotation in the news texts (words in quotation marks, whole or partial) and every "
                "line of the transcripts, with its speaker and the event it was said at. Never corrected.",
    fields=(
        Field("quote_id", "string", "Stable readable identifier: document, q, number.", required=True,
              unique=True, pattern=SLUG),
        Field("text", "string", "The words, verbatim, without the enclosing quotation marks or a comma "
              "that belongs to the reporting clause.", required=True),
        Field("speaker_id", "string", "Who said it, a key of `participants`.", required=True, pattern=SLUG),
        Field("event_id", "string", "Where it was said, a key of `events`.", pattern=SLUG),
        _document_id(),
        *_span("the quoted words"),
        Field("quote_type", "string", "transcript (a line of a transcript of the speaker's remarks), direct "
              "(a whole sentence in quotation marks) or partial (a phrase in quotation marks).", required=True,
              enum=QUOTE_TYPES),
        Field("reported_by_id", "string", "Who relays the quotation when the document names an intermediary "
              "(a spokesperson's release, a news agency); null otherwise.", pattern=SLUG),
    ),
    primary_key=("quote_id",),
    foreign_keys=(
        _fk("speaker_id", "participants", "participant_id"),
        _fk("event_id", "events"),
        _fk("document_id", "documents"),
        _fk("reported_by_id", "participants", "participant_id"),
    ),
    span_text_field="text",
))  # fmt: skip

_add(Table(
    name="quote_links", title="Quote links", row_is="pair of quotes that render the same utterance",
    model="QuoteLink",
    description="Links between quotes in different documents that report the same words (wholly or in "
                "part); how the renderings differ is recorded in `source_notes`.",
    fields=(
        Field("quote_id", "string", "A quote, a key of `quotes`.", required=True, pattern=SLUG),
        Field("related_quote_id", "string", "The quote in another document it renders, a key of `quotes`.",
              required=True, pattern=SLUG),
        Field("relation", "string", "same_utterance: both report (part of) the same spoken words.",
              required=True, enum=QUOTE_RELATIONS),
    ),
    primary_key=("quote_id", "related_quote_id"),
    foreign_keys=(_fk("quote_id", "quotes"), _fk("related_quote_id", "quotes", "quote_id")),
))  # fmt: skip

_add(Table(
    name="topics", title="Topics", row_is="topic of the controlled vocabulary", model="Topic",
    description="A small controlled vocabulary of the subjects the documents touch, in two levels, with "
                "a cross-walk to PLOVER contexts where one fits.",
    fields=(
        Field("topic_id", "string", "Stable readable identifier.", required=True, unique=True, pattern=SLUG),
        Field("label", "string", "Short English label.", required=True),
        Field("description", "string", "What the topic covers.", required=True),
        Field("parent_topic_id", "string", "Broader topic; null for top-level topics.", pattern=SLUG),
        Field("plover_context", "string", "Matching PLOVER context, where one exists.", enum=PLOVER_CONTEXTS),
    ),
    primary_key=("topic_id",),
    foreign_keys=(_fk("parent_topic_id", "topics", "topic_id"),),
))  # fmt: skip


def _topic_links(owner: str, article: str, model: str) -> Table:
    """A link table from events or quotes to topics: the same shape for both."""
    key = f"{owner}_id"
    return Table(
        name=f"{owner}_topics", title=f"{owner.capitalize()} topics", row_is=f"topic of {article} {owner}", model=model,
        description=f"The topics each {owner} touches.",
        fields=(
            Field(key, "string", f"The {owner}, a key of `{owner}s`.", required=True, pattern=SLUG),
            Field("topic_id", "string", "The topic, a key of `topics`.", required=True, pattern=SLUG),
        ),
        primary_key=(key, "topic_id"),
        foreign_keys=(_fk(key, f"{owner}s"), _fk("topic_id", "topics")),
    )  # fmt: skip


_add(_topic_links("event", "an", "EventTopic"))
_add(_topic_links("quote", "a", "QuoteTopic"))

_add(Table(
    name="source_notes", title="Source notes", row_is="disagreement, error or caveat in a source",
    model="SourceNote",
    description="Where a document disagrees with another or with the public record, misspells, "
                "rewords a quotation, or needs a date resolved: what it says, at which span, and why it "
                "matters. Nothing in the other tables is corrected silently.",
    fields=(
        Field("note_id", "string", "Stable readable identifier.", required=True, unique=True, pattern=SLUG),
        _document_id(),
        *_span("the words the note is about"),
        Field("text", "string", "The words the note is about, verbatim: seed[char_start:char_end].",
              required=True),
        Field("kind", "string", "conflict (documents disagree), error (a document is wrong), typo, variant "
              "(a differing form of the same thing), romanization, retranslation (a quotation reworded from a "
              "translation), translation, ambiguity, date_resolution, omission, provenance or reference (a "
              "value taken from a public source).", required=True, enum=NOTE_KINDS),
        Field("note", "string", "The caveat, in English.", required=True),
        Field("related_note_id", "string", "The note on the other side of a conflict, when there is one.",
              pattern=SLUG),
        Field("reference", "string", "Public source that settles the point (a URL or citation); null when "
              "the seeds alone suffice."),
    ),
    primary_key=("note_id",),
    foreign_keys=(_fk("document_id", "documents"), _fk("related_note_id", "source_notes", "note_id")),
    span_text_field="text",
))  # fmt: skip


def table_names() -> list[str]:
    """Names of the tables, in the package's order."""
    return list(TABLES)
