"""Use cases behind every front end: save, list, show, restore, diff, refs, jobs."""

from .service import VersionService

__all__ = ["VersionService"]
