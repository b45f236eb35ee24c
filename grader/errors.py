"""Every error the grader raises on purpose; each message is one readable sentence."""

from __future__ import annotations

from pathlib import Path


class GraderError(Exception):
    """Base class: the CLI prints these as one line, never as a traceback."""


class ManifestError(GraderError):
    """An exercise manifest is missing, malformed or inconsistent."""

    def __init__(self, path: Path, field: str | None, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: field '{field}'" if field else str(path)
        super().__init__(f"{where}: {problem}")


class UnknownExercise(GraderError, LookupError):
    def __init__(self, exercise_id: str, known: list[str]) -> None:
        self.exercise_id = exercise_id
        listing = ", ".join(known) or "none"
        super().__init__(f"no exercise {exercise_id!r}; known exercises: {listing}")


class SubmissionError(GraderError):
    """A submission path that cannot be read at all (it does not exist, say)."""


class ContractsError(GraderError):
    """The boundary contracts config (``.importlinter``) cannot be read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"{path}: the boundary contracts cannot be read ({reason})")


class SettingsTooLarge(GraderError):
    """The test process's settings do not fit in a pipe's buffer (writing them would block)."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        super().__init__(
            f"the test process's settings take {size} bytes, more than the {limit} a pipe "
            "holds: grade fewer answer files at once"
        )


class WorkerUnavailable(GraderError, RuntimeError):
    """A warm test worker cannot start here; the run is graded in a fresh process."""

    def __init__(self, why: str) -> None:
        super().__init__(f"a warm test worker could not start: {why}")


class ClusterError(GraderError):
    """A Dask cluster cannot grade: Dask missing, the scheduler unreachable or gone, or a
    worker that refuses (its course checkout differs from the instructor's)."""
