"""A question bank, and the questions each learner is graded on: a draw seeded by their id.

Behaviour choices, stated once:

* The bank is public (prompts and options, never answers); the answers are the hidden
  tests, one per question, named ``test_<question id>`` with ``-`` read as ``_``.
* A learner's draw takes ``per_topic`` questions from every topic, in the bank's topic
  order, so every learner is asked about every topic and scores stay comparable.
* Within a topic the questions are ranked by SHA-256 of ``seed``, the learner's id and
  the question's id, and the first ``per_topic`` are drawn. The draw depends on nothing
  else (no Python version, no order of the bank's entries within a topic), so the
  notebook, ``grader grade`` and a batch draw the same questions for the same learner,
  and two learners rarely share their whole draw (with 4 questions in each of 5 topics,
  1 pair in 1,024).
* ``seed`` lets an instructor give a new cohort new draws without touching the bank.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str  # lower-case words joined by "-", e.g. "saga-2"
    topic: str
    prompt: str
    options: tuple[tuple[str, str], ...]  # (letter, text), letters "a", "b", ... in order

    @property
    def test_name(self) -> str:
        """The hidden test function that grades this question."""
        return "test_" + self.id.replace("-", "_")


@dataclass(frozen=True)
class Bank:
    questions: tuple[Question, ...]
    per_topic: int = 1
    seed: str = ""

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.topic for q in self.questions))

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _rank(seed: str, learner: str, question: Question) -> bytes:
    return hashlib.sha256(f"{seed}\x00{learner}\x00{question.id}".encode()).digest()


def draw(bank: Bank, learner: str) -> tuple[Question, ...]:
    """The questions ``learner`` is graded on, topic by topic in the bank's order."""
    drawn: list[Question] = []
    for topic in bank.topics:
        pool = sorted(
            (q for q in bank.questions if q.topic == topic),
            key=lambda q: _rank(bank.seed, learner, q),
        )
        drawn += pool[: bank.per_topic]
    return tuple(drawn)
