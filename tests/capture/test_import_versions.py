"""Import references carry the providing package's version, found without a full scan.

Listing every installed file (``importlib.metadata.packages_distributions``) costs about
half a second to a second; an undo point paid it for ``json`` or the project's own
``utils.py``, which no distribution provides (issue 21: W2's restore 0.8 s -> 0.12 s).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbversion.capture import import_kind


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts reads of the full installed-files map; caches start empty."""
    calls: list[int] = []
    real = import_kind._distributions.__wrapped__

    def counted() -> dict[str, list[str]]:
        calls.append(1)
        return real()

    monkeypatch.setattr(import_kind, "_distributions", counted)
    import_kind.package_version.cache_clear()
    import_kind._top_version.cache_clear()
    yield calls
    import_kind.package_version.cache_clear()
    import_kind._top_version.cache_clear()


def test_stdlib_and_project_modules_need_no_scan(
    scans: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "nbv_local_helpers.py").write_text("def clean(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("nbv_local_helpers")
    try:
        assert import_kind.package_version("collections.abc") is None
        assert import_kind.package_version("itertools") is None
        assert import_kind.package_version("nbv_local_helpers") is None
    finally:
        sys.modules.pop("nbv_local_helpers", None)
    assert scans == []


def test_installed_packages_keep_their_versions(scans: list[int]) -> None:
    import numpy

    assert import_kind.package_version("numpy.linalg") == numpy.__version__
    assert import_kind.package_version("_pytest.fixtures") == pytest.__version__
    assert import_kind.package_version("iniconfig") is not None
    assert scans == []  # each answered by __version__ or by its distribution's name
    assert import_kind.package_version("no_such_module_anywhere") is None
