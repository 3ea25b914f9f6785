"""The restore preview names the variables a restore would unpickle without trust."""

from __future__ import annotations

from nbversion.kernel.remote import untrusted_loads


def test_untrusted_loads_names_pickled_variables_only() -> None:
    variables = {
        "p": {"kind": "cloudpickle", "type": "__main__.Point", "needs_trust": True},
        "arr": {"kind": "numpy", "type": "numpy.ndarray", "needs_trust": False},
        "old": {"kind": "pickle", "type": "builtins.set"},  # recorded before the flag existed
        "weird": {"kind": "no-such-kind", "type": "x.Y"},
        "df": {"kind": "pandas", "type": "pandas.DataFrame"},
    }
    names = ["arr", "df", "old", "p", "weird", "gone"]
    out = untrusted_loads(variables, names)
    assert out == [
        {"name": "old", "type": "builtins.set", "kind": "pickle"},
        {"name": "p", "type": "__main__.Point", "kind": "cloudpickle"},
        {"name": "weird", "type": "x.Y", "kind": "no-such-kind"},
    ]
    # only what the restore would load counts (unchanged variables are not unpickled)
    assert untrusted_loads(variables, ["arr"]) == []
