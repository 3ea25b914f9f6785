"""Saving has no side effects on user objects: no load-back decoding in the kernel."""

from __future__ import annotations

from .conftest import Kernel, head_manifest, value

CLASSES = """
built = 0
dumped = 0
def rebuild(v):
    global built
    built += 1
    return Thing(v)
class Thing:
    def __init__(self, v):
        self.v = v
    def __reduce__(self):
        global dumped
        dumped += 1
        return (rebuild, (self.v,))
t = Thing(3)
"""


def test_a_save_runs_no_reconstructor_in_the_kernel(nbk: Kernel) -> None:
    nbk.check(CLASSES)
    nbk.check("%version save -m one")
    # pickling ran __reduce__ once; the load-back check rebuilt it in a forked copy only
    assert value(nbk, "[built, dumped]") == [0, 1]
    nbk.check("t.v = 4")
    nbk.check("%version save -m two")
    assert value(nbk, "[built, dumped]") == [0, 2]


def test_values_that_cannot_load_back_are_still_caught(nbk: Kernel, project: object) -> None:
    nbk.check(
        "class Bad:\n    def __reduce__(self):\n        return (int, ('not a number',))\n"
        "bad = Bad()\nok = [1, 2]"
    )
    nbk.check("%version save -m bad")
    m = head_manifest(project)  # type: ignore[arg-type]
    skipped = {s["name"]: s["reason"] for s in m["skipped"]}  # type: ignore[attr-defined]
    assert "could not be loaded back" in skipped["bad"]
    assert "ok" in m["variables"]  # type: ignore[operator]
