# ruff: noqa
"""Failure messages and a stray file name full of terminal markup and spreadsheet formulas."""


def count_missing(rows):
    raise ValueError('[/] [bold red]=HYPERLINK("x")[/bold red] [link=file:///etc/passwd]x[/link]')


def is_complete(rows):
    return count_missing(rows) == 0
