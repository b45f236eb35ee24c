"""The data quality domain: schemas, checks, the service and the JSON schema adapter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.data_quality.adapters.schema_files import load_schemas, schema_from_dict
from data.data_quality.application.validation import DatasetValidationService
from data.data_quality.domain.schema import ColumnRule, ColumnType, Schema
from data.data_quality.domain.values import is_missing, kind_of
from shared.interfaces import DataSet, ValidationIssue


def where(issues: tuple[ValidationIssue, ...]) -> list[tuple[str, str | None, int | None]]:
    return [(i.kind, i.column, i.row) for i in issues]


@pytest.mark.parametrize(
    ("value", "missing"),
    [(None, True), ("", True), (float("nan"), True), (" ", False), (0, False), (False, False)],
)
def test_missing_means_none_empty_string_or_nan(value: object, missing: bool) -> None:
    assert is_missing(value) is missing


def test_kinds_count_int_and_float_as_numeric_but_not_bool() -> None:
    assert [kind_of(v) for v in (1, 2.5, True, "a", [1])] == [
        "numeric",
        "numeric",
        "boolean",
        "text",
        "list",
    ]


async def test_without_a_schema_missing_values_and_mixed_types_are_found() -> None:
    dataset = DataSet.from_records(
        [
            {"id": 1, "name": "ada", "score": 9.5},
            {"id": 2, "name": "", "score": 7},
            {"id": 3, "name": "bob", "score": float("nan")},
            {"id": 4, "score": "high"},
        ],
        name="scores",
    )

    report = await DatasetValidationService().validate(dataset)

    assert where(report.issues) == [
        ("missing", "name", 1),
        ("missing", "score", 2),
        ("missing", "name", 3),
        ("type", "score", 3),
    ]
    assert report.issues[3].message == "row 3: 'score' holds text 'high', but the column is numeric"
    assert report.issues[0].message == "row 1: 'name' is missing"
    assert report.checked_rows == 4
    assert report.summary() == "scores: 4 issue(s) in 4 rows"


async def test_without_a_schema_a_tie_between_kinds_goes_to_the_first_seen() -> None:
    dataset = DataSet.from_records([{"v": "a"}, {"v": 1}, {"v": True}, {"v": 2.0}, {"v": "b"}])

    report = await DatasetValidationService().validate(dataset)

    # text 2, numeric 2, boolean 1: text was seen first, so it is the column's kind.
    assert where(report.issues) == [("type", "v", 1), ("type", "v", 2), ("type", "v", 3)]


async def test_a_clean_dataset_is_valid() -> None:
    dataset = DataSet.from_records([{"id": 1, "amount": 2.5}, {"id": 2, "amount": 3}], name="ok")

    report = await DatasetValidationService().validate(dataset)

    assert report.is_valid
    assert report.summary() == "ok: 2 rows valid"


SCHEMA = Schema(
    {
        "id": ColumnRule(ColumnType.INTEGER),
        "age": ColumnRule(ColumnType.INTEGER, minimum=0, maximum=120),
        "country": ColumnRule(allowed=("DE", "FR")),
        "email": ColumnRule(ColumnType.STRING),
        "note": ColumnRule(ColumnType.STRING, required=False),
    }
)


async def test_a_registered_schema_finds_every_kind_of_issue_in_order() -> None:
    dataset = DataSet.from_records(
        [
            {"id": 1, "age": 34, "country": "DE", "extra": 1},
            {"id": "2", "age": -1, "country": "FR"},
            {"id": 3, "age": 130, "country": "XX"},
            {"id": 4, "age": None, "country": "DE", "note": None},
            {"id": 5, "age": 40.5, "country": "FR", "note": "vip"},
        ],
        name="people",
    )
    service = DatasetValidationService({"people": SCHEMA})

    report = await service.validate(dataset)

    assert where(report.issues) == [
        ("schema", "email", None),
        ("schema", "extra", None),
        ("type", "id", 1),
        ("range", "age", 1),
        ("range", "age", 2),
        ("range", "country", 2),
        ("missing", "age", 3),
        ("type", "age", 4),
    ]
    messages = [i.message for i in report.issues]
    assert messages[0] == "column 'email' is required by the schema but absent"
    assert messages[1] == "column 'extra' is not in the schema for 'people'"
    assert messages[2] == "row 1: 'id' should be an integer but is text '2'"
    assert messages[3] == "row 1: 'age' is -1, below the minimum 0"
    assert messages[4] == "row 2: 'age' is 130, above the maximum 120"
    assert messages[5] == "row 2: 'country' is 'XX', not one of 'DE', 'FR'"
    assert messages[7] == "row 4: 'age' should be an integer but is numeric 40.5"


async def test_a_schema_applies_only_to_the_dataset_of_its_name() -> None:
    service = DatasetValidationService()
    service.register_schema("people", SCHEMA)
    other = DataSet.from_records([{"anything": 1}], name="other")

    assert (await service.validate(other)).is_valid
    assert service.schema_for("people") is SCHEMA
    assert service.schema_for("other") is None


async def test_a_range_without_a_type_still_needs_a_number() -> None:
    schema = Schema({"amount": ColumnRule(minimum=0)})
    dataset = DataSet.from_records([{"amount": "ten"}, {"amount": True}, {"amount": 3}], name="p")

    report = await DatasetValidationService({"p": schema}).validate(dataset)

    assert where(report.issues) == [("type", "amount", 0), ("type", "amount", 1)]


def test_bad_rules_are_refused_when_written() -> None:
    with pytest.raises(ValueError, match="minimum 5 is above maximum 1"):
        ColumnRule(minimum=5, maximum=1)
    with pytest.raises(ValueError, match="at least one value"):
        ColumnRule(allowed=())
    with pytest.raises(TypeError, match="not one value"):
        ColumnRule(allowed="DE")
    with pytest.raises(TypeError, match="must be a ColumnRule"):
        Schema({"a": "integer"})  # type: ignore[dict-item]


def test_a_schema_cannot_be_changed_after_it_is_built() -> None:
    with pytest.raises(TypeError):
        SCHEMA.columns["id"] = ColumnRule()  # type: ignore[index]
    assert ColumnRule(allowed={"x"}).allowed == ("x",)


def test_schemas_load_from_json(tmp_path: Path) -> None:
    path = tmp_path / "schemas.json"
    path.write_text(
        json.dumps(
            {
                "customers": {
                    "age": {"type": "integer", "min": 0, "max": 120},
                    "country": {"allowed": ["DE", "FR"], "required": False},
                }
            }
        )
    )

    schemas = load_schemas(path)

    assert schemas == {
        "customers": Schema(
            {
                "age": ColumnRule(ColumnType.INTEGER, minimum=0, maximum=120),
                "country": ColumnRule(required=False, allowed=("DE", "FR")),
            }
        )
    }


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"age": {"maximum": 3}}, "column 'age': unknown key(s) maximum"),
        ({"age": {"type": "int"}}, "column 'age': type 'int' is not one of integer, number"),
        ({"age": {"min": 3, "max": 1}}, "column 'age': minimum 3 is above maximum 1"),
        ({"age": 3}, "column 'age': expected an object"),
    ],
)
def test_a_bad_json_schema_says_which_column_and_why(columns: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        schema_from_dict(columns)
