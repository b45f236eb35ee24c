import asyncio
import logging

import pytest

from shared.integration.cross_domain_patterns import (
    DomainEvent,
    EventBus,
    Outcome,
    topic_matches,
)


@pytest.mark.parametrize(
    ("pattern", "topic", "expected"),
    [
        ("ml.trained", "ml.trained", True),
        ("ml.trained", "ml.trained.v2", False),
        ("ml.*", "ml.trained", True),
        ("ml.*", "ml.model.trained", False),
        ("ml.*", "ml", False),
        ("*.trained", "ml.trained", True),
        ("ml.**", "ml", True),
        ("ml.**", "ml.model.trained", True),
        ("ml.**.trained", "ml.trained", True),
        ("ml.**.trained", "ml.a.b.trained", True),
        ("ml.**.trained", "ml.a.b.deployed", False),
        ("**", "anything.at.all", True),
        ("mlops.*", "ml.trained", False),
    ],
)
def test_topic_matching(pattern: str, topic: str, expected: bool) -> None:
    assert topic_matches(pattern, topic) is expected


@pytest.mark.parametrize("pattern", ["", "ml..trained", ".ml", "ml."])
def test_malformed_topics_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="invalid topic"):
        EventBus().subscribe(pattern, print)


async def test_handlers_run_in_subscription_order_sync_and_async() -> None:
    bus = EventBus()
    calls: list[str] = []

    async def second(event: DomainEvent) -> str:
        calls.append("second")
        return "two"

    bus.subscribe("a.*", lambda e: calls.append("first"))
    bus.subscribe("a.b", second)
    bus.subscribe("a.**", lambda e: calls.append("third"))
    bus.subscribe("other", lambda e: calls.append("never"))

    outcomes = await bus.publish(DomainEvent("a.b"))

    assert calls == ["first", "second", "third"]
    assert [o.outcome for o in outcomes] == [Outcome.SUCCEEDED] * 3
    assert outcomes[1].result == "two"
    assert outcomes.all_succeeded


async def test_publishing_to_nobody_is_fine() -> None:
    outcomes = await EventBus().publish(DomainEvent("nobody.listens"))

    assert outcomes == ()
    assert outcomes.all_succeeded


async def test_a_failing_handler_never_stops_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    ran: list[str] = []

    def broken(event: DomainEvent) -> None:
        raise RuntimeError("disk full")

    bus.subscribe("x", broken)
    bus.subscribe("x", lambda e: ran.append("after"))
    event = DomainEvent("x")

    with caplog.at_level(logging.ERROR, "shared.integration.event_bus"):
        outcomes = await bus.publish(event)

    assert ran == ["after"]
    assert [o.outcome for o in outcomes] == [Outcome.FAILED, Outcome.SUCCEEDED]
    assert isinstance(outcomes[0].error, RuntimeError)
    assert outcomes.failures == (outcomes[0],)
    (letter,) = bus.dead_letters
    assert letter.event is event
    assert letter.handler.endswith("broken")
    assert "disk full" in caplog.text
    assert event.correlation_id in caplog.text


async def test_a_slow_handler_times_out_and_the_rest_still_run() -> None:
    bus = EventBus(handler_timeout=0.05)
    ran: list[str] = []

    async def slow(event: DomainEvent) -> None:
        await asyncio.sleep(5)

    bus.subscribe("x", slow)
    bus.subscribe("x", lambda e: ran.append("after"))

    outcomes = await bus.publish(DomainEvent("x"))

    assert [o.outcome for o in outcomes] == [Outcome.TIMED_OUT, Outcome.SUCCEEDED]
    assert ran == ["after"]
    assert len(bus.dead_letters) == 1


async def test_per_subscription_timeout_overrides_the_bus_default() -> None:
    bus = EventBus(handler_timeout=5)

    async def slow(event: DomainEvent) -> None:
        await asyncio.sleep(1)

    bus.subscribe("x", slow, timeout=0.02)

    (outcome,) = await bus.publish(DomainEvent("x"))

    assert outcome.outcome is Outcome.TIMED_OUT


async def test_cancelled_subscriptions_receive_nothing() -> None:
    bus = EventBus()
    received: list[DomainEvent] = []
    subscription = bus.subscribe("x", received.append)

    subscription.cancel()
    subscription.cancel()  # harmless twice
    await bus.publish(DomainEvent("x"))

    assert received == []
    assert not subscription.active
    assert bus.subscriptions() == ()


async def test_a_handler_may_cancel_a_later_one_mid_publish() -> None:
    bus = EventBus()
    received: list[str] = []
    later = None

    def first(event: DomainEvent) -> None:
        assert later is not None
        later.cancel()

    bus.subscribe("x", first)
    later = bus.subscribe("x", lambda e: received.append("later"))

    outcomes = await bus.publish(DomainEvent("x"))

    assert received == []
    assert len(outcomes) == 1


async def test_dead_letters_can_be_redelivered() -> None:
    bus = EventBus()
    attempts: list[int] = []

    def flaky(event: DomainEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("try again")

    bus.subscribe("x", flaky)
    await bus.publish(DomainEvent("x"))
    (letter,) = bus.dead_letters

    outcomes = await bus.redeliver(letter)

    assert outcomes.all_succeeded
    assert bus.dead_letters == ()
    assert len(attempts) == 2


async def test_publish_refuses_what_is_not_an_event() -> None:
    with pytest.raises(TypeError, match="DomainEvent"):
        await EventBus().publish("ml.trained")  # type: ignore[arg-type]


def test_subscribe_refuses_a_non_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        EventBus().subscribe("x", "not a function")  # type: ignore[arg-type]
