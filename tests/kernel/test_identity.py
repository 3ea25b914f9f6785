"""Identity across serializers: shared containers and an optimizer's parameters survive."""

from __future__ import annotations

from pathlib import Path

from jupyter_client.manager import start_new_kernel

from .conftest import Kernel, head_manifest, value

SETUP = (
    "import torch\ntorch.manual_seed(0)\n"
    "model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))\n"
    "opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
    "loss = model(torch.ones(4, 3)).sum()\nloss.backward()\nopt.step()\n"
    "shared = [1, 2]\nalias = {'s': shared, 'n': 3}\npair = (shared, 'x')\n"
)
CHECKS = (
    "[alias['s'] is shared, pair[0] is shared,"
    " opt.param_groups[0]['params'][0] is model[0].weight,"
    " all(p is q for p, q in zip(opt.param_groups[0]['params'], model.parameters())),"
    " len(opt.state), all(k is p for k, p in zip(opt.state, model.parameters()))]"
)
EXPECTED = [True, True, True, True, 4, True]


def _train_step_moves(k: Kernel) -> bool:
    before = value(k, "sum(p.detach().abs().sum().item() for p in model.parameters())")
    k.check("opt.zero_grad()\nmodel(torch.ones(4, 3)).sum().backward()\nopt.step()")
    return before != value(k, "sum(p.detach().abs().sum().item() for p in model.parameters())")


def test_identity_survives_a_live_restore(nbk: Kernel, project: Path) -> None:
    nbk.check(SETUP)
    nbk.check("%version save -m one")
    variables = head_manifest(project)["variables"]
    assert variables["alias"]["refs"] == ["shared"]  # type: ignore[index]
    nbk.check("del shared, alias, pair, opt, model")
    nbk.check("%version restore HEAD")
    assert value(nbk, CHECKS) == EXPECTED
    assert _train_step_moves(nbk)


def test_identity_survives_a_fresh_kernel(
    nbk: Kernel, project: Path, kernel_env: dict[str, str]
) -> None:
    nbk.check(SETUP)
    nbk.check("%version save -m one")
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=kernel_env)
    fresh = Kernel(km, kc)
    try:
        fresh.check("%load_ext nbversion")
        fresh.check(
            f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})"
        )
        fresh.check("del nbversion")
        fresh.check("%version restore HEAD")
        assert value(fresh, CHECKS) == EXPECTED
        assert _train_step_moves(fresh)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
