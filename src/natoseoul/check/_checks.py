"""Checks of table data against the schema: types, constraints, keys, references and evidence spans.

The checks run on Arrow record batches of *text* cells (as read from CSV), column by column with
Arrow's compute kernels (``kernels.py``), so they are fast and stream: a table is fed batch by
batch, and only its key columns (for the uniqueness and foreign-key checks) and a few numbers per
evidence span (for the span check against the seeds) are kept for the end. The build checks what
it is about to publish with exactly this code, and ``natoseoul validate`` checks a user's copy with it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import pyarrow as pa

from ..errors import excerpt, printable
from ..io import _arrow as kernels
from ..schema import TABLES, Field, Table

KEY_SEPARATOR = "\x1f"
ZERO, ONE, EMPTY = pa.scalar(0, pa.int64()), pa.scalar(1, pa.int64()), pa.scalar("", pa.string())
TRUE, FALSE = pa.scalar(True, pa.bool_()), pa.scalar(False, pa.bool_())  # typed: inferring imports dateutil
BOOLEAN_WORDS = pa.array(["true", "false"], pa.string())
# Types whose Arrow cast from text accepts what the checks accept (integers: up to 18 digits;
# dates: YYYY-MM-DD on the calendar), with one exception the fast path rules out: the cast also
# takes hexadecimal ("0x1F", "0X1F"; unsigned only, so only as a prefix), which the Table Schema
# does not. A leading "+" is valid (the Table Schema's integers are written as XML Schema's are)
# and the cast refuses it: such a column takes the slow path, which gives the same value. Booleans
# are not among them: Arrow also takes "1", "0", "True", which the schema's trueValues and
# falseValues do not list.
FAST_CASTS = {"integer": pa.int64(), "date": pa.date32()}
INTEGER = r"^[+-]?[0-9]{1,18}$"  # the Table Schema's integer, up to the 18 digits the validator reads
# Arrow holds the year 0000 (and its cast and strptime take it); Python's dates, and so frictionless,
# pandas' object dates and natoseoul.records(), start at 0001-01-01, so that is the first date taken.
FIRST_DATE = pa.scalar(dt.date.min, pa.date32())


HEADER_ROW = 1  # files number their rows as frictionless does: the header is row 1


def file_row(row: int) -> int:
    """The row number in its file of data row ``row`` (0-based): the first data row is row 2."""
    return row + HEADER_ROW + 1


class Problem(NamedTuple):
    """One problem: where (a table while it is checked, its file once reported), the row, the field,
    and why. The checks number rows from 0 (the first data row); ``validate`` reports them as rows of
    the file, the header being row 1."""

    place: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        place = self.place + (f":{self.row}" if self.row is not None else "") + (f":{self.field}" if self.field else "")
        return f"{place}: {self.message}"


def _missing(column: pa.Array) -> pa.Array:
    """True where a cell is null or the empty string (both are 'missing' in the Table Schema).
    The byte length is read off the offsets, without scanning the text as ``utf8_length`` would."""
    return kernels.fill_null(kernels.equal(kernels.binary_length(column), ZERO), TRUE)


def _rows(mask: pa.BooleanArray) -> list[int]:
    """The rows where ``mask`` is true (null counts as false)."""
    if mask.true_count == 0:  # the usual case, read off the bitmap without a kernel
        return []
    return [int(i) for i in kernels.indices_nonzero(kernels.fill_null(mask, FALSE)).to_pylist()]


def _values(column: pa.Array, rows: list[int]) -> list[str]:
    if not rows:
        return []
    return [str(v) for v in kernels.take(column, pa.array(rows, pa.int64())).to_pylist()]


def _null(type_: pa.DataType) -> pa.Scalar:
    return pa.nulls(1, type_)[0]


@functools.cache
def _value_set(values: tuple[str, ...]) -> pa.StringArray:
    return pa.array(values, pa.string())


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _short(value: str) -> str:
    return repr(excerpt(value, 50))


def parse_column(spec: Field, column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Convert a text column to the field's Arrow type. Returns (values, bad) where bad marks cells
    that are present but do not parse; missing cells become null."""
    return _parse(spec, column, _missing(column))


def _parse(spec: Field, column: pa.Array, missing: pa.BooleanArray) -> tuple[pa.Array, pa.Array]:
    none_bad = pa.repeat(FALSE, len(column))
    # empty strings become null; when there are none (the usual case) the column is used as it is
    text = column if missing.true_count == column.null_count else kernels.if_else(missing, _null(pa.string()), column)
    if spec.type == "string":
        return text, none_bad
    if spec.type in FAST_CASTS and (
        spec.type != "integer" or (kernels.max_(kernels.binary_length(text)).as_py() or 0) <= 18
    ):
        try:  # Arrow's own cast is strict (and checks the calendar): when it takes the whole column, all is well
            values = kernels.cast(text, FAST_CASTS[spec.type])
        except pa.ArrowInvalid:
            pass  # some cell does not parse: find which, below
        else:
            if spec.type == "date":
                if kernels.less(values, FIRST_DATE).true_count == 0:
                    return values, none_bad
            elif not any(kernels.starts_with(text, p).true_count for p in ("0x", "0X")):  # no hexadecimal
                return values, none_bad
    if spec.type == "integer":
        ok = kernels.match_substring_regex(text, INTEGER)
        values = kernels.cast(kernels.ltrim(kernels.if_else(ok, text, _null(pa.string())), "+"), pa.int64())
    elif spec.type == "date":
        shaped = kernels.match_substring_regex(text, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        stamps = kernels.strptime(kernels.if_else(shaped, text, _null(pa.string())), "%Y-%m-%d", "s")
        values = kernels.cast(stamps, pa.date32())
        # strptime rolls impossible days over (2023-02-30 -> 2023-03-02): require the round trip
        ok = kernels.equal(kernels.strftime(values, "%Y-%m-%d"), text)
        ok = kernels.and_(ok, kernels.greater_equal(values, FIRST_DATE))
        values = kernels.if_else(ok, values, _null(pa.date32()))
    elif spec.type == "boolean":
        ok = kernels.is_in(text, value_set=BOOLEAN_WORDS)
        values = kernels.if_else(ok, kernels.equal(text, pa.scalar("true", pa.string())), _null(pa.bool_()))
    else:  # pragma: no cover - the schema module only defines the types above
        raise AssertionError(spec.type)
    bad = kernels.and_(kernels.invert(missing), kernels.invert(kernels.fill_null(ok, FALSE)))
    return values, bad


def cast_batch(table: Table, batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """The typed form of a batch of text cells (call after the checks found no problem)."""
    return pa.Table.from_batches([typed_batch(table, batch)[0]])


def typed_batch(
    table: Table, batch: pa.RecordBatch | pa.Table, offset: int = 0
) -> tuple[pa.RecordBatch, list[Problem]]:
    """The typed form of a batch of text cells, and the cells that cannot take their type: those
    that do not parse, and missing values of required (non-nullable) fields. The other checks
    (constraints, keys, spans) are left to ``TableChecker``."""
    columns, problems = [], []
    for spec in table.fields:
        values, _, found = _typed_column(table, spec, _as_array(batch.column(spec.name)), offset)
        columns.append(values)
        problems += found
    return pa.RecordBatch.from_arrays(columns, schema=table.arrow_schema()), sorted(problems)


def _typed_column(table: Table, spec: Field, column: pa.Array, offset: int) -> tuple[pa.Array, pa.Array, list[Problem]]:
    """A text column's typed values, its missing cells, and the problems of cells that cannot take
    the type: missing though required, or present but unparseable."""
    missing = _missing(column)
    rows = _rows(missing) if spec.required else []
    problems = [Problem(table.name, offset + i, spec.name, "required value is missing") for i in rows]
    values, bad = _parse(spec, column, missing)
    rows = _rows(bad)
    for i, v in zip(rows, _values(column, rows), strict=True):
        problems.append(Problem(table.name, offset + i, spec.name, f"{_short(v)} is not {TYPE_WORDS[spec.type]}"))
    return values, missing, problems


def _key_text(spec: Field, column: pa.Array, values: pa.Array) -> pa.Array:
    """A key column's cells as keys are compared: text as written, other values written the one
    way (so ``+5`` and ``5`` are the same integer key); a cell that does not parse stays as written."""
    if spec.type == "string":
        return column
    return kernels.if_else(kernels.is_valid(values), kernels.cast(values, pa.string()), column)


def _as_array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


@dataclass
class KeptSpans:
    """The evidence spans of one table, kept until the seed texts are read one at a time: per span
    its document, row, start, end and the hash of its text (equal texts hash equal; two different
    ones collide with odds of 2**-64), so neither the table's texts nor all the seeds are held."""

    batches: list[list[pa.Array]] = field(default_factory=list)
    numbers: list[memoryview] = field(default_factory=list)  # row, start, end, hash; sorted by document
    by_document: dict[str, tuple[int, int]] | None = None  # document -> its slice of ``numbers``

    def add(self, docs: pa.Array, starts: pa.Array, ends: pa.Array, texts: pa.Array, rows: pa.Array) -> None:
        self.batches.append([docs, rows, starts, ends, pa.array([hash(t) for t in texts.to_pylist()], pa.int64())])

    def of(self, doc: str) -> Iterator[tuple[int, int, int, int]]:
        """(row, start, end, hash) of each span in ``doc``."""
        if self.by_document is None:
            self.group()
        assert self.by_document is not None
        low, high = self.by_document.get(doc, (0, 0))
        return zip(*(column[low:high] for column in self.numbers), strict=True)

    def group(self) -> None:
        """Sort the spans by document, once every batch is in (``TableChecker.finish`` does it, so
        that the seeds' turn at the end only compares)."""
        if not self.batches:
            self.by_document = {}
            return
        columns = [pa.concat_arrays(parts) for parts in zip(*self.batches, strict=True)]
        self.batches = []
        order = kernels.sort_indices(columns[0])
        docs, *numbers = (kernels.take(c, order) for c in columns)
        self.numbers = [memoryview(n.buffers()[1]).cast("q")[n.offset : n.offset + len(n)] for n in numbers]
        runs = kernels.run_end_encode(docs)
        ends = runs.run_ends.to_pylist()
        firsts = [0, *ends[:-1]] if ends else []  # no runs when no span was complete
        self.by_document = dict(zip(runs.values.to_pylist(), zip(firsts, ends, strict=True), strict=True))


class ColumnDigest:
    """A digest of a column's typed values, whatever batches they come in: a hash of which cells are
    null, one of how long each text is, one of the values' bytes."""

    def __init__(self) -> None:
        import hashlib

        self.valid, self.lengths, self.data = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()

    def add(self, values: pa.Array) -> None:
        valid = kernels.is_valid(values)
        self.valid.update(_fixed_bytes(kernels.cast(valid, pa.int8())))
        if pa.types.is_string(values.type):
            self.lengths.update(
                _fixed_bytes(kernels.fill_null(kernels.binary_length(values), pa.scalar(0, pa.int32())))
            )
            present = values if values.null_count == 0 else kernels.filter_(values, valid)
            if len(present):
                offsets = memoryview(present.buffers()[1]).cast("i")
                start, end = offsets[present.offset], offsets[present.offset + len(present)]
                self.data.update(memoryview(present.buffers()[2])[start:end])
        else:
            if pa.types.is_boolean(values.type):
                values = kernels.cast(values, pa.int8())
            self.data.update(_fixed_bytes(kernels.fill_null(values, pa.scalar(0, values.type))))

    def hexdigest(self) -> str:
        return "".join(h.hexdigest() for h in (self.valid, self.lengths, self.data))


def _fixed_bytes(values: pa.Array) -> memoryview:
    """The value bytes of a fixed-width array without nulls (as stored, for this slice only)."""
    width = values.type.bit_width // 8
    return memoryview(values.buffers()[1])[values.offset * width : (values.offset + len(values)) * width]


@functools.cache
def vouched_patterns(table: str) -> frozenset[str]:
    """The columns of ``table`` whose pattern check waits for the foreign-key check: each references
    a key with the same pattern, checked as its own table is read, so only the values not found
    among those keys need the (costly) regular expression; ``check_references`` runs it on them."""
    out = set()
    for fk in TABLES[table].foreign_keys:
        (column,), (key,) = fk.fields, fk.reference
        target = TABLES[fk.table]
        target_is_checked = all(key not in other.fields for other in target.foreign_keys)
        pattern = TABLES[table].field_index[column].pattern
        if pattern is not None and target_is_checked and target.field_index[key].pattern == pattern:
            out.add(column)
    return frozenset(out)


TYPE_WORDS = {"integer": "an integer", "date": "a date (YYYY-MM-DD)", "boolean": "true or false"}


HEADER_NAMES_SHOWN, HEADER_NAME_CHARS = 5, 24


def _few(names: list[str]) -> str:
    """Names read from a file's header, as a message shows them: the first ``HEADER_NAMES_SHOWN``,
    each cut to ``HEADER_NAME_CHARS`` characters and escaped, then ``(and N more)``. Only a short
    excerpt of a header is ever printed, whatever file (a hard link, say) the header came from."""
    shown = ", ".join(printable(excerpt(n, HEADER_NAME_CHARS)) for n in names[:HEADER_NAMES_SHOWN])
    more = len(names) - HEADER_NAMES_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


@dataclass
class TableChecker:
    """Checks one table fed as batches of text cells; keeps only what the table-wide checks need.

    With ``collect_spans``, each evidence span is kept (``KeptSpans``) for ``check_spans`` to
    compare with the seed texts read one at a time at the end. With ``digest``, each column's typed
    values are hashed as they pass (``digests``), so that two copies of a table (CSV and Parquet)
    can be compared without holding either."""

    table: Table
    collect_spans: bool = False
    digest: bool = False
    digests: dict[str, ColumnDigest] = field(default_factory=dict)
    rows_seen: int = 0
    keys: dict[str, list[pa.Array]] = field(default_factory=dict)
    spans: KeptSpans = field(default_factory=lambda: KeptSpans())
    unfit: set[str] = field(default_factory=set)  # columns with a value that does not fit their pattern

    def kept_columns(self) -> set[str]:
        kept = set(self.table.primary_key) | {f.name for f in self.table.fields if f.unique}
        kept |= {c for fk in self.table.foreign_keys for c in fk.fields}
        for other in TABLES.values():  # columns other tables point at
            kept |= {c for fk in other.foreign_keys if fk.table == self.table.name for c in fk.reference}
        return kept

    def check_header(self, names: list[str]) -> list[Problem]:
        expected = self.table.field_names
        if names == expected:
            return []
        seen: set[str] = set()
        twice = list(dict.fromkeys(n for n in names if n in seen or seen.add(n)))  # type: ignore[func-returns-value]
        if twice:
            return [Problem(self.table.name, None, None, f"header: column(s) {_few(twice)} appear more than once")]
        missing = [n for n in expected if n not in seen]
        extra = [n for n in names if n not in self.table.field_index]
        if missing or extra:
            parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
                [f"unexpected column(s) {_few(extra)}"] if extra else []
            )
            return [Problem(self.table.name, None, None, "header: " + "; ".join(parts))]
        return [Problem(self.table.name, None, None, f"header: columns out of order; expected {', '.join(expected)}")]

    def feed(self, batch: pa.RecordBatch | pa.Table) -> list[Problem]:
        """Check one batch of text cells (every column of the schema must be present)."""
        problems: list[Problem] = []
        offset = self.rows_seen
        parsed: dict[str, pa.Array] = {}
        kept = self.kept_columns()
        for spec in self.table.fields:
            column = _as_array(batch.column(spec.name))
            problems += self._check_column(spec, column, offset, parsed)
            if self.digest:
                self.digests.setdefault(spec.name, ColumnDigest()).add(parsed[spec.name])
            if spec.name in kept:
                self.keys.setdefault(spec.name, []).append(_key_text(spec, column, parsed[spec.name]))
        if self.table.span_text_field:
            problems += self._check_spans(batch, parsed, offset)
        self.rows_seen += batch.num_rows
        return problems

    def _check_column(self, spec: Field, column: pa.Array, offset: int, parsed: dict[str, pa.Array]) -> list[Problem]:
        name = self.table.name
        values, missing, out = _typed_column(self.table, spec, column, offset)
        parsed[spec.name] = values
        if spec.enum is not None:
            outside = kernels.and_(
                kernels.invert(missing), kernels.invert(kernels.is_in(column, value_set=_value_set(spec.enum)))
            )
            rows = _rows(outside)
            for i, v in zip(rows, _values(column, rows), strict=True):
                out.append(Problem(name, offset + i, spec.name, f"{_short(v)} is not one of: {', '.join(spec.enum)}"))
        if spec.pattern is not None and spec.name not in vouched_patterns(self.table.name):
            out += self.pattern_problems(spec, column, missing, offset)
        if spec.minimum is not None:
            rows = _rows(kernels.less(values, pa.scalar(spec.minimum, pa.int64())))
            for i, v in zip(rows, _values(column, rows), strict=True):
                out.append(Problem(name, offset + i, spec.name, f"{v} is less than the minimum {spec.minimum}"))
        return out

    def pattern_problems(
        self, spec: Field, column: pa.Array, missing: pa.Array, offset: int = 0, known: pa.Array | None = None
    ) -> list[Problem]:
        """The cells of ``column`` that are present but do not fit the field's pattern, leaving out
        those marked in ``known`` (values already known to fit)."""
        assert spec.pattern is not None
        unchecked = kernels.invert(missing) if known is None else kernels.invert(kernels.or_(missing, known))
        if unchecked.true_count == 0:
            return []
        fits = kernels.match_substring_regex(column, f"^(?:{spec.pattern})$")
        rows = _rows(kernels.and_(unchecked, kernels.invert(kernels.fill_null(fits, FALSE))))
        if rows:
            self.unfit.add(spec.name)
        message = f"does not match the pattern {spec.pattern}"
        return [
            Problem(self.table.name, offset + i, spec.name, f"{_short(v)} {message}")
            for i, v in zip(rows, _values(column, rows), strict=True)
        ]

    def vouched_problems(self, column: str) -> list[Problem]:
        """The pattern check of a column whose check waited for its foreign key (``vouched_patterns``),
        over all its values, when no key vouches for any of them."""
        values = self.key_column(column)
        return self.pattern_problems(self.table.field_index[column], values, _missing(values))

    def abandon(self) -> list[Problem]:
        """The checks still owed to the rows fed so far when the table will not reach
        ``check_references`` (its file could not be read whole): the patterns that were waiting."""
        return [p for column in sorted(vouched_patterns(self.table.name)) for p in self.vouched_problems(column)]

    def _check_spans(self, batch: pa.RecordBatch | pa.Table, parsed: dict[str, pa.Array], offset: int) -> list[Problem]:
        name, text_field = self.table.name, self.table.span_text_field
        assert text_field is not None
        out: list[Problem] = []
        starts, ends = parsed["char_start"], parsed["char_end"]
        rows = _rows(kernels.less_equal(ends, starts))
        out += [Problem(name, offset + i, "char_end", "char_end must be greater than char_start") for i in rows]
        if self.collect_spans:
            docs, texts = _as_array(batch.column("document_id")), _as_array(batch.column(text_field))
            complete = kernels.and_(  # a span with a missing part is reported by the other checks
                kernels.and_(kernels.is_valid(parsed["document_id"]), kernels.is_valid(texts)),  # null if missing
                kernels.and_(kernels.is_valid(starts), kernels.is_valid(ends)),
            )
            rows = kernels.add(
                kernels.cast(kernels.indices_nonzero(complete), pa.int64()), pa.scalar(offset, pa.int64())
            )
            docs, starts, ends, texts = (kernels.filter_(c, complete) for c in (docs, starts, ends, texts))
            self.spans.add(docs, starts, ends, texts, rows)
        return out

    def check_spans(self, doc: str, seed: str) -> list[Problem]:
        """Compare the spans kept for document ``doc`` with its text."""
        name, text_field = self.table.name, self.table.span_text_field
        out: list[Problem] = []
        length = len(seed)
        for row, start, end, digest in self.spans.of(doc):
            if end > length:
                out.append(Problem(name, row, "char_end", f"{end} is past the end of {doc} ({length} characters)"))
            elif hash(seed[start:end]) != digest:  # equal texts hash equal; others collide with odds 2**-64
                found = _short(seed[start:end])
                out.append(Problem(name, row, text_field, f"does not match {doc}[{start}:{end}], which is {found}"))
        return out

    def key_column(self, name: str) -> pa.Array:
        chunks = self.keys.get(name, [])
        return pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())

    def finish(self) -> list[Problem]:
        """Table-wide checks: unique fields and the primary key."""
        self.spans.group()
        out: list[Problem] = []
        primary_key = list(self.table.primary_key)
        for spec in self.table.fields:
            if spec.unique and [spec.name] != primary_key:
                out += self._duplicates([spec.name])
        return out + self._duplicates(primary_key)

    def _duplicates(self, names: list[str]) -> list[Problem]:
        columns = [kernels.fill_null(self.key_column(n), EMPTY) for n in names]
        key = (
            columns[0]
            if len(columns) == 1
            else kernels.binary_join_element_wise(*columns, pa.scalar(KEY_SEPARATOR, pa.string()))
        )
        if kernels.count_distinct(key).as_py() == len(key):  # the usual case, and cheaper than counting each value
            return []
        counts = kernels.value_counts(key)
        repeated = kernels.filter_(counts.field("values"), kernels.greater(counts.field("counts"), ONE))
        if len(repeated) == 0:
            return []
        rows = _rows(kernels.is_in(key, value_set=repeated))
        seen: set[str] = set()
        out = []
        label = ", ".join(names)
        for i, value in zip(rows, _values(key, rows), strict=True):
            if value in seen:
                shown = value.replace(KEY_SEPARATOR, ", ")
                what = "primary key" if names == list(self.table.primary_key) else "unique value"
                out.append(Problem(self.table.name, i, names[0], f"duplicate {what} ({label}) = {_short(shown)}"))
            seen.add(value)
        return out


def check_references(checkers: Mapping[str, TableChecker]) -> list[Problem]:
    """Foreign keys: every non-missing reference must be a key of the table it points at."""
    out: list[Problem] = []
    for checker in checkers.values():
        for fk in checker.table.foreign_keys:
            target = checkers.get(fk.table)
            (column,), (key,) = fk.fields, fk.reference
            vouched = column in vouched_patterns(checker.table.name)
            if target is None:  # the table it points at was not read: only the pattern can be checked
                if vouched:
                    out += checker.vouched_problems(column)
                continue
            values = checker.key_column(column)
            missing = _missing(values)
            found = kernels.is_in(values, value_set=target.key_column(key))
            if vouched:  # a value found among keys that all fit the same pattern fits it too
                known = None if key in target.unfit else found
                out += checker.pattern_problems(checker.table.field_index[column], values, missing, 0, known)
            dangling = kernels.and_(kernels.invert(missing), kernels.invert(found))
            rows = _rows(dangling)
            for i, v in zip(rows, _values(values, rows), strict=True):
                out.append(Problem(checker.table.name, i, column, f"{_short(v)} is not {_a(key)} in {fk.table}"))
    return out


def check_spans(checkers: Mapping[str, TableChecker], seeds: Iterable[tuple[str, str]]) -> list[Problem]:
    """The evidence spans the checkers kept, against the seed texts given as (document id, text)
    pairs: one text at a time, so that only one needs to be in memory."""
    return [p for doc, seed in seeds for checker in checkers.values() for p in checker.check_spans(doc, seed)]


def check_tables(
    tables: Mapping[str, Iterable[pa.RecordBatch | pa.Table]], seeds: Mapping[str, str] | None
) -> list[Problem]:
    """Run every check over whole tables given as iterables of text batches (schema columns only)."""
    checkers: dict[str, TableChecker] = {}
    problems: list[Problem] = []
    for name, batches in tables.items():
        checker = checkers[name] = TableChecker(TABLES[name], collect_spans=seeds is not None)
        for batch in batches:
            problems += checker.feed(batch)
        problems += checker.finish()
    problems += check_references(checkers)
    if seeds is not None:
        problems += check_spans(checkers, seeds.items())
    return sorted(problems, key=lambda p: (p.place, -1 if p.row is None else p.row, p.field or "", p.message))
