"""HTML of a diff for notebook output (``%version diff``): one collapsible part per section.

Colors are inline styles using JupyterLab's theme variables (with fallbacks), so the
output needs no stylesheet and reads in light and dark themes.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .report import Line, header, sections

_STYLE = {
    "+": "color: var(--jp-success-color1, #2e7d32)",
    "-": "color: var(--jp-error-color1, #c62828)",
    "~": "color: var(--jp-warn-color1, #ef6c00)",
    "!": "color: var(--jp-ui-font-color2, #777); font-style: italic",
    "…": "color: var(--jp-ui-font-color2, #777)",
}
_SOURCE = "font-family: var(--jp-code-font-family, monospace); white-space: pre; margin: 0"


def _line(line: Line, source: bool = False) -> str:
    style = _STYLE.get(line.sign, "")
    if source:
        return f'<div style="{style}">{escape(line.sign)} {escape(line.text)}</div>'
    kids = ""
    if line.children and all(c.code for c in line.children):
        kids = f'<div style="{_SOURCE}">' + "".join(_line(c, True) for c in line.children)
        kids += "</div>"
    elif line.children:
        kids = "<ul>" + "".join(_line(c) for c in line.children) + "</ul>"
    return (
        f'<li><span style="{style}"><code>{escape(line.sign)}</code> {escape(line.text)}'
        f"</span>{kids}</li>"
    )


def to_html(data: dict[str, Any]) -> str:
    """The diff as an HTML fragment with sections notebook / variables / params / metrics /
    environment / data files."""
    parts = ['<div class="nbversion nbversion-diff">']
    parts.append("<p>" + "<br>".join(f"<code>{escape(h)}</code>" for h in header(data)) + "</p>")
    for sec in sections(data):
        has_lines = bool(sec.lines)
        parts.append(
            f'<details class="nbversion-diff-{sec.key}"{" open" if has_lines else ""}>'
            f"<summary><b>{escape(sec.title)}</b>: {escape(sec.summary)}</summary>"
        )
        if has_lines:
            parts.append("<ul>" + "".join(_line(x) for x in sec.lines) + "</ul>")
        parts.append("</details>")
    parts.append("</div>")
    return "\n".join(parts)
