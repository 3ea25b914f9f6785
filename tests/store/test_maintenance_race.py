"""gc, evict and fsck --repair never delete what a committed version needs (issue 18).

Real processes on one store: the real CLI for the maintenance commands and a notebook
save, kernel-style savers and a push/pull/read process on the Repository API. The long
variant (100+ seeded trials) is tests/reliability/test_maintenance_race.py.
"""

from __future__ import annotations

from pathlib import Path

from . import _maint


def test_exact_interleaving_gc_dead_list_then_reuse_then_sweep(tmp_path: Path) -> None:
    out = _maint.exact_interleaving(tmp_path)
    assert not out["problems"], out["problems"]
    assert len(out["acked"]) == 2  # the CLI save and the kernel-style save
    assert out["gc"]["objects_removed"]  # gc did sweep the rest of its dead list


def test_a_few_randomized_trials(tmp_path: Path) -> None:
    acked = 0
    for seed in range(3):
        out = _maint.trial(tmp_path / f"t{seed}", seed)
        assert not out["problems"], (seed, out["problems"])
        acked += len(out["acked"])
    assert acked >= 15  # the writers did get their work acknowledged
