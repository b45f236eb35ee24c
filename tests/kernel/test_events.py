import json
import uuid
from datetime import UTC

import pytest

import shared.interfaces.events as published
from shared.integration.cross_domain_patterns import (
    DomainEvent,
    EventBus,
    correlation_scope,
    current_event,
)


class OrderPlaced(DomainEvent):
    def __init__(self, order_id: str) -> None:
        super().__init__("shop.order.placed")
        self.order_id = order_id


def test_envelope_is_filled_in() -> None:
    event = OrderPlaced("o-1")

    assert event.event_type == "shop.order.placed"
    assert uuid.UUID(event.event_id).version == 4
    assert event.occurred_at.tzinfo is UTC
    assert event.correlation_id == event.event_id  # a new flow starts with itself
    assert event.causation_id is None
    assert event.payload == {"order_id": "o-1"}


def test_to_dict_is_json_ready() -> None:
    event = OrderPlaced("o-1")

    data = event.to_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["payload"] == {"order_id": "o-1"}
    assert data["occurred_at"].endswith("+00:00")


def test_empty_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="event_type"):
        DomainEvent("")


async def test_events_raised_while_handling_inherit_correlation_and_causation() -> None:
    bus = EventBus()
    seen: list[DomainEvent] = []

    async def on_placed(event: OrderPlaced) -> None:
        assert current_event() is event
        follow_up = DomainEvent("shop.invoice.created")
        seen.append(follow_up)
        await bus.publish(follow_up)

    bus.subscribe("shop.order.placed", on_placed)
    bus.subscribe("shop.invoice.created", seen.append)
    first = OrderPlaced("o-1")

    await bus.publish(first)

    created, delivered = seen
    assert created is delivered
    assert created.correlation_id == first.correlation_id
    assert created.causation_id == first.event_id
    assert current_event() is None


def test_correlation_scope_sets_the_id_of_a_new_flow() -> None:
    with correlation_scope("request-42") as correlation:
        event = OrderPlaced("o-1")
    after = OrderPlaced("o-2")

    assert correlation == "request-42"
    assert event.correlation_id == "request-42"
    assert after.correlation_id == after.event_id


def test_explicit_ids_win() -> None:
    event = DomainEvent("a.b", correlation_id="c", causation_id="d")

    assert (event.correlation_id, event.causation_id) == ("c", "d")


@pytest.mark.parametrize(
    "event_class",
    [
        cls
        for cls in vars(published).values()
        if isinstance(cls, type) and issubclass(cls, DomainEvent) and cls is not DomainEvent
    ],
)
def test_every_published_event_carries_its_topic_as_its_type(event_class: type) -> None:
    topic = event_class.topic
    assert topic.count(".") == 2, "topics read <domain>.<subject>.<what happened>"
    assert topic.split(".")[0] in {
        "data_quality",
        "anomaly_detection",
        "data_science",
        "ml",
        "mlops",
        "security",
        "cloud",
    }


def test_a_dataset_release_says_where_the_data_is_and_what_was_held_back() -> None:
    event = published.DatasetReleased("readings", "releases/readings.json", 7, 1)

    assert event.event_type == "data_science.dataset.released"
    assert event.payload == {
        "dataset_name": "readings",
        "key": "releases/readings.json",
        "rows": 7,
        "quarantined": 1,
    }
    assert json.loads(json.dumps(event.to_dict()))["payload"]["quarantined"] == 1
