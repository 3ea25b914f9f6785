# ruff: noqa: E501  (kernel code sent as one cell: kept as written)
"""Semantic fingerprints of a kernel's variables, computed inside the kernel.

Equal fingerprints mean "the same for the user": the same module bound, the same function
or class (same code), arrays and frames with equal content and dtypes, models with equal
parameters and fitted state, an optimizer with equal hyperparameters and state, figures
with the same axes, texts and plotted data, containers and plain objects with equal
members (recursively). Values are hashed by content, never by identity or address, so a
restored kernel can be compared with the one that saved.
"""

# The code below runs in the kernel (sent as a cell) and leaves only ``_nbv_fps``.
KERNEL_CODE = r"""
def _nbv_fps():
    import hashlib, pickle, types, re
    def h(b):
        return hashlib.sha256(b).hexdigest()[:20]
    def arr(a):
        import numpy as np
        a = np.ascontiguousarray(a)
        return f"{a.dtype}{a.shape}:" + h(a.tobytes() if a.dtype != object else repr(a.tolist()).encode())
    def code_fp(c):
        consts = [code_fp(k) if isinstance(k, types.CodeType) else repr(k) for k in c.co_consts]
        return h(c.co_code + repr((consts, c.co_names, c.co_varnames)).encode())
    def mpl(v, seen, depth):
        import matplotlib.figure, matplotlib.axes, matplotlib.artist, matplotlib.animation
        if isinstance(v, matplotlib.figure.Figure):
            return f"figure{tuple(v.get_size_inches())}:{v.get_suptitle() if hasattr(v, 'get_suptitle') else ''}:" + "|".join(mpl(a, seen, depth + 1) for a in v.axes)
        owner = names.get(id(getattr(v, "figure", None)), "-")  # ``ax`` draws into ``fig``
        if isinstance(v, matplotlib.axes.Axes):
            lines = [arr(l.get_xydata()) for l in v.get_lines()]
            return f"axes:{owner}:{v.get_title()}:{v.get_xlabel()}:{v.get_ylabel()}:{v.get_xlim()}:{v.get_ylim()}:{len(v.collections)}:{len(v.patches)}:{len(v.images)}:" + h(repr(lines).encode())
        if isinstance(v, matplotlib.animation.Animation):
            return f"{type(v).__name__}:{names.get(id(v._fig), '-')}:" + mpl(v._fig, seen, depth + 1)
        if type(v).__name__ == "Colorbar":  # what it shows: its axes, mapping and limits
            return f"colorbar:{names.get(id(v.ax.figure), '-')}:" + mpl(v.ax, seen, depth + 1) + mpl(v.mappable, seen, depth + 1) + f":{v.norm.vmin}:{v.norm.vmax}:{v.cmap.name}"
        if type(v).__name__ == "CallbackRegistry":  # matplotlib pickles only these callbacks
            return "callbacks:" + str(len(getattr(v, "_pickled_cids", ())))
        if isinstance(v, matplotlib.artist.Artist):
            data = getattr(v, "get_xydata", None)
            return f"{type(v).__name__}:{owner}:{v.get_label()}:" + (arr(data()) if data else "")
        return None
    def fp(v, seen=(), depth=0):
        mod = type(v).__module__ or ""
        if isinstance(v, types.ModuleType):
            return "module:" + v.__name__
        if isinstance(v, type):
            return f"class:{v.__module__}.{v.__qualname__}:" + h(repr(sorted(k for k in vars(v) if not k.startswith('__'))).encode())
        if isinstance(v, (types.FunctionType, types.BuiltinFunctionType)):
            code = getattr(v, "__code__", None)
            return f"callable:{v.__module__}.{v.__qualname__}:" + (code_fp(code) if code else "")
        if isinstance(v, types.MethodType):  # a bound method: its function and its owner's type
            return f"method:{type(v.__self__).__qualname__}:" + fp(v.__func__, seen, depth + 1)
        if mod.startswith("numpy") and hasattr(v, "dtype"):
            if mod.startswith("numpy.ma"):
                import numpy.ma as _ma
                return "ma:" + arr(v.filled(0)) + arr(_ma.getmaskarray(v))
            return "np:" + arr(v)
        if mod.startswith("pandas"):
            import pandas as pd
            try:
                return "pd:" + h(pd.util.hash_pandas_object(v, index=True).values.tobytes()) + str(getattr(v, "dtypes", getattr(v, "dtype", "")))
            except TypeError:  # unhashable cells (lists, dicts): compare them as data
                return "pd-data:" + h(repr((v.to_dict(), list(v.index))).encode()) + str(getattr(v, "dtypes", getattr(v, "dtype", "")))
        if mod.startswith("scipy.stats") and hasattr(v, "dist") and hasattr(v, "kwds"):  # frozen
            return f"rv:{v.dist.name}:{v.args!r}:{sorted(v.kwds.items())!r}"
        if mod.startswith("scipy.sparse"):
            return f"sparse:{v.format}:" + arr(v.toarray())
        if mod.startswith("matplotlib"):
            out = mpl(v, seen, depth)
            if out is not None:
                return out
        if mod.startswith("torch"):
            import torch
            if isinstance(v, torch.Generator):
                return f"generator:{v.device}:{v.initial_seed()}:" + arr(v.get_state().numpy())
            if isinstance(v, torch.Tensor):
                return "tensor:" + arr(v.detach().cpu().numpy())
            if isinstance(v, torch.nn.Module):
                return "module:" + "|".join(k + arr(t.detach().cpu().numpy()) for k, t in v.state_dict().items())
            if hasattr(v, "state_dict"):
                sd = v.state_dict()
                return type(v).__name__ + ":" + h(repr(_plain(sd)).encode())
        if mod.startswith("sklearn") and not isinstance(v, dict):
            fitted = {k: (arr(x) if hasattr(x, "dtype") else fp(x, seen, depth + 1)) for k, x in sorted(vars(v).items())}
            return "sk:" + h(repr(sorted(fitted.items())).encode())
        if id(v) in seen or depth > 8:
            return "cycle:" + type(v).__qualname__
        seen = (*seen, id(v))
        sub = lambda x: fp(x, seen, depth + 1)
        if isinstance(v, dict):
            extra = fp(v.default_factory, seen, depth + 1) if hasattr(v, "default_factory") else ""
            return f"{type(v).__qualname__}:{extra}:" + h(repr([(sub(k), sub(x)) for k, x in v.items()]).encode())
        if isinstance(v, (list, tuple)) or type(v).__name__ == "deque":
            return f"{type(v).__qualname__}:{getattr(v, 'maxlen', '')}:" + h(repr([sub(x) for x in v]).encode())
        if isinstance(v, (set, frozenset)):
            return f"{type(v).__qualname__}:" + h(repr(sorted(sub(x) for x in v)).encode())
        if type(v).__name__ == "ChainMap":
            return "chainmap:" + sub(list(v.maps))
        state = getattr(v, "__dict__", None)
        if isinstance(state, dict) and state:  # plain objects: their members (any order)
            return f"obj:{type(v).__qualname__}:" + sub(dict(sorted(state.items(), key=lambda kv: str(kv[0]))))
        try:
            return "pickle:" + h(pickle.dumps(v, protocol=4))
        except Exception:
            pass
        if hasattr(v, "__dict__"):
            return f"obj:{type(v).__qualname__}:" + sub(vars(v))
        return "repr:" + re.sub(r"0x[0-9a-f]+", "0x", repr(v))[:200]
    def _plain(x):
        if hasattr(x, "detach"):
            return arr(x.detach().cpu().numpy())
        if isinstance(x, dict):
            return sorted((repr(k), _plain(y)) for k, y in x.items())
        if isinstance(x, (list, tuple)):
            return [_plain(y) for y in x]
        return repr(x)
    names = {id(v): n for n, v in reversed(list(globals().items())) if not n.startswith("_")}
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
