"""The anomaly detection domain: scores, the column scan, the service, its publisher."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.anomaly_detection.adapters.events import EventBusAnomalyPublisher
from data.anomaly_detection.application.detection import AnomalyDetectionService
from data.anomaly_detection.domain.scores import iqr_scores, zscore_scores
from shared.integration.event_bus import EventBus
from shared.interfaces import Anomaly, AnomalyResult, DataSet
from shared.interfaces.events import AnomaliesDetected

SMALL = [10, 11, 9, 10, 500]


def test_the_ordinary_zscore_cannot_see_an_outlier_in_five_rows() -> None:
    # Why the detector leaves each value out: with the whole column's std, the 500
    # scores at most sqrt(n - 1) = 2, below any sensible threshold.
    classic = (500 - statistics.fmean(SMALL)) / statistics.pstdev(SMALL)
    assert classic < 2.0


def test_the_leave_one_out_zscore_finds_it() -> None:
    scores = zscore_scores(SMALL)

    assert [i for i, s in enumerate(scores) if s > 3.0] == [4]
    # 500 against 10, 11, 9, 10: mean 10, sample std sqrt(2/3).
    assert scores[4] == pytest.approx(490 / math.sqrt(2 / 3))
    assert max(scores[:4]) < 1.0


def test_a_value_against_others_that_are_all_equal_scores_infinity() -> None:
    scores = zscore_scores([10, 10, 10, 500])

    assert scores[3] == math.inf
    # Each 10 is measured against 10, 10 and 500: mean 173.3, std 282.9.
    assert scores[:3] == [pytest.approx(1 / math.sqrt(3))] * 3


@pytest.mark.parametrize("values", [[], [5.0], [1.0, 100.0], [7.0] * 6])
def test_too_few_values_or_no_spread_score_zero(values: list[float]) -> None:
    assert zscore_scores(values) == [0.0] * len(values)
    assert iqr_scores(values) == [0.0] * len(values)


def test_iqr_scores_are_distances_outside_the_box_in_iqrs() -> None:
    # Inclusive quartiles of 1..4, 100: Q1 = 2, Q3 = 4, IQR = 2.
    assert iqr_scores([1, 2, 3, 4, 100]) == [0.5, 0.0, 0.0, 0.0, 48.0]
    assert iqr_scores([10, 10, 10, 10, 11]) == [0.0, 0.0, 0.0, 0.0, math.inf]


def test_one_huge_outlier_does_not_drown_the_others_spread() -> None:
    # With float sums, 1e12 squared would swallow the others' spread of 2.
    scores = zscore_scores([10, 11, 9, 10, 1e12])
    assert scores[4] == pytest.approx((1e12 - 10) / math.sqrt(2 / 3))


@given(
    st.lists(st.integers(-(10**6), 10**6), min_size=3, max_size=30),
    st.integers(1, 1000),
    st.integers(-1000, 1000),
)
def test_zscores_do_not_change_with_units_or_offsets(
    values: list[int], scale: int, shift: int
) -> None:
    # Integers keep every transformed value exact, so the scores must be equal exactly.
    moved = [v * scale + shift for v in values]

    assert zscore_scores(moved) == zscore_scores(values)
    assert iqr_scores(moved) == pytest.approx(iqr_scores(values))


@given(st.lists(st.floats(-1e9, 1e9), max_size=40))
def test_scores_are_never_negative_and_constant_columns_have_none(values: list[float]) -> None:
    for scorer in (zscore_scores, iqr_scores):
        assert all(score >= 0 for score in scorer(values))
        assert all(score == 0 for score in scorer([values[0]] * len(values))) if values else True


def records_with_outliers() -> DataSet:
    return DataSet.from_records(
        [
            {"a": 10, "b": 1.0, "flag": True, "name": "r0"},
            {"a": 11, "b": 1.0, "flag": False, "name": "r1"},
            {"a": 9, "b": float("nan"), "flag": True, "name": "r2"},
            {"a": 10, "b": 1.0, "flag": False, "name": "r3"},
            {"a": None, "b": 1.0, "flag": True, "name": "r4"},
            {"a": 500, "b": 1.0, "flag": False, "name": "r5"},
            {"a": 10, "b": -50.0, "flag": True, "name": "r6"},
        ],
        name="mixed",
    )


async def test_the_detector_scans_numeric_columns_and_skips_missing_values() -> None:
    result = await AnomalyDetectionService().detect(records_with_outliers())

    assert result.dataset_name == "mixed"
    assert (result.method, result.threshold) == ("zscore", 3.0)
    assert [(a.row, a.column, a.value) for a in result.anomalies] == [
        (5, "a", 500.0),
        (6, "b", -50.0),
    ]
    assert result.anomalies[1].score == math.inf
    assert result.anomalous_rows == (5, 6)


async def test_ten_values_near_ten_and_one_500_with_the_defaults() -> None:
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 500]
    dataset = DataSet.from_records([{"value": v} for v in values], name="readings")

    result = await AnomalyDetectionService().detect(dataset)

    assert [(a.row, a.column, a.value) for a in result.anomalies] == [(10, "value", 500.0)]


async def test_the_iqr_method_and_a_zero_variance_column() -> None:
    dataset = DataSet.from_records([{"x": v, "same": 4} for v in [1, 2, 3, 4, 100]], name="box")

    result = await AnomalyDetectionService(method="iqr", threshold=1.5).detect(dataset)

    assert result.anomalies == (Anomaly(4, "x", 100.0, 48.0),)


async def test_columns_with_text_or_only_gaps_are_not_scanned() -> None:
    dataset = DataSet.from_records(
        [{"mixed": 1, "gaps": None}, {"mixed": "two", "gaps": ""}, {"mixed": 900, "gaps": None}]
    )

    assert not (await AnomalyDetectionService().detect(dataset)).has_anomalies


def test_a_bad_method_or_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method 'mad'; use one of zscore, iqr"):
        AnomalyDetectionService(method="mad")
    with pytest.raises(ValueError, match="greater than 0"):
        AnomalyDetectionService(threshold=0)


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[AnomalyResult] = []

    async def publish(self, result: AnomalyResult) -> None:
        self.published.append(result)


async def test_only_results_with_anomalies_are_published() -> None:
    publisher = RecordingPublisher()
    service = AnomalyDetectionService(publisher=publisher)

    clean = await service.detect(DataSet.from_records([{"x": 1}, {"x": 2}, {"x": 3}]))
    found = await service.detect(records_with_outliers())

    assert not clean.has_anomalies
    assert publisher.published == [found]


async def test_the_event_bus_publisher_sends_anomalies_detected() -> None:
    bus = EventBus()
    received: list[AnomaliesDetected] = []
    bus.subscribe(AnomaliesDetected.topic, received.append)
    service = AnomalyDetectionService(publisher=EventBusAnomalyPublisher(bus))

    await service.detect(records_with_outliers())

    assert [(e.dataset_name, e.rows) for e in received] == [("mixed", [5, 6])]
