"""SecurityContext, permission grants, ``require_permission`` and the audit trail."""

import asyncio
import dataclasses
import inspect
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.exceptions import IntegrationError, NotAuthenticated, PermissionDenied
from shared.infrastructure.security import (
    AccessDecision,
    SecurityContext,
    add_audit_sink,
    current_security_context,
    grants,
    require_permission,
    security_context,
)

AUDIT_LOGGER = "shared.security.audit"

ALICE = SecurityContext("alice", roles=["analyst"], permissions=["data:read"])
BOB = SecurityContext("bob", permissions=["models:*"])
ROOT = SecurityContext("root", roles=["admin"], permissions=["*"])


@require_permission("data:read")
def read_data(context: SecurityContext | None = None, *, table: str = "sales") -> str:
    """Read a table."""
    return f"rows of {table}"


@require_permission("data:read")
async def read_data_async(table: str, context: SecurityContext | None = None) -> str:
    """Read a table, asynchronously."""
    await asyncio.sleep(0)
    return f"async rows of {table}"


@require_permission("data:write")
def write_data(table: str, context: SecurityContext | None = None) -> str:
    return f"wrote {table}"


def target(function: Callable[..., object]) -> str:
    return f"{__name__}.{function.__qualname__}"


class Repository:
    def __init__(self) -> None:
        self.saved: list[str] = []

    @require_permission("data:read")
    def load(self, key: str, context: SecurityContext | None = None) -> str:
        return f"loaded {key}"

    @require_permission("data:write")
    async def save(self, key: str, context: SecurityContext | None = None) -> str:
        self.saved.append(key)
        return f"saved {key}"


@pytest.fixture
def decisions() -> Iterator[list[AccessDecision]]:
    seen: list[AccessDecision] = []
    remove = add_audit_sink(seen.append)
    yield seen
    remove()


# --- SecurityContext ---------------------------------------------------------------


def test_roles_and_permissions_become_frozensets() -> None:
    context = SecurityContext(
        "alice", roles=["analyst", "analyst", "viewer"], permissions=(p for p in ["a:b", "c:d"])
    )

    assert context.user_id == "alice"
    assert context.roles == frozenset({"analyst", "viewer"})
    assert type(context.roles) is frozenset
    assert context.permissions == frozenset({"a:b", "c:d"})
    assert type(context.permissions) is frozenset


def test_a_context_defaults_to_no_roles_and_no_permissions() -> None:
    context = SecurityContext("alice")

    assert context.roles == frozenset()
    assert context.permissions == frozenset()
    assert not context.has_permission("data:read")


def test_contexts_are_frozen_values() -> None:
    one = SecurityContext("alice", ["r"], ["data:read"])
    two = SecurityContext("alice", {"r"}, {"data:read"})

    assert one == two
    assert hash(one) == hash(two)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.user_id = "mallory"  # type: ignore[misc]


@pytest.mark.parametrize("user_id", ["", None, 42])
def test_an_empty_or_non_string_user_id_is_refused(user_id: object) -> None:
    with pytest.raises(ValueError, match=r"^a SecurityContext needs a non-empty user_id$"):
        SecurityContext(user_id)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"roles": "admin"}, {"permissions": "data:read"}, {"permissions": ""}]
)
def test_a_bare_string_for_roles_or_permissions_is_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(
        TypeError, match=r"^roles and permissions must be collections of strings, not one string$"
    ):
        SecurityContext("alice", **kwargs)  # type: ignore[arg-type]


# --- grants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "wanted", "expected"),
    [
        ("data:read", "data:read", True),
        ("data:read", "data:write", False),
        ("data:*", "data:read", True),
        ("data:*", "data:write", True),
        ("data:*", "database:read", False),
        ("data:*", "data", False),
        ("data:*", "models:read", False),
        ("*", "data:read", True),
        ("*", "anything:at:all", True),
        ("data:read", "data:*", False),
        ("data*", "data:read", False),
    ],
)
def test_grants(held: str, wanted: str, expected: bool) -> None:
    assert grants(held, wanted) is expected


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@given(resource=names, action=names, suffix=names)
def test_a_resource_wildcard_covers_its_actions_only(
    resource: str, action: str, suffix: str
) -> None:
    assert grants(f"{resource}:*", f"{resource}:{action}")
    assert not grants(f"{resource}:*", f"{resource}{suffix}:{action}")
    assert not grants(f"{resource}:*", resource)
    assert grants("*", f"{resource}{suffix}:{action}")


def test_has_permission_checks_every_held_permission() -> None:
    context = SecurityContext("carol", permissions=["data:read", "models:*"])

    assert context.has_permission("data:read")
    assert context.has_permission("models:deploy")
    assert not context.has_permission("data:write")
    assert ROOT.has_permission("anything:goes")


# --- require_permission: where the context comes from --------------------------------


def test_sync_function_with_the_context_as_a_positional_argument() -> None:
    assert read_data(ALICE) == "rows of sales"


def test_sync_function_with_the_context_as_a_keyword_argument() -> None:
    assert read_data(context=ALICE, table="users") == "rows of users"


def test_sync_function_with_the_context_from_the_block() -> None:
    with security_context(ALICE):
        assert read_data(table="users") == "rows of users"


async def test_async_function_with_the_context_as_an_argument() -> None:
    assert await read_data_async("sales", ALICE) == "async rows of sales"
    assert await read_data_async("users", context=ALICE) == "async rows of users"


async def test_async_function_with_the_context_from_the_block() -> None:
    with security_context(ALICE):
        assert await read_data_async("sales") == "async rows of sales"


async def test_a_task_created_in_the_block_sees_the_context() -> None:
    with security_context(ALICE):
        task = asyncio.create_task(read_data_async("sales"))
        assert await task == "async rows of sales"


async def test_a_task_created_in_the_block_keeps_the_context_after_the_block() -> None:
    with security_context(ALICE):
        task = asyncio.create_task(read_data_async("late"))

    assert current_security_context() is None
    assert await task == "async rows of late"


async def test_a_task_created_outside_any_block_has_no_context() -> None:
    task = asyncio.create_task(read_data_async("sales"))

    with pytest.raises(NotAuthenticated):
        await task


async def test_sync_and_async_methods() -> None:
    repo = Repository()
    writer = SecurityContext("writer", permissions=["data:*"])

    assert repo.load("k1", ALICE) == "loaded k1"
    assert await repo.save("k2", context=writer) == "saved k2"
    with security_context(writer):
        assert repo.load("k3") == "loaded k3"
        assert await repo.save("k4") == "saved k4"
    assert repo.saved == ["k2", "k4"]

    with pytest.raises(PermissionDenied) as caught:
        await repo.save("k5", ALICE)
    assert (
        str(caught.value)
        == f"user 'alice' lacks permission 'data:write' for {target(Repository.save)}"
    )
    assert repo.saved == ["k2", "k4"]


def test_an_argument_context_wins_over_the_block() -> None:
    with security_context(ROOT), pytest.raises(PermissionDenied) as caught:
        write_data("sales", ALICE)

    assert caught.value.user_id == "alice"


def test_the_first_context_among_the_arguments_is_used() -> None:
    @require_permission("data:read")
    def compare(first: SecurityContext, second: SecurityContext) -> str:
        return f"{first.user_id} then {second.user_id}"

    assert compare(ALICE, BOB) == "alice then bob"
    with pytest.raises(PermissionDenied) as caught:
        compare(BOB, ALICE)
    assert caught.value.user_id == "bob"


# --- require_permission: refusals ----------------------------------------------------


def test_no_context_at_all_is_not_authenticated() -> None:
    with pytest.raises(NotAuthenticated) as caught:
        read_data()

    error = caught.value
    assert isinstance(error, PermissionError)
    assert isinstance(error, IntegrationError)
    assert not isinstance(error, PermissionDenied)
    assert str(error) == f"{target(read_data)} requires 'data:read' but no caller is known"


async def test_no_context_at_all_is_not_authenticated_for_async_functions() -> None:
    with pytest.raises(NotAuthenticated, match=r"requires 'data:read' but no caller is known$"):
        await read_data_async("sales")


def test_a_context_without_the_permission_is_denied() -> None:
    calls: list[str] = []

    @require_permission("data:write")
    def guarded(context: SecurityContext) -> None:
        calls.append("ran")

    with pytest.raises(PermissionDenied) as caught:
        guarded(BOB)

    error = caught.value
    assert isinstance(error, PermissionError)
    assert not isinstance(error, NotAuthenticated)
    assert (error.user_id, error.permission) == ("bob", "data:write")
    assert error.target == target(guarded)
    assert error.target.endswith("test_a_context_without_the_permission_is_denied.<locals>.guarded")
    assert str(error) == f"user 'bob' lacks permission 'data:write' for {error.target}"
    assert calls == []


async def test_an_async_body_never_runs_when_denied() -> None:
    calls: list[str] = []

    @require_permission("data:write")
    async def guarded(context: SecurityContext) -> None:
        calls.append("ran")

    with pytest.raises(PermissionDenied, match=r"^user 'alice' lacks permission 'data:write' for "):
        await guarded(ALICE)
    assert calls == []


@pytest.mark.parametrize("permission", ["read", "", "data", 5, None])
def test_an_invalid_permission_is_refused_when_decorating(permission: object) -> None:
    expected = f"permission {permission!r} should read 'resource:action'"

    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        require_permission(permission)  # type: ignore[arg-type]


# --- require_permission: the wrapper -------------------------------------------------


def test_the_sync_wrapper_keeps_name_doc_and_signature() -> None:
    def original(context: SecurityContext | None = None, *, table: str = "sales") -> str:
        """Read a table."""
        return table

    assert read_data.__name__ == "read_data"
    assert read_data.__doc__ == "Read a table."
    assert read_data.__qualname__ == "read_data"
    assert inspect.signature(read_data) == inspect.signature(original)
    assert str(inspect.signature(read_data)) == str(inspect.signature(original))
    assert not inspect.iscoroutinefunction(read_data)
    assert read_data.__required_permission__ == "data:read"  # type: ignore[attr-defined]


def test_the_async_wrapper_is_a_coroutine_function_with_the_same_signature() -> None:
    assert inspect.iscoroutinefunction(read_data_async)
    assert asyncio.iscoroutinefunction(read_data_async)
    assert read_data_async.__name__ == "read_data_async"
    assert read_data_async.__doc__ == "Read a table, asynchronously."
    assert list(inspect.signature(read_data_async).parameters) == ["table", "context"]
    assert inspect.iscoroutinefunction(Repository.save)
    assert not inspect.iscoroutinefunction(Repository.load)
    assert list(inspect.signature(Repository.load).parameters) == ["self", "key", "context"]


# --- audit ---------------------------------------------------------------------------


def test_every_decision_reaches_the_sink(decisions: list[AccessDecision]) -> None:
    read_data(ALICE)
    with pytest.raises(PermissionDenied):
        write_data("sales", ALICE)
    with pytest.raises(NotAuthenticated):
        read_data()

    assert [(d.user_id, d.permission, d.target, d.granted) for d in decisions] == [
        ("alice", "data:read", target(read_data), True),
        ("alice", "data:write", target(write_data), False),
        (None, "data:read", target(read_data), False),
    ]
    assert all(d.at.tzinfo is UTC for d in decisions)


async def test_async_decisions_reach_the_sink(decisions: list[AccessDecision]) -> None:
    await read_data_async("sales", ALICE)
    with pytest.raises(PermissionDenied):
        await Repository().save("k", BOB)

    assert [(d.user_id, d.permission, d.granted) for d in decisions] == [
        ("alice", "data:read", True),
        ("bob", "data:write", False),
    ]


def test_every_decision_reaches_the_audit_logger(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)

    read_data(ALICE)
    with pytest.raises(PermissionDenied):
        write_data("sales", ALICE)
    with pytest.raises(NotAuthenticated):
        read_data()

    audit = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == AUDIT_LOGGER]
    assert audit == [
        (
            logging.INFO,
            f"access granted: user=alice permission=data:read target={target(read_data)}",
        ),
        (
            logging.INFO,
            f"access denied: user=alice permission=data:write target={target(write_data)}",
        ),
        (
            logging.INFO,
            f"access denied: user=<anonymous> permission=data:read target={target(read_data)}",
        ),
    ]


def test_the_remover_detaches_the_sink() -> None:
    seen: list[AccessDecision] = []
    remove = add_audit_sink(seen.append)

    read_data(ALICE)
    remove()
    read_data(ALICE)
    remove()  # a second call is harmless

    assert len(seen) == 1


def test_several_sinks_each_get_every_decision() -> None:
    first: list[bool] = []
    second: list[bool] = []
    removers = [
        add_audit_sink(lambda d: first.append(d.granted)),
        add_audit_sink(lambda d: second.append(d.granted)),
    ]
    try:
        read_data(ALICE)
        with pytest.raises(PermissionDenied):
            read_data(BOB)
    finally:
        for remove in removers:
            remove()

    assert first == second == [True, False]


# --- the contextvar ----------------------------------------------------------------


def test_the_context_is_reset_after_the_block() -> None:
    assert current_security_context() is None

    with security_context(ALICE) as active:
        assert active is ALICE
        assert current_security_context() is ALICE

    assert current_security_context() is None
    with pytest.raises(NotAuthenticated):
        read_data()


def test_nested_blocks_restore_the_outer_context() -> None:
    with security_context(ALICE):
        with security_context(BOB):
            assert current_security_context() is BOB
        assert current_security_context() is ALICE
    assert current_security_context() is None


def test_the_context_is_reset_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError, match="boom"), security_context(ALICE):
        raise RuntimeError("boom")

    assert current_security_context() is None
