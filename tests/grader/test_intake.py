"""Reading what a learner handed in: folders, zips, notebooks, and everything refused."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from grader.adapters import intake
from grader.adapters.intake import SubmissionFiles
from grader.adapters.manifest import load_manifest
from grader.domain.submission import Submission
from grader.errors import SubmissionError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "course"
EXERCISE = load_manifest(FIXTURE / "exercises" / "rules", FIXTURE / "solutions")
ANSWER = "data/quality/rules.py"
SOURCE = "def count_missing(rows):\n    return 0\n"
OTHER = "def count_missing(rows):\n    return 1\n"


def read(path: Path) -> Submission:
    return SubmissionFiles().read(path, [EXERCISE], "ada")


def folder(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def make_zip(
    path: Path,
    entries: list[tuple[str | zipfile.ZipInfo, bytes | str]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def code(source: str | list[str], count: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": [],
        "source": source,
        **extra,
    }


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def notebook(*cells: dict[str, Any]) -> bytes:
    return json.dumps(
        {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ).encode()


def answer_cell(body: str, path: str = ANSWER, count: int | None = None) -> dict[str, Any]:
    return code(f"%%answer {path}\n{body}", count)


def write_notebook(tmp_path: Path, *cells: dict[str, Any], name: str = "work.ipynb") -> Path:
    path = tmp_path / name
    path.write_bytes(notebook(*cells))
    return path


# --- folders ---------------------------------------------------------------------------


def test_a_folder_with_the_answer_under_its_package_path(tmp_path: Path) -> None:
    submission = read(folder(tmp_path / "sub", {ANSWER: SOURCE}))

    assert submission == Submission("ada", {ANSWER: SOURCE}, "directory")


def test_a_folder_with_the_answer_under_src_packages(tmp_path: Path) -> None:
    submission = read(folder(tmp_path / "sub", {f"src/packages/{ANSWER}": SOURCE}))

    assert submission == Submission("ada", {ANSWER: SOURCE}, "directory")


def test_extra_files_are_listed_as_ignored_and_not_taken(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ANSWER: SOURCE,
        "conftest.py": "import os\nos.system('rm -rf /')\n",
        "pytest.ini": "[pytest]\naddopts = -p evil\n",
        "sitecustomize.py": "import evil\n",
        "evil.pth": "import evil\n",
        "data/quality/extra.py": "X = 1\n",
    }

    submission = read(folder(tmp_path / "sub", files))

    assert submission.answers == {ANSWER: SOURCE}
    assert submission.ignored == (
        "conftest.py",
        "data/quality/extra.py",
        "evil.pth",
        "pytest.ini",
        "sitecustomize.py",
    )
    assert submission.problems == ()


def test_pycache_and_git_folders_are_skipped_silently(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        ANSWER: SOURCE,
        "data/quality/__pycache__/rules.cpython-311.pyc": b"\0\0",
        ".git/config": "[core]\n",
    }

    submission = read(folder(tmp_path / "sub", files))

    assert submission == Submission("ada", {ANSWER: SOURCE}, "directory")


def test_a_long_ignored_list_is_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_LISTED", 2)
    files: dict[str, str | bytes] = {f"extra{i}.py": "" for i in range(5)}

    submission = read(folder(tmp_path / "sub", files))

    assert submission.ignored == ("extra0.py", "extra1.py", "... and 3 more")


def test_a_symlinked_answer_is_reported_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 'do not read'\n")
    root = folder(tmp_path / "sub", {"data/quality/__init__.py": ""})
    (root / ANSWER).symlink_to(secret)

    submission = read(root)

    assert submission.answers == {}
    assert submission.problems == (f"{ANSWER} is a symbolic link, so it was not read",)
    assert submission.ignored == ("data/quality/__init__.py",)


def test_a_symlinked_folder_is_reported_not_walked(tmp_path: Path) -> None:
    outside = folder(tmp_path / "outside", {ANSWER: SOURCE})
    root = tmp_path / "sub"
    root.mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "dangling.py").symlink_to(tmp_path / "nowhere.py")

    submission = read(root)

    assert submission.answers == {}
    assert submission.problems == (
        "dangling.py is a symbolic link, so it was not read",
        "linked is a symbolic link, so it was not read",
    )


def test_the_submission_itself_may_not_be_a_symlink(tmp_path: Path) -> None:
    root = folder(tmp_path / "sub", {ANSWER: SOURCE})
    link = tmp_path / "link"
    link.symlink_to(root, target_is_directory=True)

    with pytest.raises(SubmissionError) as caught:
        read(link)

    assert str(caught.value) == f"{link} does not exist (or is a symbolic link)"


def test_a_missing_path_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"

    with pytest.raises(SubmissionError) as caught:
        read(missing)

    assert str(caught.value) == f"{missing} does not exist (or is a symbolic link)"


def test_an_oversize_answer_is_reported_and_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1024)

    submission = read(folder(tmp_path / "sub", {ANSWER: "#" * 3000}))

    assert submission.answers == {}
    assert submission.problems == (
        f"{ANSWER} is 2 KB, over the 1 KB limit for an answer file, so it was not graded",
    )


def test_an_answer_at_the_size_limit_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1024)

    submission = read(folder(tmp_path / "sub", {ANSWER: "#" * 1024}))

    assert submission.answers == {ANSWER: "#" * 1024}


def test_a_non_utf8_answer_is_reported_and_not_taken(tmp_path: Path) -> None:
    submission = read(folder(tmp_path / "sub", {ANSWER: b"NAME = 'caf\xe9'\n"}))

    assert submission.answers == {}
    assert submission.problems == (f"{ANSWER} is not UTF-8 text, so it was not graded",)


def test_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    submission = read(folder(tmp_path / "sub", {ANSWER: b"\xef\xbb\xbfX = 'caf\xc3\xa9'\n"}))

    assert submission.answers == {ANSWER: "X = 'café'\n"}


# --- zips ------------------------------------------------------------------------------


def test_a_zip_with_the_answer(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "work.zip",
        [("data/", b""), (ANSWER, SOURCE), ("conftest.py", "import evil\n")],
    )

    submission = read(path)

    assert submission == Submission("ada", {ANSWER: SOURCE}, "zip", ("conftest.py",))


def test_a_zip_with_the_answer_under_src_packages(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "work.zip", [(f"./src/packages/{ANSWER}", SOURCE)])

    assert read(path).answers == {ANSWER: SOURCE}


def test_zip_entries_escaping_the_submission_are_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    absolute = f"{tmp_path}/absolute.py"
    link = zipfile.ZipInfo("data/quality/link.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(
        tmp_path / "inbox" / "work.zip",
        [
            ("../escape.py", "X = 1\n"),
            (f"../../{ANSWER}", SOURCE),
            (absolute, "X = 1\n"),
            ("..\\windows.py", "X = 1\n"),
            (link, "/etc/passwd"),
            (ANSWER, SOURCE),
        ],
    )
    before = listing(tmp_path)

    submission = read(path)

    assert listing(tmp_path) == before == ["inbox", "inbox/work.zip"]
    assert submission.answers == {ANSWER: SOURCE}
    assert submission.problems == (
        "the zip entry '../escape.py' points outside the submission; refused",
        f"the zip entry '../../{ANSWER}' points outside the submission; refused",
        f"the zip entry {absolute!r} points outside the submission; refused",
        "the zip entry '..\\\\windows.py' points outside the submission; refused",
        "the zip entry data/quality/link.py is a symbolic link; refused",
    )
    assert submission.ignored == ()


def test_a_symlinked_answer_in_a_zip_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo(ANSWER)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "work.zip", [(link, "/etc/passwd")])

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (f"the zip entry {ANSWER} is a symbolic link; refused",)


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", [(ANSWER, b"\0" * (50 * 2**20))])
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.infolist()
    ratio = member.file_size // member.compress_size
    assert ratio > intake.MAX_RATIO

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (
        f"the zip entry {ANSWER} expands {ratio} times: refused as a possible zip bomb",
    )


def test_a_zip_over_the_total_size_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_ZIP_TOTAL", 2 * 2**20)
    path = make_zip(tmp_path / "big.zip", [(ANSWER, SOURCE), ("data.bin", b"\0" * (3 * 2**20))])

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (
        "the zip would unpack to 3 MB, over the 2 MB limit, so it was not read",
    )


def test_a_zip_with_too_many_members_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_ZIP_MEMBERS", 3)
    entries: list[tuple[str | zipfile.ZipInfo, bytes | str]] = [(ANSWER, SOURCE)]
    entries += [(f"extra{i}.py", "") for i in range(3)]
    path = make_zip(tmp_path / "many.zip", entries)

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == ("the zip holds 4 files, over the limit of 3",)


def test_an_oversize_answer_in_a_zip_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1024)
    path = make_zip(tmp_path / "work.zip", [(ANSWER, "x = 1  # padding\n" * 200)])

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (
        f"{ANSWER} is 3 KB, over the 1 KB limit for an answer file, so it was not graded",
    )


def test_a_non_utf8_answer_in_a_zip_is_reported(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "work.zip", [(ANSWER, b"\xff\xfe\x00X")])

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (f"{ANSWER} is not UTF-8 text, so it was not graded",)


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not really a zip", b"", b"%PDF-1.7\n"],
    ids=["garbage", "empty", "pdf"],
)
def test_a_corrupt_zip_is_a_problem_not_an_exception(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "work.zip"
    path.write_bytes(content)

    submission = read(path)

    assert submission == Submission(
        "ada", {}, "zip", problems=("work.zip is not a readable zip file (File is not a zip file)",)
    )


def test_a_truncated_zip_is_a_problem(tmp_path: Path) -> None:
    whole = make_zip(tmp_path / "whole.zip", [(ANSWER, SOURCE * 50)]).read_bytes()
    path = tmp_path / "work.zip"
    path.write_bytes(whole[: len(whole) // 2])

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == ("work.zip is not a readable zip file (File is not a zip file)",)


def test_a_bad_checksum_in_a_zip_is_a_problem(tmp_path: Path) -> None:
    data = bytearray(
        make_zip(tmp_path / "whole.zip", [(ANSWER, SOURCE)], zipfile.ZIP_STORED).read_bytes()
    )
    data[data.index(b"return 0")] = ord("R")
    path = tmp_path / "work.zip"
    path.write_bytes(bytes(data))

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (
        f"{ANSWER} could not be read (Bad CRC-32 for file '{ANSWER}'), so it was not graded",
    )


def test_corrupt_compressed_data_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    data = bytearray(make_zip(tmp_path / "whole.zip", [(ANSWER, "x = 1\n" * 200)]).read_bytes())
    start = data.index(ANSWER.encode()) + len(ANSWER) + 5  # inside the deflate stream
    for index in range(start, start + 10):
        data[index] ^= 0xFF
    path = tmp_path / "work.zip"
    path.write_bytes(bytes(data))

    submission = read(path)

    assert submission.answers == {}
    assert len(submission.problems) == 1
    assert submission.problems[0].startswith(f"{ANSWER} could not be read (Error -3 ")


# --- notebooks -------------------------------------------------------------------------


def test_a_notebook_answer_cell(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path,
        markdown("# Exercise\n%%answer data/quality/rules.py\nnot code"),
        code("import math\nprint(math.pi)", 1),
        code([f"%%answer {ANSWER}\n", "def count_missing(rows):\n", "    return 0\n"], 2),
        {"cell_type": "raw", "metadata": {}, "source": f"%%answer {ANSWER}\nraw text"},
    )

    submission = read(path)

    assert submission == Submission("ada", {ANSWER: SOURCE}, "notebook")


@pytest.mark.parametrize(
    "line",
    [
        f"%%answer src/packages/{ANSWER}",
        f"%%answer ./{ANSWER}",
        f"  %%answer   {ANSWER}  ",
        f"%%answer {ANSWER}\r",
    ],
)
def test_answer_paths_are_normalised(tmp_path: Path, line: str) -> None:
    path = write_notebook(tmp_path, code(f"{line}\n{SOURCE}"))

    assert read(path).answers == {ANSWER: SOURCE}


def test_cell_ids_may_be_duplicated_or_missing(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path,
        code("x = 1", 1, id="same"),
        code("y = 2", 2, id="same"),
        answer_cell(SOURCE, count=3),
    )

    submission = read(path)

    assert submission.answers == {ANSWER: SOURCE}
    assert submission.problems == ()


def test_the_cell_run_last_wins(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path, answer_cell(SOURCE, count=7), answer_cell(OTHER, count=3), code("x", 9)
    )

    assert read(path).answers == {ANSWER: SOURCE}


def test_without_execution_counts_the_later_cell_wins(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, answer_cell(OTHER), answer_cell(SOURCE))

    assert read(path).answers == {ANSWER: SOURCE}


def test_a_run_cell_beats_a_later_unrun_one(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, answer_cell(SOURCE, count=2), answer_cell(OTHER))

    assert read(path).answers == {ANSWER: SOURCE}


def test_a_file_beats_a_notebook_cell(tmp_path: Path) -> None:
    root = folder(tmp_path / "sub", {ANSWER: SOURCE})
    (root / "work.ipynb").write_bytes(notebook(answer_cell(OTHER, count=99)))

    submission = read(root)

    assert submission == Submission("ada", {ANSWER: SOURCE}, "directory")


def test_a_folder_of_notebooks(tmp_path: Path) -> None:
    root = tmp_path / "sub"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "renamed copy.ipynb").write_bytes(notebook(answer_cell(SOURCE)))

    assert read(root) == Submission("ada", {ANSWER: SOURCE}, "directory")


def test_a_notebook_inside_a_zip(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "work.zip", [("work.ipynb", notebook(answer_cell(SOURCE)))])

    assert read(path) == Submission("ada", {ANSWER: SOURCE}, "zip")


def test_an_answer_cell_for_another_path_is_ignored(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path, answer_cell("X = 1\n", "data/quality/other.py"), answer_cell(SOURCE)
    )

    submission = read(path)

    assert submission.answers == {ANSWER: SOURCE}
    assert submission.ignored == ("work.ipynb: %%answer data/quality/other.py",)
    assert submission.problems == ()


@pytest.mark.parametrize("target", ["../x.py", "/abs/x.py", "data/quality/rules.txt", ""])
def test_an_answer_line_outside_the_packages_is_reported(tmp_path: Path, target: str) -> None:
    line = f"%%answer {target}".strip()
    path = write_notebook(tmp_path, code(f"{line}\nX = 1\n"))

    submission = read(path)

    assert submission.answers == {}
    assert submission.problems == (
        f"work.ipynb: '{line}' does not name a .py file under src/packages",
    )


def test_a_bad_answer_line_does_not_hide_the_good_cells(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, code("%%answer ../x.py\nX = 1\n"), answer_cell(SOURCE))

    submission = read(path)

    assert submission.answers == {ANSWER: SOURCE}
    assert submission.problems == (
        "work.ipynb: '%%answer ../x.py' does not name a .py file under src/packages",
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b"{not json",
            "work.ipynb is not valid notebook JSON "
            "(line 1: Expecting property name enclosed in double quotes)",
        ),
        (b"", "work.ipynb is not valid notebook JSON (line 1: Expecting value)"),
        (b'{"cells": [}', "work.ipynb is not valid notebook JSON (line 1: Expecting value)"),
        (b'{"cells": "caf\xe9"}', "work.ipynb is not UTF-8 text, so it is not a notebook"),
        (b"[1, 2]", "work.ipynb has no list of cells, so it is not a notebook"),
        (b'{"cells": "none"}', "work.ipynb has no list of cells, so it is not a notebook"),
        (b'{"nbformat": 4}', "work.ipynb has no list of cells, so it is not a notebook"),
    ],
    ids=["malformed", "empty", "truncated", "latin1", "list", "cells-not-a-list", "no-cells"],
)
def test_an_unreadable_notebook_is_reported_by_name(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "work.ipynb"
    path.write_bytes(content)

    assert read(path) == Submission("ada", {}, "notebook", problems=(problem,))


def test_an_unreadable_notebook_in_a_folder_is_reported_by_its_path(tmp_path: Path) -> None:
    root = folder(tmp_path / "sub", {"notebooks/work.ipynb": "[]", ANSWER: SOURCE})

    submission = read(root)

    assert submission.answers == {ANSWER: SOURCE}
    assert submission.problems == (
        "notebooks/work.ipynb has no list of cells, so it is not a notebook",
    )


def test_a_notebook_without_answer_cells_is_reported(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, markdown("# Notes"), code("print('hi')", 1))

    assert read(path) == Submission(
        "ada", {}, "notebook", problems=("work.ipynb has no %%answer cell",)
    )


def test_an_oversize_notebook_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_NOTEBOOK_BYTES", 2**20)
    path = write_notebook(tmp_path, answer_cell(SOURCE + "#" * 2**20))

    assert read(path) == Submission(
        "ada", {}, "notebook", problems=("work.ipynb is over 1 MB, so it was not read",)
    )


# --- other formats ---------------------------------------------------------------------


def test_a_pdf_is_not_a_submission_format(tmp_path: Path) -> None:
    path = tmp_path / "essay.pdf"
    path.write_bytes(b"%PDF-1.7\n")

    assert read(path) == Submission(
        "ada",
        {},
        "file",
        problems=(
            "essay.pdf is not a submission format: hand in a folder, a .zip or .ipynb notebooks",
        ),
    )


def test_a_lone_python_file_is_not_a_submission_format(tmp_path: Path) -> None:
    path = tmp_path / "rules.py"
    path.write_text(SOURCE)

    assert read(path) == Submission(
        "ada",
        {},
        "file",
        problems=(
            "rules.py is a lone Python file; hand in a folder, a .zip or notebooks "
            "so its place under src/packages is known",
        ),
    )


# --- fingerprints ----------------------------------------------------------------------


def test_the_fingerprint_follows_the_answers_only(tmp_path: Path) -> None:
    root = folder(tmp_path / "sub", {ANSWER: SOURCE})
    first = read(root).fingerprint()

    folder(root, {"conftest.py": "import evil\n", "notes.md": "todo\n"})
    with_extras = read(root)
    folder(root, {ANSWER: OTHER})
    changed = read(root).fingerprint()

    assert with_extras.ignored == ("conftest.py", "notes.md")
    assert with_extras.fingerprint() == first
    assert changed != first
    assert len(first) == 16
    assert int(first, 16) >= 0


def test_the_fingerprint_does_not_depend_on_how_the_work_was_handed_in(tmp_path: Path) -> None:
    from_folder = read(folder(tmp_path / "sub", {ANSWER: SOURCE}))
    from_zip = read(make_zip(tmp_path / "work.zip", [(ANSWER, SOURCE)]))
    from_notebook = read(write_notebook(tmp_path, answer_cell(SOURCE)))

    assert from_folder.fingerprint() == from_zip.fingerprint() == from_notebook.fingerprint()


def test_the_fingerprint_changes_with_the_answer_path() -> None:
    first = Submission("ada", {"a.py": "X = 1\n"}, "directory")
    second = Submission("ada", {"b.py": "X = 1\n"}, "directory")

    assert first.fingerprint() != second.fingerprint()


def test_a_zip_is_never_extracted(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(ANSWER, SOURCE)
    path = tmp_path / "work.zip"
    path.write_bytes(buffer.getvalue())

    read(path)

    assert listing(tmp_path) == ["work.zip"]


def test_an_unreadable_answer_file_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder(tmp_path / "sub", {ANSWER: SOURCE, "notes.md": "x"})
    unreadable = root / ANSWER
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # what chmod 000 does for a user other than root
        if self == unreadable:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    submission = read(root)

    assert submission.answers == {}
    assert len(submission.problems) == 1
    assert submission.problems[0].startswith(f"{ANSWER} ")


def test_an_answer_cell_obeys_the_answer_file_size_limit(tmp_path: Path) -> None:
    big = SOURCE + "#" * (intake.MAX_FILE_BYTES + 1)

    submission = read(write_notebook(tmp_path, answer_cell(big)))

    assert submission.answers == {}
    assert submission.problems == (
        f"work.ipynb: the %%answer {ANSWER} cell is {len(big.encode()) // 1024} KB, over the "
        f"{intake.MAX_FILE_BYTES // 1024} KB limit for an answer, so it was not graded",
    )


def test_a_cell_with_old_mac_line_endings_is_read_and_its_problems_are_short(
    tmp_path: Path,
) -> None:
    cr_cell = {
        "cell_type": "code",
        "source": f"%%answer {ANSWER}\r{SOURCE.replace(chr(10), chr(13))}",
    }
    junk = {"cell_type": "code", "source": "%%answer " + "x" * 100_000 + "\rpass"}

    submission = read(write_notebook(tmp_path, cr_cell, junk))

    assert submission.answers == {ANSWER: SOURCE}
    assert all(len(p) < 400 for p in submission.problems)
