"""polars DataFrames and Series as one Arrow IPC stream: no pickle, validated on load.

polars keeps its columns in Arrow memory, so ``to_arrow()`` is (nearly) free and the IPC
stream is the columns' own buffers. Loading reads the stream, runs Arrow's full
validation (a crafted offset must never reach polars' native code), and hands the table
to ``polars.from_arrow``. A Series travels as a one-column frame.

The kind declares its capabilities to the registry like every serializer: shareable
(other variables may refer to a frame by name) and compared as a "dataframe" in diffs.
"""

from __future__ import annotations

from typing import Any

from .base import Buffers, Encoded, Serializer, json_number, qualified_name
from .errors import MalformedValue

_FRAME, _SERIES = "polars.dataframe.frame.DataFrame", "polars.series.series.Series"
#: Numeric columns summarised in the stats (min/max/mean), and the rows they may have.
STATS_MAX_COLUMNS, STATS_MAX_ROWS = 50, 10_000_000


class PolarsSerializer(Serializer):
    """``polars`` kind: exact ``polars.DataFrame`` and ``polars.Series`` types."""

    kind = "polars"
    shareable = True
    diff_category = "dataframe"

    def matches(self, obj: Any) -> bool:
        return qualified_name(type(obj)) in (_FRAME, _SERIES)

    def encode(self, obj: Any) -> Encoded | None:
        import pyarrow as pa

        series = qualified_name(type(obj)) == _SERIES
        frame = obj.to_frame() if series else obj
        try:
            table = frame.to_arrow()
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
        except (pa.ArrowException, TypeError, ValueError):
            return None  # an Object column (Python objects): pickle takes over
        meta: dict[str, Any] = {"series": series}
        if series:
            meta["name"] = obj.name
        return Encoded(
            kind=self.kind,
            meta=meta,
            buffers=[memoryview(sink.getvalue())],
            type_name=qualified_name(type(obj)),
            summary=_summary(obj, series),
            stats=frame_stats(frame),
            needs_trust=False,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import polars as pl
        import pyarrow as pa

        if len(buffers) != 1:
            raise MalformedValue(kind, f"expected 1 buffer, found {len(buffers)}")
        try:
            table = pa.ipc.open_stream(pa.py_buffer(buffers[0])).read_all()
            table.validate(full=True)
        except (pa.ArrowException, ValueError) as err:
            raise MalformedValue(kind, f"its Arrow stream fails validation ({err})") from None
        frame = pl.from_arrow(table)
        if not isinstance(frame, pl.DataFrame):  # a table always gives a frame; be explicit
            raise MalformedValue(kind, "the Arrow stream is not a table")
        if not meta.get("series"):
            return frame
        if frame.width != 1:
            raise MalformedValue(kind, "a Series must be stored as one column")
        return frame.to_series(0).alias(str(meta.get("name", "")))


def _summary(obj: Any, series: bool) -> str:
    if series:
        return f"polars Series {obj.name!r} {obj.dtype} ({len(obj)})"
    return f"polars DataFrame {obj.height} × {obj.width}"  # noqa: RUF001


def frame_stats(df: Any) -> dict[str, Any]:
    """The same facts pandas frames record (shape, columns, numeric min/max/mean), so
    diffs compare a polars frame's schema and numbers the same way."""
    stats: dict[str, Any] = {
        "shape": [df.height, df.width],
        "rows": df.height,
        "nbytes": int(df.estimated_size()),
        "columns": {str(c): str(t) for c, t in list(df.schema.items())[:200]},
        "index": {"type": "none", "names": []},
    }
    if df.height <= STATS_MAX_ROWS:
        numeric: dict[str, Any] = {}
        for name, dtype in df.schema.items():
            if len(numeric) >= STATS_MAX_COLUMNS:
                break
            if dtype.is_numeric():
                col = df.get_column(name)
                numeric[str(name)] = {
                    "min": json_number(col.min()),
                    "max": json_number(col.max()),
                    "mean": json_number(col.mean()),
                    "nulls": int(col.null_count()),
                }
        stats["numeric"] = numeric
    return stats
