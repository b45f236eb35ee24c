"""Every attack in ``attacks/`` against the adversarial course, in one batch.

An attack is a folder ``attacks/<name>/`` holding ``answer.py`` (the answer file's text
for ``data/quality/rules.py``), optionally ``plant/`` (extra files handed in next to it),
and ``expected.toml``:

```toml
about = "what the attack tries"
score = 0                      # the exact score the grader must give
review = true                  # needs_review (default true: an attack must be flagged)
flags = ["suspicious-code"]    # flag kinds that must appear
messages = ["sys._getframe"]   # texts some flag message must contain
outcomes = { test_no_rows_no_missing = "timeout" }   # per test function, optional
test_message = { test_no_rows_no_missing = "loot: []" }
broken = ["runtime-imports"]   # contracts that must be broken
no_flags = true                # no flag at all (controls)
format = "folder"              # or "zip" ([[zip]] entries) or "symlink" (target = ...)
```

Texts may use ``@@COURSE@@``, ``@@REPO@@``, ``@@OUT@@``, ``@@SUBMISSIONS@@``,
``@@PYTHON@@``, ``@@BASE_PYTHON@@``, ``@@HOME@@`` and ``@@PORT@@`` (a server on
127.0.0.1 outside the sandbox that hands out the reference answer to whoever connects).
``absent = [...]`` lists texts that no test or flag message of the result may contain.
Adding an attack is adding a folder.

All of them are graded by one ``grader batch --jobs 2``; then each result is checked
against its expectations, and the course, the output folder's other files, the network
server and the process table are checked for harm.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import stat
import sys
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.adapters.sandbox import UNPRIVILEGED_UIDS, bubblewrap_problem
from grader.cli import main
from tests.grader.support import comparable, differences
from tests.pictures import BOUNDARY_CHECKS, check_pictures_in_json

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course"
ATTACKS = HERE / "attacks"
REPO = HERE.parents[1]
ANSWER = "data/quality/rules.py"
REFERENCE = COURSE / "solutions/rules/reference" / ANSWER
SECRETS = ("ADVERSARIAL-HIDDEN-SECRET", "ADVERSARIAL-REFERENCE-SECRET")
EARLIER_NOTE = "PRE-EXISTING-NOTE: written before the batch, must survive it"
BUDGET_SECONDS = 120
NAMES = sorted(p.name for p in ATTACKS.iterdir() if (p / "expected.toml").is_file())

PROBLEM = bubblewrap_problem()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        PROBLEM is not None, reason=f"bubblewrap cannot confine the tests here: {PROBLEM}"
    ),
]


def tree_hash(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(skip)
    }


class AnswerServer:
    """A TCP server on 127.0.0.1, outside the sandbox, that gives the answer away."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            with client:
                client.sendall(REFERENCE.read_bytes())

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.socket.close()


@dataclass
class Batch:
    out: Path
    submissions: Path
    seconds: float
    course_before: dict[str, str]
    course_after: dict[str, str]
    earlier_before: dict[str, str]
    connections: int
    leftover: list[str] = field(default_factory=list)

    def result(self, learner: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.out / "results" / learner / "rules.json").read_text()
        )
        return data


HOST = {"PYTHON": sys.prefix, "BASE_PYTHON": sys.base_prefix, "HOME": str(Path.home())}


def expected(name: str) -> dict[str, Any]:
    return tomllib.loads((ATTACKS / name / "expected.toml").read_text())


def fill(text: str, places: dict[str, str]) -> str:
    for key, value in places.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def hand_in(name: str, room: Path, places: dict[str, str]) -> None:
    """Put attack ``name`` into the submissions folder, in the form it asks for."""
    folder = ATTACKS / name
    spec = expected(name)
    answer_file = folder / "answer.py"
    answer = fill(answer_file.read_text(), places) if answer_file.is_file() else ""
    form = spec.get("format", "folder")
    if form == "zip":
        with zipfile.ZipFile(room / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in spec["zip"]:
                if "symlink" in entry:
                    info = zipfile.ZipInfo(entry["name"])
                    info.external_attr = (stat.S_IFLNK | 0o777) << 16
                    archive.writestr(info, fill(entry["symlink"], places))
                elif "zeros" in entry:
                    archive.writestr(entry["name"], b"#" + b" " * int(entry["zeros"]))
                else:
                    archive.writestr(
                        entry["name"], answer if entry.get("answer") else entry["text"]
                    )
        return
    target = room / name / ANSWER
    target.parent.mkdir(parents=True)
    if form == "symlink":
        target.symlink_to(fill(spec["target"], places))
    else:
        target.write_text(answer)
    plant = folder / "plant"
    for path in sorted(plant.rglob("*")) if plant.is_dir() else []:
        if path.is_file():
            destination = room / name / path.relative_to(plant)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(fill(path.read_text(), places))


def sandbox_processes(out: Path) -> list[str]:
    """This batch's processes still running under a sandbox's throwaway user id.

    (Other graders on the machine may be running sandboxes of their own: only processes
    whose command line names this batch's output folder are this batch's.)
    """
    low, high = UNPRIVILEGED_UIDS
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "0").split()[0])
        if low <= uid < high and str(out) in command:
            found.append(f"{status.parent.name}: {command[:200]}")
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    base = tmp_path_factory.mktemp("adversarial")
    room, out = base / "submissions", base / "out"
    room.mkdir()
    earlier = out / "results" / "zz-earlier"
    earlier.mkdir(parents=True)
    (out / "notes.txt").write_text(EARLIER_NOTE + "\n")
    earlier_result = {
        "schema": "hexagon-grader/result/v1",
        "exercise": "rules",
        "learner": "zz-earlier",
        "score": 3,
        "max_score": 9,
        "full_marks": False,
        "needs_review": False,
        "summary": "graded by an earlier batch",
        "tests": [],
        "contracts": [],
        "flags": [],
        "fingerprint": "earlier",
    }
    (earlier / "rules.json").write_text(json.dumps(earlier_result, indent=2) + "\n")
    server = AnswerServer()
    places = {
        "COURSE": str(COURSE),
        "REPO": str(REPO),
        "OUT": str(out),
        "SUBMISSIONS": str(room),
        "PORT": str(server.port),
        **HOST,
    }
    try:
        for name in NAMES:
            hand_in(name, room, places)
        course_before = tree_hash(COURSE)
        earlier_before = tree_hash(out)
        started = time.monotonic()
        code = main(["--course", str(COURSE), "batch", str(room), "--out", str(out), "--jobs", "2"])
        seconds = time.monotonic() - started
        assert code == 0
        time.sleep(0.2)  # let the kernel reap what the last sandbox left
        yield Batch(
            out,
            room,
            seconds,
            course_before,
            tree_hash(COURSE),
            earlier_before,
            server.connections,
            sandbox_processes(out),
        )
    finally:
        server.close()


@pytest.mark.parametrize("name", NAMES)
def test_attack(batch: Batch, name: str) -> None:
    spec = expected(name)
    result = batch.result(name)
    kinds = {f["kind"] for f in result["flags"]}
    messages = [f["message"] for f in result["flags"]]
    why = f"{name}: {result['summary']} flags: {messages}"

    assert result["score"] == spec["score"], why
    assert result["needs_review"] is spec.get("review", True), why
    assert set(spec.get("flags", [])) <= kinds, why
    for text in spec.get("messages", []):
        assert any(text in m for m in messages), f"{text!r} in no flag: {why}"
    if spec.get("no_flags"):
        assert result["flags"] == [], why
    tests = {t["id"].split("::")[-1]: t for t in result["tests"]}
    for test, outcome in spec.get("outcomes", {}).items():
        assert tests[test]["outcome"] == outcome, why
    for test, text in spec.get("test_message", {}).items():
        assert text in tests[test]["message"], tests[test]["message"]
    shown = [t["message"] for t in result["tests"]] + messages
    places = {"REPO": str(REPO), "OUT": str(batch.out), "SUBMISSIONS": str(batch.submissions)}
    for text in (fill(t, {**places, **HOST}) for t in spec.get("absent", [])):
        assert not [m for m in shown if text in m], f"{text!r} reached the learner: {shown}"
    contracts = {c["id"]: c for c in result["contracts"]}
    for contract in spec.get("broken", []):
        assert not contracts[contract]["kept"], why
    # Every broken boundary has its picture, in the result and on the feedback page.
    drawn = check_pictures_in_json(result["contracts"])
    page = (batch.out / "feedback" / name / "rules.html").read_text(encoding="utf-8")
    assert page.count('class="boundary-picture"') == drawn, why
    if BOUNDARY_CHECKS & set(spec.get("broken", [])):
        assert drawn >= 1, why
    if result["score"] > 0 and not spec.get("no_flags"):
        assert result["needs_review"] or spec.get("review") is False, why


def test_fresh_processes_give_every_attack_the_same_result(
    batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cold path (a new sandboxed process per test run, ``GRADER_WARM=0``) and the
    warm workers agree on every attack: scores, outcomes, flags, messages."""
    warm = {name: comparable(batch.result(name)) for name in NAMES}
    results, aside = batch.out / "results", batch.out / "results-warm"
    results.rename(aside)  # the same output folder: the same paths to hide
    monkeypatch.setenv("GRADER_WARM", "0")
    try:
        arguments = ["batch", str(batch.submissions), "--out", str(batch.out), "--jobs", "2"]
        assert main(["--course", str(COURSE), *arguments]) == 0
        cold = {name: comparable(batch.result(name)) for name in NAMES}
    finally:
        shutil.rmtree(results, ignore_errors=True)
        aside.rename(results)

    differing = {n: differences(warm[n], cold[n]) for n in NAMES if warm[n] != cold[n]}
    assert not differing, json.dumps(differing, indent=1)


def test_every_attack_was_graded_and_the_batch_was_quick(batch: Batch) -> None:
    graded = sorted(p.name for p in (batch.out / "results").iterdir())
    assert graded == sorted([*NAMES, "zz-earlier"])
    assert len(NAMES) >= 25
    assert batch.seconds < BUDGET_SECONDS, f"the batch took {batch.seconds:.0f} s"


def test_the_course_is_untouched(batch: Batch) -> None:
    assert batch.course_after == batch.course_before


def test_the_output_folder_keeps_its_other_files(batch: Batch) -> None:
    now = tree_hash(batch.out)
    for path, digest in batch.earlier_before.items():
        assert now.get(path) == digest, f"{path} changed"
    assert (batch.out / "notes.txt").read_text() == EARLIER_NOTE + "\n"
    written = {p.name for p in batch.out.iterdir()}
    expected_files = {"results", "feedback", "gradebook.csv", "junit.xml", "summary.json"}
    assert written - {".work"} == expected_files | {"summary.md", "report.html", "notes.txt"}
    assert not (batch.out / ".work").exists() or not any((batch.out / ".work").iterdir())


def test_no_secret_reaches_any_report(batch: Batch) -> None:
    for path in batch.out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            for secret in SECRETS:
                assert secret not in text, f"{secret} in {path}"
            if path.name != "notes.txt":
                assert EARLIER_NOTE not in text, f"the output folder's notes leaked into {path}"


def test_nothing_reached_the_network(batch: Batch) -> None:
    assert batch.connections == 0


def test_nothing_escaped_to_the_machine(batch: Batch) -> None:
    assert not Path("/tmp/adversarial-zip-slip.py").exists()
    assert not Path("/tmp/adversarial-zip-absolute.py").exists()
    assert not Path("/tmp/stolen").exists()
    assert not any(p.name.startswith("adversarial-zip") for p in batch.submissions.parent.iterdir())
    assert batch.leftover == [], "sandboxed processes outlived the batch"


def test_the_summary_lists_the_reviews_with_their_lines(batch: Batch) -> None:
    summary = json.loads((batch.out / "summary.json").read_text())
    reviews = {r["learner"]: r["why"] for r in summary["needs_review"]}
    for name in NAMES:
        assert (name in reviews) is expected(name).get("review", True), name
    assert any("rules.py:" in why and "sys._getframe" in why for why in reviews["frame-steal"])
    markdown = (batch.out / "summary.md").read_text()
    assert "frame-steal / rules" in markdown
