"""The ipywidgets version browser of ``%version log``/``show``/``diff`` in a real kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Kernel, value

WIDGET = "application/vnd.jupyter.widget-view+json"

pytest.importorskip("ipywidgets")

# the browser of the last `%version log`, found among the live widgets of the kernel
LAST_BROWSER = (
    "from ipywidgets.widgets.widget import _instances as _w\n"
    "from nbversion.kernel.widgets import VersionBrowser as _VB\n"
    "_b = [x for x in _w.values() if isinstance(x, _VB)][-1]\n"
    "del _w, _VB\n"
)


def _three_versions(nbk: Kernel) -> None:
    for i, acc in enumerate((0.5, 0.7, 0.9)):
        nbk.check(f"x = {i}\nacc = {acc}")
        nbk.check(f"%version save -m 'v{i}'")


def test_log_is_a_widget_with_html_and_text_fallbacks(nbk: Kernel) -> None:
    _three_versions(nbk)
    bundle = nbk.check("%version log").data[-1]
    assert WIDGET in bundle
    assert bundle[WIDGET]["model_id"]
    # the plain views ride along for front ends without a widget manager (nbconvert)
    assert "<table" in bundle["text/html"]
    assert "v2" in bundle["text/plain"]
    assert "acc=0.9" in bundle["text/plain"]


def test_html_flag_forces_the_plain_views(nbk: Kernel) -> None:
    _three_versions(nbk)
    for line in ("%version log --html", "%version show --html", "%version diff --html"):
        bundle = nbk.check(line).data[-1]
        assert WIDGET not in bundle, line
        assert bundle["text/html"], line
        assert bundle["text/plain"], line
    assert "v1" in nbk.check("%version log --html").data[-1]["text/plain"]


def test_show_and_diff_are_widgets_too(nbk: Kernel) -> None:
    _three_versions(nbk)
    show = nbk.check("%version show HEAD~1").data[-1]
    assert WIDGET in show
    assert "v1" in show["text/plain"]
    diff = nbk.check("%version diff HEAD~2 HEAD").data[-1]
    assert WIDGET in diff
    assert 'class="nbversion-diff-variables"' in diff["text/html"]


def test_no_kernel_means_no_widgets(nbk: Kernel) -> None:
    """A shell without a kernel (terminal IPython) gets the text views."""
    res = nbk.check(
        "from nbversion.kernel import widgets as _m\n"
        "_ip = get_ipython(); _k = _ip.kernel\n"
        "print(_m.available())\n"
        "_ip.kernel = None\n"
        "try:\n    print(_m.available())\nfinally:\n    _ip.kernel = _k\n"
        "del _m, _ip, _k"
    )
    assert res.stdout.split() == ["True", "False"]


def test_rows_restore_with_preview_then_confirm(nbk: Kernel, project: Path) -> None:
    _three_versions(nbk)
    nbk.check("x = 99\nextra = 'new'")
    nbk.check("%version log")
    nbk.check(LAST_BROWSER)
    assert value(nbk, "[m.message for m in _b.versions]") == ["v2", "v1", "v0"]
    # Restore on the oldest row: a preview, nothing changed yet
    nbk.check("_row = _b.table.children[3]; _row.children[5].children[0].click()")
    preview = value(nbk, "_b.detail.children[0].value")
    assert "restore: acc, x" in preview
    assert "remove (not in that version): extra" in preview
    assert value(nbk, "x") == 99
    # Confirm, asking for the notebook too: written next to the open one, never over it
    before = (project / "analysis.ipynb").read_bytes()
    nbk.check("_b.detail.children[1].value = True; _b.detail.children[2].children[0].click()")
    assert value(nbk, "[x, acc, 'extra' in globals()]") == [0, 0.5, False]
    status = value(nbk, "_b.status.value")
    assert "Restored version" in status
    written = sorted(p.name for p in project.glob("analysis.restored-*.ipynb"))
    assert len(written) == 1
    assert written[0] in status
    assert (project / "analysis.ipynb").read_bytes() == before
    nbk.check("del _b, _row")


def test_rows_branch_tag_and_compare(nbk: Kernel) -> None:
    _three_versions(nbk)
    nbk.check("%version log")
    nbk.check(LAST_BROWSER)
    # Tag the middle row, branch from the oldest: badges appear after the refresh
    nbk.check("_b.table.children[2].children[5].children[2].click()")
    nbk.check("_b.detail.children[0].children[1].value = 'good'")
    nbk.check("_b.detail.children[0].children[2].click()")
    assert "Tagged" in value(nbk, "_b.status.value")
    nbk.check("_b.table.children[3].children[5].children[1].click()")
    nbk.check("_b.detail.children[0].children[1].value = 'retry'")
    nbk.check("_b.detail.children[0].children[2].click()")
    assert "Created branch retry" in value(nbk, "_b.status.value")
    assert ">good<" in value(nbk, "_b.table.children[2].children[1].value")
    assert ">retry<" in value(nbk, "_b.table.children[3].children[1].value")
    tags = nbk.check("%version tag").data[-1]["text/plain"]
    assert "good" in tags
    # Compare: enabled with two ticks, renders the diff oldest first
    assert value(nbk, "_b.compare_button.disabled") is True
    nbk.check("_b.checks[_b.versions[0].id].value = True")
    nbk.check("_b.checks[_b.versions[2].id].value = True")
    assert value(nbk, "_b.compare_button.disabled") is False
    nbk.check("_b.compare_button.click()")
    diff = value(nbk, "_b.detail.children[1].value")
    assert 'class="nbversion-diff-variables"' in diff
    assert "x: 0 → 2" in diff
    # the metric plot draws acc over the versions
    plot = value(nbk, "_b.plot.value")
    assert "<svg" in plot
    assert "acc" in plot
    nbk.check("del _b")


def test_errors_show_in_the_widget_not_as_tracebacks(nbk: Kernel) -> None:
    _three_versions(nbk)
    nbk.check("%version log")
    nbk.check(LAST_BROWSER)
    nbk.check("_b.table.children[1].children[5].children[1].click()")
    nbk.check("_b.detail.children[0].children[1].value = 'main'")
    res = nbk.check("_b.detail.children[0].children[2].click()")
    assert res.error == ""
    assert "Error" in value(nbk, "_b.status.value")
    nbk.check("del _b")


def test_empty_log_says_how_to_save(nbk: Kernel) -> None:
    bundle = nbk.check("%version log").data[-1]
    assert WIDGET in bundle
    assert "No versions yet" in bundle["text/plain"]
    assert json.dumps(bundle)  # JSON-able, as the front end receives it
