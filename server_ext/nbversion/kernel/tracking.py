"""Change tracking: which variables the next save must encode again, and which it can skip.

After every cell the tracker notes the names the cell's code mentions (loads, stores,
``del``, ``global``: from the AST of the transformed cell). At save time :func:`plan`
widens that set conservatively and returns the names to re-encode; every other variable
reuses its previous record without being encoded or fingerprinted. A variable is re-encoded
when any of these holds:

- a cell since the last save mentioned it, or its binding changed (``id`` differs), or it
  is new, or the last save did not record it;
- it is a global name used by a notebook-defined function, class or method reachable from
  a mentioned variable (a called function may mutate globals it names);
- it shares an object, or array/tensor memory, with the object graph reachable from a
  mentioned variable, now or at that variable's last save (``d['k'].append(1)`` mutates
  the list that variable ``k`` also holds; ``lst.pop()['x'] = 1`` mutates a dict another
  container still holds).

Cells the tracker cannot reason about (``globals()``, ``exec``, ``eval``, magics other than
``%version``, ``import __main__``...) make the next save a full pass, and so do restores
and checkouts and every :data:`FULL_PASS_EVERY`-th save. A full pass fingerprints every
variable, which catches whatever the tracker missed (mutation from other threads or from
library-held references), so versions converge to exactly what a ``--verify`` save holds.
"""

from __future__ import annotations

import array
import ast
import contextlib
import gc
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..capture import matplotlib_refs
from ..store.records import VariableRecord

#: Names whose use lets a cell reach variables without naming them.
UNKNOWN_NAMES = frozenset(
    {"globals", "locals", "vars", "exec", "eval", "get_ipython", "__import__", "__builtins__"}
)
#: Imports that give access to the namespace or to arbitrary memory.
UNKNOWN_IMPORTS = frozenset({"__main__", "gc", "ctypes", "builtins", "inspect"})
#: Magics that only read or save (``%version restore`` invalidates the tracker itself).
SAFE_MAGICS = frozenset({"version"})
#: Every this many tracked saves, one full pass re-fingerprints everything.
FULL_PASS_EVERY = 25
_ATOMIC = (int, float, complex, str, bytes, bool, type(None), range, type(Ellipsis))

_IMMUTABLE = (tuple, frozenset)
_ATOMIC_SET = frozenset(_ATOMIC)
_CONTAINERS = frozenset({dict, list, set})

Extent = tuple[int, int]


def _is_dtype(obj: Any) -> bool:
    """numpy/pandas dtype objects: immutable and shared by every array of that type."""
    module = type(obj).__module__
    return module.startswith(("numpy", "pandas")) and type(obj).__name__.endswith(
        ("DType", "Dtype", "dtype")
    )


def cell_names(source: str, transform: Callable[[str], str] | None = None) -> set[str] | None:
    """Names a cell's code mentions, or None when the cell may reach variables unnamed."""
    try:
        code = transform(source) if transform is not None else source
        tree = ast.parse(code)
    except SyntaxError:
        return set()  # the cell did not run
    except Exception:
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id in UNKNOWN_NAMES and not _is_safe_magic_call(node, tree):
                return None
            names.add(node.id)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if any((m or "").partition(".")[0] in UNKNOWN_IMPORTS for m in mods):
                return None
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "modules"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            return None  # sys.modules['__main__']
    return names


def _is_safe_magic_call(name: ast.Name, tree: ast.AST) -> bool:
    """``get_ipython().run_line_magic('version', ...)``: our own magic, nothing else."""
    if name.id != "get_ipython":
        return False
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_line_magic"
            and isinstance(node.func.value, ast.Call)
            and node.func.value.func is name
        ):
            first = node.args[0] if node.args else None
            return isinstance(first, ast.Constant) and first.value in SAFE_MAGICS
    return False


def code_globals(code: types.CodeType) -> set[str]:
    """Global (and attribute) names a code object and its nested code may use: a superset."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_globals(const)
    return names


@dataclass
class Reach:
    """What a set of variables can reach: object ids, array memory, notebook code's globals."""

    ids: set[int] = field(default_factory=set)
    extents: list[Extent] = field(default_factory=list)
    code_names: set[str] = field(default_factory=set)


def reach(roots: Iterable[Any], skip: Iterable[int] = ()) -> Reach:
    """Walk the object graph from ``roots`` (not into modules, library classes or ``skip``)."""
    out = Reach()
    ids = out.ids
    visited: set[int] = set(skip)
    stack = [o for o in roots if type(o) not in _ATOMIC_SET]
    while stack:
        obj = stack.pop()
        oid = id(obj)
        if oid in visited:
            continue
        visited.add(oid)
        tp = type(obj)
        if tp in _CONTAINERS:  # the common case, kept fast
            ids.add(oid)
            stack.extend(o for o in gc.get_referents(obj) if type(o) not in _ATOMIC_SET)
            continue
        if tp in _IMMUTABLE:  # shared singletons such as ``()``: traverse, never link
            stack.extend(o for o in obj if type(o) not in _ATOMIC_SET)
            continue
        if isinstance(obj, types.ModuleType) or _is_dtype(obj):
            continue
        ids.add(oid)
        if isinstance(obj, type):
            if obj.__module__ == "__main__":
                stack.extend(vars(obj).values())
            continue
        if isinstance(obj, types.FunctionType):
            if obj.__module__ == "__main__":
                out.code_names |= code_globals(obj.__code__)
            stack.extend(obj.__defaults__ or ())
            stack.extend((obj.__kwdefaults__ or {}).values())
            for cell in obj.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    stack.append(cell.cell_contents)
            stack.extend(vars(obj).values())
            continue
        if isinstance(obj, types.CodeType | types.FrameType):
            continue
        if tp.__module__ == "__main__":
            stack.append(tp)
        if tp.__module__.startswith("matplotlib") and _figure_reach(obj, ids, visited):
            continue
        if tp.__module__.startswith(("numpy", "torch")):
            _add_memory(obj, out, stack)
        stack.extend(o for o in gc.get_referents(obj) if type(o) not in _ATOMIC_SET)
    return out


def _figure_reach(obj: Any, ids: set[int], visited: set[int]) -> bool:
    """A matplotlib artist reaches its figure and the artists the figure draws, nothing
    more: walking a figure's whole graph (transforms, fonts, callbacks: tens of thousands
    of objects) made every save and restore of a plotting notebook slow. A cell that
    changes a figure does so through an artist (``ax``, ``line``, ``fig``) it names."""
    if not matplotlib_refs.is_artist(obj):
        return False
    fig = matplotlib_refs.root_figure(obj)
    if fig is None:
        return False
    members = matplotlib_refs.figure_members(fig) if id(fig) not in visited else []
    visited.add(id(fig))
    ids.add(id(fig))
    for member in members:
        ids.add(id(member))
        visited.add(id(member))
    return True


def _add_memory(obj: Any, out: Reach, stack: list[Any]) -> None:
    """Array and tensor memory extents (views share memory without sharing objects)."""
    module = type(obj).__module__.partition(".")[0]
    if module == "numpy" and hasattr(obj, "__array_interface__") and hasattr(obj, "base"):
        try:
            import numpy as np

            lo, hi = np.lib.array_utils.byte_bounds(obj)
            if hi > lo:
                out.extents.append((int(lo), int(hi)))
            if obj.base is not None:
                stack.append(obj.base)
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
        except Exception:
            return
    elif module == "torch" and hasattr(obj, "untyped_storage"):
        try:
            storage = obj.untyped_storage()
            start, size = int(storage.data_ptr()), int(storage.nbytes())
            if size:
                out.extents.append((start, start + size))
            if getattr(obj, "grad", None) is not None:
                stack.append(obj.grad)
        except Exception:
            return


def overlaps(a: list[Extent], b: list[Extent]) -> bool:
    """Whether any memory extent of ``a`` overlaps one of ``b``."""
    if not a or not b:
        return False
    return any(lo < hi2 and lo2 < hi for lo, hi in a for lo2, hi2 in b)


class Footprint:
    """What one variable reached when it was last encoded.

    Pickled (a background save hands footprints to the kernel) as packed machine words:
    tens of thousands of ids unpickle as one bytes object instead of as many ints, and are
    unpacked only when a plan reads ``ids`` (in the next child, off the kernel's path).
    """

    __slots__ = ("_ids", "_packed", "code_names", "extents")

    def __init__(
        self,
        ids: frozenset[int] | None,
        extents: tuple[Extent, ...],
        code_names: frozenset[str] = frozenset(),
        *,
        packed: bytes | None = None,
    ) -> None:
        self._ids = ids
        self._packed = packed
        self.extents = extents
        #: globals named by notebook code it holds: pickled by value, they are part of it
        self.code_names = code_names

    @property
    def ids(self) -> frozenset[int]:
        if self._ids is None:
            self._ids = frozenset(array.array("Q", self._packed or b""))
            self._packed = None
        return self._ids

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._packed if self._ids is None else array.array("Q", self._ids).tobytes()
        return (_unpickle_footprint, (packed, self.extents, self.code_names))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Footprint):
            return NotImplemented
        return (self.ids, self.extents, self.code_names) == (
            other.ids,
            other.extents,
            other.code_names,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Footprint({len(self.ids)} ids, {len(self.extents)} extents, {self.code_names})"


def _unpickle_footprint(
    packed: bytes, extents: tuple[Extent, ...], code_names: frozenset[str]
) -> Footprint:
    return Footprint(None, extents, code_names, packed=packed)


def footprint(value: Any, ns_id: int) -> Footprint:
    r = reach([value], skip=(ns_id,))
    return Footprint(frozenset(r.ids), tuple(r.extents), frozenset(r.code_names))


@dataclass
class Tracker:
    """Per-kernel tracking state between saves.

    ``base`` is the version id the state belongs to: a save whose previous version is not
    ``base`` (another process saved, a restore moved things) makes a full pass.
    """

    base: str | None = None
    ids: dict[str, int] = field(default_factory=dict)
    footprints: dict[str, Footprint] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    unknown: bool = True
    saves_since_full: int = 0
    #: names fingerprinted by the last save (observable in tests and the bench)
    last_fingerprinted: list[str] = field(default_factory=list)
    #: records that live values are known to equal although ``base`` has others: a restore
    #: assigned them from another version (see :meth:`adopt`); cleared by the next commit
    restored: dict[str, VariableRecord] = field(default_factory=dict)
    _last_cell: tuple[str, frozenset[str] | None] | None = field(default=None, repr=False)

    def note_cell(self, source: str, transform: Callable[[str], str] | None = None) -> None:
        """Record what a cell that ran mentions (call for failed cells too).

        A cell is noted before and after it runs: the second note reuses the first parse.
        """
        last = self._last_cell
        names: frozenset[str] | set[str] | None
        if last is not None and last[0] == source:
            names = last[1]
        else:
            names = cell_names(source, transform)
            self._last_cell = (source, None if names is None else frozenset(names))
        if names is None:
            self.unknown = True
        else:
            self.pending |= names

    def invalidate(self) -> None:
        """The namespace changed behind the tracker's back: the next save is a full pass."""
        self.unknown = True

    def take(self, *, consume: bool = True, full: bool = False) -> Pending:
        """The pending state for a save; ``consume`` starts a new one for the next save.

        ``full`` (or every :data:`FULL_PASS_EVERY`-th consuming save) asks for a full pass.
        """
        periodic = consume and self.saves_since_full + 1 >= FULL_PASS_EVERY
        taken = Pending(
            names=set(self.pending),
            unknown=full or self.unknown or periodic,
            base=self.base,
            ids=dict(self.ids),
            footprints=self.footprints,
            restored=dict(self.restored),
        )
        if consume:
            self.pending = set()
            self.unknown = False
        return taken

    def give_back(self, taken: Pending) -> None:
        """A save failed: what it took is still pending, and the next save is a full pass."""
        self.pending |= taken.names
        self.unknown = True

    def adopt(self, name: str, value: Any, record: VariableRecord, ns_id: int) -> None:
        """A restore bound ``name`` to ``value``, which equals the stored ``record``.

        Until a cell mentions it (or its binding changes), the next save and restore treat
        it as untouched with that record: no encoding, no fingerprint.
        """
        self.adopt_all([(name, value, record)], ns_id)

    def adopt_all(self, adopted: list[tuple[str, Any, VariableRecord]], ns_id: int) -> None:
        """:meth:`adopt` for many names, copying the footprint map once (not once per name:
        a restore of 50,000 variables spent minutes copying it)."""
        footprints = dict(self.footprints)  # a Pending taken earlier may share the old one
        for name, value, record in adopted:
            self.pending.discard(name)
            self.ids[name] = id(value)
            footprints[name] = footprint(value, ns_id)
            self.restored[name] = record.copy()
        self.footprints = footprints

    def forget(self, name: str) -> None:
        """``name`` was removed or reassigned in a way the tracker cannot vouch for."""
        self.pending.add(name)
        self.restored.pop(name, None)

    def commit(self, base: str, ids: dict[str, int], outcome: Outcome) -> None:
        """A save finished as version ``base``; ``ids`` are the bindings it saw."""
        self.base = base
        self.ids = ids
        self.restored = {}
        if outcome.full:
            self.footprints = dict(outcome.footprints)
            self.saves_since_full = 0
        else:
            self.footprints = {
                n: fp for n, fp in self.footprints.items() if n in ids and n not in outcome.encoded
            }
            self.footprints.update(outcome.footprints)
            self.saves_since_full += 1
        self.last_fingerprinted = sorted(outcome.encoded)


@dataclass
class Pending:
    """What a save takes from the tracker: mentioned names and the state at the last save."""

    names: set[str]
    unknown: bool
    base: str | None
    ids: dict[str, int]
    footprints: Mapping[str, Footprint]
    #: records restores assigned since ``base`` (they stand in for ``base``'s)
    restored: Mapping[str, VariableRecord] = field(default_factory=dict)

    def previous(self, recorded: Mapping[str, VariableRecord]) -> dict[str, VariableRecord]:
        """The records live values are known to match: ``recorded`` overlaid by restores."""
        return {**recorded, **self.restored} if self.restored else dict(recorded)


@dataclass
class Outcome:
    """What a save encoded, and the footprints of those variables (for the next plan)."""

    full: bool
    encoded: set[str]
    footprints: dict[str, Footprint]


def plan(
    ns: Mapping[str, Any],
    candidates: Iterable[str],
    recorded: Iterable[str],
    pending: Pending,
    previous_id: str | None,
    fresh: dict[str, Footprint] | None = None,
) -> set[str] | None:
    """Names among ``candidates`` to encode again, or None for a full pass.

    ``fresh`` receives the current footprints computed on the way (reusable after saving,
    as long as nothing ran in between).
    """
    if pending.unknown or pending.base is None or pending.base != previous_id:
        return None
    from ..capture import is_capturable_name

    cands = [n for n in candidates if n in ns and is_capturable_name(n, ns[n])]
    recorded = set(recorded)
    dirty = {n for n in cands if n in pending.names}
    for n in cands:
        if n not in recorded or pending.ids.get(n) != id(ns[n]) or n not in pending.footprints:
            dirty.add(n)
    ns_id = id(ns)
    frontier = set(dirty)
    touched = Reach()
    fresh = {} if fresh is None else fresh
    while frontier:  # functions reached may use further globals
        for n in frontier:
            fp = fresh[n] = footprint(ns[n], ns_id)
            touched.ids |= fp.ids
            touched.extents += fp.extents
            touched.code_names |= fp.code_names
        frontier = {n for n in touched.code_names if n in ns and n not in dirty}
        dirty |= frontier
    for n in dirty:
        old = pending.footprints.get(n)
        if old is not None:
            touched.ids |= old.ids
            touched.extents += old.extents
    for n in cands:
        if n in dirty:
            continue
        fp = pending.footprints[n]
        if not fp.ids.isdisjoint(touched.ids) or overlaps(list(fp.extents), touched.extents):
            dirty.add(n)
    # notebook functions are saved with the globals they name: those changing change them
    gone = pending.names | {n for n in recorded if n not in ns}
    grew = True
    while grew:
        grew = False
        for n in cands:
            if n in dirty:
                continue
            names = pending.footprints[n].code_names
            if not (names.isdisjoint(dirty) and names.isdisjoint(gone)):
                dirty.add(n)
                grew = True
    return dirty
