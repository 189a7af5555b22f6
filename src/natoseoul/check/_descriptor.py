"""Checking a descriptor before its tables are read: what frictionless would refuse, and what would make
natoseoul's reading of a file differ from the reading its descriptor asks for.

``natoseoul validate`` checks a table's cells against the project's own schema (``schema.py``), so
a descriptor that declares something else must not pass unnoticed: a resource without a schema, a
field of an unknown type or of another type than the table's, a primary or foreign key naming a
column or a resource that does not exist, a CSV dialect or encoding other than the one read. Each
such problem is one message, ``resource '<name>': <what>``; ``validate`` reports them all against
the descriptor, ``export --from`` stops at the first one of the tables it reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import DataError
from ..io._package import (
    MAX_DESCRIPTOR_BYTES,
    Package,
    file_problem,
    load_json,
    read_limited,
    resource_table,
)
from ..schema import TABLES

# The field types of Table Schema v2 (https://datapackage.org/standard/table-schema/#field-types).
TABLE_SCHEMA_TYPES = frozenset(
    {"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime", "year"}
    | {"yearmonth", "duration", "geopoint", "geojson", "any"}
)
# What natoseoul's CSV reader reads (RFC 4180): a dialect asking for anything else is refused.
CSV_DIALECT = {
    "header": True,
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "skipInitialSpace": False,
    "headerRows": [1],
}
CSV_DIALECT_ABSENT = ("escapeChar", "commentChar", "commentRows", "nullSequence", "headerJoin")
UTF8 = ("utf-8", "utf8", "utf-8-sig")


def _names(value: object) -> list[str] | None:
    """The column names of a key (``"a"`` or ``["a", "b"]``); None when it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def load_part(package: Package, resource: dict[str, Any], key: str) -> dict[str, Any] | str | None:
    """A resource's ``schema`` or ``dialect``: the object given inline, or read from the file of the
    package its path names (never from a URL). A string is the reason it could not be had; None
    when the resource has none."""
    value = resource.get(key)
    if value is None or isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return f"{key}: expected an object or the path of a JSON file in the package"
    try:
        path = package.resolve(value, f"{key} path")
    except DataError as exc:
        return str(getattr(exc, "reason", exc))
    problem = file_problem(path)
    if problem is not None:
        return f"{key} path {value!r}: {problem}"
    try:
        loaded = load_json(read_limited(path, MAX_DESCRIPTOR_BYTES, f"a {key}"), package.show(value))
    except DataError as exc:
        return str(exc)
    return loaded if isinstance(loaded, dict) else f"{key} path {value!r}: not a JSON object"


def descriptor_problems(package: Package, tables: Iterable[str] | None = None) -> list[str]:
    """The problems of the resources that are tables of this package (those of ``tables`` only,
    when given), each ``resource '<name>': <what>``, in the order of the descriptor."""
    wanted = None if tables is None else set(tables)
    named: dict[str, dict[str, Any]] = {}
    out: list[str] = []
    for resource in package.resources:
        name = resource.get("name")
        if isinstance(name, str):
            if name in named and (wanted is None or resource_table(resource)[0] in wanted):
                out.append(f"resource {name!r}: the name appears twice in the descriptor")
            named.setdefault(name, resource)
    for resource in package.resources:
        table, fmt = resource_table(resource)
        if table is None or (wanted is not None and table not in wanted):
            continue
        label = f"resource {resource.get('name')!r}"
        out += [f"{label}: {p}" for p in _resource_problems(package, resource, table, fmt, named)]
    return out


def _resource_problems(
    package: Package, resource: dict[str, Any], table: str, fmt: str | None, named: dict[str, dict[str, Any]]
) -> list[str]:
    out: list[str] = []
    if fmt == "csv":
        encoding = resource.get("encoding")
        if encoding is not None and str(encoding).lower() not in UTF8:
            out.append(f"encoding {encoding!r}: natoseoul reads CSV as UTF-8 only")
        dialect = load_part(package, resource, "dialect")
        if isinstance(dialect, str):
            out.append(dialect)
        elif dialect is not None:
            for key, expected in CSV_DIALECT.items():
                if key in dialect and dialect[key] != expected:
                    out.append(f"dialect: {key} {dialect[key]!r}; natoseoul reads CSV with {key} {expected!r}")
            out += [f"dialect: {key} is not supported" for key in CSV_DIALECT_ABSENT if key in dialect]
    schema = load_part(package, resource, "schema")
    if schema is None:
        return [*out, "has no schema; expected a Table Schema (an object, or the path of one in the package)"]
    if isinstance(schema, str):
        return [*out, schema]
    return out + schema_problems(package, schema, table, named)


def schema_problems(
    package: Package, schema: dict[str, Any], table: str, named: dict[str, dict[str, Any]]
) -> list[str]:
    """The problems of one Table Schema, the schema of a resource of ``table``."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) for f in fields):
        return ["schema: 'fields' must be a non-empty list of objects"]
    out: list[str] = []
    spec = TABLES[table]
    names: list[str] = []
    for i, item in enumerate(fields):
        name = item.get("name")
        if not isinstance(name, str):
            out.append(f"schema: field {i + 1} has no name")
            continue
        if name in names:
            out.append(f"schema: field {name!r} appears twice")
        names.append(name)
        kind = item.get("type", "string")
        if kind not in TABLE_SCHEMA_TYPES:
            out.append(f"schema: field {name!r} has the unknown type {kind!r}")
        elif name in spec.field_index and kind != spec.field_index[name].type:
            out.append(
                f"schema: field {name!r} has type {kind!r}; the {table} table's is {spec.field_index[name].type}"
            )
        if kind == "boolean" and (item.get("trueValues"), item.get("falseValues")) != (["true"], ["false"]):
            out.append(f"schema: field {name!r} must declare trueValues ['true'] and falseValues ['false']")
    missing = [n for n in spec.field_names if n not in names]
    extra = [n for n in names if n not in spec.field_index]
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + (
            [f"unexpected {', '.join(map(repr, extra))}"] if extra else []
        )
        out.append(f"schema: the fields differ from the {table} table's: {'; '.join(parts)}")
    elif names != spec.field_names:
        out.append(f"schema: the fields are out of order; expected {', '.join(spec.field_names)}")
    if schema.get("missingValues", [""]) != [""]:
        out.append(f"schema: missingValues {schema['missingValues']!r}; natoseoul reads only the empty cell as missing")
    out += _key_problems(package, schema, names, named)
    return out


def _key_problems(
    package: Package, schema: dict[str, Any], names: list[str], named: dict[str, dict[str, Any]]
) -> list[str]:
    out: list[str] = []
    if "primaryKey" in schema:
        key = _names(schema["primaryKey"])
        if key is None:
            out.append("schema: primaryKey must be a column name or a list of them")
        else:
            out += [f"schema: primaryKey names {k!r}, which is not a field" for k in key if k not in names]
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        return [*out, "schema: foreignKeys must be a list"]
    for i, fk in enumerate(foreign, 1):
        where = f"schema: foreign key {i}"
        reference = fk.get("reference") if isinstance(fk, dict) else None
        columns = _names(fk.get("fields")) if isinstance(fk, dict) else None
        if columns is None or not isinstance(reference, dict):
            out.append(f"{where} must have 'fields' and a 'reference' object")
            continue
        out += [f"{where} names {c!r}, which is not a field" for c in columns if c not in names]
        target, keys = reference.get("resource", ""), _names(reference.get("fields"))
        if not isinstance(target, str) or keys is None:
            out.append(f"{where}: the reference must name a resource and its fields")
            continue
        if len(keys) != len(columns):
            out.append(f"{where}: {len(columns)} field(s) refer to {len(keys)}")
        if target == "":
            target_names = names
        elif target not in named:
            out.append(f"{where} refers to resource {target!r}, which the package does not have")
            continue
        else:
            other = load_part(package, named[target], "schema")
            other_fields = other.get("fields") if isinstance(other, dict) else None
            if not isinstance(other_fields, list):
                continue  # reported with that resource
            target_names = [str(f.get("name")) for f in other_fields if isinstance(f, dict)]
        out += [f"{where} refers to {k!r}, which is not a field of {target or 'this resource'}" for k in keys
                if k not in target_names]  # fmt: skip
    return out
