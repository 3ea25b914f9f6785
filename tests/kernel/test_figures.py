"""Figures save by value, once, fast; ``ax``, ``line``, ``cbar`` and animations stay parts of
the restored figure (issue 19, item 10: figures took 5-10 s to save, 13 s to restore)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from nbversion.capture import decode, encode
from nbversion.kernel import snapshot, tracking
from nbversion.store.objects import ObjectStore

mpl = pytest.importorskip("matplotlib")
mpl.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402


@pytest.fixture
def objects(tmp_path: Path) -> ObjectStore:
    (tmp_path / "objects").mkdir()
    (tmp_path / "tmp").mkdir()
    return ObjectStore(tmp_path / "objects", tmp_path / "tmp")


def _plots() -> dict[str, Any]:
    fig, axes = plt.subplots(2, 2, figsize=(6, 6))
    rng = np.random.default_rng(0)
    for a in axes.flat:
        a.hist(rng.normal(size=500), bins=20)
    ax = axes[0, 0]
    ax.set_title("first")
    (line,) = ax.plot([0, 1], [1, 0], label="diag")
    im = axes[1, 1].imshow(np.eye(4))
    cbar = fig.colorbar(im, ax=axes[1, 1])
    ani = animation.FuncAnimation(fig, lambda i: line.set_ydata([i, 0]), frames=np.arange(5))
    ani._draw_was_started = True  # type: ignore[attr-defined]  # never drawn: no warning
    plt.close(fig)
    return {"fig": fig, "axes": axes, "ax": ax, "line": line, "cbar": cbar, "ani": ani}


def test_a_figure_is_one_small_object(objects: ObjectStore) -> None:
    fig = _plots()["fig"]
    enc = encode(fig)
    assert enc.kind == "matplotlib"
    assert len(enc.buffers) == 1  # its ~1000 small arrays stay in the pickle stream
    assert enc.summary.startswith("Figure 6x6 in, 5 axes")
    back = decode(enc.kind, enc.meta, enc.buffers, allow_untrusted=True)
    assert back.axes[0].get_title() == "first"
    assert len(back.axes[0].patches) == 20


def test_artists_come_back_as_parts_of_the_restored_figure(objects: ObjectStore) -> None:
    ns = _plots()
    started = time.perf_counter()
    saved = snapshot.capture(ns, objects).variables
    assert time.perf_counter() - started < 1.0
    assert saved["fig"]["kind"] == "matplotlib"
    assert saved["ax"]["refs"] == ["fig"]  # a reference into the figure, not a copy
    assert not saved["ax"]["buffers"][1:]
    fresh: dict[str, Any] = {}
    started = time.perf_counter()
    res = snapshot.restore(fresh, saved, objects, allow_untrusted=True)
    assert time.perf_counter() - started < 1.0
    assert not res.failed
    fig = fresh["fig"]
    assert fresh["ax"] is fig.axes[0]
    assert fresh["line"] in fig.axes[0].lines
    assert fresh["axes"][1, 1] is fig.axes[3]
    assert fresh["cbar"].ax is fig.axes[4]
    assert fresh["ani"]._fig is fig
    assert next(fresh["ani"].frame_seq) == 0  # an animation comes back rewound


def test_restoring_the_figure_brings_its_artists_along(objects: ObjectStore) -> None:
    ns = _plots()
    saved = snapshot.capture(ns, objects).variables
    ns["fig"].axes[0].set_title("changed")
    plan = snapshot.plan_restore(
        ns, saved, known={n: r["fingerprint"] for n, r in saved.items() if n != "fig"}
    )
    assert "fig" in plan["restore"]
    assert {"ax", "line", "cbar", "ani"} <= set(plan["restore"])  # they point into it


def test_tracking_knows_a_figure_by_what_it_draws() -> None:
    ns = _plots()
    started = time.perf_counter()
    fp = tracking.footprint(ns["ax"], id(ns))
    assert time.perf_counter() - started < 1.0
    assert id(ns["fig"]) in fp.ids
    assert id(ns["line"]) in fp.ids
    assert len(fp.ids) < 5000  # not the transforms, fonts and callbacks behind them
