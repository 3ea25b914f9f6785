"""Hostile input beyond the schemathesis run: huge, deep and non-UTF-8 request bodies, and a
pickle that would run ``os.system`` arriving through a bundle and through a pulled remote.

The pickle must never run without trust: not on restore (Python API, kernel magic), not on
diff (Python API, REST, kernel magic), not on show. A marker file proves it did not.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tornado.httpclient import HTTPClientError

from nbversion import remote, trust
from nbversion.capture import UntrustedPickle
from nbversion.diff import diff_versions
from nbversion.kernel import snapshot
from nbversion.store import Repository

from .conftest import cli, notebook_json, record, start_kernel

Fetch = Any
NB_ID = "5f0b8d52-0c2e-4b8e-9a57-2f1c3d6a7e10"


# -- request bodies ------------------------------------------------------------------------
def _bodies() -> list[tuple[str, bytes]]:
    big_valid = json.dumps({"path": "analysis.ipynb", "message": "x" * 1_000_001}).encode()
    deep = b'{"path": "analysis.ipynb", "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    deep_obj = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    return [
        ("over 1 MB of valid JSON", big_valid),
        ("4 MB of garbage", os.urandom(4 << 20)),
        ("100,000-deep array", deep),
        ("50,000-deep object", deep_obj),
        ("latin-1 bytes", b'{"path": "caf\xe9.ipynb", "message": "\xff\xfe"}'),
        ("lone surrogate escape", b'{"path": "\\ud800.ipynb", "message": "m"}'),
        ("NUL in a path", b'{"path": "a\\u0000.ipynb", "message": "m"}'),
        ("UTF-16 with BOM", '{"path": 7}'.encode("utf-16")),
    ]


ENDPOINTS = [
    ("versions",),
    ("versions", "HEAD", "restore"),
    ("refs", "branches"),
    ("refs", "checkout"),
]


async def test_hostile_bodies_are_4xx_json(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    (jp_root_dir / "analysis.ipynb").write_text(notebook_json("x = 1", NB_ID))
    Repository.init(jp_root_dir).close()
    seen: dict[str, set[int]] = {}
    cases = 0
    for name, body in _bodies():
        for parts in ENDPOINTS:
            with pytest.raises(HTTPClientError) as err:
                await jp_fetch("nbversion", "api", *parts, method="POST", body=body)
            code = err.value.code
            assert 400 <= code < 500, (name, parts, code)
            assert err.value.response is not None
            payload = json.loads(err.value.response.body)
            assert payload["message"], (name, parts)
            seen.setdefault(name, set()).add(code)
            cases += 1
    for query in ("path=%FF%FE", "path=%00", "path=" + "a" * 20_000):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("nbversion", "api", "refs?" + query)
        assert 400 <= err.value.code < 500, (query, err.value.code)
        cases += 1
    record("hostile/bodies", cases=cases,
           statuses={k: sorted(v) for k, v in seen.items()}, result="no 5xx")  # fmt: skip


# -- a pickle that runs os.system ----------------------------------------------------------
class Evil:
    """Pickles to ``os.system('touch MARKER')``."""

    def __init__(self, marker: Path, tag: str) -> None:
        self.marker, self.tag = marker, tag

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker} # {self.tag}",))


def _mallory(root: Path, marker: Path) -> tuple[Repository, list[str]]:
    """A teammate's store with two versions whose variable ``m`` is a booby-trapped pickle
    (its manifest record even claims to be plain JSON that needs no trust)."""
    repo = Repository.init(root)
    (root / "analysis.ipynb").write_text(notebook_json("x = 1", NB_ID))
    ids = []
    for i in range(2):
        payload = pickle.dumps(Evil(marker, str(i)), protocol=5)  # dumping runs nothing
        header = {"kind": "pickle", "meta": {"protocol": 5, "out_of_band": 0, "refs": []}}
        harmless = snapshot.capture({"arr": np.arange(10 + i)}, repo.objects).variables
        variables = {
            **harmless,
            "m": {"oid": repo.objects.put_json(header),
                  "buffers": [repo.objects.put_buffer(payload)], "kind": "json",
                  "type": "builtins.int", "summary": "1", "size": len(payload),
                  "needs_trust": False, "fingerprint": f"{i:032x}"},
        }  # fmt: skip
        nbo = repo.objects.put_bytes(notebook_json(f"x = {i}", NB_ID).encode())
        ids.append(repo.save(NB_ID, "analysis.ipynb", nbo, f"evil {i}", variables=variables).id)
    return repo, ids


def _never_runs(repo: Repository, ids: list[str], marker: Path) -> int:
    """Every in-process path that could unpickle: restore, diff. Returns cases checked."""
    cases = 0
    for vid in ids:
        assert not trust.is_trusted(repo.store_dir, vid)
        m = repo.versions.read(vid)
        ns: dict[str, Any] = {"keep": 1}
        with pytest.raises(UntrustedPickle):
            snapshot.restore(ns, m.variables, repo.objects,
                             allow_untrusted=trust.is_trusted(repo.store_dir, vid))  # fmt: skip
        assert ns == {"keep": 1}
        assert not marker.exists()
        cases += 1
    data = diff_versions(repo, ids[0], ids[1])
    (change,) = [c for c in data["variables"]["changed"] if c["name"] == "m"]
    assert change["detail"]["level"] == "stats"
    assert not marker.exists()
    cases += 1
    return cases


async def test_booby_trapped_pickle_never_runs_without_trust(
    jp_fetch: Fetch, jp_root_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "PWNED"
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path / "victim-secret"))
    evil, ids = _mallory(tmp_path / "mallory", marker)
    # one victim store gets them from a bundle, another by pulling a folder remote
    bundle = tmp_path / "run.nbv"
    remote.export_bundle(evil, [ids[1]], bundle, history=True)
    folder = tmp_path / "shared-remote"
    spec = remote.add_remote(evil.store_dir, "origin", str(folder))
    remote.push(evil, spec)
    evil.close()

    victim = Repository.init(jp_root_dir)  # the server's root: the bundle goes here
    (jp_root_dir / "analysis.ipynb").write_text(notebook_json("x = 1", NB_ID))
    assert sorted(remote.import_bundle(victim, bundle).versions) == sorted(ids)
    cases = _never_runs(victim, ids, marker)
    puller = Repository.init(tmp_path / "puller")
    remote.pull(puller, remote.add_remote(puller.store_dir, "origin", str(folder)))
    cases += _never_runs(puller, ids, marker)
    puller.close()
    victim.close()

    # the REST API: show, diff, notebook of the imported versions
    for parts, params in [
        (("versions", ids[1]), {}),
        (("versions", ids[1], "notebook"), {}),
        (("diff",), {"a": ids[0], "b": ids[1]}),
    ]:
        resp = await jp_fetch("nbversion", "api", *parts, params=params or None)
        assert resp.code == 200
        assert not marker.exists()
        cases += 1
    # the CLI: show and diff
    for args in (["show", ids[1]], ["diff", ids[0], ids[1]]):
        res = cli(jp_root_dir, *args)
        assert res.returncode == 0, res.stderr
        assert not marker.exists()
        cases += 1

    # a real kernel on the victim's notebook: %version restore and %version diff
    k = start_kernel(jp_root_dir, jp_root_dir / "analysis.ipynb", tmp_path / "victim-secret")
    try:
        k.check("m = 'mine'")
        for vid in ids:
            out = k.check(f"%version restore {vid}")
            assert "without trust" in out, out
            assert "Traceback" not in out
            assert not marker.exists()
            assert k.check("print(m)").strip() == "mine"
            cases += 1
        out = k.check(f"%version diff {ids[0]} {ids[1]}")
        assert not marker.exists()
        cases += 1
        # trusting it is the user's explicit choice, and then (only then) it runs
        k.check(f"%version restore {ids[1]} m --trust")
        assert marker.exists()
    finally:
        k.close()
    record("hostile/untrusted-pickle", cases=cases, routes="bundle, folder-remote pull",
           executed_without_trust=0, result="pass")  # fmt: skip
