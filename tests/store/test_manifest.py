"""Manifest: canonical JSON, id = hash of content, validation, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import blake3
import jsonschema
import pytest

from nbversion.store import Manifest, ManifestError

OID = "a" * 64
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "manifest.schema.json").read_text())


def make(**overrides: Any) -> Manifest:
    fields: dict[str, Any] = {
        "notebook_id": "0b5c1f3e-1111-4222-8333-944455556666",
        "notebook_path": "analysis/model.ipynb",
        "notebook": OID,
        "branch": "main",
        "message": "fit model",
        "author": {"name": "Ada", "email": "ada@example.org"},
        "created": "2024-05-01T12:00:00.000000Z",
        "variables": {
            "df": {
                "oid": OID,
                "kind": "arrow",
                "type": "pandas.DataFrame",
                "summary": "10 x 3",
                "size": 240,
                "columns": ["a"],
            }
        },
        "data_files": {"data/raw.csv": {"oid": OID, "size": 12}},
        "params": {"lr": 0.1},
        "metrics": {"acc": 0.9},
        "skipped": [{"name": "f", "type": "_io.TextIOWrapper", "reason": "open file"}],
    }
    fields.update(overrides)
    return Manifest(**fields)


def test_id_is_hash_of_canonical_json() -> None:
    m = make()
    raw = m.to_json()
    assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    assert json.loads(raw) == m.to_dict()
    assert list(json.loads(raw)) == sorted(json.loads(raw))
    assert m.id == blake3.blake3(raw).hexdigest()
    assert Manifest.from_json(raw) == m
    assert Manifest.from_json(raw).id == m.id


def test_manifest_matches_documented_schema() -> None:
    jsonschema.validate(make().to_dict(), SCHEMA)
    jsonschema.validate(make(variables={}, data_files={}, skipped=[]).to_dict(), SCHEMA)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"notebook": "nope"}, "notebook"),
        ({"parents": ["short"]}, "parents"),
        ({"author": {"name": "x"}}, "author"),
        ({"created": "yesterday"}, "created"),
        ({"variables": {"x": {"oid": OID}}}, "variables.x"),
        ({"data_files": {"d": {"oid": OID}}}, "data_files.d"),
        ({"skipped": [{"name": "x"}]}, "skipped"),
        ({"metrics": {"nan": float("nan")}}, "JSON"),
        ({"notebook_id": ""}, "notebook_id"),
    ],
)
def test_validation_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ManifestError, match=field):
        make(**overrides)


def test_from_json_rejects_bad_documents() -> None:
    with pytest.raises(ManifestError, match="not JSON"):
        Manifest.from_json(b"{")
    good = make().to_dict()
    with pytest.raises(ManifestError, match="format"):
        Manifest.from_json(json.dumps({**good, "format": 99}))
    with pytest.raises(ManifestError, match="unknown fields"):
        Manifest.from_json(json.dumps({**good, "extra": 1}))
    del good["branch"]
    with pytest.raises(ManifestError, match="missing"):
        Manifest.from_json(json.dumps(good))
