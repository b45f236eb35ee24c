"""Public test of exercise 05: the answers are well formed (not whether they are right)."""

from __future__ import annotations

import pytest

from quiz import knowledge_check as answers

OPTIONS = {"Q1": "abcdef", "Q2": "abcd", "Q3": "abcde", "Q4": "abcde", "Q5": "abcde"}


@pytest.mark.points(0)
def test_every_answer_is_a_set_of_option_letters() -> None:
    """Every question has an answer: a non-empty set of its option letters"""
    for question, letters in OPTIONS.items():
        answer = getattr(answers, question, None)
        assert isinstance(answer, set | frozenset), f"{question} should be a set, got {answer!r}"
        assert answer, f"{question} is empty"
        unknown = sorted(set(answer) - set(letters))
        assert not unknown, f"{question}: {unknown} are not options (use {', '.join(letters)})"
