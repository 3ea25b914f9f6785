"""Fixtures of the adversarial suite: a malicious teammate, a victim, and delivery routes.

The teammate forges hostile versions (``forge.py``) and delivers them the ways versions
travel: a folder remote, an S3 bucket (a real SeaweedFS on loopback), a bundle file, and
git (manifests and refs in a shared repository, data through the folder remote). The
victim receives them with the product's own commands and then reads them through every
consumer. Each payload that could run code writes a marker file if it ever does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nbversion import remote
from nbversion.errors import NbVersionError
from nbversion.store import Repository

from ..remote.conftest import S3Server, s3_bucket, s3_server  # noqa: F401  (fixtures)
from ..remote.test_git import git  # noqa: F401  (the git route uses the same helper)
from ..server.conftest import live_kernel, notebook  # noqa: F401  (fixtures)
from . import forge
from .forge import Attacker, Forged, Var

#: Kinds a pickle is dressed up as in the manifest (the decoder must go by the bytes' header).
DISGUISES = ("numpy", "pandas", "sklearn", "json", "scipy-sparse", "torch-tensor")


@pytest.fixture(autouse=True)
def _own_secret(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs with its own per-user secret, never the developer's."""
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path_factory.mktemp("sec") / "secret"))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    """The file a payload writes if it ever runs (outside every project root)."""
    return tmp_path / "outside" / "PWNED"


def forge_hostile(attacker: Attacker, victim_root: Path) -> list[Forged]:
    """Every hostile version whose manifest is well-formed (it reaches the consumers)."""
    m = attacker.marker
    out = [
        attacker.forge(
            "skops-reduce",
            {
                "model": Var(
                    "sklearn",
                    "sklearn",
                    {"format": "skops", "untrusted_types": []},
                    [forge.skops_reduce_payload(m)],
                )
            },
            branch="skops-reduce",
            runs_when_trusted=True,
        )
    ]
    for label in DISGUISES:
        out.append(
            attacker.forge(
                f"pickle-as-{label}",
                {"value": Var(label, "pickle", {"oob": 0}, [forge.pickle_payload(m)])},
                branch=f"pickle-as-{label}",
                runs_when_trusted=True,
            )
        )
    meta, bufs = forge.arrow_offsets_payload()
    out.append(
        attacker.forge(
            "arrow-offsets", {"frame": Var("pandas", "pandas", meta, bufs)}, branch="arrow-offsets"
        )
    )
    meta, bufs = forge.sparse_payload()
    out.append(
        attacker.forge(
            "sparse-indices",
            {"m": Var("scipy-sparse", "scipy-sparse", meta, bufs)},
            branch="sparse-indices",
        )
    )
    for name, build in (
        ("numpy-object-dtype", forge.object_dtype_payload),
        ("numpy-short-buffer", forge.short_buffer_payload),
    ):
        meta, bufs = build()
        out.append(attacker.forge(name, {"arr": Var("numpy", "numpy", meta, bufs)}, branch=name))
    out.append(
        attacker.forge(
            "json-shadows-builtin",
            {"print": Var("json", "json", {"encoding": "utf-8"}, [b'"not the builtin"'])},
            branch="shadow",
        )
    )
    out.append(
        attacker.forge(
            "symlink-escape",
            data_files={"link/startup.py": forge.marker_code(m).encode()},
            branch="symlink",
        )
    )
    out.append(
        attacker.forge(
            "deep-json",
            {"v": Var("json", "json", {"encoding": "utf-8"}, [b"[" * 200_000 + b"]" * 200_000])},
            branch="deep-json",
        )
    )
    out.append(attacker.forge("trusted-cell-script", nb=script_notebook(attacker), branch="xss"))
    out.append(attacker.forge("hexlike-branch", branch="deadbeef", arrives=False))
    # the victim's project holds a link out of the root, as a git checkout can create
    outside = victim_root.parent / "outside-dir"
    outside.mkdir(parents=True, exist_ok=True)
    return out


def script_notebook(attacker: Attacker) -> dict[str, object]:
    """A cell marked trusted whose HTML output runs script (sets window.__nbvPwned)."""
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {"trusted": True},
        "source": ["display(HTML(...))\n"],
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "text/html": [
                        "<b>hello</b>\n",
                        '<img src=x onerror="window.__nbvPwned=1">',
                        "<script>window.__nbvPwned=1</script>",
                    ],
                    "text/plain": ["<IPython.core.display.HTML object>"],
                },
            }
        ],
    }
    nb = forge.notebook(
        {"metadata": {"nbversion": {"notebook_id": attacker.notebook_id}, "trusted": True}}, [cell]
    )
    return nb


REFUSED_NAMES = ("__builtins__", "get_ipython", "not an identifier", "_", "class", "In")
REFUSED_PATHS = ("../escape.py", "ABSOLUTE", "a/../../escape.py", "a\\..\\escape.py", "./x")


def forge_refused(attacker: Attacker, case: str) -> Forged:
    """One hostile version whose manifest a reader must refuse outright."""
    m = attacker.marker
    code = forge.marker_code(m).encode()
    if case in REFUSED_PATHS:
        path = str(m) if case == "ABSOLUTE" else case
        return attacker.forge(
            f"path {case}", data_files={path: code}, branch="paths", refused_manifest=True
        )
    return attacker.forge(
        f"reserved-name-{case}",
        {case: Var("json", "json", {"encoding": "utf-8"}, [b"1"])},
        branch="names",
        refused_manifest=True,
    )


@dataclass
class Delivered:
    """The victim's project after a route delivered the teammate's versions."""

    repo: Repository
    route: str
    versions: list[Forged]


def deliver(
    route: str,
    attacker: Attacker,
    forged: list[Forged],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    victim_root: Path | None = None,
) -> Repository:
    """Bring ``forged`` into a fresh victim project by ``route``; returns the victim's store."""
    victim_root = victim_root or tmp_path / "victim"
    if route == "bundle":
        victim = Repository.init(victim_root)
        bundle = attacker.bundle(tmp_path / "teammate.nbv", [f.vid for f in forged])
        try:
            remote.import_bundle(victim, bundle)
        except NbVersionError as err:  # the product's own error, as `nbversion import` prints it
            raise DeliveryRefused(str(err)) from err
        return victim
    if route == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        from ..remote.conftest import _s3fs

        url = f"s3://{bucket}/team"
        attacker.publish_s3(_s3fs(server), url)
        victim = Repository.init(victim_root)
        spec = remote.add_remote(victim.store_dir, "origin", url, server.endpoint)
    else:
        folder = tmp_path / "shared"
        attacker.publish_folder(folder)
        victim = Repository.init(victim_root)
        spec = remote.add_remote(victim.store_dir, "origin", str(folder))
    try:
        remote.pull(victim, spec)
    except Exception as err:
        raise DeliveryRefused(str(err)) from err
    return victim


class DeliveryRefused(Exception):
    """The route refused the teammate's versions (with the product's error)."""


@pytest.fixture
def attacker(tmp_path: Path, marker: Path) -> Iterator[Attacker]:
    marker.parent.mkdir(parents=True, exist_ok=True)
    a = Attacker(tmp_path / "mallory", marker)
    yield a
    a.repo.close()
