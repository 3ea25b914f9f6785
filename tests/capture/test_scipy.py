"""scipy sparse matrices and arrays round-trip without pickle, in every format."""

from __future__ import annotations

import numpy as np
import pytest

from nbversion.capture import decode, encode

sp = pytest.importorskip("scipy.sparse")


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "bsr", "dok", "lil", "dia"])
@pytest.mark.parametrize("array", [False, True], ids=["matrix", "array"])
def test_sparse_round_trip(fmt: str, array: bool) -> None:
    dense = np.random.default_rng(3).normal(size=(12, 8))
    dense[dense < 0.8] = 0
    base = sp.csr_array(dense) if array else sp.csr_matrix(dense)
    value = base.asformat(fmt) if fmt != "bsr" else base.tobsr(blocksize=(2, 2))
    enc = encode(value)
    assert enc.kind == "scipy-sparse"
    assert enc.needs_trust is False
    back = decode(enc.kind, enc.meta, [bytearray(b) for b in enc.buffers])
    assert type(back) is type(value)
    assert back.format == value.format
    assert np.array_equal(back.toarray(), value.toarray())
    assert enc.stats["nnz"] == value.nnz


def test_csr_buffers_share_memory_with_the_matrix() -> None:
    m = sp.random(50, 50, density=0.2, format="csr", random_state=0)
    enc = encode(m)
    assert np.shares_memory(np.frombuffer(enc.buffers[0], dtype=m.data.dtype), m.data)
