"""Variable records: the TypedDict and the run-time check say the same, and a manifest
refuses a malformed record naming the key (a TypedDict alone checks nothing)."""

from __future__ import annotations

import re
from typing import Any, NotRequired, get_origin, get_type_hints

import pytest

from nbversion.store import Manifest, ManifestError
from nbversion.store.records import CHECKS, REQUIRED, VariableRecord

OID = "b" * 64
GOOD: dict[str, Any] = {
    "oid": OID,
    "kind": "json",
    "type": "builtins.int",
    "summary": "3",
    "size": 8,
    "buffers": [],
    "pack": [[15, 40], [55, 8]],
    "fingerprint": "f" * 32,
    "alias_of": "other",
    "needs_trust": False,
    "stats": {"value": 3},
    "refs": ["fig"],
    "columns": ["free-form serializer metadata is kept"],
}


def manifest(variables: dict[str, Any]) -> Manifest:
    return Manifest(
        notebook_id="nb", notebook_path="a.ipynb", notebook=OID, branch="main",
        message="m", author={"name": "Ada", "email": "ada@example.org"}, variables=variables,
    )  # fmt: skip


def test_the_typed_record_and_the_runtime_check_declare_the_same_keys() -> None:
    # the module imports NotRequired for type checkers only (Python 3.10 lacks it)
    hints = get_type_hints(
        VariableRecord, localns={"NotRequired": NotRequired}, include_extras=True
    )
    optional = {k for k, v in hints.items() if get_origin(v) is NotRequired}
    assert set(hints) == set(CHECKS)
    assert set(hints) - optional == set(REQUIRED)


def test_a_record_with_every_key_is_valid_and_kept_as_is() -> None:
    m = manifest({"x": GOOD, "other": {k: GOOD[k] for k in REQUIRED}})
    assert m.variables["x"] == GOOD
    assert Manifest.from_json(m.to_json()).variables == m.variables


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("oid", "short", ".oid must be an object id"),
        ("kind", 1, ".kind must be a string"),
        ("type", None, ".type must be a string"),
        ("summary", ["x"], ".summary must be a string"),
        ("size", -1, ".size must be a non-negative integer"),
        ("size", True, ".size must be a non-negative integer"),
        ("size", 1.5, ".size must be a non-negative integer"),
        ("buffers", ["nope"], ".buffers must be a list of object ids"),
        ("buffers", OID, ".buffers must be a list of object ids"),
        ("pack", [[1]], ".pack must be a list of"),
        ("pack", [[-1, 2]], ".pack must be a list of"),
        ("pack", [[1, True]], ".pack must be a list of"),
        ("pack", {"0": 1}, ".pack must be a list of"),
        ("fingerprint", 3, ".fingerprint must be a string"),
        ("alias_of", None, ".alias_of must be a string"),
        ("needs_trust", "no", ".needs_trust must be a boolean"),
        ("stats", [], ".stats must be an object"),
        ("refs", "fig", ".refs must be a list of strings"),
        ("refs", [1], ".refs must be a list of strings"),
    ],
)
def test_a_malformed_record_is_refused_naming_the_key(key: str, value: Any, message: str) -> None:
    bad = {**GOOD, key: value}
    with pytest.raises(ManifestError, match=re.escape(f"variables.x{message}")):
        manifest({"x": bad, "other": GOOD})


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_record_lacking_a_required_key_is_refused(missing: str) -> None:
    with pytest.raises(ManifestError, match=re.escape(f"variables.x lacks ['{missing}']")):
        manifest({"x": {k: v for k, v in GOOD.items() if k != missing}})


def test_a_record_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ManifestError, match=re.escape("variables.x must be an object")):
        manifest({"x": [OID]})
