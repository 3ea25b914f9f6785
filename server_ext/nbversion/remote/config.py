"""Remotes in ``.nbversion/config.toml`` (``[remote.NAME]`` tables) and the git ignore file.

Only the URL and non-secret options (``endpoint_url``) are stored: credentials come from
the usual places (``AWS_ACCESS_KEY_ID``, ``~/.aws``, instance roles), never from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Conflict, InvalidInput, NotFound
from ..store.config import read_toml, update_config
from ..store.fsutil import atomic_write

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: What git should not track in ``.nbversion/``: data goes to the remote, the rest is local.
GITIGNORE = "objects/\ntmp/\nindex.sqlite*\nsignatures/\n*.lock\n*.lock.break\n"


@dataclass(frozen=True)
class RemoteSpec:
    """A configured remote: its name, fsspec URL and optional S3 endpoint."""

    name: str
    url: str
    endpoint_url: str = ""


def check_remote_name(name: str) -> str:
    """A remote name is one short path component (it prefixes remote-tracking refs)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInput(f"invalid remote name {name!r} (letters, digits, '-', '_')")
    return name


def normalize_url(url: str) -> str:
    """Plain paths become absolute (a relative path means nothing to a teammate)."""
    if "://" in url or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*::", url):
        return url
    return str(Path(url).expanduser().resolve())


def list_remotes(store_dir: Path) -> dict[str, RemoteSpec]:
    """Every configured remote by name."""
    table = read_toml(store_dir / "config.toml").get("remote", {})
    out = {}
    for name, entry in table.items():
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            out[name] = RemoteSpec(name, entry["url"], str(entry.get("endpoint_url", "")))
    return dict(sorted(out.items()))


def get_remote(store_dir: Path, name: str | None) -> RemoteSpec:
    """The named remote, or the default one (``origin``, else the only one)."""
    remotes = list_remotes(store_dir)
    if name is None:
        if "origin" in remotes:
            return remotes["origin"]
        if len(remotes) == 1:
            return next(iter(remotes.values()))
        raise InvalidInput("say which remote (none is named origin)" if remotes else "no remotes")
    if name not in remotes:
        raise NotFound(f"no remote {name!r} (add it with `nbversion remote add {name} URL`)")
    return remotes[name]


def _update(store_dir: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to the ``[remote]`` tables (dropped when it leaves them empty)."""

    def on_tables(data: dict[str, Any]) -> None:
        change(data.setdefault("remote", {}))
        if not data["remote"]:
            del data["remote"]

    update_config(store_dir, on_tables)


def add_remote(store_dir: Path, name: str, url: str, endpoint_url: str = "") -> RemoteSpec:
    """Record a remote (Conflict if the name is taken) and write the git ignore file."""
    spec = RemoteSpec(check_remote_name(name), normalize_url(url), endpoint_url)

    def change(table: dict[str, Any]) -> None:
        if name in table:
            raise Conflict(f"remote {name!r} already exists")
        entry = {"url": spec.url}
        if endpoint_url:
            entry["endpoint_url"] = endpoint_url
        table[name] = entry

    _update(store_dir, change)
    write_gitignore(store_dir)
    return spec


def remove_remote(store_dir: Path, name: str) -> None:
    """Forget a remote (its remote-tracking refs stay until deleted)."""

    def change(table: dict[str, Any]) -> None:
        if table.pop(name, None) is None:
            raise NotFound(f"no remote {name!r}")

    _update(store_dir, change)


def write_gitignore(store_dir: Path) -> Path:
    """Write ``.nbversion/.gitignore`` so git tracks manifests and refs but not the data."""
    path = store_dir / ".gitignore"
    if not path.exists() or path.read_text() != GITIGNORE:
        atomic_write(path, GITIGNORE.encode(), tmp_dir=store_dir / "tmp")
    return path
