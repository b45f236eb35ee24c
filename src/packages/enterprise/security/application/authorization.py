"""The authorization service: who a caller is, as a ``SecurityContext``."""

from __future__ import annotations

from collections.abc import Iterable

from enterprise.security.domain.policy import DEFAULT_POLICY, RolePolicy
from shared.infrastructure.security import SecurityContext


class AuthorizationService:
    """Builds security contexts from roles under a :class:`RolePolicy`.

    Authentication (proving who the user is) happens before this service: it trusts
    the ``user_id`` and roles it is given and only resolves what they grant.
    """

    def __init__(self, policy: RolePolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    @property
    def roles(self) -> tuple[str, ...]:
        return self.policy.roles

    def context_for(self, user_id: str, roles: Iterable[str]) -> SecurityContext:
        """A context holding ``roles`` and their grants; an unknown role is a ValueError."""
        roles = tuple(roles) if not isinstance(roles, str) else roles
        permissions = self.policy.permissions_for(roles)
        return SecurityContext(user_id, roles=roles, permissions=permissions)

    def is_allowed(self, roles: Iterable[str], permission: str) -> bool:
        return self.policy.allows(roles, permission)
