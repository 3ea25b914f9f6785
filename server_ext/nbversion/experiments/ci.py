"""CI gate: run a notebook headless, save a version, and fail on a metric regression.

The baseline (a model alias, tag, branch or version id) is resolved *before* the run, so
``--baseline main`` means "main as it was", not the version the run itself just saved.
The verdict compares one metric: ``improvement = candidate - baseline`` (``max`` mode,
higher is better) or ``baseline - candidate`` (``min`` mode, e.g. rmse); the gate passes
when ``improvement >= min_delta`` (``--min-delta -0.01`` tolerates a 0.01 drop).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import Unprocessable
from ..store import Repository
from ..store.jsonsafe import is_real, number
from ..store.manifest import Manifest
from .metrics import LOWER_IS_BETTER
from .registry import resolve_baseline


@dataclass
class GateResult:
    """The verdict of one CI run and the Markdown report for a PR comment."""

    passed: bool
    metric: str
    mode: str
    baseline: float
    candidate: float
    improvement: float
    min_delta: float
    baseline_id: str
    candidate_id: str
    report: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def default_mode(metric: str) -> str:
    """``min`` for error metrics (rmse, mae, mse, *loss*), else ``max``."""
    return "min" if metric in LOWER_IS_BETTER or "loss" in metric else "max"


def _value(m: Manifest, metric: str, which: str) -> float:
    """The metric as a float; a stored NaN/inf counts (and fails the gate: NaN compares
    false, an infinite loss is a regression), a missing or non-numeric one is an error."""
    value = number(m.metrics.get(metric))
    if not is_real(value):
        have = ", ".join(sorted(m.metrics)) or "none"
        raise Unprocessable(
            f"the {which} version {m.id[:10]} has no numeric metric {metric!r} (it has: {have})"
        )
    return float(value)


def compare(
    base: Manifest, cand: Manifest, metric: str, min_delta: float, mode: str | None = None
) -> GateResult:
    """Judge ``cand`` against ``base`` on ``metric`` and write the report."""
    mode = mode or default_mode(metric)
    b, c = _value(base, metric, "baseline"), _value(cand, metric, "candidate")
    improvement = c - b if mode == "max" else b - c
    passed = improvement >= min_delta - 1e-12
    result = GateResult(passed, metric, mode, b, c, improvement, min_delta, base.id, cand.id, "")
    result.report = report(result, base, cand)
    return result


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def report(r: GateResult, base: Manifest, cand: Manifest) -> str:
    """Markdown for a pull-request comment: verdict, the gated metric, all shared metrics."""
    better = "higher" if r.mode == "max" else "lower"
    verdict = (
        "✅ **nbversion CI gate passed**"
        if r.passed
        else f"❌ **nbversion CI gate failed: regression on `{r.metric}`**"
    )
    lines = [
        verdict,
        "",
        f"`{r.metric}` ({better} is better): baseline {_fmt(r.baseline)} → candidate "
        f"{_fmt(r.candidate)}, improvement {r.improvement:+.4g} "
        f"(required ≥ {r.min_delta:+.4g}).",
        "",
        "| metric | baseline | candidate | change |",
        "|---|---|---|---|",
    ]
    for name in sorted(set(base.metrics) | set(cand.metrics)):
        a, c = number(base.metrics.get(name)), number(cand.metrics.get(name))
        change = f"{c - a:+.4g}" if is_real(a) and is_real(c) else ""
        mark = " **(gated)**" if name == r.metric else ""
        lines.append(f"| `{name}`{mark} | {_fmt(a)} | {_fmt(c)} | {change} |")
    lines += [
        "",
        f"- baseline: `{base.id[:12]}` ({base.branch}: {base.message})",
        f"- candidate: `{cand.id[:12]}` ({cand.branch}: {cand.message})",
    ]
    return "\n".join(lines) + "\n"


def run_gate(
    root: Path,
    notebook: Path,
    baseline: str,
    metric: str,
    *,
    min_delta: float = 0.0,
    mode: str | None = None,
    message: str = "CI run",
    kernel_name: str | None = None,
    timeout: float = 600,
) -> GateResult:
    """Resolve the baseline, execute ``notebook`` headless (saving a version), compare."""
    from ..headless import execute_and_save

    with Repository(root) as repo:
        base_id = resolve_baseline(repo, str(notebook), baseline)
    result = execute_and_save(root, notebook, message, kernel_name=kernel_name, timeout=timeout)
    with Repository(root) as repo:
        return compare(repo.versions.read(base_id), repo.get(result["id"]), metric, min_delta, mode)
