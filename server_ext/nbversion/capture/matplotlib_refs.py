"""Where matplotlib objects live inside a figure, and how animations are pickled.

A plotting cell binds several names to one figure: ``fig, ax = plt.subplots()``,
``(line,) = ax.plot(...)``, ``cbar = fig.colorbar(im)``, ``ani = FuncAnimation(fig, ...)``.
Pickled one by one, each would carry its own copy of the whole figure, and after a restore
``ax`` would no longer draw into ``fig``. So the figure is stored once (see
:mod:`.matplotlib_kind`) and every artist in it is known by its path from the figure
(``axes.0.lines.1``): a pickled variable that holds one -- or is one -- refers to it by
``(figure variable, path)``, and a restore finds it in the restored figure.

Nothing here imports matplotlib: a process that never loaded it has no figures.
"""

from __future__ import annotations

import copyreg
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

#: The artist lists of an Axes (and of a Figure) whose members get a path.
_AXES_LISTS = ("lines", "patches", "collections", "images", "texts", "tables", "artists")
_AXES_ATTRS = ("xaxis", "yaxis", "title", "legend_")
_FIGURE_LISTS = ("texts", "lines", "patches", "images", "legends", "artists")


def loaded() -> bool:
    """Whether matplotlib is imported in this process (else nothing can be a figure)."""
    return "matplotlib" in sys.modules


def is_figure(obj: Any) -> bool:
    """A ``matplotlib.figure.Figure`` (subclasses too), tested without importing anything."""
    if not loaded():
        return False
    figure = sys.modules.get("matplotlib.figure")
    return figure is not None and isinstance(obj, figure.Figure)


def is_artist(obj: Any) -> bool:
    """Any matplotlib artist (lines, axes, figures, texts...), without importing anything."""
    artist = sys.modules.get("matplotlib.artist") if loaded() else None
    return artist is not None and isinstance(obj, artist.Artist)


def root_figure(artist: Any) -> Any:
    """The top-level figure an artist draws in (through subfigures), or None."""
    fig = artist
    for _ in range(10):
        if is_figure(fig):
            return fig
        parent = getattr(fig, "figure", None)
        if parent is None or parent is fig:
            return None
        fig = parent
    return None


def artist_paths(fig: Any) -> Iterator[tuple[Any, str]]:
    """``(object, path)`` for the axes, axis, artists and containers of a figure.

    The path is dotted attributes and list indexes from the figure, and resolves the same
    way in the figure after a pickle round trip (matplotlib keeps these lists in order).
    """
    for i, ax in enumerate(getattr(fig, "axes", [])):
        base = f"axes.{i}"
        yield ax, base
        for attr in _AXES_ATTRS:
            value = getattr(ax, attr, None)
            if value is not None:
                yield value, f"{base}.{attr}"
        if getattr(ax, "_colorbar", None) is not None:  # ``cbar = fig.colorbar(im)``
            yield ax._colorbar, f"{base}._colorbar"
        for attr in (*_AXES_LISTS, "containers"):
            for j, item in enumerate(getattr(ax, attr, ())):
                yield from _with_scales(item, f"{base}.{attr}.{j}")
    for attr in _FIGURE_LISTS:
        for j, item in enumerate(getattr(fig, attr, ())):
            yield from _with_scales(item, f"{attr}.{j}")


def _with_scales(item: Any, path: str) -> Iterator[tuple[Any, str]]:
    """An artist, and the norm and colormap it maps data with (``norm`` and ``cmap``
    variables passed to ``imshow``/``scatter`` stay the ones the image uses)."""
    yield item, path
    for attr in ("norm", "cmap"):
        value = getattr(item, attr, None) if not isinstance(item, tuple) else None
        if value is not None:
            yield value, f"{path}.{attr}"


def figure_members(fig: Any) -> list[Any]:
    """Every artist a figure draws (``findobj``), for change tracking; [] on failure."""
    try:
        return list(fig.findobj())
    except Exception:  # a half-built figure: track it as a plain object instead
        return []


class RewoundFrames:
    """An animation's frame sequence after a restore: ``new_frame_seq()``, made on first use.

    Not made at load time: the animation's own frame function may still be half-loaded
    then (it refers back to the animation, and pickle fills such cycles in afterwards).
    """

    def __init__(self, animation: Any) -> None:
        self._animation = animation
        self._frames: Iterator[Any] | None = None

    def __iter__(self) -> RewoundFrames:
        return self

    def __next__(self) -> Any:
        if self._frames is None:
            self._frames = iter(self._animation.new_frame_seq())
        return next(self._frames)

    def __reduce__(self) -> tuple[Any, ...]:
        return RewoundFrames, (self._animation,)


def _reduce_animation(obj: Any) -> tuple[Any, ...]:
    """Pickle an animation without its frame iterator (a generator, which cannot be
    pickled): it restores rewound to its first frame, as a fresh ``FuncAnimation`` is."""
    state = {k: v for k, v in vars(obj).items() if not isinstance(v, types.GeneratorType)}
    state["frame_seq"] = RewoundFrames(obj)
    return copyreg.__newobj__, (type(obj),), state  # type: ignore[attr-defined]


def mpl_reducers() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Per-pickler reducers for matplotlib types ({} while matplotlib is not loaded)."""
    animation = sys.modules.get("matplotlib.animation") if loaded() else None
    if animation is None:
        return {}
    return {
        animation.FuncAnimation: _reduce_animation,
        animation.ArtistAnimation: _reduce_animation,
    }
