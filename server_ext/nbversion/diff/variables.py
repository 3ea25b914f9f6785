"""Variable diff: added / removed / changed by content fingerprint, with per-kind detail.

Detail first comes from the stats every record carries (no loading). When allowed, both
values are then loaded from the store for finer detail. Loading obeys trust: a pickled
value of a version without this user's signature is never unpickled (the registry
refuses, and we do not ask); such variables keep the stats-only detail, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..capture import UnknownKind, UntrustedPickle, decode
from ..capture.errors import MalformedValue
from ..capture.pickle_kind import resolving
from ..capture.registry import serializer_for
from ..store.packs import RecordReader
from ..store.records import VariableRecord
from .common import dict_diff
from .frames import frame_stats, frame_values
from .models import load_torch_weights, model_stats, sklearn_values, torch_values
from .options import DiffOptions
from .values import (
    array_stats,
    array_values,
    container_stats,
    container_values,
    object_stats,
    object_values,
    scalar_stats,
    scalar_values,
)

if TYPE_CHECKING:
    from ..store import Repository
    from ..store.manifest import Manifest

PICKLE_KINDS = ("pickle", "cloudpickle")
_CONTAINERS = {f"builtins.{t}" for t in ("dict", "list", "tuple", "set", "frozenset")}
_SCALARS = {
    f"builtins.{t}" for t in ("int", "float", "bool", "str", "bytes", "complex", "NoneType")
}


class NoDetail(Exception):
    """A value cannot be loaded for detail; the message says why (shown to the user)."""


def category(rec: VariableRecord) -> str:
    """array | scalar | container | dataframe | model | object, from kind and type."""
    kind, tp, stats = rec["kind"], rec["type"], rec.get("stats") or {}
    serializer = serializer_for(kind)  # each kind declares how it is compared
    declared = serializer.category(stats) if serializer is not None else None
    if declared is not None:
        return declared
    if tp in _CONTAINERS:
        return "container"
    if tp in _SCALARS:
        return "scalar"
    return "object"


class Loader:
    """Loads variable values for detail, within the size bound and the trust rules."""

    def __init__(
        self, repo: Repository | None, options: DiffOptions, trusted: dict[str, bool]
    ) -> None:
        self.repo, self.options, self.trusted = repo, options, trusted

    def load(self, rec: VariableRecord, m: Manifest) -> Any:
        """The value of ``rec`` in version ``m``, or raise :class:`NoDetail` saying why."""
        opts, kind, version = self.options, rec["kind"], m.id
        if self.repo is None or not opts.load_values:
            raise NoDetail("values were not loaded (stats only)")
        if rec["size"] > opts.max_value_bytes:
            raise NoDetail(
                f"{rec['size']:,} bytes is above max_value_bytes ({opts.max_value_bytes:,})"
            )
        if kind == "import":  # loading would import the module here: the stats say it all
            raise NoDetail("an import reference: compare its module, attribute and version")
        trusted = self.trusted.get(version, False) and opts.load_pickles
        if kind in PICKLE_KINDS and not trusted:
            why = f"version {version[:10]} is not trusted: its pickled values are not loaded"
            if self.trusted.get(version):
                why = "pickled values are not loaded here (load_pickles is off)"
            raise NoDetail(why)
        reader = RecordReader(self.repo.objects)
        buffers = reader.buffers(rec)
        if kind == "torch-module":  # weights only, from safetensors: the skeleton stays shut
            return load_torch_weights(buffers)
        header = reader.header(rec)
        try:
            with resolving(lambda name: self._reference(m, name)):
                return decode(header["kind"], header["meta"], buffers, allow_untrusted=trusted)
        except (UntrustedPickle, UnknownKind, MalformedValue) as err:
            raise NoDetail(str(err)) from None
        except ImportError as err:
            raise NoDetail(f"cannot load here: {err}") from None

    def _reference(self, m: Manifest, name: str) -> Any:
        """A variable a pickled value refers to by name, loaded from the same version."""
        rec = m.variables.get(name)
        if rec is None:
            raise NoDetail(f"refers to variable {name!r}, which the version lacks")
        return self.load(rec, m)


def _stats_detail(cat: str, va: VariableRecord, vb: VariableRecord) -> dict[str, Any]:
    sa, sb = va.get("stats") or {}, vb.get("stats") or {}
    if cat == "array":
        return array_stats(sa, sb)
    if cat == "dataframe":
        return frame_stats(sa, sb)
    if cat == "model":
        return model_stats(sa, sb)
    if cat == "container":
        return container_stats(sa, sb)
    if cat == "scalar":
        return scalar_stats(sa, sb, va["summary"], vb["summary"])
    return object_stats(sa, sb, va["summary"], vb["summary"])


def _value_detail(
    cat: str, kind: str, options: DiffOptions
) -> Callable[[Any, Any], dict[str, Any]]:
    if cat == "array":
        return array_values
    if cat == "dataframe":
        return lambda x, y: frame_values(x, y, options.sample_rows)
    if cat == "model":
        return torch_values if kind == "torch-module" else sklearn_values
    if cat == "container":
        return container_values
    return scalar_values if cat == "scalar" else object_values


def changed_detail(
    va: VariableRecord, vb: VariableRecord, versions: tuple[Manifest, Manifest], loader: Loader
) -> dict[str, Any]:
    """``detail`` of one changed variable: stats first, then values when they may load."""
    cat_a, cat_b = category(va), category(vb)
    same_kind = va["kind"] == vb["kind"]
    if cat_a != cat_b or not same_kind:
        return {
            "category": "type_changed",
            "level": "stats",
            "reason": "the type changed",
            "before": va["summary"],
            "after": vb["summary"],
        }
    detail: dict[str, Any] = {"category": cat_a, "level": "stats", "reason": None}
    detail.update(_stats_detail(cat_a, va, vb))
    try:
        x, y = loader.load(va, versions[0]), loader.load(vb, versions[1])
        detail.update(_value_detail(cat_a, va["kind"], loader.options)(x, y))
        detail["level"] = "full"
    except NoDetail as err:
        detail["reason"] = str(err)
    except Exception as err:  # a diff must not fail on one odd value
        detail["reason"] = f"could not compare values: {type(err).__name__}: {err}"[:300]
    return detail


def _same_content(va: VariableRecord, vb: VariableRecord, loader: Loader) -> bool:
    """Whether two records hold the same encoding (small values: wherever their packs are)."""
    if va["oid"] == vb["oid"] and va.get("pack") == vb.get("pack"):
        return True
    if "pack" not in va and "pack" not in vb:
        return False
    if loader.repo is None:  # no store to read: the equal fingerprints decide
        return True
    reader = RecordReader(loader.repo.objects)
    try:
        return reader.content_ids(va) == reader.content_ids(vb)
    except Exception:  # a missing or damaged pack: report the variable as changed
        return False


def variables_diff(a: Manifest, b: Manifest, loader: Loader) -> dict[str, Any]:
    """``{added, removed, changed, unchanged}``; see docs/diff.schema.json."""
    out: dict[str, Any] = {"added": [], "removed": [], "changed": [], "unchanged": []}
    for name in sorted(set(a.variables) | set(b.variables)):
        va, vb = a.variables.get(name), b.variables.get(name)
        if va is None and vb is not None:
            out["added"].append(
                {
                    "name": name,
                    "type": vb["type"],
                    "kind": vb["kind"],
                    "after": vb["summary"],
                    "size": vb["size"],
                }
            )
        elif vb is None and va is not None:
            out["removed"].append(
                {
                    "name": name,
                    "type": va["type"],
                    "kind": va["kind"],
                    "before": va["summary"],
                    "size": va["size"],
                }
            )
        elif va is not None and vb is not None:
            if va.get("fingerprint") == vb.get("fingerprint") and _same_content(va, vb, loader):
                out["unchanged"].append(name)
                continue
            out["changed"].append(
                {
                    "name": name,
                    "type_before": va["type"],
                    "type_after": vb["type"],
                    "kind_before": va["kind"],
                    "kind_after": vb["kind"],
                    "before": va["summary"],
                    "after": vb["summary"],
                    "size_before": va["size"],
                    "size_after": vb["size"],
                    "stats": dict_diff(_flat(va), _flat(vb)),
                    "detail": changed_detail(va, vb, (a, b), loader),
                }
            )
    return out


def _flat(rec: VariableRecord) -> dict[str, Any]:
    """Scalar-valued stats only (the stats dict diff stays small)."""
    return {k: v for k, v in (rec.get("stats") or {}).items() if not isinstance(v, dict)}
