"""What a learner handed in, reduced to the answer files the exercise declares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Submission:
    learner: str
    answers: dict[str, str]  # path under src/packages -> source text
    source: str  # "directory", "zip", "notebook" or "workspace"
    ignored: tuple[str, ...] = ()  # files seen and not taken (conftest.py, extra modules...)
    problems: tuple[str, ...] = ()  # what went wrong reading it, one sentence each

    def fingerprint(self) -> str:
        """Changes whenever an answer file changes; used to skip re-grading."""
        digest = hashlib.sha256()
        for path in sorted(self.answers):
            digest.update(path.encode() + b"\0" + self.answers[path].encode() + b"\0")
        return digest.hexdigest()[:16]
