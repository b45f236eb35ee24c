"""Exercise 05: answers written other ways earn full marks; wrong ones lose their points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.exercises.support import failed, grade, message

PATH = "quiz/knowledge_check.py"
RIGHT = 'Q1 = {"a", "c", "d"}\nQ2 = {"b", "d"}\nQ3 = {"a", "c", "e"}\nQ4 = {"a", "b", "d"}\n'
RIGHT += 'Q5 = {"a", "c", "e"}\n'

CORRECT = {
    "frozensets": RIGHT.replace("{", "frozenset({").replace("}", "})"),
    "sets from strings": 'Q1 = set("acd")\nQ2 = set("db")\nQ3 = set("eca")\nQ4 = set("abd")\n'
    'Q5 = set("ace")\n',
    "built in a loop": "ANSWERS = {1: 'acd', 2: 'bd', 3: 'ace', 4: 'abd', 5: 'ace'}\n"
    "for number, letters in ANSWERS.items():\n"
    "    globals()[f'Q{number}'] = {letter for letter in letters}\n",
}

WRONG = {
    "one question wrong": (RIGHT.replace('Q2 = {"b", "d"}', 'Q2 = {"a"}'), 4, {"test_q2"}),
    "half of an answer": (RIGHT.replace('Q5 = {"a", "c", "e"}', 'Q5 = {"a"}'), 4, {"test_q5"}),
    "nothing answered": (
        "Q1 = set()\nQ2 = set()\nQ3 = set()\nQ4 = set()\nQ5 = set()\n",
        0,
        {
            "test_every_answer_is_a_set_of_option_letters",
            "test_q1",
            "test_q2",
            "test_q3",
            "test_q4",
            "test_q5",
        },
    ),
}


@pytest.mark.parametrize("name", CORRECT)
def test_other_correct_answers_earn_full_marks(name: str) -> None:
    result = grade("05-knowledge-check", {PATH: CORRECT[name]})

    assert result.full_marks, (result.summary, failed(result))


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_lose_their_points(name: str) -> None:
    source, score, failures = WRONG[name]

    result = grade("05-knowledge-check", {PATH: source})

    assert set(failed(result)) == failures
    assert result.score == Decimal(score)


def test_a_malformed_answer_is_explained() -> None:
    result = grade("05-knowledge-check", {PATH: RIGHT.replace('{"b", "d"}', '["b", "d"]')})

    assert "Q2 should be a set, got ['b', 'd']" in message(
        result, "test_every_answer_is_a_set_of_option_letters"
    )
    assert result.full_marks  # a list still names the right letters; the format test is worth 0
