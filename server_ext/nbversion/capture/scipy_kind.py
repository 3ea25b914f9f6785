"""scipy sparse matrices and arrays as their raw component arrays: no pickle needed.

CSR/CSC/BSR keep ``data``, ``indices`` and ``indptr``; COO keeps ``data``, ``row`` and
``col``; other formats (DOK, LIL, DIA) are converted to CSR on save and back on load.
Each component is one buffer, zero-copy when contiguous.
"""

from __future__ import annotations

from typing import Any

from . import validate
from .base import Buffers, Encoded, Serializer, qualified_name, writable
from .errors import MalformedValue

_COMPONENTS = {
    "csr": ("data", "indices", "indptr"),
    "csc": ("data", "indices", "indptr"),
    "bsr": ("data", "indices", "indptr"),
    "coo": ("data", "row", "col"),
}


_FORMATS = ("csr", "csc", "bsr", "coo", "dok", "lil", "dia")


def _coo_check(kind: str, data: Any, row: Any, col: Any, shape: tuple[int, ...]) -> None:
    """COO components of one length with every coordinate inside ``shape``."""
    if not len(data) == len(row) == len(col):
        raise MalformedValue(kind, "data, row and col differ in length")
    for coords, bound, what in ((row, shape[0], "row"), (col, shape[1], "column")):
        if len(coords) and (int(coords.min()) < 0 or int(coords.max()) >= bound):
            raise MalformedValue(kind, f"a {what} index is outside the shape")


class ScipySparseSerializer(Serializer):
    """``scipy-sparse`` kind: any ``scipy.sparse`` matrix or array."""

    kind = "scipy-sparse"

    def matches(self, obj: Any) -> bool:
        return type(obj).__module__.startswith("scipy.sparse")

    def encode(self, obj: Any) -> Encoded | None:
        import numpy as np
        import scipy.sparse as sp

        if not sp.issparse(obj):
            return None
        fmt = obj.format
        stored = obj if fmt in _COMPONENTS else obj.tocsr()
        parts = _COMPONENTS[stored.format]
        arrays = [np.ascontiguousarray(getattr(stored, name)) for name in parts]
        if any(a.dtype.hasobject for a in arrays):
            return None
        meta: dict[str, Any] = {
            "format": fmt,
            "stored_as": stored.format,
            "shape": list(obj.shape),
            "array": type(obj).__name__.endswith("_array"),
            "dtypes": [a.dtype.str for a in arrays],
            "lengths": [int(a.shape[0]) for a in arrays],
        }
        if stored.format == "bsr":
            meta["blocksize"] = list(stored.blocksize)
            meta["data_shape"] = list(stored.data.shape)
        nnz = int(obj.nnz)
        density = nnz / max(1, obj.shape[0] * obj.shape[1])
        return Encoded(
            kind=self.kind,
            meta=meta,
            buffers=[a.reshape(-1).view(np.uint8).data for a in arrays],
            type_name=qualified_name(type(obj)),
            summary=f"sparse {fmt} {obj.dtype} {obj.shape[0]} × {obj.shape[1]}, {nnz} stored",  # noqa: RUF001
            stats={
                "shape": list(obj.shape),
                "format": fmt,
                "dtype": str(obj.dtype),
                "nnz": nnz,
                "density": density,
            },
            needs_trust=False,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import numpy as np
        import scipy.sparse as sp

        stored = validate.one_of(kind, meta.get("stored_as"), tuple(_COMPONENTS), "stored_as")
        fmt = validate.one_of(kind, meta.get("format"), _FORMATS, "format")
        shape = validate.shape(kind, meta.get("shape"))
        if len(shape) != 2:
            raise MalformedValue(kind, "a sparse matrix has two dimensions")
        dtypes = meta.get("dtypes")
        if not isinstance(dtypes, list) or len(dtypes) != 3:
            raise MalformedValue(kind, "dtypes must list three dtypes")
        validate.buffer_count(kind, buffers, 3)
        arrays = []
        for i, (buf, spec) in enumerate(zip(buffers, dtypes, strict=True)):
            dt = validate.dtype(kind, spec)
            if i > 0 and dt.kind not in "iu":
                raise MalformedValue(kind, "index arrays must be integers")
            if memoryview(buf).nbytes % dt.itemsize:
                raise MalformedValue(kind, "a buffer is not a whole number of items")
            arrays.append(np.frombuffer(writable(buf), dtype=dt))
        prefix = "_array" if meta.get("array") else "_matrix"
        if stored == "coo":
            data, row, col = arrays
            _coo_check(kind, data, row, col, shape)
            value = getattr(sp, "coo" + prefix)((data, (row, col)), shape=shape)
        else:
            data, indices, indptr = arrays
            extra: dict[str, Any] = {}
            if stored == "bsr":
                data_shape = validate.shape(kind, meta.get("data_shape"))
                validate.nbytes(kind, data_shape, data.itemsize, data.nbytes, "the data")
                data = data.reshape(data_shape)
                extra["blocksize"] = validate.shape(kind, meta.get("blocksize"))
            value = getattr(sp, stored + prefix)((data, indices, indptr), shape=shape, **extra)
            # indices in range, indptr monotonic and matching: what C code indexes by
            value.check_format(full_check=True)
        return value if fmt == stored else value.asformat(fmt)
