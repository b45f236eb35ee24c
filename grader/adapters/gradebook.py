"""Writes batch results into nbgrader's gradebook, as ``nbgrader autograde`` would.

The exercise must be in the gradebook already (``nbgrader generate_assignment`` puts it
there); the score goes to the notebook's graded cell, ``grade-<exercise id>``, as its
automatic score. Any database nbgrader supports works, by URL.
"""

from __future__ import annotations

from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.errors import GraderError


class NbgraderGradebook:
    def __init__(self, url: str) -> None:
        self.url = url

    def record(self, exercise: Exercise, result: GradeResult) -> None:
        from nbgrader.api import Gradebook, MissingEntry  # instructors' extra: load on use

        if exercise.notebook is None:
            raise GraderError(f"{exercise.id} has no notebook, so no nbgrader grade cell")
        notebook = exercise.notebook.stem
        with Gradebook(self.url) as gradebook:
            try:
                gradebook.find_assignment(exercise.id)
            except MissingEntry:
                raise GraderError(
                    f"the gradebook {self.url} has no assignment {exercise.id!r}: "
                    "run 'nbgrader generate_assignment' with it first"
                ) from None
            gradebook.update_or_create_student(result.learner)
            try:
                gradebook.find_submission(exercise.id, result.learner)
            except MissingEntry:
                gradebook.add_submission(exercise.id, result.learner)
            grade = gradebook.find_grade(
                f"grade-{exercise.id}", notebook, exercise.id, result.learner
            )
            grade.auto_score = float(result.score)
            gradebook.db.commit()
