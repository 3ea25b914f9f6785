"""Load the ``%version`` magic in every IPython kernel the server starts.

The server's kernel manager is wrapped so each IPython kernel it starts gets
``--IPKernelApp.extensions=nbversion`` and ``NBVERSION_ROOT`` (the project root, so the
kernel writes to the same store the server reads). Kernels of other languages, and
kernels started elsewhere, are left untouched.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

ENV_ROOT = "NBVERSION_ROOT"
EXTENSION_ARG = "--IPKernelApp.extensions=nbversion"


def _is_ipykernel(kernel_manager: Any, kernel_name: str | None) -> bool:
    try:
        spec = kernel_manager.kernel_spec_manager.get_kernel_spec(
            kernel_name or kernel_manager.default_kernel_name
        )
    except Exception:
        return False
    return any("ipykernel" in str(part) for part in spec.argv)


def install(
    kernel_manager: Any, root: str, log: logging.Logger, extra_env: dict[str, str] | None = None
) -> None:
    """Wrap ``kernel_manager.start_kernel`` once (idempotent).

    ``extra_env`` adds settings for the kernel side (e.g. the variable size limit).
    """
    if getattr(kernel_manager, "_nbversion_autoload", False):
        return
    original = kernel_manager.start_kernel

    @functools.wraps(original)
    async def start_kernel(*args: Any, **kwargs: Any) -> Any:
        if _is_ipykernel(kernel_manager, kwargs.get("kernel_name")):
            extra = list(kwargs.get("extra_arguments") or [])
            if EXTENSION_ARG not in extra:
                extra.append(EXTENSION_ARG)
            kwargs["extra_arguments"] = extra
            env = dict(kwargs.get("env") or {})
            if not env:
                import os

                env = dict(os.environ)
            env.setdefault(ENV_ROOT, root)
            for key, value in (extra_env or {}).items():
                env.setdefault(key, value)
            kwargs["env"] = env
        return await original(*args, **kwargs)

    kernel_manager.start_kernel = start_kernel
    kernel_manager._nbversion_autoload = True
    log.info("nbversion: IPython kernels started by this server load the %%version magic")
