"""Remotes in ``.nbversion/config.toml`` (``[remote.NAME]`` tables) and the git ignore file.

Only the URL and non-secret options are stored (``endpoint_url``; ``profile``, the name of
an AWS profile whose keys stay in ``~/.aws``): credentials come from the usual places
(``AWS_ACCESS_KEY_ID``, ``~/.aws``, instance roles, git's credential helpers and SSH keys),
never from here, and a URL that holds a password is refused.
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
_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=@-]{0,127}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
#: A git repository as a remote: ``git+`` then what ``git clone`` accepts (see .gitremote).
GIT_PREFIX = "git+"
KINDS = ("folder", "s3", "git")
#: What git should not track in ``.nbversion/``: data goes to the remote, the rest is local.
GITIGNORE = "objects/\ntmp/\nindex.sqlite*\nsignatures/\n*.lock\n*.lock.break\n"


@dataclass(frozen=True)
class RemoteSpec:
    """A configured remote: its name, URL, and for S3 an endpoint and a profile name.

    ``profile`` names a profile of ``~/.aws/credentials`` or ``~/.aws/config`` on the
    server: its keys stay there (only the name is stored).
    """

    name: str
    url: str
    endpoint_url: str = ""
    profile: str = ""


def remote_kind(url: str) -> str:
    """``folder``, ``s3``, ``git``, or the fsspec protocol of any other URL."""
    if url.startswith(GIT_PREFIX):
        return "git"
    url = url.split("::")[-1]  # fsspec chains (simplecache::s3://…): where the data lives
    found = _SCHEME.match(url)
    if found is None or found.group(1) == "file":
        return "folder"
    scheme = found.group(1).lower()
    return "s3" if scheme in ("s3", "s3a") else scheme


def check_remote_name(name: str) -> str:
    """A remote name is one short path component (it prefixes remote-tracking refs)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInput(
            f"invalid remote name {name!r}: use letters, digits, '-' and '_' (e.g. origin)",
            details={"field": "name"},
        )
    return name


def normalize_url(url: str, base: Path | None = None) -> str:
    """Plain paths become absolute (a relative path means nothing to a teammate); a
    relative one is taken from ``base`` (default: the working directory)."""

    def absolute(path: str) -> str:
        p = Path(path).expanduser()
        return str(((base / p) if base is not None and not p.is_absolute() else p).resolve())

    if url.startswith(GIT_PREFIX):
        rest = url[len(GIT_PREFIX) :]
        plain = not _SCHEME.match(rest) and not re.match(r"^[^/]+:", rest)  # not scp-like
        return GIT_PREFIX + (absolute(rest) if plain and rest else rest)
    if "://" in url or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*::", url):
        return url
    return absolute(url)


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": field})


def _check_no_secret(url: str) -> None:
    found = re.match(r"^(?:git\+)?[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)@", url)
    if found and (":" in found.group(1) or remote_kind(url) == "s3"):
        raise _bad(
            "url",
            "the URL holds credentials: keep them out of it (the server's environment, an "
            "AWS profile, or git's own credential helper or SSH key)",
        )


def _check_folder(url: str, project: Path | None) -> None:
    path = Path(url[len("file://") :] if url.startswith("file://") else url)
    if path.exists() and not path.is_dir():
        raise _bad("url", f"{path} is a file, not a folder")
    if not path.is_dir() and not path.parent.is_dir():
        raise _bad("url", f"no folder {path.parent}: create it first, or check the path")
    if ".nbversion" in path.parts:
        raise _bad("url", "a remote cannot live inside a project's .nbversion folder")
    if path == Path(path.anchor) or (project is not None and path == project.resolve()):
        raise _bad("url", f"a remote needs a folder of its own, not {path}")


def _check_protocol(url: str) -> None:
    import fsspec

    for part in url.split("::"):
        found = _SCHEME.match(part)
        kind = found.group(1) if found else part.split(":")[0]
        try:
            fsspec.get_filesystem_class(kind)
        except ImportError as err:
            raise _bad("url", f"{kind}:// URLs need a package on the server: {err}") from None
        except ValueError:
            raise _bad("url", f"unknown kind of URL {kind}:// (a folder, s3:// or git+…)") from None


def _check_profile(profile: str) -> None:
    if not _PROFILE.match(profile):
        raise _bad("profile", f"invalid profile name {profile!r}")
    try:
        import botocore.session
    except ImportError:  # s3fs brings botocore; without it the URL check already failed
        return
    known = botocore.session.Session().available_profiles
    if profile not in known:
        raise _bad(
            "profile",
            f"no profile {profile!r} in the server's ~/.aws/credentials or ~/.aws/config"
            + (f" (it has: {', '.join(sorted(known))})" if known else ""),
        )


def check_remote(
    url: str,
    endpoint_url: str = "",
    profile: str = "",
    kind: str | None = None,
    base: Path | None = None,
    project: Path | None = None,
) -> str:
    """Validate a remote's URL and options (for ``kind`` when given); its stored URL.
    A folder remote may not be ``project`` (the project's own folder).

    Errors name the field they are about (``details.field``: url, endpoint_url, profile),
    so a form can show each under its input.
    """
    if not isinstance(url, str) or not url.strip():
        raise _bad("url", "say where the remote is (a folder, an s3:// URL or a git URL)")
    url = url.strip()
    if kind is not None and kind not in KINDS:
        raise _bad("kind", f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    if kind == "git" and not url.startswith(GIT_PREFIX):
        url = GIT_PREFIX + url
    _check_no_secret(url)
    url = normalize_url(url, base)
    found = remote_kind(url)
    if kind == "s3" and found != "s3":
        raise _bad("url", "an S3 URL starts with s3:// (s3://bucket/folder)")
    if kind == "folder" and found != "folder":
        raise _bad("url", "a folder is a path on the server (/shared/team/project)")
    if found == "folder":
        _check_folder(url, project)
    elif found == "git":
        rest = url[len(GIT_PREFIX) :]
        if not rest or rest.startswith("-") or re.match(r"^[A-Za-z0-9+.-]+::", rest):
            raise _bad("url", "say which git repository (https://…, ssh://…, git@host:… or a path)")
    else:
        _check_protocol(url)
    if found == "s3" and not re.match(r"^s3a?://[^/\s]+", url.split("::")[-1]):
        raise _bad("url", "an S3 URL names a bucket: s3://bucket/folder")
    if endpoint_url:
        if found != "s3":
            raise _bad("endpoint_url", "an endpoint applies to s3:// remotes only")
        if not re.match(r"^https?://[^/\s]+(/\S*)?$", endpoint_url):
            raise _bad(
                "endpoint_url", "an endpoint is an http:// or https:// URL (http://host:9000)"
            )
    if profile:
        if found != "s3":
            raise _bad("profile", "a profile applies to s3:// remotes only")
        _check_profile(profile)
    return url


def list_remotes(store_dir: Path) -> dict[str, RemoteSpec]:
    """Every configured remote by name."""
    table = read_toml(store_dir / "config.toml").get("remote", {})
    out = {}
    for name, entry in table.items():
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            out[name] = RemoteSpec(
                name,
                entry["url"],
                str(entry.get("endpoint_url", "")),
                str(entry.get("profile", "")),
            )
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


def add_remote(
    store_dir: Path,
    name: str,
    url: str,
    endpoint_url: str = "",
    profile: str = "",
    *,
    kind: str | None = None,
    base: Path | None = None,
) -> RemoteSpec:
    """Check and record a remote (Conflict if the name is taken), write the git ignore file.

    ``kind`` (folder, s3, git) says what the URL must be; a relative path is taken from
    ``base``. See :func:`check_remote`.
    """
    check_remote_name(name)
    checked = check_remote(url, endpoint_url, profile, kind, base, store_dir.parent)
    spec = RemoteSpec(name, checked, endpoint_url, profile)

    def change(table: dict[str, Any]) -> None:
        if name in table:
            raise Conflict(f"there is already a remote named {name!r}", details={"field": "name"})
        entry = {"url": spec.url}
        if endpoint_url:
            entry["endpoint_url"] = endpoint_url
        if profile:
            entry["profile"] = profile
        table[name] = entry

    _update(store_dir, change)
    write_gitignore(store_dir)
    return spec


def remove_remote(store_dir: Path, name: str) -> None:
    """Forget a remote (its remote-tracking refs stay until deleted)."""

    def change(table: dict[str, Any]) -> None:
        if table.pop(name, None) is None:
            raise NotFound(f"no remote {name!r}", details={"field": "name"})

    _update(store_dir, change)


def write_gitignore(store_dir: Path) -> Path:
    """Write ``.nbversion/.gitignore`` so git tracks manifests and refs but not the data."""
    path = store_dir / ".gitignore"
    if not path.exists() or path.read_text() != GITIGNORE:
        atomic_write(path, GITIGNORE.encode(), tmp_dir=store_dir / "tmp")
    return path
