# ruff: noqa
"""Overwrite results, the gradebook, other learners' answers and the course's tests."""

import os

TARGETS = {
    "@@OUT@@/results/honest/rules.json": '{"score": 0}',
    "@@OUT@@/results/mallory/rules.json": '{"score": 7, "max_score": 7}',
    "@@OUT@@/notes.txt": "overwritten",
    "@@OUT@@/gradebook.csv": "learner,rules\nwrite-output-folder,7\n",
    "@@SUBMISSIONS@@/honest/data/quality/rules.py": "raise SystemExit",
    "@@COURSE@@/exercises/rules/tests/test_rules.py": "def test_nothing(): pass\n",
    "grader_tests/public/test_rules.py": "def test_nothing(): pass\n",
    "grader_tests/public/conftest.py": "import pytest\n",
    "grader_tests/pytest.ini": "[pytest]\n",
    "src/packages/data/quality/__init__.py": "",
    "/tmp/../@@OUT@@/results/x.json": "{}",
}
WRITTEN = []
for path, text in TARGETS.items():
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        WRITTEN.append(path)
    except OSError:
        pass


def count_missing(rows):
    raise NotImplementedError("count the missing values")


def is_complete(rows):
    raise NotImplementedError("use count_missing")
