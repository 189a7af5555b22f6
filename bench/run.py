"""Benchmarks: natoseoul's validate, CSV->Parquet conversion and load against frictionless and bare pyarrow.

    python bench/run.py --rows 100000 [--json out.json] [--skip-frictionless-above 200000]

Generates a synthetic package at ``--rows`` data rows in total, spread over the twelve tables of
``natoseoul.schema.TABLES`` in proportions like the release's (deterministic seed). The tables are
consistent, so every foreign key resolves, and synthetic seed documents are written beside them so
that every evidence span verifies: ``natoseoul validate`` does the same work as on the real data.
Strings are realistic (English and Hangul, commas, quotation marks, line breaks, long quotes).

Then, each step in a fresh subprocess, started by a small launcher process (wall time; the child's
peak RSS from ``os.wait4``, which would otherwise include this process's own, see ``LAUNCHER``):

* ``natoseoul validate PKG`` vs ``frictionless validate PKG/datapackage.json`` on the same package
  (frictionless is skipped above ``--skip-frictionless-above`` rows: it is reported as null, never
  extrapolated); both also on the smallest package (83 rows), whose time is each validator's
  fixed cost, so that ``validate_work_vs_frictionless`` compares the checking work alone, and a Python
  process that only imports click and pyarrow, set up as the natoseoul program sets itself up for
  validate (``import_click_pyarrow``: natoseoul's floor; frictionless's, with numpy, is higher);
  then a corrupted copy with planted errors that both must find, compared as sets of
  (table, row, kind, field);
* CSV -> Parquet: ``natoseoul export --from PKG --format parquet`` vs ``pyarrow.csv.read_csv`` with
  the same column types + ``pyarrow.parquet.write_table`` with the same Parquet options, and a check
  that both wrote the same tables (same columns, types and values). natoseoul's export also syncs
  each file to disk and writes a descriptor with the files' sizes and hashes; the baseline does not;
* ``import natoseoul; natoseoul.load("quotes")`` (pointed at the synthetic file) vs
  ``pyarrow.parquet.read_table`` of the same file (the issue's baseline; it imports pandas when
  installed, through ``pyarrow.dataset``), and vs ``pyarrow.parquet.ParquetFile(f).read()``, the
  cheapest whole-file read pyarrow offers, ``--load-repeat`` times each, interleaved; medians.

Commands compared are run in turns, the order reversed every other turn, so that neither always
runs first (right after the other) and the machine's noise falls on both alike. Peak RSS is
reported for the baselines too.

Timings are never asserted anywhere; ``tests/test_bench_smoke.py`` runs this at 1k rows.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

import natoseoul
from natoseoul import schema
from natoseoul._release import data_dir
from natoseoul.io import _descriptor as descriptor
from natoseoul.io import _tables as tableio

TABLES = schema.TABLES
BIN = Path(sys.executable).parent

# Share of the rows of each table (documents are added on top: one per 1,000 rows, 5 to 1,000).
SHARES = {
    "participants": 0.04,
    "participant_aliases": 0.12,
    "events": 0.07,
    "event_participants": 0.16,
    "event_evidence": 0.11,
    "quotes": 0.14,
    "quote_links": 0.01,
    "topics": 0.02,
    "event_topics": 0.15,
    "quote_topics": 0.13,
    "source_notes": 0.05,
}

_WORDS = (
    "the alliance security partnership Korea NATO Republic cooperation Indo-Pacific North nuclear missile "
    "programme threat region Europe Asia global partners values democracy freedom rules-based order support "
    "Ukraine Russia war aggression China challenge cyber space defence industry ammunition summit visit "
    "minister president secretary general talks dialogue strengthen deepen important closely together "
    "people world peace stability prosperity international community sanctions condemn concerned welcome"
)
WORDS = _WORDS.split()
_HANGUL = (
    "북대서양조약기구 대한민국 안보 협력 동맹 평화 자유 민주주의 북한 핵 미사일 도발 국제사회 연대 "
    "외교부 장관 대통령 사무총장 방한 회담 인도태평양 우크라이나 러시아 전쟁 지원 강화"
)
HANGUL = _HANGUL.split()
GIVEN = ["Jens", "Jin", "Suk-yeol", "Hye Ri", "Jong-sup", "Mircea", "Yoon", "Oana", "Anders", "Min-ji", "Sung-ho"]
FAMILY = ["Stoltenberg", "Park", "Yoon", "Lee", "Kim", "Choi", "Geoana", "Jung", "Han", "Cho", "Rasmussen"]
NAMES_KO = ["박진", "윤석열", "이종섭", "김성한", "스톨텐베르그", "한덕수", "최종건"]
COUNTRIES = ["KOR", "NOR", "USA", "JPN", "GBR", "DEU", "FRA", "UKR", "RUS", "CHN", "PRK", "AUS", None]


class Text:
    """Deterministic realistic strings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, words: int) -> str:
        r = self.rng
        out = [r.choice(WORDS) for _ in range(words)]
        out[0] = out[0].capitalize()
        if r.random() < 0.3:
            out.insert(r.randrange(len(out)), ",".join(r.sample(WORDS, 2)))
        if r.random() < 0.15:
            out.insert(r.randrange(len(out)), " ".join(r.sample(HANGUL, 2)))
        return " ".join(out) + r.choice(".!?.")

    def paragraph(self, low: int, high: int) -> str:
        r = self.rng
        target = r.randint(low, high)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(self.sentence(r.randint(5, 18)))
        text = " ".join(parts)
        if r.random() < 0.1:
            text = text.replace(". ", '. "We stand together," he said. ', 1)
        if r.random() < 0.05:
            text = text.replace(". ", ".\n", 1)  # transcripts break lines inside a turn
        return text

    def quote(self) -> str:
        # mostly a sentence or two; one in twenty a long transcript turn
        return self.paragraph(600, 1500) if self.rng.random() < 0.05 else self.paragraph(40, 260)


class Seeds:
    """Synthetic seed documents built by appending the spans the tables point at, so every span verifies."""

    def __init__(self, count: int, text: Text) -> None:
        self.parts: list[list[str]] = [[] for _ in range(count)]
        self.lengths = [0] * count
        self.text = text
        for i in range(count):
            self.append(i, text.paragraph(200, 600))

    def append(self, doc: int, words: str) -> tuple[int, int]:
        if self.text.rng.random() < 0.2:  # filler between spans
            filler = self.text.sentence(8) + " "
            self.parts[doc].append(filler)
            self.lengths[doc] += len(filler)
        start = self.lengths[doc]
        self.parts[doc].append(words)
        self.parts[doc].append("\n")
        self.lengths[doc] += len(words) + 1
        return start, start + len(words)

    def texts(self) -> list[str]:
        return ["".join(p) for p in self.parts]


def _counts(rows: int) -> dict[str, int]:
    counts = {name: max(2, round(rows * share)) for name, share in SHARES.items()}
    counts["topics"] = max(22, counts["topics"])
    counts["participants"] = max(20, counts["participants"])
    counts["events"] = max(20, counts["events"])
    return counts


def generate(rows: int, seed: int = 20230130) -> tuple[dict[str, pa.Table], list[str], list[str]]:
    """Typed tables (schema's Arrow types) of about ``rows`` rows, the seed texts and their file names."""
    rng = random.Random(seed)
    text = Text(rng)
    n = _counts(rows)
    n_docs = min(1000, max(5, rows // 1000))
    seeds = Seeds(n_docs, text)
    doc_ids = [f"doc-{i:04d}-{rng.choice(['nato-remarks', 'koreanet', 'menafn', 'nato-news'])}" for i in range(n_docs)]
    cols: dict[str, dict[str, list[Any]]] = {}

    def table(table_name: str, /, **columns: list[Any]) -> None:
        cols[table_name] = columns

    base = dt.date(2017, 1, 1)
    n_p, n_e, n_t, n_q = n["participants"], n["events"], n["topics"], n["quotes"]
    part_ids = [f"{rng.choice(FAMILY).lower()}-{rng.choice(GIVEN).lower().replace(' ', '-')}-{i}" for i in range(n_p)]
    part_names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(n_p)]
    table(
        "participants",
        participant_id=part_ids,
        name=part_names,
        kind=[rng.choice(schema.PARTICIPANT_KINDS) for _ in range(n_p)],
        role=[text.sentence(rng.randint(2, 6)) for _ in range(n_p)],
        country_code=[rng.choice(COUNTRIES) for _ in range(n_p)],
        wikidata_id=[f"Q{rng.randint(1, 10**8)}" if rng.random() < 0.3 else None for _ in range(n_p)],
    )
    topic_ids = [f"topic-{i}" for i in range(n_t)]
    table(
        "topics",
        topic_id=topic_ids,
        label=[text.sentence(3) for _ in range(n_t)],
        description=[text.paragraph(40, 200) for _ in range(n_t)],
        parent_topic_id=[None if i < 6 else topic_ids[i % 6] for i in range(n_t)],
        plover_context=[rng.choice((*schema.PLOVER_CONTEXTS, None)) for _ in range(n_t)],
    )
    event_ids, starts, ends = [], [], []
    for i in range(n_e):
        start = base + dt.timedelta(days=rng.randrange(3000))
        starts.append(start if rng.random() < 0.9 else None)
        ends.append(start + dt.timedelta(days=rng.randrange(3)) if rng.random() < 0.7 else None)
        event_ids.append(f"{start.isoformat()}-event-{i}")
    table(
        "events",
        event_id=event_ids,
        parent_event_id=[None if i % 5 == 0 else event_ids[i - i % 5] for i in range(n_e)],
        title=[text.sentence(rng.randint(4, 10)) for _ in range(n_e)],
        event_type=[rng.choice(schema.EVENT_TYPES) for _ in range(n_e)],
        status=[rng.choice(schema.EVENT_STATUSES) for _ in range(n_e)],
        date_start=starts,
        date_end=ends,
        date_precision=[rng.choice(schema.DATE_PRECISIONS) for _ in range(n_e)],
        date_basis=[rng.choice(schema.DATE_BASES) for _ in range(n_e)],
        location=[rng.choice(["Seoul", "서울", "Brussels", "Tokyo", None]) for _ in range(n_e)],
        country_code=[rng.choice(COUNTRIES) for _ in range(n_e)],
        description=[text.paragraph(80, 400) for _ in range(n_e)],
        cameo_code=[rng.choice(["042", "043", "036", "0311", None]) for _ in range(n_e)],
        plover_type=[rng.choice((*schema.PLOVER_TYPES, None)) for _ in range(n_e)],
        plover_mode=[rng.choice((*schema.PLOVER_MODES, None)) for _ in range(n_e)],
    )
    table(
        "event_participants",
        event_id=[event_ids[i % n_e] for i in range(n["event_participants"])],
        participant_id=[part_ids[(i // n_e) % n_p] for i in range(n["event_participants"])],
        role=[schema.EVENT_ROLES[(i // (n_e * n_p)) % len(schema.EVENT_ROLES)] for i in range(n["event_participants"])],
    )
    for name in ("participant_aliases", "event_evidence", "quotes", "source_notes"):
        cols[name] = {"document_id": [], "char_start": [], "char_end": []}

    def spanned(name: str, doc: int, words: str) -> None:
        start, end = seeds.append(doc, words)
        c = cols[name]
        c["document_id"].append(doc_ids[doc])
        c["char_start"].append(start)
        c["char_end"].append(end)

    aliases = cols["participant_aliases"]
    aliases.update(participant_id=[], alias=[], alias_type=[], language=[])
    for i in range(n["participant_aliases"]):
        p, doc, variant = i % n_p, (i // n_p) % n_docs, i // (n_p * n_docs)
        korean = rng.random() < 0.2
        alias = rng.choice(NAMES_KO) if korean else part_names[p]
        alias += f" {variant}" * (variant > 0) + f" ({p})"
        aliases["participant_id"].append(part_ids[p])
        aliases["alias"].append(alias)
        aliases["alias_type"].append("native_script" if korean else rng.choice(schema.ALIAS_TYPES))
        aliases["language"].append("ko" if korean else "en")
        spanned("participant_aliases", doc, alias)
    evidence = cols["event_evidence"]
    evidence.update(event_id=[], text=[])
    for i in range(n["event_evidence"]):
        words = text.paragraph(30, 300)
        evidence["event_id"].append(event_ids[i % n_e])
        evidence["text"].append(words)
        spanned("event_evidence", rng.randrange(n_docs), words)
    quotes = cols["quotes"]
    quote_ids = [f"doc-q{i:07d}" for i in range(n_q)]
    quotes.update(quote_id=quote_ids, text=[], speaker_id=[], event_id=[], quote_type=[], reported_by_id=[])
    for _ in range(n_q):
        words = text.quote()
        quotes["text"].append(words)
        quotes["speaker_id"].append(part_ids[rng.randrange(n_p)])
        quotes["event_id"].append(event_ids[rng.randrange(n_e)] if rng.random() < 0.9 else None)
        quotes["quote_type"].append(rng.choice(schema.QUOTE_TYPES))
        quotes["reported_by_id"].append(part_ids[rng.randrange(n_p)] if rng.random() < 0.1 else None)
        spanned("quotes", rng.randrange(n_docs), words)
    notes = cols["source_notes"]
    note_ids = [f"note-{i}" for i in range(n["source_notes"])]
    notes.update(note_id=note_ids, text=[], kind=[], note=[], related_note_id=[], reference=[])
    for i in range(n["source_notes"]):
        words = text.sentence(rng.randint(3, 12))
        notes["text"].append(words)
        notes["kind"].append(rng.choice(schema.NOTE_KINDS))
        notes["note"].append(text.paragraph(60, 400))
        notes["related_note_id"].append(note_ids[i - 1] if i and rng.random() < 0.2 else None)
        notes["reference"].append("https://www.nato.int/cps/en/natohq/news_211270.htm" if rng.random() < 0.3 else None)
        spanned("source_notes", rng.randrange(n_docs), words)
    table(
        "quote_links",
        quote_id=[quote_ids[i % n_q] for i in range(n["quote_links"])],
        related_quote_id=[quote_ids[(i + 1 + i // n_q) % n_q] for i in range(n["quote_links"])],
        relation=["same_utterance"] * n["quote_links"],
    )
    table(
        "event_topics",
        event_id=[event_ids[i % n_e] for i in range(n["event_topics"])],
        topic_id=[topic_ids[(i // n_e) % n_t] for i in range(n["event_topics"])],
    )
    table(
        "quote_topics",
        quote_id=[quote_ids[i % n_q] for i in range(n["quote_topics"])],
        topic_id=[topic_ids[(i // n_q) % n_t] for i in range(n["quote_topics"])],
    )
    seed_texts = seeds.texts()
    seed_files = [f"{i:03d}_{hashlib.sha256(doc_ids[i].encode()).hexdigest()[:16]}.txt" for i in range(n_docs)]
    table(
        "documents",
        document_id=doc_ids,
        title=[text.sentence(rng.randint(6, 14)) for _ in range(n_docs)],
        title_verbatim=[rng.random() < 0.8 for _ in range(n_docs)],
        publisher=[rng.choice(["NATO", "Korea.net", "MENAFN"]) for _ in range(n_docs)],
        distributor=[rng.choice(["Public (publicnow)", None]) for _ in range(n_docs)],
        author=[rng.choice(["Park Hye Ri", "박혜리", None]) for _ in range(n_docs)],
        document_type=[rng.choice(schema.DOCUMENT_TYPES) for _ in range(n_docs)],
        published=[base + dt.timedelta(days=rng.randrange(3000)) for _ in range(n_docs)],
        published_source=[rng.choice(schema.DATE_SOURCES) for _ in range(n_docs)],
        dateline=[rng.choice(["29 Jan. 2023", "1/30/2023", None]) for _ in range(n_docs)],
        language=["en"] * n_docs,
        path=[f"seeds/{f}" for f in seed_files],
        sha256=[hashlib.sha256(t.encode("utf-8")).hexdigest() for t in seed_texts],
        char_count=[len(t) for t in seed_texts],
        source_url=[f"https://www.nato.int/cps/en/natohq/opinions_{i}.htm" for i in range(n_docs)],
        original_url=[None] * n_docs,
    )
    tables = {}
    for name, spec in TABLES.items():
        arrow = spec.arrow_schema()
        tables[name] = pa.Table.from_arrays([pa.array(cols[name][f.name], f.type) for f in arrow], schema=arrow)
    return tables, seed_texts, seed_files


def write_package(directory: Path, tables: dict[str, pa.Table], seed_texts: list[str], seed_files: list[str]) -> Path:
    """A CSV data package: one CSV per table, ``datapackage.json`` (the export descriptor, without
    bytes/hash so that neither validator spends time hashing) and ``seeds/``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in tables.items():
        (directory / f"{name}.csv").write_bytes(tableio.csv_bytes(data))
    meta = json.loads((data_dir() / "datapackage.json").read_bytes())
    (directory / "datapackage.json").write_bytes(
        descriptor.dumps(descriptor.export_descriptor(meta, "csv", {n: {} for n in tables}))
    )
    (directory / "seeds").mkdir(exist_ok=True)
    for name, seed_text in zip(seed_files, seed_texts, strict=True):
        (directory / "seeds" / name).write_bytes(seed_text.encode("utf-8"))
    return directory


# --- planted errors ------------------------------------------------------------------------------

Key = tuple[str, int, str, str | None]  # table, row (header = 1), kind, field (None for row-level kinds)


def corrupt(clean: Path, target: Path, tables: dict[str, pa.Table]) -> set[Key]:
    """A copy of the package with planted errors; returns what a validator must report."""
    shutil.copytree(clean, target)
    planted: set[Key] = set()
    edits: dict[str, list[tuple[int, str, str | None]]] = {
        "events": [(3, "date_start", "2023-02-30")],  # impossible date
        "quotes": [(5, "speaker_id", "nobody-at-all"), (7, "char_start", "12a"), (9, "quote_type", "indirect")],
        "participants": [(4, "country_code", "Korea")],  # pattern
    }
    kinds = {"date_start": "type", "char_start": "type", "speaker_id": "foreign-key", "quote_type": "constraint"}
    kinds["country_code"] = "constraint"
    for name, changes in edits.items():
        columns = {f: pc.cast(tables[name].column(f), pa.string()).to_pylist() for f in tables[name].column_names}
        for row, field_name, value in changes:
            columns[field_name][row] = value
            kind = kinds[field_name]
            planted.add((name, row + 2, kind, None if kind == "foreign-key" else field_name))
        _write_text_csv(target / f"{name}.csv", columns)
    # a duplicate primary key: row 6 of event_topics repeats row 5
    columns = {f: tables["event_topics"].column(f).to_pylist() for f in tables["event_topics"].column_names}
    for values in columns.values():
        values[6] = values[5]
    _write_text_csv(target / "event_topics.csv", columns)
    planted.add(("event_topics", 8, "duplicate", None))
    return planted


def _write_text_csv(path: Path, columns: dict[str, list[Any]]) -> None:
    data = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    path.write_bytes(tableio.csv_bytes(data))


OURS_LINE = re.compile(r"^(?P<file>.+?\.csv)(?::(?P<row>\d+))?(?::(?P<field>[a-z_]+))?: (?P<message>.*)$")
SPAN_MESSAGES = ("does not match doc", "is past the end of", "char_end must be greater")


def _our_kind(message: str) -> str:
    if message.startswith("duplicate "):
        return "duplicate"
    if re.search(r"is not an? \w+ in \w+$", message):
        return "foreign-key"
    if re.search(r"is not (an integer|a date|true or false)", message):
        return "type"
    if any(s in message for s in SPAN_MESSAGES):
        return "span"
    return "constraint"


def ours_found(output: str) -> set[Key]:
    found: set[Key] = set()
    for line in output.splitlines():
        match = OURS_LINE.match(line)
        if match is None or match["row"] is None:
            continue
        kind = _our_kind(match["message"])
        table = Path(match["file"]).stem
        found.add((table, int(match["row"]), kind, match["field"] if kind in ("type", "constraint") else None))
    return found


FRICTIONLESS_KINDS = {
    "type-error": "type",
    "constraint-error": "constraint",
    "unique-error": "duplicate",
    "primary-key": "duplicate",
    "foreign-key": "foreign-key",
}


def frictionless_found(output: str) -> set[Key]:
    report = json.loads(output)
    found: set[Key] = set()
    for task in report.get("tasks", []):
        table = task.get("name") or Path(task.get("place", "")).stem
        for error in task.get("errors", []):
            kind = FRICTIONLESS_KINDS.get(error["type"], error["type"])
            row = error.get("rowNumber")
            if row is None:
                continue
            found.add((table, int(row), kind, error.get("fieldName") if kind in ("type", "constraint") else None))
    return found


# --- measuring -----------------------------------------------------------------------------------


# Runs a command and writes "seconds peak-RSS-KB exit-status" to the file named first. Peak RSS comes
# from the child's rusage, which Linux carries over fork and exec: a child forked from this process
# (which holds the generated tables, hundreds of MB at 1M rows) would report at least this process's
# RSS. This launcher is small, so what its child reports is the child's own peak.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as f:
    f.write(f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run(cmd: list[str], check: bool = True) -> tuple[float, float, int, str]:
    """Run a child; returns (seconds, peak RSS of that child in MB, exit status, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as measured:
        launcher = [sys.executable, "-c", LAUNCHER, measured.name, *cmd]
        err = subprocess.run(launcher, stdout=out, stderr=subprocess.PIPE if check else subprocess.DEVNULL).stderr
        seconds, rss_kb, code = measured.read().split()
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    if check and int(code) != 0:
        raise SystemExit(f"benchmark step failed ({code}): {' '.join(cmd)}\n{(err or b'').decode()[-2000:]}")
    return float(seconds), int(rss_kb) / 1024, int(code), stdout


Timing = tuple[float, float]  # median seconds, max peak RSS (MB)


def timed(commands: list[list[str]], repeat: int) -> list[Timing]:
    """Each command ``repeat`` times, in turns (the order reversed every other turn, so that none
    always runs first) so that the machine's noise hits all alike: per command its median seconds
    and its largest peak RSS."""
    runs: list[list[Timing]] = [[] for _ in commands]
    for turn in range(repeat):
        order = list(range(len(commands)))
        for i in order if turn % 2 == 0 else order[::-1]:
            runs[i].append(run(commands[i])[:2])
    return [(statistics.median(t for t, _ in results), max(m for _, m in results)) for results in runs]


def ours_validate(package: Path) -> list[str]:
    return [str(BIN / "natoseoul"), "validate", str(package)]


def frictionless_validate(package: Path) -> list[str]:
    return [str(BIN / "frictionless"), "validate", "--json", str(package / "datapackage.json")]


def export_ours(source: Path, output: Path) -> list[str]:
    return [str(BIN / "natoseoul"), "export", "--from", str(source), "-f", "parquet", "-o", str(output),
            "--force", "--quiet"]  # fmt: skip


# Bare pyarrow, as a script of its own so that it imports nothing but pyarrow: read_csv with the
# schema's column types (empty cells null, as in the package), write_table with the same options.
PYARROW_EXPORT = """
import json, os, sys
import pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
source, output, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
os.makedirs(output, exist_ok=True)
for name, columns in spec["tables"].items():
    data = pacsv.read_csv(
        os.path.join(source, name + ".csv"),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.type_for_alias(t) for c, t in columns.items()},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    pq.write_table(data, os.path.join(output, name + ".parquet"), row_group_size=spec["row_group_size"],
                   **spec["options"])
"""


def export_pyarrow(source: Path, output: Path) -> list[str]:
    spec = {
        "tables": {name: {f.name: str(f.arrow_type) for f in table.fields} for name, table in TABLES.items()},
        "options": tableio.PARQUET_OPTIONS,
        "row_group_size": tableio.ROW_GROUP_ROWS,
    }
    return [sys.executable, "-c", PYARROW_EXPORT, str(source), str(output), json.dumps(spec)]


def same_tables(left: Path, right: Path) -> bool:
    """Whether two directories of Parquet files hold the same tables: the same columns, Arrow types
    and values. Only nullability may differ: bare pyarrow's CSV reader cannot mark a column not-null,
    as natoseoul's schema does for required fields."""
    import pyarrow.parquet as pq

    for name in TABLES:
        ours, theirs = pq.read_table(left / f"{name}.parquet"), pq.read_table(right / f"{name}.parquet")
        if [(f.name, f.type) for f in ours.schema] != [(f.name, f.type) for f in theirs.schema]:
            return False
        if not ours.cast(theirs.schema).equals(theirs):
            return False
    return True


LOAD_OURS = (
    "import pathlib, natoseoul._loading as L; L.parquet_path = lambda n: pathlib.Path({d!r}) / f'{{n}}.parquet'; "
    "import natoseoul; t = natoseoul.load('quotes'); assert t.num_rows > 0"
)
LOAD_PYARROW = "import pyarrow.parquet as pq; t = pq.read_table({f!r}); assert t.num_rows > 0"
LOAD_PARQUETFILE = "import pyarrow.parquet as pq; t = pq.ParquetFile({f!r}).read(); assert t.num_rows > 0"
# natoseoul's floor: a Python process that imports click and pyarrow and does nothing, set up as the
# natoseoul program sets itself up (cli.prepare: numpy left unimported).
IMPORTS_ONLY = "from natoseoul.cli import prepare; prepare(['validate']); import click, pyarrow"


def release_commands(work: Path) -> dict[str, list[str]]:
    """Every command a user types, on the installed release (each must stay within 1.5x the floor)."""
    program = str(BIN / "natoseoul")
    return {
        "validate": [program, "validate"],
        "verify": [program, "verify"],
        "info": [program, "info"],
        "show_where": [program, "show", "events", "--where", "event_type=meeting"],
        "export_csv": [program, "export", "-q", "-f", "csv", "-o", str(work / "release-csv"), "--force"],
        "diff": [program, "diff", str(data_dir())],  # the release against itself: no differences
        "site": [program, "site", "-q", "-o", str(work / "release-site"), "--force"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000, help="data rows in total over all tables")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--seed", type=int, default=20230130)
    parser.add_argument(
        "--skip-frictionless-above", type=int, default=200_000, metavar="N",
        help="do not run frictionless when --rows exceeds N (reported as null); the planted-errors "
        "comparison then runs on a package of N rows",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="runs of validate and export (median)")
    parser.add_argument("--load-repeat", type=int, default=7, help="fresh-process loads of each kind (median)")
    parser.add_argument("--keep", type=Path, help="keep the generated packages in this directory")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: not empty; give a new or empty directory")
    missing = [name for name in ("natoseoul", "frictionless") if not (BIN / name).is_file()]
    if missing:  # both run as the console scripts users run, installed beside this interpreter
        parser.error(f"{', '.join(missing)}: not installed in {BIN}; run pip install -e '.[test]' with this Python")
    work = Path(tempfile.mkdtemp(prefix="natoseoul-bench-")) if args.keep is None else args.keep
    try:
        return _benchmark(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _benchmark(args: argparse.Namespace, work: Path) -> int:
    seconds: dict[str, float | None] = {}
    # as pip does on install: compiled once here, so that no timed run compiles natoseoul's modules
    # (an editable install run with PYTHONDONTWRITEBYTECODE would compile them on every run)
    compileall.compile_dir(Path(natoseoul.__file__).parent, quiet=1)
    started = time.perf_counter()
    tables, seed_texts, seed_files = generate(args.rows, args.seed)
    package = write_package(work / "package", tables, seed_texts, seed_files)
    seconds["generate"] = time.perf_counter() - started
    rows = sum(t.num_rows for t in tables.values())
    csv_mb = sum((package / f"{n}.csv").stat().st_size for n in TABLES) / 1e6
    print(f"package: {rows} rows in {len(tables)} tables, {csv_mb:.1f} MB of CSV, {len(seed_files)} seeds ({package})")

    with_frictionless = args.rows <= args.skip_frictionless_above
    theirs = [frictionless_validate(package)] if with_frictionless else []
    (seconds["validate"], rss_validate), *fl = timed([ours_validate(package), *theirs], args.repeat)
    seconds["frictionless"], rss_frictionless = fl[0] if fl else (None, None)
    print(f"validate: natoseoul {seconds['validate']:.2f}s; frictionless {_fmt(seconds['frictionless'])}")
    # the fixed cost of each validator (start-up, imports): both on the smallest package (83 rows)
    tiny = write_package(work / "package-tiny", *generate(0, args.seed))
    theirs = [frictionless_validate(tiny)] if with_frictionless else []
    (seconds["validate_tiny"], _), *fl = timed([ours_validate(tiny), *theirs], args.repeat)
    seconds["frictionless_tiny"] = fl[0][0] if fl else None
    print(f"fixed cost (smallest package): natoseoul {seconds['validate_tiny']:.2f}s; "
          f"frictionless {_fmt(seconds['frictionless_tiny'])}")  # fmt: skip
    ((seconds["import_click_pyarrow"], _),) = timed([[sys.executable, "-c", IMPORTS_ONLY]], args.repeat)
    print(f"floor (a Python process that only imports click and pyarrow): {seconds['import_click_pyarrow']:.2f}s")
    commands = release_commands(work)
    release_vs_floor = {}
    for name, (spent, _) in zip(commands, timed(list(commands.values()), args.repeat), strict=True):
        seconds[f"release_{name}"] = spent
        release_vs_floor[name] = _ratio(spent, seconds["import_click_pyarrow"])
    print("release commands vs floor: " + ", ".join(f"{n} {r:.2f}x" for n, r in release_vs_floor.items() if r))

    # planted errors: on this package, or on a smaller one when frictionless is skipped at this size
    if with_frictionless:
        clean, small = package, tables
    else:
        small, small_texts, small_files = generate(args.skip_frictionless_above, args.seed)
        clean = write_package(work / "package-small", small, small_texts, small_files)
    planted = corrupt(clean, work / "corrupt", small)
    t_ours, _, code_ours, out_ours = run(ours_validate(work / "corrupt"), check=False)
    t_fl, _, code_fl, out_fl = run(frictionless_validate(work / "corrupt"), check=False)
    seconds["validate_corrupt"], seconds["frictionless_corrupt"] = t_ours, t_fl
    found_ours, found_fl = ours_found(out_ours), frictionless_found(out_fl)
    comparable_ours = {k for k in found_ours if k[2] != "span"}  # frictionless does not check spans
    mismatches = sorted(
        [("only natoseoul", *k) for k in comparable_ours - found_fl]
        + [("only frictionless", *k) for k in found_fl - comparable_ours]
        + [("missed by both", *k) for k in planted - found_ours - found_fl],
        key=str,
    )
    agree = not mismatches and planted <= found_ours and code_ours == 1 and code_fl != 0
    print(f"planted errors: {len(planted)}; natoseoul found {len(found_ours)}, frictionless {len(found_fl)}; "
          f"{'same set' if agree else 'MISMATCH'}")  # fmt: skip
    for m in mismatches:
        print("  ", *m)

    parquet_ours, parquet_pa = work / "parquet-ours", work / "parquet-pyarrow"
    ours_export, pa_export = export_ours(package, parquet_ours), export_pyarrow(package, parquet_pa)
    (seconds["export"], rss_export), (seconds["pyarrow_export"], rss_pyarrow_export) = timed(
        [ours_export, pa_export], args.repeat
    )
    same = same_tables(parquet_ours, parquet_pa)
    print(f"csv->parquet: natoseoul {seconds['export']:.2f}s; pyarrow {seconds['pyarrow_export']:.2f}s; "
          f"{'same tables' if same else 'TABLES DIFFER'}")  # fmt: skip

    load_ours = [sys.executable, "-c", LOAD_OURS.format(d=str(parquet_ours))]
    quotes = str(parquet_ours / "quotes.parquet")
    load_pa = [sys.executable, "-c", LOAD_PYARROW.format(f=quotes)]
    load_file = [sys.executable, "-c", LOAD_PARQUETFILE.format(f=quotes)]
    (seconds["load"], _), (seconds["pyarrow_load"], _), (seconds["parquetfile_load"], _) = timed(
        [load_ours, load_pa, load_file], args.load_repeat
    )
    print(f"load quotes ({tables['quotes'].num_rows} rows), fresh process: natoseoul {seconds['load']:.3f}s; "
          f"pyarrow read_table {seconds['pyarrow_load']:.3f}s; "
          f"ParquetFile.read {seconds['parquetfile_load']:.3f}s")  # fmt: skip

    result = {
        "rows": rows,
        "validate_vs_frictionless": _ratio(seconds["frictionless"], seconds["validate"]),
        "validate_work_vs_frictionless": _ratio(
            _minus(seconds["frictionless"], seconds["frictionless_tiny"]),
            _minus(seconds["validate"], seconds["validate_tiny"]),
        ),
        "release_commands_vs_floor": release_vs_floor,
        "export_vs_pyarrow": _ratio(seconds["export"], seconds["pyarrow_export"]),
        "export_same_tables": same,
        "load_vs_pyarrow": _ratio(seconds["load"], seconds["pyarrow_load"]),
        "load_vs_parquetfile": _ratio(seconds["load"], seconds["parquetfile_load"]),
        "peak_rss_mb": {
            "validate": rss_validate,
            "export": rss_export,
            "frictionless": rss_frictionless,
            "pyarrow_export": rss_pyarrow_export,
        },
        "seconds": seconds,
        "planted_errors": {
            "rows": sum(t.num_rows for t in small.values()),
            "planted": len(planted),
            "natoseoul_found": len(found_ours),
            "frictionless_found": len(found_fl),
            "agree": agree,
            "mismatches": [list(m) for m in mismatches],
        },
        "csv_mb": csv_mb,
        "repeat": {"validate_export": args.repeat, "load": args.load_repeat},
        "machine": {"processor": platform.processor(), "cpu": _cpu_model(), "cores": os.cpu_count()},
        "versions": _versions(),
    }
    print(json.dumps({k: v for k, v in result.items() if k not in ("seconds", "planted_errors")}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if agree and same else 1


def _minus(total: float | None, fixed: float | None) -> float | None:
    return total - fixed if total is not None and fixed is not None and total > fixed else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _fmt(value: float | None) -> str:
    return "skipped" if value is None else f"{value:.2f}s"


def _versions() -> dict[str, str | None]:
    """What was measured: Python and the installed distributions the timed commands run on."""
    found: dict[str, str | None] = {"python": platform.python_version(), "natoseoul": natoseoul.__version__}
    for name in ("pyarrow", "frictionless", "click"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    sys.exit(main())
