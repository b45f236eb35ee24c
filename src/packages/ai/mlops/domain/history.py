"""One environment's deployments, oldest first, with at most one of them active.

Behaviour choices, stated once:

* Deploying makes the new deployment ACTIVE and the previously active one RETIRED.
* Rolling back marks the active deployment ROLLED_BACK and re-activates the most recent
  RETIRED one before it: a rolled-back deployment is never re-activated by a rollback.
  With no such deployment, nothing is active afterwards.
* Entries keep their place; only their status changes.
"""

from __future__ import annotations

from dataclasses import replace

from shared.interfaces.models import Deployment, DeploymentStatus


class DeploymentHistory:
    def __init__(self, environment: str) -> None:
        if not environment or not isinstance(environment, str):
            raise ValueError("an environment needs a non-empty name, e.g. 'staging'")
        self.environment = environment
        self._entries: list[Deployment] = []

    @property
    def entries(self) -> tuple[Deployment, ...]:
        return tuple(self._entries)

    @property
    def active(self) -> Deployment | None:
        index = self._active_index()
        return None if index is None else self._entries[index]

    def is_active(self, model_id: str, version: int | None = None) -> bool:
        """Whether ``model_id`` (at ``version``, when given) is the active deployment."""
        active = self.active
        return (
            active is not None
            and active.model_id == model_id
            and (version is None or active.version == version)
        )

    def deploy(self, model_id: str, version: int) -> Deployment:
        index = self._active_index()
        if index is not None:
            self._entries[index] = replace(self._entries[index], status=DeploymentStatus.RETIRED)
        deployment = Deployment(model_id, version, self.environment)
        self._entries.append(deployment)
        return deployment

    def roll_back(self) -> Deployment | None:
        """Roll the active deployment back; return the one re-activated, if any."""
        index = self._active_index()
        if index is None:
            raise ValueError(f"nothing is active in {self.environment!r} to roll back")
        self._entries[index] = replace(self._entries[index], status=DeploymentStatus.ROLLED_BACK)
        for earlier in reversed(range(index)):
            if self._entries[earlier].status is DeploymentStatus.RETIRED:
                restored = replace(self._entries[earlier], status=DeploymentStatus.ACTIVE)
                self._entries[earlier] = restored
                return restored
        return None

    def _active_index(self) -> int | None:
        for index, entry in enumerate(self._entries):
            if entry.status is DeploymentStatus.ACTIVE:
                return index
        return None
