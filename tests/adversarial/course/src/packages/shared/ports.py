"""What crosses domains."""

Row = dict[str, object]
