"""Model aliases: name the model of a version ``staging``/``production``, per notebook.

An alias is a tag in a dedicated namespace, ``models/<model>/<alias>`` (e.g.
``models/clf/production``), so it reuses the store's ref machinery: it moves only by
compare-and-swap under the ref's lock (:meth:`RefStore.set_if_equals`), every move is
appended to the tag's reflog (the alias history), gc keeps the aliased versions like any
tagged version, and ``tags/models/clf/production`` works wherever a REF is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput, NotFound
from ..store import Repository
from ..store.refs import TAGS, ReflogEntry, check_ref_name
from .loading import variable_record

PREFIX = "models/"


@dataclass(frozen=True)
class AliasRecord:
    """Where one alias points: the model variable and the version holding it."""

    model: str
    alias: str
    version: str

    @property
    def tag(self) -> str:
        """The tag name that stores this alias."""
        return alias_tag(self.model, self.alias)


def alias_tag(model: str, alias: str) -> str:
    """``models/<model>/<alias>``, validated (a model is a Python identifier)."""
    if not model.isidentifier():
        raise InvalidInput(f"not a variable name: {model!r}")
    if "/" in alias:
        raise InvalidInput(f"an alias is one name without '/': {alias!r}")
    return check_ref_name(f"{PREFIX}{model}/{alias}")


def aliases(repo: Repository, notebook: str) -> list[AliasRecord]:
    """Every model alias of a notebook, sorted by model then alias."""
    out = []
    for tag, vid in repo.tags(notebook).items():
        if tag.startswith(PREFIX) and tag.count("/") == 2:
            _, model, alias = tag.split("/")
            out.append(AliasRecord(model, alias, vid))
    return sorted(out, key=lambda r: (r.model, r.alias))


def get_alias(repo: Repository, notebook: str, alias: str, model: str | None = None) -> AliasRecord:
    """The alias ``alias`` (of ``model``, needed only when several models share it)."""
    found = [r for r in aliases(repo, notebook) if r.alias == alias]
    if model is not None:
        found = [r for r in found if r.model == model]
    if not found:
        raise NotFound(f"no model alias {alias!r}" + (f" for {model!r}" if model else ""))
    if len(found) > 1:
        names = ", ".join(r.model for r in found)
        raise InvalidInput(f"alias {alias!r} names several models ({names}): pass --model")
    return found[0]


def move_alias(
    repo: Repository,
    notebook: str,
    alias: str,
    ref: str | None,
    *,
    model: str,
    expected: str | None = "",
    why: str = "",
) -> AliasRecord | None:
    """Point ``alias`` of ``model`` at ``ref`` (None deletes it), by compare-and-swap.

    ``expected`` is the version id (or unique prefix) the alias must hold now; None means
    it must not exist yet; the default ``""`` takes whatever it holds at this moment, so a
    concurrent move between that read and the write still fails with Conflict.
    """
    nb = repo.notebook_id(notebook)
    tag = alias_tag(model, alias)
    current = repo.refs.get(nb, TAGS, tag)
    old = current if expected == "" else (None if expected is None else repo.resolve(expected))
    new = None
    if ref is not None:
        new = repo.resolve(ref, nb)
        variable_record(repo.versions.read(new), model)  # the version must hold the model
    who = repo.default_author()["name"]
    reason = why or (f"alias {alias} -> {new[:12]}" if new else f"alias {alias} removed")
    repo.refs.set_if_equals(nb, TAGS, tag, old, new, who=who, why=reason)
    return AliasRecord(model, alias, new) if new else None


def alias_history(repo: Repository, notebook: str, alias: str, model: str) -> list[ReflogEntry]:
    """Every recorded move of an alias, oldest first."""
    return repo.refs.reflog(repo.notebook_id(notebook), TAGS, alias_tag(model, alias))


def resolve_baseline(repo: Repository, notebook: str, ref: str) -> str:
    """A version id from a model alias (if exactly one model has it), tag, branch or id."""
    try:
        return get_alias(repo, notebook, ref).version
    except (NotFound, InvalidInput):
        return repo.resolve(ref, notebook)
