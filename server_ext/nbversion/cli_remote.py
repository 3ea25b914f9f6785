"""CLI commands for sharing: remote, push, pull, clone, join, export, import, trust, git-setup.

Thin handlers over :mod:`nbversion.remote` and :mod:`nbversion.trust`.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .errors import InvalidInput


def _repo(args: argparse.Namespace) -> Any:
    from .store import Repository

    return Repository.open(args.root or ".")


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    import json

    print(json.dumps(data, indent=2, sort_keys=True) if args.json else text)


class ProgressLine:
    """Rewrites one stderr line (``objects 12/40, 48.0 MB``) at most ten times a second.

    Use as a context manager: the line is ended however the transfer ends.
    """

    def __init__(self, verb: str, quiet: bool = False) -> None:
        self.verb, self.quiet, self.last, self.shown = verb, quiet, 0.0, False

    def __call__(self, event: Any) -> None:
        now = time.monotonic()
        if self.quiet or (now - self.last < 0.1 and event.done != event.total):
            return
        self.last, self.shown = now, True
        size = f", {event.bytes / 1e6:.1f} MB" if event.bytes else ""
        print(
            f"\r{self.verb}: {event.phase} {event.done}/{event.total}{size}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        """End the progress line."""
        if self.shown:
            print(file=sys.stderr)

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cmd_remote(args: argparse.Namespace) -> int:
    from . import remote

    with _repo(args) as repo:
        if args.action == "add":
            if not args.name or not args.url:
                raise InvalidInput(
                    "usage: nbversion remote add NAME URL [--endpoint-url URL] [--profile P]"
                )
            spec = remote.add_remote(
                repo.store_dir, args.name, args.url, args.endpoint_url or "", args.profile or ""
            )
            _emit(args, spec.__dict__, f"added remote {spec.name} -> {spec.url}")
        elif args.action == "remove":
            if not args.name:
                raise InvalidInput("usage: nbversion remote remove NAME")
            remote.remove_remote(repo.store_dir, args.name)
            _emit(args, {"removed": args.name}, f"removed remote {args.name}")
        else:
            specs = remote.list_remotes(repo.store_dir)
            lines = [
                f"{s.name}\t{s.url}"
                + (f"\t(endpoint {s.endpoint_url})" if s.endpoint_url else "")
                + (f"\t(profile {s.profile})" if s.profile else "")
                for s in specs.values()
            ]
            _emit(args, {n: s.__dict__ for n, s in specs.items()}, "\n".join(lines))
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from . import remote

    with _repo(args) as repo, ProgressLine("push", args.json) as line:
        spec = remote.get_remote(repo.store_dir, args.remote)
        res = remote.push(
            repo, spec, notebook=args.notebook, branches=args.branch, tags=args.tag,
            force=args.force, progress=line,
        )  # fmt: skip
    text = [f"pushed to {spec.name}: {res.objects_sent} objects ({res.bytes_sent} bytes)"]
    text[0] += f", {res.versions_sent} versions"
    text += [f"  {ref} -> {vid[:12]}" for ref, vid in res.refs_updated.items()]
    if not res.refs_updated:
        text.append("  everything up to date")
    _emit(args, res.__dict__, "\n".join(text))
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from . import remote

    with _repo(args) as repo, ProgressLine("pull", args.json) as line:
        spec = remote.get_remote(repo.store_dir, args.remote)
        res = remote.pull(repo, spec, progress=line)
    text = [f"fetched from {spec.name}: {res.versions_fetched} versions, "]
    text[0] += f"{res.objects_fetched} objects ({res.bytes_fetched} bytes)"
    text += [f"  {ref} -> {vid[:12]}" for ref, vid in res.refs.items()]
    text += [f"  skipped {s}" for s in res.skipped]
    _emit(args, res.__dict__, "\n".join(text))
    return 0


def cmd_clone(args: argparse.Namespace) -> int:
    from . import remote

    with ProgressLine("clone", args.json) as line:
        repo, res = remote.clone(
            args.url, args.directory, endpoint_url=args.endpoint_url or "",
            profile=args.profile or "", progress=line,
        )  # fmt: skip
    repo.close()
    text = f"cloned {args.url} into {repo.root}: {res.versions_fetched} versions"
    _emit(args, {"root": str(repo.root), **res.__dict__}, text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from . import remote

    with _repo(args) as repo:
        vid = repo.resolve(args.ref, args.notebook)
        info = remote.export_bundle(repo, [vid], args.output, history=args.history)
    text = f"wrote {args.output}: {info['versions']} versions, {info['objects']} objects"
    _emit(args, {"id": vid, **info}, text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from . import remote

    with _repo(args) as repo:
        res = remote.import_bundle(repo, args.bundle)
    text = [f"imported {len(res.versions)} versions, {res.objects_added} new objects"]
    text += [
        f"  tag {t} -> {v[:12]} (not trusted: nbversion trust {v[:12]})"
        for t, v in res.tags.items()
    ]
    _emit(args, res.__dict__, "\n".join(text))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from . import trust

    with _repo(args) as repo:
        if args.author:
            trust.trust_author(repo.store_dir, args.ref)
            _emit(
                args,
                {"trusted_author": args.ref},
                f"trusted author {args.ref}: their versions' pickled objects may now load",
            )
            return 0
        vid = repo.resolve(args.ref, args.notebook)
        trust.sign(repo.store_dir, vid)
    _emit(args, {"trusted": vid}, f"trusted version {vid[:12]}: its pickled objects may now load")
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    from .versioning import join

    with _repo(args) as repo:
        m = join(repo, args.notebook, args.ref, branch=args.branch, message=args.message)
    if m is None:
        _emit(args, {"joined": None}, f"{args.ref} is already in this branch's history")
    else:
        _emit(
            args,
            {"joined": m.id, "parents": m.parents},
            f"version {m.id[:12]} joins {args.ref} into {m.branch} (state kept): push again",
        )
    return 0


def cmd_git_setup(args: argparse.Namespace) -> int:
    from . import gitsync
    from .remote import write_gitignore

    with _repo(args) as repo:
        path = write_gitignore(repo.store_dir)
        if args.autocommit is not None:
            gitsync.set_autocommit(repo.store_dir, args.autocommit == "on")
        on = gitsync.autocommit_enabled(repo.store_dir)
    text = f"wrote {path}: commit versions/ and refs/, not objects/"
    text += "\nautocommit: " + ("on (each save commits the notebook)" if on else "off")
    _emit(args, {"gitignore": str(path), "autocommit": on}, text)
    return 0


def register(add: Any) -> None:
    """Add the sharing subcommands to the ``nbversion`` parser."""
    p = add("remote", cmd_remote, "list, add or remove remotes (any fsspec URL or a path)")
    p.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove"])
    p.add_argument("name", nargs="?")
    p.add_argument(
        "url", nargs="?",
        help="a folder, file://, s3://bucket/prefix, git+<git URL>, or any fsspec URL",
    )  # fmt: skip
    p.add_argument("--endpoint-url", help="S3-compatible endpoint (MinIO, SeaweedFS, ...)")
    p.add_argument("--profile", help="S3: the profile of ~/.aws/credentials to use")
    p = add("push", cmd_push, "send versions and their data to a remote")
    p.add_argument("remote", nargs="?", help="remote name (default: origin)")
    p.add_argument("notebook", nargs="?", help="only this notebook (path or id)")
    p.add_argument("-b", "--branch", action="append", help="only this branch (repeatable)")
    p.add_argument("-t", "--tag", action="append", help="only this tag (repeatable)")
    p.add_argument("--force", action="store_true", help="overwrite diverged remote refs")
    p = add("pull", cmd_pull, "fetch a remote's versions as REMOTE/branch refs")
    p.add_argument("remote", nargs="?", help="remote name (default: origin)")
    p = add("clone", cmd_clone, "create a project from a remote (origin)")
    p.add_argument("url")
    p.add_argument("directory")
    p.add_argument("--endpoint-url", help="S3-compatible endpoint")
    p.add_argument("--profile", help="S3: the profile of ~/.aws/credentials to use")
    p = add("export", cmd_export, "write a version and every object it needs to one file")
    p.add_argument("ref")
    p.add_argument("notebook", nargs="?")
    p.add_argument("-o", "--output", required=True, help="bundle file (e.g. run.nbv)")
    p.add_argument("--history", action="store_true", help="include every ancestor version")
    p = add("import", cmd_import, "verify and add a bundle's versions (tagged imported/<id>)")
    p.add_argument("bundle")
    p = add("trust", cmd_trust, "trust a version made elsewhere (its pickles may load)")
    p.add_argument("ref", help="a version (id, branch, tag), or with --author an e-mail/name")
    p.add_argument("notebook", nargs="?")
    p.add_argument("--author", action="store_true", help="trust every version by this author")
    p = add("join", cmd_join, "after 'fetch first': join REMOTE/branch into your branch")
    p.add_argument("notebook", help="notebook path or id")
    p.add_argument("ref", help="what to join, e.g. origin/main")
    p.add_argument("-b", "--branch", help="the branch to extend (default: the current one)")
    p.add_argument("-m", "--message", help="message of the joining version")
    p = add("git-setup", cmd_git_setup, "keep manifests and refs in git (not data); autocommit")
    p.add_argument("--autocommit", choices=["on", "off"], help="commit the notebook on each save")
