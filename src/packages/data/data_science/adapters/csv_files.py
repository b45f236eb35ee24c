"""Datasets to and from CSV text or files.

Reading turns each cell into the value it spells: ``""`` into ``None``, ``"42"`` into
``42``, ``"4.2"`` into ``4.2``, ``"true"``/``"false"`` (any case) into booleans; every
other cell stays text. Writing is the reverse, with ``None`` as an empty cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from shared.interfaces.datasets import DataSet


def parse_cell(text: str) -> Any:
    """The value a CSV cell spells (see the module docstring)."""
    if text == "":
        return None
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def dataset_from_csv(text: str, name: str = "dataset") -> DataSet:
    """A dataset from CSV text whose first line names the columns."""
    reader = csv.DictReader(io.StringIO(text))
    records = []
    for row in reader:
        if None in row:  # DictReader files surplus cells under the key None
            raise ValueError(f"{name}: line {reader.line_num} has more cells than the header")
        # A short line leaves its last cells as None: they are missing, like empty ones.
        records.append({column: parse_cell(cell or "") for column, cell in row.items()})
    return DataSet.from_records(records, name=name)


def dataset_to_csv(dataset: DataSet) -> str:
    """CSV text with a header line; missing cells are empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(dataset.columns), lineterminator="\n")
    writer.writeheader()
    for record in dataset.records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return buffer.getvalue()


def load_csv(path: str | Path, name: str | None = None) -> DataSet:
    """A dataset from a CSV file, named after the file unless ``name`` is given."""
    path = Path(path)
    return dataset_from_csv(path.read_text(encoding="utf-8"), name or path.stem)


def save_csv(dataset: DataSet, path: str | Path) -> None:
    Path(path).write_text(dataset_to_csv(dataset), encoding="utf-8")
