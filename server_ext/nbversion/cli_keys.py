"""``nbversion keys``: the team keyring — list keys, trust or revoke one, rotate your own.

Thin over :mod:`nbversion.teamtrust` (keys and signatures) and :mod:`nbversion.trust`
(which keys this user trusts).
"""

from __future__ import annotations

import argparse
from typing import Any

from .cli_remote import _emit, _repo
from .errors import NotFound


def cmd_keys(args: argparse.Namespace) -> int:
    from . import teamtrust, trust

    with _repo(args) as repo:
        store = repo.store_dir
        if args.trust or args.untrust:
            kid = args.trust or args.untrust
            key = teamtrust.read_key(store, kid)
            if key is None:
                raise NotFound(f"no published key {kid!r} here (pull from the team's remote)")
            if args.trust:
                trust.trust_key(store, kid, key.email)
                text = f"trusted key {kid} of {key.name} <{key.email}>: their versions load"
            else:
                trust.untrust_key(store, kid)
                text = f"no longer trusting key {kid} of {key.name} <{key.email}>"
            _emit(args, {"key": kid, "trusted": bool(args.trust)}, text)
            return 0
        if args.revoke:
            teamtrust.revoke(store, args.revoke)
            _emit(args, {"revoked": args.revoke},
                  f"revoked key {args.revoke} (push to tell the team)")  # fmt: skip
            return 0
        if args.rotate:
            old, new, n = teamtrust.rotate_key(store)
            _emit(args, {"old": old, "new": new, "resigned": n},
                  f"new key {new}; key {old} revoked; {n} versions signed again "
                  "(push, and ask teammates to trust the new key)")  # fmt: skip
            return 0
        try:
            mine = teamtrust.own_key_id(create=False)
        except NotFound:
            mine = None
        rows: list[dict[str, Any]] = []
        for key in teamtrust.keys(store):
            rows.append({"key": key.key_id, "name": key.name, "email": key.email,
                         "mine": key.key_id == mine,
                         "trusted": trust.is_trusted_key(store, key.key_id, key.email),
                         "revoked": teamtrust.is_revoked(store, key.key_id)})  # fmt: skip
        text = "\n".join(
            f"{r['key']}  {r['name']} <{r['email']}>"
            + ("  (yours)" if r["mine"] else "")
            + ("  trusted" if r["trusted"] else "")
            + ("  REVOKED" if r["revoked"] else "")
            for r in rows
        )
        _emit(args, rows, text or "no keys yet (every save publishes its author's key)")
    return 0


def register(add: Any) -> None:
    """Add the ``keys`` subcommand."""
    p = add("keys", cmd_keys, "team keys: list, trust a teammate's key, revoke, rotate yours")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--trust", metavar="KEY", help="load versions this key signed")
    group.add_argument("--untrust", metavar="KEY", help="stop trusting a key")
    group.add_argument("--revoke", metavar="KEY", help="revoke a key for the whole team")
    group.add_argument("--rotate", action="store_true", help="replace your own key")
