"""Runs import-linter on a tree and prints the outcome as JSON.

Started as a script by ``import_contracts.py``: import-linter keeps global state and
finds packages through ``sys.path``, so each tree gets a fresh interpreter whose path
starts with that tree. It only parses source files; it never imports the tree's code.

Usage: python _lint_worker.py CONFIG TREE [CONTRACT_ID ...]   one tree, one line
       python _lint_worker.py --serve                           one line per request

``--serve`` imports import-linter once, then reads one JSON request per line on
standard input (``{"config": ..., "tree": ..., "ids": [...]}``) and forks a child for
each: the child starts from that warm state, checks the tree and dies, so no tree ever
sees the state another one left. One JSON line answers each request, in order.
"""

import json
import os
import sys
from typing import Any, TextIO


def _chains(metadata: Any) -> list[list[dict[str, Any]]]:
    """Every import chain in a contract's metadata, whatever the contract type.

    import-linter stores chains differently per contract type; all of them are lists
    of links, a link being a dict with importer, imported and line_numbers.
    """
    found: list[list[dict[str, Any]]] = []
    if isinstance(metadata, dict):
        for value in metadata.values():
            found.extend(_chains(value))
    elif isinstance(metadata, list | tuple):
        if metadata and all(isinstance(x, dict) and "importer" in x for x in metadata):
            found.append(
                [
                    {
                        "importer": link["importer"],
                        "imported": link["imported"],
                        "line_numbers": [n for n in link.get("line_numbers", ()) if n],
                    }
                    for link in metadata
                ]
            )
        else:
            for value in metadata:
                found.extend(_chains(value))
    return found


def main(config: str, tree: str, contract_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    sys.path.insert(0, tree)
    from importlinter import configuration
    from importlinter.application import use_cases

    configuration.configure()
    options = use_cases._normalize_user_options(use_cases.read_user_options(config))
    roots = options.session_options["root_packages"]
    if isinstance(roots, str):  # a one-line ini value arrives as a string
        options.session_options["root_packages"] = [roots]
    use_cases._register_contract_types(options)
    report = use_cases.create_report(options, contract_ids, cache_dir=None)
    contracts = []
    for contract, check in report.get_contracts_and_checks():
        contracts.append(
            {
                "id": contract.contract_options.get("id") or contract.name,
                "name": contract.name,
                "kept": bool(check.kept),
                "chains": [] if check.kept else _chains(check.metadata),
            }
        )
    invalid = {name: str(error) for name, error in report.invalid_contract_options.items()}
    return {
        "modules": report.module_count,
        "imports": report.import_count,
        "contracts": contracts,
        "error": f"invalid contract options: {invalid}" if invalid else None,
    }


def outcome(config: str, tree: str, contract_ids: tuple[str, ...]) -> dict[str, Any]:
    try:
        return main(config, tree, contract_ids)
    except Exception as error:  # reported as data: the caller turns it into a failed check
        return {"error": f"{type(error).__name__}: {error}"}


def serve(requests: TextIO, answers: TextIO) -> None:
    from importlinter import configuration
    from importlinter.application import use_cases  # noqa: F401 - warmed for the children

    configuration.configure()
    for line in requests:
        request = json.loads(line)
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read_end)
            found = outcome(request["config"], request["tree"], tuple(request["ids"]))
            os.write(write_end, json.dumps(found).encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(child, 0)
        answers.write((data.decode() or '{"error": "the check died"}') + "\n")
        answers.flush()


if __name__ == "__main__":
    result = sys.stdout
    # import-linter draws progress bars with rich, which may decide it is in a terminal
    # (in Jupyter, say): keep all of that away from the one line of JSON we print.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.argv[1:] == ["--serve"]:
        serve(sys.stdin, result)
    else:
        result.write(json.dumps(outcome(sys.argv[1], sys.argv[2], tuple(sys.argv[3:]))) + "\n")
