"""Shadow evaluation: score the models of two versions on the data you have now.

``%version evaluate A B --model clf --on X_test,y_test`` loads ``clf`` from each version
into a private object (the live ``clf`` is untouched), predicts on the live ``X_test``,
and reports metrics side by side plus the rows where the two models disagree.

``--save`` cannot add metrics to version B (versions are immutable and their id is the
hash of the manifest). It writes an evaluation record instead, to
``.nbversion/evaluations/<a12>-<b12>-<model>.json`` (atomic, overwritten by a later
evaluation of the same pair), which ``nbversion`` never needs to read back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidInput
from ..store import Repository
from ..store.fsutil import atomic_write
from ..store.manifest import Manifest, utc_now
from . import metrics as M
from .loading import load_variable

EVALUATIONS_DIR = "evaluations"
SAMPLE_ROWS = 5


@dataclass
class Evaluation:
    """Side-by-side scores of one model variable from versions ``a`` and ``b``."""

    model: str
    a: str
    b: str
    a_message: str
    b_message: str
    task: str
    data: dict[str, Any]
    #: ``{metric: {"a": value, "b": value, "delta": b - a}}``
    metrics: dict[str, dict[str, float]]
    rows: int
    disagreements: int
    #: up to five rows where the predictions differ: ``{"row", "a", "b", "truth"}``
    sample: list[dict[str, Any]] = field(default_factory=list)
    created: str = ""
    saved_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``--save`` writes)."""
        return asdict(self)


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def evaluate_models(
    model_a: Any,
    model_b: Any,
    X: Any,
    y: Any,
    metrics: list[str] | None = None,
) -> tuple[str, dict[str, dict[str, float]], np.ndarray, np.ndarray, np.ndarray]:
    """Predict with both models; returns task, metric table, predictions and the mask."""
    task = M.guess_task(y)
    names = metrics or M.default_metrics(task)
    for name in names:
        if name not in M.METRICS:
            raise InvalidInput(f"unknown metric {name!r}; choose from {', '.join(M.METRICS)}")
    classify = task == "classification" and not any(n in M.REGRESSION for n in names)
    pa = M.predict(model_a, X, classify=classify)
    pb = M.predict(model_b, X, classify=classify)
    if len(pa) != len(M.as_array(y)) or len(pb) != len(pa):
        raise InvalidInput(f"predictions have {len(pa)}/{len(pb)} rows but y has {len(y)}")
    table: dict[str, dict[str, float]] = {}
    for name in names:
        va, vb = M.score(name, y, pa), M.score(name, y, pb)
        table[name] = {"a": va, "b": vb, "delta": vb - va}
    return task, table, pa, pb, M.disagree(pa, pb, classify=classify)


def evaluate_versions(
    repo: Repository,
    a: Manifest,
    b: Manifest,
    model: str,
    X: Any,
    y: Any,
    *,
    metrics: list[str] | None = None,
    data_names: tuple[str, str] = ("X", "y"),
    save: bool = False,
) -> Evaluation:
    """Load ``model`` from versions ``a`` and ``b`` privately and score both on ``X, y``."""
    model_a = load_variable(repo, a, model)
    model_b = load_variable(repo, b, model)
    task, table, pa, pb, mask = evaluate_models(model_a, model_b, X, y, metrics)
    labels = list(getattr(X, "index", range(len(pa))))
    truth = M.as_array(y)
    sample = [
        {
            "row": _plain(labels[i]),
            "a": _plain(pa[i]),
            "b": _plain(pb[i]),
            "truth": _plain(truth[i]),
        }
        for i in np.flatnonzero(mask)[:SAMPLE_ROWS]
    ]
    ev = Evaluation(
        model=model,
        a=a.id,
        b=b.id,
        a_message=a.message,
        b_message=b.message,
        task=task,
        data={"X": data_names[0], "y": data_names[1], "shape": list(np.shape(X))},
        metrics=table,
        rows=len(pa),
        disagreements=int(mask.sum()),
        sample=sample,
        created=utc_now(),
    )
    if save:
        ev.saved_to = str(save_evaluation(repo, ev))
    return ev


def save_evaluation(repo: Repository, ev: Evaluation) -> Any:
    """Write the evaluation record under ``.nbversion/evaluations/``; returns its path."""
    if not ev.model.isidentifier():
        raise InvalidInput(f"not a variable name: {ev.model!r}")
    path = repo.store_dir / EVALUATIONS_DIR / f"{ev.a[:12]}-{ev.b[:12]}-{ev.model}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    ev.saved_to = str(path)
    text = json.dumps(ev.to_dict(), indent=2, sort_keys=True, default=str)
    atomic_write(path, text.encode(), tmp_dir=repo.tmp_dir)
    return path


def list_evaluations(repo: Repository) -> list[dict[str, Any]]:
    """Every saved evaluation record, oldest first."""
    folder = repo.store_dir / EVALUATIONS_DIR
    records = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    return sorted(records, key=lambda r: r.get("created", ""))
