"""Settings, from ``HEX_*`` environment variables, with defaults that need nothing.

A bad value raises :class:`~shared.exceptions.ConfigurationError` naming the variable.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.exceptions import ConfigurationError


@dataclass(frozen=True)
class Settings:
    adapter_timeout: float = 10.0  # seconds a cross-domain call may take
    handler_timeout: float = 30.0  # seconds an async event handler may take
    saga_log_path: Path | None = None  # None: in memory; a path: SQLite, durable
    object_store_root: Path | None = None  # None: in memory; a path: local files
    anomaly_threshold: float = 3.0  # z-score above which a value is an anomaly
    deploy_accuracy: float = 0.8  # MLOps deploys a trained model at or above this

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            adapter_timeout=_positive(env, "HEX_ADAPTER_TIMEOUT", cls.adapter_timeout),
            handler_timeout=_positive(env, "HEX_HANDLER_TIMEOUT", cls.handler_timeout),
            saga_log_path=_path(env, "HEX_SAGA_LOG"),
            object_store_root=_path(env, "HEX_OBJECT_STORE"),
            anomaly_threshold=_positive(env, "HEX_ANOMALY_THRESHOLD", cls.anomaly_threshold),
            deploy_accuracy=_positive(env, "HEX_DEPLOY_ACCURACY", cls.deploy_accuracy),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"{name}={raw!r} must be a finite number greater than 0")
    return value


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    return Path(raw) if raw else None
