"""Reads the boundaries config: import-linter's contracts plus our remedy sections."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = ".importlinter"


@dataclass(frozen=True)
class Remedy:
    advice: str
    section: str


@dataclass(frozen=True)
class BoundaryConfig:
    path: Path
    root_packages: tuple[str, ...]
    domains: tuple[str, ...]  # the modules of the independence contract
    contract_names: dict[str, str]
    remedies: dict[str, Remedy]

    def remedy(self, check: str) -> Remedy:
        return self.remedies.get(check, Remedy("", ""))


def _lines(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace(",", "\n").splitlines() if part.strip())


def load(path: Path) -> BoundaryConfig:
    if not path.is_file():
        raise FileNotFoundError(f"no boundaries config at {path}")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    if not parser.has_section("importlinter"):
        raise ValueError(f"{path}: no [importlinter] section")
    contracts = {
        section.split(":", 2)[2]: parser[section]
        for section in parser.sections()
        if section.startswith("importlinter:contract:")
    }
    domains: tuple[str, ...] = ()
    for contract in contracts.values():
        if contract.get("type") == "independence":
            domains += _lines(contract.get("modules", ""))
    return BoundaryConfig(
        path=path,
        root_packages=_lines(parser["importlinter"].get("root_packages", "")),
        domains=domains,
        contract_names={cid: c.get("name", cid) for cid, c in contracts.items()},
        remedies={
            section.split(":", 1)[1]: Remedy(
                parser[section].get("advice", ""), parser[section].get("section", "")
            )
            for section in parser.sections()
            if section.startswith("remedy:")
        },
    )
