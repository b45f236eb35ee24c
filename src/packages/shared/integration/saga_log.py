"""Where sagas write down each transition, so an interrupted one can be finished.

Two logs with one interface: :class:`InMemorySagaLog` (the default) and
:class:`SqliteSagaLog` (durable: survives a crash of the process). A saga whose last
entry is not terminal was interrupted; :meth:`SagaLog.interrupted` lists them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any


class Transition(StrEnum):
    STARTED = "started"
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_FAILED = "step_failed"
    COMPENSATION_STARTED = "compensation_started"
    COMPENSATION_COMPLETED = "compensation_completed"
    COMPENSATION_FAILED = "compensation_failed"
    COMPLETED = "completed"
    COMPENSATED = "compensated"
    FAILED = "failed"


TERMINAL = frozenset({Transition.COMPLETED, Transition.COMPENSATED, Transition.FAILED})


@dataclass(frozen=True)
class SagaLogEntry:
    saga_id: str
    saga_name: str
    transition: Transition
    step: str | None = None
    detail: str | None = None
    result: Any = None  # the step's result, when it is JSON data
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class SagaLog(ABC):
    """Append-only record of saga transitions."""

    @abstractmethod
    def append(self, entry: SagaLogEntry) -> None: ...

    @abstractmethod
    def entries(self, saga_id: str) -> list[SagaLogEntry]: ...

    @abstractmethod
    def saga_ids(self) -> list[str]: ...

    def interrupted(self) -> list[str]:
        """Ids of sagas that started but never reached a terminal transition."""
        return [
            saga_id
            for saga_id in self.saga_ids()
            if (entries := self.entries(saga_id)) and entries[-1].transition not in TERMINAL
        ]


class InMemorySagaLog(SagaLog):
    def __init__(self) -> None:
        self._entries: dict[str, list[SagaLogEntry]] = {}

    def append(self, entry: SagaLogEntry) -> None:
        self._entries.setdefault(entry.saga_id, []).append(entry)

    def entries(self, saga_id: str) -> list[SagaLogEntry]:
        return list(self._entries.get(saga_id, ()))

    def saga_ids(self) -> list[str]:
        return list(self._entries)


class SqliteSagaLog(SagaLog):
    """A saga log in one SQLite file; every append is committed at once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS saga_log ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT, saga_id TEXT NOT NULL,"
            " saga_name TEXT NOT NULL, transition TEXT NOT NULL, step TEXT,"
            " detail TEXT, result TEXT, at TEXT NOT NULL)"
        )

    def append(self, entry: SagaLogEntry) -> None:
        row = (
            entry.saga_id,
            entry.saga_name,
            entry.transition.value,
            entry.step,
            entry.detail,
            json.dumps(entry.result),
            entry.at.isoformat(),
        )
        with self._lock:
            self._db.execute(
                "INSERT INTO saga_log (saga_id, saga_name, transition, step, detail, result, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def entries(self, saga_id: str) -> list[SagaLogEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT saga_id, saga_name, transition, step, detail, result, at"
                " FROM saga_log WHERE saga_id = ? ORDER BY seq",
                (saga_id,),
            ).fetchall()
        return list(_to_entries(rows))

    def saga_ids(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT saga_id FROM saga_log GROUP BY saga_id ORDER BY MIN(seq)"
            ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        self._db.close()


def _to_entries(rows: Iterable[tuple[Any, ...]]) -> Iterable[SagaLogEntry]:
    for saga_id, name, transition, step, detail, result, at in rows:
        yield SagaLogEntry(
            saga_id,
            name,
            Transition(transition),
            step,
            detail,
            json.loads(result) if result is not None else None,
            datetime.fromisoformat(at),
        )
