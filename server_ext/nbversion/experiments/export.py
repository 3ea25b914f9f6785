"""Export a version's model in its native safe format, with a model card.

Written to ``DIR``:

- ``model.skops`` (scikit-learn) or ``model.safetensors`` + ``architecture.json`` (torch):
  copied byte for byte from the store when the model was saved that way, so exporting
  needs no trust; a model saved by pickle is loaded first (trust honoured) and converted.
- ``model.json``: format, model class and hyperparameters, params, metrics, the schema of
  the training DataFrame(s) in the version, an environment summary and the lineage
  (version id, notebook, branch, author, git commit).
- ``MODEL_CARD.md``: the same, for people.
- ``mlflow/``: an MLflow model directory, only when ``mlflow`` is installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from ..store import Repository
from ..store.manifest import Manifest
from ..store.packs import RecordReader
from .loading import load_variable, variable_record
from .metrics import is_torch_module

KEY_PACKAGES = ("python", "scikit-learn", "skops", "torch", "safetensors", "numpy", "pandas")


def _write_model(repo: Repository, m: Manifest, name: str, out: Path) -> tuple[dict[str, Any], Any]:
    """Write the model file(s); returns the model section of ``model.json`` (and the
    loaded object when it had to be decoded, else None)."""
    rec = variable_record(m, name)
    reader = RecordReader(repo.objects)
    header = reader.header(rec)
    kind, meta = header["kind"], header["meta"]
    stats = rec.get("stats") or {}
    info: dict[str, Any] = {"variable": name, "class": rec["type"], "kind": kind}
    if kind == "sklearn" and meta.get("format") == "skops":
        data = b"".join(bytes(b) for b in reader.buffers(rec))
        (out / "model.skops").write_bytes(data)
        info.update(format="skops", file="model.skops", params=stats.get("params", {}),
                    untrusted_types=meta.get("untrusted_types", []))  # fmt: skip
        return info, None
    if kind == "torch-module":
        data = b"".join(bytes(b) for b in reader.buffers(rec)[1:])
        (out / "model.safetensors").write_bytes(data)
        _architecture(out, stats)
        info.update(format="safetensors", file="model.safetensors", architecture=stats)
        return info, None
    obj = load_variable(repo, m, name)  # pickled: needs trust
    if is_torch_module(obj):
        from safetensors.torch import save_file

        from ..capture.torch_kind import module_stats

        state = {k: v.detach().cpu().contiguous() for k, v in obj.state_dict().items()}
        save_file(state, str(out / "model.safetensors"))
        arch = module_stats(obj)
        _architecture(out, arch)
        info.update(format="safetensors", file="model.safetensors", architecture=arch)
    elif hasattr(obj, "get_params"):
        import skops.io as sio

        (out / "model.skops").write_bytes(sio.dumps(obj))
        info.update(format="skops", file="model.skops", params=stats.get("params", {}))
    else:
        raise InvalidInput(f"{name!r} is a {rec.get('type')}: export takes sklearn or torch")
    return info, obj


def _architecture(out: Path, stats: dict[str, Any]) -> None:
    text = json.dumps(stats, indent=2, sort_keys=True, default=str)
    (out / "architecture.json").write_text(text + "\n")


def data_schema(m: Manifest) -> dict[str, Any]:
    """Columns and row counts of the DataFrames in a version (training ones if named so)."""
    frames = {
        n: r for n, r in m.variables.items() if r.get("kind") == "pandas" and "alias_of" not in r
    }
    train = {n: r for n, r in frames.items() if "train" in n.lower()}
    chosen = train or frames
    return {
        n: {"rows": r.get("stats", {}).get("rows"), "columns": r.get("stats", {}).get("columns")}
        for n, r in sorted(chosen.items())[:5]
    }


def environment_summary(m: Manifest) -> dict[str, Any]:
    """Python, platform and the versions of the packages that matter to load the model."""
    env = m.environment or {}
    pkgs = env.get("packages") or {}
    out = {p: pkgs[p] for p in KEY_PACKAGES if p in pkgs}
    out["python"] = (env.get("python") or {}).get("version")
    out["platform"] = (env.get("platform") or {}).get("platform")
    return out


def lineage(m: Manifest) -> dict[str, Any]:
    """Where the model came from: version, notebook, branch, author, time, git commit."""
    git = (m.environment or {}).get("git") or {}
    return {
        "version": m.id,
        "notebook": m.notebook_path,
        "notebook_id": m.notebook_id,
        "branch": m.branch,
        "message": m.message,
        "author": m.author.get("name"),
        "created": m.created,
        "git_commit": git.get("commit"),
        "git_dirty": git.get("dirty"),
    }


def export_model(
    repo: Repository, m: Manifest, name: str, out_dir: str | Path, *, alias: str | None = None
) -> dict[str, Any]:
    """Export variable ``name`` of version ``m`` to ``out_dir``; returns ``model.json``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info, obj = _write_model(repo, m, name, out)
    card: dict[str, Any] = {
        "model": info,
        "alias": alias,
        "params": m.params,
        "metrics": m.metrics,
        "data_schema": data_schema(m),
        "environment": environment_summary(m),
        "lineage": lineage(m),
    }
    card["mlflow"] = _mlflow(repo, m, name, out, obj)
    (out / "model.json").write_text(json.dumps(card, indent=2, sort_keys=True, default=str))
    (out / "MODEL_CARD.md").write_text(model_card(card))
    return card


def _mlflow(repo: Repository, m: Manifest, name: str, out: Path, obj: Any) -> str | None:
    """Also save an MLflow model directory when mlflow is installed (else None)."""
    try:
        import mlflow
    except ImportError:
        return None
    obj = obj if obj is not None else load_variable(repo, m, name)
    target = out / "mlflow"
    if is_torch_module(obj):
        import mlflow.pytorch

        mlflow.pytorch.save_model(obj, str(target))
    else:
        import mlflow.sklearn

        mlflow.sklearn.save_model(obj, str(target))
    return str(target)


def _kv_table(d: dict[str, Any]) -> list[str]:
    if not d:
        return ["(none)"]
    return ["| name | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in sorted(d.items())]


def model_card(card: dict[str, Any]) -> str:
    """``MODEL_CARD.md``: a Markdown model card from ``model.json``'s content."""
    model, lin = card["model"], card["lineage"]
    title = f"# Model card: `{model['variable']}`" + (
        f" ({card['alias']})" if card.get("alias") else ""
    )
    lines = [title, "", f"- class: `{model['class']}`", f"- format: {model['format']} "
             f"(`{model['file']}`)", f"- version: `{lin['version']}`",
             f"- notebook: `{lin['notebook']}` on branch `{lin['branch']}`: {lin['message']}",
             f"- author: {lin['author']}, {lin['created']}",
             f"- git commit: `{lin['git_commit']}`" + (" (dirty)" if lin["git_dirty"] else ""),
             "", "## Metrics", "", *_kv_table(card["metrics"]),
             "", "## Params", "", *_kv_table(card["params"])]  # fmt: skip
    if model.get("params"):
        lines += ["", "## Hyperparameters", "", *_kv_table(model["params"])]
    lines += ["", "## Training data", ""]
    if card["data_schema"]:
        for frame, schema in card["data_schema"].items():
            cols = ", ".join(f"{c}: {t}" for c, t in (schema["columns"] or {}).items())
            lines.append(f"- `{frame}`: {schema['rows']} rows; {cols}")
    else:
        lines.append("(no DataFrame in this version)")
    lines += ["", "## Environment", "", *_kv_table(card["environment"]), "", "## Loading", ""]
    if model["format"] == "skops":
        lines.append("`skops.io.load('model.skops', trusted=skops.io.get_untrusted_types("
                     "file='model.skops'))` after reviewing the listed types.")  # fmt: skip
    else:
        load = "model.load_state_dict(safetensors.torch.load_file('model.safetensors'))"
        lines.append(f"Build the architecture in `architecture.json`, then `{load}`.")
    return "\n".join(lines) + "\n"
