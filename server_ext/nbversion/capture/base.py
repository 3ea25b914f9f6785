"""The ``Encoded`` record, the ``Serializer`` contract and small helpers they share."""

from __future__ import annotations

import reprlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..store.jsonsafe import float_value

Buffers = Sequence[bytes | bytearray | memoryview]


@dataclass
class Encoded:
    """One variable as bytes: ``meta`` (JSON) plus large raw ``buffers`` for the store."""

    kind: str
    meta: dict[str, Any]
    buffers: list[memoryview]
    type_name: str
    summary: str
    stats: dict[str, Any] = field(default_factory=dict)
    needs_trust: bool = False
    #: Why a lesser encoding was used (e.g. pickle for a DataFrame when pyarrow cannot be
    #: imported): the kernel tells the user at save time. Empty for the usual encoding.
    fallback: str = ""

    @property
    def nbytes(self) -> int:
        """Total size of the buffers."""
        return sum(b.nbytes for b in self.buffers)


class Serializer:
    """One kind of encoding. Subclasses set ``kind`` and implement the three methods.

    ``matches`` must be cheap and must not import heavy libraries: test
    ``type_names(obj)`` / ``type(obj).__module__`` instead of ``isinstance``.
    ``encode`` may return ``None`` to decline (the next serializer is tried).
    """

    kind: ClassVar[str] = ""
    #: Further kinds this serializer decodes (e.g. "cloudpickle" beside "pickle").
    extra_kinds: ClassVar[tuple[str, ...]] = ()
    #: Decoding may run arbitrary code whatever the meta says: the registry gates it.
    always_needs_trust: ClassVar[bool] = False
    #: Other (pickled) variables may refer to values of this kind by name instead of
    #: copying them: ``lst = [df]`` stores ``df`` once and restores ``lst[0] is df``.
    shareable: ClassVar[bool] = False
    #: How a diff compares two values of this kind: "array", "dataframe", "model", or
    #: None to decide by the value's type (container, scalar, object).
    diff_category: ClassVar[str | None] = None

    def category(self, stats: dict[str, Any]) -> str | None:
        """The diff category of one saved value; its recorded ``stats`` may refine it."""
        return self.diff_category

    def matches(self, obj: Any) -> bool:
        raise NotImplementedError

    def encode(self, obj: Any) -> Encoded | None:
        raise NotImplementedError

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        raise NotImplementedError


def qualified_name(tp: type) -> str:
    """``module.QualName`` of a type, e.g. ``pandas.core.frame.DataFrame``."""
    return f"{tp.__module__}.{tp.__qualname__}"


_mro_cache: weakref.WeakKeyDictionary[type, frozenset[str]] = weakref.WeakKeyDictionary()


def type_names(obj: Any) -> frozenset[str]:
    """Qualified names of every class in ``type(obj).__mro__`` (cached per type)."""
    tp = type(obj)
    names = _mro_cache.get(tp)
    if names is None:
        names = frozenset(qualified_name(t) for t in tp.__mro__)
        _mro_cache[tp] = names
    return names


def top_module(obj: Any) -> str:
    """First component of the module that defines ``type(obj)`` ("numpy", "torch", ...)."""
    return type(obj).__module__.partition(".")[0]


_repr = reprlib.Repr()
_repr.maxstring = 120
_repr.maxother = 120
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 8


def short_repr(obj: Any, limit: int = 200) -> str:
    """Bounded repr for stats and summaries; never raises."""
    try:
        text = _repr.repr(obj)
    except Exception as err:  # a broken __repr__ must not break a save
        text = f"<repr failed: {type(err).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def json_number(x: Any) -> Any:
    """A number as JSON allows it: non-finite floats become strings ("nan", "inf", "-inf"),
    the manifest's form (:mod:`nbversion.store.jsonsafe`)."""
    if x is None or isinstance(x, bool | int):
        return x
    try:
        f = float(x)
    except (TypeError, ValueError):
        return short_repr(x)
    return float_value(f)


def json_safe(value: Any, depth: int = 0) -> Any:
    """Best-effort JSON-able copy of small values (hyperparameters); others become reprs."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if len(value) <= 200 else short_repr(value)
    if isinstance(value, int | float):
        return json_number(value)
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return json_number(value.item())
    if depth < 3 and isinstance(value, list | tuple) and len(value) <= 20:
        return [json_safe(v, depth + 1) for v in value]
    if depth < 3 and isinstance(value, dict) and len(value) <= 50:
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    return short_repr(value)


def as_memoryview(buf: Any) -> memoryview:
    """A flat byte view of ``buf`` without copying."""
    view = buf if isinstance(buf, memoryview) else memoryview(buf)
    if view.ndim != 1 or view.format not in ("B", "b", "c"):
        view = view.cast("B") if view.contiguous else memoryview(view.tobytes())
    return view


def writable(buf: bytes | bytearray | memoryview) -> bytearray | memoryview:
    """``buf`` itself when writable, else a one-time copy, so restored arrays are mutable."""
    view = memoryview(buf)
    if not view.readonly:
        return view
    return bytearray(view)
