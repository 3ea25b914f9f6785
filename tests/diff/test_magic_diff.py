"""``%version diff`` in a real kernel: rich HTML with a text fallback, and ``--json``."""

from __future__ import annotations

import json

from tests.kernel.conftest import Kernel


def test_version_diff_shows_sections_in_html_and_text(nbk: Kernel) -> None:
    nbk.check("import numpy as np\nlr = 0.1\nw = np.zeros(3)")
    nbk.check("%version metric acc=0.7")
    nbk.check("%version save -m first")
    nbk.check("lr = 0.2\nw[1] = 2.0\nextra = 'x'")
    nbk.check("%version metric acc=0.8")
    nbk.check("%version save -m second")

    res = nbk.check("%version diff HEAD~1 HEAD")
    assert res.stdout == ""
    bundle = res.data[-1]
    html, text = bundle["text/html"], bundle["text/plain"]
    for section in ("notebook", "variables", "metrics", "environment"):
        assert f'class="nbversion-diff-{section}"' in html
    assert "lr: 0.1 → 0.2 (+0.1)" in html
    assert "w: 1 of 3 elements changed, max |Δ| 2" in text
    assert "+ extra: str (1 chars) (builtins.str)" in text
    assert "acc: 0.7 → 0.8 (+0.1)" in text

    data = json.loads(nbk.check("%version diff --json").stdout)  # defaults: HEAD~1 HEAD
    assert [v["name"] for v in data["variables"]["added"]] == ["extra"]
    assert data["versions"]["b"]["message"] == "second"
    assert data["versions"]["a"]["trusted"] is True


def test_version_diff_errors_are_one_line(nbk: Kernel) -> None:
    res = nbk.check("%version diff nosuchref HEAD")
    assert res.stdout.startswith("%version: error:")
