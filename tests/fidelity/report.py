"""Per-notebook results of the fidelity corpus and the summary table ``make test-fidelity``
prints (and writes to ``NBVERSION_FIDELITY_REPORT`` as Markdown for docs/reliability.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class NotebookResult:
    """What one notebook of the corpus gave: checks, unsaveable names, timings (seconds)."""

    name: str
    cells: int = 0
    live_equal: int = 0
    live_total: int = 0
    fresh_equal: int = 0
    fresh_total: int = 0
    unsaveable: dict[str, str] = field(default_factory=dict)
    save_times: list[float] = field(default_factory=list)
    restore_times: list[float] = field(default_factory=list)
    fresh_restore: float = 0.0
    problems: list[str] = field(default_factory=list)

    def count(
        self, want: dict[str, str], skipped: set[str], diff: list[str], *, fresh: bool = False
    ) -> None:
        total = len([n for n in want if n not in skipped])
        if fresh:
            self.fresh_total += total
            self.fresh_equal += total - len(diff)
        else:
            self.live_total += total
            self.live_equal += total - len(diff)


RESULTS: list[NotebookResult] = []


def _max(xs: list[float]) -> float:
    return max(xs) if xs else 0.0


def table(results: list[NotebookResult]) -> list[str]:
    """The summary as Markdown lines: one row per notebook, a total row, then unsaveables."""
    lines = [
        "| notebook | cells | live equal/total | fresh equal/total | unsaveable "
        "| save max / total (s) | live restore max (s) | fresh restore (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.cells} | {r.live_equal}/{r.live_total} "
            f"| {r.fresh_equal}/{r.fresh_total} | {len(r.unsaveable)} "
            f"| {_max(r.save_times):.2f} / {sum(r.save_times):.2f} "
            f"| {_max(r.restore_times):.2f} | {r.fresh_restore:.2f} |"
        )
    le, lt = sum(r.live_equal for r in results), sum(r.live_total for r in results)
    fe, ft = sum(r.fresh_equal for r in results), sum(r.fresh_total for r in results)
    saves = [t for r in results for t in r.save_times]
    restores = [t for r in results for t in r.restore_times]
    lines.append(
        f"| **all {len(results)}** | {sum(r.cells for r in results)} | **{le}/{lt}** "
        f"| **{fe}/{ft}** | {sum(len(r.unsaveable) for r in results)} "
        f"| {_max(saves):.2f} / {sum(saves):.2f} | {_max(restores):.2f} "
        f"| {_max([r.fresh_restore for r in results]):.2f} |"
    )
    reasons = [(r.name, n, why) for r in results for n, why in sorted(r.unsaveable.items())]
    if reasons:
        lines += ["", "Not saveable, with the reason the version records:", ""]
        lines += [f"- `{nb}`: `{n}`: {why}" for nb, n, why in reasons]
    return lines
