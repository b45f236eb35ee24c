"""Object keys: relative, ``/``-separated paths that cannot leave the store.

The same rules hold for every store, so that a key that works in memory in a test also
works on disk, and a key can never name a file outside the store's root.
"""

from __future__ import annotations

_FORBIDDEN_SEGMENTS = {".": "'.'", "..": "'..'"}


def validate_key(key: str) -> str:
    """Return ``key`` if it is valid; otherwise raise ``ValueError`` saying why.

    Valid: a non-empty string of segments joined by ``/``, none of them empty, ``.``
    or ``..``; not absolute (no leading ``/``, no drive such as ``C:``); no ``\\``
    (a path separator on Windows) and no NUL character.
    """
    if not isinstance(key, str):
        raise ValueError(f"an object key must be a string, got {type(key).__name__}")
    if not key:
        raise ValueError("an object key must not be empty")
    if "\x00" in key:
        raise ValueError(f"object key {key!r} contains a NUL character")
    if "\\" in key:
        raise ValueError(f"object key {key!r} contains '\\'; separate segments with '/'")
    if key.startswith("/"):
        raise ValueError(f"object key {key!r} is absolute; keys are relative to the store")
    first = key.split("/", 1)[0]
    if len(first) >= 2 and first[1] == ":" and first[0].isalpha():
        raise ValueError(f"object key {key!r} starts with a drive; keys are relative")
    for segment in key.split("/"):
        if segment == "":
            raise ValueError(f"object key {key!r} has an empty segment ('//' or a trailing '/')")
        if segment in _FORBIDDEN_SEGMENTS:
            raise ValueError(
                f"object key {key!r} contains a {_FORBIDDEN_SEGMENTS[segment]} segment; "
                "keys cannot move between folders"
            )
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix: any string without NUL (it need not be a whole key)."""
    if not isinstance(prefix, str) or "\x00" in prefix:
        raise ValueError(f"invalid key prefix {prefix!r}")
    return prefix
