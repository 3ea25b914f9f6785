"""The wheel carries the built labextension and enables the server extension by itself."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import nbversion

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "labextension" / "package.json").exists():
        pytest.fail("labextension/ is not built: run `make setup`")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True,
    )  # fmt: skip
    (whl,) = out.glob("nbversion-*.whl")
    return whl


def test_wheel_contains_labextension_and_server_config(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    data = f"nbversion-{nbversion.__version__}.data/data/"
    ext = data + "share/jupyter/labextensions/nbversion/"
    assert ext + "package.json" in names
    assert ext + "install.json" in names
    assert ext + "schemas/nbversion/plugin.json" in names
    assert any(n.startswith(ext + "static/remoteEntry.") for n in names)
    config = data + "etc/jupyter/jupyter_server_config.d/nbversion.json"
    assert json.loads(zipfile.ZipFile(wheel).read(config)) == {
        "ServerApp": {"jpserver_extensions": {"nbversion": True}}
    }
    assert "nbversion/__init__.py" in names
    assert "nbversion/_version.py" in names


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    zf = zipfile.ZipFile(wheel)
    (ep,) = [n for n in zf.namelist() if n.endswith("entry_points.txt")]
    assert "nbversion = nbversion.cli:main" in zf.read(ep).decode()


def test_version_is_single_sourced_from_package_json() -> None:
    package = json.loads((REPO / "package.json").read_text())
    assert nbversion.__version__ == package["version"]


def test_labextension_path_points_at_the_built_extension() -> None:
    (entry,) = nbversion._jupyter_labextension_paths()
    pkg_dir = Path(nbversion.__file__).parent
    assert (pkg_dir / entry["src"]).resolve() == (REPO / "labextension").resolve()


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("nbversion")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"nbversion {nbversion.__version__}"
