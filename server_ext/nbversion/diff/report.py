"""A diff's data as titled sections of signed lines: the one layout text and HTML share.

Signs: ``+`` added, ``-`` removed, ``~`` changed, `` `` context, ``…`` elided, ``!`` a note
(e.g. why only stats were compared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ARROW = "→"


@dataclass
class Line:
    """One row of a section, with optional indented children."""

    sign: str
    text: str
    children: list[Line] = field(default_factory=list)
    #: A line of cell source (shown monospaced, as is).
    code: bool = False


@dataclass
class Section:
    """One part of the diff (notebook, variables, ...)."""

    key: str
    title: str
    summary: str
    lines: list[Line] = field(default_factory=list)


def fmt(v: Any) -> str:
    """A value for display: short floats, reprs of strings kept as recorded."""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return "(" + ", ".join(fmt(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return str(v)


def size(n: Any) -> str:
    """Bytes, human readable."""
    if not isinstance(n, int):
        return "?"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def change(p: dict[str, Any]) -> str:
    """``before → after (+delta)`` of a pair."""
    text = f"{fmt(p.get('before'))} {ARROW} {fmt(p.get('after'))}"
    if p.get("delta") is not None:
        text += f" ({'+' if p['delta'] >= 0 else ''}{fmt(p['delta'])})"
    return text


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def dict_lines(d: dict[str, Any]) -> list[Line]:
    """Lines of a ``{added, removed, changed}`` dict diff."""
    lines = [Line("~", f"{k}: {change(v)}") for k, v in d.get("changed", {}).items()]
    lines += [Line("+", f"{k}: {fmt(v)}") for k, v in d.get("added", {}).items()]
    lines += [Line("-", f"{k}: {fmt(v)}") for k, v in d.get("removed", {}).items()]
    return lines


def _dict_summary(d: dict[str, Any]) -> str:
    parts = [f"{len(d.get(k) or {})} {k}" for k in ("changed", "added", "removed") if d.get(k)]
    return ", ".join(parts) or "no changes"


# -- notebook ----------------------------------------------------------------------------
def notebook_section(nb: dict[str, Any]) -> Section:
    c = nb["cells"]
    if nb.get("skipped"):
        summary = ("changed" if nb["changed"] else "identical") + f" ({nb['skipped']})"
    elif not nb["changed"]:
        summary = "no changes" + (" (only ignored fields differ)" if not nb["identical"] else "")
    else:
        summary = (
            f"{_count(c['added'], 'cell')} added, {c['removed']} removed, "
            f"{c['modified']} modified, {c['unchanged']} unchanged"
        )
    sec = Section("notebook", "Notebook", summary)
    if nb.get("metadata_changed"):
        sec.lines.append(Line("~", "notebook metadata changed"))
    sign = {"added": "+", "removed": "-", "modified": "~"}
    for ch in nb.get("cell_changes", []):
        index = ch["index_a"] if ch["op"] == "removed" else ch["index_b"]
        text = f"cell {index + 1} ({ch.get('cell_type')}) {ch['op']}"
        if ch["op"] == "modified":
            text += ": " + ", ".join(ch.get("parts", []))
            out = ch.get("outputs")
            if out:
                text += " (outputs: " + ", ".join(f"{v} {k}" for k, v in out.items() if v) + ")"
        sec.lines.append(
            Line(sign[ch["op"]], text, [Line(s, t, code=True) for s, t in ch.get("source", [])])
        )
    return sec


# -- variables ---------------------------------------------------------------------------
def _array(d: dict[str, Any]) -> tuple[str, list[Line]]:
    kids = [
        Line("~", f"{k}: {change(v)}")
        for k, v in d.get("summary", {}).items()
        if v.get("before") != v.get("after")
    ]
    if d["shape"]["before"] != d["shape"]["after"] or d["dtype"]["before"] != d["dtype"]["after"]:
        head = f"shape {change(d['shape'])}, dtype {change(d['dtype'])}"
    elif d.get("changed_elements") is not None:
        head = f"{d['changed_elements']:,} of {d['total_elements']:,} elements changed"
        if d.get("max_abs_diff") is not None:
            head += f", max |Δ| {fmt(d['max_abs_diff'])}"
    else:
        head = f"{fmt(d['shape']['after'])} {d['dtype']['after']}"
    return head, kids


def _frame(d: dict[str, Any]) -> tuple[str, list[Line]]:
    kids = [Line("+", f"column {c} ({t})") for c, t in d.get("columns_added", {}).items()]
    kids += [Line("-", f"column {c} ({t})") for c, t in d.get("columns_removed", {}).items()]
    kids += [
        Line("~", f"column {c} dtype {change(p)}") for c, p in d.get("dtype_changed", {}).items()
    ]
    for col, stats in d.get("numeric", {}).items():
        kids.append(Line("~", f"{col}: " + ", ".join(f"{k} {change(p)}" for k, p in stats.items())))
    if d.get("rows_changed") is not None:
        extra = "".join(
            f", {d[k]} {k.split('_')[1]}" for k in ("rows_added", "rows_removed") if d.get(k)
        )
        kids.append(
            Line("~", f"{d['rows_changed']} rows changed ({d['cells_changed']} cells){extra}")
        )
    for row in d.get("sample", []):
        cells = ", ".join(f"{c} {change(p)}" for c, p in row["changes"].items())
        kids.append(Line(" ", f"row {fmt(row['index'])}: {cells}"))
    if d.get("note"):
        kids.append(Line("!", d["note"]))
    return "", kids  # the summaries (e.g. "DataFrame 3 by 2") head the line


def _model(d: dict[str, Any]) -> tuple[str, list[Line]]:
    cls = d["class"]
    head = str(cls["after"]).rsplit(".", 1)[-1]
    if cls["before"] != cls["after"]:
        head = f"class {change(cls)}"
    kids = dict_lines(d.get("params", {}))
    pc = d.get("parameter_count", {})
    if pc.get("before") != pc.get("after"):
        kids.append(Line("~", f"parameter count {change(pc)}"))
    kids += [Line("+", f"tensor {k}") for k in d.get("tensors_added", [])]
    kids += [Line("-", f"tensor {k}") for k in d.get("tensors_removed", [])]
    kids += [Line("~", f"{k} shape {change(p)}") for k, p in d.get("shape_changed", {}).items()]
    w = d.get("weights")
    if w:
        top = ", ".join(f"{k} {fmt(v['l2'])}" for k, v in w["tensors"].items())
        head += f"; weights moved L2 {fmt(w['l2'])}"
        kids.append(Line("~", f"weight change L2 {fmt(w['l2'])}" + (f" ({top})" if top else "")))
    return head, kids


def _container(d: dict[str, Any]) -> tuple[str, list[Line]]:
    kids = [Line("+", f"key {k}") for k in d.get("keys_added", [])]
    kids += [Line("-", f"key {k}") for k in d.get("keys_removed", [])]
    kids += [Line("~", f"key {k}: {change(p)}") for k, p in d.get("keys_changed", {}).items()]
    kids += [Line("+", f"item {x}") for x in d.get("items_added", [])]
    kids += [Line("-", f"item {x}") for x in d.get("items_removed", [])]
    kids += [Line("~", f"[{x['index']}]: {change(x)}") for x in d.get("first_changed", [])]
    return f"length {change(d['length'])}", kids


def variable_line(v: dict[str, Any]) -> Line:
    """The line (and detail lines) of one changed variable."""
    d = v["detail"]
    cat = d["category"]
    head, kids = f"{fmt(v['before'])} {ARROW} {fmt(v['after'])}", list[Line]()
    if cat == "type_changed":
        head = f"type {v['type_before']} {ARROW} {v['type_after']}"
    elif cat in ("scalar", "object"):
        head = change(d)
    else:
        head, kids = {
            "array": _array,
            "dataframe": _frame,
            "model": _model,
            "container": _container,
        }[cat](d)
    if not head:
        head = f"{fmt(v['before'])} {ARROW} {fmt(v['after'])}"
        if v["before"] == v["after"]:
            head = f"{fmt(v['after'])}, values changed"
    if d["level"] == "stats" and d.get("reason") and cat != "type_changed":
        kids.append(Line("!", f"stats only: {d['reason']}"))
    return Line("~", f"{v['name']}: {head}", kids)


def variables_section(vs: dict[str, Any]) -> Section:
    summary = (
        f"{len(vs['added'])} added, {len(vs['removed'])} removed, "
        f"{len(vs['changed'])} changed, {len(vs['unchanged'])} unchanged"
    )
    sec = Section("variables", "Variables", summary)
    sec.lines += [Line("+", f"{v['name']}: {v['after']} ({v['type']})") for v in vs["added"]]
    sec.lines += [Line("-", f"{v['name']}: {v['before']} ({v['type']})") for v in vs["removed"]]
    sec.lines += [variable_line(v) for v in vs["changed"]]
    return sec


# -- environment and files ---------------------------------------------------------------
def environment_section(env: dict[str, Any]) -> Section:
    pk = env["packages"]
    sec = Section("environment", "Environment", "")
    for name, entry in pk["changed"].items():
        sec.lines.append(Line("~", f"{name} {change(entry)} ({entry['change']})"))
    sec.lines += [Line("+", f"{n} {v}") for n, v in pk["added"].items()]
    sec.lines += [Line("-", f"{n} {v}") for n, v in pk["removed"].items()]
    sec.lines += dict_lines(env["other"])
    parts = [
        f"{_count(len(pk['upgraded']), 'package')} upgraded",
        f"{len(pk['downgraded'])} downgraded",
        f"{len(pk['added'])} added",
        f"{len(pk['removed'])} removed",
    ]
    other = _dict_summary(env["other"])
    sec.summary = ", ".join(parts) + ("" if other == "no changes" else f"; other: {other}")
    return sec


def files_section(files: dict[str, Any]) -> Section:
    sec = Section("data_files", "Data files", _dict_summary(files))
    for path, p in files["changed"].items():
        sec.lines.append(Line("~", f"{path}: {size(p['before'])} {ARROW} {size(p['after'])}"))
    sec.lines += [Line("+", f"{p} ({size(n)})") for p, n in files["added"].items()]
    sec.lines += [Line("-", f"{p} ({size(n)})") for p, n in files["removed"].items()]
    return sec


def header(data: dict[str, Any]) -> list[str]:
    """Which two versions, one line each."""
    out = []
    for label, key in (("a (before)", "a"), ("b (after) ", "b")):
        s = data["versions"][key]
        trusted = "" if s["trusted"] else "  [not trusted]"
        out.append(
            f"{label} {s['id'][:10]}  {s['created'][:19]}  {s['branch']}  {s['message']}{trusted}"
        )
    return out


def sections(data: dict[str, Any]) -> list[Section]:
    """Notebook, variables, params, metrics, environment and data files, in that order."""
    params = Section("params", "Params", _dict_summary(data["params"]), dict_lines(data["params"]))
    metrics = Section(
        "metrics", "Metrics", _dict_summary(data["metrics"]), dict_lines(data["metrics"])
    )
    return [
        notebook_section(data["notebook"]),
        variables_section(data["variables"]),
        params,
        metrics,
        environment_section(data["environment"]),
        files_section(data["data_files"]),
    ]
