"""Hostile versions through every route, read by the CLI: nothing runs, nothing escapes.

Routes: a folder remote, a SeaweedFS S3 bucket, a bundle. Consumers here: ``nbversion
show``, ``nbversion diff`` (values loaded for detail), ``log``. Every case is then run once
more with the version trusted, so the suite shows the trust gate is the only thing between
a pickle and the victim's machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbversion import trust
from nbversion.cli import main
from nbversion.diff import diff_versions
from nbversion.store import Repository

from .conftest import (
    REFUSED_NAMES,
    REFUSED_PATHS,
    DeliveryRefused,
    deliver,
    forge_hostile,
    forge_refused,
)
from .forge import Attacker, Forged, benign

ROUTES = ["folder", "bundle", "s3"]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text, text
    return code, text


def _twin(attacker: Attacker, f: Forged) -> str:
    """A benign version with the same names and kinds, so a diff loads both sides."""
    variables = {n: v for n, label in f.labels.items() if (v := benign(label)) is not None}
    return attacker.forge(f"twin of {f.name}", variables, branch=f"twin-{f.name}").vid


@pytest.mark.parametrize("route", ROUTES)
def test_hostile_versions_run_nothing_and_crash_nothing(
    route: str,
    attacker: Attacker,
    marker: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = forge_hostile(attacker, tmp_path / "victim")
    twins = {f.vid: _twin(attacker, f) for f in hostile}
    victim = deliver(route, attacker, list(attacker.forged), tmp_path, request)
    root = str(victim.root)
    for f in [f for f in hostile if not f.arrives and route != "bundle"]:
        assert not victim.versions.has(f.vid), f"{f.name} arrived by {route}"
    hostile = [f for f in hostile if f.arrives or route == "bundle"]
    for f in hostile:
        assert victim.versions.has(f.vid), f"{f.name} did not arrive by {route}"
        code, text = _cli(capsys, "show", f.vid, "--root", root)
        assert code == 0, text
        code, text = _cli(capsys, "diff", twins[f.vid], f.vid, "--root", root, "--color", "never")
        assert code in (0, 1, 2), f"{f.name}: diff exit {code}: {text}"
        assert not marker.exists(), f"{f.name} ran code through `nbversion diff` ({route})"
    # a branch named like an id never arrives, and ids still resolve to versions
    names = {r[2] for r in victim.refs.all_refs()}
    assert not any(n.endswith("deadbeef") for n in names)
    for f in hostile:
        assert victim.resolve(f.vid[:8]) == f.vid
    assert victim.fsck().ok
    # the gate is the only thing in the way: trusted, the pickles do run
    trusted_runs = [f for f in hostile if f.runs_when_trusted]
    for f in trusted_runs:
        marker.unlink(missing_ok=True)
        trust.sign(victim.store_dir, f.vid)
        result = diff_versions(victim, twins[f.vid], f.vid)
        assert marker.exists(), f"{f.name}: trusted, its payload should have run: {result}"
    victim.close()


@pytest.mark.parametrize("case", [*REFUSED_NAMES, *REFUSED_PATHS])
@pytest.mark.parametrize("route", ["folder", "bundle"])
def test_manifests_with_reserved_names_or_escaping_paths_are_refused(
    route: str,
    case: str,
    attacker: Attacker,
    marker: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    f = forge_refused(attacker, case)
    with pytest.raises(DeliveryRefused, match=r"refused|invalid"):
        deliver(route, attacker, [f], tmp_path, request)
    assert not marker.exists()
    assert not (tmp_path / "escape.py").exists()
    with Repository.open(tmp_path / "victim") as victim:
        assert not victim.versions.has(f.vid)


def test_served_notebook_loses_trust_marks_and_keeps_string_form(
    attacker: Attacker, tmp_path: Path
) -> None:
    from nbversion.service.notebook_view import for_client

    from .conftest import script_notebook

    nb = for_client(json.dumps(script_notebook(attacker)).encode())
    assert "trusted" not in nb["metadata"]
    cell = nb["cells"][0]
    assert "trusted" not in cell["metadata"]
    assert isinstance(cell["source"], str)
    html = cell["outputs"][0]["data"]["text/html"]
    assert isinstance(html, str)
    assert "," not in html.split("\n")[0]
