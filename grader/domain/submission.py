"""What a learner handed in, reduced to the answer files the exercise declares."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

# Letters of other scripts that look like Latin ones, after casefolding: "аda" (with a
# Cyrillic a) is "ada" to a reader.
_LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("авекмнорстухіјѕԁү", "abekmhopctyxijsdy", strict=True)),
        **dict(zip("αβεζηικμνορτυχ", "abezhikmvoptux", strict=True)),
    }
)


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


def learner_key(learner: str) -> str:
    """What two learner ids must differ in to be told apart by every file system, gradebook
    and person: not case, separators, invisible characters or look-alike letters."""
    text = unicodedata.normalize("NFKC", learner).casefold().translate(_LOOK_ALIKES)
    return "".join(c for c in text if c.isalnum() or c == "@")
