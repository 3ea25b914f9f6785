"""Load one saved variable of a version into a private object, honouring trust.

Shadow evaluation and export need a version's model without restoring it into the live
kernel: this decodes the variable straight from the store. Pickled kinds (and torch
module skeletons) load only when the version is signed by this user (see
:mod:`nbversion.trust`); otherwise :class:`UntrustedPickle` explains how to trust it.
skops models with only sklearn/numpy/scipy types load without trust.
"""

from __future__ import annotations

from typing import Any

from .. import trust
from ..capture import decode
from ..capture.errors import Unserializable, UntrustedPickle
from ..capture.pickle_kind import resolving
from ..errors import NotFound
from ..store import Repository
from ..store.manifest import Manifest
from ..store.packs import RecordReader
from ..store.records import VariableRecord


def variable_record(manifest: Manifest, name: str) -> VariableRecord:
    """The manifest record of variable ``name``, or NotFound listing what the version has."""
    rec = manifest.variables.get(name)
    if rec is None:
        have = ", ".join(sorted(manifest.variables)) or "no variables"
        raise NotFound(f"version {manifest.id[:10]} has no variable {name!r} (it has: {have})")
    return rec


def load_variable(repo: Repository, manifest: Manifest, name: str) -> Any:
    """Decode ``name`` from ``manifest`` (references to other saved variables resolve too)."""
    allowed = trust.is_trusted(repo.store_dir, manifest.id)
    cache: dict[str, Any] = {}
    reader = RecordReader(repo.objects)

    def load(var: str) -> Any:
        if var not in cache:
            rec = variable_record(manifest, var)
            header = reader.header(rec)
            buffers = reader.buffers(rec)
            try:
                cache[var] = decode(
                    header["kind"], header["meta"], buffers, allow_untrusted=allowed
                )
            except UntrustedPickle as err:
                raise UntrustedPickle(
                    header["kind"],
                    f"variable {var!r} of version {manifest.id[:10]}, which you did not "
                    f"sign; if you trust its author run `%version trust {manifest.id[:10]}`",
                ) from err
        return cache[var]

    def resolve(var: str) -> Any:
        if var not in manifest.variables:
            raise Unserializable(f"refers to variable {var!r}, which this version lacks")
        return load(var)

    with resolving(resolve):
        return load(name)
