"""Role-based access: a policy maps each role to the permissions it grants.

A grant is ``resource:action``, ``resource:*`` (every action on the resource) or ``*``
(everything); :func:`shared.infrastructure.security.grants` decides what a grant covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from shared.infrastructure.security import grants


class UnknownRole(ValueError):
    """A role the policy does not define; the message lists the ones it does."""

    def __init__(self, unknown: Iterable[str], known: Iterable[str]) -> None:
        self.unknown = tuple(sorted(unknown))
        self.known = tuple(sorted(known))
        super().__init__(
            f"unknown role(s) {', '.join(map(repr, self.unknown))}; "
            f"known roles: {', '.join(self.known) or 'none'}"
        )


def check_grant(grant: str) -> None:
    """Raise ``ValueError`` unless ``grant`` is ``*``, ``resource:*`` or ``resource:action``."""
    if grant == "*":
        return
    resource, colon, action = grant.partition(":") if isinstance(grant, str) else ("", "", "")
    if not (resource and colon and action) or ":" in action or "*" in resource:
        raise ValueError(f"grant {grant!r} should read 'resource:action', 'resource:*' or '*'")


@dataclass(frozen=True)
class RolePolicy:
    """Role name -> the permission grants it carries (read-only once built)."""

    grants: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        table: dict[str, frozenset[str]] = {}
        for role, permissions in dict(self.grants).items():
            if not role or not isinstance(role, str):
                raise ValueError(f"role names must be non-empty strings, got {role!r}")
            if isinstance(permissions, str):
                raise TypeError(f"role {role!r}: give a collection of grants, not one string")
            for grant in permissions:
                check_grant(grant)
            table[role] = frozenset(permissions)
        object.__setattr__(self, "grants", MappingProxyType(table))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(sorted(self.grants))

    def permissions_for(self, roles: Iterable[str]) -> frozenset[str]:
        """Every grant of ``roles``; any unknown role raises :class:`UnknownRole`."""
        if isinstance(roles, str):
            raise TypeError("roles must be a collection of role names, not one string")
        roles = list(roles)
        unknown = {role for role in roles if role not in self.grants}
        if unknown:
            raise UnknownRole(unknown, self.grants)
        return frozenset().union(*(self.grants[role] for role in roles))

    def allows(self, roles: Iterable[str], permission: str) -> bool:
        """Whether any grant of ``roles`` covers ``permission``."""
        return any(grants(held, permission) for held in self.permissions_for(roles))


DEFAULT_POLICY = RolePolicy(
    {
        "viewer": frozenset({"data:read"}),
        "data_scientist": frozenset({"data:read", "ml:train"}),
        "ml_engineer": frozenset({"ml:*", "mlops:deploy"}),
        "admin": frozenset({"*"}),
    }
)
