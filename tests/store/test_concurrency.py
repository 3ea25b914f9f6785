"""Real processes: concurrent savers lose nothing; SIGKILLed savers never corrupt the store."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from nbversion.store import Repository

from .conftest import PYTHON, child_env

WRITER = str(Path(__file__).with_name("_writer.py"))
NB = "nb-concurrent"


def test_four_processes_fifty_saves_each(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    procs = [
        subprocess.Popen(
            [PYTHON, WRITER, str(tmp_path), NB, "50", str(seed)],
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        for seed in range(4)
    ]
    saved: set[str] = set()
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        saved |= set(out.split())
    assert len(saved) == 200
    with Repository.open(tmp_path) as repo:
        history = [m.id for m in repo.log(NB)]
        assert set(history) == saved  # every save is on the branch's first-parent chain
        assert len(history) == 200
        assert len(repo.reflog(NB, "main")) == 200
        assert repo.fsck().ok
        assert len(repo.search(notebook_id=NB, limit=1000)) == 200


@pytest.mark.slow  # ~25 s: 50 real processes, each killed, each followed by a full fsck
def test_sigkill_at_random_points_never_corrupts(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    rng = random.Random(1234)
    known: list[str] = []
    for trial in range(50):
        proc = subprocess.Popen(
            [PYTHON, WRITER, str(tmp_path), NB, "1000", str(trial), "--ready"],
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        with Repository.open(tmp_path) as repo:
            report = repo.fsck()
            assert report.ok, (trial, report.problems)
            history = [m.id for m in repo.log(NB)]
            assert history[len(history) - len(known) :] == known[::-1] or not known
            assert set(known) <= set(history)
            manifests = [repo.get(vid) for vid in history]  # every version still parses
            sample = history[:3] + rng.sample(history, min(3, len(history)))
            for vid in sample:  # and the newest plus some random older ones read back
                m = repo.get(vid)
                assert len(repo.objects.get_buffer(m.variables["buf"]["oid"])) == 512 << 10
            assert len(manifests) == len(history)
            known = history[::-1]
    assert len(known) > 50  # the writers did get work done between kills
    with Repository.open(tmp_path) as repo:  # and no stale lock wedges the next writer
        nb = repo.objects.put_bytes(b"{}")
        repo.save(NB, "a.ipynb", nb, "after the crashes")
        assert repo.fsck().ok
