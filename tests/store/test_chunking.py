"""Chunk-level dedup: in-place edits and appends store only the chunks they touch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from nbversion.store import CHUNK_SIZE, Repository


def _stored(repo: Repository) -> dict[str, int]:
    return {o: repo.objects.object_size(o) for o in repo.objects.iter_oids()}


def test_in_place_1mb_edit_in_512mb_buffer(repo: Repository) -> None:
    arr = np.random.default_rng(0).random((512 << 20) // 8)
    first = repo.objects.put_buffer(memoryview(arr))
    before = _stored(repo)
    # a 1 MiB edit straddling a chunk boundary: the worst case, two chunks
    start = (CHUNK_SIZE * 10 - (512 << 10)) // 8
    arr[start : start + (1 << 20) // 8] = 0.5
    second = repo.objects.put_buffer(memoryview(arr))
    after = _stored(repo)
    new = {o: s for o, s in after.items() if o not in before}
    assert second != first
    assert second in new
    chunks = [o for o in new if o != second]
    assert len(chunks) == 2
    assert sum(new.values()) - new[second] <= 2 * (CHUNK_SIZE + 1)
    edited = repo.objects.referenced_oids(second)
    assert repo.objects.referenced_oids(first)[:9] == edited[:9]


def test_append_only_growth_reuses_earlier_chunks(repo: Repository) -> None:
    rng = np.random.default_rng(2)
    chunk = 256 << 10
    col = rng.random(1_000_000)  # ~7.6 MiB: 30 chunks of 256 KiB
    oid1 = repo.objects.put_buffer(memoryview(col), chunk_size=chunk)
    grown = np.concatenate([col, rng.random(200_000)])
    oid2 = repo.objects.put_buffer(memoryview(grown), chunk_size=chunk)
    old, new = repo.objects.referenced_oids(oid1), repo.objects.referenced_oids(oid2)
    full = col.nbytes // chunk
    assert new[:full] == old[:full]  # every full chunk reused
    assert len(set(new) - set(old)) <= (grown.nbytes - full * chunk) // chunk + 1
    assert bytes(repo.objects.get_buffer(oid2)) == grown.tobytes()


def test_arrow_column_buffers_grow_at_the_end(repo: Repository) -> None:
    chunk = 64 << 10
    rng = np.random.default_rng(3)
    values = rng.integers(0, 1 << 40, 300_000)
    t1 = pa.table({"x": values})
    t2 = pa.concat_tables([t1, pa.table({"x": rng.integers(0, 1 << 40, 50_000)})]).combine_chunks()
    buf1 = t1.column("x").chunk(0).buffers()[1]
    buf2 = t2.column("x").chunk(0).buffers()[1]
    oid1 = repo.objects.put_buffer(memoryview(buf1), chunk_size=chunk)
    size_before = sum(_stored(repo).values())
    oid2 = repo.objects.put_buffer(memoryview(buf2), chunk_size=chunk)
    grown_by = sum(_stored(repo).values()) - size_before
    old, new = repo.objects.referenced_oids(oid1), repo.objects.referenced_oids(oid2)
    assert new[: len(old) - 1] == old[:-1]
    assert grown_by < (buf2.size - buf1.size) + 2 * chunk
    assert bytes(repo.objects.get_buffer(oid2)) == buf2.to_pybytes()
