"""Maintenance-versus-writers trials (issue 18): real processes on one real store.

Used by tests/store/test_maintenance_race.py (fast) and tests/reliability/
test_maintenance_race.py (the long, ``slow`` variant). Importable for the setup and
the checks; runnable as ``python _maint.py ROLE ...`` for the processes of a trial:

* ``saver ROOT SEED COUNT``: saves the way a kernel does (objects put one by one, then
  ``Repository.save``), half of the versions reusing content of the store's dead
  (unreferenced) objects; prints ``ack <id>`` per acknowledged version and, at the end,
  ``wait <seconds>``, the longest it waited for the store lock;
* ``remote ROOT SEED COUNT``: alternately pushes to ``origin``, pulls from ``peer``
  (whose versions reuse the dead content too) and reads every version of ``main``
  (fetching evicted objects back); prints ``ack <id>`` per pulled head;
* ``gc-paused ROOT DIR``: gc with grace 0 that stops after computing its dead list,
  writes ``DIR/ready`` and resumes once ``DIR/go`` exists (the issue's interleaving).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbversion
from nbversion import remote
from nbversion.errors import NotFound
from nbversion.store import Repository, hash_bytes
from nbversion.store.locks import StoreLock

NB = "nb-race"
NB_PATH = "race.ipynb"
PEER_NB = "nb-peer"
STRAYS = 150
EVICT = ("evict", "--to", "origin", "--min-age", "0s")
POOL = 12  # dead versions (each: a notebook, a chunked buffer) a trial's writers reuse
BUF = 48 << 10
CHUNK = 16 << 10
SRC = str(Path(nbversion.__file__).resolve().parent.parent)
HERE = Path(__file__).resolve()


def child_env() -> dict[str, str]:
    """Environment for child processes running the nbversion under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def notebook(text: str, notebook_id: str = NB) -> bytes:
    """A minimal notebook with a fixed id (its bytes are the notebook object)."""
    cell = {"cell_type": "code", "source": text, "metadata": {}, "outputs": []}
    meta = {"nbversion": {"notebook_id": notebook_id}}
    nb = {"cells": [cell], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb).encode()


def pool_notebook(j: int) -> bytes:
    """The notebook of dead version ``j`` (a writer reusing it reuses a dead object)."""
    return notebook(f"dead = {j}")


def pool_buffer(j: int) -> bytes:
    """The buffer of dead version ``j`` (3 chunks and a chunk list, all dead)."""
    return random.Random(j).randbytes(BUF)


def _variable(oid: str) -> dict[str, Any]:
    return {"oid": oid, "kind": "buffer", "type": "bytes", "summary": "", "size": BUF}


def save_kernel_style(repo: Repository, nb_id: str, raw: bytes, buf: bytes, msg: str) -> str:
    """Objects first, then the commit: what a kernel's capture and Repository.save do."""
    nb = repo.objects.put_bytes(raw)
    var = repo.objects.put_buffer(buf, chunk_size=CHUNK)
    return str(repo.save(nb_id, NB_PATH, nb, msg, variables={"buf": _variable(var)}).id)


def setup(root: Path, remotes: Path, seed: int) -> None:
    """A store with live history on ``main`` (pushed to ``origin``), POOL dead versions
    (a deleted branch), stray and corrupt objects, and a ``peer`` remote whose versions
    reuse the dead content."""
    repo = Repository.init(root)
    remotes.mkdir(parents=True, exist_ok=True)  # a folder remote's parent must exist
    try:
        (root / NB_PATH).write_bytes(notebook("live = 0"))
        save_kernel_style(repo, NB, notebook("live = 0"), bytes(BUF), "live 0")
        repo.create_branch(NB, "old")
        repo.checkout(NB, "old")
        for j in range(POOL):
            save_kernel_style(repo, NB, pool_notebook(j), pool_buffer(j), f"dead {j}")
        repo.checkout(NB, "main")
        repo.delete_branch(NB, "old")
        rng = random.Random(seed)
        for _ in range(STRAYS):  # unreferenced objects: they make gc's sweep take a while
            repo.objects.put_bytes(rng.randbytes(200))
        for _ in range(3):
            bad = repo.objects.path(rng.randbytes(32).hex())  # corrupt: wrong content
            bad.parent.mkdir(exist_ok=True)
            bad.write_bytes(b"\x00not the content this name promises")
        save_kernel_style(repo, NB, notebook("live = 1"), rng.randbytes(BUF), "live 1")
        remote.add_remote(repo.store_dir, "origin", str(remotes / "origin"))
        remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
        peer = Repository.init(remotes / "peer-project")
        try:
            for j in rng.sample(range(POOL), 4):
                raw = notebook(f"dead = {j}", PEER_NB)
                save_kernel_style(peer, PEER_NB, raw, pool_buffer(j), f"peer {j}")
            remote.add_remote(peer.store_dir, "origin", str(remotes / "peer"))
            remote.push(peer, remote.get_remote(peer.store_dir, "origin"))
        finally:
            peer.close()
        remote.add_remote(repo.store_dir, "peer", str(remotes / "peer"))
    finally:
        repo.close()


def cli(root: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``python -m nbversion ARGS --root ROOT`` (a real CLI process)."""
    return subprocess.Popen(
        [sys.executable, "-m", "nbversion", *args, "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=root,
    )


def role(*args: str) -> subprocess.Popen[str]:
    """Start this file as a process playing one role."""
    return subprocess.Popen(
        [sys.executable, str(HERE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


def read_version(repo: Repository, vid: str) -> None:
    """Read the manifest and every object and chunk it names, verified (fetching evicted)."""
    m = repo.versions.read(vid)
    for oid in m.object_ids():
        if repo.objects.chunk_list(oid) is None:
            repo.objects.get_bytes(oid)
        else:
            repo.objects.get_buffer(oid)


def check(root: Path, acknowledged: set[str]) -> list[str]:
    """What is wrong after a trial: fsck problems, lost or unreadable acknowledged versions."""
    problems: list[str] = []
    with Repository.open(root) as repo:
        report = repo.fsck()
        problems += [f"fsck {p.kind}: {p.detail}" for p in report.problems]
        for vid in sorted(acknowledged):
            try:
                read_version(repo, vid)
            except Exception as err:  # every failure is a finding
                problems.append(f"acknowledged version {vid[:12]}: {type(err).__name__}: {err}")
    return problems


def _finish(name: str, proc: subprocess.Popen[str], out: dict[str, Any]) -> None:
    """Collect one process of a trial: acks, refusals, waits; failures go to problems."""
    stdout, stderr = proc.communicate(timeout=300)
    # fsck exits 1 for the corrupt objects it repairs, evict for objects it refuses
    ok = proc.returncode == 0 or (name in ("fsck", "evict") and "Traceback" not in stderr)
    if not ok:
        out["problems"].append(f"{name} exited {proc.returncode}: {stderr[-2000:]}")
    if name == "cli-save" and proc.returncode == 0:
        out["acked"].add(json.loads(stdout)["id"])
    for line in stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word == "ack":
            out["acked"].add(rest)
        elif word == "rejected":
            out["rejected"] += 1
        elif word == "wait":
            out["max_wait"] = max(out["max_wait"], float(rest))


def trial(base: Path, seed: int) -> dict[str, Any]:
    """One randomized trial: gc, evict and fsck --repair (real CLI processes) against two
    kernel-style savers, a CLI save and a push/pull/read process, each started at a
    seeded random moment. Returns problems (empty when all is well) and figures."""
    rng = random.Random(seed)
    root, remotes = base / "project", base / "remotes"
    setup(root, remotes, seed)
    (root / NB_PATH).write_bytes(pool_notebook(rng.randrange(POOL)))  # the CLI save reuses
    r = str(root)
    starts: list[tuple[float, str, Any]] = [
        (rng.uniform(0, 0.6), "saver", lambda: role("saver", r, str(seed * 10 + 1), "8")),
        (rng.uniform(0, 0.6), "saver", lambda: role("saver", r, str(seed * 10 + 2), "8")),
        (rng.uniform(0, 0.6), "remote", lambda: role("remote", r, str(seed), "4")),
        (rng.uniform(0, 1.0), "cli-save", lambda: cli(root, "save", NB_PATH, "-m", "c", "--json")),
        (rng.uniform(0, 1.0), "gc", lambda: cli(root, "gc", "--grace", "0s")),
        (rng.uniform(0, 1.0), "evict", lambda: cli(root, *EVICT)),
        (rng.uniform(0, 1.0), "fsck", lambda: cli(root, "fsck", "--repair")),
    ]  # fmt: skip
    began = time.monotonic()
    procs: list[tuple[str, subprocess.Popen[str]]] = []
    for at, name, start in sorted(starts, key=lambda s: s[0]):
        time.sleep(max(0.0, began + at - time.monotonic()))
        procs.append((name, start()))
    out: dict[str, Any] = {"problems": [], "acked": set(), "rejected": 0, "max_wait": 0.0}
    for name, proc in procs:
        _finish(name, proc, out)
    out["problems"] += check(root, out["acked"])
    out["seconds"] = time.monotonic() - began
    return out


def exact_interleaving(base: Path) -> dict[str, Any]:
    """The issue's interleaving, made deterministic: gc has computed its dead list; a CLI
    save and a kernel-style save reuse dead objects and commit; then gc sweeps."""
    root, remotes, pause = base / "project", base / "remotes", base / "pause"
    setup(root, remotes, 0)
    pause.mkdir()
    with Repository.open(root) as repo:
        dead = set(repo.gc(dry_run=True, grace=0).objects_removed)
    reused = [hash_bytes(pool_notebook(3)), hash_bytes(pool_notebook(5))]
    assert set(reused) <= dead, "both saves must reuse objects on gc's dead list"
    gc_proc = role("gc-paused", str(root), str(pause))
    deadline = time.monotonic() + 120
    while not (pause / "ready").exists():
        assert gc_proc.poll() is None, gc_proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    out: dict[str, Any] = {"problems": [], "acked": set(), "rejected": 0, "max_wait": 0.0}
    (root / NB_PATH).write_bytes(pool_notebook(3))
    _finish("cli-save", cli(root, "save", NB_PATH, "-m", "reuses dead", "--json"), out)
    with Repository.open(root) as repo:
        vid = save_kernel_style(repo, NB, pool_notebook(5), pool_buffer(7), "kernel reuse")
        out["acked"].add(vid)
    (pause / "go").write_text("")
    stdout, stderr = gc_proc.communicate(timeout=120)
    assert gc_proc.returncode == 0, stderr
    out["gc"] = json.loads(stdout)
    out["dead_at_mark"] = len(dead)
    out["problems"] += check(root, out["acked"])
    return out


# -- the roles ---------------------------------------------------------------------------
def _saver(root: str, seed: int, count: int) -> None:
    rng = random.Random(seed)
    with Repository.open(root) as repo:
        for i in range(count):
            j = rng.randrange(POOL)
            reuse = rng.random() < 0.6
            raw = pool_notebook(j) if reuse else notebook(f"live = {seed}-{i}")
            buf = pool_buffer(j) if rng.random() < 0.5 else rng.randbytes(BUF)
            time.sleep(rng.uniform(0, 0.08))
            try:
                nb = repo.objects.put_bytes(raw)
                time.sleep(rng.uniform(0, 0.02))  # a capture between objects and commit
                var = repo.objects.put_buffer(buf, chunk_size=CHUNK)
                m = repo.save(NB, NB_PATH, nb, f"s{seed} {i}", variables={"buf": _variable(var)})
            except NotFound as err:  # an honest refusal: its objects were swept before it
                print(f"rejected {err}", flush=True)
                continue
            print(f"ack {m.id}", flush=True)
    print(f"wait {StoreLock.max_shared_wait:.6f}", flush=True)


def _remote(root: str, seed: int, count: int) -> None:
    rng = random.Random(seed)
    with Repository.open(root) as repo:
        for _ in range(count):
            time.sleep(rng.uniform(0, 0.1))
            action = rng.choice(("push", "pull", "read"))
            if action == "push":
                remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
            elif action == "pull":
                remote.pull(repo, remote.get_remote(repo.store_dir, "peer"))
                for ref in repo.refs.list_refs(PEER_NB, "heads").values():
                    print(f"ack {ref}", flush=True)
            else:
                for m in repo.log(NB):
                    read_version(repo, m.id)
    print(f"wait {StoreLock.max_shared_wait:.6f}", flush=True)


def _gc_paused(root: str, pause: str) -> None:
    from nbversion.store import gc

    original = gc._sweep

    def paused(*args: Any, **kwargs: Any) -> None:
        Path(pause, "ready").write_text("")
        while not Path(pause, "go").exists():
            time.sleep(0.01)
        original(*args, **kwargs)

    gc._sweep = paused  # a pause point: the gc itself is real
    with Repository.open(root) as repo:
        report = repo.gc(grace=0)
    print(json.dumps(report.to_dict()), flush=True)


if __name__ == "__main__":
    name, *rest = sys.argv[1:]
    if name == "saver":
        _saver(rest[0], int(rest[1]), int(rest[2]))
    elif name == "remote":
        _remote(rest[0], int(rest[1]), int(rest[2]))
    elif name == "gc-paused":
        _gc_paused(rest[0], rest[1])
    else:
        sys.exit(f"unknown role {name}")
