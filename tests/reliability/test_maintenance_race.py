"""Long variant: 100 seeded trials of gc, evict and fsck --repair against concurrent
kernel-style saves, a CLI save, pushes, pulls and reads that fetch evicted objects.

Each trial is a fresh store with dead objects the writers reuse; after it, fsck is clean
and every version acknowledged to a client reads back verified. The fast variant and the
deterministic interleaving of issue 18 are in tests/store/test_maintenance_race.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import percentile, record
from tests.store import _maint

TRIALS = 100


@pytest.mark.slow  # ~4 min: 100 trials of 7 real processes each
def test_maintenance_never_loses_acknowledged_versions(tmp_path: Path) -> None:
    failures: list[tuple[int, list[str]]] = []
    acked = rejected = 0
    waits: list[float] = []
    seconds: list[float] = []
    for seed in range(TRIALS):
        base = tmp_path / f"t{seed}"
        out = _maint.trial(base, 1000 + seed)
        if out["problems"]:
            failures.append((seed, out["problems"]))
        acked += len(out["acked"])
        rejected += out["rejected"]
        waits.append(out["max_wait"])
        seconds.append(out["seconds"])
        shutil.rmtree(base, ignore_errors=True)
    record(
        "maintenance_race",
        trials=TRIALS,
        failed=len(failures),
        acknowledged_versions=acked,
        honest_refusals=rejected,
        longest_save_wait_s=round(max(waits), 4),
        p95_trial_save_wait_s=round(percentile(waits, 95), 4),
        trial_seconds_median=round(percentile(seconds, 50), 2),
    )
    assert not failures, failures[:3]
    assert acked >= TRIALS * 10
