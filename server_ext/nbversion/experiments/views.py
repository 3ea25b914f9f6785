"""Views of the experiment features for the ``%version`` magic: HTML plus plain text.

The plot is a small bar chart of each metric for A and B: a PNG from matplotlib when it
is installed, else an inline SVG drawn here (no dependency), so the view always renders.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from .evaluate import Evaluation


def _f(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def metric_rows(ev: Evaluation) -> list[list[str]]:
    """``metric, A, B, delta`` rows."""
    return [[name, _f(m["a"]), _f(m["b"]), f"{m['delta']:+.4g}"] for name, m in ev.metrics.items()]


def plot_png(ev: Evaluation) -> bytes | None:
    """A PNG bar chart with matplotlib, or None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    names = list(ev.metrics)
    fig, ax = plt.subplots(figsize=(1.2 + 1.2 * len(names), 2.2), dpi=80)
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [ev.metrics[n]["a"] for n in names], 0.4, label="A")
    ax.bar([i + 0.2 for i in x], [ev.metrics[n]["b"] for n in names], 0.4, label="B")
    ax.set_xticks(list(x), names)
    ax.legend(fontsize="small")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def plot_svg(ev: Evaluation) -> str:
    """The same chart as inline SVG (bars scaled to the largest absolute value)."""
    top = max([abs(m[s]) for m in ev.metrics.values() for s in ("a", "b")] + [1e-12])
    bars, labels = [], []
    for i, (name, m) in enumerate(ev.metrics.items()):
        x0 = 10 + i * 80
        for j, (side, color) in enumerate((("a", "#4878d0"), ("b", "#ee854a"))):
            h = 60 * abs(m[side]) / top
            bars.append(
                f'<rect x="{x0 + j * 26}" y="{70 - h:.1f}" width="24" height="{h:.1f}" '
                f'fill="{color}"><title>{side.upper()}: {_f(m[side])}</title></rect>'
            )
        labels.append(f'<text x="{x0}" y="84" font-size="10">{html.escape(name)}</text>')
    width = 20 + 80 * len(ev.metrics)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="90">'
        + "".join(bars + labels)
        + "</svg>"
    )


class EvaluationView:
    """``%version evaluate``: metrics side by side, disagreements, a sample and a plot."""

    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev

    def _head(self) -> str:
        ev = self.ev
        return (
            f"{ev.model}: A={ev.a[:10]} ({ev.a_message}) vs B={ev.b[:10]} ({ev.b_message}) "
            f"on {ev.data['X']},{ev.data['y']} ({ev.rows} rows, {ev.task})"
        )

    def _foot(self) -> list[str]:
        ev = self.ev
        lines = [f"predictions differ on {ev.disagreements} of {ev.rows} rows"]
        if ev.saved_to:
            lines.append(f"evaluation saved to {ev.saved_to}")
        return lines

    def __repr__(self) -> str:
        ev = self.ev
        out = [self._head(), ""]
        rows = metric_rows(ev)
        w = max(len(r[0]) for r in rows) if rows else 6
        out.append(f"{'metric'.ljust(w)}  {'A':>10}  {'B':>10}  {'B-A':>10}")
        out += [f"{r[0].ljust(w)}  {r[1]:>10}  {r[2]:>10}  {r[3]:>10}" for r in rows]
        out += ["", *self._foot()]
        for s in ev.sample:
            out.append(f"  row {s['row']}: A={s['a']} B={s['b']} truth={s['truth']}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        ev = self.ev
        esc = html.escape
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in metric_rows(ev)
        )
        table = (
            '<table class="nbversion evaluation"><thead><tr><th>metric</th><th>A</th>'
            f"<th>B</th><th>B-A</th></tr></thead><tbody>{body}</tbody></table>"
        )
        sample = "".join(
            f"<tr><td>{esc(str(s['row']))}</td><td>{esc(str(s['a']))}</td>"
            f"<td>{esc(str(s['b']))}</td><td>{esc(str(s['truth']))}</td></tr>"
            for s in ev.sample
        )
        if sample:
            sample = (
                '<table class="nbversion disagreements"><thead><tr><th>row</th><th>A</th>'
                f"<th>B</th><th>truth</th></tr></thead><tbody>{sample}</tbody></table>"
            )
        png = plot_png(ev)
        plot = (
            f'<img alt="metrics" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
            if png is not None
            else plot_svg(ev)
        )
        foot = "".join(f"<p>{esc(line)}</p>" for line in self._foot())
        return f"<div><p><b>{esc(self._head())}</b></p>{table}{plot}{foot}{sample}</div>"
