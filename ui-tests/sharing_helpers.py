"""The nbversion command line and a folder remote, for the sharing and storage browser tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from conftest import Lab

REMOTE = "origin"


def nbv(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> str:
    """Run ``nbversion ARGS``; fail with its output when its exit code is not in ``ok``."""
    out = subprocess.run(
        [sys.executable, "-m", "nbversion", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode in ok, f"nbversion {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def remote_dir(lab: Lab) -> Path:
    """The session's team remote: a folder next to the server root."""
    return lab.root.parent / "team-remote"


def ensure_origin(lab: Lab) -> Path:
    """Add the folder remote ``origin`` to the server root's store (once per session)."""
    url = remote_dir(lab)
    if REMOTE not in nbv("remote", "list", "--root", str(lab.root)):
        nbv("remote", "add", REMOTE, str(url), "--root", str(lab.root))
    return url


def teammate_pushes_a_note(url: str, where: Path, name: str, env: dict[str, str]) -> None:
    """A teammate clones ``url`` into ``where``, adds a markdown cell to notebook ``name``,
    saves a notebook-only version "bea's note" and pushes it."""
    nbv("clone", url, str(where), env=env)
    nb = json.loads((where / name).read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "beanote", "metadata": {},
                        "source": "a note from Bea"})  # fmt: skip
    (where / name).write_text(json.dumps(nb))
    nbv("save", name, "-m", "bea's note", "--root", str(where), env=env)
    nbv("push", "origin", name, "--root", str(where), env=env)


def refresh(panel: Locator) -> None:
    panel.get_by_role("button", name="Refresh history").click()


def remote_row(panel: Locator, name: str = REMOTE) -> Locator:
    row = panel.locator(f'[data-testid="nbversion-remote"][data-remote="{name}"]')
    expect(row).to_be_visible(timeout=30_000)
    return row


def widen_sidebar(page: Page, width: int = 440) -> None:
    """Drag the left sidebar's edge so rows and badges read well in the screenshots."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first
    box = handle.bounding_box()
    if box is None:
        return
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(width, y, steps=5)
    page.mouse.up()
