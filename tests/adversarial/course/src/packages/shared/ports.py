"""What crosses domains."""

Row = dict[str, object]


def is_missing(value: object) -> bool:
    """The kernel's one definition of a missing value (no answer may redefine it)."""
    return value is None
