"""The pydantic models in natoseoul.models agree with the one schema definition in schema.py, so the
records users get cannot drift from the tables: same fields in the same order, same optionality,
the same Literal values for every enum, the same types and constraints."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

import pydantic
import pytest
from pydantic.fields import FieldInfo

from natoseoul import models
from natoseoul.schema import TABLES, Field

PY_TYPES: dict[str, type] = {"string": str, "integer": int, "date": dt.date, "boolean": bool}


def _unwrap(info: FieldInfo) -> tuple[Any, bool, FieldInfo]:
    """A field's type without ``| None``, whether ``None`` is allowed, and the FieldInfo holding its
    description and constraints (an optional field keeps them in ``Annotated`` inside the union)."""
    annotation, nullable = info.annotation, False
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        (annotation,) = [a for a in args if a is not type(None)]
        nullable = True
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        info = next(e for e in extras if isinstance(e, FieldInfo))
    return annotation, nullable, info


def _constraint(info: FieldInfo, name: str) -> Any:
    return next((getattr(m, name) for m in info.metadata if getattr(m, name, None) is not None), None)


@pytest.mark.parametrize("name", list(TABLES))
def test_model_matches_the_schema_definition(name: str) -> None:
    table = TABLES[name]
    model = models.MODELS[name]
    assert model.__name__ == table.model
    assert list(model.model_fields) == table.field_names
    for spec in table.fields:
        assert model.model_fields[spec.name].is_required() == spec.required, spec.name
        base, nullable, info = _unwrap(model.model_fields[spec.name])
        assert nullable == (not spec.required), spec.name
        if spec.enum is not None:
            assert typing.get_origin(base) is typing.Literal, spec.name
            assert typing.get_args(base) == spec.enum, spec.name
        else:
            assert base is PY_TYPES[spec.type], spec.name
        assert info.description == spec.description
        assert _constraint(info, "pattern") == (None if spec.pattern is None else f"^(?:{spec.pattern})$")
        assert _constraint(info, "ge") == spec.minimum
        wants_min_length = spec.type == "string" and spec.required and spec.enum is None
        assert _constraint(info, "min_length") == (1 if wants_min_length else None), spec.name


def _valid_value(spec: Field) -> Any:
    if spec.enum is not None:
        return spec.enum[0]
    examples = {"integer": spec.minimum or 1, "date": dt.date(2023, 1, 30), "boolean": True}
    if spec.type in examples:
        return examples[spec.type]
    patterned = {r"[A-Z]{3}": "KOR", r"Q[1-9][0-9]*": "Q42", r"[0-9a-f]{64}": "0" * 64, r"[0-9]{2,4}": "042",
                 r"seeds/[0-9]{3}_[0-9a-f]{16}\.txt": "seeds/000_0123456789abcdef.txt"}  # fmt: skip
    return patterned.get(spec.pattern or "", "en" if spec.name == "language" else "a-slug")


@pytest.mark.parametrize("name", list(TABLES))
def test_models_enforce_the_schemas_constraints(name: str) -> None:
    table, model = TABLES[name], models.MODELS[name]
    row = {f.name: _valid_value(f) for f in table.fields if f.required}
    model.model_validate(row)  # the required fields alone make a valid row
    for spec in table.fields:
        if spec.required:
            with pytest.raises(pydantic.ValidationError):
                model.model_validate({k: v for k, v in row.items() if k != spec.name})
        if spec.enum is not None:
            with pytest.raises(pydantic.ValidationError):
                model.model_validate({**row, spec.name: "not-in-the-vocabulary"})
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({**row, "unknown_column": "x"})
