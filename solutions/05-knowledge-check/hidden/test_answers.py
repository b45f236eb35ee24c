"""Hidden tests of exercise 05: one per question of the bank (src/packages/quiz/questions.toml).

Each learner is graded on the questions drawn for them, one per topic; the grader runs
those tests only. Answers are compared as one plain string of sorted letters.
"""

from __future__ import annotations

from quiz import knowledge_check


def chosen(question: str) -> str:
    """The letters the learner chose for ``question``, sorted, as one plain string."""
    answer = knowledge_check.ANSWERS.get(question, ())
    return "".join(sorted({str(letter) for letter in answer}))


def test_patterns_1() -> None:
    """patterns-1: The data quality domain needs anomaly detection's verdict"""
    assert chosen("patterns-1") == "b"


def test_patterns_2() -> None:
    """patterns-2: Which modules a domain may import"""
    assert chosen("patterns-2") == "abe"


def test_patterns_3() -> None:
    """patterns-3: What BaseDomainAdapter.call() does"""
    assert chosen("patterns-3") == "abc"


def test_patterns_4() -> None:
    """patterns-4: Canned answers in a test"""
    assert chosen("patterns-4") == "ab"


def test_bus_1() -> None:
    """bus-1: Reacting to a finished training"""
    assert chosen("bus-1") == "b"


def test_bus_2() -> None:
    """bus-2: A handler that raises"""
    assert chosen("bus-2") == "bce"


def test_bus_3() -> None:
    """bus-3: Stopping on a failed validation"""
    assert chosen("bus-3") == "a"


def test_bus_4() -> None:
    """bus-4: What ml.** receives"""
    assert chosen("bus-4") == "ab"


def test_security_1() -> None:
    """security-1: Who may run a data:write operation"""
    assert chosen("security-1") == "abe"


def test_security_2() -> None:
    """security-2: What require_permission does"""
    assert chosen("security-2") == "abd"


def test_security_3() -> None:
    """security-3: PASS, PASS and MANUAL"""
    assert chosen("security-3") == "b"


def test_security_4() -> None:
    """security-4: A validator that raises"""
    assert chosen("security-4") == "b"


def test_tools_1() -> None:
    """tools-1: What stops a forbidden import before a commit"""
    assert chosen("tools-1") == "ab"


def test_tools_2() -> None:
    """tools-2: What catches a dynamic import"""
    assert chosen("tools-2") == "bd"


def test_tools_3() -> None:
    """tools-3: A check that examined 0 imports"""
    assert chosen("tools-3") == "b"


def test_tools_4() -> None:
    """tools-4: What the integration test shows"""
    assert chosen("tools-4") == "bc"


def test_saga_1() -> None:
    """saga-1: Which steps are compensated, in which order"""
    assert chosen("saga-1") == "a"


def test_saga_2() -> None:
    """saga-2: Why compensations are idempotent"""
    assert chosen("saga-2") == "a"


def test_saga_3() -> None:
    """saga-3: A compensation that fails"""
    assert chosen("saga-3") == "c"


def test_saga_4() -> None:
    """saga-4: Saga or choreography"""
    assert chosen("saga-4") == "ab"
