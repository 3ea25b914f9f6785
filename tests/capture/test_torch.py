"""torch tensors and modules: safetensors data, a trusted skeleton, exact outputs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from nbversion.capture import UntrustedPickle, decode, encode

from .conftest import as_stored, roundtrip

torch = pytest.importorskip(
    "torch", reason="torch not installed (pip install torch==2.13.0 for the CPU wheel)"
)
nn = torch.nn


class TwoLayer(nn.Module):  # type: ignore[misc]
    def __init__(self, hidden: int = 8) -> None:
        super().__init__()
        self.hidden = hidden
        self.fc1 = nn.Linear(4, hidden)
        self.norm = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, 2)
        self.register_buffer("scale", torch.tensor(2.0))

    def forward(self, x: Any) -> Any:
        return self.fc2(torch.relu(self.norm(self.fc1(x)))) * self.scale


@pytest.mark.parametrize(
    "t",
    [
        torch.arange(12, dtype=torch.float32).reshape(3, 4),
        torch.randn(2, 3, dtype=torch.float64),
        torch.tensor([1, 2, 3], dtype=torch.int64),
        torch.tensor([True, False]),
        torch.randn(4, 4).to(torch.bfloat16),
        torch.randn(5, 6).t(),  # non-contiguous
        torch.tensor(3.5),
        torch.zeros(0, 3),
    ],
    ids=lambda t: f"{t.dtype}-{tuple(t.shape)}",
)
def test_tensor_round_trip_without_trust(t: Any) -> None:
    enc, out = roundtrip(t)
    assert enc.kind == "torch-tensor"
    assert not enc.needs_trust
    json.dumps(enc.meta), json.dumps(enc.stats)
    assert out.dtype == t.dtype
    assert out.shape == t.shape
    assert torch.equal(out, t)


def test_tensor_buffers_form_a_safetensors_file() -> None:
    from safetensors.torch import load

    t = torch.randn(3, 5)
    enc = encode(t)
    assert torch.equal(load(b"".join(as_stored(enc)))["tensor"], t)
    # the data buffer is the tensor's own memory
    assert np.shares_memory(np.frombuffer(enc.buffers[1], dtype=np.uint8), t.numpy())


def test_parameter_and_requires_grad_survive() -> None:
    p = nn.Parameter(torch.randn(3))
    _, out = roundtrip(p)
    assert isinstance(out, nn.Parameter)
    assert out.requires_grad
    assert torch.equal(out.detach(), p.detach())


def test_module_round_trip_state_and_outputs() -> None:
    torch.manual_seed(0)
    model = TwoLayer()
    model(torch.randn(16, 4))  # moves BatchNorm running stats away from defaults
    model.eval()
    enc, out = roundtrip(model, allow_untrusted=True)
    assert enc.kind == "torch-module"
    assert enc.needs_trust
    assert type(out) is TwoLayer
    assert out.hidden == 8
    assert not out.training
    sd_in, sd_out = model.state_dict(), out.state_dict()
    assert sd_in.keys() == sd_out.keys()
    assert all(torch.equal(sd_in[k], sd_out[k]) for k in sd_in)
    x = torch.randn(5, 4)
    with torch.no_grad():
        assert torch.equal(model(x), out(x))
    assert all(p.requires_grad for p in out.parameters())


def test_module_weights_are_safetensors_named_by_state_dict() -> None:
    from safetensors.torch import load

    model = TwoLayer()
    enc = encode(model)
    weights = load(b"".join(as_stored(enc)[1:]))
    assert set(model.state_dict()) <= set(weights)
    assert torch.equal(weights["fc1.weight"], model.fc1.weight.detach())


def test_tied_weights_stay_tied() -> None:
    emb = nn.Embedding(10, 4)
    head = nn.Linear(4, 10, bias=False)
    head.weight = emb.weight
    model = nn.Sequential(emb, head)
    _, out = roundtrip(model, allow_untrusted=True)
    assert out[0].weight is out[1].weight


def test_module_needs_trust_to_load() -> None:
    enc = encode(nn.Linear(2, 2))
    with pytest.raises(UntrustedPickle):
        decode(enc.kind, enc.meta, as_stored(enc))


def test_architecture_record_in_stats() -> None:
    enc = encode(TwoLayer(hidden=8))
    stats = enc.stats
    assert stats["class"].endswith("TwoLayer")
    assert stats["parameter_count"] == 4 * 8 + 8 + 8 + 8 + 8 * 2 + 2
    assert stats["trainable_count"] == stats["parameter_count"]
    assert stats["state_dict"]["fc1.weight"] == {"shape": [8, 4], "dtype": "float32"}
    assert "Linear" in stats["repr"]
    assert enc.summary == f"TwoLayer ({stats['parameter_count']:,} parameters)"
    t = encode(torch.tensor([1.0, 3.0]))
    assert t.stats["min"] == 1.0
    assert t.stats["mean"] == 2.0
    assert t.summary == "Tensor float32 (2,)"
