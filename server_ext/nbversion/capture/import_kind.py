"""Imports are state: names bound by ``import`` are saved as references and re-imported.

``import numpy as np``, ``from sklearn.model_selection import train_test_split`` and
``from math import pi`` bind names a notebook needs as much as its data: after a restore
into a fresh kernel without them the next cell fails with ``NameError``. They are saved as
*references* -- module name, attribute path, the package's version -- never by value: the
module itself (or a function or class from it) is not data, and a pickled copy would go
stale with the library.

A name counts as an import when its value is a module, a function or class whose
``__module__``/``__qualname__`` lead back to it, or -- for constants such as ``pi`` -- an
attribute named by an import statement the kernel ran (:mod:`nbversion.kernel.imports`),
and only when ``getattr(importlib.import_module(module), attr) is value`` holds at save
time.

Loading one imports a module, and importing runs the module's code. So a reference loads
only when its module and attribute names are plain dotted identifiers and the top-level
package is installed: found on ``sys.path`` without running anything. For a version that
is not trusted here (a teammate's, pulled, imported), the package must also live outside
the current working directory: a ``utils.py`` that came with a shared project is not
imported until the version is trusted. The decoder checks this itself, whatever the record
says.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import os
import site
import sys
import sysconfig
import types
from functools import cache
from pathlib import Path
from typing import Any

from .base import Buffers, Encoded, Serializer
from .errors import Unserializable

KIND = "import"
_MAIN = "__main__"


def _is_dotted_identifier(name: Any) -> bool:
    return isinstance(name, str) and bool(name) and all(p.isidentifier() for p in name.split("."))


def resolve(module: str, attr: str | None) -> Any:
    """``module`` imported, then ``attr`` (a dotted path) looked up on it.

    A part that is a submodule not imported yet (``from matplotlib import animation`` in a
    fresh kernel: ``import matplotlib`` does not load ``matplotlib.animation``) is imported.
    """
    value: Any = importlib.import_module(module)
    for part in (attr or "").split(".") if attr else []:
        try:
            value = getattr(value, part)
        except AttributeError:
            if not isinstance(value, types.ModuleType):
                raise
            value = importlib.import_module(f"{value.__name__}.{part}")
    return value


def loaded(module: str, attr: str | None) -> Any:
    """Like :func:`resolve`, but only from modules already imported (never runs code);
    ``_MISSING`` when the module is not loaded or lacks the attribute."""
    mod = sys.modules.get(module)
    if mod is None:
        return _MISSING
    value: Any = mod
    try:
        for part in (attr or "").split(".") if attr else []:
            value = getattr(value, part)
    except Exception:
        return _MISSING
    return value


@cache
def _distributions() -> dict[str, list[str]]:
    """Top-level package -> distributions, read once per process: it lists every installed
    file (about half a second here), and was read again for each new module named."""
    with contextlib.suppress(Exception):
        return dict(importlib.metadata.packages_distributions())
    return {}


@cache
def _site_dirs() -> tuple[str, ...]:
    """Where installed distributions put their modules (this environment and the user's)."""
    dirs = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    with contextlib.suppress(Exception):
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    return tuple(os.path.realpath(d) + os.sep for d in dirs if d)


def _installed(path: str) -> bool:
    """Whether ``path`` lies in a site-packages directory (so a distribution may own it)."""
    real = os.path.realpath(path)
    return any(real.startswith(d) for d in _site_dirs())


@cache
def package_version(module: str) -> str | None:
    """Version of the package that provides ``module``: its ``__version__`` when loaded
    (cheap, and what users quote), else the installed distribution's."""
    return _top_version(module.partition(".")[0])


@cache
def _top_version(top: str) -> str | None:
    """``top``'s version: ``__version__``, else its distribution's, found cheaply first.

    The standard library has no distribution; asking the full file map about ``math`` or
    ``json`` cost an undo point 0.9 s (issue 21, W2's restore). A distribution named like
    the module (numpy, pandas) answers by name; only the rest (``sklearn`` is
    scikit-learn) need the map of every installed file, read once per process.
    """
    version = getattr(sys.modules.get(top), "__version__", None)
    if isinstance(version, str):
        return version
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return None
    where = getattr(sys.modules.get(top), "__file__", None)
    if isinstance(where, str) and not _installed(where):
        return None  # the project's own module (utils.py beside the notebook): no package
    for name in dict.fromkeys((top, top.replace("_", "-"))):
        with contextlib.suppress(Exception):
            found = importlib.metadata.distribution(name)
            provides = (found.read_text("top_level.txt") or "").split()
            if not provides or top in provides:  # not another project of the same name
                return found.version
    with contextlib.suppress(Exception):
        for dist in _distributions().get(top, []):
            return importlib.metadata.version(dist)
    return None  # (``__version__`` was asked first)


def reference(value: Any, hint: tuple[str, str | None] | None = None) -> dict[str, Any] | None:
    """The import reference ``{module, attr}`` a name bound to ``value`` stands for, or None.

    ``hint`` is what an import statement said (module, attribute), used first; else the
    value's own module (modules) or ``__module__``/``__qualname__`` (functions, classes).
    Each candidate counts only if looking it up gives back this very object.
    """
    candidates: list[tuple[str, str | None]] = []
    if hint is not None and (hint[1] is None or _by_reference(value)):
        candidates.append(hint)
    if isinstance(value, types.ModuleType):
        candidates.append((value.__name__, None))
    elif callable(value):  # functions, classes, builtins, ufuncs...
        module = getattr(value, "__module__", None)
        qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
        if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
            candidates.append((module, qualname))
    found = [
        (module, attr)
        for module, attr in candidates
        if module != _MAIN
        and _is_dotted_identifier(module)
        and (attr is None or _is_dotted_identifier(attr))
        and loaded(module, attr) is value  # only loaded modules: saving imports nothing
    ]
    if not found:
        return None
    (module, attr), *others = found
    ref: dict[str, Any] = {"module": module, "attr": attr, "version": package_version(module)}
    # Where the object is defined, tried when the import path fails in a fresh kernel:
    # ``from sklearn.impute import IterativeImputer`` works only after another import
    # (``sklearn.experimental.enable_iterative_imputer``); ``sklearn.impute._iterative``
    # always has it.
    origin = next((o for o in others if o != (module, attr) and o[1] is not None), None)
    if origin is not None:
        ref["origin"] = list(origin)
    return ref


_CONSTANTS = (int, float, complex, str, bytes, bool, type(None))


def _by_reference(value: Any) -> bool:
    """Whether an imported value may be saved as a reference: modules, functions, classes
    and other callables, and immutable constants (``pi``). An imported mutable container
    (``from config import settings``) is saved by value: the user may have changed it."""
    if isinstance(value, types.ModuleType | type) or callable(value):
        return True
    if isinstance(value, tuple | frozenset):
        return all(isinstance(v, _CONSTANTS) for v in value)
    return isinstance(value, _CONSTANTS)


def statement(name: str, ref: dict[str, Any]) -> str:
    """The import statement that binds ``name`` (for summaries and messages)."""
    module, attr = ref["module"], ref.get("attr")
    if attr is None:
        return f"import {module}" + ("" if name == module else f" as {name}")
    if "." in attr:
        return f"{name} = {module}.{attr}"
    return f"from {module} import {attr}" + ("" if name == attr else f" as {name}")


def encoded(name: str, value: Any, ref: dict[str, Any]) -> Encoded:
    """An import reference as an ``Encoded`` (a tiny JSON header, no buffers)."""
    tp = type(value)
    return Encoded(
        kind=KIND,
        meta=dict(ref),
        buffers=[],
        type_name=f"{tp.__module__}.{tp.__qualname__}",
        summary=statement(name, ref),
        stats={"import": dict(ref)},
        needs_trust=False,
    )


def check(meta: dict[str, Any], *, allow_untrusted: bool) -> tuple[str, str | None]:
    """(module, attr) of a reference that may be imported here, else ``Unserializable``
    with the reason (see the module docstring)."""
    module, attr = meta.get("module"), meta.get("attr")
    if not _is_dotted_identifier(module) or not (attr is None or _is_dotted_identifier(attr)):
        raise Unserializable(f"not an import reference: {module!r}, {attr!r}")
    assert isinstance(module, str)
    top = module.partition(".")[0]
    if top not in sys.modules:
        try:
            spec = importlib.util.find_spec(top)  # a top-level lookup runs no package code
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            raise Unserializable(f"cannot import {module}: package {top!r} is not installed")
        if not allow_untrusted and _local(spec):
            raise Unserializable(
                f"not importing {module}: {top!r} is a local module (in the working "
                "directory), and this version is not trusted here"
            )
    return module, attr


def _local(spec: Any) -> bool:
    """Whether a module spec points into the working directory (not an installed package)."""
    where = [spec.origin] if spec.origin not in (None, "built-in", "frozen") else []
    where += list(spec.submodule_search_locations or [])
    cwd = Path(os.getcwd()).resolve()
    for place in where:
        with contextlib.suppress(OSError, ValueError):
            if Path(place).resolve().is_relative_to(cwd):
                return True
    return False


def version_note(name: str, meta: dict[str, Any]) -> str | None:
    """A line for the user when the installed package's version differs from the saved one."""
    saved = meta.get("version")
    module = meta.get("module")
    if not isinstance(saved, str) or not isinstance(module, str):
        return None
    now = package_version(module)
    if now is None or now == saved:
        return None
    top = module.partition(".")[0]
    return f"{name}: imported {top} {now}, but the version was saved with {top} {saved}"


class ImportSerializer(Serializer):
    """``import`` kind: decodes references (the kernel's capture makes them, not ``encode``)."""

    kind = KIND

    def matches(self, obj: Any) -> bool:
        return False  # never chosen by value: see kernel.imports

    def encode(self, obj: Any) -> Encoded | None:
        return None

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        module, attr = check(meta, allow_untrusted=allow_untrusted)
        try:
            return resolve(module, attr)
        except Exception as err:
            origin = meta.get("origin")
            if isinstance(origin, list) and len(origin) == 2:
                with contextlib.suppress(Exception):
                    where, name = check(
                        {"module": origin[0], "attr": origin[1]}, allow_untrusted=allow_untrusted
                    )
                    return resolve(where, name)
            what = f"{module}.{attr}" if attr else module
            raise Unserializable(f"cannot import {what} ({type(err).__name__}: {err})") from None


#: "Not found" (None is a value a module attribute may hold).
_MISSING: Any = object()
