"""Role policies written as JSON: ``{"viewer": ["data:read"], "admin": ["*"]}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from enterprise.security.domain.policy import RolePolicy


def policy_from_dict(data: Mapping[str, Any]) -> RolePolicy:
    """A policy from role -> list of grants; a malformed entry raises ``ValueError``."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a role policy is an object of roles, got {data!r}")
    table = {}
    for role, grants in data.items():
        if not isinstance(grants, list) or not all(isinstance(g, str) for g in grants):
            raise ValueError(f"role {role!r}: expected a list of grants, got {grants!r}")
        table[role] = frozenset(grants)
    return RolePolicy(table)


def load_policy(path: str | Path) -> RolePolicy:
    return policy_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
