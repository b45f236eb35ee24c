"""The data science domain: cleaning, feature scaling and the CSV adapter."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.data_science.adapters.csv_files import (
    dataset_from_csv,
    dataset_to_csv,
    load_csv,
    parse_cell,
    save_csv,
)
from data.data_science.application.cleaning import DataCleaningService
from data.data_science.domain.scaling import min_max
from shared.interfaces import DataSet


def messy() -> DataSet:
    return DataSet.from_records(
        [
            {"a": 1, "b": "x"},
            {"a": None, "b": "y"},
            {"a": 1, "b": "x"},
            {"a": 1.0, "b": "x"},
            {"a": 2, "b": ""},
            {"a": 3},
            {"a": float("nan"), "b": "z"},
            {"a": [1], "b": "l"},
            {"a": [1], "b": "l"},
        ],
        name="messy",
    )


async def test_cleaning_drops_incomplete_and_duplicate_rows() -> None:
    cleaned, report = await DataCleaningService().clean(messy())

    assert cleaned.name == "messy"
    assert cleaned.records == ({"a": 1, "b": "x"}, {"a": 1.0, "b": "x"}, {"a": [1], "b": "l"})
    assert (report.rows_before, report.rows_after) == (9, 3)
    assert report.dropped_rows == (1, 2, 4, 5, 6, 8)
    assert report.notes == (
        "dropped 4 incomplete row(s): 1, 4, 5, 6",
        "dropped 2 duplicate row(s): 2, 8",
    )
    assert report.filled_values == 0


async def test_cleaning_a_clean_dataset_changes_nothing() -> None:
    dataset = DataSet.from_records([{"a": 1}, {"a": 2}], name="tidy")

    cleaned, report = await DataCleaningService().clean(dataset)

    assert cleaned == dataset
    assert report.dropped_rows == ()
    assert report.notes == ("nothing to drop",)


async def test_features_are_min_max_scaled_and_the_target_is_left_alone() -> None:
    dataset = DataSet.from_records(
        [
            {"x": 0, "y": 10.0, "c": 5, "t": 1, "s": "a"},
            {"x": 5, "y": 20.0, "c": 5, "t": 0, "s": "b"},
            {"x": 10, "y": None, "c": 5, "t": 1, "s": "c"},
        ],
        name="raw",
    )

    prepared = await DataCleaningService().prepare_features(dataset, "t")

    assert prepared.name == "raw"
    assert prepared.records == (
        {"x": 0.0, "y": 0.0, "c": 0.0, "t": 1, "s": "a"},
        {"x": 0.5, "y": 1.0, "c": 0.0, "t": 0, "s": "b"},
        {"x": 1.0, "y": None, "c": 0.0, "t": 1, "s": "c"},
    )


async def test_preparing_for_an_unknown_target_says_which_columns_exist() -> None:
    dataset = DataSet.from_records([{"x": 1, "y": 0}], name="d")

    with pytest.raises(ValueError, match="target 'label' is not a column of 'd'; columns: x, y"):
        await DataCleaningService().prepare_features(dataset, "label")


@given(st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=50))
def test_min_max_stays_in_the_unit_interval(values: list[float]) -> None:
    scaled = min_max(values)

    assert all(v is not None and 0.0 <= v <= 1.0 for v in scaled)
    if min(values) != max(values):
        assert scaled[values.index(min(values))] == 0.0
        assert scaled[values.index(max(values))] == 1.0


@pytest.mark.parametrize(
    ("text", "value"),
    [("", None), ("42", 42), ("-4.5", -4.5), ("TRUE", True), ("false", False), ("DE", "DE")],
)
def test_csv_cells_become_the_values_they_spell(text: str, value: object) -> None:
    assert parse_cell(text) == value
    assert type(parse_cell(text)) is type(value)


def test_csv_round_trip(tmp_path: Path) -> None:
    dataset = DataSet.from_records(
        [
            {"id": 1, "amount": 2.5, "ok": True, "note": None},
            {"id": 2, "amount": 3.0, "ok": False, "note": "late"},
        ],
        name="payments",
    )

    save_csv(dataset, tmp_path / "payments.csv")

    assert (tmp_path / "payments.csv").read_text() == (
        "id,amount,ok,note\n1,2.5,True,\n2,3.0,False,late\n"
    )
    assert load_csv(tmp_path / "payments.csv") == dataset
    assert dataset_from_csv(dataset_to_csv(dataset), "payments") == dataset


def test_a_csv_line_with_too_many_cells_is_an_error() -> None:
    with pytest.raises(ValueError, match="bad: line 3 has more cells than the header"):
        dataset_from_csv("a,b\n1,2\n3,4,5\n", "bad")
