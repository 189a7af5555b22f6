"""Every span as a W3C Web Annotation (JSON-LD), for annotation tools and linked-data users.

The model followed is the W3C Recommendation "Web Annotation Data Model" of 23 February 2017
(https://www.w3.org/TR/2017/REC-annotation-model-20170223/), with its JSON-LD context
``http://www.w3.org/ns/anno.jsonld``. One ``AnnotationCollection`` holds one ``AnnotationPage``
with an ``Annotation`` per evidence span, quotation, name form and source note:

- ``target``: a ``SpecificResource`` whose ``source`` is the seed text (``seeds/…txt``, a path
  relative to the package folder, ``format`` text/plain) and whose ``selector`` holds a
  ``TextQuoteSelector`` (``exact``, with up to ``CONTEXT`` characters of ``prefix`` and ``suffix``)
  and a ``TextPositionSelector`` (``start``, ``end``). The model (§4.2.4, §4.2.5) counts text "in
  terms of unicode code points ... not in terms of code units" and takes positions from 0, the end
  excluded: exactly the data's ``char_start``/``char_end`` in the seed decoded as UTF-8 with no
  normalisation (the seeds are plain text: there are no tags or character references to remove).
- ``body``: the row the span supports, as a ``SpecificResource`` of the table's CSV file
  (``csv/<table>.csv``) with a ``FragmentSelector`` conforming to RFC 7111 (``row=N``, the header
  being row 1), and a ``TextualBody`` saying in words which row it is (and, for a source note,
  the note).
- ``motivation``: ``linking`` for evidence (to its event) and quotations (to their row),
  ``identifying`` for name forms (to the participant), ``commenting`` for source notes.
- ``id``: ``urn:uuid:`` + a name-based UUID (version 5) of the package name, the table and the
  row's key, so the same row keeps its identifier from one release to the next.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from .._spans import Span, check_spans, spans

CONTEXT = 32  # characters of prefix and suffix (the model leaves the length open)
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
RFC7111 = "http://tools.ietf.org/rfc/rfc7111"
MOTIVATION = {"evidence": "linking", "quote": "linking", "alias": "identifying", "note": "commenting"}


def _iri(package: str, *parts: object) -> str:
    name = "/".join(str(p) for p in (package, *parts))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _row(table: str, row: int) -> dict[str, Any]:
    return {
        "type": "SpecificResource",
        "source": {"id": f"csv/{table}.csv", "type": "Dataset", "format": "text/csv"},
        "selector": {"type": "FragmentSelector", "conformsTo": RFC7111, "value": f"row={row + 2}"},
    }


def _words(span: Span, tables: Mapping[str, pa.Table]) -> str:
    """What the span is, in a sentence, for the TextualBody."""
    if span.kind == "evidence":
        title = tables["events"]["title"][span.target_row].as_py() if span.target_row >= 0 else None
        return f"Evidence of event {span.target_key}" + (f": {title}" if title else "")
    if span.kind == "quote":
        return f"Quotation {span.target_key}"
    if span.kind == "alias":
        name = tables["participants"]["name"][span.target_row].as_py() if span.target_row >= 0 else None
        return f"Name form of participant {span.target_key}" + (f" ({name})" if name else "")
    note = tables["source_notes"]
    return f"Source note {span.target_key} ({note['kind'][span.row].as_py()}): {note['note'][span.row].as_py()}"


def annotation(
    span: Span, seed: str, document: Mapping[str, Any], tables: Mapping[str, pa.Table], package: str
) -> dict[str, Any]:
    """The Web Annotation of one span."""
    return {
        "id": _iri(package, span.table, *span.key),
        "type": "Annotation",
        "motivation": MOTIVATION[span.kind],
        "body": [
            _row(span.target_table, span.target_row),
            {"type": "TextualBody", "value": _words(span, tables), "format": "text/plain", "language": "en"},
        ],
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": document["path"],
                "type": "Text",
                "format": "text/plain",
                "language": document["language"],
                "title": document["title"],
            },
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.text,
                    "prefix": seed[max(0, span.start - CONTEXT) : span.start],
                    "suffix": seed[span.end : span.end + CONTEXT],
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }


def collection(tables: Mapping[str, pa.Table], seeds: Mapping[str, str], meta: Mapping[str, Any]) -> dict[str, Any]:
    """The AnnotationCollection of every span (checked against ``seeds`` first)."""
    found = spans(tables)
    check_spans(found, seeds)
    documents = {d["document_id"]: d for d in tables["documents"].to_pylist()}
    package = str(meta.get("name", "natoseoul"))
    items = [annotation(s, seeds[s.document_id], documents[s.document_id], tables, package) for s in found]
    label = f"{meta.get('title', package)}, version {meta.get('version', '?')}: every span as a Web Annotation"
    return {
        "@context": ANNO_CONTEXT,
        "id": _iri(package, "annotations", meta.get("version", "")),
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"id": _iri(package, "annotations", meta.get("version", ""), "page", 0), "type": "AnnotationPage",
                  "startIndex": 0, "items": items},
    }  # fmt: skip


def annotations_bytes(tables: Mapping[str, pa.Table], seeds: Mapping[str, str], meta: Mapping[str, Any]) -> bytes:
    return (json.dumps(collection(tables, seeds, meta), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
