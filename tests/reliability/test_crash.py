"""SIGKILL at seeded random points: CLI save/gc/push, the kernel (save and restore), the server.

After every kill: ``nbversion fsck`` (a real process) exits 0, every version committed
before the kill is still on its branch, and its objects (every chunk) read back verified.
Kernel trials also restore the head into a fresh kernel and compare its bytes.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import xxhash

from nbversion.store import Repository
from nbversion.store.objects import ObjectStore
from nbversion.store.refs import HEADS
from nbversion.store.versions import VersionStore

from ..servers import TOKEN, Server
from .conftest import (
    PYTHON,
    Kernel,
    assert_fsck_clean,
    assert_versions_intact,
    child_env,
    cli,
    make_project,
    notebook_id,
    notebook_json,
    read_version_objects,
    record,
    start_kernel,
)


class Killer:
    """SIGKILLs processes after a random share of how long the command takes, learning
    that duration from the runs that finished before their kill."""

    def __init__(self, duration: float, rng: random.Random, low: float = 0.2) -> None:
        self.duration, self.rng, self.low, self.landed = duration, rng, low, 0

    def run(self, args: list[str], root: Path) -> bool:
        """Start ``args``, kill it at a random point; True if the kill landed mid-run."""
        t0 = time.monotonic()
        proc = subprocess.Popen(args, env=child_env(), cwd=root, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            proc.wait(timeout=self.rng.uniform(self.low, 1.0) * self.duration)
            self.duration = time.monotonic() - t0  # it finished: aim earlier next time
            return False
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            self.landed += 1
            return True


def _check_history(root: Path, nb: str, known: list[str], rng: random.Random) -> list[str]:
    """fsck is clean, ``known`` (oldest first) is still the start of the branch, and the new
    versions plus a sample of old ones read back verified. Returns the history, oldest first."""
    assert_fsck_clean(root)
    with Repository.open(root) as repo:
        history = [m.id for m in repo.log(nb)][::-1]
    assert history[: len(known)] == known, "a committed version left its branch"
    new = history[len(known) :]
    sample = new + rng.sample(known, min(2, len(known)))
    assert_versions_intact(root, sample)
    return history


# -- CLI: save -----------------------------------------------------------------------------
def cli_save_trials(root: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    (nb_path,) = make_project(root, ["big.ipynb"])
    nid = notebook_id(nb_path)
    args = [PYTHON, "-m", "nbversion", "save", "big.ipynb", "--root", str(root)]

    def write_notebook(i: int) -> None:
        nb_path.write_text(notebook_json(f"x = {i}", nid, blob=12 << 20))

    write_notebook(-1)
    t0 = time.monotonic()
    assert cli(root, "save", "big.ipynb", "-m", "baseline").returncode == 0
    duration = time.monotonic() - t0
    known = _check_history(root, nid, [], rng)
    killer = Killer(duration, rng, low=0.3)
    for i in range(trials):
        write_notebook(i)
        killer.run([*args, "-m", f"trial {i}"], root)
        known = _check_history(root, nid, known, rng)
    return {"trials": trials, "killed_mid_run": killer.landed, "versions": len(known)}


def test_cli_save_killed_fast(tmp_path: Path) -> None:
    stats = cli_save_trials(tmp_path / "p", trials=3, seed=11)
    record("crash/cli-save (fast)", **stats)


@pytest.mark.slow
def test_cli_save_killed(tmp_path: Path) -> None:
    stats = cli_save_trials(tmp_path / "p", trials=30, seed=12)
    record("crash/cli-save", **stats)
    assert stats["killed_mid_run"] >= 10


# -- CLI: gc -------------------------------------------------------------------------------
def _garbage(repo: Repository, nb: str, n: int, rng: random.Random) -> None:
    """A branch of ``n`` versions with their own objects, then deleted: work for gc."""
    head = repo.refs.get(nb, HEADS, "main")
    assert head is not None
    name = f"junk-{rng.randrange(1 << 30)}"
    repo.create_branch(nb, name, head)
    for i in range(n):
        buf = rng.randbytes(2 << 20)
        var = {"oid": repo.objects.put_buffer(buf, chunk_size=256 << 10), "kind": "buffer",
               "type": "bytes", "summary": "", "size": len(buf)}  # fmt: skip
        nbo = repo.objects.put_bytes(f'{{"junk": {i}, "r": {rng.random()}}}'.encode())
        repo.save(nb, "a.ipynb", nbo, f"junk {i}", branch=name, variables={"buf": var})
    repo.delete_branch(nb, name)


def _keeper(repo: Repository, nb: str, i: int, rng: random.Random) -> str:
    buf = rng.randbytes(1 << 20)
    var = {"oid": repo.objects.put_buffer(buf, chunk_size=256 << 10), "kind": "buffer",
           "type": "bytes", "summary": "", "size": len(buf)}  # fmt: skip
    nbo = repo.objects.put_bytes(f'{{"keep": {i}}}'.encode())
    return repo.save(nb, "a.ipynb", nbo, f"keep {i}", variables={"buf": var}).id


def cli_gc_trials(root: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    make_project(root, [])
    nb = "nb-gc"
    with Repository.open(root) as repo:
        _keeper(repo, nb, -1, rng)
        _garbage(repo, nb, 8, rng)
    t0 = time.monotonic()
    assert cli(root, "gc", "--grace", "0s").returncode == 0
    duration = time.monotonic() - t0
    known = _check_history(root, nb, [], rng)
    removed_versions = 0
    killer = Killer(duration, rng)
    args = [PYTHON, "-m", "nbversion", "gc", "--grace", "0s", "--root", str(root)]
    for i in range(trials):
        with Repository.open(root) as repo:
            _keeper(repo, nb, i, rng)
            _garbage(repo, nb, 8, rng)
            before = len(list(repo.versions.ids()))
        known = _check_history(root, nb, known, rng)
        killer.run(args, root)
        known = _check_history(root, nb, known, rng)
        with Repository.open(root) as repo:
            removed_versions += before - len(list(repo.versions.ids()))
    assert cli(root, "gc", "--grace", "0s").returncode == 0  # a later gc finishes the job
    with Repository.open(root) as repo:
        assert set(repo.versions.ids()) == set(known)
    assert_fsck_clean(root)
    return {"trials": trials, "killed_mid_run": killer.landed,
            "versions_removed": removed_versions}  # fmt: skip


def test_cli_gc_killed_fast(tmp_path: Path) -> None:
    record("crash/cli-gc (fast)", **cli_gc_trials(tmp_path / "p", trials=2, seed=21))


@pytest.mark.slow
def test_cli_gc_killed(tmp_path: Path) -> None:
    stats = cli_gc_trials(tmp_path / "p", trials=20, seed=22)
    record("crash/cli-gc", **stats)
    assert stats["killed_mid_run"] >= 6


# -- CLI: push to a folder remote ------------------------------------------------------------
def remote_intact(remote: Path) -> int:
    """Every ref of a folder remote names a version whose history and objects are complete
    and verified. Returns how many objects were read."""
    objects = ObjectStore(remote / "objects", remote / "tmp")
    versions = VersionStore(remote / "versions", remote / "tmp")
    wanted: set[str] = set()
    for ref in (remote / "refs").glob("*/*/*"):
        stack = [ref.read_text().strip()]
        while stack:
            vid = stack.pop()
            if vid in wanted:
                continue
            wanted.add(vid)
            stack.extend(versions.read(vid).parents)
    return read_version_objects(objects, versions, sorted(wanted))


def cli_push_trials(root: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    make_project(root, [])
    remote = root.parent / "remote"
    nb = "nb-push"
    assert cli(root, "remote", "add", "origin", str(remote)).returncode == 0

    def new_version(i: int) -> None:
        with Repository.open(root) as repo:
            buf = rng.randbytes(24 << 20)
            var = {"oid": repo.objects.put_buffer(buf, chunk_size=1 << 20), "kind": "buffer",
                   "type": "bytes", "summary": "", "size": len(buf)}  # fmt: skip
            nbo = repo.objects.put_bytes(f'{{"push": {i}}}'.encode())
            repo.save(nb, "a.ipynb", nbo, f"push {i}", variables={"buf": var})

    new_version(-1)
    t0 = time.monotonic()
    assert cli(root, "push", "origin").returncode == 0
    duration = time.monotonic() - t0
    known = _check_history(root, nb, [], rng)
    args = [PYTHON, "-m", "nbversion", "push", "origin", "--root", str(root)]
    killer = Killer(duration, rng)
    for i in range(trials):
        new_version(i)
        killer.run(args, root)
        known = _check_history(root, nb, known, rng)
        remote_intact(remote)
    assert cli(root, "push", "origin").returncode == 0  # the next push completes the job
    read = remote_intact(remote)
    clone = root.parent / "clone"
    res = subprocess.run([PYTHON, "-m", "nbversion", "clone", str(remote), str(clone)],
                         capture_output=True, text=True, env=child_env())  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert_fsck_clean(clone)
    with Repository.open(clone) as repo:
        assert repo.refs.get(nb, HEADS, "origin/main") == known[-1]
    assert_versions_intact(clone, known)
    return {"trials": trials, "killed_mid_run": killer.landed, "remote_objects_verified": read}


def test_cli_push_killed_fast(tmp_path: Path) -> None:
    record("crash/cli-push (fast)", **cli_push_trials(tmp_path / "p", trials=2, seed=31))


@pytest.mark.slow
def test_cli_push_killed(tmp_path: Path) -> None:
    stats = cli_push_trials(tmp_path / "p", trials=20, seed=32)
    record("crash/cli-push", **stats)
    assert stats["killed_mid_run"] >= 6


# -- the kernel: %version save and %version restore of a few hundred MB ----------------------
def _array_digest(root: Path, vid: str, name: str = "a") -> str:
    with Repository.open(root) as repo:
        rec = repo.versions.read(vid).variables[name]
        return xxhash.xxh3_128_hexdigest(bytes(repo.objects.get_buffer(rec["buffers"][0])))


def _kernel_digest(k: Kernel) -> str:
    return k.check(
        "import xxhash as _x; print(_x.xxh3_128_hexdigest(memoryview(a).cast('B'))); del _x"
    ).strip()


def kernel_trials(
    root: Path, secret: Path, saves: int, restores: int, mb: int, seed: int
) -> dict[str, float]:
    rng = random.Random(seed)
    (nb_path,) = make_project(root)
    nid = notebook_id(nb_path)
    k = start_kernel(root, nb_path, secret)
    try:
        n = mb * (1 << 20) // 8
        k.check(f"import numpy as np\na = np.random.default_rng({seed}).random({n})")
        t0 = time.monotonic()
        k.check("%version save -m baseline", timeout=600)
        full_save = time.monotonic() - t0
        known = _check_history(root, nid, [], rng)
        landed = 0
        plan = ["save"] * saves + ["restore"] * restores
        rng.shuffle(plan)
        restored_checked = 0
        for i, kind in enumerate(plan):
            if kind == "save":
                width = rng.randrange(1 << 17, n // 4)  # 1 MB .. a quarter of the state
                at = rng.randrange(0, n - width)
                k.check(f"a[{at}:{at + width}] = np.random.default_rng({i}).random({width})")
                k.send(f"%version save -m 'trial {i}'")
                delay = rng.uniform(0.0, 0.6) * full_save * (0.3 + width / n)
            else:
                target = rng.choice(known[:-1] or known)
                k.send(f"%version restore {target}")
                delay = rng.uniform(0.0, 0.8) * full_save
            time.sleep(delay)
            try:  # did it finish before the kill? (then the kill landed between requests)
                k.kc.get_shell_msg(timeout=0.001)
                finished = True
            except Exception:
                finished = False
            k.kill()
            landed += not finished
            k.close()
            known = _check_history(root, nid, known, rng)
            # a fresh kernel gets the head back, byte for byte (this is also the next
            # trial's starting state)
            k = start_kernel(root, nb_path, secret)
            k.check("import numpy as np")
            k.check("%version restore HEAD", timeout=600)
            assert _kernel_digest(k) == _array_digest(root, known[-1])
            restored_checked += 1
        return {"trials": len(plan), "saves_killed": saves, "restores_killed": restores,
                "state_mb": mb, "killed_mid_request": landed, "versions": len(known),
                "fresh_kernel_restores_checked": restored_checked,
                "full_save_s": round(full_save, 2)}  # fmt: skip
    finally:
        k.close()


def test_kernel_killed_fast(tmp_path: Path) -> None:
    stats = kernel_trials(tmp_path / "p", tmp_path / "secret", saves=1, restores=1, mb=96, seed=41)
    record("crash/kernel (fast)", **stats)


@pytest.mark.slow
def test_kernel_killed(tmp_path: Path) -> None:
    stats = kernel_trials(
        tmp_path / "p", tmp_path / "secret", saves=16, restores=8, mb=320, seed=42
    )
    record("crash/kernel", **stats)
    assert stats["killed_mid_request"] >= 8


# -- the jupyter server, during a REST save -------------------------------------------------
def _post(url: str, body: dict[str, object]) -> None:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", f"token {TOKEN}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass  # the server was killed under us


def server_trials(root: Path, trials: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    (nb_path,) = make_project(root, ["big.ipynb"])
    nid = notebook_id(nb_path)
    nb_path.write_text(notebook_json("x = -1", nid, blob=24 << 20))
    server = Server(root, [])
    try:
        t0 = time.monotonic()
        _post(server.url + "/nbversion/api/versions", {"path": "big.ipynb", "message": "baseline"})
        duration = time.monotonic() - t0
    finally:
        server.stop()
    known = _check_history(root, nid, [], rng)
    landed = 0
    for i in range(trials):
        nb_path.write_text(notebook_json(f"x = {i}", nid, blob=24 << 20))
        server = Server(root, [])
        try:
            body = {"path": "big.ipynb", "message": f"trial {i}"}
            t = threading.Thread(target=_post, args=(server.url + "/nbversion/api/versions", body))
            t.start()
            time.sleep(rng.uniform(0.0, 1.1) * duration)
            landed += t.is_alive()
            server.proc.send_signal(signal.SIGKILL)
            t.join(60)
        finally:
            server.stop()
        known = _check_history(root, nid, known, rng)
    return {"trials": trials, "killed_mid_request": landed, "versions": len(known),
            "rest_save_s": round(duration, 2)}  # fmt: skip


def test_server_killed_fast(tmp_path: Path) -> None:
    record("crash/server (fast)", **server_trials(tmp_path / "p", trials=1, seed=51))


@pytest.mark.slow
def test_server_killed(tmp_path: Path) -> None:
    stats = server_trials(tmp_path / "p", trials=10, seed=52)
    record("crash/server", **stats)
    assert stats["killed_mid_request"] >= 3


def test_random_array_is_not_compressible() -> None:
    """The kernel trials' state is random floats: stored raw, so the disk does the work."""
    from nbversion.store.objects import RAW, encode

    codec, _ = encode(memoryview(np.random.default_rng(0).random(1 << 16).tobytes()))
    assert codec == RAW
