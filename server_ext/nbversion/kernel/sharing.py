"""Which objects a pickled variable refers to by name, so identity survives a restore.

``shared = [1, 2]; alias = {"s": shared}``: saved each as its own JSON, they would come
back as two lists. And an optimizer pickled on its own holds copies of the model's
parameters, so training after a restore would no longer update the model. So, while a
namespace is captured, :mod:`..capture.pickle_kind` pickles references to these objects by
name (``persistent_id``), and a restore resolves them to the restored variables:

- plain containers (``list``, ``dict``, ``tuple``, ``set``) that are variables *and* sit
  inside another variable: the holder declines JSON and is pickled with a reference;
- the parameters and buffers of torch modules, as ``(variable, "fc.weight")``;
- functions and classes defined in the notebook, so ``double = partial(scale, k=2)`` and
  the instances of ``Point`` refer to the restored ``scale`` and ``Point`` (functions and
  classes themselves still hold other code by value: references never form a cycle).

Only containers that hold no other such container are referenced (a cycle of references
could not be restored one variable at a time); the walk is bounded per variable.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, MutableMapping
from typing import Any

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


def add_notebook_code(
    shared: MutableMapping[int, Target], variables: Iterable[tuple[str, Any]]
) -> None:
    """Let pickles refer to the notebook's own functions and classes by variable name."""
    for name, value in variables:
        if isinstance(value, type | types.FunctionType) and value.__module__ == "__main__":
            shared.setdefault(id(value), name)
