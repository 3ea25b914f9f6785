"""Diffs between versions as plain data (JSON-able dicts), rendered by each front end.

``diff_versions(repo, a, b)`` is the engine; ``to_text`` and ``to_html`` render its data.
The format is documented in ``docs/diff.schema.json``.
"""

from .options import DiffOptions
from .render_html import to_html
from .render_text import to_text
from .versions import diff_manifests, diff_versions

__all__ = ["DiffOptions", "diff_manifests", "diff_versions", "to_html", "to_text"]
