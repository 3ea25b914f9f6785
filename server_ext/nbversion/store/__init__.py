"""The version store: content-addressed objects, manifests, refs, index, gc and fsck.

No tornado or IPython imports here: every front end (REST, magic, CLI) builds on
:class:`Repository` and :class:`ObjectStore`.
"""

from __future__ import annotations

from .chunking import CHUNK_SIZE, ChunkList
from .config import Config, RetentionPolicy, load_config
from .fsck import FsckReport, Problem
from .gc import GcReport
from .manifest import Manifest, ManifestError
from .objects import ObjectStore, hash_bytes
from .refs import ReflogEntry, RefStore, check_ref_name
from .repository import STORE_DIR, Repository
from .versions import CorruptManifest

__all__ = [
    "CHUNK_SIZE",
    "STORE_DIR",
    "ChunkList",
    "Config",
    "CorruptManifest",
    "FsckReport",
    "GcReport",
    "Manifest",
    "ManifestError",
    "ObjectStore",
    "Problem",
    "RefStore",
    "ReflogEntry",
    "Repository",
    "RetentionPolicy",
    "check_ref_name",
    "hash_bytes",
    "load_config",
]
