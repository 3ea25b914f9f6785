# ruff: noqa: E501  (kernel code sent as one cell: kept as written)
"""Semantic fingerprints of a kernel's variables, computed inside the kernel.

Equal fingerprints mean "the same for the user": the same module bound, the same function
or class, arrays and frames with equal content and dtypes, models with equal parameters
and fitted state, an optimizer with equal hyperparameters and state. Values are hashed by
content, never by identity, so a restored kernel can be compared with the one that saved.
"""

# The code below runs in the kernel (sent as a cell) and leaves only ``_nbv_fps``.
KERNEL_CODE = r"""
def _nbv_fps():
    import hashlib, pickle, types, sys
    def h(b):
        return hashlib.sha256(b).hexdigest()[:20]
    def arr(a):
        import numpy as np
        a = np.ascontiguousarray(a)
        return f"{a.dtype}{a.shape}:" + h(a.tobytes() if a.dtype != object else repr(a.tolist()).encode())
    def fp(v):
        mod = type(v).__module__ or ""
        if isinstance(v, types.ModuleType):
            return "module:" + v.__name__
        if isinstance(v, type) or isinstance(v, (types.FunctionType, types.BuiltinFunctionType)):
            code = getattr(getattr(v, "__code__", None), "co_code", b"")
            return f"callable:{v.__module__}.{v.__qualname__}:" + h(code or b"")
        if mod.startswith("numpy") and hasattr(v, "dtype"):
            return "np:" + arr(v)
        if mod.startswith("pandas"):
            import pandas as pd
            return "pd:" + h(pd.util.hash_pandas_object(v, index=True).values.tobytes()) + str(getattr(v, "dtypes", getattr(v, "dtype", "")))
        if mod.startswith("scipy.sparse"):
            return f"sparse:{v.format}:" + arr(v.toarray())
        if mod.startswith("torch"):
            import torch
            if isinstance(v, torch.Tensor):
                return "tensor:" + arr(v.detach().cpu().numpy())
            if isinstance(v, torch.nn.Module):
                return "module:" + "|".join(k + arr(t.detach().cpu().numpy()) for k, t in v.state_dict().items())
            if hasattr(v, "state_dict"):
                sd = v.state_dict()
                return type(v).__name__ + ":" + h(repr(_plain(sd)).encode())
        if mod.startswith("sklearn"):
            fitted = {k: (arr(x) if hasattr(x, "dtype") else fp(x) if type(x).__module__.startswith("sklearn") else repr(x)) for k, x in sorted(vars(v).items())}
            return "sk:" + h(repr(sorted(fitted.items())).encode())
        try:
            return "pickle:" + h(pickle.dumps(v, protocol=4))
        except Exception:
            return "repr:" + repr(v)[:200]
    def _plain(x):
        if hasattr(x, "detach"):
            return arr(x.detach().cpu().numpy())
        if isinstance(x, dict):
            return sorted((repr(k), _plain(y)) for k, y in x.items())
        if isinstance(x, (list, tuple)):
            return [_plain(y) for y in x]
        return repr(x)
    out = {}
    for name, v in list(globals().items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        try:
            out[name] = fp(v)
        except Exception as err:
            out[name] = f"error:{type(err).__name__}"
    return out
"""
