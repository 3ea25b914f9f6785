"""config.toml: defaults, parsing, the hand-written TOML writer."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from nbversion.errors import InvalidInput
from nbversion.store import RetentionPolicy, load_config
from nbversion.store.config import default_config_text, dump_toml, parse_duration, parse_size


def test_defaults_roundtrip_through_toml(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(default_config_text())
    assert load_config(path).retention == RetentionPolicy()
    assert load_config(tmp_path / "missing.toml").retention == RetentionPolicy()


def test_writer_escapes_and_keeps_other_tables(tmp_path: Path) -> None:
    text = dump_toml(
        {"retention": {"keep_last": 3}, "remote": {"url": 's3://b/"q"\\x', "on": True}}
    )
    assert tomllib.loads(text)["remote"] == {"url": 's3://b/"q"\\x', "on": True}
    path = tmp_path / "c.toml"
    path.write_text(text)
    config = load_config(path)
    assert config.retention.keep_last == 3
    assert config.other["remote"]["on"] is True


def test_bad_config_is_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[retention]\nkeep_lats = 3\n")
    with pytest.raises(InvalidInput, match="keep_lats"):
        load_config(path)
    path.write_text("[retention]\nkeep_newer_than = 'soon'\n")
    with pytest.raises(InvalidInput, match="duration"):
        load_config(path)
    path.write_text("not toml [")
    with pytest.raises(InvalidInput):
        load_config(path)


def test_units() -> None:
    assert parse_duration("30d") == 30 * 86400
    assert parse_duration("90s") == 90
    assert parse_duration("1.5h") == 5400
    assert parse_size("20GB") == 20 << 30
    assert parse_size("512MiB") == 512 << 20
    assert parse_size("1000") == 1000
    with pytest.raises(InvalidInput):
        parse_size("lots")
