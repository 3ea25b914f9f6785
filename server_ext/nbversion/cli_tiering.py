"""CLI commands for tiered storage: du, evict, fetch, budget (thin over nbversion.tiering)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _repo(args: argparse.Namespace) -> Any:
    from .store import Repository

    return Repository.open(args.root or ".")


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, sort_keys=True) if args.json else text)


def human(n: int | None) -> str:
    """Bytes in binary units (the config's "2GB" means 2 GiB)."""
    if n is None:
        return "none"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


_VAR = "    {:<20} total {:>10}  unique {:>10}  local {:>10}"


def _budget_line(local: int, budget: int | None) -> str:
    if budget is None:
        return f"local {human(local)} (no budget: set tiering.max_local_size)"
    flag = "  OVER BUDGET" if local > budget else ""
    return f"local {human(local)} of budget {human(budget)} ({100 * local / budget:.0f}%){flag}"


def cmd_du(args: argparse.Namespace) -> int:
    from . import tiering

    with _repo(args) as repo:
        rep = tiering.du(repo, args.notebook)
    cols = "{:<12}  {:<10}  {:<11}  {:>10}  {:>10}  {:>10}  {:>10}  {}"
    lines = [cols.format("version", "branch", "locality", "total", "unique", "shared", "local",
                         "message")]  # fmt: skip
    for v in rep["versions"]:
        lines.append(cols.format(v["id"][:12], v["branch"][:10], v["locality"],
                                 human(v["total"]), human(v["unique"]), human(v["shared"]),
                                 human(v["local"]), v["message"][:40]))  # fmt: skip
        if args.variables:
            for name, s in v["variables"].items():
                sizes = (human(s["total"]), human(s["unique"]), human(s["local"]))
                lines.append(_VAR.format(name, *sizes))
    lines.append("branches:")
    for b in rep["branches"]:
        lines.append(f"  {b['branch']:<16} {b['versions']:>4} versions  total "
                     f"{human(b['total'])}, unique {human(b['unique'])}, "
                     f"local {human(b['local'])}")  # fmt: skip
    lines.append(
        f"referenced {human(rep['referenced'])} (shared chunks counted once), remote-only "
        f"{human(rep['remote_only'])}, unreferenced local {human(rep['unreferenced_local'])}"
    )
    lines.append(_budget_line(rep["local"], rep["budget"]))
    _emit(args, rep, "\n".join(lines))
    return 0


def cmd_evict(args: argparse.Namespace) -> int:
    from . import tiering
    from .store.config import parse_duration

    with _repo(args) as repo:
        rep = tiering.evict(
            repo,
            remote=args.to,
            older_than=parse_duration(args.older_than) if args.older_than else None,
            keep_branch_heads=args.keep_branch_heads,
            dry_run=args.dry_run,
            verify=args.verify,
            min_age=parse_duration(args.min_age) if args.min_age is not None else None,
        )
    verb = "would evict" if rep.dry_run else "evicted"
    lines = [f"{verb} {len(rep.evicted)} objects ({human(rep.bytes_freed)}) to {rep.remote} "
             f"({rep.url})"]  # fmt: skip
    if rep.pinned:
        lines.append(f"kept {rep.pinned} objects other (newer or head) versions need")
    if rep.recent:
        lines.append(f"kept {rep.recent} objects a save used within tiering.min_age")
    refusal = rep.refusal()
    if refusal:
        lines.append(refusal)
    after = _budget_line(rep.local_after, rep.budget)
    lines.append(f"would leave {after}" if rep.dry_run else after)
    _emit(args, rep.to_dict(), "\n".join(lines))
    return 1 if refusal else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from . import tiering
    from .cli_remote import ProgressLine

    with _repo(args) as repo, ProgressLine("fetch", args.json) as line:
        vid = repo.resolve(args.ref, args.notebook)
        info = tiering.fetch_version(repo, vid, progress=line)
    text = f"fetched {info['objects']} objects ({human(info['bytes'])}) for version {vid[:12]}"
    _emit(args, {"id": vid, **info}, text)
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    from . import tiering

    with _repo(args) as repo:
        if args.size is not None:
            tiering.set_budget(repo, "" if args.size in ("off", "none") else args.size)
        st = tiering.status(repo)
        report = tiering.enforce_budget(repo) if args.enforce else None
    data = {k: st[k] for k in ("local_bytes", "budget", "over_budget")}
    lines = [_budget_line(st["local_bytes"], st["budget"])]
    if report is not None:
        data["enforced"] = report.to_dict()
        lines.append(f"evicted {len(report.evicted)} objects ({human(report.bytes_freed)})")
        lines += report.warnings
    _emit(args, data, "\n".join(lines))
    return 0


def register(add: Any) -> None:
    """Add the tiered-storage subcommands to the ``nbversion`` parser."""
    p = add("du", cmd_du, "disk usage per version, variable and branch; local size vs budget")
    p.add_argument("notebook", nargs="?", help="only this notebook's versions and branches")
    p.add_argument("-v", "--variables", action="store_true", help="per-variable sizes too")
    p = add("evict", cmd_evict, "remove local objects that are safely on a remote")
    p.add_argument("--older-than", metavar="T", help="only versions older than T (e.g. 30d)")
    p.add_argument("--keep-branch-heads", action="store_true", help="keep branch heads local")
    p.add_argument("--to", metavar="REMOTE", help="remote (default: tiering.remote, origin)")
    p.add_argument("--dry-run", action="store_true", help="only report what would go")
    p.add_argument("--verify", action="store_true", help="download and rehash remote copies")
    p.add_argument("--min-age", help="override tiering.min_age (e.g. 0s)")
    p = add("fetch", cmd_fetch, "bring a version's evicted objects back from the remote")
    p.add_argument("ref", help="id, unique prefix, branch, tag, HEAD, HEAD~N")
    p.add_argument("notebook", nargs="?", help="needed for branch/tag/HEAD refs")
    p = add("budget", cmd_budget, "show or set the local storage budget (tiering.max_local_size)")
    p.add_argument("size", nargs="?", help="e.g. 2GB; 'off' removes the budget")
    p.add_argument("--enforce", action="store_true", help="evict LRU objects down to the budget")


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: nbversion du|evict|fetch|budget")
