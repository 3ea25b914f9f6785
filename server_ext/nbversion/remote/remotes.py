"""What a remote is to the rest of nbversion: the :class:`Remote` protocol and its factory.

Push, pull, team files, eviction and fetch-on-miss use only these operations, and get a
remote only from :func:`open_remote`: a :class:`RemoteStore` over fsspec (a folder, S3,
GCS, Azure; S3's conditional writes live inside it), or a :class:`GitRemote` (a branch of a
git repository, for ``git+`` URLs). Another kind implements this protocol and is returned
here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol

from ..errors import Forbidden
from .backend import RemoteStore
from .config import GIT_PREFIX, RemoteSpec


class Remote(Protocol):
    """A store of object files, manifests, refs and small files shared by a team."""

    spec: RemoteSpec

    def ensure_initialized(self) -> None: ...
    def check_initialized(self) -> None: ...
    def object_ids(self) -> set[str]: ...
    def object_sizes(self) -> dict[str, int]: ...
    def has_object(self, oid: str) -> bool: ...
    def put_object(self, oid: str, raw: bytes) -> None: ...
    def get_object(self, oid: str) -> bytes: ...
    def version_ids(self) -> set[str]: ...
    def put_version(self, vid: str, raw: bytes) -> None: ...
    def get_version(self, vid: str) -> bytes | None: ...
    def refs(self) -> dict[tuple[str, str, str], str]: ...
    def get_ref(self, notebook_id: str, kind: str, name: str) -> str | None: ...
    def set_ref(self, notebook_id: str, kind: str, name: str, value: str, why: str) -> None: ...
    def swap_ref(
        self, notebook_id: str, kind: str, name: str, expected: str | None, value: str, why: str
    ) -> None: ...
    def find(self, prefix: str) -> list[str]: ...
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, data: bytes) -> None: ...
    def flush(self) -> None: ...


def open_remote(spec: RemoteSpec) -> Remote:
    """The remote ``spec`` names (any fsspec URL: folder, s3://, gs://, az://, ...; git+…)."""
    if spec.url.startswith(GIT_PREFIX):
        from .gitremote import GitRemote

        return GitRemote(spec)
    return RemoteStore(spec)


@contextlib.contextmanager
def refusals(spec: RemoteSpec, action: str) -> Iterator[None]:
    """Turn a remote's refusal (no permission, no credentials) into :class:`Forbidden`
    with a plain message naming the remote and what to do; ``action`` is push or pull."""
    try:
        yield
    except PermissionError as err:
        whose = f"the profile {spec.profile!r}" if spec.profile else "the server's environment"
        may = "write to" if action == "push" else "read"
        raise Forbidden(
            f"{spec.name} ({spec.url}) refused the {action}: the credentials from {whose} may "
            f"not {may} it. Ask for {'write' if action == 'push' else 'read'} access, or use "
            f"credentials that have it. ({err})",
            details={"remote": spec.name, "operation": action, "reason": "permission"},
        ) from None
    except Exception as err:
        if type(err).__name__ not in ("NoCredentialsError", "PartialCredentialsError"):
            raise
        raise Forbidden(
            f"no credentials for {spec.name} ({spec.url}) on the server: set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment, or name a "
            "profile of ~/.aws/credentials when adding the remote",
            details={"remote": spec.name, "operation": action, "reason": "credentials"},
        ) from None
