"""ObjectStore: content addressing, codec choice, read-only files, verification."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from nbversion.errors import CorruptObject, InvalidInput, NotFound
from nbversion.store import Repository, hash_bytes
from nbversion.store.objects import RAW, ZSTD


def flip_byte(path: os.PathLike[str], offset: int = -1) -> None:
    """Damage a (read-only) object file in place."""
    os.chmod(path, 0o644)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    data[offset] ^= 0xFF
    with open(path, "wb") as f:
        f.write(data)


def test_put_get_roundtrip_and_name(repo: Repository) -> None:
    oid = repo.objects.put_bytes(b"hello")
    assert oid == hash_bytes(b"hello")
    assert repo.objects.get_bytes(oid) == b"hello"
    assert repo.objects.has(oid)
    path = repo.objects.path(oid)
    assert path.parent.name == oid[:2]
    assert path.name == oid[2:]
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert list(repo.objects.iter_oids()) == [oid]


def test_put_is_idempotent(repo: Repository) -> None:
    assert repo.objects.put_bytes(b"x" * 100) == repo.objects.put_bytes(bytearray(b"x" * 100))
    assert len(list(repo.objects.iter_oids())) == 1


def test_compression_only_where_it_pays(repo: Repository) -> None:
    ints = np.arange(1 << 18, dtype=np.int64)
    floats = np.random.default_rng(0).random(1 << 18)
    oid_ints = repo.objects.put_bytes(memoryview(ints))
    oid_floats = repo.objects.put_bytes(memoryview(floats))
    assert repo.objects.path(oid_ints).read_bytes()[0] == ZSTD
    assert repo.objects.object_size(oid_ints) < ints.nbytes // 2
    assert repo.objects.path(oid_floats).read_bytes()[0] == RAW
    assert repo.objects.get_bytes(oid_ints) == ints.tobytes()
    assert repo.objects.get_bytes(oid_floats) == floats.tobytes()


def test_json_roundtrip(repo: Repository) -> None:
    oid = repo.objects.put_json({"b": [1, 2], "a": "é"})
    assert repo.objects.get_json(oid) == {"a": "é", "b": [1, 2]}


def test_buffer_roundtrip_small_and_chunked(repo: Repository) -> None:
    data = np.random.default_rng(1).bytes(300_000)
    oid = repo.objects.put_buffer(data, chunk_size=64 << 10)
    chunks = repo.objects.referenced_oids(oid)
    assert len(chunks) == 5
    assert repo.objects.get_buffer(oid) == bytearray(data)
    small = repo.objects.put_buffer(b"tiny")
    assert repo.objects.get_buffer(small) == bytearray(b"tiny")
    assert repo.objects.referenced_oids(repo.objects.put_bytes(b"blob")) == []
    assert repo.objects.get_buffer(repo.objects.put_bytes(b"blob")) == bytearray(b"blob")
    empty = repo.objects.put_buffer(b"")
    assert repo.objects.get_buffer(empty) == bytearray()


def test_compressible_chunks_roundtrip(repo: Repository) -> None:
    data = np.arange(200_000, dtype=np.int32)
    oid = repo.objects.put_buffer(memoryview(data), chunk_size=128 << 10)
    assert bytes(repo.objects.get_buffer(oid)) == data.tobytes()


def test_flipped_byte_is_caught_on_read(repo: Repository) -> None:
    oid = repo.objects.put_bytes(os.urandom(1000))
    flip_byte(repo.objects.path(oid))
    with pytest.raises(CorruptObject, match=oid):
        repo.objects.get_bytes(oid)


def test_flipped_byte_in_compressed_object(repo: Repository) -> None:
    oid = repo.objects.put_bytes(b"abc" * 10000)
    flip_byte(repo.objects.path(oid), offset=20)
    with pytest.raises(CorruptObject):
        repo.objects.get_bytes(oid)


def test_flipped_byte_in_chunk_is_caught_by_get_buffer(repo: Repository) -> None:
    data = os.urandom(200_000)
    oid = repo.objects.put_buffer(data, chunk_size=64 << 10)
    bad = repo.objects.referenced_oids(oid)[1]
    flip_byte(repo.objects.path(bad), offset=500)
    with pytest.raises(CorruptObject, match="chunk 1 of buffer"):
        repo.objects.get_buffer(oid)


def test_truncated_chunk_is_caught(repo: Repository) -> None:
    oid = repo.objects.put_buffer(os.urandom(200_000), chunk_size=64 << 10)
    bad = repo.objects.path(repo.objects.referenced_oids(oid)[0])
    os.chmod(bad, 0o644)
    os.truncate(bad, 100)
    with pytest.raises(CorruptObject):
        repo.objects.get_buffer(oid)


def test_missing_and_invalid_ids(repo: Repository) -> None:
    with pytest.raises(NotFound):
        repo.objects.get_bytes("0" * 64)
    with pytest.raises(InvalidInput):
        repo.objects.get_bytes("../../etc/passwd")
    assert repo.objects.delete("0" * 64) is False


def test_delete(repo: Repository) -> None:
    oid = repo.objects.put_bytes(b"gone")
    assert repo.objects.delete(oid)
    assert not repo.objects.has(oid)


def test_multidimensional_and_non_contiguous_buffers(repo: Repository) -> None:
    arr = np.arange(12.0).reshape(3, 4)
    oid = repo.objects.put_buffer(arr)
    assert bytes(repo.objects.get_buffer(oid)) == arr.tobytes()
    with pytest.raises(InvalidInput, match="contiguous"):
        repo.objects.put_buffer(arr[:, ::2])
