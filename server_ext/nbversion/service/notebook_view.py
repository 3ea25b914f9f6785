"""A stored notebook as the front end may load it: contents-API strings, never trusted.

Stored notebooks keep the file form (multi-line fields as lists of lines). The JupyterLab
model expects what the contents API serves: each multi-line field joined into one string
(loading lists shows stray commas, and the next save stores them). A stored notebook may
also come from a teammate, a remote or a bundle: ``metadata.trusted`` on a cell would make
JupyterLab run the script in its HTML outputs, so trust marks are removed here, on the one
path by which the server hands a stored notebook to a browser. Trust comes back only the
normal Jupyter way (the user trusts the notebook).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidInput

#: Mime types whose data is text (split into lines in files); others are base64 or JSON.
_JSON_MIME_SUFFIX = "json"


def _join(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return value


def _bundle(data: Any) -> None:
    if not isinstance(data, dict):
        return
    for mime, value in list(data.items()):
        if not (isinstance(mime, str) and mime.endswith(_JSON_MIME_SUFFIX)):
            data[mime] = _join(value)


def _untrust(container: Any) -> None:
    meta = container.get("metadata") if isinstance(container, dict) else None
    if isinstance(meta, dict):
        meta.pop("trusted", None)
        meta.pop("signature", None)


def for_client(raw: bytes) -> dict[str, Any]:
    """Parse stored notebook bytes into the contents-API form, with every trust mark removed."""
    try:
        nb = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise InvalidInput(
            f"the stored notebook is not valid JSON ({type(err).__name__})"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InvalidInput("the stored notebook has no list of cells")
    _untrust(nb)
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            raise InvalidInput("the stored notebook has a cell that is not an object")
        _untrust(cell)
        cell["source"] = _join(cell.get("source", ""))
        attachments = cell.get("attachments")
        if isinstance(attachments, dict):
            for bundle in attachments.values():
                _bundle(bundle)
        outputs = cell.get("outputs")
        for out in outputs if isinstance(outputs, list) else []:
            if not isinstance(out, dict):
                continue
            if out.get("output_type") in ("execute_result", "display_data"):
                _bundle(out.get("data"))
            elif "text" in out:
                out["text"] = _join(out["text"])
    return nb
