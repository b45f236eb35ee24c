"""``grader audit``: mutants of a reference answer, hollow answers, and the report."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from grader.adapters.audit_files import audit_marks, requirements
from grader.application.audit import AuditMarks, audit_exercise
from grader.cli import main
from grader.configuration import App
from grader.domain.audit import ExerciseAudit, MutantResult, Requirement, Verdict, hollow_caught
from grader.domain.exercise import Exercise
from grader.domain.hollow import Hollow, hollow, hollows
from grader.domain.mutants import Operator, mutants
from grader.errors import ManifestError
from tests.grader.support import FIXTURE, REFERENCE

ANSWER = "data/quality/rules.py"
SAGA_LIKE = '''
"""A module with every construct the operators change."""

from shared.security import require_permission


class Pipeline:
    domain_name = "pipeline"

    def __init__(self, bus, store):
        self.bus = bus
        self.store = store

    @require_permission("data:write")
    async def run(self, rows, limit=3):
        """Store, then announce."""
        if not rows or len(rows) > limit:
            raise ValueError("no rows")
        kept = [r for r in rows if r is not None]
        await self.store.put("key", kept)
        await self.bus.publish("stored", len(kept))
        return kept
'''


def operators(made: list[object]) -> set[str]:
    return {m.operator for m in made}  # type: ignore[attr-defined]


def test_every_operator_makes_valid_distinct_mutants() -> None:
    made = mutants({"x.py": SAGA_LIKE})

    assert operators(made) >= {o.value for o in Operator}
    assert len({m.id for m in made}) == len(made)
    assert len({m.answers["x.py"] for m in made}) == len(made)
    for mutant in made:
        ast.parse(mutant.answers["x.py"])
        assert mutant.diff.startswith("--- a/x.py")
        assert mutant.answers["x.py"] != ast.unparse(ast.parse(SAGA_LIKE))


def changed_lines(diff: str) -> str:
    lines = diff.splitlines()[2:]  # after the two file headers
    return "\n".join(line for line in lines if line.startswith(("-", "+")))


def test_mutants_leave_docstrings_alone() -> None:
    made = mutants({"x.py": SAGA_LIKE})

    assert not [m for m in made if "Store, then announce" in changed_lines(m.diff)]
    assert not [m for m in made if "A module with every construct" in changed_lines(m.diff)]


def test_mutant_ids_are_the_same_from_run_to_run() -> None:
    first = [m.id for m in mutants({"x.py": SAGA_LIKE})]
    second = [m.id for m in mutants({"x.py": SAGA_LIKE})]

    assert first == second


def test_the_domain_operators_are_there() -> None:
    made = mutants({"x.py": SAGA_LIKE})
    described = {(m.operator, m.description) for m in made}

    assert (Operator.REMOVE_DECORATOR, "decorator of run removed") in described
    assert any(o == Operator.DROP_AWAIT and "publish" in d for o, d in described)
    assert any(o == Operator.REMOVE_STATEMENT and "publish" in d for o, d in described)
    assert {m.scope for m in made} >= {"Pipeline.run", "Pipeline"}


def test_independent_assignments_are_not_swapped() -> None:
    made = mutants({"x.py": SAGA_LIKE})
    swaps = [m for m in made if m.operator == Operator.SWAP_STATEMENTS]

    assert swaps  # the store and the publish may be swapped...
    assert not [m for m in swaps if "self.bus = bus" in m.diff and "self.store" in m.diff]


@pytest.mark.parametrize("kind", list(Hollow))
def test_hollow_answers_compile_and_empty_every_function(kind: Hollow) -> None:
    made = hollow({"x.py": SAGA_LIKE}, kind, ("x.py",))

    assert made is not None
    tree = ast.parse(made.answers["x.py"])
    run = next(n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef))
    assert "publish" not in ast.unparse(run)
    assert "require_permission" in ast.unparse(run)  # decorators stay: only the body goes


def test_a_module_of_values_is_hollowed_too() -> None:
    quiz = {"quiz.py": 'Q1 = {"a", "b"}\nQ2 = "c"\n'}

    made = hollows(quiz, ("quiz.py",))

    assert len(made) == 4
    assert all("'a'" not in m.answers["quiz.py"] for m in made)


def test_traceability_rows_are_read(tmp_path: Path) -> None:
    table = tmp_path / "TRACEABILITY.md"
    table.write_text(
        "# Traceability\n\n| # | Requirement | Answer code | Tests |\n|---|---|---|---|\n"
        "| R1 | counts `None` | `count_missing` | `test_rules.py::test_a`, `t.py::test_b` |\n"
        "| R2 | tells complete | `is_complete` | `test_rules.py::test_c` |\n"
    )

    rows = requirements(table)

    assert [r.number for r in rows] == ["R1", "R2"]
    assert rows[0].symbols == ("count_missing",)  # code in the sentence is not a symbol
    assert rows[0].tests == ("test_rules.py::test_a", "t.py::test_b")
    assert rows[1].concerns("is_complete")
    assert not rows[1].concerns("count_missing")


def test_a_malformed_mark_is_one_sentence(tmp_path: Path, exercise: Exercise) -> None:
    folder = tmp_path / "solutions"
    folder.mkdir()
    (folder / "audit.toml").write_text('[[equivalent]]\nmutant = "nope"\nreason = "short"\n')
    broken = Exercise(**{**exercise.__dict__, "solution_folder": folder})

    with pytest.raises(ManifestError, match="10-digit mutant id"):
        audit_marks(broken)


def test_requirement_matching_follows_the_scope() -> None:
    requirement = Requirement("R1", "runs", ("Pipeline",), ())

    assert requirement.concerns("Pipeline.run")
    assert not requirement.concerns("PipelineRunner.run")


def _result(verdict: Verdict) -> MutantResult:
    made = mutants({"x.py": SAGA_LIKE})[0]
    return MutantResult(made, verdict, 0, 1)  # type: ignore[arg-type]


def test_the_score_leaves_equivalents_out() -> None:
    audit = ExerciseAudit(
        "x",
        (
            _result(Verdict.KILLED),
            _result(Verdict.KILLED),
            _result(Verdict.SURVIVED),
            _result(Verdict.EQUIVALENT),
        ),
        (),
    )

    assert str(audit.score) == "66.6"
    assert not audit.passes(audit.score + 1)
    assert ExerciseAudit("x", (), ()).score == 100


@pytest.mark.slow
def test_the_fixture_course_is_audited_through_the_real_grader(
    app: App, exercise: Exercise
) -> None:
    marks = AuditMarks(equivalent={}, requirements=(Requirement("R1", "x", ("is_complete",), ()),))

    audit = audit_exercise(exercise, {ANSWER: REFERENCE}, app.grader, marks, jobs=2)

    assert len(audit.mutants) == len(mutants({ANSWER: REFERENCE}))
    caught = {h.mutant.operator for h in audit.hollows if hollow_caught(h)}
    # The fixture's tests compare with ``==``: an always-equal object passes some of them,
    # which is what the audit is there to show.
    assert caught == {"empty", "mock", "made-up"}
    killed = {m.mutant.description for m in audit.mutants if m.verdict is Verdict.KILLED}
    assert "Is becomes IsNot" in killed
    assert "0 becomes 1" in killed
    for survivor in audit.survivors:
        assert survivor.score == survivor.max_score
        assert all(r.concerns(survivor.mutant.scope) for r in survivor.requirements)


@pytest.mark.slow
def test_the_command_writes_json_and_html(tmp_path: Path) -> None:
    code = main(["--course", str(FIXTURE), "audit", "rules", "--out", str(tmp_path)])

    report = json.loads((tmp_path / "audit.json").read_text())
    (row,) = report["exercises"]
    assert row["exercise"] == "rules"
    assert row["killed"] + row["survived"] + row["equivalent"] + row["errors"] == row["mutants"]
    assert row["hollow_answers"] == 4
    assert row["hollow_caught"] == sum(h["caught"] for h in row["hollows"]) == 3
    assert [h["operator"] for h in row["hollows"] if not h["caught"]] == ["agreeable"]
    assert all(
        s["diff"].startswith("--- a/") and s["verdict"] == "survived" for s in row["survivors"]
    )
    assert not report["passed"]
    assert code == 1
    page = (tmp_path / "audit.html").read_text()
    assert '<section id="audit">' in page
    assert "rules" in page


def test_a_bad_sample_size_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--course", str(FIXTURE), "audit", "rules", "--sample", "0"])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "grader: --sample must be a positive number of mutants"
    )
