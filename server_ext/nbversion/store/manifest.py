"""The version manifest: one immutable JSON document per version.

Its id is the BLAKE3 of its canonical JSON (sorted keys, no whitespace), so the file
name proves the content. The schema is documented in ``docs/manifest.schema.json``.
"""

from __future__ import annotations

import contextvars
import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

import blake3

from ..errors import InvalidInput
from .names import data_path_problem, variable_name_problem
from .records import VariableRecord, variable_problem

FORMAT = 1
_ID_RE = re.compile(r"^[0-9a-f]{64}$")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def utc_now() -> str:
    """Current time as ISO-8601 UTC with microseconds (``2024-05-01T12:00:00.000000Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> datetime:
    """Parse a ``created`` timestamp back to an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes a manifest id is computed over."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


#: Set while a manifest is built from parsed JSON (see :meth:`Manifest.from_json`).
_parsed: contextvars.ContextVar[bool] = contextvars.ContextVar("nbversion_parsed", default=False)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class ManifestError(InvalidInput):
    """A manifest does not follow the schema (message names the field)."""


def _need(cond: bool, msg: str) -> None:
    if not cond:
        raise ManifestError(f"invalid manifest: {msg}")


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID_RE.match(value))


@dataclass(frozen=True)
class Manifest:
    """Everything one version records; see docs/manifest.schema.json for each field."""

    notebook_id: str
    notebook_path: str
    notebook: str
    branch: str
    message: str
    author: dict[str, str]
    created: str = field(default_factory=utc_now)
    parents: list[str] = field(default_factory=list)
    variables: dict[str, VariableRecord] = field(default_factory=dict)
    data_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    format: int = FORMAT

    def __post_init__(self) -> None:
        self.validate()

    # -- serialization -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict (the schema's shape)."""
        return asdict(self)

    def _shallow(self) -> dict[str, Any]:
        """The fields as a dict without copying their values (for serializing only)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_json(self) -> bytes:
        """Canonical JSON bytes: what is written to ``versions/<id>.json``.

        Computed once (validation, the id and the write all need them; a manifest with
        10,000 variables takes tens of milliseconds): a manifest is never changed after
        it is built.
        """
        cached: bytes | None = self.__dict__.get("_json")
        if cached is None:
            cached = canonical_json(self._shallow())
            object.__setattr__(self, "_json", cached)
        return cached

    @property
    def id(self) -> str:
        """The version id: BLAKE3-256 hex of :meth:`to_json`.

        Computed once per manifest (a save asks for it several times, and the canonical JSON
        of a manifest listing every installed package takes milliseconds): a manifest is
        never changed after it is built.
        """
        cached: str | None = self.__dict__.get("_id")
        if cached is None:
            cached = blake3.blake3(self.to_json()).hexdigest()
            object.__setattr__(self, "_id", cached)
        return cached

    def object_ids(self) -> list[str]:
        """Every object the manifest names directly: notebook, variables and buffers, data files."""
        oids = [self.notebook]
        for v in self.variables.values():
            oids.append(v["oid"])
            oids += v.get("buffers", [])
        oids += [d["oid"] for d in self.data_files.values()]
        return oids

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """Build and validate a manifest from parsed JSON."""
        _need(isinstance(data, dict), "top level must be an object")
        fmt = data.get("format")
        _need(fmt == FORMAT, f"unsupported format {fmt!r} (this nbversion reads {FORMAT})")
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        _need(not unknown, f"unknown fields {sorted(unknown)}")
        missing = {"notebook_id", "notebook_path", "notebook", "branch", "message", "author"} - set(
            data
        )
        _need(not missing, f"missing fields {sorted(missing)}")
        return cls(**data)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Manifest:
        """Parse manifest JSON; raises :class:`ManifestError` on bad JSON or schema.

        Parsed JSON is serializable by construction once NaN and ±Infinity are refused
        here, so the costly re-serialization check of :meth:`validate` is skipped (it
        took most of the time of reading a manifest).
        """
        try:
            data = json.loads(raw, parse_constant=_no_constant)
        except ValueError as err:
            raise ManifestError(f"invalid manifest: not JSON ({err})") from None
        except RecursionError:
            raise ManifestError("invalid manifest: JSON nested too deeply") from None
        token = _parsed.set(True)
        try:
            return cls.from_dict(data)
        except TypeError as err:
            raise ManifestError(f"invalid manifest: {err}") from None
        finally:
            _parsed.reset(token)

    # -- validation --------------------------------------------------------------------
    def validate(self) -> None:
        """Check types and required fields; raises :class:`ManifestError` naming the field."""
        _need(self.format == FORMAT, f"format must be {FORMAT}")
        _need(
            isinstance(self.parents, list) and all(_is_id(p) for p in self.parents),
            "parents must be a list of version ids",
        )
        for name in ("notebook_id", "notebook_path", "branch", "message"):
            _need(isinstance(getattr(self, name), str), f"{name} must be a string")
        _need(bool(self.notebook_id), "notebook_id must not be empty")
        _need(_is_id(self.notebook), "notebook must be an object id")
        _need(
            isinstance(self.author, dict)
            and all(isinstance(self.author.get(k), str) for k in ("name", "email")),
            "author must be {name, email} strings",
        )
        _need(
            isinstance(self.created, str) and bool(_ISO_RE.match(self.created)),
            "created must be ISO-8601 UTC like 2024-05-01T12:00:00Z",
        )
        _need(isinstance(self.variables, dict), "variables must be an object")
        for name, var in self.variables.items():
            why = variable_name_problem(name)
            _need(why is None, f"variable name {name!r} is refused: {why}")
            problem = variable_problem(var)
            _need(problem is None, f"variables.{name}{problem}")
        _need(isinstance(self.data_files, dict), "data_files must be an object")
        for path, entry in self.data_files.items():
            why = data_path_problem(path)
            _need(why is None, f"data file {path!r} is refused: {why}")
            tracked = entry.get("tracked_as") if isinstance(entry, dict) else None
            _need(
                tracked is None or tracked == "." or data_path_problem(tracked) is None,
                f"data_files.{path}.tracked_as {tracked!r} is refused",
            )
            _need(
                isinstance(entry, dict)
                and _is_id(entry.get("oid"))
                and isinstance(entry.get("size"), int),
                f"data_files.{path} must be {{oid, size}}",
            )
        for name in ("params", "metrics", "environment"):
            _need(isinstance(getattr(self, name), dict), f"{name} must be an object")
        _need(
            isinstance(self.skipped, list)
            and all(
                isinstance(s, dict) and {"name", "type", "reason"} <= set(s) for s in self.skipped
            ),
            "skipped must be a list of {name, type, reason}",
        )
        _need(
            isinstance(self.tags, list) and all(isinstance(t, str) for t in self.tags),
            "tags must be a list of strings",
        )
        if _parsed.get():
            return  # built from parsed JSON (NaN refused): serializable by construction
        try:
            self.to_json()
        except (TypeError, ValueError) as err:
            raise ManifestError(f"invalid manifest: not JSON-serializable ({err})") from None
