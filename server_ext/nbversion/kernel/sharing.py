"""Which objects a pickled variable refers to by name, so identity survives a restore.

``shared = [1, 2]; alias = {"s": shared}``: saved each as its own JSON, they would come
back as two lists. And an optimizer pickled on its own holds copies of the model's
parameters, so training after a restore would no longer update the model. So, while a
namespace is captured, :mod:`..capture.pickle_kind` pickles references to these objects by
name (``persistent_id``), and a restore resolves them to the restored variables:

- plain containers (``list``, ``dict``, ``tuple``, ``set``) that are variables *and* sit
  inside another variable: the holder declines JSON and is pickled with a reference;
- the parameters and buffers of torch modules, as ``(variable, "fc.weight")``;
- the axes and artists of a matplotlib figure, as ``(variable, "axes.0.lines.1")``, so
  ``ax``, ``line`` and ``cbar`` stay parts of the restored ``fig``;
- functions and classes defined in the notebook, so ``double = partial(scale, k=2)`` and
  the instances of ``Point`` refer to the restored ``scale`` and ``Point`` (functions and
  classes themselves still hold other code by value: references never form a cycle).

Only containers that hold no other such container are referenced (a cycle of references
could not be restored one variable at a time); the walk is bounded per variable.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from ..capture.matplotlib_refs import artist_paths
from ..store.records import VariableRecord

_CONTAINERS = (list, dict, tuple, set, frozenset)
#: Objects visited per variable while looking for shared containers.
MAX_NODES = 20_000

Target = str | tuple[str, str]


def _inner(value: Any) -> set[int]:
    """Ids of the containers nested (at any depth) inside the container ``value``."""
    found: set[int] = set()
    stack = [value]
    budget = MAX_NODES
    while stack and budget > 0:
        obj = stack.pop()
        budget -= 1
        children = obj.values() if type(obj) is dict else obj
        for child in children:
            if type(child) in _CONTAINERS and id(child) not in found:
                found.add(id(child))
                stack.append(child)
        if type(obj) is dict:
            for key in obj:
                if type(key) in (tuple, frozenset) and id(key) not in found:
                    found.add(id(key))
                    stack.append(key)
    return found


def shared_containers(variables: Iterable[tuple[str, Any]]) -> dict[int, Target]:
    """``id -> name`` of container variables that another variable holds (leaves only)."""
    tops = [(n, v) for n, v in variables if type(v) in _CONTAINERS]
    if len(tops) < 2:
        return {}
    inner = {id(v): _inner(v) for _, v in tops}
    held: set[int] = set()
    for ids in inner.values():
        held |= ids
    targets = {id(v): n for n, v in tops if id(v) in held}
    return {i: n for i, n in targets.items() if inner[i].isdisjoint(targets)}


def add_module_tensors(shared: MutableMapping[int, Target], name: str, module: Any) -> None:
    """Let pickles refer to a torch module's parameters and buffers by attribute path."""
    try:
        named = [*module.named_parameters(), *module.named_buffers()]
    except Exception:  # not a well-formed module: nothing to share
        return
    for path, tensor in named:
        shared.setdefault(id(tensor), (name, path))


def add_parts(shared: MutableMapping[int, Target], name: str, value: Any, kind: str) -> None:
    """Let pickles refer to the parts of a variable of a shareable kind by path: a torch
    module's parameters and buffers, a matplotlib figure's axes and artists."""
    if kind == "torch-module":
        add_module_tensors(shared, name, value)
    elif kind == "matplotlib":
        for part, path in artist_paths(value):
            shared.setdefault(id(part), (name, path))


def add_notebook_code(
    shared: MutableMapping[int, Target], variables: Iterable[tuple[str, Any]]
) -> None:
    """Let pickles refer to the notebook's own functions and classes by variable name."""
    for name, value in variables:
        if isinstance(value, type | types.FunctionType) and value.__module__ == "__main__":
            shared.setdefault(id(value), name)


def follow_refs(plan: dict[str, list[str]], variables: Mapping[str, VariableRecord]) -> None:
    """A variable that refers to a reloaded one is reloaded too, although its own record
    matches: the live ``ax`` (or optimizer) holds parts of the old ``fig`` (or model)."""
    reloaded = set(plan["restore"])
    moved = True
    while moved:
        moved = False
        for name in list(plan["unchanged"]):
            refs = variables[name].get("refs") or []
            if reloaded.intersection(refs):
                plan["unchanged"].remove(name)
                plan["restore"].append(name)
                reloaded.add(name)
                moved = True
    plan["restore"].sort()
