"""The service locator: instance vs factory, caching, adapters and overrides."""

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import pytest

from shared.exceptions import IntegrationError, ServiceNotFound
from shared.integration.locator import DomainServiceLocator


class Widget:
    """A service class: registering the class itself makes it a factory."""

    instances = 0

    def __init__(self) -> None:
        type(self).instances += 1


class NeedsLocator:
    def __init__(self, locator: DomainServiceLocator) -> None:
        self.locator = locator


class CallableService:
    """An object with ``__call__``: a service, not a factory."""

    def __call__(self) -> str:
        return "called"


class Builder:
    def __init__(self) -> None:
        self.builds = 0

    def build(self) -> dict[str, int]:
        self.builds += 1
        return {"built": self.builds}


class FakeAdapter:
    """Adapters are built as ``AdapterClass(locator)``."""

    def __init__(self, locator: DomainServiceLocator) -> None:
        self.locator = locator


def make_thing() -> dict[str, str]:
    return {"made": "by function"}


def make_pair(left: str, right: str) -> tuple[str, str]:
    return (left, right)


@pytest.fixture
def locator() -> DomainServiceLocator:
    return DomainServiceLocator()


# --- instance or factory -------------------------------------------------------------


async def test_a_class_is_a_factory(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "widget", Widget)

    service = await locator.get_service("d", "widget")

    assert type(service) is Widget


async def test_a_function_is_a_factory(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "thing", make_thing)

    assert await locator.get_service("d", "thing") == {"made": "by function"}


async def test_a_lambda_is_a_factory(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "answer", lambda: 42)

    assert await locator.get_service("d", "answer") == 42


async def test_a_partial_is_a_factory(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "pair", functools.partial(make_pair, "a", "b"))

    assert await locator.get_service("d", "pair") == ("a", "b")


async def test_a_bound_method_is_a_factory(locator: DomainServiceLocator) -> None:
    builder = Builder()
    locator.register_service("d", "built", builder.build)

    assert await locator.get_service("d", "built") == {"built": 1}
    assert await locator.get_service("d", "built") == {"built": 1}
    assert builder.builds == 1


async def test_a_callable_object_is_the_service_itself(locator: DomainServiceLocator) -> None:
    service = CallableService()
    locator.register_service("d", "callable", service)

    assert await locator.get_service("d", "callable") is service


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], "text", 7, None])
async def test_plain_values_are_the_service_itself(
    locator: DomainServiceLocator, value: object
) -> None:
    locator.register_service("d", "value", value)

    assert await locator.get_service("d", "value") is value


async def test_factory_false_registers_a_function_as_the_service(
    locator: DomainServiceLocator,
) -> None:
    locator.register_service("d", "fn", make_thing, factory=False)

    assert await locator.get_service("d", "fn") is make_thing


async def test_factory_true_calls_a_callable_object(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "callable", CallableService(), factory=True)

    assert await locator.get_service("d", "callable") == "called"


# --- factories: called once, with or without the locator, sync or async --------------


async def test_a_factory_is_called_once_and_its_instance_cached(
    locator: DomainServiceLocator,
) -> None:
    calls: list[str] = []

    def factory() -> object:
        calls.append("built")
        return object()

    locator.register_service("d", "s", factory)
    assert calls == []  # nothing is built at registration

    first = await locator.get_service("d", "s")
    second = await locator.get_service("d", "s")

    assert first is second
    assert calls == ["built"]


async def test_a_factory_taking_one_argument_gets_the_locator(
    locator: DomainServiceLocator,
) -> None:
    locator.register_service("d", "needs", NeedsLocator)

    service = await locator.get_service("d", "needs")

    assert service.locator is locator


async def test_a_factory_can_use_the_locator_to_reach_other_services(
    locator: DomainServiceLocator,
) -> None:
    locator.register_service("d", "config", {"url": "mem://"})

    async def build(loc: DomainServiceLocator) -> str:
        config = await loc.get_service("d", "config")
        return f"client for {config['url']}"

    locator.register_service("d", "client", build)

    assert await locator.get_service("d", "client") == "client for mem://"


async def test_a_factory_parameter_with_a_default_gets_nothing(
    locator: DomainServiceLocator,
) -> None:
    def factory(greeting: str = "default") -> str:
        return greeting

    locator.register_service("d", "s", factory)

    assert await locator.get_service("d", "s") == "default"


async def test_an_async_factory_is_awaited(locator: DomainServiceLocator) -> None:
    async def factory() -> str:
        await asyncio.sleep(0)
        return "async-built"

    locator.register_service("d", "s", factory)

    assert await locator.get_service("d", "s") == "async-built"


async def test_concurrent_first_calls_build_one_instance(locator: DomainServiceLocator) -> None:
    builds: list[int] = []

    async def slow_factory() -> dict[str, int]:
        builds.append(1)
        await asyncio.sleep(0.01)
        return {"number": len(builds)}

    locator.register_service("d", "slow", slow_factory)

    results = await asyncio.gather(*(locator.get_service("d", "slow") for _ in range(5)))

    assert builds == [1]
    assert all(r is results[0] for r in results)
    assert results[0] == {"number": 1}


async def test_a_failing_factory_caches_nothing(locator: DomainServiceLocator) -> None:
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first build fails")
        return "second build"

    locator.register_service("d", "flaky", flaky)

    with pytest.raises(RuntimeError, match="first build fails"):
        await locator.get_service("d", "flaky")
    assert await locator.get_service("d", "flaky") == "second build"
    assert len(attempts) == 2


# --- registry ------------------------------------------------------------------------


async def test_service_not_found_is_a_lookup_error_listing_what_is_registered(
    locator: DomainServiceLocator,
) -> None:
    locator.register_service("ml", "trainer", object())
    locator.register_service("data", "cleaner", Widget)

    with pytest.raises(ServiceNotFound) as caught:
        await locator.get_service("ml", "trainr")

    error = caught.value
    assert isinstance(error, LookupError)
    assert isinstance(error, IntegrationError)
    assert str(error) == (
        "no service 'trainr' is registered for domain 'ml'; registered: data/cleaner, ml/trainer"
    )
    assert (error.domain, error.name) == ("ml", "trainr")
    assert error.registered == (("data", "cleaner"), ("ml", "trainer"))


async def test_service_not_found_on_an_empty_locator(locator: DomainServiceLocator) -> None:
    with pytest.raises(LookupError) as caught:
        await locator.get_service("d", "s")

    assert (
        str(caught.value) == "no service 's' is registered for domain 'd'; registered: nothing yet"
    )


def test_is_registered_and_services(locator: DomainServiceLocator) -> None:
    locator.register_service("b", "two", Widget)
    locator.register_service("a", "one", object())

    assert locator.is_registered("a", "one")
    assert locator.is_registered("b", "two")
    assert not locator.is_registered("a", "two")
    assert locator.services() == [("a", "one"), ("b", "two")]


@pytest.mark.parametrize(("domain", "name"), [("", "s"), ("d", ""), ("", "")])
def test_an_empty_domain_or_name_is_refused(
    locator: DomainServiceLocator, domain: str, name: str
) -> None:
    with pytest.raises(ValueError, match=r"needs a non-empty domain and name"):
        locator.register_service(domain, name, object())


async def test_re_registration_replaces_a_cached_instance(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "s", lambda: "first")
    assert await locator.get_service("d", "s") == "first"

    locator.register_service("d", "s", "second")
    assert await locator.get_service("d", "s") == "second"

    locator.register_service("d", "s", lambda: "third")
    assert await locator.get_service("d", "s") == "third"
    assert locator.services() == [("d", "s")]


# --- adapters ------------------------------------------------------------------------


def test_get_adapter_builds_once_with_the_locator(locator: DomainServiceLocator) -> None:
    first = locator.get_adapter(FakeAdapter)
    second = locator.get_adapter(FakeAdapter)

    assert first is second
    assert type(first) is FakeAdapter
    assert first.locator is locator


def test_register_adapter_is_served_instead_of_building_one(
    locator: DomainServiceLocator,
) -> None:
    registered = FakeAdapter(DomainServiceLocator())
    locator.register_adapter(FakeAdapter, registered)

    assert locator.get_adapter(FakeAdapter) is registered


# --- overrides -----------------------------------------------------------------------


async def test_override_replaces_an_instance_and_restores_it(
    locator: DomainServiceLocator,
) -> None:
    original = {"who": "original"}
    fake = {"who": "fake"}
    locator.register_service("d", "s", original)

    with locator.override("d", "s", fake) as served:
        assert served is fake
        assert await locator.get_service("d", "s") is fake

    assert await locator.get_service("d", "s") is original


async def test_override_uses_a_callable_replacement_as_is(locator: DomainServiceLocator) -> None:
    locator.register_service("d", "s", object())

    with locator.override("d", "s", make_thing):
        assert await locator.get_service("d", "s") is make_thing


async def test_override_restores_an_unbuilt_factory(locator: DomainServiceLocator) -> None:
    builds: list[int] = []

    def factory() -> str:
        builds.append(1)
        return "from factory"

    locator.register_service("d", "s", factory)

    with locator.override("d", "s", "fake"):
        assert await locator.get_service("d", "s") == "fake"

    assert builds == []
    assert await locator.get_service("d", "s") == "from factory"
    assert builds == [1]


async def test_override_restores_a_factory_and_its_cached_instance(
    locator: DomainServiceLocator,
) -> None:
    locator.register_service("d", "s", Widget)
    built = await locator.get_service("d", "s")
    count = Widget.instances

    with locator.override("d", "s", "fake"):
        assert await locator.get_service("d", "s") == "fake"

    assert await locator.get_service("d", "s") is built
    assert Widget.instances == count


async def test_override_of_nothing_leaves_nothing(locator: DomainServiceLocator) -> None:
    with locator.override("d", "s", "fake"):
        assert locator.is_registered("d", "s")

    assert not locator.is_registered("d", "s")
    assert locator.services() == []
    with pytest.raises(ServiceNotFound):
        await locator.get_service("d", "s")


@pytest.mark.parametrize(
    "register",
    [
        pytest.param(lambda loc: loc.register_service("d", "s", "instance"), id="instance"),
        pytest.param(lambda loc: loc.register_service("d", "s", lambda: "built"), id="factory"),
        pytest.param(lambda loc: None, id="nothing"),
    ],
)
async def test_override_restores_even_when_the_block_raises(
    locator: DomainServiceLocator, register: Callable[[DomainServiceLocator], Any]
) -> None:
    register(locator)
    before = locator.services()
    expected = await locator.get_service("d", "s") if before else None

    seen: list[object] = []

    async def use_then_fail() -> None:
        with locator.override("d", "s", "fake"):
            seen.append(await locator.get_service("d", "s"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await use_then_fail()

    assert seen == ["fake"]
    assert locator.services() == before
    if before:
        assert await locator.get_service("d", "s") == expected
    else:
        assert not locator.is_registered("d", "s")


def test_override_adapter_restores_the_cached_adapter(locator: DomainServiceLocator) -> None:
    original = locator.get_adapter(FakeAdapter)
    fake = FakeAdapter(DomainServiceLocator())

    with locator.override_adapter(FakeAdapter, fake) as served:
        assert served is fake
        assert locator.get_adapter(FakeAdapter) is fake

    assert locator.get_adapter(FakeAdapter) is original


def test_override_adapter_of_nothing_leaves_nothing(locator: DomainServiceLocator) -> None:
    fake = FakeAdapter(DomainServiceLocator())

    with locator.override_adapter(FakeAdapter, fake):
        assert locator.get_adapter(FakeAdapter) is fake

    rebuilt = locator.get_adapter(FakeAdapter)
    assert rebuilt is not fake
    assert rebuilt.locator is locator


@pytest.mark.parametrize("cached_before", [True, False])
def test_override_adapter_restores_even_when_the_block_raises(
    locator: DomainServiceLocator, cached_before: bool
) -> None:
    original = locator.get_adapter(FakeAdapter) if cached_before else None
    fake = FakeAdapter(DomainServiceLocator())

    with pytest.raises(RuntimeError, match="boom"), locator.override_adapter(FakeAdapter, fake):
        raise RuntimeError("boom")

    after = locator.get_adapter(FakeAdapter)
    assert after is not fake
    if cached_before:
        assert after is original
