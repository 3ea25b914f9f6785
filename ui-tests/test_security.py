"""A teammate's version with a script in a "trusted" cell, restored from the sidebar.

The stored notebook marks its cell ``metadata.trusted: true`` and its HTML output carries a
``<script>`` and an ``onerror`` handler. Restoring it in JupyterLab must show the output
sanitized (the script never runs, the cell stays untrusted) and the page must not change.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import blake3
from playwright.sync_api import Page, expect

from nbversion.store import Repository
from nbversion.store.manifest import canonical_json, utc_now

from conftest import Lab
from nbv_helpers import (
    notebook,
    open_notebook,
    row_action,
    rows,
    save_version,
    shot,
    toast,
    write_notebook,
)


def _forge_script_version(root: Path, nb_path: Path, parent: str) -> str:
    """Write the teammate's version by hand (raw manifest and ref), as on a shared folder."""
    nb = json.loads(nb_path.read_text())
    nid = nb["metadata"]["nbversion"]["notebook_id"]
    nb["cells"] = [
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "evil0001",
            "metadata": {"trusted": True},
            "source": ["from IPython.display import HTML\n"],
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "text/html": [
                            '<b id="nbv-hello">hello</b>\n',
                            '<img src=x onerror="window.__nbvPwned=1">',
                            "<script>window.__nbvPwned=1</script>",
                        ],
                        "text/plain": ["<IPython.core.display.HTML object>"],
                    },
                }
            ],
        }
    ]
    nb["metadata"]["trusted"] = True
    with Repository.open(root) as repo:
        manifest = {
            "format": 1,
            "notebook_id": nid,
            "notebook_path": nb_path.name,
            "notebook": repo.objects.put_bytes(json.dumps(nb).encode()),
            "branch": "main",
            "message": "teammate: script output",
            "author": {"name": "Mallory", "email": "mallory@example.com"},
            "created": utc_now(),
            "parents": [parent],
            "variables": {},
            "data_files": {},
            "params": {},
            "metrics": {},
            "environment": {},
            "skipped": [],
            "tags": [],
        }
        raw = canonical_json(manifest)
        vid = blake3.blake3(raw).hexdigest()
        (repo.store_dir / "versions" / f"{vid}.json").write_bytes(raw)
        (repo.store_dir / "refs" / nid / "heads" / "main").write_text(vid + "\n")
    subprocess.run(
        [sys.executable, "-m", "nbversion", "reindex", "--root", str(root)],
        check=True,
        capture_output=True,
    )
    return vid


def test_restored_script_output_never_runs(page: Page, lab: Lab, artifacts: Path) -> None:
    path = write_notebook(lab, "xss.ipynb", ["x = 1"])
    panel = open_notebook(page, lab, "xss.ipynb")
    save_version(panel, "mine", 1)
    with Repository.open(lab.root) as repo:
        nid = json.loads(path.read_text())["metadata"]["nbversion"]["notebook_id"]
        parent = repo.resolve("main", nid)
    _forge_script_version(lab.root, path, parent)
    panel.get_by_role("button", name="Refresh history").click()
    expect(rows(panel)).to_have_count(2, timeout=30_000)
    row_action(panel, "teammate: script output", "Restore")
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_test_id("nbversion-restore-preview")).to_be_visible(timeout=30_000)
    dialog.get_by_role("button", name="Restore", exact=True).click()
    expect(toast(page, "Restored")).to_be_visible(timeout=60_000)

    output = notebook(page).locator(".jp-Cell").first.locator(".jp-OutputArea-output")
    expect(output).to_contain_text("hello", timeout=30_000)
    page.wait_for_timeout(1000)  # give an onerror handler time to fire
    assert page.evaluate("window.__nbvPwned") is None
    assert output.locator("script").count() == 0
    # no stray commas from lines stored as lists
    assert "," not in output.inner_text()
    shot(page, artifacts / "security-restored-script.png")
