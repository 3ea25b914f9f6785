"""scikit-learn estimators via skops: a zip of JSON and arrays that loads without pickle.

skops only instantiates types it was told to trust. Beyond skops' own defaults we trust
an exact, reviewed list of types (:mod:`.sklearn_trusted`), never a name prefix; an
estimator that holds other types (a custom transformer, xgboost) is still saved with skops
but marked ``needs_trust``, and ``decode`` refuses it without trust, whatever the
manifest says (the types are read from the file itself).
Estimators that refer to ``__main__`` (a lambda in a FunctionTransformer) decline, since
skops stores functions by name only; pickle/cloudpickle then saves them by value.

skops' zip is not deterministic: each member carries the time it was written, and the
array members are named after the ``id()`` of the arrays. An unchanged model would then
get new bytes on every encoding (a new fingerprint, stored again, shown as changed in a
diff). :func:`canonical_zip` rewrites it with fixed times and those ids numbered in schema
order, so equal models encode to equal bytes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from .base import Buffers, Encoded, Serializer, json_safe, qualified_name, short_repr, type_names
from .errors import UntrustedPickle
from .sklearn_trusted import untrusted

_BASE = "sklearn.base.BaseEstimator"
#: A skops file larger than this is not read without trust (its schema is parsed whole).
MAX_UNTRUSTED_BYTES = 512 * 1024 * 1024


class SklearnSerializer(Serializer):
    """``sklearn`` kind: any ``BaseEstimator`` subclass (matched by MRO name)."""

    kind = "sklearn"
    shareable = True
    diff_category = "model"

    def matches(self, obj: Any) -> bool:
        return _BASE in type_names(obj)

    def encode(self, obj: Any) -> Encoded | None:
        try:
            import skops.io as sio
        except ImportError:  # skops is optional (extra "sklearn"): pickle takes over
            return None
        try:
            data = canonical_zip(sio.dumps(obj))
            types = sio.get_untrusted_types(data=data)
        except Exception:  # skops cannot handle every estimator; pickle will
            return None
        if any(t.startswith("__main__.") or "<lambda>" in t or "<locals>" in t for t in types):
            return None
        foreign = untrusted(types)
        return Encoded(
            kind=self.kind,
            meta={"format": "skops", "untrusted_types": foreign},
            buffers=[memoryview(data)],
            type_name=qualified_name(type(obj)),
            summary=short_repr(obj, 120).replace("\n", " "),
            stats=estimator_stats(obj),
            needs_trust=bool(foreign),
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import skops.io as sio

        data = b"".join(bytes(b) for b in buffers)
        if len(data) > MAX_UNTRUSTED_BYTES and not allow_untrusted:
            raise UntrustedPickle(kind, "it is too large to check without trust")
        # Recomputed from the data itself: meta could have been edited.
        try:
            types = sio.get_untrusted_types(data=data)
        except Exception as err:  # a damaged or crafted archive: never half-load it
            raise UntrustedPickle(kind, f"its skops file cannot be read ({err})") from None
        foreign = untrusted(types)
        if foreign and not allow_untrusted:
            raise UntrustedPickle(
                kind, "it holds types outside the reviewed list: " + ", ".join(foreign[:5])
            )
        return sio.loads(data, trusted=types)


_SCHEMA = "schema.json"
_ID_NAMED = re.compile(r"^\d+\.[A-Za-z0-9]+$")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def canonical_zip(data: bytes) -> bytes:
    """skops bytes made deterministic: fixed member times, and the ``id()``-derived parts
    (array member names, the schema's ``__id__`` memo keys) renumbered in schema order.

    Renumbering is one-to-one, so shared references stay shared. Returns ``data`` unchanged
    when the archive is not laid out as expected (the model then only loses deduplication,
    never correctness).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            infos = src.infolist()
            names = [i.filename for i in infos]
            if _SCHEMA not in names or len(set(names)) != len(names):
                return data
            schema = json.loads(src.read(_SCHEMA))
            members = {i.filename: (i, src.read(i)) for i in infos}
    except (zipfile.BadZipFile, ValueError, OSError):
        return data
    if any(n != _SCHEMA and not _ID_NAMED.match(n) for n in names):
        return data
    files: dict[str, str] = {}
    ids: dict[int, int] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("__id__"), int):
                node["__id__"] = ids.setdefault(node["__id__"], len(ids))
            ref = node.get("file")
            if isinstance(ref, str) and ref in members:
                node["file"] = files.setdefault(ref, f"m{len(files)}.{ref.rsplit('.', 1)[1]}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    if len(files) != len(names) - 1:  # a member the schema does not name: leave it be
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for old in [_SCHEMA, *files]:
            info, content = members[old]
            new = zipfile.ZipInfo(files.get(old, old), date_time=_EPOCH)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            if old == _SCHEMA:
                content = json.dumps(schema, indent=2).encode()
            dst.writestr(new, content)
    return out.getvalue()


def estimator_stats(est: Any) -> dict[str, Any]:
    """Class, hyperparameters (JSON-safe) and a summary of fitted attributes."""
    stats: dict[str, Any] = {"class": qualified_name(type(est))}
    try:
        stats["params"] = {k: json_safe(v) for k, v in est.get_params(deep=False).items()}
    except Exception as err:  # a broken get_params must not break a save
        stats["params_error"] = short_repr(err)
    fitted: dict[str, Any] = {}
    for name, value in vars(est).items():
        if name.endswith("_") and not name.startswith("_"):
            shape = getattr(value, "shape", None)
            if shape is not None:
                fitted[name] = {"shape": list(shape), "dtype": str(getattr(value, "dtype", ""))}
            elif isinstance(value, list | tuple):
                fitted[name] = {"len": len(value)}
            else:
                fitted[name] = json_safe(value)
        if len(fitted) >= 50:
            break
    stats["fitted"] = bool(fitted)
    stats["fitted_attributes"] = fitted
    n_params = sum(  # arrays only: a FunctionTransformer may hold a numpy ufunc (np.log1p)
        int(v.size)
        for v in vars(est).values()
        if type(v).__module__ == "numpy" and isinstance(getattr(v, "size", None), int)
    )
    stats["parameter_count"] = n_params
    return stats
