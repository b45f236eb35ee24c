"""What a boundary check finds: violations, per-check outcomes, the whole report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule, located in a file, with the chain that breaks it."""

    check: str  # the contract or check id, e.g. "domains-independent"
    file: str  # relative to the checked tree
    line: int | None
    chain: tuple[str, ...]  # importer first: ("data.x.a", "shared.y", "ai.z")
    message: str
    advice: str = ""
    section: str = ""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class CheckOutcome:
    """One contract or check: kept or broken, how much it examined, what it found."""

    check: str
    name: str
    examined: int  # imports or files looked at; 0 means the check proved nothing
    violations: tuple[Violation, ...] = ()
    error: str | None = None  # the check could not run

    @property
    def kept(self) -> bool:
        return self.error is None and self.examined > 0 and not self.violations


@dataclass(frozen=True)
class BoundaryReport:
    tree: str
    outcomes: tuple[CheckOutcome, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.kept for o in self.outcomes)

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(v for o in self.outcomes for v in o.violations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree": self.tree,
            "ok": self.ok,
            "checks": [
                {**asdict(o), "kept": o.kept, "violations": [asdict(v) for v in o.violations]}
                for o in self.outcomes
            ],
        }
