"""Rich output of the magic: HTML tables in JupyterLab, plain text everywhere else.

Each view is an object with ``_repr_html_`` and ``__repr__``; IPython's display system
picks the richest format the front end understands.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..store.manifest import Manifest


def show(view: object) -> None:
    """Display a view with IPython's rich display (HTML where supported, text elsewhere)."""
    from IPython.display import display

    display(view)  # type: ignore[no-untyped-call]


def _short(vid: str | None) -> str:
    return vid[:10] if vid else "-"


def _when(manifest: Manifest) -> str:
    return manifest.created.replace("T", " ")[:19]


def _fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _kv(d: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_fmt_value(v)}" for k, v in sorted(d.items()))


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f'<table class="nbversion {cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    widths = [min(w, 60) for w in widths]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


class LogView:
    """``%version log``: newest first, with branch, message, variable count and metrics."""

    HEADERS = ("version", "when", "branch", "message", "vars", "metrics")

    def __init__(self, versions: Sequence[Manifest], head: str | None) -> None:
        self.versions = versions
        self.head = head

    def rows(self) -> list[list[str]]:
        return [
            [
                ("* " if m.id == self.head else "  ") + _short(m.id),
                _when(m),
                m.branch,
                m.message,
                str(len(m.variables)),
                _kv(m.metrics),
            ]
            for m in self.versions
        ]

    def _repr_html_(self) -> str:
        if not self.versions:
            return "<p>No versions yet: <code>%version save -m 'message'</code> saves one.</p>"
        return _table(self.HEADERS, self.rows(), "nbversion-log")

    def __repr__(self) -> str:
        if not self.versions:
            return "No versions yet: `%version save -m 'message'` saves one."
        return _text_table(self.HEADERS, self.rows())


class VersionView:
    """``%version show REF`` and the answer to a save: one version in detail."""

    def __init__(self, m: Manifest, note: str = "") -> None:
        self.m = m
        self.note = note

    def _facts(self) -> list[tuple[str, str]]:
        m = self.m
        env = m.environment or {}
        git = env.get("git") or {}
        facts = [
            ("version", m.id),
            ("branch", m.branch),
            ("parents", ", ".join(_short(p) for p in m.parents) or "-"),
            ("message", m.message),
            ("author", f"{m.author.get('name', '')} <{m.author.get('email', '')}>"),
            ("created", m.created),
            ("notebook", m.notebook_path),
        ]
        if m.params:
            facts.append(("params", _kv(m.params)))
        if m.metrics:
            facts.append(("metrics", _kv(m.metrics)))
        if env.get("python"):
            py = env["python"]
            facts.append(("python", str(py.get("version", py) if isinstance(py, dict) else py)))
        if git:
            dirty = " (dirty)" if git.get("dirty") else ""
            facts.append(
                ("git", f"{str(git.get('commit', ''))[:10]} {git.get('branch', '')}{dirty}")
            )
        if m.data_files:
            facts.append(("data files", ", ".join(sorted(m.data_files))))
        return facts

    def _var_rows(self) -> list[list[str]]:
        rows = []
        for name, v in sorted(self.m.variables.items()):
            summary = v["summary"]
            if alias := v.get("alias_of"):
                summary = f"same object as {alias}"
            rows.append([name, v["type"], summary, _size(v["size"])])
        return rows

    def _skipped_rows(self) -> list[list[str]]:
        return [[s["name"], s.get("type", ""), s.get("reason", "")] for s in self.m.skipped]

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(self.note)}</p>"] if self.note else []
        parts.append(_table(("", ""), [list(f) for f in self._facts()], "nbversion-facts"))
        if self.m.variables:
            parts.append(
                _table(("variable", "type", "summary", "size"), self._var_rows(), "nbversion-vars")
            )
        if self.m.skipped:
            parts.append("<p>Not saved:</p>")
            parts.append(
                _table(("variable", "type", "reason"), self._skipped_rows(), "nbversion-skipped")
            )
        return "\n".join(parts)

    def __repr__(self) -> str:
        parts = [self.note] if self.note else []
        parts += [f"{k}: {v}" for k, v in self._facts()]
        if self.m.variables:
            parts += ["", _text_table(("variable", "type", "summary", "size"), self._var_rows())]
        if self.m.skipped:
            parts += [
                "",
                "Not saved:",
                _text_table(("variable", "type", "reason"), self._skipped_rows()),
            ]
        return "\n".join(parts)


class SavedView:
    """The answer to a save: one line, and a disclosure with what was stored.

    Never a table of every variable: with 10,000 variables that table cost more than the
    save. ``%version show`` lists them all.
    """

    LIMIT = 50

    def __init__(self, m: Manifest, note: str, written: Sequence[str]) -> None:
        self.m, self.note, self.written = m, note, sorted(written)

    def _rows(self) -> list[list[str]]:
        rows = []
        for name in self.written[: self.LIMIT]:
            v = self.m.variables.get(name)
            if v is None:
                rows.append([name, "", "", _size(0)])
            else:
                rows.append([name, v["type"], v["summary"], _size(v["size"])])
        return rows

    def _more(self) -> str:
        extra = len(self.written) - self.LIMIT
        more = f"{extra} more; " if extra > 0 else ""
        return f"{more}%version show {self.m.id[:10]} lists every variable"

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(self.note)}</p>"]
        if self.written:
            table = _table(("variable", "type", "summary", "size"), self._rows(), "nbversion-vars")
            parts.append(
                f"<details><summary>stored: {html.escape(name_list(self.written))}</summary>"
                f"{table}<p>{html.escape(self._more())}</p></details>"
            )
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.note + (f"\nstored: {name_list(self.written)}" if self.written else "")


def name_list(names: Sequence[str], limit: int = 8) -> str:
    """``a, b, c and 97 more``: a line that stays short with 10,000 names."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


class MessageView:
    """A short confirmation with optional bullet lines."""

    def __init__(self, title: str, lines: Sequence[str] = ()) -> None:
        self.title = title
        self.lines = list(lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in self.lines)
        return f"<p>{html.escape(self.title)}</p>" + (f"<ul>{items}</ul>" if items else "")

    def __repr__(self) -> str:
        return "\n".join([self.title] + [f"  - {x}" for x in self.lines])


class DiffView:
    """``%version diff A B``: sections notebook / variables / metrics / environment."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        from ..diff import to_html

        return to_html(self.data)

    def __repr__(self) -> str:
        from ..diff import to_text

        return to_text(self.data)
