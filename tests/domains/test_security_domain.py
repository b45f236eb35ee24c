"""The security domain: role policies, the authorization service, JSON policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enterprise.security.adapters.policy_files import load_policy, policy_from_dict
from enterprise.security.application.authorization import AuthorizationService
from enterprise.security.domain.policy import DEFAULT_POLICY, RolePolicy, UnknownRole
from shared.exceptions import PermissionDenied
from shared.infrastructure.security import require_permission, security_context


def test_the_default_roles() -> None:
    assert DEFAULT_POLICY.roles == ("admin", "data_scientist", "ml_engineer", "viewer")
    assert DEFAULT_POLICY.grants["ml_engineer"] == {"ml:*", "mlops:deploy"}


def test_a_context_holds_the_roles_and_their_grants() -> None:
    context = AuthorizationService().context_for("ada", ["data_scientist", "viewer"])

    assert context.user_id == "ada"
    assert context.roles == {"data_scientist", "viewer"}
    assert context.permissions == {"data:read", "ml:train"}
    assert context.has_permission("ml:train")
    assert not context.has_permission("mlops:deploy")


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("viewer", ["data:read"], ["data:write", "ml:train"]),
        ("data_scientist", ["data:read", "ml:train"], ["ml:delete", "mlops:deploy"]),
        ("ml_engineer", ["ml:train", "ml:delete", "mlops:deploy"], ["data:read", "mlops:rollback"]),
        ("admin", ["data:write", "mlops:rollback", "anything:else"], []),
    ],
)
def test_what_each_role_may_do(role: str, allowed: list[str], refused: list[str]) -> None:
    service = AuthorizationService()
    context = service.context_for("u", [role])

    assert [p for p in allowed if context.has_permission(p)] == allowed
    assert [p for p in refused if context.has_permission(p)] == []
    assert all(service.is_allowed([role], p) for p in allowed)


def test_an_unknown_role_names_the_known_ones() -> None:
    with pytest.raises(UnknownRole) as raised:
        AuthorizationService().context_for("eve", ["viewer", "superuser"])

    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        "unknown role(s) 'superuser'; known roles: admin, data_scientist, ml_engineer, viewer"
    )


def test_roles_must_be_a_collection_not_one_string() -> None:
    with pytest.raises(TypeError, match="not one string"):
        AuthorizationService().context_for("ada", "viewer")


async def test_contexts_work_with_require_permission() -> None:
    service = AuthorizationService()

    @require_permission("mlops:deploy")
    async def deploy() -> str:
        return "deployed"

    with security_context(service.context_for("bob", ["ml_engineer"])):
        assert await deploy() == "deployed"
    with (
        security_context(service.context_for("dan", ["data_scientist"])),
        pytest.raises(PermissionDenied, match="'dan' lacks permission 'mlops:deploy'"),
    ):
        await deploy()


@pytest.mark.parametrize("grant", ["data", "data:", ":read", "*:read", "data:read:all"])
def test_malformed_grants_are_refused(grant: str) -> None:
    with pytest.raises(ValueError, match="should read 'resource:action'"):
        RolePolicy({"odd": frozenset({grant})})


def test_a_policy_is_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_POLICY.grants["viewer"] = frozenset({"*"})  # type: ignore[index]


def test_a_policy_loads_from_json(tmp_path: Path) -> None:
    path = tmp_path / "roles.json"
    path.write_text(json.dumps({"auditor": ["data:read", "audit:*"], "root": ["*"]}))

    policy = load_policy(path)

    assert policy.roles == ("auditor", "root")
    assert policy.allows(["auditor"], "audit:export")
    assert not policy.allows(["auditor"], "data:write")


def test_a_json_policy_needs_lists_of_grants() -> None:
    with pytest.raises(ValueError, match="role 'viewer': expected a list of grants"):
        policy_from_dict({"viewer": "data:read"})
