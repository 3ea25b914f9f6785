"""Capture: kernel variables to bytes and back, plus the environment probe.

Pure functions with no store and no IPython: the kernel side calls ``encode`` for each
variable ``is_capturable_name`` accepts, hands ``Encoded.buffers`` to the store, and
later calls ``decode`` with the same kind, meta and buffers. See docs/serializers.md.
"""

from __future__ import annotations

from .base import Encoded, Serializer
from .environment import git_state, installed_packages, probe_environment
from .errors import UnknownKind, Unserializable, UntrustedPickle
from .import_kind import ImportSerializer
from .json_kind import JsonSerializer
from .matplotlib_kind import FigureSerializer
from .namespace import is_capturable_name, is_user_name
from .numpy_kind import NumpySerializer
from .pandas_kind import PandasSerializer
from .pickle_kind import PickleSerializer
from .polars_kind import PolarsSerializer
from .registry import decode, encode, register, serializers
from .scipy_kind import ScipySparseSerializer
from .sklearn_kind import SklearnSerializer
from .torch_kind import ModuleSerializer, TensorSerializer

register(NumpySerializer(), priority=50)
register(PandasSerializer(), priority=50)
register(PolarsSerializer(), priority=50)
register(TensorSerializer(), priority=50)
register(ModuleSerializer(), priority=50)
register(SklearnSerializer(), priority=50)
register(ScipySparseSerializer(), priority=50)
register(FigureSerializer(), priority=50)
register(JsonSerializer(), priority=40)
register(PickleSerializer(), priority=-1000)
register(ImportSerializer(), priority=0)  # decodes import references (never matches)

__all__ = [
    "Encoded",
    "Serializer",
    "UnknownKind",
    "Unserializable",
    "UntrustedPickle",
    "decode",
    "encode",
    "git_state",
    "installed_packages",
    "is_capturable_name",
    "is_user_name",
    "probe_environment",
    "register",
    "serializers",
]
