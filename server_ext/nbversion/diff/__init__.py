"""Diffs between versions as plain data (JSON-able dicts), rendered by each front end."""

from .versions import diff_manifests

__all__ = ["diff_manifests"]
