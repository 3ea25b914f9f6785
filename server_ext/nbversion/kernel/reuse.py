"""Restore a DataFrame from the live one's equal columns plus the changed ones from the store.

See docs/performance.md ("Restore loads only what differs"): when the live frame is known
to equal a stored record, restore compares the two records column by column and reads
only the columns whose buffers differ.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from ..store import packs
from ..store.objects import ObjectStore
from ..store.records import VariableRecord


def load_reusing(
    name: str,
    rec: VariableRecord,
    header: Mapping[str, Any],
    namespace: MutableMapping[str, Any],
    live_records: Mapping[str, VariableRecord],
    objects: ObjectStore,
) -> Any:
    """A DataFrame built from the live one's equal columns plus the others read from the store.

    None when this does not apply (not pandas, the live value's record is unknown, a small
    frame stored in a pack, nothing to reuse): the caller decodes the whole value.
    """
    live_rec = live_records.get(name)
    if (
        header.get("kind") != "pandas"
        or live_rec is None
        or live_rec["kind"] != "pandas"
        or "alias_of" in live_rec
        or name not in namespace
        or packs.is_packed(rec)
        or packs.is_packed(live_rec)
    ):
        return None
    from ..capture import pandas_kind

    try:
        live_header = objects.get_json(live_rec["oid"])
        return pandas_kind.decode_reusing(
            header["meta"],
            list(rec.get("buffers", [])),
            objects.get_buffer,
            namespace[name],
            live_header["meta"],
            list(live_rec.get("buffers", [])),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None  # an unexpected layout: the full decode still works
