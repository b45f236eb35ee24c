"""An object store in a folder of the local file system: one file per key.

Behaviour choices, stated once:

* The key is the file's path under ``root`` (created if missing); folders are made as
  needed. Besides the key rules of :mod:`integrations.cloud.domain.keys`, the resolved
  path must stay under the resolved root, so a symbolic link cannot lead outside it.
* A write goes to a temporary file first, then replaces the object in one step, so a
  reader never sees half an object. Temporary files start with ``.`` and end in
  ``.partial``; ``keys()`` skips them.
* Deleting a missing key does nothing; getting one raises ``KeyError(key)``.
* Two keys a file system cannot hold are refused with a ``ValueError``: a key under
  another object (``a/b`` when ``a`` exists) or naming a folder of objects, and a key
  whose last segment looks like a temporary file (``.name.partial``).
* The I/O is blocking, in plain functions the async methods call: no threads, so the
  store runs in Pyodide too. Objects are expected to be small (datasets, models).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from integrations.cloud.adapters.memory import as_bytes
from integrations.cloud.domain.keys import validate_key, validate_prefix

_PARTIAL = ".partial"


class LocalFileSystemObjectStore:
    """The ``ObjectStore`` port over the folder ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._resolved_root = self.root.resolve()

    def path_for(self, key: str) -> Path:
        """The file that holds ``key``; a key that would leave the root is a ``ValueError``."""
        path = self._resolved_root.joinpath(*validate_key(key).split("/"))
        if not path.resolve().is_relative_to(self._resolved_root):
            raise ValueError(f"object key {key!r} resolves outside the store's root")
        return path

    async def put(self, key: str, data: bytes) -> None:
        _write(self._resolved_root, key, self.path_for(key), as_bytes(data))

    async def get(self, key: str) -> bytes:
        return _read(key, self.path_for(key))

    async def delete(self, key: str) -> None:
        _delete(self.path_for(key))

    async def keys(self, prefix: str = "") -> list[str]:
        """Keys starting with ``prefix`` (a plain string prefix), sorted."""
        return [k for k in _list(self._resolved_root) if k.startswith(validate_prefix(prefix))]


def _write(root: Path, key: str, path: Path, content: bytes) -> None:
    if _is_partial(path.name):
        raise ValueError(f"object key {key!r} looks like a temporary file ('.*{_PARTIAL}')")
    if path.is_dir():
        raise ValueError(f"object key {key!r} names a folder of other objects")
    blocking = next((p for p in path.parents if p.is_file()), None)
    if blocking is not None:
        raise ValueError(
            f"object key {key!r} is under {blocking.relative_to(root).as_posix()!r}, "
            "which is an object"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=_PARTIAL)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(key: str, path: Path) -> bytes:
    if not path.is_file():
        raise KeyError(key)
    return path.read_bytes()


def _delete(path: Path) -> None:
    if path.is_file():  # a folder is not an object: leave it, as for a missing key
        path.unlink()


def _list(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not _is_partial(path.name)
    )


def _is_partial(name: str) -> bool:
    return name.startswith(".") and name.endswith(_PARTIAL)
