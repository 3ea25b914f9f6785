"""``matplotlib`` kind: a figure saved by value, once, with a summary for the UI.

A user who restores a version wants ``fig`` back as a figure: displayed by the next
``fig`` cell, editable (``ax.set_title(...)``), savable with ``savefig``. Matplotlib
supports pickling figures (without their canvas and renderer) for exactly that, and it is
cheap: a four-subplot figure pickles in about 10 ms and loads in about 15 ms. What made
figures slow was around the pickle: a thousand tiny arrays stored as separate objects,
every ``ax``/``line``/``cbar`` variable carrying its own copy of the figure, and change
tracking walking the figure's whole object graph (transforms, fonts, callbacks).

So a figure is pickled with its small buffers in the stream (:mod:`.pickle_kind`), it is
a shareable kind (other variables refer to it and to its artists by path, see
:mod:`.matplotlib_refs`), and tracking knows it by the artists it draws. No image is
rendered at save time: rendering costs more than pickling and the notebook's outputs
already hold the picture.
"""

from __future__ import annotations

from typing import Any

from .base import Buffers, Encoded, Serializer, short_repr
from .matplotlib_refs import is_figure
from .pickle_kind import PickleSerializer

KIND = "matplotlib"
_pickle = PickleSerializer()


def _axes_facts(ax: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, get in (("title", "get_title"), ("xlabel", "get_xlabel"), ("ylabel", "get_ylabel")):
        text = getattr(ax, get, lambda: "")()
        if text:
            facts[key] = short_repr(text, 80).strip("'\"")
    for key in ("lines", "collections", "patches", "images"):
        n = len(getattr(ax, key, ()))
        if n:
            facts[key] = n
    return facts


def summary_and_stats(fig: Any) -> tuple[str, dict[str, Any]]:
    """One line (``Figure 6x3 in, 1 axes: 'Trigonometry'``) and JSON facts for diffs."""
    try:
        w, h = (float(x) for x in fig.get_size_inches())
        axes = [_axes_facts(ax) for ax in fig.axes[:20]]
        title = getattr(fig, "get_suptitle", lambda: "")() or next(
            (a["title"] for a in axes if "title" in a), ""
        )
    except Exception:  # a figure in an odd state still saves; only the summary is plain
        return "Figure", {}
    line = f"Figure {w:g}x{h:g} in, {len(fig.axes)} axes" + (f": {title!r}" if title else "")
    return line, {"size_inches": [w, h], "n_axes": len(fig.axes), "axes": axes}


class FigureSerializer(Serializer):
    """Matplotlib figures: matplotlib's own pickling, one object per figure."""

    kind = KIND
    shareable = True
    always_needs_trust = True  # it is a pickle: loading runs code

    def matches(self, obj: Any) -> bool:
        return is_figure(obj)

    def encode(self, obj: Any) -> Encoded | None:
        enc = _pickle.encode(obj)  # raises Unserializable with the reason
        summary, stats = summary_and_stats(obj)
        return Encoded(
            kind=KIND,
            meta={**enc.meta, "pickler": enc.kind},
            buffers=enc.buffers,
            type_name=enc.type_name,
            summary=summary,
            stats={"type": enc.type_name, **stats},
            needs_trust=True,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        pickler = meta.get("pickler")
        if pickler not in ("pickle", "cloudpickle"):
            raise ValueError(f"unknown pickler {pickler!r}")
        return _pickle.decode(pickler, meta, buffers, allow_untrusted=allow_untrusted)
