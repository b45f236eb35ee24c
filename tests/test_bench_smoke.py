"""bench/peer_bench.py makes the 20 learners it says it makes (nothing is timed here)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from grader.adapters.manifest import reference_answers
from grader.configuration import App, build, locate_course

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import peer_bench  # noqa: E402 - a script beside the benches, not a package

# What the notebook's "Try it" cell does: wire both answers, validate a dataset with a gap.
SCENARIO = """
import asyncio, json, sys
from deployment.bootstrap import bootstrap
from shared.interfaces import DataSet

found = {}
for path, text in json.loads(sys.stdin.read()).items():
    exec(compile(text, path, "exec"), found)

async def main():
    app = bootstrap()
    found["CleanupOnValidationFailure"](app.event_bus, app.locator)
    validator = await app.locator.get_service("data_quality", "validator")
    gaps = DataSet.from_records([{"id": 1, "v": 1.0}, {"id": 2, "v": None}], name="gaps")
    await found["validate_and_publish"](gaps, validator, app.event_bus)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def app() -> App:
    return build(locate_course(ROOT))


@pytest.fixture(scope="module")
def reference(app: App) -> dict[str, str]:
    answers = reference_answers(app.exercises.get(peer_bench.EXERCISE))
    assert answers
    return answers


def finishes(answers: dict[str, str], seconds: float = 4) -> bool:
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCENARIO],
            input=json.dumps(answers),
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    assert done.returncode == 0, done.stderr
    return True


def imports(answers: dict[str, str]) -> bool:
    try:
        for path, text in answers.items():
            exec(compile(text, path, "exec"), {"__name__": "answer"})
    except ImportError:
        return False
    return True


def test_the_twenty_learners_are_of_the_intended_kinds(app: App, reference: dict[str, str]) -> None:
    peers = peer_bench.submissions(reference)
    assert Counter(p.kind for p in peers) == {
        "correct": 10,
        "partial": 5,
        "import error": 3,
        "looping": 2,
    }
    assert len({p.name for p in peers}) == 20
    specs = app.grader.collector.collect(app.exercises.get(peer_bench.EXERCISE), True)
    tests = {s.id.rsplit("::", 1)[-1] for s in specs}
    for peer in peers:
        assert set(peer.answers) == set(reference)
        if peer.kind == "correct":
            assert peer.answers == reference
            assert peer.loses == ()
        else:  # one answer file edited, and the tests it should lose named
            assert sum(peer.answers[p] != reference[p] for p in reference) == 1, peer.name
            assert peer.loses == peer_bench.ALL or set(peer.loses) < tests, peer.name
        assert imports(peer.answers) == (peer.kind != "import error"), peer.name


def test_the_looping_learners_loop_and_the_reference_does_not(reference: dict[str, str]) -> None:
    assert finishes(reference, seconds=20)
    for peer in peer_bench.submissions(reference):
        if peer.kind == "looping":
            assert not finishes(peer.answers), f"{peer.name} ended"
