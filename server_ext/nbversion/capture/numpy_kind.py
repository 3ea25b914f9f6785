"""numpy arrays and scalars as one raw buffer: no pickle, zero-copy for contiguous arrays.

The buffer is the array's memory in C or Fortran order; a non-contiguous view is made
contiguous (one copy). Object dtypes decline (pickle takes them). Structured dtypes are
stored as their ``descr`` (the same literal the ``.npy`` header uses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from . import validate
from .base import Buffers, Encoded, Serializer, json_number, qualified_name, writable
from .errors import MalformedValue

if TYPE_CHECKING:
    import numpy as np

#: Arrays up to this many elements get min/max/mean in their stats.
STATS_MAX_ELEMENTS = 10_000_000


class NumpySerializer(Serializer):
    """``numpy`` kind: ``ndarray`` (exact type) and numpy scalars."""

    kind = "numpy"
    shareable = True
    diff_category = "array"

    def matches(self, obj: Any) -> bool:
        # Arrays of Python objects (``axes`` of ``plt.subplots``) are pickled: not claiming
        # them lets them refer to other variables (the figure) instead of copying them.
        dtype = getattr(obj, "dtype", None)
        return type(obj).__module__ == "numpy" and not getattr(dtype, "hasobject", False)

    def category(self, stats: dict[str, Any]) -> str | None:
        return "scalar" if stats.get("shape") == [] else "array"

    def encode(self, obj: Any) -> Encoded | None:
        import numpy as np

        scalar = isinstance(obj, np.generic)
        if not scalar and type(obj) is not np.ndarray:
            return None  # subclasses (matrix, masked arrays) keep their type via pickle
        arr = np.asarray(obj)
        if arr.dtype.hasobject or arr.dtype.itemsize == 0:
            return None
        order: Literal["C", "F"]
        if arr.flags.c_contiguous:
            order = "C"
        elif arr.flags.f_contiguous:
            order = "F"
        else:
            arr, order = np.ascontiguousarray(arr), "C"
        flat = arr.reshape(-1, order=order)  # a view: arr is contiguous in this order
        meta: dict[str, Any] = {"shape": list(arr.shape), "order": order, "scalar": scalar}
        if arr.dtype.fields is None and arr.dtype.subdtype is None:
            meta["dtype"] = arr.dtype.str
        else:
            meta["descr"] = repr(np.lib.format.dtype_to_descr(arr.dtype))
        return Encoded(
            kind=self.kind,
            meta=meta,
            buffers=[flat.view(np.uint8).data],
            type_name=qualified_name(type(obj)),
            summary=_summary(arr, scalar),
            stats=array_stats(arr),
            needs_trust=False,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import numpy as np

        if "descr" in meta:
            dtype = validate.dtype(kind, meta["descr"], descr=True)
        else:
            dtype = validate.dtype(kind, meta.get("dtype"))
        dims = validate.shape(kind, meta.get("shape"))
        order = validate.one_of(kind, meta.get("order"), ("C", "F"), "order")
        if not buffers:
            raise MalformedValue(kind, "no buffer")
        raw = writable(buffers[0]) if len(buffers) == 1 else bytearray(b"".join(buffers))
        validate.nbytes(kind, dims, dtype.itemsize, memoryview(raw).nbytes, "the buffer")
        if meta.get("scalar") and dims != ():
            raise MalformedValue(kind, "a scalar must have shape []")
        flat = np.frombuffer(raw, dtype=np.uint8).view(dtype)
        arr = flat.reshape(dims, order=order)
        return arr[()] if meta.get("scalar") else arr


def _summary(arr: np.ndarray[Any, Any], scalar: bool) -> str:
    if scalar:
        return f"{arr.dtype.name} {arr.item()!r}"[:120]
    return f"ndarray {arr.dtype} {tuple(arr.shape)}"


def array_stats(arr: np.ndarray[Any, Any]) -> dict[str, Any]:
    """shape, dtype, nbytes, and min/max/mean for numeric arrays of bounded size."""
    import numpy as np

    stats: dict[str, Any] = {
        "shape": list(arr.shape),
        "dtype": str(arr.dtype),
        "nbytes": int(arr.nbytes),
    }
    if arr.dtype.kind in "biuf" and 0 < arr.size <= STATS_MAX_ELEMENTS:
        with np.errstate(all="ignore"):
            stats["min"] = json_number(arr.min().item())
            stats["max"] = json_number(arr.max().item())
            stats["mean"] = json_number(arr.mean(dtype=np.float64).item())
    if arr.ndim == 0 or arr.size == 1:
        stats["repr"] = repr(arr.reshape(-1)[0].item())[:200]
    return stats
