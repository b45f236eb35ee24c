"""Public test of exercise 05: the answers are well formed (not whether they are right)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import quiz
from quiz import knowledge_check as answers

BANK = tomllib.loads(Path(quiz.__file__).with_name("questions.toml").read_text("utf-8"))
OPTIONS = {q["id"]: "abcdefgh"[: len(q["options"])] for q in BANK["question"]}


@pytest.mark.points(0)
def test_every_answer_is_a_set_of_option_letters() -> None:
    """Every answer names a question of the bank and a non-empty set of its option letters"""
    given = getattr(answers, "ANSWERS", None)
    assert isinstance(given, dict), f"ANSWERS should be a dict, got {given!r}"
    assert given, "ANSWERS is empty: answer the questions that questions() shows you"
    for question, answer in given.items():
        assert question in OPTIONS, f"{question!r} is not a question id of the bank"
        assert isinstance(answer, set | frozenset), f"{question} should be a set, got {answer!r}"
        assert answer, f"{question}: the answer is empty"
        letters = OPTIONS[question]
        unknown = sorted(set(map(str, answer)) - set(letters))
        assert not unknown, f"{question}: {unknown} are not options (use {', '.join(letters)})"
