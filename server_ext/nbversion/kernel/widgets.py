"""An in-notebook version browser built with ipywidgets, for every Jupyter front end.

``%version log``, ``show`` and ``diff`` display these widgets when the kernel can talk to a
widget manager (ipywidgets imports and the shell runs in a kernel with comms): JupyterLab
without the nbversion labextension, Notebook 7, VS Code, Voila... Each widget also carries
the HTML and text of the plain views (:mod:`.render`) in its display bundle, so a front end
without a widget manager (nbconvert, a notebook viewer) still shows the table.

The browser acts on the kernel it runs in:

- **Restore** previews what would change (:func:`.snapshot.plan_restore`: variables loaded,
  removed, already equal), then **Confirm** restores in place, with an undo point like
  ``%version restore``. The notebook's cells are never written into the open file (no
  front end API here): on request the version's notebook is written next to it, as
  ``name.restored-<id>.ipynb``, and the answer says so.
- **Branch** / **Tag** create a branch or tag at the row's version.
- Tick two rows and **Compare**: the diff of :mod:`nbversion.diff` in HTML.
- Numeric metrics over the listed versions are drawn as an inline SVG line plot.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import NbVersionError
from ..store.jsonsafe import is_real, numbers
from ..store.manifest import Manifest
from ..store.refs import UNDO_BRANCH
from . import render, snapshot
from . import widget_grid as grid
from .session import KernelSession

try:  # optional at import time: the magic falls back to HTML/text without it
    import ipywidgets as W
except ImportError:  # pragma: no cover - ipywidgets is a dependency
    W = None

PLOT_COLORS = ("#1976d2", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")


def available() -> bool:
    """True when a widget would render: ipywidgets imports and the shell is a kernel's.

    A terminal IPython has no ``kernel`` (and no comms), so it gets the text views.
    """
    if W is None:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _esc(text: object) -> str:
    return html.escape(str(text))


def _status_html(text: str, kind: str = "info") -> str:
    color = {
        "info": "var(--jp-ui-font-color1,#222)",
        "ok": "var(--jp-success-color1,#2e7d32)",
        "error": "var(--jp-error-color1,#c62828)",
    }[kind]
    return f'<div style="color:{color}">{_esc(text)}</div>'


def metrics_svg(
    versions: Sequence[Manifest], width: int = 520, height: int = 150, max_series: int = 6
) -> str:
    """An inline SVG line plot of numeric metrics over versions (oldest left); '' if none.

    Each metric is scaled to its own range (the legend gives min and max), so metrics of
    different magnitude share one plot.
    """
    ordered = sorted(versions, key=lambda m: m.created)
    series: dict[str, list[tuple[int, float]]] = {}
    for i, m in enumerate(ordered):
        for k, v in numbers(m.metrics).items():  # NaN/inf ("nan", "inf"): a gap in the line
            if is_real(v) and math.isfinite(v):
                series.setdefault(k, []).append((i, float(v)))
    names = sorted(series)[:max_series]
    if not names:
        return ""
    left, right, top, bottom = 10, 10, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(ordered) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="nbversion-metrics-plot" role="img" '
        'aria-label="metrics over versions">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#9e9e9e" stroke-width="0.5"/>',
    ]
    legend = []
    for j, name in enumerate(names):
        pts = series[name]
        lo, hi = min(v for _, v in pts), max(v for _, v in pts)
        span = (hi - lo) or 1.0
        color = PLOT_COLORS[j % len(PLOT_COLORS)]
        xy = [
            (left + plot_w * i / n, top + plot_h - plot_h * ((v - lo) / span if hi > lo else 0.5))
            for i, v in pts
        ]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in xy]
        legend.append(
            grid.legend_item(color, f"{_esc(name)} ({render._fmt_value(lo)} &ndash; "
                             f"{render._fmt_value(hi)})")
        )  # fmt: skip
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="10" fill="#757575">oldest</text>'
        f'<text x="{width - right}" y="{height - 6}" font-size="10" fill="#757575" '
        'text-anchor="end">newest</text></svg>'
    )
    return (
        "<div>"
        + "".join(parts)
        + '</div><div style="font-size:12px">'
        + "".join(legend)
        + ("</div>")
    )


class _Bundled(W.VBox if W is not None else object):  # type: ignore[misc]
    """A VBox whose display bundle also holds an HTML and text fallback of a plain view."""

    def __init__(self, fallback: object, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fallback = fallback

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = dict(super()._repr_mimebundle_(**kwargs) or {})
        fb = self._fallback
        html_of = getattr(fb, "_repr_html_", None)
        if html_of is not None:
            data["text/html"] = html_of()
        data["text/plain"] = repr(fb)
        return data


class _Actions:
    """Restore (preview, then confirm), Branch and Tag for one version; shown in ``detail``."""

    def __init__(
        self,
        sess: KernelSession,
        detail: Any,
        status: Any,
        changed: Callable[[], None],
    ) -> None:
        self.sess = sess
        self.detail = detail
        self.status = status
        self.changed = changed

    def say(self, text: str, kind: str = "info") -> None:
        self.status.value = _status_html(text, kind)

    def guarded(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except NbVersionError as err:
            self.say(f"Error: {err}", "error")
        except Exception as err:  # a widget callback must never raise into the kernel log
            self.say(f"Error: {type(err).__name__}: {err}", "error")

    def buttons(self, m: Manifest) -> list[Any]:
        out = []
        for label, tip, fn in (
            ("Restore", "preview, then restore this version's variables", self.preview),
            ("Branch", "create a branch at this version", self.ask_branch),
            ("Tag", "tag this version", self.ask_tag),
        ):
            b = W.Button(
                description=label,
                tooltip=tip,
                layout=W.Layout(width="auto", min_width="4.5em", height="26px"),
            )
            b.add_class(f"nbversion-{label.lower()}")
            b.on_click(lambda _b, fn=fn: self.guarded(lambda: fn(m)))
            out.append(b)
        return out

    # -- restore ------------------------------------------------------------------------
    def preview(self, m: Manifest) -> None:
        ns = self.sess.shell.user_ns
        # variables untouched since the head need no encoding to compare (change tracking)
        known = self.sess._known_fingerprints(self.sess.head())
        plan = snapshot.plan_restore(ns, m.variables, known=known)
        skipped = {s["name"] for s in m.skipped}
        remove = [n for n in plan["remove"] if n not in skipped]
        lines = []
        if plan["restore"]:
            lines.append("restore: " + ", ".join(plan["restore"]))
        if remove:
            lines.append("remove (not in that version): " + ", ".join(remove))
        if plan["unchanged"]:
            lines.append("already equal: " + ", ".join(plan["unchanged"]))
        if not plan["restore"] and not remove:
            lines.insert(0, "the variables already match this version")
        try:
            nb = self.sess.notebook()
            target = nb.with_name(f"{nb.stem}.restored-{m.id[:8]}.ipynb").name
        except NbVersionError:
            target = f"<notebook>.restored-{m.id[:8]}.ipynb"
        cells = W.Checkbox(
            value=False,
            description=f"also write its notebook to {target} (the open notebook is not changed)",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        cells.add_class("nbversion-restore-notebook")
        confirm = W.Button(description="Confirm", button_style="warning")
        confirm.add_class("nbversion-confirm")
        cancel = W.Button(description="Cancel")
        items = "".join(f"<li>{_esc(x)}</li>" for x in lines)
        title = W.HTML(
            f"<b>Restore version {_esc(m.id[:10])}</b> ({_esc(m.message)})<ul>{items}</ul>"
        )
        title.add_class("nbversion-restore-preview")
        confirm.on_click(lambda _b: self.guarded(lambda: self.restore(m, cells.value)))
        cancel.on_click(lambda _b: self.clear())
        self.detail.children = [title, cells, W.HBox([confirm, cancel])]
        self.say("")

    def restore(self, m: Manifest, write_notebook: bool) -> None:
        _, res, written = self.sess.restore(m.id, notebook=write_notebook)
        parts = [f"Restored version {m.id[:10]}"]
        if res.restored:
            parts.append("restored: " + ", ".join(res.restored))
        if res.removed:
            parts.append("removed: " + ", ".join(res.removed))
        if res.failed:
            parts.append("failed: " + ", ".join(f"{k} ({v})" for k, v in res.failed.items()))
        if not res.restored and not res.removed:
            parts.append("nothing changed")
        if written is not None:
            parts.append(f"notebook written to {written.name} (the open notebook is unchanged)")
        self.clear()
        self.say("; ".join(parts), "error" if res.failed else "ok")
        self.changed()

    # -- branch and tag -----------------------------------------------------------------
    def ask_branch(self, m: Manifest) -> None:
        self._ask(m, "branch", self._create_branch)

    def ask_tag(self, m: Manifest) -> None:
        self._ask(m, "tag", self._create_tag)

    def _ask(self, m: Manifest, kind: str, create: Callable[[Manifest, str], str]) -> None:
        name = W.Text(placeholder=f"{kind} name", layout=W.Layout(width="220px"))
        name.add_class(f"nbversion-{kind}-name")
        ok = W.Button(description=f"Create {kind}", button_style="primary")
        ok.add_class(f"nbversion-create-{kind}")
        cancel = W.Button(description="Cancel")

        def go(_: Any = None) -> None:
            value = name.value.strip()
            if not value:
                self.say(f"Give the {kind} a name", "error")
                return
            msg = create(m, value)
            self.clear()
            self.say(msg, "ok")
            self.changed()

        ok.on_click(lambda _b: self.guarded(go))
        cancel.on_click(lambda _b: self.clear())
        label = W.HTML(f"New {kind} at <b>{_esc(m.id[:10])}</b> ({_esc(m.message)}):")
        self.detail.children = [W.HBox([label, name, ok, cancel])]
        self.say("")

    def _create_branch(self, m: Manifest, name: str) -> str:
        repo, nid = self.sess.repo(), self.sess.notebook_id()
        vid = repo.create_branch(nid, name, m.id)
        return f"Created branch {name} at {vid[:10]}"

    def _create_tag(self, m: Manifest, name: str) -> str:
        repo, nid = self.sess.repo(), self.sess.notebook_id()
        vid = repo.create_tag(nid, name, m.id)
        return f"Tagged {vid[:10]} as {name}"

    def clear(self) -> None:
        self.detail.children = []


def diff_html(sess: KernelSession, a: str, b: str) -> str:
    """The diff of two versions (refs) as the HTML ``%version diff`` shows."""
    from ..diff import diff_versions, to_html

    return to_html(diff_versions(sess.repo(), sess.get(a), sess.get(b)))


class VersionBrowser(_Bundled):
    """``%version log`` as a widget: the version table, actions, compare and a metric plot."""

    def __init__(
        self,
        sess: KernelSession,
        limit: int | None = 20,
        branch: str | None = None,
    ) -> None:
        self.sess = sess
        self.limit = limit
        self.branch = branch
        self.versions: list[Manifest] = []
        self.checks: dict[str, Any] = {}
        self.header = W.HTML()
        self.plot = W.HTML()
        self.plot.add_class("nbversion-plot")
        self.table = grid.table()
        self.status = W.HTML()
        self.status.add_class("nbversion-status")
        self.detail = W.VBox()
        self.detail.add_class("nbversion-detail")
        self.actions: _Actions = _Actions(sess, self.detail, self.status, self.refresh)
        self.compare_button = W.Button(
            description="Compare", disabled=True, tooltip="tick two versions to compare them"
        )
        self.compare_button.add_class("nbversion-compare")
        self.compare_button.on_click(lambda _b: self.actions.guarded(self.compare))
        refresh = W.Button(description="Refresh", tooltip="list the versions again")
        refresh.on_click(lambda _b: self.actions.guarded(self.refresh))
        super().__init__(
            render.LogView([], None),
            children=[
                self.header,
                self.table,
                W.HBox([self.compare_button, refresh]),
                self.status,
                self.detail,
                self.plot,
            ],
        )
        self.add_class("nbversion-browser")
        self.refresh()

    def refresh(self) -> None:
        """Read the versions, branches and tags again and rebuild the table and the plot."""
        sess = self.sess
        self.versions = sess.log(limit=self.limit, branch=self.branch)
        head = sess.head() if self.versions else None
        self._fallback = render.LogView(self.versions, head.id if head else None)
        if not self.versions:
            self.header.value = grid.STYLE + (
                "<p>No versions yet: <code>%version save -m 'message'</code> saves one.</p>"
            )
            self.table.children = []
            self.plot.value = ""
            return
        repo, nid = sess.repo(), sess.notebook_id()
        current = repo.current_branch(nid)
        branches: dict[str, list[str]] = {}
        for b, vid in repo.branches(nid).items():
            if b != UNDO_BRANCH:
                branches.setdefault(vid, []).append(b)
        tags: dict[str, list[str]] = {}
        for t, vid in repo.tags(nid).items():
            tags.setdefault(vid, []).append(t)
        where = self.branch or current
        self.header.value = grid.STYLE + (
            f"<b>Versions of {_esc(sess.notebook().name)}</b> on branch {_esc(where)} "
            f"({len(self.versions)} shown)"
        )
        was = {vid for vid, c in self.checks.items() if c.value}
        self.checks = {}
        rows = [self._header_row()]
        for m in self.versions:
            rows.append(self._row(m, head, branches.get(m.id, []), tags.get(m.id, []), was))
        self.table.children = rows
        self._update_compare()
        svg = metrics_svg(self.versions)
        self.plot.value = f"<b>Metrics</b>{svg}" if svg else ""

    def _header_row(self) -> Any:
        names = ("", "version", "message", "when", "metrics", "")
        return grid.row([W.HTML(f"<b>{_esc(n)}</b>") for n in names], "nbversion-widget-head")

    def _row(
        self,
        m: Manifest,
        head: Manifest | None,
        branches: list[str],
        tags: list[str],
        was: set[str],
    ) -> Any:
        check = grid.select_box(m.id in was, f"select {m.id[:8]} {m.message}"[:80])
        check.observe(lambda _c: self._update_compare(), names="value")
        self.checks[m.id] = check
        badges = "".join(f'<span style="{grid.BRANCH_STYLE}">{_esc(b)}</span>' for b in branches)
        badges += "".join(f'<span style="{grid.TAG_STYLE}">{_esc(t)}</span>' for t in tags)
        if head is not None and m.id == head.id:
            badges += f'<span style="{grid.HEAD_STYLE}">HEAD</span>'
        ident = W.HTML(
            f'<div style="{grid.CELL}" title="{_esc(" ".join([m.id, *branches, *tags]))}">'
            f"<code>{_esc(m.id[:8])}</code>{badges}</div>"
        )
        message = W.HTML(
            f'<div style="{grid.CELL}" title="{_esc(m.message)}">{_esc(m.message)}</div>'
        )
        when = W.HTML(f'<span style="{grid.CELL}">{_esc(render._when(m))}</span>')
        metrics = render._kv(m.metrics)
        metric = W.HTML(f'<div style="{grid.CELL}" title="{_esc(metrics)}">{_esc(metrics)}</div>')
        actions = W.HBox(self.actions.buttons(m), layout=W.Layout(flex_flow="row nowrap"))
        return grid.row([check, ident, message, when, metric, actions])

    def selected(self) -> list[Manifest]:
        return [m for m in self.versions if self.checks.get(m.id) and self.checks[m.id].value]

    def _update_compare(self) -> None:
        n = len(self.selected())
        self.compare_button.disabled = n != 2
        self.compare_button.description = "Compare" if n == 2 else f"Compare ({n}/2)"

    def compare(self) -> None:
        """Diff the two ticked versions, older first."""
        pair = sorted(self.selected(), key=lambda m: m.created)
        if len(pair) != 2:
            self.actions.say("Tick exactly two versions to compare", "error")
            return
        a, b = pair
        diff = W.HTML(diff_html(self.sess, a.id, b.id))
        diff.add_class("nbversion-diff-view")
        close = W.Button(description="Close diff")
        close.on_click(lambda _b: self.actions.clear())
        self.detail.children = [
            W.HTML(f"<b>Compare {_esc(a.id[:10])} &rarr; {_esc(b.id[:10])}</b>"),
            diff,
            close,
        ]
        self.actions.say("")


class VersionCard(_Bundled):
    """``%version show REF`` as a widget: the version's details and its actions."""

    def __init__(self, sess: KernelSession, m: Manifest, note: str = "") -> None:
        status, detail = W.HTML(), W.VBox()
        self.actions = _Actions(sess, detail, status, lambda: None)
        view = render.VersionView(m, note)
        super().__init__(
            view, children=[W.HTML(view._repr_html_()), W.HBox(self.actions.buttons(m)),
                            status, detail],
        )  # fmt: skip
        self.add_class("nbversion-card")


class DiffBrowser(_Bundled):
    """``%version diff`` as a widget: the diff, with two pickers to compare other versions."""

    def __init__(self, sess: KernelSession, data: dict[str, Any], limit: int = 50) -> None:
        self.sess = sess
        versions = sess.log(limit=limit)
        options = [(f"{m.id[:8]} {m.message}"[:60], m.id) for m in versions]
        ids = {m.id for m in versions}
        a_id, b_id = str(data["a"]), str(data["b"])
        for vid in (a_id, b_id):
            if vid not in ids:
                options.append((vid[:8], vid))
        self.a = W.Dropdown(options=options, value=a_id, description="before")
        self.b = W.Dropdown(options=options, value=b_id, description="after")
        go = W.Button(description="Compare")
        go.add_class("nbversion-compare")
        self.body = W.HTML(render.DiffView(data)._repr_html_())
        self.body.add_class("nbversion-diff-view")
        self.status = W.HTML()
        go.on_click(lambda _b: self._run_compare())
        super().__init__(
            render.DiffView(data), children=[W.HBox([self.a, self.b, go]), self.status, self.body]
        )

    def _run_compare(self) -> None:
        try:
            self.body.value = diff_html(self.sess, self.a.value, self.b.value)
            self.status.value = ""
        except NbVersionError as err:
            self.status.value = _status_html(f"Error: {err}", "error")
