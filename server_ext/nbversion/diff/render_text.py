"""Plain or ANSI-colored terminal text of a diff (``nbversion diff``, the magic's fallback)."""

from __future__ import annotations

from typing import Any

from .report import Line, header, sections

_COLORS = {"+": "32", "-": "31", "~": "33", "!": "35", "…": "2"}


def _paint(text: str, code: str | None, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color and code else text


def _lines(line: Line, depth: int, color: bool) -> list[str]:
    out = [_paint(f"{'  ' * depth}{line.sign} {line.text}", _COLORS.get(line.sign), color)]
    for child in line.children:
        out += _lines(child, depth + 1, color)
    return out


def to_text(data: dict[str, Any], color: bool = False) -> str:
    """The diff as text; ``color`` adds ANSI colors (for a TTY)."""
    out = [_paint(h, "1", color) for h in header(data)]
    for sec in sections(data):
        out.append("")
        out.append(f"{_paint(sec.title, '1', color)}: {sec.summary}")
        for line in sec.lines:
            out += _lines(line, 1, color)
    return "\n".join(out)
