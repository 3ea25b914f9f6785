"""``%load_ext nbversion`` and ``%version`` in a real kernel."""

from __future__ import annotations

from .conftest import Kernel


def test_load_ext_registers_the_version_magic(kernel: Kernel) -> None:
    kernel.check("%load_ext nbversion")
    res = kernel.check("print('version' in get_ipython().magics_manager.magics['line'])")
    assert res.stdout.strip() == "True"


def test_version_help_prints_usage(kernel: Kernel) -> None:
    kernel.check("%load_ext nbversion")
    res = kernel.check("%version --help")
    assert "usage: %version" in res.stdout
    assert "SUBCOMMAND" in res.stdout


def test_unknown_subcommand_is_a_clear_error_not_a_crash(kernel: Kernel) -> None:
    kernel.check("%load_ext nbversion")
    res = kernel.check("%version frobnicate")
    assert "%version: error:" in res.stdout
    assert "invalid choice" in res.stdout
    # the kernel is still alive and usable
    assert kernel.check("print(1 + 1)").stdout.strip() == "2"


def test_unload_ext_removes_the_magic(kernel: Kernel) -> None:
    kernel.check("%load_ext nbversion")
    kernel.check("%unload_ext nbversion")
    res = kernel.check("print('version' in get_ipython().magics_manager.magics['line'])")
    assert res.stdout.strip() == "False"
