"""``.nbversion/config.toml``: retention policy for gc (read with tomllib, written by hand).

[retention]
keep_last = 0            # newest versions kept per branch; 0 = the whole history
keep_tagged = true       # tagged versions survive keep_last and max_store_size
keep_newer_than = "30d"  # versions younger than this are kept ("" = off)
max_store_size = ""      # e.g. "20GB": drop oldest unprotected versions above it
prune_grace = "1h"       # never delete files younger than this (concurrent saves)

[tiering]                # see docs/tiering.md
max_local_size = ""      # e.g. "2GB": after a save, evict LRU objects already on the remote
remote = ""              # remote evicted objects go to ("" = origin, or the only remote)
min_age = "1m"           # automatic eviction skips objects used more recently than this
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InvalidInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``"30d"``, ``"12h"``, ``"90s"`` -> seconds."""
    m = _DURATION.match(str(text))
    if not m:
        raise InvalidInput(f"invalid duration {text!r} (use e.g. 30d, 12h, 90s)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_size(text: str | int) -> int:
    """``"20GB"``, ``"512MiB"``, ``1000`` -> bytes (powers of 1024)."""
    if isinstance(text, int):
        return text
    m = _SIZE.match(text)
    if not m:
        raise InvalidInput(f"invalid size {text!r} (use e.g. 20GB, 512MB)")
    letter = m.group(2)[:1].lower()
    power = "kmgt".index(letter) + 1 if letter and letter in "kmgt" else 0
    return int(float(m.group(1)) * 1024**power)


@dataclass(frozen=True)
class RetentionPolicy:
    """What gc keeps besides branch heads and tag targets (always kept)."""

    keep_last: int = 0
    keep_tagged: bool = True
    keep_newer_than: str = "30d"
    max_store_size: str = ""
    prune_grace: str = "1h"

    def __post_init__(self) -> None:
        if not isinstance(self.keep_last, int) or self.keep_last < 0:
            raise InvalidInput("retention.keep_last must be an integer >= 0")
        if self.keep_newer_than:
            parse_duration(self.keep_newer_than)
        if self.max_store_size:
            parse_size(self.max_store_size)
        parse_duration(self.prune_grace)


@dataclass(frozen=True)
class TieringPolicy:
    """The local storage budget and where evicted objects live (see nbversion.tiering)."""

    max_local_size: str = ""
    remote: str = ""
    min_age: str = "1m"

    def __post_init__(self) -> None:
        if self.max_local_size:
            parse_size(self.max_local_size)
        if not isinstance(self.remote, str):
            raise InvalidInput("tiering.remote must be a remote name")
        parse_duration(self.min_age)

    @property
    def budget(self) -> int | None:
        """``max_local_size`` in bytes, or None when there is no budget."""
        return parse_size(self.max_local_size) if self.max_local_size else None


@dataclass(frozen=True)
class GitPolicy:
    """What nbversion does with the enclosing git repository (see nbversion.gitsync)."""

    autocommit: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.autocommit, bool):
            raise InvalidInput("git.autocommit must be true or false")


@dataclass(frozen=True)
class Config:
    """The parsed config file (unknown tables are kept for other layers)."""

    retention: RetentionPolicy
    other: dict[str, Any]
    tiering: TieringPolicy = TieringPolicy()
    git: GitPolicy = GitPolicy()


def load_config(path: Path) -> Config:
    """Read ``config.toml``; a missing file means defaults."""
    data = read_toml(path)
    policy = _section(path, "retention", RetentionPolicy, data.pop("retention", {}))
    tiering = _section(path, "tiering", TieringPolicy, data.pop("tiering", {}))
    git = _section(path, "git", GitPolicy, data.pop("git", {}))
    return Config(retention=policy, other=data, tiering=tiering, git=git)


_P = TypeVar("_P", RetentionPolicy, TieringPolicy, GitPolicy)


def _section(path: Path, name: str, cls: type[_P], section: Any) -> _P:
    """Build one policy table, naming unknown keys and bad values."""
    if not isinstance(section, dict):
        raise InvalidInput(f"{path}: [{name}] must be a table")
    unknown = set(section) - {f.name for f in fields(cls)}
    if unknown:
        raise InvalidInput(f"{path}: unknown {name} keys {sorted(unknown)}")
    try:
        return cls(**section)
    except TypeError as err:
        raise InvalidInput(f"{path}: {err}") from None


def read_toml(path: Path) -> dict[str, Any]:
    """The tables of a TOML file as parsed (no file: empty); a syntax error is InvalidInput."""
    try:
        return tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"{path}: {err}") from None


def dump_toml(data: dict[str, Any]) -> str:
    """A minimal TOML writer for what config.toml holds: nested tables of scalars and
    lists of scalars (``{"remote": {"origin": {...}}}`` becomes ``[remote.origin]``)."""
    return "\n".join(_toml_lines(data))


def _toml_lines(data: dict[str, Any], prefix: str = "") -> list[str]:
    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
    if prefix and (scalars or not data):
        lines.append(f"[{prefix}]")
    for key, value in scalars.items():
        if isinstance(value, list):
            rendered = "[" + ", ".join(_toml_value(v) for v in value) + "]"
        else:
            rendered = _toml_value(value)
        lines.append(f"{key} = {rendered}")
    if scalars:
        lines.append("")
    for key, value in data.items():
        if isinstance(value, dict):
            lines += _toml_lines(value, f"{prefix}.{key}" if prefix else key)
    return lines


def update_config(store_dir: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change ``config.toml`` under its lock: parse it, let ``change`` edit the tables in
    place (it may raise to abandon the change), and write the result atomically."""
    from .fsutil import atomic_write
    from .locks import FileLock

    path = store_dir / "config.toml"
    with FileLock(path):
        data = read_toml(path)
        change(data)
        atomic_write(path, dump_toml(data).encode(), tmp_dir=store_dir / "tmp")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    raise InvalidInput(f"cannot write {type(value).__name__} to TOML")


def default_config_text() -> str:
    """The ``config.toml`` written by ``nbversion init``."""
    policy, tiering = RetentionPolicy(), TieringPolicy()
    return dump_toml({
        "retention": {f.name: getattr(policy, f.name) for f in fields(policy)},
        "tiering": {f.name: getattr(tiering, f.name) for f in fields(tiering)},
    })  # fmt: skip
