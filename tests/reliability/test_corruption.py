"""Damaged stores through the whole product: the CLI's fsck, the REST API and the kernel.

Six kinds of damage in one store, each on its own branch so the rest stays reachable:
a flipped byte, a truncated object, a deleted object, a garbage manifest, a broken ref and
a missing index. fsck (a real process) exits 1 naming the version and object of each;
the REST API answers the damaged versions with a JSON error and the others normally; new
saves work; ``fsck --repair`` lists what was lost. (Store-level detection of each kind is
in tests/store/test_fsck.py.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tornado.httpclient import HTTPClientError

from nbversion.kernel import snapshot
from nbversion.store import Repository
from nbversion.store.refs import HEADS, TAGS

from .conftest import cli, notebook_id, notebook_json, record, start_kernel

Fetch = Any


def _save(repo: Repository, nid: str, ns: dict[str, Any], msg: str, branch: str) -> str:
    nbo = repo.objects.put_bytes(notebook_json(msg, nid).encode())
    cap = snapshot.capture(ns, repo.objects)
    return repo.save(nid, "analysis.ipynb", nbo, msg, branch=branch, variables=cap.variables).id


def _flip(path: Path, at: int = -1) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x55
    os.chmod(path, 0o644)
    path.write_bytes(bytes(data))


def _chunks(repo: Repository, oid: str) -> list[str]:
    chunks = repo.objects.chunk_list(oid)
    return [oid] if chunks is None else [c for c, _ in chunks.chunks]


@pytest.fixture
def damaged(jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A store in the server root with one version per kind of damage."""
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(jp_root_dir.parent / "secret"))
    repo = Repository.init(jp_root_dir)
    nb = jp_root_dir / "analysis.ipynb"
    nb.write_text(notebook_json("x = 1"))
    nid = notebook_id(nb)
    rng = np.random.default_rng(7)
    good = [_save(repo, nid, {"a": rng.random(600_000), "n": i}, f"good {i}", "main")
            for i in range(2)]  # fmt: skip
    v: dict[str, str] = {}
    for j, kind in enumerate(("flip", "trunc", "delete", "garbage")):
        repo.create_branch(nid, kind, good[-1])  # own shapes, so no object is shared
        v[kind] = _save(repo, nid, {"a": rng.random(600_010 + j), "n": kind}, kind, kind)
    m = {k: repo.versions.read(vid) for k, vid in v.items()}
    obj: dict[str, str] = {}
    # a flipped byte in a chunk of the array of the "flip" version
    obj["flip"] = _chunks(repo, m["flip"].variables["a"]["buffers"][0])[-1]
    _flip(repo.objects.path(obj["flip"]))
    # the "trunc" version's notebook object, cut in half
    obj["trunc"] = m["trunc"].notebook
    p = repo.objects.path(obj["trunc"])
    os.chmod(p, 0o644)
    os.truncate(p, p.stat().st_size // 2)
    # the "delete" version's array header object, gone
    obj["delete"] = m["delete"].variables["a"]["oid"]
    repo.objects.path(obj["delete"]).unlink()
    # the "garbage" version's manifest, overwritten
    p = repo.versions.path(v["garbage"])
    os.chmod(p, 0o644)
    p.write_bytes(b"\x00garbage{" * 10)
    # a tag pointing to a version that does not exist
    v["ref"] = "f" * 64
    (repo.refs.refs_dir / nid / TAGS).mkdir(parents=True, exist_ok=True)
    (repo.refs.refs_dir / nid / TAGS / "broken").write_text(v["ref"] + "\n")
    repo.close()
    (jp_root_dir / ".nbversion" / "index.sqlite").unlink()  # the missing index
    return {"root": jp_root_dir, "nid": nid, "good": good, "v": v, "obj": obj}


async def _get(fetch: Fetch, *parts: str, **params: str) -> tuple[int, Any]:
    try:
        resp = await fetch("nbversion", "api", *parts, params=params or None)
        return resp.code, json.loads(resp.body)
    except HTTPClientError as err:
        response = err.response
    assert response is not None
    return response.code, json.loads(response.body)


async def test_damage_is_detected_and_the_rest_stays_usable(
    damaged: dict[str, Any], jp_fetch: Fetch
) -> None:
    root, nid, good, v, obj = (damaged[k] for k in ("root", "nid", "good", "v", "obj"))

    # fsck (a real process) names each damaged version and object
    res = cli(root, "fsck")
    assert res.returncode == 1, res.stdout
    lines = res.stdout.splitlines()

    def line_with(*needles: str) -> str:
        found = [ln for ln in lines if all(n in ln for n in needles)]
        assert found, (needles, res.stdout)
        return found[0]

    assert line_with("corrupt-object", v["flip"], obj["flip"]).startswith("corrupt-object")
    assert line_with("corrupt-object", v["trunc"], obj["trunc"], "notebook")
    assert line_with("missing-object", v["delete"], obj["delete"], "variable a")
    assert line_with("bad-manifest", v["garbage"])
    assert line_with("bad-ref", f"refs/{nid}/tags/broken", v["ref"])
    assert not any(good[0] in ln or good[1] in ln for ln in lines[:-1])  # good ones: clean

    # REST: damaged versions answer a JSON error naming what is damaged, not a traceback
    code, body = await _get(jp_fetch, "versions", v["garbage"])
    assert code == 500
    assert body["reason"] == "CorruptManifest"
    assert v["garbage"] in body["message"]
    code, body = await _get(jp_fetch, "versions", v["trunc"], "notebook")
    assert code == 500
    assert body["reason"] == "CorruptObject"
    assert obj["trunc"] in body["message"]
    code, body = await _get(jp_fetch, "versions", v["ref"])
    assert code == 404
    assert body["reason"] == "NotFound"
    code, body = await _get(jp_fetch, "diff", a=good[1], b=v["delete"])
    assert code == 200, body  # a missing object degrades the diff to stats, and says why
    (a_change,) = [c for c in body["variables"]["changed"] if c["name"] == "a"]
    assert a_change["detail"]["level"] == "stats"
    assert obj["delete"] in a_change["detail"]["reason"]
    # ... and intact ones load (the missing index is rebuilt on open)
    for vid in [*good, v["flip"], v["delete"]]:  # manifests intact: they load
        code, body = await _get(jp_fetch, "versions", vid)
        assert code == 200
        assert body["id"] == vid
    code, body = await _get(jp_fetch, "versions", good[1], "notebook")
    assert code == 200
    assert body["cells"]
    code, body = await _get(jp_fetch, "diff", a=good[0], b=good[1])
    assert code == 200, body
    code, body = await _get(jp_fetch, "versions", path="analysis.ipynb", branch="main")
    assert code == 200
    assert [x["id"] for x in body["versions"]] == good[::-1]
    assert (root / ".nbversion" / "index.sqlite").exists()
    # every branch: the one whose head manifest is garbage is left out, the rest listed
    code, body = await _get(jp_fetch, "versions", path="analysis.ipynb")
    assert code == 200, body
    listed = {x["id"] for x in body["versions"]}
    assert listed == {*good, v["flip"], v["trunc"], v["delete"]}

    # new saves work, on main and on a damaged branch
    assert cli(root, "save", "analysis.ipynb", "-m", "after damage").returncode == 0
    res = cli(root, "save", "analysis.ipynb", "-m", "on flip", "-b", "flip")
    assert res.returncode == 0, res.stderr

    # fsck --repair removes corrupt objects and says which versions lost what
    res = cli(root, "fsck", "--repair")
    assert res.returncode == 1
    assert f"removed corrupt object {obj['flip']}" in res.stdout
    assert f"removed corrupt object {obj['trunc']}" in res.stdout
    assert f"version {v['flip']} lost: variable a buffer 0" in res.stdout
    assert f"version {v['trunc']} lost: notebook" in res.stdout
    assert f"version {v['delete']} lost: variable a" in res.stdout
    with Repository.open(root) as repo:
        assert not repo.objects.has(obj["flip"])
        assert not repo.objects.has(obj["trunc"])
        for vid in good:  # still whole
            m = repo.versions.read(vid)
            ns: dict[str, Any] = {}
            snapshot.restore(ns, m.variables, repo.objects, allow_untrusted=False)
            assert ns["a"].shape == (600_000,)
            assert ns["n"] in (0, 1)
        assert repo.refs.get(nid, HEADS, "main") is not None
    record("corruption/rest+cli", kinds=6, detected=5, index_rebuilt=True, result="pass")


def test_kernel_restore_of_a_corrupt_variable_leaves_the_namespace(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    Repository.init(root).close()
    nb = root / "analysis.ipynb"
    nb.write_text(notebook_json("x = 1"))
    k = start_kernel(root, nb, tmp_path / "secret")
    try:
        k.check("import numpy as np\na = np.arange(2_000_000.0)\nb = {'k': 1}\nc = 'text'")
        k.check("%version save -m v1")
        with Repository.open(root) as repo:
            m = repo.get("HEAD", notebook_id(nb))
        k.check("a = a * 2\nb = {'k': 2}\nc = 'changed'")
        with Repository.open(root) as repo:
            chunk = _chunks(repo, m.variables["a"]["buffers"][0])[0]
            _flip(repo.objects.path(chunk), at=1000)
        out = k.check(f"%version restore {m.id}")
        assert out.strip().startswith("%version: error:"), out
        assert chunk in out, out
        assert "Traceback" not in out
        state = k.check("print(float(a[1]), b, c)").strip()
        assert state == "2.0 {'k': 2} changed"  # nothing was assigned
        k.check(f"%version restore {m.id} b c")  # the intact variables still restore
        assert k.check("print(float(a[1]), b, c)").strip() == "2.0 {'k': 1} text"
    finally:
        k.close()
    record("corruption/kernel-restore", cases=2, result="pass")
