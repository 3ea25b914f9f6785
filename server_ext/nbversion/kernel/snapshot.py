"""Capture the kernel's variables into the store, and restore them, as diffs.

The cheap hash finds change, the strong one names content: every encoded variable gets an
xxh3-128 fingerprint over its kind, metadata and buffers (~14 GB/s). A variable whose
fingerprint matches the one recorded at the previous save reuses that record: it is
neither re-hashed with BLAKE3 nor re-written. Restore is a diff too: a saved variable
whose fingerprint matches the live value is left alone.

Objects reachable from several names are saved once (the later names record
``alias_of``) and restored as one object, so aliasing survives a round trip.

Change tracking (:mod:`.tracking`) narrows a save further with ``only``: variables outside
it reuse their previous record without being encoded at all. Per-kind stats (min, max,
mean over every column...) cost more than the fingerprint itself, so they are computed
only for values that are actually written (:func:`deferred_stats`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import xxhash

from ..capture import (
    Encoded,
    Unserializable,
    decode,
    encode,
    import_kind,
    is_capturable_name,
    is_user_name,
    serializers,
)
from ..capture.pickle_kind import resolving, shared_objects
from ..capture.registry import shareable_kinds
from ..store import packs
from ..store.objects import ObjectStore
from ..store.records import VariableRecord
from . import imports, loadback, reuse, sharing
from .deferred import deferred_stats, stats_of

#: What a progress callback receives: (bytes done, bytes total, current variable name).
Progress = Callable[[int, int, str], None]


def fingerprint(enc: Encoded) -> str:
    """xxh3-128 over kind, meta and buffers: equal fingerprints mean equal content."""
    h = xxhash.xxh3_128()
    h.update(enc.kind.encode())
    h.update(json.dumps(enc.meta, sort_keys=True, default=str).encode())
    for buf in enc.buffers:
        h.update(len(buf).to_bytes(8, "little"))
        h.update(buf)
    return h.hexdigest()


@dataclass
class CaptureResult:
    """Manifest-ready variable records, skipped names with reasons, and what was written."""

    variables: dict[str, VariableRecord] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    bytes_written: int = 0
    #: names encoded and fingerprinted (the others reused their record untouched)
    encoded: list[str] = field(default_factory=list)
    #: what the user should know about how values were saved (e.g. a pickle fallback)
    notes: list[str] = field(default_factory=list)


def capture(
    namespace: MutableMapping[str, Any],
    objects: ObjectStore,
    previous: Mapping[str, VariableRecord] | None = None,
    *,
    names: Iterable[str] | None = None,
    verify: bool = False,
    progress: Progress | None = None,
    max_size: int | None = None,
    only: set[str] | None = None,
    hints: Mapping[str, imports.Hint] | None = None,
) -> CaptureResult:
    """Encode every capturable variable of ``namespace`` and store what changed.

    ``previous`` maps names to the records of the last version (for reuse); ``verify``
    ignores it and rewrites every object (objects already present are still not rewritten).
    A value whose encoded size exceeds ``max_size`` bytes is listed as skipped. With
    ``only``, a variable outside it that has a previous record keeps that record as is.
    Names bound by imports become import references (``hints``: what the kernel's import
    statements bound, see :mod:`.imports`).
    """
    with deferred_stats():
        return _capture(
            namespace, objects, previous, names, verify, progress, max_size, only, hints or {}
        )


def _capture(
    namespace: MutableMapping[str, Any],
    objects: ObjectStore,
    previous: Mapping[str, VariableRecord] | None,
    names: Iterable[str] | None,
    verify: bool,
    progress: Progress | None,
    max_size: int | None,
    only: set[str] | None,
    hints: Mapping[str, imports.Hint],
) -> CaptureResult:
    previous = {} if verify else (previous or {})
    result = CaptureResult()
    seen: dict[int, str] = {}
    candidates = sorted(names if names is not None else list(namespace))
    encoded: list[tuple[str, Any, Encoded]] = []
    order: list[tuple[str, Any]] = []
    shared: dict[int, sharing.Target] = {}
    for name in candidates:
        if name not in namespace:
            continue
        value = namespace[name]
        if is_user_name(name) and _imported(name, value, hints, previous, objects, result):
            continue
        if not is_capturable_name(name, value):
            continue
        if id(value) in seen:
            encoded.append((name, value, _ALIAS))
            continue
        seen[id(value)] = name
        old = previous.get(name)
        if only is not None and name not in only and old is not None and "alias_of" not in old:
            result.variables[name] = old.copy()  # untouched since the last save
            result.reused.append(name)
            if old["kind"] in shareable_kinds():
                shared[id(value)] = name
            sharing.add_parts(shared, name, value, old["kind"])
            continue
        order.append((name, value))
    # containers another variable holds: the holder refers to them by name (identity)
    shared.update(sharing.shared_containers((n, namespace[n]) for n in seen.values()))
    sharing.add_notebook_code(shared, ((n, namespace[n]) for n in seen.values()))
    # values of shareable kinds first, so pickled containers can refer to them by name
    first: list[tuple[str, Any]] = []
    rest: list[tuple[str, Any]] = []
    for name, value in order:
        (first if _likely_shareable(value) else rest).append((name, value))
    for name, value in first:
        enc = _encode_or_skip(name, value, result)
        if enc is not None:
            encoded.append((name, value, enc))
            if enc.kind in shareable_kinds():
                shared[id(value)] = name
            sharing.add_parts(shared, name, value, enc.kind)  # opt -> model, ax -> fig
    with shared_objects(shared):
        for name, value in rest:
            enc = _encode_or_skip(name, value, result)
            if enc is not None:
                encoded.append((name, value, enc))

    fallbacks: dict[str, list[str]] = {}
    for name, _, enc in encoded:
        if enc is not _ALIAS and enc.fallback:
            fallbacks.setdefault(enc.fallback, []).append(name)
    result.notes += [f"{', '.join(sorted(n))}: {why}" for why, n in fallbacks.items()]
    total = sum(sum(len(b) for b in e.buffers) for _, _, e in encoded if e is not _ALIAS)
    packer = packs.PackWriter(objects)
    done = 0
    fps = {name: fingerprint(enc) for name, _, enc in encoded if enc is not _ALIAS}
    problems = loadback.problems(
        [
            (n, e)
            for n, _, e in encoded
            if e is not _ALIAS and _to_check(e, previous.get(n), fps[n])
        ],
        namespace,
    )  # decoding runs user code: in a forked copy of the kernel, never in the kernel
    for name, _value, enc in encoded:
        if enc is _ALIAS:
            continue
        size = sum(len(b) for b in enc.buffers)
        if max_size is not None and size > max_size:
            reason = f"{_mb(size)} is over the size limit of {_mb(max_size)}"
            result.skipped.append({"name": name, "type": enc.type_name, "reason": reason})
            continue
        fp = fps[name]
        result.encoded.append(name)
        old = previous.get(name)
        if old is not None and old.get("fingerprint") == fp and "alias_of" not in old:
            result.variables[name] = old.copy()
            result.reused.append(name)
        elif (problem := problems.get(name)) is not None:
            result.skipped.append({"name": name, "type": enc.type_name, "reason": problem})
            continue
        else:
            record: VariableRecord = {
                "oid": "",  # the header's object, or the pack's (set by packer.flush)
                "kind": enc.kind,
                "type": enc.type_name,
                "summary": enc.summary,
                "size": size,
                "stats": stats_of(enc),
                "needs_trust": enc.needs_trust,
                "fingerprint": fp,
            }
            if enc.meta.get("refs"):
                record["refs"] = list(enc.meta["refs"])
            header = {"kind": enc.kind, "meta": enc.meta}
            if size + 1024 <= packs.PACK_LIMIT and enc.kind != "pandas":  # restore reuses columns
                packer.add(record, packs.header_bytes(header), enc.buffers)
            else:
                record["oid"] = objects.put_json(header)
                record["buffers"] = [objects.put_buffer(b) for b in enc.buffers]
            result.variables[name] = record
            result.written.append(name)
            result.bytes_written += size
        done += size
        if progress is not None:
            progress(done, total, name)

    packer.flush()
    for name, value, enc in encoded:
        if enc is _ALIAS:
            target = seen[id(value)]
            if target in result.variables:
                alias = result.variables[target].copy()
                alias["alias_of"] = target
                result.variables[name] = alias
    return result


def _imported(
    name: str,
    value: Any,
    hints: Mapping[str, imports.Hint],
    previous: Mapping[str, VariableRecord],
    objects: ObjectStore,
    result: CaptureResult,
) -> bool:
    """Record ``name`` as an import reference if an import bound it (True), else False."""
    made = imports.record(name, value, hints.get(name), previous.get(name), objects, fingerprint)
    if made is None:
        return False
    result.variables[name], reused = made
    (result.reused if reused else result.written).append(name)
    return True


def _likely_shareable(value: Any) -> bool:
    """Whether the first serializer that claims ``value`` is of a shareable kind (cheap)."""
    for serializer in serializers():
        if serializer.matches(value):
            return serializer.kind in shareable_kinds()
    return False


#: Pickled values up to this size are decoded once after encoding, to catch classes whose
#: pickling "succeeds" but produces something that cannot be loaded back.
ROUND_TRIP_LIMIT = 8 * 1024 * 1024


def _to_check(enc: Encoded, old: VariableRecord | None, fp: str) -> bool:
    """Whether a value is loaded back once (:mod:`.loadback`): a new, small pickle."""
    if not enc.needs_trust or enc.nbytes > ROUND_TRIP_LIMIT:
        return False
    return old is None or old.get("fingerprint") != fp or "alias_of" in old


def _encode_or_skip(name: str, value: Any, result: CaptureResult) -> Encoded | None:
    """Encode one variable, or record why it cannot be saved (never aborting the rest)."""
    try:
        return encode(value)
    except Unserializable as err:
        reason = err.reason or str(err)
    except Exception as err:  # a third-party __reduce__ may raise anything
        reason = f"{type(err).__name__}: {err}"
    result.skipped.append({"name": name, "type": _type_name(value), "reason": reason})
    return None


@dataclass
class RestoreResult:
    """What a restore did to the live namespace."""

    restored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: Things the user should know (e.g. the version belongs to another notebook).
    notes: list[str] = field(default_factory=list)


def live_fingerprint(value: Any) -> str | None:
    """Fingerprint of a live value, or None when it cannot be encoded."""
    try:
        with deferred_stats():
            return fingerprint(encode(value))
    except Exception:
        return None


def plan_restore(
    namespace: MutableMapping[str, Any],
    variables: Mapping[str, VariableRecord],
    names: Iterable[str] | None = None,
    known: Mapping[str, str] | None = None,
    live_records: Mapping[str, VariableRecord] | None = None,
) -> dict[str, list[str]]:
    """Preview a restore: which names would be loaded, left alone or removed.

    ``known`` maps names to the fingerprint their live value is known to have (from change
    tracking: untouched since a save), which spares encoding them again; ``live_records``
    does the same with the whole stored records the live values are known to equal.
    """
    known = _known(known, live_records)
    wanted = set(variables) if names is None else set(names)
    plan: dict[str, list[str]] = {"restore": [], "unchanged": [], "remove": [], "missing": []}
    for name in sorted(wanted):
        rec = variables.get(name)
        if rec is None:
            plan["missing"].append(name)
        elif imports.is_import(rec):  # bound to the very object already: leave it
            plan["unchanged" if imports.live_matches(rec, namespace, name) else "restore"].append(
                name
            )
        elif name in namespace and _live(namespace, name, known) == rec.get("fingerprint"):
            plan["unchanged"].append(name)
        else:
            plan["restore"].append(name)
    sharing.follow_refs(plan, variables)  # ``ax`` comes back with ``fig``
    if names is None:
        for name in sorted(namespace):
            if name not in variables and is_capturable_name(name, namespace[name]):
                plan["remove"].append(name)
    return plan


def _known(
    known: Mapping[str, str] | None, live_records: Mapping[str, VariableRecord] | None
) -> dict[str, str]:
    out = dict(known or {})
    for name, rec in (live_records or {}).items():
        fp = rec.get("fingerprint")
        if fp and "alias_of" not in rec:
            out.setdefault(name, fp)
    return out


def _live(namespace: MutableMapping[str, Any], name: str, known: Mapping[str, str]) -> str | None:
    fp = known.get(name)
    return fp if fp is not None else live_fingerprint(namespace[name])


def restore(
    namespace: MutableMapping[str, Any],
    variables: Mapping[str, VariableRecord],
    objects: ObjectStore,
    *,
    names: Iterable[str] | None = None,
    allow_untrusted: bool = False,
    skipped_names: Iterable[str] = (),
    progress: Progress | None = None,
    keep_extra: bool = False,
    known: Mapping[str, str] | None = None,
    live_records: Mapping[str, VariableRecord] | None = None,
) -> RestoreResult:
    """Put saved variables back into ``namespace``, loading only those that differ.

    With ``names=None`` the namespace is made to match the version: capturable names the
    version does not have are removed (names the version skipped are kept). Nothing is
    assigned until every requested variable has decoded, so a failure leaves the
    namespace as it was.

    ``live_records`` maps names to the stored records their live values are known to equal
    (change tracking). Besides sparing their fingerprints, they let a DataFrame load only
    the columns that differ and take the others from the live frame (copy-on-write).
    """
    live_records = live_records or {}
    known = _known(known, live_records)
    plan = plan_restore(namespace, variables, names, known)
    result = RestoreResult(unchanged=plan["unchanged"])
    for name in plan["missing"]:
        result.failed[name] = "not in this version"
    loaded: dict[str, Any] = {}
    by_oid: dict[str, Any] = {}
    total = sum(variables[n]["size"] for n in plan["restore"])
    done = 0
    unchanged = set(plan["unchanged"])
    reader = packs.RecordReader(objects)

    def load(name: str) -> Any:
        rec = variables[name]
        key = rec["oid"] + ":" + ",".join(rec.get("buffers", [])) + str(rec.get("pack", ""))
        if key not in by_oid:
            header = reader.header(rec)
            value = reuse.load_reusing(name, rec, header, namespace, live_records, objects)
            if value is None:
                buffers = reader.buffers(rec)
                value = decode(
                    header["kind"], header["meta"], buffers, allow_untrusted=allow_untrusted
                )
            by_oid[key] = value
        return by_oid[key]

    def resolve(name: str) -> Any:
        """A referenced variable: the one being restored, the equal live one, or the saved one."""
        if name in loaded:
            return loaded[name]
        if name in namespace and (
            name in unchanged
            or (
                name in variables
                and _live(namespace, name, known) == variables[name].get("fingerprint")
            )
        ):
            unchanged.add(name)
            return namespace[name]
        if name not in variables:
            raise Unserializable(f"refers to variable {name!r}, which this version lacks")
        return load(name)

    def rank(n: str) -> tuple[bool, bool, bool]:
        rec = variables[n]
        return (not imports.is_import(rec), "alias_of" in rec, bool(rec.get("refs")))

    with resolving(resolve):
        for name in sorted(plan["restore"], key=rank):
            if imports.is_import(variables[name]):  # a failed import fails only its name
                try:
                    loaded[name] = load(name)
                except Exception as err:
                    result.failed[name] = f"not imported: {err}"
                    continue
                meta = (variables[name].get("stats") or {}).get("import") or {}
                note = import_kind.version_note(name, meta)
                if note:
                    result.notes.append(note)
                continue
            loaded[name] = load(name)
            done += variables[name]["size"]
            if progress is not None:
                progress(done, total, name)
    # aliases of an unchanged variable must point at the live object, not a new copy
    for name in list(loaded):
        target = variables[name].get("alias_of")
        if target and target in plan["unchanged"]:
            loaded[name] = namespace[target]
    namespace.update(loaded)
    result.restored = sorted(loaded)
    keep = set(skipped_names)
    for name in [] if keep_extra else plan["remove"]:
        if name not in keep:
            del namespace[name]
            result.removed.append(name)
    return result


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _type_name(value: Any) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}"


#: Marks "same object as an earlier name" while capturing (never stored).
_ALIAS: Any = object()
