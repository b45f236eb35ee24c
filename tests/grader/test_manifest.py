"""The exercise manifest: strict loading, and one readable error naming file and field."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters.manifest import ExerciseFolder, load_manifest
from grader.domain.exercise import ContractMode, ContractRule, Exercise, Limits
from grader.errors import GraderError, ManifestError, UnknownExercise

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "course"
KNOWN = (
    "domains-independent",
    "shared-imports-no-domain",
    "dynamic-imports",
    "standard-library-only",
)
KNOWN_LISTING = (
    "domains-independent, dynamic-imports, shared-imports-no-domain, standard-library-only"
)
TOP_LISTING = (
    "answer_files, contracts, coverage, draw, hidden_tests, hints, id, limits, notebook, "
    "points, public_tests, section, title"
)
LIMIT_LISTING = "file_size_mb, memory_mb, output_kb, per_test_seconds, processes, total_seconds"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the fixture course's exercise and solution folders, free to edit."""
    shutil.copytree(FIXTURE / "exercises" / "rules", tmp_path / "exercises" / "rules")
    shutil.copytree(FIXTURE / "solutions" / "rules", tmp_path / "solutions" / "rules")
    return tmp_path


def folder_of(course: Path) -> Path:
    return course / "exercises" / "rules"


def manifest_of(course: Path) -> Path:
    return folder_of(course) / "exercise.toml"


def edit(course: Path, old: str, new: str) -> None:
    path = manifest_of(course)
    text = path.read_text()
    assert old in text, f"the fixture manifest no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))


def load(course: Path) -> Exercise:
    return load_manifest(folder_of(course), course / "solutions", KNOWN)


def error_of(course: Path) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load(course)
    return caught.value


def assert_error(course: Path, field: str | None, problem: str) -> None:
    error = error_of(course)
    path = manifest_of(course)
    assert error.path == path
    assert error.field == field
    where = f"{path}: field '{field}'" if field else str(path)
    assert str(error) == f"{where}: {problem}"


# --- the fixture -----------------------------------------------------------------------


def test_the_fixture_manifest_loads_into_the_expected_exercise() -> None:
    folder = FIXTURE / "exercises" / "rules"
    solutions = FIXTURE / "solutions" / "rules"

    exercise = load_manifest(folder, FIXTURE / "solutions", KNOWN)

    assert exercise == Exercise(
        id="rules",
        title="Data quality rules",
        points=Decimal(7),
        answer_files=("data/quality/rules.py",),
        public_tests=(folder / "tests" / "test_rules.py",),
        hidden_tests=(solutions / "tests" / "test_rules_hidden.py",),
        contracts=(
            ContractRule("domains-independent", ContractMode.GATE, Decimal(0)),
            ContractRule("dynamic-imports", ContractMode.POINTS, Decimal(1)),
        ),
        limits=Limits(
            per_test_seconds=2.0,
            total_seconds=20.0,
            memory_mb=512,
            processes=64,
            output_kb=64,
            file_size_mb=16,
        ),
        hints=("A value is missing when it is None.", "is_complete can call count_missing."),
        section="course/rules.md",
        folder=folder,
        solution_folder=solutions,
    )
    assert all(p.is_absolute() and p.is_file() for p in exercise.test_files(include_hidden=True))
    assert exercise.test_files(include_hidden=False) == exercise.public_tests


def test_limits_keep_their_types() -> None:
    exercise = load_manifest(FIXTURE / "exercises" / "rules", None, KNOWN)

    assert type(exercise.limits.per_test_seconds) is float
    assert type(exercise.limits.memory_mb) is int
    assert type(exercise.points) is Decimal


def test_without_known_contracts_any_contract_id_is_accepted(course: Path) -> None:
    edit(course, 'id = "domains-independent"', 'id = "whatever-the-config-says"')

    exercise = load_manifest(folder_of(course), None)

    assert exercise.contracts[0].id == "whatever-the-config-says"


def test_optional_fields_have_defaults(course: Path) -> None:
    manifest_of(course).write_text(
        'id = "rules"\ntitle = "Rules"\npoints = 2.5\n'
        'answer_files = ["data/quality/rules.py"]\npublic_tests = ["tests/test_rules.py"]\n'
    )

    exercise = load(course)

    assert exercise.points == Decimal("2.5")
    assert exercise.hidden_tests == ()
    assert exercise.contracts == ()
    assert exercise.limits == Limits()
    assert exercise.hints == ()
    assert exercise.section == ""
    assert exercise.solution_folder == course / "solutions" / "rules"


# --- hidden tests ----------------------------------------------------------------------


def test_hidden_tests_are_skipped_without_a_solutions_folder(course: Path) -> None:
    exercise = load_manifest(folder_of(course), None, KNOWN)

    assert exercise.hidden_tests == ()
    assert exercise.solution_folder is None
    assert exercise.public_tests == (folder_of(course) / "tests" / "test_rules.py",)


def test_hidden_tests_are_skipped_when_solutions_lacks_the_exercise(course: Path) -> None:
    shutil.rmtree(course / "solutions" / "rules")

    exercise = load(course)

    assert exercise.hidden_tests == ()
    assert exercise.solution_folder is None


def test_a_hidden_test_path_is_still_checked_without_solutions(course: Path) -> None:
    edit(course, '"tests/test_rules_hidden.py"', '"../tests/test_rules_hidden.py"')
    shutil.rmtree(course / "solutions")

    assert_error(
        course,
        "hidden_tests",
        "'../tests/test_rules_hidden.py' must be a relative path ending in .py, no '..'",
    )


def test_a_missing_hidden_test_file_is_an_error_when_solutions_exist(course: Path) -> None:
    (course / "solutions" / "rules" / "tests" / "test_rules_hidden.py").unlink()
    missing = course / "solutions" / "rules" / "tests" / "test_rules_hidden.py"

    assert_error(course, "hidden_tests", f"{missing} does not exist")


# --- file-level errors -----------------------------------------------------------------


def test_a_missing_manifest_is_an_error(course: Path) -> None:
    manifest_of(course).unlink()

    assert_error(course, None, "no such file")


def test_a_manifest_that_is_not_toml_is_an_error(course: Path) -> None:
    manifest_of(course).write_text('id = "rules"\ntitle = \n')

    assert_error(course, None, "not valid TOML (Invalid value (at line 2, column 9))")


def test_a_manifest_that_is_not_utf8_is_an_error(course: Path) -> None:
    manifest_of(course).write_bytes(b'id = "r\xffles"\n')

    error = error_of(course)

    assert error.field is None
    assert str(error).startswith(f"{manifest_of(course)}: not valid TOML (")


def test_manifest_errors_are_grader_errors(course: Path) -> None:
    manifest_of(course).unlink()

    assert isinstance(error_of(course), GraderError)


# --- unknown keys ----------------------------------------------------------------------


def test_an_unknown_top_level_key_is_an_error(course: Path) -> None:
    edit(course, "answer_files =", "answer_file =")

    assert_error(course, "answer_file", f"unknown key; allowed: {TOP_LISTING}")


def test_an_unknown_limit_is_an_error(course: Path) -> None:
    edit(course, "memory_mb = 512", "memory_mib = 512")

    assert_error(course, "limits.memory_mib", f"unknown key; allowed: {LIMIT_LISTING}")


def test_an_unknown_contract_key_is_an_error(course: Path) -> None:
    edit(course, 'mode = "gate"', 'mode = "gate"\nweight = 2')

    assert_error(course, "contracts[0].weight", "unknown key; allowed: id, mode, points")


def test_limits_must_be_a_table(course: Path) -> None:
    text = manifest_of(course).read_text()
    before, _, after = text.partition("[limits]")
    after = after.split("\n\n", 1)[1]
    manifest_of(course).write_text(before.replace("hints =", "limits = 3\nhints =") + after)

    assert_error(course, "limits", "must be a table")


# --- id, title, points -----------------------------------------------------------------


def test_the_id_must_match_the_folder(course: Path) -> None:
    edit(course, 'id = "rules"', 'id = "rule"')

    assert_error(course, "id", "is 'rule' but the folder is 'rules'")


def test_the_id_is_required(course: Path) -> None:
    edit(course, 'id = "rules"\n', "")

    assert_error(course, "id", "must be a non-empty string, got None")


def test_the_title_must_not_be_blank(course: Path) -> None:
    edit(course, 'title = "Data quality rules"', 'title = "   "')

    assert_error(course, "title", "must be a non-empty string, got '   '")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "must be a finite number, 0 or more, got -1"),
        ("-0.5", "must be a finite number, 0 or more, got -0.5"),
        ('"7"', "must be a number, got '7'"),
        ("true", "must be a number, got True"),
        ("[7]", "must be a number, got [7]"),
        ("inf", "must be a finite number, 0 or more, got inf"),
    ],
)
def test_points_must_be_a_number_of_zero_or_more(course: Path, value: str, problem: str) -> None:
    edit(course, "points = 7", f"points = {value}")

    assert_error(course, "points", problem)


def test_points_are_required(course: Path) -> None:
    edit(course, "points = 7\n", "")

    assert_error(course, "points", "must be a number, got None")


@pytest.mark.parametrize(("value", "expected"), [("0", "0"), ("2.5", "2.5"), ("0.1", "0.1")])
def test_points_are_exact_decimals(course: Path, value: str, expected: str) -> None:
    edit(course, "points = 7", f"points = {value}")

    assert load(course).points == Decimal(expected)


def test_points_nan_is_a_manifest_error(course: Path) -> None:
    edit(course, "points = 7", "points = nan")

    assert_error(course, "points", "must be a finite number, 0 or more, got nan")


# --- limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            "memory_mb = 512",
            "memory_mb = 0",
            "limits.memory_mb",
            "must be a finite positive number, got 0",
        ),
        (
            "per_test_seconds = 2",
            "per_test_seconds = -1.5",
            "limits.per_test_seconds",
            "must be a finite positive number, got -1.5",
        ),
        (
            "total_seconds = 20",
            "total_seconds = 0.0",
            "limits.total_seconds",
            "must be a finite positive number, got 0.0",
        ),
        (
            "memory_mb = 512",
            'memory_mb = "512"',
            "limits.memory_mb",
            "must be a finite positive number, got '512'",
        ),
        (
            "output_kb = 64",
            "output_kb = true",
            "limits.output_kb",
            "must be a finite positive number, got True",
        ),
        (
            "memory_mb = 512",
            "memory_mb = 1.5",
            "limits.memory_mb",
            "must be a whole number, got 1.5",
        ),
        (
            "output_kb = 64",
            "output_kb = inf",
            "limits.output_kb",
            "must be a finite positive number, got inf",
        ),
    ],
)
def test_limits_must_be_positive_and_whole_where_an_int_is_needed(
    course: Path, old: str, new: str, field: str, problem: str
) -> None:
    edit(course, old, new)

    assert_error(course, field, problem)


def test_a_whole_float_is_accepted_for_an_int_limit(course: Path) -> None:
    edit(course, "memory_mb = 512", "memory_mb = 512.0")
    edit(course, "output_kb = 64", "output_kb = 64\nprocesses = 8\nfile_size_mb = 4")

    limits = load(course).limits

    assert limits.memory_mb == 512
    assert type(limits.memory_mb) is int
    assert (limits.processes, limits.file_size_mb) == (8, 4)


def test_a_nan_limit_is_refused(course: Path) -> None:
    edit(course, "per_test_seconds = 2", "per_test_seconds = nan")

    assert_error(course, "limits.per_test_seconds", "must be a finite positive number, got nan")


# --- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["/data/quality/rules.py", "data/../quality/rules.py", "../rules.py", "data/quality/rules.txt"],
)
def test_an_answer_path_must_be_relative_without_dotdot_and_end_in_py(
    course: Path, value: str
) -> None:
    edit(course, '"data/quality/rules.py"', f'"{value}"')

    assert_error(
        course, "answer_files", f"{value!r} must be a relative path ending in .py, no '..'"
    )


def test_an_answer_path_is_normalised(course: Path) -> None:
    edit(course, '"data/quality/rules.py"', '"./data//quality/rules.py"')

    assert load(course).answer_files == ("data/quality/rules.py",)


def test_answer_files_must_not_be_empty(course: Path) -> None:
    edit(course, 'answer_files = ["data/quality/rules.py"]', "answer_files = []")

    assert_error(course, "answer_files", "must name at least one entry")


def test_answer_files_must_be_a_list_of_strings(course: Path) -> None:
    edit(course, 'answer_files = ["data/quality/rules.py"]', 'answer_files = "rules.py"')

    assert_error(course, "answer_files", "must be a list of non-empty strings, got 'rules.py'")


def test_answer_files_are_required(course: Path) -> None:
    edit(course, 'answer_files = ["data/quality/rules.py"]\n', "")

    assert_error(course, "answer_files", "must name at least one entry")


def test_public_tests_must_not_be_empty(course: Path) -> None:
    edit(course, 'public_tests = ["tests/test_rules.py"]', "public_tests = []")

    assert_error(course, "public_tests", "must name at least one entry")


def test_a_missing_public_test_file_is_an_error(course: Path) -> None:
    edit(course, '"tests/test_rules.py"', '"tests/test_missing.py"')
    missing = folder_of(course) / "tests" / "test_missing.py"

    assert_error(course, "public_tests", f"{missing} does not exist")


def test_a_public_test_path_with_dotdot_is_an_error(course: Path) -> None:
    edit(course, '"tests/test_rules.py"', '"../rules/tests/test_rules.py"')

    assert_error(
        course,
        "public_tests",
        "'../rules/tests/test_rules.py' must be a relative path ending in .py, no '..'",
    )


def test_hints_must_be_strings(course: Path) -> None:
    edit(course, 'hints = ["A value', 'hints = [1, "A value')

    error = error_of(course)

    assert error.field == "hints"
    assert str(error).startswith(
        f"{manifest_of(course)}: field 'hints': must be a list of non-empty strings, got [1, "
    )


# --- contracts -------------------------------------------------------------------------


def test_an_unknown_contract_id_lists_the_known_ones(course: Path) -> None:
    edit(course, 'id = "domains-independent"', 'id = "domains-independant"')

    assert_error(
        course,
        "contracts[0].id",
        f"'domains-independant' is not a known check; known: {KNOWN_LISTING}",
    )


def test_a_contract_without_id_is_an_error(course: Path) -> None:
    edit(course, 'id = "dynamic-imports"\n', "")

    assert_error(course, "contracts[1].id", f"None is not a known check; known: {KNOWN_LISTING}")


def test_a_bad_contract_mode_is_an_error(course: Path) -> None:
    edit(course, 'mode = "points"', 'mode = "soft"')

    assert_error(course, "contracts[1].mode", "must be 'gate' or 'points'")


def test_a_gate_with_points_is_an_error(course: Path) -> None:
    edit(course, 'mode = "gate"', 'mode = "gate"\npoints = 1')

    assert_error(course, "contracts[0].points", "a gate earns no points; use mode = 'points'")


def test_a_gate_with_zero_points_is_fine(course: Path) -> None:
    edit(course, 'mode = "gate"', 'mode = "gate"\npoints = 0')

    assert load(course).contracts[0] == ContractRule("domains-independent")


def test_contract_points_must_be_zero_or_more(course: Path) -> None:
    edit(course, "points = 1", "points = -1")

    assert_error(course, "contracts[1].points", "must be a finite number, 0 or more, got -1")


def test_the_mode_defaults_to_gate(course: Path) -> None:
    edit(course, 'mode = "gate"\n', "")

    assert load(course).contracts[0].mode is ContractMode.GATE


def test_contracts_must_be_an_array_of_tables(course: Path) -> None:
    text = manifest_of(course).read_text()
    head = text.split("[[contracts]]", 1)[0]
    manifest_of(course).write_text(
        head.replace("hints =", 'contracts = "domains-independent"\nhints =')
    )

    assert_error(course, "contracts", "must be an array of tables ([[contracts]])")


# --- the exercises folder --------------------------------------------------------------


def test_the_folder_lists_and_loads_exercises(course: Path) -> None:
    (course / "exercises" / "notes").mkdir()  # no manifest: not an exercise
    folder = ExerciseFolder(course / "exercises", course / "solutions", KNOWN)

    assert folder.ids() == ["rules"]
    assert folder.get("rules") == load(course)
    assert [e.id for e in folder.all()] == ["rules"]


def test_an_unknown_exercise_lists_the_known_ones(course: Path) -> None:
    folder = ExerciseFolder(course / "exercises", course / "solutions", KNOWN)

    with pytest.raises(UnknownExercise) as caught:
        folder.get("rulez")

    assert str(caught.value) == "no exercise 'rulez'; known exercises: rules"
    assert caught.value.exercise_id == "rulez"
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, GraderError)


@pytest.mark.parametrize("exercise_id", ["rules/../rules", "../exercises/rules", "rules/"])
def test_an_id_with_a_slash_is_refused(course: Path, exercise_id: str) -> None:
    folder = ExerciseFolder(course / "exercises", course / "solutions", KNOWN)

    with pytest.raises(UnknownExercise) as caught:
        folder.get(exercise_id)

    assert str(caught.value) == f"no exercise {exercise_id!r}; known exercises: rules"


def test_an_empty_folder_knows_no_exercises(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    folder = ExerciseFolder(tmp_path / "exercises", None, KNOWN)

    with pytest.raises(UnknownExercise) as caught:
        folder.get("rules")

    assert str(caught.value) == "no exercise 'rules'; known exercises: none"
    assert folder.all() == []


def test_a_missing_solutions_folder_means_no_hidden_tests(course: Path) -> None:
    folder = ExerciseFolder(course / "exercises", course / "no-solutions", KNOWN)

    assert folder.solutions is None
    assert folder.get("rules").hidden_tests == ()


def test_the_folder_passes_known_contracts_on(course: Path) -> None:
    edit(course, 'id = "dynamic-imports"', 'id = "standard-library-only"')
    folder = ExerciseFolder(course / "exercises", None, ["domains-independent"])

    with pytest.raises(ManifestError) as caught:
        folder.get("rules")

    assert str(caught.value) == (
        f"{manifest_of(course)}: field 'contracts[1].id': "
        "'standard-library-only' is not a known check; known: domains-independent"
    )


COVERAGE = '[coverage]\ntests = ["tests/test_mine.py"]\ntiers = [[50, 1], [90, 2.5]]\n'


def with_coverage(course: Path, table: str) -> None:
    """The learner's own tests as a second answer file, and ``table`` at the end."""
    edit(
        course,
        'answer_files = ["data/quality/rules.py"]',
        'answer_files = ["data/quality/rules.py", "tests/test_mine.py"]',
    )
    with manifest_of(course).open("a") as manifest:
        manifest.write("\n" + table)


def test_a_coverage_table_loads_into_a_rule(course: Path) -> None:
    with_coverage(course, COVERAGE)

    exercise = load(course)

    assert exercise.coverage is not None
    assert exercise.coverage.tests == ("tests/test_mine.py",)
    assert exercise.coverage.tiers == ((50, 1), (90, Decimal("2.5")))
    assert exercise.coverage.points == Decimal("2.5")
    assert exercise.measured_files == ("data/quality/rules.py",)


@pytest.mark.parametrize(
    ("table", "field", "problem"),
    [
        (
            '[coverage]\ntests = ["tests/test_other.py"]\ntiers = [[50, 1]]\n',
            "coverage.tests",
            "must be one of the answer_files",
        ),
        ("[coverage]\ntests = []\ntiers = [[50, 1]]\n", "tests", "at least one"),
        ('[coverage]\ntests = ["tests/test_mine.py"]\n', "coverage.tiers", "[percent, points]"),
        (
            '[coverage]\ntests = ["tests/test_mine.py"]\ntiers = [[50]]\n',
            "coverage.tiers[0]",
            "pair",
        ),
        (
            '[coverage]\ntests = ["tests/test_mine.py"]\ntiers = [[150, 1]]\n',
            "coverage.tiers[0]",
            "(0, 100]",
        ),
        (
            '[coverage]\ntests = ["tests/test_mine.py"]\ntiers = [[50, 2], [90, 1]]\n',
            "coverage.tiers[1]",
            "rise",
        ),
        (
            '[coverage]\ntests = ["tests/test_mine.py"]\ntiers = [[50, 1]]\nfloor = 3\n',
            "coverage.floor",
            "unknown key",
        ),
        (
            '[coverage]\ntests = ["tests/mine.py"]\ntiers = [[50, 1]]\n',
            "coverage.tests",
            "must be one of the answer_files",
        ),
    ],
)
def test_a_malformed_coverage_table_is_an_error_naming_the_field(
    course: Path, table: str, field: str, problem: str
) -> None:
    with_coverage(course, table)

    error = error_of(course)

    assert f"field '{field}'" in str(error)
    assert problem in str(error)


BANK = """
[[question]]
id = "bus-1"
topic = "Events"
prompt = "Which fits?"
options = ["an adapter", "an event"]

[[question]]
id = "bus-2"
topic = "Events"
prompt = "What happens?"
options = ["it raises", "it is isolated", "it is retried"]

[[question]]
id = "saga-1"
topic = "Sagas"
prompt = "In which order?"
options = ["newest first", "oldest first"]
"""


def with_bank(course: Path, bank: str, table: str = 'bank = "quiz/bank.toml"') -> None:
    (course / "src/packages/quiz").mkdir(parents=True)
    (course / "src/packages/quiz/bank.toml").write_text(bank)
    manifest = manifest_of(course)
    manifest.write_text(manifest.read_text() + f"\n[draw]\n{table}\n")


def test_a_draw_table_loads_its_bank(course: Path) -> None:
    with_bank(course, BANK, 'bank = "quiz/bank.toml"\nseed = "2026"')

    bank = load(course).draw

    assert bank is not None
    assert [q.id for q in bank.questions] == ["bus-1", "bus-2", "saga-1"]
    assert bank.topics == ("Events", "Sagas")
    assert bank.questions[1].options == (
        ("a", "it raises"),
        ("b", "it is isolated"),
        ("c", "it is retried"),
    )
    assert (bank.per_topic, bank.seed) == (1, "2026")
    assert bank.questions[1].test_name == "test_bus_2"


@pytest.mark.parametrize(
    ("bank", "table", "field", "problem"),
    [
        (BANK, 'bank = "quiz/bank.toml"\nper_topic = 2', "draw.per_topic", "topic 'Sagas'"),
        (BANK, 'bank = "quiz/none.toml"', None, "no such file"),
        (BANK, 'bank = "../bank.toml"', "draw.bank", "no '..'"),
        (BANK, 'bank = "quiz/bank.toml"\nshuffle = true', "draw.shuffle", "unknown key"),
        (BANK.replace('"bus-2"', '"bus-1"'), 'bank = "quiz/bank.toml"', "question[1].id", "twice"),
        (BANK.replace('"bus-2"', '"Bus 2"'), 'bank = "quiz/bank.toml"', "question[1].id", "lower"),
        (
            BANK.replace('["newest first", "oldest first"]', '["only"]'),
            'bank = "quiz/bank.toml"',
            "question[2].options",
            "2 to 8",
        ),
        (
            BANK.replace('prompt = "Which fits?"', 'answer = "b"'),
            'bank = "quiz/bank.toml"',
            "question[0].answer",
            "unknown key",
        ),
    ],
)
def test_a_bad_draw_or_bank_is_an_error_naming_the_field(
    course: Path, bank: str, table: str, field: str | None, problem: str
) -> None:
    with_bank(course, bank, table)

    error = error_of(course)

    assert error.field == field
    assert problem in error.problem
