"""Finding test functions by reading the files: ids, titles, points, and refusals."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters.collector import StaticCollector, collect_file
from grader.adapters.manifest import load_manifest
from grader.domain.exercise import TestSpec as Spec
from grader.errors import ManifestError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "course"


def write(tmp_path: Path, source: str, name: str = "test_thing.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


def error_of(path: Path) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        collect_file(path, hidden=False)
    assert caught.value.path == path
    return caught.value


def test_module_and_class_functions_sync_and_async(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '''
        import pytest


        def helper() -> None:
            pass


        def test_plain() -> None:
            pass


        async def test_awaits() -> None:
            """Awaits the adapter"""


        class TestAdapter:
            def helper(self) -> None:
                pass

            def test_sync(self) -> None:
                pass

            async def test_async(self) -> None:
                pass


        class Helper:
            def test_not_collected(self) -> None:
                pass
        ''',
    )

    specs = collect_file(path, hidden=False)

    prefix = "grader_tests/public/test_thing.py"
    assert specs == [
        Spec(f"{prefix}::test_plain", "Plain", Decimal(1), False),
        Spec(f"{prefix}::test_awaits", "Awaits the adapter", Decimal(1), False),
        Spec(f"{prefix}::TestAdapter::test_sync", "Sync", Decimal(1), False),
        Spec(f"{prefix}::TestAdapter::test_async", "Async", Decimal(1), False),
    ]


def test_hidden_ids_live_under_the_hidden_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "def test_secret() -> None:\n    pass\n", "test_hidden.py")

    specs = collect_file(path, hidden=True)

    assert specs == [
        Spec("grader_tests/hidden/test_hidden.py::test_secret", "Secret", Decimal(1), True)
    ]


def test_points_come_from_the_points_mark(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import pytest
        from pytest import mark


        @pytest.mark.points(3)
        def test_three() -> None:
            pass


        @pytest.mark.points(0.5)
        def test_half() -> None:
            pass


        @pytest.mark.points(0)
        def test_nothing() -> None:
            pass


        @mark.points(2)
        def test_imported_mark() -> None:
            pass


        @pytest.mark.slow
        @pytest.mark.parametrize("x", [1, 2])
        def test_default(x: int) -> None:
            pass


        class TestMethods:
            @pytest.mark.points(4)
            async def test_method(self) -> None:
                pass
        """,
    )

    points = {s.id.rsplit("::", 1)[1]: s.points for s in collect_file(path, hidden=False)}

    assert points == {
        "test_three": Decimal(3),
        "test_half": Decimal("0.5"),
        "test_nothing": Decimal(0),
        "test_imported_mark": Decimal(2),
        "test_default": Decimal(1),
        "test_method": Decimal(4),
    }


def test_titles_come_from_the_docstring_first_line_or_the_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '''
        def test_docstring() -> None:
            """Counts every None.

            More words that are not the title.
            """


        def test_indented_docstring() -> None:
            """
            Starts on the second line
            and goes on
            """


        def test_humanised_from_the_name() -> None:
            pass


        def testcamel() -> None:
            pass
        ''',
    )

    titles = [s.title for s in collect_file(path, hidden=False)]

    assert titles == [
        "Counts every None.",
        "Starts on the second line",
        "Humanised from the name",
        "Testcamel",
    ]


def test_a_parametrized_test_is_one_spec(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import pytest


        @pytest.mark.points(2)
        @pytest.mark.parametrize("value", [1, 2, 3])
        def test_values(value: int) -> None:
            assert value
        """,
    )

    assert collect_file(path, hidden=False) == [
        Spec("grader_tests/public/test_thing.py::test_values", "Values", Decimal(2), False)
    ]


def test_the_fixture_exercise_is_collected() -> None:
    exercise = load_manifest(FIXTURE / "exercises" / "rules", FIXTURE / "solutions")
    public = "grader_tests/public/test_rules.py"
    hidden = "grader_tests/hidden/test_rules_hidden.py"
    public_specs = [
        Spec(f"{public}::test_counts_missing_values", "Counts every None", Decimal(2), False),
        Spec(f"{public}::test_no_rows_no_missing", "No rows no missing", Decimal(1), False),
        Spec(f"{public}::test_complete", "Tells complete data from incomplete", Decimal(1), False),
    ]
    hidden_specs = [
        Spec(
            f"{hidden}::test_zero_is_not_missing",
            "Zero and empty strings are values",
            Decimal(1),
            True,
        ),
        Spec(f"{hidden}::test_many_rows", "Large inputs", Decimal(1), True),
    ]

    collector = StaticCollector()

    assert collector.collect(exercise, include_hidden=False) == public_specs
    assert collector.collect(exercise, include_hidden=True) == public_specs + hidden_specs


# --- refusals --------------------------------------------------------------------------


def test_a_file_without_tests_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "def helper() -> None:\n    pass\n\n\nclass TestEmpty:\n    pass\n")

    error = error_of(path)

    assert error.field is None
    assert str(error) == f"{path}: holds no test function"


def test_a_syntax_error_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "def test_broken(:\n    pass\n")

    error = error_of(path)

    assert error.field is None
    assert str(error).startswith(f"{path}: test file cannot be read: ")
    assert "line 1" in str(error)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "test_missing.py"

    error = error_of(path)

    assert str(error).startswith(f"{path}: test file cannot be read: ")


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "test_latin1.py"
    path.write_bytes(b"def test_caf\xe9() -> None:\n    pass\n")

    assert str(error_of(path)).startswith(f"{path}: test file cannot be read: ")


def test_a_duplicated_test_name_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        def test_twice() -> None:
            pass


        def test_twice() -> None:
            pass
        """,
    )

    error = error_of(path)

    assert error.field == "test_twice"
    assert str(error) == f"{path}: field 'test_twice': defined twice: the first would never run"


def test_a_duplicated_method_name_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        def test_same() -> None:
            pass


        class TestThing:
            def test_same(self) -> None:
                pass

            async def test_same(self) -> None:
                pass
        """,
    )

    assert str(error_of(path)) == (
        f"{path}: field 'TestThing::test_same': defined twice: the first would never run"
    )


@pytest.mark.parametrize(
    "mark",
    ["points(POINTS)", "points(1 + 1)", "points()", "points(1, 2)", "points(n=2)"],
)
def test_a_points_mark_needs_one_literal_number(tmp_path: Path, mark: str) -> None:
    path = write(
        tmp_path, f"import pytest\n\n\n@pytest.mark.{mark}\ndef test_a() -> None:\n    pass\n"
    )

    error = error_of(path)

    assert error.field == "test_a"
    assert str(error) == f"{path}: field 'test_a': points(...) takes one literal number"


@pytest.mark.parametrize(
    ("literal", "shown"), [("True", "True"), ("'2'", "'2'"), ("None", "None"), ("-1", "-1")]
)
def test_points_must_be_a_number(tmp_path: Path, literal: str, shown: str) -> None:
    path = write(
        tmp_path,
        f"import pytest\n\n\n@pytest.mark.points({literal})\ndef test_a() -> None:\n    pass\n",
    )

    assert str(error_of(path)) == f"{path}: field 'test_a': points must be >= 0, got {shown}"
