"""Hidden tests of exercise 05: one per question (answers compared as plain strings)."""

from __future__ import annotations

from quiz import knowledge_check as answers


def test_q1() -> None:
    """1. The three cross-domain integration patterns"""
    assert sorted(map(str, answers.Q1)) == ["a", "c", "d"]


def test_q2() -> None:
    """2. When the event bus beats a domain adapter"""
    assert sorted(map(str, answers.Q2)) == ["b", "d"]


def test_q3() -> None:
    """3. Making cross-domain calls secure and compliant"""
    assert sorted(map(str, answers.Q3)) == ["a", "c", "e"]


def test_q4() -> None:
    """4. The tools that detect boundary violations"""
    assert sorted(map(str, answers.Q4)) == ["a", "b", "d"]


def test_q5() -> None:
    """5. What the saga pattern gives you"""
    assert sorted(map(str, answers.Q5)) == ["a", "c", "e"]
