"""Which names and paths a version may carry: one rule, checked where a version is read.

A manifest can be written by hand by anyone who can write to a shared folder, bucket or
git repository, so every name in it is checked before it is used:

* a **variable name** must be a plain identifier that is not a keyword, not ``_``-prefixed
  (IPython's ``_``, ``_i3``, ``_oh`` and dunders such as ``__builtins__``) and not one of
  IPython's own names (``In``, ``Out``, ``get_ipython``, ``exit``, ``quit``). Binding such a
  name would break the kernel until a restart. The capture side uses the same rule, so a
  version made here always passes.
* a **data-file path** is relative, POSIX-style, within the project: no absolute path, no
  drive, no ``..``, ``.`` or empty component, no backslash or control character, and
  short enough for the file system. Writing it can then never leave the project root.
"""

from __future__ import annotations

import keyword
import re

from ..errors import InvalidInput

#: Names IPython binds in every user namespace; a version never carries them.
IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit"})
#: Longest variable name accepted (Python has no limit; a manifest needs one).
MAX_NAME = 256
#: Longest data-file path accepted, and longest single component (common OS limits).
MAX_PATH = 1024
MAX_COMPONENT = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def variable_name_problem(name: object) -> str | None:
    """Why ``name`` may not be bound in a user's namespace, or None when it may."""
    if not isinstance(name, str) or not name:
        return "it is empty or not a string"
    if len(name) > MAX_NAME:
        return f"it is longer than {MAX_NAME} characters"
    if not name.isidentifier() or name != _normalized(name):
        return "it is not a Python identifier"
    if keyword.iskeyword(name):
        return "it is a Python keyword"
    if name.startswith("_"):
        return "names starting with '_' belong to Python and IPython"
    if name in IPYTHON_NAMES:
        return "it is one of IPython's own names"
    return None


def _normalized(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", name)


def is_variable_name(name: object) -> bool:
    """True when ``name`` may be saved and restored as a variable."""
    return variable_name_problem(name) is None


def check_variable_name(name: object) -> str:
    """``name`` when it is a valid variable name; else raise :class:`InvalidInput`."""
    why = variable_name_problem(name)
    if why is not None:
        raise InvalidInput(f"invalid variable name {name!r}: {why}")
    assert isinstance(name, str)
    return name


def data_path_problem(path: object) -> str | None:
    """Why ``path`` is not a safe project-relative data-file path, or None when it is."""
    if not isinstance(path, str) or not path:
        return "it is empty or not a string"
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH:
        return f"it is longer than {MAX_PATH} bytes"
    if _CONTROL.search(path):
        return "it contains a backslash or a control character"
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "it is absolute"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return "it has an empty, '.' or '..' component"
        if len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT:
            return f"a component is longer than {MAX_COMPONENT} bytes"
    return None


def check_data_path(path: object) -> str:
    """``path`` when it is a safe project-relative path; else raise :class:`InvalidInput`."""
    why = data_path_problem(path)
    if why is not None:
        raise InvalidInput(f"invalid data-file path {path!r}: {why}")
    assert isinstance(path, str)
    return path
