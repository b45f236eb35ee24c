"""An object store in a dict: for tests, notebooks and Pyodide."""

from __future__ import annotations

from integrations.cloud.domain.keys import validate_key, validate_prefix


def as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    """An immutable copy of ``data``; anything but bytes-like is a ``TypeError``."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"objects are bytes, got {type(data).__name__}; encode text first")
    return bytes(data)


class InMemoryObjectStore:
    """The ``ObjectStore`` port in memory. Deleting a missing key does nothing."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes) -> None:
        self._objects[validate_key(key)] = as_bytes(data)

    async def get(self, key: str) -> bytes:
        try:
            return self._objects[validate_key(key)]
        except KeyError:
            raise KeyError(key) from None

    async def delete(self, key: str) -> None:
        self._objects.pop(validate_key(key), None)

    async def keys(self, prefix: str = "") -> list[str]:
        """Keys starting with ``prefix`` (a plain string prefix), sorted."""
        validate_prefix(prefix)
        return sorted(k for k in self._objects if k.startswith(prefix))
