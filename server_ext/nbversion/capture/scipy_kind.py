"""scipy sparse matrices and arrays as their raw component arrays: no pickle needed.

CSR/CSC/BSR keep ``data``, ``indices`` and ``indptr``; COO keeps ``data``, ``row`` and
``col``; other formats (DOK, LIL, DIA) are converted to CSR on save and back on load.
Each component is one buffer, zero-copy when contiguous.
"""

from __future__ import annotations

from typing import Any

from .base import Buffers, Encoded, Serializer, qualified_name, writable

_COMPONENTS = {
    "csr": ("data", "indices", "indptr"),
    "csc": ("data", "indices", "indptr"),
    "bsr": ("data", "indices", "indptr"),
    "coo": ("data", "row", "col"),
}


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

        arrays = [
            np.frombuffer(writable(buf), dtype=np.dtype(dtype))
            for buf, dtype in zip(buffers, meta["dtypes"], strict=True)
        ]
        shape = tuple(meta["shape"])
        stored = meta["stored_as"]
        prefix = "_array" if meta["array"] else "_matrix"
        if stored == "coo":
            data, row, col = arrays
            value = getattr(sp, "coo" + prefix)((data, (row, col)), shape=shape)
        elif stored == "bsr":
            data, indices, indptr = arrays
            data = data.reshape(meta["data_shape"])
            value = getattr(sp, "bsr" + prefix)(
                (data, indices, indptr), shape=shape, blocksize=tuple(meta["blocksize"])
            )
        else:
            value = getattr(sp, stored + prefix)(tuple(arrays), shape=shape)
        return value if meta["format"] == stored else value.asformat(meta["format"])
