"""A malicious teammate: writes hostile versions by hand, as anyone with write access could.

Nothing here goes through ``Repository.save`` (which validates): objects are written with
the object store, manifests as raw canonical JSON named by their hash, refs as raw files,
exactly what a hand-edited shared folder, bucket, bundle or git repository can hold.
Every payload that could run code writes :attr:`Attacker.marker` if it ever runs.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import tarfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import blake3

from nbversion.store import Repository
from nbversion.store.manifest import canonical_json, utc_now


@dataclass
class Var:
    """One forged variable: the kind the manifest claims, and the object header it points to."""

    label: str  # kind written in the manifest record
    kind: str  # kind written in the object header (what the decoder dispatches on)
    meta: dict[str, Any]
    buffers: list[bytes]
    needs_trust: bool = False


@dataclass
class Forged:
    """A hostile version as written: its id, and what it tries."""

    name: str
    vid: str
    notebook_id: str
    #: names of variables that carry a payload that must never load untrusted
    payload_vars: list[str] = field(default_factory=list)
    #: True when a valid reader must refuse the manifest itself (bad names, escaping paths)
    refused_manifest: bool = False
    #: True when the payload runs code once the version is trusted (the gate is all that stops it)
    runs_when_trusted: bool = False
    #: False when a remote must not even list it (a branch name that hides a version id)
    arrives: bool = True
    #: variable name -> kind the manifest claims
    labels: dict[str, str] = field(default_factory=dict)


class Attacker:
    """A teammate's project from which hostile versions are published."""

    def __init__(self, root: Path, marker: Path) -> None:
        self.repo = Repository.init(root)
        self.marker = marker
        self.notebook_id = str(uuid.uuid4())
        nb = notebook({"metadata": {"nbversion": {"notebook_id": self.notebook_id}}})
        (root / "analysis.ipynb").write_text(json.dumps(nb))
        self.forged: list[Forged] = []

    # -- raw writing ----------------------------------------------------------------------
    def forge(
        self,
        name: str,
        variables: dict[str, Var] | None = None,
        *,
        data_files: dict[str, bytes] | None = None,
        nb: dict[str, Any] | None = None,
        branch: str = "main",
        **flags: Any,
    ) -> Forged:
        """Write one hostile version (objects, raw manifest, branch ref) and return it."""
        objects = self.repo.objects
        records: dict[str, dict[str, Any]] = {}
        for var_name, var in (variables or {}).items():
            buffers = [objects.put_buffer(b) for b in var.buffers]
            header = objects.put_json({"kind": var.kind, "meta": var.meta})
            records[var_name] = {
                "oid": header,
                "buffers": buffers,
                "kind": var.label,
                "type": "builtins.object",
                "summary": "forged",
                "size": sum(len(b) for b in var.buffers),
                "needs_trust": var.needs_trust,
                "fingerprint": blake3.blake3(b"".join(var.buffers)).hexdigest(),
            }
        files = {
            path: {"oid": objects.put_buffer(data), "size": len(data), "tracked_as": path}
            for path, data in (data_files or {}).items()
        }
        content = nb or notebook({"metadata": {"nbversion": {"notebook_id": self.notebook_id}}})
        manifest = {
            "format": 1,
            "notebook_id": self.notebook_id,
            "notebook_path": "analysis.ipynb",
            "notebook": objects.put_bytes(json.dumps(content).encode()),
            "branch": branch,
            "message": f"hostile: {name}",
            "author": {"name": "Mallory", "email": "mallory@example.com"},
            "created": utc_now(),
            "parents": [],
            "variables": records,
            "data_files": files,
            "params": {},
            "metrics": {},
            "environment": {},
            "skipped": [],
            "tags": [],
        }
        raw = canonical_json(manifest)
        vid = blake3.blake3(raw).hexdigest()
        (self.repo.store_dir / "versions" / f"{vid}.json").write_bytes(raw)
        ref = self.repo.store_dir / "refs" / self.notebook_id / "heads" / branch
        ref.parent.mkdir(parents=True, exist_ok=True)
        ref.write_text(vid + "\n")
        forged = Forged(name, vid, self.notebook_id, list(records), **flags)
        forged.labels = {n: r["kind"] for n, r in records.items()}
        self.forged.append(forged)
        return forged

    # -- delivery -------------------------------------------------------------------------
    def publish_folder(self, remote: Path) -> None:
        """Copy objects, manifests and refs into a folder remote (as a hand edit would)."""
        (remote).mkdir(parents=True, exist_ok=True)
        (remote / "NBVERSION-REMOTE").write_text("1")
        for part in ("objects", "versions", "refs"):
            shutil.copytree(self.repo.store_dir / part, remote / part, dirs_exist_ok=True)

    def publish_s3(self, fs: Any, url: str) -> None:
        """Upload the same files to an S3 prefix."""
        base = url.removeprefix("s3://")
        fs.pipe_file(f"{base}/NBVERSION-REMOTE", b"1")
        for part in ("objects", "versions", "refs"):
            root = self.repo.store_dir / part
            for path in root.rglob("*"):
                if path.is_file():
                    fs.pipe_file(
                        f"{base}/{part}/{path.relative_to(root).as_posix()}", path.read_bytes()
                    )

    def bundle(self, target: Path, versions: list[str]) -> Path:
        """A bundle file holding ``versions`` and every object in the store."""
        with tarfile.open(target, "w") as tar:

            def add(name: str, data: bytes) -> None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

            add("NBVERSION-BUNDLE", json.dumps({"format": 1, "refs": versions}).encode())
            objects = self.repo.store_dir / "objects"
            for path in sorted(objects.rglob("*")):
                if path.is_file():
                    add(f"objects/{path.parent.name}{path.name}", _object_file(path))
            for vid in versions:
                add(
                    f"versions/{vid}.json",
                    (self.repo.store_dir / "versions" / f"{vid}.json").read_bytes(),
                )
        return target


def _object_file(path: Path) -> bytes:
    return path.read_bytes()


def notebook(extra: dict[str, Any], cells: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A minimal nbformat 4 notebook."""
    nb: dict[str, Any] = {
        "cells": cells
        or [
            {
                "cell_type": "code",
                "source": "x = 1",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    nb.update(extra)
    return nb


# -- payloads ---------------------------------------------------------------------------------
def marker_code(marker: Path) -> str:
    """Python that, if it ever runs, leaves the marker file."""
    return f"open({str(marker)!r}, 'w').write('pwned')"


class _Exec:
    """Pickles as a call of ``exec`` with the marker code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (self.code,))


def pickle_payload(marker: Path) -> bytes:
    """A pickle whose loading writes the marker."""
    return pickle.dumps(_Exec(marker_code(marker)), protocol=5)


def skops_reduce_payload(marker: Path) -> bytes:
    """A skops file that names an exec-like function inside numpy (runs its string argument).

    With trust by name prefix (``numpy.``) this ran attacker code on load.
    """
    import skops.io as sio
    from sklearn.linear_model import LinearRegression

    data = sio.dumps(LinearRegression())
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    schema = json.loads(members["schema.json"])

    def text(value: str) -> dict[str, Any]:
        return {
            "__class__": "str",
            "__module__": "builtins",
            "__loader__": "JsonNode",
            "content": json.dumps(value),
            "is_json": True,
            "__id__": 7,
        }

    schema["content"]["content"]["payload"] = {
        "__class__": "runstring",
        "__module__": "numpy.testing._private.utils",
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [
                text(marker_code(marker)),
                {
                    "__class__": "dict",
                    "__module__": "builtins",
                    "__loader__": "DictNode",
                    "content": {},
                    "key_types": {
                        "__class__": "list",
                        "__module__": "builtins",
                        "__loader__": "ListNode",
                        "content": [],
                    },
                },
            ],
        },
    }
    attrs = schema["content"]
    attrs["key_types"]["content"].append(
        {"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode", "__id__": 8}
    )
    members["schema.json"] = json.dumps(schema).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, content in members.items():
            dst.writestr(name, content)
    return out.getvalue()


def arrow_offsets_payload() -> tuple[dict[str, Any], list[bytes]]:
    """A one-column frame whose ``large_binary`` offsets point far past the data buffer."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from nbversion.capture.registry import encode

    df = pd.DataFrame({"b": [b"xx", b"y", b"zzz"]})
    df["b"] = df["b"].astype(pd.ArrowDtype(pa.large_binary()))
    enc = encode(df)
    buffers = [bytearray(b) for b in enc.buffers]
    offsets = np.frombuffer(buffers[1], dtype=np.int64)
    offsets[-1] = 1 << 40
    return enc.meta, [bytes(b) for b in buffers]


def sparse_payload() -> tuple[dict[str, Any], list[bytes]]:
    """A CSR matrix whose column indices lie far outside its shape."""
    import numpy as np
    import scipy.sparse as sp

    from nbversion.capture.registry import encode

    enc = encode(sp.random(50, 10, density=0.3, format="csr", random_state=0))
    buffers = [bytearray(b) for b in enc.buffers]
    indices = np.frombuffer(buffers[1], dtype=np.dtype(enc.meta["dtypes"][1]))
    indices[:] = 10**8
    return enc.meta, [bytes(b) for b in buffers]


def object_dtype_payload() -> tuple[dict[str, Any], list[bytes]]:
    """numpy meta claiming object dtype over raw bytes (pointers the attacker chose)."""
    return {"shape": [4], "order": "C", "scalar": False, "dtype": "|O"}, [os.urandom(32)]


def short_buffer_payload() -> tuple[dict[str, Any], list[bytes]]:
    """numpy meta claiming a shape far larger than its buffer."""
    return {"shape": [1 << 20], "order": "C", "scalar": False, "dtype": "<f8"}, [b"\0" * 16]


def benign(label: str) -> Var | None:
    """A harmless value of kind ``label`` (None when its library is missing here).

    Diffs load values only when both sides have the same kind, so each hostile version is
    compared with a twin holding one of these under the same names.
    """
    import numpy as np

    from nbversion.capture.registry import encode

    value: Any
    if label == "numpy":
        value = np.arange(3.0)
    elif label == "pandas":
        import pandas as pd

        value = pd.DataFrame({"b": [1, 2, 3]})
    elif label == "sklearn":
        from sklearn.linear_model import LinearRegression

        value = LinearRegression()
    elif label == "scipy-sparse":
        import scipy.sparse as sp

        value = sp.eye(3, format="csr")
    elif label == "torch-tensor":
        try:
            import torch
        except ImportError:
            return None
        value = torch.zeros(2)
    else:
        value = [1, 2]
    enc = encode(value)
    assert enc.kind == label, (enc.kind, label)
    return Var(label, enc.kind, enc.meta, [bytes(b) for b in enc.buffers])
