"""Learners' names and texts are only text: they never collide, run as markup or formulas.

A batch of learners whose ids differ only in case, separators, invisible or look-alike
characters (or a folder beside a zip of the same name) must not let one overwrite
another's results; a failure message full of rich markup must not stop ``grader grade``;
a learner id that a spreadsheet would run as a formula is written as plain text.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest

from grader.adapters.sandbox import bubblewrap_problem
from grader.cli import main

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course"
ANSWER = "data/quality/rules.py"
HONEST = (HERE / "attacks/honest/answer.py").read_text()
MARKUP = (HERE / "attacks/markup-in-message/answer.py").read_text()
COLLIDING = ["Ada", "ada", "a-da", "ａｄａ", "ad\u200ba", "\u0430da"]  # the last: Cyrillic a
FORMULA = '=2+5*HYPERLINK("x")'

PROBLEM = bubblewrap_problem()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PROBLEM is not None, reason=f"bubblewrap is needed here: {PROBLEM}"),
]


def hand_in(room: Path, learner: str, source: str = HONEST) -> None:
    target = room / learner / ANSWER
    target.parent.mkdir(parents=True)
    target.write_text(source)


def test_learners_who_cannot_be_told_apart_are_refused_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    room, out = tmp_path / "submissions", tmp_path / "out"
    room.mkdir()
    for learner in [*COLLIDING, "bob", FORMULA]:
        hand_in(room, learner)
    with zipfile.ZipFile(room / "bob.zip", "w") as archive:  # beside the folder bob/
        archive.writestr(ANSWER, "def count_missing(rows):\n    return 0\n")
    hand_in(room, "cy")

    code = main(["--course", str(COURSE), "batch", str(room), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    graded = sorted(p.name for p in (out / "results").iterdir())
    assert len(graded) == 2
    assert graded[0].startswith("_2_5_HYPERLINK__x__~")  # made safe, and marked so
    assert graded[1] == "cy"
    assert f"refused {len(COLLIDING) + 2} submission(s)" in " ".join(printed.split())
    assert "rename all but one" in printed
    rows = list(csv.reader((out / "gradebook.csv").open()))
    learners = [row[0] for row in rows[1:]]
    assert sorted(learners) == sorted(["cy", "'" + FORMULA])  # a formula is text


def test_markup_in_a_failure_message_is_printed_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "submission"
    (folder / ANSWER).parent.mkdir(parents=True)
    (folder / ANSWER).write_text(MARKUP)

    code = main(["--course", str(COURSE), "grade", "rules", str(folder), "--out", str(tmp_path)])

    folded = re.sub(r"[\s│┃]", "", capsys.readouterr().out)  # the table wraps long text
    assert code == 0
    assert "[/][boldred]=HYPERLINK" in folded
    result = json.loads((tmp_path / "rules.json").read_text())
    assert result["score"] == 0
