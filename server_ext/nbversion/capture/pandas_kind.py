"""pandas DataFrame/Series as Arrow buffers, one store buffer per Arrow buffer.

The frame becomes an Arrow table (``Table.from_pandas``: zero-copy for numeric columns;
its schema carries pandas' own metadata for the index, categoricals, time zones and
nullable dtypes). Buffer 0 is the serialized schema; then, for each column chunk, its
raw Arrow buffers (validity, offsets, values) each as its own store buffer. Appending
rows therefore only extends each buffer: earlier bytes keep their place, so a chunked
store dedups them. Nested or extension-typed chunks go as a one-column IPC stream.
Frames Arrow would not give back unchanged (object dtypes, duplicate labels, ...) are
declined and fall through to pickle; a zero-row decode at encode time checks dtypes.
Where pyarrow cannot be imported (pyarrow 26 beside numpy 1.x), frames are pickled, with
a note naming the fix (:mod:`.arrow`); Arrow-stored frames then fail to load with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from . import arrow
from .base import Buffers, Encoded, Serializer, json_number, qualified_name
from .errors import MalformedValue

_FRAMES = frozenset({"pandas.DataFrame", "pandas.core.frame.DataFrame"})
_SERIESES = frozenset({"pandas.Series", "pandas.core.series.Series"})
_SERIES_COLUMN = "__nbversion_series__"
_NAME_TYPES = (str, int, float, bool, type(None))
STATS_MAX_COLUMNS = 50
STATS_MAX_ROWS = 10_000_000


class PandasSerializer(Serializer):
    """``pandas`` kind: exact DataFrame and Series types (subclasses go to pickle)."""

    kind = "pandas"
    shareable = True
    diff_category = "dataframe"

    def matches(self, obj: Any) -> bool:
        return is_frame(obj)

    def encode(self, obj: Any) -> Encoded | None:
        series = qualified_name(type(obj)) in _SERIESES
        problem = arrow.problem()
        if problem is not None:
            return _pickled(obj, series, problem)
        import pyarrow as pa

        meta: dict[str, Any] = {"series": series}
        if series:
            if type(obj.name) not in _NAME_TYPES:
                return None
            meta["name"] = obj.name
            df = obj.to_frame(name=_SERIES_COLUMN)
        else:
            df = obj
        if not _arrow_friendly(df):
            return None
        try:
            meta["attrs"] = json.loads(json.dumps(obj.attrs)) if obj.attrs else {}
            table = pa.Table.from_pandas(df, preserve_index=None)
            if not _same_layout(df, table.slice(0, 0).to_pandas()):
                return None
        except (pa.ArrowException, TypeError, ValueError, KeyError):
            return None
        if meta["attrs"] != obj.attrs:
            return None
        buffers: list[memoryview] = [memoryview(table.schema.serialize())]
        meta["columns"] = [
            [_encode_chunk(chunk, buffers) for chunk in column.chunks] for column in table.columns
        ]
        return Encoded(
            kind=self.kind,
            meta=meta,
            buffers=buffers,
            type_name=qualified_name(type(obj)),
            summary=_summary(obj, series),
            stats=frame_stats(obj),
            needs_trust=False,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        pa = arrow.require()
        schema = pa.ipc.read_schema(pa.py_buffer(buffers[0]))
        columns = [
            pa.chunked_array(
                [_decode_chunk(node, field.type, buffers) for node in chunks], type=field.type
            )
            for field, chunks in zip(schema, meta["columns"], strict=True)
        ]
        df = pa.Table.from_arrays(columns, schema=schema).to_pandas()
        if meta["series"]:
            out = df[_SERIES_COLUMN]
            out.name = meta["name"]
        else:
            out = df
        out.attrs.update(meta.get("attrs") or {})
        return out


def decode_reusing(
    meta: dict[str, Any],
    oids: Sequence[str],
    get: Callable[[str], Any],
    live: Any,
    live_meta: dict[str, Any],
    live_oids: Sequence[str],
) -> Any | None:
    """Decode a DataFrame reading only the columns that differ from an equal-known live one.

    ``live`` must be known to equal what ``live_meta``/``live_oids`` encode (its stored
    record: change tracking vouches that it is untouched since). A column whose Arrow type,
    pandas metadata and buffer oids (content hashes) are the same in both is taken from
    ``live`` without reading or copying: the new frame refers to its memory the way any
    pandas 3 derived frame does (copy-on-write), so an edit to either later copies first.
    Only the other columns' buffers are fetched (``get(oid)``) and converted. Returns None
    where this does not apply (a Series, a stored index, nothing to reuse, pandas 2 without
    copy-on-write): decode fully.
    """
    import pandas as pd

    if meta.get("series") or live_meta.get("series") or type(live) is not pd.DataFrame:
        return None
    if not _copy_on_write(pd):
        return None  # pandas 2 without copy-on-write: an edit would reach the live frame
    if arrow.problem() is not None:
        return None  # the full decode says why it cannot load
    import pyarrow as pa

    schemas: dict[str, Any] = {}

    def schema_of(oid: str) -> Any:
        if oid not in schemas:
            schemas[oid] = pa.ipc.read_schema(pa.py_buffer(get(oid)))
        return schemas[oid]

    schema, live_schema = schema_of(oids[0]), schema_of(live_oids[0])
    layout, live_layout = _flat_layout(schema), _flat_layout(live_schema)
    if layout is None or live_layout is None:
        return None
    (fields, entries, index), (live_fields, live_entries, _) = layout, live_layout
    if len(live.columns) != len(live_fields) or len(fields) != len(meta["columns"]):
        return None
    rows = _rows(meta["columns"][0]) if fields else None
    live_at = {name: j for j, name in enumerate(live_fields)}
    sources: list[int | None] = []  # per target column: the live column it reuses, or None
    for i, name in enumerate(fields):
        j = live_at.get(name)
        same = (
            j is not None
            and schema.field(i).type == live_schema.field(j).type
            and entries[i] == live_entries[j]
            and _chunks_key(meta["columns"][i], oids)
            == _chunks_key(live_meta["columns"][j], live_oids)
        )
        sources.append(j if same else None)
    if all(s is None for s in sources):
        return None
    fresh_at = [i for i, s in enumerate(sources) if s is None]
    nrows = rows if rows is not None else len(live)
    if len(live) != nrows or any(_rows(meta["columns"][i]) != nrows for i in fresh_at):
        return None
    probe = schema.empty_table().to_pandas()
    if len(probe.columns) != len(fields):
        return None
    needed = sorted({b for i in fresh_at for b in _buffer_indices(meta["columns"][i])})
    buffers: list[Any] = [None] * len(oids)
    for b in needed:
        buffers[b] = get(oids[b])
    direct: dict[int, Any] = {}  # plain numeric columns: a view of the buffer just read
    for i in fresh_at:
        arr = _plain_numeric(meta["columns"][i], schema.field(i).type, entries[i], buffers)
        if arr is not None:
            direct[i] = arr
    via_arrow = [i for i in fresh_at if i not in direct]
    fresh: Any = None
    if via_arrow:
        sub = pa.schema([schema.field(i) for i in via_arrow], metadata=schema.metadata)
        columns = [
            pa.chunked_array(
                [_decode_chunk(node, schema.field(i).type, buffers) for node in meta["columns"][i]],
                type=schema.field(i).type,
            )
            for i in via_arrow
        ]
        fresh = pa.Table.from_arrays(columns, schema=sub).to_pandas()
        row_index = fresh.index
    else:
        row_index = _range_index(index, nrows)
    if (
        row_index is None
        or not live.index.equals(row_index)
        or type(live.index) is not type(row_index)
    ):
        return None
    parts: list[Any] = []
    for i, j in enumerate(sources):
        if j is not None:
            parts.append(live.iloc[:, j])
        elif i in direct:
            parts.append(direct[i])
        else:
            parts.append(fresh.iloc[:, via_arrow.index(i)])
    out = pd.DataFrame(dict(enumerate(parts)), index=row_index, copy=False)
    out.columns = probe.columns
    if not out.dtypes.equals(probe.dtypes):
        return None
    out.attrs.update(meta.get("attrs") or {})
    return out


def _copy_on_write(pd: Any) -> bool:
    """Whether frames built from another's columns are copy-on-write: always in pandas 3,
    in pandas 2 only once the user set ``pd.options.mode.copy_on_write = True``."""
    major = str(pd.__version__).split(".", 1)[0]
    return (major.isdigit() and int(major) >= 3) or pd.options.mode.copy_on_write is True


_PLAIN_NUMERIC = frozenset(
    {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"}
)


def _plain_numeric(
    chunks: list[dict[str, Any]], tp: Any, entry: dict[str, Any], buffers: list[Any]
) -> Any | None:
    """A writable numpy view of a null-free int/float column's data buffer, or None.

    What ``to_pandas`` would give for it, without the copy: the buffer was just read into
    memory of its own (a bytearray) that nothing else refers to.
    """
    import numpy as np
    import pyarrow as pa

    if len(chunks) != 1 or not (pa.types.is_integer(tp) or pa.types.is_floating(tp)):
        return None
    node = chunks[0]
    name = np.dtype(tp.to_pandas_dtype()).name
    if (
        "ipc" in node
        or "dict" in node
        or node.get("nulls") != 0
        or name not in _PLAIN_NUMERIC
        or entry.get("numpy_type") != name
        or entry.get("pandas_type") != name
        or entry.get("metadata") is not None
        or len(node["bufs"]) != 2
        or node["bufs"][1] < 0
    ):
        return None
    data = buffers[node["bufs"][1]]
    dtype = np.dtype(name)
    count = int(node["len"])
    if not isinstance(data, bytearray) or len(data) < count * dtype.itemsize:
        return None
    return np.frombuffer(data, dtype=dtype, count=count)


def _flat_layout(schema: Any) -> tuple[list[str], list[Any], dict[str, Any]] | None:
    """(data field names, their pandas metadata entries, the RangeIndex descriptor) or None.

    Only frames whose row index is a RangeIndex kept as metadata (the usual case for large
    frames), whose fields are exactly the data columns, with unique names.
    """
    pandas = schema.pandas_metadata
    if not pandas:
        return None
    index = pandas.get("index_columns", [])
    if len(index) > 1 or any(not isinstance(d, dict) or d.get("kind") != "range" for d in index):
        return None
    names = list(schema.names)
    by_field = {c.get("field_name", c.get("name")): c for c in pandas.get("columns", [])}
    if len(set(names)) != len(names) or any(n not in by_field for n in names):
        return None
    return names, [by_field[n] for n in names], (index[0] if index else {})


def _range_index(descr: dict[str, Any], nrows: int) -> Any:
    """The row index pyarrow rebuilds from a RangeIndex descriptor (same rules)."""
    import pandas as pd

    if descr:
        index = pd.RangeIndex(descr["start"], descr["stop"], step=descr["step"], name=descr["name"])
        if len(index) == nrows:
            return index
    return pd.RangeIndex(nrows)


def _rows(chunks: list[dict[str, Any]]) -> int | None:
    total = 0
    for node in chunks:
        if "len" not in node:
            return None
        total += int(node["len"])
    return total


def _buffer_indices(chunks: list[dict[str, Any]]) -> list[int]:
    out: list[int] = []

    def walk(node: dict[str, Any]) -> None:
        if "ipc" in node:
            out.append(int(node["ipc"]))
            return
        out.extend(int(b) for b in node["bufs"] if b >= 0)
        if "dict" in node:
            walk(node["dict"])

    for node in chunks:
        walk(node)
    return out


def _chunks_key(chunks: list[dict[str, Any]], oids: Sequence[str]) -> str:
    """A column's chunk layout with buffer indices replaced by the buffers' oids."""

    def key(node: dict[str, Any]) -> Any:
        if "ipc" in node:
            return {"ipc": oids[node["ipc"]]}
        out: dict[str, Any] = {
            "len": node["len"],
            "nulls": node["nulls"],
            "bufs": [None if b < 0 else oids[b] for b in node["bufs"]],
        }
        if "dict" in node:
            out["dict"] = key(node["dict"])
        return out

    return json.dumps([key(n) for n in chunks], sort_keys=True)


def _arrow_friendly(df: Any) -> bool:
    """Cheap checks for what Arrow cannot keep: object dtypes and duplicate labels."""
    ix = df.index
    levels = list(ix.levels) if hasattr(ix, "levels") else [ix]
    dtypes = [*df.dtypes, *(level.dtype for level in levels)]
    return bool(df.columns.is_unique) and not any(str(d) == "object" for d in dtypes)


def _same_layout(df: Any, probe: Any) -> bool:
    """A zero-row decode has the same dtypes, column labels and index kind as ``df``."""
    ix, pix = df.index, probe.index
    if type(ix) is not type(pix):
        return False
    # A RangeIndex is kept as metadata, restored (with its name) only at full length.
    if type(ix).__name__ != "RangeIndex" and list(ix.names) != list(pix.names):
        return False
    same_index = (
        list(ix.dtypes) == list(pix.dtypes) if hasattr(ix, "levels") else ix.dtype == pix.dtype
    )
    return bool(same_index and probe.dtypes.equals(df.dtypes) and probe.columns.equals(df.columns))


def _encode_chunk(arr: Any, buffers: list[memoryview]) -> dict[str, Any]:
    """Describe one Arrow array chunk and append its buffers; IPC for complex layouts."""
    import pyarrow as pa

    tp = arr.type
    flat = not pa.types.is_nested(tp) and not isinstance(tp, pa.ExtensionType)
    own = arr.buffers()
    if flat and arr.offset == 0 and len(own) == tp.num_buffers:
        node: dict[str, Any] = {"len": len(arr), "nulls": arr.null_count, "bufs": []}
        for buf in own:
            if buf is None:
                node["bufs"].append(-1)
            else:
                node["bufs"].append(len(buffers))
                buffers.append(memoryview(buf))
        if pa.types.is_dictionary(tp):
            node["dict"] = _encode_chunk(arr.dictionary, buffers)
        if "dict" not in node or "ipc" not in node["dict"]:
            return node
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, pa.schema([pa.field("c", tp)])) as writer:
        writer.write_batch(pa.record_batch([arr], names=["c"]))
    buffers.append(memoryview(sink.getvalue()))
    return {"ipc": len(buffers) - 1}


def _decode_chunk(node: dict[str, Any], tp: Any, buffers: Buffers) -> Any:
    """One column chunk, fully validated before anything reads it.

    Arrow takes lengths and offsets on trust: a crafted ``large_binary`` offset reads
    beyond its buffer. ``validate(full=True)`` checks offsets, sizes, UTF-8 and dictionary
    indices, so a damaged or hostile chunk is an error, not a crash or a heap leak.
    """
    import pyarrow as pa

    chunk = _build_chunk(node, tp, buffers, 0)
    if chunk.type != tp:
        raise MalformedValue("pandas", f"a chunk is {chunk.type}, its schema says {tp}")
    try:
        chunk.validate(full=True)
    except (pa.ArrowException, ValueError) as err:
        raise MalformedValue("pandas", f"a column chunk fails validation ({err})") from None
    return chunk


def _index(kind: str, value: Any, buffers: Buffers, allow_none: bool) -> int:
    low = -1 if allow_none else 0
    if type(value) is not int or not low <= value < len(buffers):
        raise MalformedValue(kind, f"buffer index {value!r} is out of range")
    return value


def _build_chunk(node: Any, tp: Any, buffers: Buffers, depth: int) -> Any:
    import pyarrow as pa

    if not isinstance(node, dict) or depth > 8:
        raise MalformedValue("pandas", "a column chunk record is malformed")
    if "ipc" in node:
        data = pa.py_buffer(buffers[_index("pandas", node["ipc"], buffers, False)])
        table = pa.ipc.open_stream(data).read_all()
        if table.num_columns != 1:
            raise MalformedValue("pandas", "an Arrow chunk must hold one column")
        return table.column(0).combine_chunks()
    length, nulls, refs = node.get("len"), node.get("nulls"), node.get("bufs")
    if type(length) is not int or length < 0 or type(nulls) is not int or nulls < -1:
        raise MalformedValue("pandas", "a chunk's length or null count is malformed")
    if not isinstance(refs, list) or len(refs) > 8:
        raise MalformedValue("pandas", "a chunk's buffer list is malformed")
    bufs = [
        None if i < 0 else pa.py_buffer(buffers[i])
        for i in (_index("pandas", r, buffers, True) for r in refs)
    ]
    if pa.types.is_dictionary(tp):
        indices = pa.Array.from_buffers(tp.index_type, length, bufs, nulls)
        dictionary = _build_chunk(node.get("dict"), tp.value_type, buffers, depth + 1)
        return pa.DictionaryArray.from_arrays(indices, dictionary, ordered=tp.ordered)
    return pa.Array.from_buffers(tp, length, bufs, nulls)


def is_frame(obj: Any) -> bool:
    """Whether ``obj`` is a DataFrame or Series this serializer takes (cheap, no import)."""
    return qualified_name(type(obj)) in _FRAMES | _SERIESES


def _pickled(obj: Any, series: bool, problem: str) -> Encoded:
    """The fallback without pyarrow: pickle protocol 5 (numeric blocks out of band), with
    the frame's summary and stats, and a note saying why and what loading it needs."""
    from .pickle_kind import PickleSerializer

    enc = PickleSerializer().encode(obj)
    enc.summary = f"{_summary(obj, series)}, pickled"
    enc.stats = frame_stats(obj)
    enc.fallback = (
        "saved with pickle, not Arrow (it loads here; another machine loads it only after "
        f"trusting the version), because {problem}"
    )
    return enc


def _summary(obj: Any, series: bool) -> str:
    if series:
        name = f" {obj.name!r}" if obj.name is not None else ""
        return f"Series{name} {obj.dtype} ({len(obj)})"
    return f"DataFrame {obj.shape[0]} × {obj.shape[1]}"  # noqa: RUF001


def frame_stats(obj: Any) -> dict[str, Any]:
    """Shape, dtypes, index, and per-column min/max/mean for a bounded set of numeric columns."""
    import pandas as pd

    df = obj.to_frame() if isinstance(obj, pd.Series) else obj
    stats: dict[str, Any] = {
        "shape": list(obj.shape),
        "rows": len(df),
        "nbytes": int(df.memory_usage(index=True, deep=False).sum()),
        "columns": {str(c): str(t) for c, t in list(df.dtypes.items())[:200]},
        "index": {"type": type(df.index).__name__, "names": [str(n) for n in df.index.names]},
    }
    if len(df) <= STATS_MAX_ROWS:
        numeric: dict[str, Any] = {}
        for col, dtype in df.dtypes.items():
            if len(numeric) >= STATS_MAX_COLUMNS:
                break
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
                s = df[col]
                try:
                    numeric[str(col)] = {
                        "min": json_number(s.min()),
                        "max": json_number(s.max()),
                        "mean": json_number(s.mean()),
                        "nulls": int(s.isna().sum()),
                    }
                except (TypeError, ValueError):  # e.g. complex: no ordering
                    continue
        stats["numeric"] = numeric
    return stats
