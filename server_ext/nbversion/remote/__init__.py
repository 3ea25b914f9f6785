"""Sharing versions: remotes over fsspec (push, pull, clone) and single-file bundles.

See docs/sharing.md. Nothing here imports tornado or IPython; the CLI
(:mod:`nbversion.cli_remote`) and the service call these functions.
"""

from __future__ import annotations

from .backend import RemoteStore
from .bundle import BundleError, ImportResult, Limits, export_bundle, import_bundle
from .config import (
    KINDS,
    RemoteSpec,
    add_remote,
    check_remote,
    get_remote,
    list_remotes,
    remote_kind,
    remove_remote,
    write_gitignore,
)
from .pull import PullResult, clone, pull
from .push import PushResult, push
from .transfer import Progress, ProgressEvent

__all__ = [
    "KINDS",
    "BundleError",
    "ImportResult",
    "Limits",
    "Progress",
    "ProgressEvent",
    "PullResult",
    "PushResult",
    "RemoteSpec",
    "RemoteStore",
    "add_remote",
    "check_remote",
    "clone",
    "export_bundle",
    "get_remote",
    "import_bundle",
    "list_remotes",
    "pull",
    "push",
    "remote_kind",
    "remove_remote",
    "write_gitignore",
]
