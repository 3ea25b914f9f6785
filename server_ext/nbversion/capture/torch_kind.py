"""PyTorch tensors and modules: tensor data as safetensors, never through pickle.

The buffers of an encoded tensor or module, concatenated, are a valid safetensors file:
buffer 0 is the 8-byte length plus JSON header, then one buffer per tensor, taken from
the tensor's memory without a copy (CPU, contiguous). One buffer per tensor lets the
store dedup the unchanged layers of a fine-tuned model.

A module's Python structure (its class, submodules, hyperparameters, hooks) cannot be
rebuilt from weights alone: it is pickled with cloudpickle, each tensor replaced by a
persistent id naming its state_dict entry. That small skeleton needs trust to load.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
from typing import Any

from .base import Buffers, Encoded, Serializer, json_number, qualified_name, type_names

_TENSOR = "torch.Tensor"
_MODULE = "torch.nn.modules.module.Module"
_DTYPES = {
    "torch.float64": "F64",
    "torch.float32": "F32",
    "torch.float16": "F16",
    "torch.bfloat16": "BF16",
    "torch.int64": "I64",
    "torch.int32": "I32",
    "torch.int16": "I16",
    "torch.int8": "I8",
    "torch.uint8": "U8",
    "torch.bool": "BOOL",
    "torch.float8_e4m3fn": "F8_E4M3",
    "torch.float8_e5m2": "F8_E5M2",
}
STATS_MAX_ELEMENTS = 10_000_000


class _NotPlain(Exception):
    """A tensor safetensors cannot hold (sparse, quantized, meta, exotic dtype)."""


def _raw(t: Any) -> memoryview:
    import torch

    if t.layout != torch.strided or t.is_quantized or t.device.type == "meta":
        raise _NotPlain
    if str(t.dtype) not in _DTYPES:
        raise _NotPlain
    t = t.detach().resolve_conj().resolve_neg().cpu().contiguous()
    return memoryview(t.reshape(-1).view(torch.uint8).numpy())


def safetensors_buffers(tensors: dict[str, Any]) -> list[memoryview]:
    """Header buffer plus one zero-copy buffer per tensor; joined they form a .safetensors."""
    header: dict[str, Any] = {}
    data: list[memoryview] = []
    offset = 0
    for name, t in tensors.items():
        raw = _raw(t)
        header[name] = {
            "dtype": _DTYPES[str(t.dtype)],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + raw.nbytes],
        }
        offset += raw.nbytes
        data.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return [memoryview(struct.pack("<Q", len(text)) + text), *data]


def _load_safetensors(buffers: Buffers) -> dict[str, Any]:
    from safetensors.torch import load

    return load(b"".join(bytes(b) if not isinstance(b, bytes) else b for b in buffers))


class TensorSerializer(Serializer):
    """``torch-tensor`` kind: a plain tensor or Parameter; loads without trust."""

    kind = "torch-tensor"
    shareable = True
    diff_category = "array"

    def matches(self, obj: Any) -> bool:
        return type(obj).__module__.startswith("torch") and _TENSOR in type_names(obj)

    def encode(self, obj: Any) -> Encoded | None:
        import torch

        if type(obj) not in (torch.Tensor, torch.nn.Parameter):
            return None
        try:
            buffers = safetensors_buffers({"tensor": obj})
        except _NotPlain:
            return None
        return Encoded(
            kind=self.kind,
            meta={
                "parameter": type(obj) is torch.nn.Parameter,
                "requires_grad": bool(obj.requires_grad),
                "device": str(obj.device),
            },
            buffers=buffers,
            type_name=qualified_name(type(obj)),
            summary=f"Tensor {str(obj.dtype).removeprefix('torch.')} {tuple(obj.shape)}",
            stats=tensor_stats(obj),
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import torch

        t = _to_device(_load_safetensors(buffers)["tensor"], meta.get("device", "cpu"))
        if meta.get("parameter"):
            return torch.nn.Parameter(t, requires_grad=meta["requires_grad"])
        return t.requires_grad_(meta.get("requires_grad", False))


class ModuleSerializer(Serializer):
    """``torch-module`` kind: weights as safetensors plus a cloudpickled skeleton."""

    kind = "torch-module"
    shareable = True
    diff_category = "model"
    always_needs_trust = True

    def matches(self, obj: Any) -> bool:
        return _MODULE in type_names(obj)

    def encode(self, obj: Any) -> Encoded | None:
        import cloudpickle
        import torch

        names = {id(v): k for k, v in reversed(obj.state_dict(keep_vars=True).items())}
        tensors: dict[str, Any] = {}

        class SkeletonPickler(cloudpickle.Pickler):
            def persistent_id(self, o: Any) -> Any:
                if type(o) not in (torch.Tensor, torch.nn.Parameter):
                    return None
                name = names.setdefault(id(o), f"_extra.{len(names)}")
                tensors[name] = o
                return (name, type(o) is torch.nn.Parameter, bool(o.requires_grad))

        stream = io.BytesIO()
        try:
            SkeletonPickler(stream, protocol=5).dump(obj)
            buffers = safetensors_buffers(tensors)
        except _NotPlain:
            return None
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # the generic pickle path reports the reason
        n_params = sum(p.numel() for p in obj.parameters())
        return Encoded(
            kind=self.kind,
            meta={"skeleton": 0, "tensors": len(tensors)},
            buffers=[memoryview(stream.getbuffer()), *buffers],
            type_name=qualified_name(type(obj)),
            summary=f"{type(obj).__name__} ({n_params:,} parameters)",
            stats=module_stats(obj),
            needs_trust=True,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        import cloudpickle  # noqa: F401  (its reconstructors must be importable)
        import torch

        tensors = _load_safetensors(buffers[1:])
        made: dict[str, Any] = {}

        class SkeletonUnpickler(pickle.Unpickler):
            def persistent_load(self, pid: Any) -> Any:
                name, is_param, requires_grad = pid
                if name not in made:
                    t = tensors[name]
                    made[name] = (
                        torch.nn.Parameter(t, requires_grad=requires_grad)
                        if is_param
                        else t.requires_grad_(requires_grad)
                    )
                return made[name]

        return SkeletonUnpickler(io.BytesIO(buffers[0])).load()


def _to_device(t: Any, device: str) -> Any:
    """Move back to the saved device when it exists here; else stay on CPU."""
    if device == "cpu":
        return t
    try:
        return t.to(device)
    except (RuntimeError, AssertionError):
        return t


def tensor_stats(t: Any) -> dict[str, Any]:
    """shape, dtype, device, nbytes, and min/max/mean of bounded numeric tensors."""
    import torch

    stats: dict[str, Any] = {
        "shape": list(t.shape),
        "dtype": str(t.dtype).removeprefix("torch."),
        "device": str(t.device),
        "requires_grad": bool(t.requires_grad),
        "nbytes": int(t.numel() * t.element_size()),
    }
    if 0 < t.numel() <= STATS_MAX_ELEMENTS and (t.is_floating_point() or t.dtype == torch.int64):
        with torch.no_grad():
            d = t.detach()
            stats["min"] = json_number(d.min().item())
            stats["max"] = json_number(d.max().item())
            stats["mean"] = json_number(d.double().mean().item())
    return stats


def _bounded_repr(obj: Any, limit: int) -> str:
    try:
        text = repr(obj)
    except Exception as err:  # a broken __repr__ must not break a save
        return f"<repr failed: {type(err).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def module_stats(m: Any) -> dict[str, Any]:
    """The architecture record: class, parameter counts, state_dict shapes, short repr."""
    state = m.state_dict()
    return {
        "class": qualified_name(type(m)),
        "parameter_count": sum(p.numel() for p in m.parameters()),
        "trainable_count": sum(p.numel() for p in m.parameters() if p.requires_grad),
        "training": bool(m.training),
        "state_dict": {
            k: {"shape": list(v.shape), "dtype": str(v.dtype).removeprefix("torch.")}
            for k, v in list(state.items())[:200]
        },
        "repr": _bounded_repr(m, 1000),
    }
