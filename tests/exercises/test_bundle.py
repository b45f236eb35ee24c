"""The learner bundle: a working course for trainees, with nothing instructors keep back."""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.cli import main
from tests.exercises.support import MARKERS, ROOT, secret_lines

ANSWER = "data/data_quality/adapters/anomaly_detection.py"


def test_the_bundle_holds_the_course_and_no_secrets(tmp_path: Path) -> None:
    out = tmp_path / "learner.zip"

    assert main(["bundle", str(out)]) == 0

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        text = "\n".join(archive.read(n).decode(errors="ignore") for n in names)
        # The grader's own code names the markers it looks for; that is no leak.
        released = "\n".join(
            archive.read(n).decode(errors="ignore") for n in names if "/grader/" not in n
        )
    assert "hexagon-course/src/packages/shared/integration/event_bus.py" in names
    assert "hexagon-course/exercises/01-adapter/01-adapter.ipynb" in names
    assert "hexagon-course/grader/notebook.py" in names
    assert "hexagon-course/jupyter/trainee/page_config.json" in names  # make run needs it
    assert "hexagon-course/jupytext.toml" in names
    assert not [n for n in names if "/solutions/" in n or "/hidden/" in n or "/tests/grader" in n]
    assert [s for s in secret_lines() if s in text] == []
    assert [m for m in MARKERS if m in released] == []


def test_a_trainee_can_check_work_in_the_unpacked_bundle(tmp_path: Path) -> None:
    out = tmp_path / "learner.zip"
    main(["bundle", str(out)])
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "unpacked")
    course = tmp_path / "unpacked" / "hexagon-course"
    work = tmp_path / "work"
    (work / ANSWER).parent.mkdir(parents=True)
    (work / ANSWER).write_text(
        "from shared.integration.domain_adapters import BaseDomainAdapter\n\n\n"
        "class AnomalyDetectionAdapter(BaseDomainAdapter):\n"
        '    domain_name = "anomaly_detection"\n\n'
        "    async def detect_anomalies(self, dataset):\n"
        '        return await self.call("detector", "detect", dataset)\n'
    )

    assert main(["--course", str(course), "check", "01-adapter", str(work)]) == 0
    assert main(["--course", str(course), "validate", "01-adapter"]) == 1  # no solutions here
    assert not (ROOT / "exercises/01-adapter/workspace").exists()
