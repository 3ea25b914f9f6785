"""The look of ``%version log``'s widget table: one CSS grid for the header and every row,
so columns line up whatever a row holds (a long message is cut with "…" and shown whole
in a tooltip, badges never wrap, the action buttons are never clipped), and colours that
keep a 4.5:1 contrast in JupyterLab's light and dark themes.
"""

from __future__ import annotations

from typing import Any

try:  # optional at import time, like in .widgets
    import ipywidgets as W
except ImportError:  # pragma: no cover - ipywidgets is a dependency
    W = None

#: checkbox, version + badges, message (takes the rest), when, metrics, actions; short of
#: room, the badges and metrics give way (cut, whole in their tooltips) before the buttons
COLUMNS = "max-content fit-content(16em) minmax(6em, 1fr) max-content fit-content(12em) max-content"
_BADGE = (
    "display:inline-block;padding:0 6px;margin-left:4px;border-radius:8px;font-size:11px;"
    "line-height:16px;white-space:nowrap;"
)
# fixed light backgrounds with dark text: the same contrast (≥ 7:1) in either theme
BRANCH_STYLE = _BADGE + "background:#dbeafe;color:#1e3a8a"
TAG_STYLE = _BADGE + "background:#ffedd5;color:#7c2d12"
HEAD_STYLE = _BADGE + "background:#dcfce7;color:#14532d"
CELL = "overflow:hidden;text-overflow:ellipsis;white-space:nowrap"

#: rows are ``display: contents`` boxes, so their cells sit in the table's one grid
STYLE = """<style>
.nbversion-widget-table { overflow-x: auto; }
.nbversion-widget-table > .nbversion-widget-row > *,
.nbversion-widget-table > .nbversion-widget-head > * {
  min-width: 0; margin: 0; padding: 2px 0;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
}
.nbversion-widget-table .widget-html-content { overflow: hidden; white-space: nowrap; }
.nbversion-widget-table .widget-button { flex: 0 0 auto; }
.nbversion-select .widget-label-basic > span {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
}
</style>"""


def table() -> Any:
    """The grid every row's cells go in (header first)."""
    box = W.GridBox(
        layout=W.Layout(grid_template_columns=COLUMNS, grid_gap="0 8px",
                        align_items="center", width="100%"),
    )  # fmt: skip
    box.add_class("nbversion-widget-table")
    return box


def row(cells: list[Any], css_class: str = "nbversion-widget-row") -> Any:
    """A row: a box that lays out nothing itself (its cells join the table's grid)."""
    box = W.Box(cells, layout=W.Layout(display="contents"))
    box.add_class(css_class)
    return box


def select_box(value: bool, label: str) -> Any:
    """A row's checkbox, named for screen readers (the name is not shown)."""
    check = W.Checkbox(value=value, indent=False, description=label,
                       layout=W.Layout(width="24px"))  # fmt: skip
    check.add_class("nbversion-select")
    return check


def legend_item(color: str, text: str) -> str:
    """A plot legend entry: a colour swatch (no text in the colour) and the text."""
    swatch = (
        f'<span aria-hidden="true" style="display:inline-block;width:10px;height:10px;'
        f'margin-right:4px;background:{color}"></span>'
    )
    return f'<span style="margin-right:12px;white-space:nowrap">{swatch}{text}</span>'
