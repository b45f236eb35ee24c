"""The cloud domain: key rules and both object stores, held to the same contract."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.cloud.adapters.filesystem import LocalFileSystemObjectStore
from integrations.cloud.adapters.memory import InMemoryObjectStore
from integrations.cloud.domain.keys import validate_key
from shared.interfaces.ports import ObjectStore


@pytest.fixture(params=["memory", "filesystem"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "memory":
        yield InMemoryObjectStore()
    else:
        yield LocalFileSystemObjectStore(tmp_path / "bucket")


async def test_put_get_delete_and_list(store: ObjectStore) -> None:
    await store.put("models/churn/v1.json", b"{}")
    await store.put("models/churn/v2.json", bytearray(b"[]"))
    await store.put("reports/weekly.txt", b"ok")
    await store.put("reports/weekly.txt", b"replaced")

    assert await store.get("models/churn/v2.json") == b"[]"
    assert await store.get("reports/weekly.txt") == b"replaced"
    assert await store.keys() == [
        "models/churn/v1.json",
        "models/churn/v2.json",
        "reports/weekly.txt",
    ]
    assert await store.keys("models/") == ["models/churn/v1.json", "models/churn/v2.json"]
    assert await store.keys("rep") == ["reports/weekly.txt"]

    await store.delete("models/churn/v1.json")
    await store.delete("models/churn/v1.json")  # deleting what is gone does nothing

    assert await store.keys("models/") == ["models/churn/v2.json"]


async def test_getting_a_missing_key_is_a_key_error_with_the_key(store: ObjectStore) -> None:
    with pytest.raises(KeyError) as raised:
        await store.get("nothing/here")

    assert raised.value.args == ("nothing/here",)


async def test_objects_are_bytes(store: ObjectStore) -> None:
    with pytest.raises(TypeError, match="objects are bytes, got str"):
        await store.put("a.txt", "text")  # type: ignore[arg-type]


async def test_a_stored_object_is_a_copy(store: ObjectStore) -> None:
    data = bytearray(b"abc")
    await store.put("a", data)
    data[0] = ord("z")

    assert await store.get("a") == b"abc"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "must not be empty"),
        ("/etc/passwd", "is absolute"),
        ("C:/windows", "starts with a drive"),
        ("a\\b", "contains '\\\\'"),
        ("..", "contains a '..' segment"),
        ("a/../../b", "contains a '..' segment"),
        ("./a", "contains a '.' segment"),
        ("a//b", "has an empty segment"),
        ("a/", "has an empty segment"),
        ("a\x00b", "contains a NUL character"),
    ],
)
async def test_bad_keys_are_refused_with_the_reason(
    store: ObjectStore, key: str, reason: str
) -> None:
    for operation in (store.get(key), store.delete(key), store.put(key, b"x")):
        with pytest.raises(ValueError, match=reason):
            await operation


def test_a_key_must_be_a_string() -> None:
    with pytest.raises(ValueError, match="must be a string, got int"):
        validate_key(3)  # type: ignore[arg-type]


async def test_the_filesystem_store_keeps_one_file_per_key(tmp_path: Path) -> None:
    store = LocalFileSystemObjectStore(tmp_path / "new" / "root")

    await store.put("a/b/c.bin", b"\x00\x01")

    assert (tmp_path / "new/root/a/b/c.bin").read_bytes() == b"\x00\x01"
    assert store.path_for("a/b/c.bin") == (tmp_path / "new/root/a/b/c.bin").resolve()


async def test_a_symbolic_link_cannot_lead_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"s")
    store = LocalFileSystemObjectStore(tmp_path / "root")
    os.symlink(outside, tmp_path / "root" / "link")

    with pytest.raises(ValueError, match="resolves outside the store's root"):
        await store.get("link/secret")
    with pytest.raises(ValueError, match="resolves outside the store's root"):
        await store.put("link/new", b"x")
    assert not (outside / "new").exists()


async def test_keys_a_file_system_cannot_hold_are_refused(tmp_path: Path) -> None:
    store = LocalFileSystemObjectStore(tmp_path)
    await store.put("a", b"1")
    await store.put("dir/b", b"2")

    with pytest.raises(ValueError, match="is under 'a', which is an object"):
        await store.put("a/b", b"x")
    with pytest.raises(ValueError, match="names a folder of other objects"):
        await store.put("dir", b"x")
    with pytest.raises(ValueError, match="looks like a temporary file"):
        await store.put("dir/.upload.partial", b"x")


async def test_leftover_temporary_files_are_not_objects(tmp_path: Path) -> None:
    store = LocalFileSystemObjectStore(tmp_path)
    await store.put("x", b"1")
    (tmp_path / ".x-crash.partial").write_bytes(b"half")

    assert await store.keys() == ["x"]


SEGMENT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"), min_size=1
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SEGMENT, min_size=1, max_size=4).map("/".join))
def test_any_valid_key_maps_inside_the_root(tmp_path: Path, key: str) -> None:
    store = LocalFileSystemObjectStore(tmp_path)
    try:
        validate_key(key)
    except ValueError:
        return  # '.', '..' or a drive: refused, which is what we want
    assert store.path_for(key).is_relative_to(tmp_path.resolve())
