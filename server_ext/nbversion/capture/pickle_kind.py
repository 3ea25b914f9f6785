"""The catch-all: pickle protocol 5 with out-of-band buffers, then cloudpickle.

Large buffers (numpy arrays inside any structure) leave the pickle stream as
``PickleBuffer``s and go to the store without a copy. Anything that refers to
``__main__`` (functions, classes, instances of classes defined in the notebook)
is pickled by value with cloudpickle, so it restores into a fresh kernel.
"""

from __future__ import annotations

import collections
import contextlib
import copyreg
import functools
import io
import pickle
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from .base import Buffers, Encoded, Serializer, as_memoryview, qualified_name, short_repr, writable
from .errors import Unserializable
from .matplotlib_refs import mpl_reducers
from .unsupported import reason_from_error

_PICKLE_ERRORS = (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError)

#: Buffers smaller than this stay inside the pickle stream. Each out-of-band buffer becomes
#: its own store object (a file, a hash, a read on restore): a matplotlib figure holds about
#: a thousand tiny arrays, which out of band cost seconds to save and to restore.
OUT_OF_BAND_MIN = 64 * 1024


#: Objects that are themselves saved as variables (id -> variable name), set while a
#: namespace is captured: a pickled value refers to them by name instead of copying them.
#: A ``(name, path)`` pair names an attribute of a variable: ``("model", "fc.weight")`` is
#: a parameter of a torch module, so an optimizer keeps holding the model's parameters.
_SHARED: ContextVar[Mapping[int, str | tuple[str, str]] | None] = ContextVar(
    "nbversion_shared", default=None
)
#: While decoding: variable name -> object, for the references above.
_RESOLVE: ContextVar[Callable[[str], Any] | None] = ContextVar("nbversion_resolve", default=None)
_REF_TAG = "nbversion-variable"


@contextlib.contextmanager
def shared_objects(shared: Mapping[int, str | tuple[str, str]]) -> Iterator[None]:
    """Within the block, pickled values reference these objects by variable name."""
    token = _SHARED.set(shared)
    try:
        yield
    finally:
        _SHARED.reset(token)


@contextlib.contextmanager
def resolving(resolve: Callable[[str], Any]) -> Iterator[None]:
    """Within the block, decoding resolves variable references with ``resolve(name)``."""
    token = _RESOLVE.set(resolve)
    try:
        yield
    finally:
        _RESOLVE.reset(token)


_CODE = (type, types.FunctionType)
_MAIN = "__main__"


class _MainReference(Exception):
    """Raised by the plain pickler on meeting something of ``__main__``: cloudpickle's job."""


def _of_main(obj: Any) -> bool:
    """A class or function defined in the notebook, or an instance of such a class."""
    owner = obj if isinstance(obj, type | types.FunctionType) else type(obj)
    return getattr(owner, "__module__", None) == "__main__"


def _pickler_class(cloud: bool, refs: bool) -> Any:
    if cloud:
        import cloudpickle

        base: type[pickle.Pickler] = cloudpickle.CloudPickler
    else:
        base = pickle.Pickler
    members: dict[str, Any] = {"root": None, "shared": {}, "dispatch_table": _dispatch_table(base)}
    if refs:  # (a persistent_id method costs a Python call per object: only when needed)

        def persistent_id(self: Any, obj: Any) -> Any:
            target = self.shared.get(id(obj))
            # The root itself is pickled by value, unless it is a part of another variable
            # (``ax`` in ``fig``): then the whole value is that reference.
            if target is None or (obj is self.root and not isinstance(target, tuple)):
                return None
            if isinstance(obj, _CODE) and isinstance(self.root, _CODE):
                return None  # code refers to code by value: references never form a cycle
            if isinstance(target, tuple):  # an attribute of a variable
                self.refs.add(target[0])
                return (_REF_TAG, target[0], target[1])
            self.refs.add(target)
            return (_REF_TAG, target)

        members["persistent_id"] = persistent_id
    if not cloud:
        # Stop before reducing anything of __main__: its __reduce__/__getstate__ is user
        # code, and running it for a pickle thrown away (cloudpickle pickles it again) would
        # run it twice per save. Not called for plain builtins (lists, dicts, numbers).
        def reducer_override(self: Any, obj: Any) -> Any:
            if _of_main(obj):
                raise _MainReference
            return NotImplemented

        members["reducer_override"] = reducer_override
    else:
        members["reducer_override"] = _keep_slots(base.reducer_override)
    return type("Pickler", (base,), members)


def _keep_slots(reduce: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """cloudpickle rebuilds a notebook class without its ``__slots__`` (the skeleton class
    is made from a namespace without them, then filled in): its instances gain a
    ``__dict__`` and lose the slots' memory layout. Put ``__slots__`` in that namespace."""

    def reducer_override(self: Any, obj: Any) -> Any:
        rv = reduce(self, obj)
        slots = vars(obj).get("__slots__") if isinstance(obj, type) else None
        if slots is None or obj.__module__ != _MAIN or not isinstance(rv, tuple):
            return rv
        args = rv[1] if len(rv) > 1 else None
        if getattr(rv[0], "__name__", "") != "_make_skeleton_class" or not (
            isinstance(args, tuple) and len(args) > 3 and isinstance(args[3], dict)
        ):
            return rv  # another cloudpickle: leave its reduction alone
        namespace = {**args[3], "__slots__": slots}
        return (rv[0], (*args[:3], namespace, *args[4:]), *rv[2:])

    return reducer_override


def _dumps(obj: Any, *, cloud: bool) -> tuple[bytes, list[memoryview], list[str]]:
    oob: list[pickle.PickleBuffer] = []

    def out_of_band(buf: pickle.PickleBuffer) -> bool:
        """False (out of band) for large buffers; small ones stay in the stream."""
        if buf.raw().nbytes < OUT_OF_BAND_MIN:
            return True
        oob.append(buf)
        return False

    shared = _SHARED.get()
    out = io.BytesIO()
    pickler = _pickler_class(cloud, bool(shared))(out, protocol=5, buffer_callback=out_of_band)
    pickler.root, pickler.shared, pickler.refs = obj, shared or {}, set()
    pickler.dump(obj)
    return out.getvalue(), [as_memoryview(b.raw()) for b in oob], sorted(pickler.refs)


def _dispatch_table(base: type) -> Any:
    """The pickler's reducers plus ours for library types that do not pickle as they
    are (this pickler only: the user's own ``pickle.dumps`` is never changed). The C
    pickler reads ``dispatch_table`` when it is created: it must be a class attribute."""
    table: Any = getattr(base, "dispatch_table", None)  # the C Pickler's: a descriptor
    if not isinstance(table, Mapping):
        table = copyreg.dispatch_table
    extra: dict[Any, Any] = {functools._lru_cache_wrapper: _reduce_lru}
    extra.update(mpl_reducers())
    return collections.ChainMap(extra, table)


def _reduce_lru(obj: Any) -> Any:
    """``@lru_cache``/``@cache`` functions of the notebook by value (the function, then the
    decorator again; the cache starts empty): their own reduce names ``__main__.fib``,
    which a fresh kernel does not have. Library ones keep pickling by name."""
    wrapped = getattr(obj, "__wrapped__", None)
    if getattr(obj, "__module__", None) != "__main__" or not callable(wrapped):
        return obj.__reduce__()
    params = obj.cache_parameters()
    return _rebuild_lru, (wrapped, params["maxsize"], params["typed"])


def _rebuild_lru(func: Callable[..., Any], maxsize: int | None, typed: bool) -> Any:
    return functools.lru_cache(maxsize=maxsize, typed=typed)(func)


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        resolve = _RESOLVE.get()
        if not (isinstance(pid, tuple) and len(pid) in (2, 3) and pid[0] == _REF_TAG):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        if resolve is None:
            raise pickle.UnpicklingError(f"this value refers to variable {pid[1]!r}")
        value = resolve(str(pid[1]))
        for part in str(pid[2]).split(".") if len(pid) == 3 else []:
            if not part.isidentifier() and not part.isdigit():
                raise pickle.UnpicklingError(f"bad attribute path in {pid!r}")
            if part.isdigit() and isinstance(value, Sequence):
                value = value[int(part)]  # fig.axes.0.lines.1: an artist in a figure
            else:  # e.g. model.fc.weight, or model.0.bias (Sequential)
                value = getattr(value, part)
        return value


class PickleSerializer(Serializer):
    """Pickle (then cloudpickle) anything; decoding runs arbitrary code, so it needs trust."""

    kind = "pickle"
    extra_kinds = ("cloudpickle",)
    always_needs_trust = True

    def matches(self, obj: Any) -> bool:
        return True

    def encode(self, obj: Any) -> Encoded:
        kind = "pickle"
        first_error: BaseException | None = None
        refs: list[str] = []
        try:
            stream, oob, refs = _dumps(obj, cloud=False)
            # Cheap scan of the small in-band stream: a reference to __main__ would not
            # resolve in a fresh kernel, so such values go by value through cloudpickle.
            if b"__main__" in stream:
                kind = "cloudpickle"
        except _MainReference:
            kind = "cloudpickle"
        except _PICKLE_ERRORS as err:
            first_error, kind = err, "cloudpickle"
        if kind == "cloudpickle":
            try:
                stream, oob, refs = _dumps(obj, cloud=True)
            except _PICKLE_ERRORS as err:
                raise Unserializable(
                    reason_from_error(first_error or err), qualified_name(type(obj))
                ) from err
        return Encoded(
            kind=kind,
            meta={"protocol": 5, "out_of_band": len(oob), "refs": refs},
            buffers=[memoryview(stream), *oob],
            type_name=qualified_name(type(obj)),
            summary=summarize(obj),
            stats=basic_stats(obj),
            needs_trust=True,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        if kind == "cloudpickle":
            import cloudpickle  # noqa: F401  (its reconstructors must be importable)
        stream, *oob = buffers
        unpickler = _Unpickler(io.BytesIO(stream), buffers=[writable(b) for b in oob])
        return unpickler.load()


def summarize(obj: Any) -> str:
    """One short line describing any value."""
    tp = type(obj).__name__
    if isinstance(obj, types.FunctionType):
        return f"function {obj.__qualname__}"
    if isinstance(obj, type):
        return f"class {obj.__qualname__}"
    if isinstance(obj, str | bytes):
        return f"{tp} ({len(obj)} chars)" if isinstance(obj, str) else f"{tp} ({len(obj)} bytes)"
    if isinstance(obj, dict):
        return f"{tp} ({len(obj)} keys)"
    if isinstance(obj, list | tuple | set | frozenset):
        return f"{tp} of {len(obj)}"
    if obj is None or isinstance(obj, bool | int | float | complex):
        return short_repr(obj, 80)
    return f"{tp} object"


def basic_stats(obj: Any) -> dict[str, Any]:
    """Cheap JSON-able facts for diffs: len/keys of containers, repr of small scalars."""
    stats: dict[str, Any] = {"type": qualified_name(type(obj))}
    if obj is None or isinstance(obj, bool | int | float | complex | str | bytes):
        stats["repr"] = short_repr(obj)
    if isinstance(obj, str | bytes | list | tuple | set | frozenset | dict):
        stats["len"] = len(obj)
    if isinstance(obj, dict):
        stats["keys"] = [short_repr(k, 80) for k in list(obj)[:50]]
    if isinstance(obj, types.FunctionType | type):
        stats["qualname"] = obj.__qualname__
        stats["module"] = obj.__module__
    return stats
