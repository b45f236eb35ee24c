"""MkDocs hook: the grader's command-line reference, generated from its argparse parser.

Where a page says ``<!-- generated: grader-cli -->``, this hook writes one section per
sub-command of ``grader.cli.parser()``: its help, its usage line and a table of its
arguments. Nothing is copied by hand, so the page cannot drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- generated: grader-cli -->"
WIDTH = 88


def _fixed_width(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    return choice.help or ""
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _arguments_table(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.option_strings:
            name = ", ".join(f"`{o}`" for o in action.option_strings)
            if action.nargs != 0:
                name += f" `{action.metavar or action.dest.upper()}`"
                if action.nargs in ("+", "*"):
                    name += " …"
        else:
            name = f"`{action.metavar or action.dest}`"
            if action.nargs == "?":
                name += " (optional)"
        meaning = action.help or ""
        if action.choices:
            meaning += f" One or more of: {', '.join(f'`{c}`' for c in action.choices)}."
        if action.required and action.option_strings:
            meaning += " Required."
        default = action.default
        shown = "" if default in (None, False, [], argparse.SUPPRESS) else f"`{default}`"
        if isinstance(default, list) and default:
            shown = " ".join(f"`{d}`" for d in default)
        rows.append(f"| {name} | {_cell(meaning.strip())} | {shown} |")
    if not rows:
        return []
    return ["| argument | meaning | default |", "|---|---|---|", *rows, ""]


def render(parser: argparse.ArgumentParser) -> str:
    """Markdown for the whole command line: global options, then each sub-command."""
    _fixed_width(parser)
    lines = [
        (parser.description or "").replace("``", "`"),
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        *_arguments_table(parser),
    ]
    for name, sub in _subcommands(parser).items():
        _fixed_width(sub)
        lines += [
            f"## `{sub.prog}`",
            "",
            _help_of(parser, name).capitalize() + ".",
            "",
            "```text",
            sub.format_usage().strip(),
            "```",
            "",
            *_arguments_table(sub),
        ]
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    root = str(Path(config["config_file_path"]).parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    from grader.cli import parser

    return markdown.replace(MARKER, render(parser()))
