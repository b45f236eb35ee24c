"""Exercise 05: each learner is graded on their own draw from the bank, and the graded
answers are published nowhere a trainee can read."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from grader.adapters.reports import to_html
from grader.application.batch import grade_safely
from grader.domain.draw import Bank, draw
from grader.domain.result import GradeResult
from grader.domain.submission import Submission
from tests.exercises.support import ROOT, answers_given, app, bank_key, failed, message

EXERCISE = "05-knowledge-check"
PATH = "quiz/knowledge_check.py"
TOPICS = {"patterns", "bus", "security", "tools", "saga"}  # the outline's five quiz topics


def bank() -> Bank:
    found = app().exercises.get(EXERCISE).draw
    assert found is not None
    return found


def answer_file(answers: dict[str, str], form: str = "set") -> str:
    def letters(right: str) -> str:
        if form == "frozenset":
            return "frozenset({" + ", ".join(f'"{c}"' for c in right) + "})"
        if form == "string":
            return f'set("{right[::-1]}")'
        return "{" + ", ".join(f'"{c}"' for c in right) + "}"

    body = "".join(f'    "{q}": {letters(r)},\n' for q, r in answers.items())
    return f"ANSWERS = {{\n{body}}}\n"


def grade_as(learner: str, source: str) -> GradeResult:
    exercise = app().exercises.get(EXERCISE)
    return grade_safely(app().grader, exercise, Submission(learner, {PATH: source}, "test"), True)


def drawn_key(learner: str) -> dict[str, str]:
    key = bank_key()
    return {q.id: key[q.id] for q in draw(bank(), learner)}


def test_the_bank_covers_the_quiz_topics_and_has_one_hidden_test_per_question() -> None:
    questions = bank().questions
    assert len(questions) >= 15
    assert {q.id.split("-")[0] for q in questions} == TOPICS
    assert len(bank().topics) == 5
    assert set(bank_key()) == {q.id for q in questions}
    assert all(set(bank_key()[q.id]) <= {letter for letter, _ in q.options} for q in questions)


def test_the_draw_is_deterministic_one_per_topic_and_differs_between_neighbours() -> None:
    learners = [f"learner-{n:02}" for n in range(1, 41)]
    draws = [tuple(q.id for q in draw(bank(), learner)) for learner in learners]

    assert draws == [tuple(q.id for q in draw(bank(), learner)) for learner in learners]
    assert all(len({q.split("-")[0] for q in d}) == 5 == len(d) for d in draws)
    assert all(a != b for a, b in pairwise(draws))  # neighbours differ
    counts = Counter(q for d in draws for q in d)
    assert set(counts) == {q.id for q in bank().questions}  # every question gets drawn
    reseeded = Bank(bank().questions, seed="next cohort")
    assert [draw(reseeded, learner) for learner in learners] != [
        draw(bank(), learner) for learner in learners
    ]


def test_the_reference_earns_full_marks_for_any_learner() -> None:
    reference = answer_file(bank_key())
    for learner in ("ada", "bob", "learner-17"):
        assert grade_as(learner, reference).full_marks


@pytest.mark.parametrize("form", ["set", "frozenset", "string"])
def test_answering_only_your_own_questions_earns_full_marks(form: str) -> None:
    result = grade_as("ada", answer_file(drawn_key("ada"), form))

    assert result.full_marks, (result.summary, failed(result))
    graded = [t.id.rsplit("::", 1)[-1] for t in result.tests if t.hidden]
    assert graded == [q.test_name for q in draw(bank(), "ada")]


def test_a_neighbours_answers_do_not_pass_for_you() -> None:
    ada, bob = drawn_key("ada"), drawn_key("bob")
    shared = set(ada) & set(bob)

    result = grade_as("bob", answer_file(ada))

    assert result.score == Decimal(len(shared))
    assert result.max_score == 5


def test_a_wrong_answer_loses_its_point_and_the_format_is_explained() -> None:
    answers = drawn_key("ada")
    first = next(iter(answers))
    wrong = "abcd".replace(answers[first], "")[:1] or "a"
    result = grade_as("ada", answer_file({**answers, first: wrong}))
    assert result.score == 4
    assert set(failed(result)) == {f"test_{first.replace('-', '_')}"}

    listed = grade_as("ada", answer_file(answers).replace('{"', '["', 1).replace('"}', '"]', 1))
    assert "should be a set, got [" in message(
        listed, "test_every_answer_is_a_set_of_option_letters"
    )

    unknown = grade_as("ada", 'ANSWERS = {"patterns-9": {"a"}}\n')
    assert "'patterns-9' is not a question id of the bank" in message(
        unknown, "test_every_answer_is_a_set_of_option_letters"
    )
    assert unknown.score == 0


def test_feedback_explains_the_graded_questions_only() -> None:
    result = grade_as("ada", answer_file(drawn_key("ada")))
    exercise = app().exercises.get(EXERCISE)
    explanations = (exercise.solution_folder or Path()) / "explanations.md"
    page = to_html(result, (), explanations.read_text())

    for question in bank().questions:
        said = f"{question.id}. " in page
        assert said == (question in draw(bank(), "ada")), question.id


# --- no graded answer where a trainee can read it ------------------------------------


def public_files() -> list[Path]:
    folders = [ROOT / "exercises", ROOT / "course", ROOT / "src" / "packages"]
    files = [p for f in folders for p in f.rglob("*") if p.is_file()]
    files += [ROOT / "README.md", *ROOT.glob("*.md")]
    return [p for p in files if "workspace" not in p.parts and "__pycache__" not in p.parts]


def test_the_bank_answer_check_sees_every_way_of_writing_an_answer() -> None:
    text = 'x = {"bus-2": {"e", "b", "c"}, "saga-4": set("ba"), "tools-3": frozenset({"b"})}'
    assert answers_given(text) == [("bus-2", "bce"), ("saga-4", "ab"), ("tools-3", "b")]


def test_no_graded_answer_of_the_bank_is_published() -> None:
    key = bank_key()
    leaks = [
        f"{path}: {question} = {letters}"
        for path in public_files()
        for question, letters in answers_given(path.read_text(errors="ignore"))
        if key.get(question) == letters
    ]
    assert leaks == []


def test_the_self_check_is_not_the_graded_check() -> None:
    """The chapter's open-book self-check asks none of the bank's questions."""
    chapter = (ROOT / "course" / "knowledge-check.md").read_text()
    assert [q.id for q in bank().questions if q.prompt[:50] in chapter] == []
