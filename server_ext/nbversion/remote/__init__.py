"""Sharing versions: remotes over fsspec (push, pull, clone) and single-file bundles.

See docs/sharing.md. Nothing here imports tornado or IPython; the CLI
(:mod:`nbversion.cli_remote`) and the service call these functions.
"""

from __future__ import annotations

from .backend import RemoteStore
from .bundle import BundleError, ImportResult, Limits, export_bundle, import_bundle
from .config import (
    RemoteSpec,
    add_remote,
    get_remote,
    list_remotes,
    remove_remote,
    write_gitignore,
)
from .pull import PullResult, clone, pull
from .push import PushResult, push
from .transfer import Progress, ProgressEvent

__all__ = [
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
    "clone",
    "export_bundle",
    "get_remote",
    "import_bundle",
    "list_remotes",
    "pull",
    "push",
    "remove_remote",
    "write_gitignore",
]
