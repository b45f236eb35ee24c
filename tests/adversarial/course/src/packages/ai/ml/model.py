"""Another domain, which happens to hold what the exercise asks for: importing it is the
shortcut the boundary checks must catch, however the import is written."""

from shared.ports import Row


def count_missing(rows: list[Row]) -> int:
    return sum(value is None for row in rows for value in row.values())
