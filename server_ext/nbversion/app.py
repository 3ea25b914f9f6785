"""The Jupyter server extension: configuration traits and route registration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Int, Unicode, default

from .meta import __version__
from .server import terminal_path
from .server.handlers import route_table

#: Seconds between background pulls unless configured (see ``fetch_interval``).
DEFAULT_FETCH_INTERVAL = 300.0


class NbVersionApp(ExtensionApp):
    """Serves the nbversion REST API under ``/nbversion/api/``."""

    name = "nbversion"
    description = "Notebook-native versioning for JupyterLab"
    version = __version__
    load_other_extensions = True

    store_root = Unicode(
        "",
        config=True,
        help=(
            "Directory that holds the project's `.nbversion/` store. "
            "Defaults to the server's root_dir."
        ),
    )

    autoload_kernel_extension = Bool(
        True,
        config=True,
        help="Load the %version magic in every IPython kernel this server starts.",
    )

    max_variable_size = Int(
        0,
        config=True,
        help=(
            "Largest encoded size (bytes) of one variable a save captures; larger ones are "
            "listed as not saved, with the reason. 0 means no limit."
        ),
    )

    kernel_timeout = Float(
        600.0,
        config=True,
        help="Seconds to wait for a kernel to save or restore before the job fails.",
    )

    diff_timeout = Float(
        60.0,
        config=True,
        help=(
            "Seconds a diff (GET /nbversion/api/diff) may run in its worker process before "
            "it is stopped and answered with 504."
        ),
    )

    diff_memory_limit = Int(
        2 << 30,
        config=True,
        help=(
            "Bytes of memory (RLIMIT_DATA: heap and anonymous mappings) a diff's worker "
            "process may use; beyond it the diff answers 413. 0 means no limit."
        ),
    )

    diff_max_result_bytes = Int(
        32 << 20,
        config=True,
        help="Largest diff (JSON bytes) the server accepts from a worker and sends; else 413.",
    )

    diff_workers = Int(
        2,
        config=True,
        help="Diffs that may run at once, each in its own worker process; more wait.",
    )

    remote_url = Unicode(
        config=True,
        help=(
            "A remote every project of this server starts with (a hub sets it once for all "
            "users, see docs/deploy.md): added as `remote_name` when the project has no remote "
            "of that name (the store is created at start-up if needed). Default: the "
            "NBVERSION_REMOTE_URL environment variable; empty: none."
        ),
    )

    remote_endpoint_url = Unicode(
        config=True,
        help="S3 endpoint of `remote_url`. Default: NBVERSION_REMOTE_ENDPOINT_URL.",
    )

    remote_name = Unicode("origin", config=True, help="Name under which `remote_url` is added.")

    fetch_interval = Float(
        config=True,
        help=(
            "Seconds between background pulls of every remote of the project (teammates' "
            "versions appear as REMOTE/<branch> and the sidebar's ahead/behind counts follow "
            "without a manual pull); 0: never. Default: NBVERSION_FETCH_INTERVAL, else 300."
        ),
    )

    @default("remote_url")
    def _remote_url_default(self) -> str:
        return os.environ.get("NBVERSION_REMOTE_URL", "")

    @default("remote_endpoint_url")
    def _remote_endpoint_default(self) -> str:
        return os.environ.get("NBVERSION_REMOTE_ENDPOINT_URL", "")

    @default("fetch_interval")
    def _fetch_interval_default(self) -> float:
        return float(os.environ.get("NBVERSION_FETCH_INTERVAL", "") or DEFAULT_FETCH_INTERVAL)

    def initialize_settings(self) -> None:
        """Resolve the store root once and share it with every handler."""
        assert self.serverapp is not None, "initialize_settings runs after the server is linked"
        root = self.store_root or self.serverapp.root_dir
        self.settings["nbversion_root"] = str(Path(root).expanduser().resolve())
        self.log.info("nbversion %s: project root %s", __version__, self.settings["nbversion_root"])
        from .service import VersionService
        from .service.isolated import WorkerLimits
        from .service.service import ServiceConfig

        self.settings["nbversion_service"] = VersionService(
            self.settings["nbversion_root"],
            kernel_manager=self.serverapp.kernel_manager,
            session_manager=self.serverapp.session_manager,
            config=ServiceConfig(
                kernel_timeout=self.kernel_timeout,
                diff=WorkerLimits(
                    timeout=self.diff_timeout,
                    memory_bytes=self.diff_memory_limit,
                    max_result_bytes=self.diff_max_result_bytes,
                    workers=self.diff_workers,
                ),
                fetch_interval=self.fetch_interval,
            ),
        )
        if self.remote_url:
            from .service.deploy import ensure_remote

            ensure_remote(
                Path(self.settings["nbversion_root"]), self.remote_name, self.remote_url,
                self.remote_endpoint_url, self.log,
            )  # fmt: skip
        terminal_path.put_on_path(self.log)
        if self.autoload_kernel_extension:
            from .server import autoload

            extra = {"NBVERSION_MAX_VARIABLE_SIZE": str(self.max_variable_size)}
            autoload.install(
                self.serverapp.kernel_manager, self.settings["nbversion_root"], self.log, extra
            )

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        """Start the background fetch of the project's remotes (``fetch_interval``); keep
        ``nbversion`` on the PATH of login-shell terminals (every extension is loaded now)."""
        self.settings["nbversion_service"].start_background_fetch(self.log)
        terminal_path.wrap_login_shell(serverapp, self.log)

    async def stop_extension(self) -> None:
        """Close the store cleanly when the server stops (the background fetch too)."""
        service = self.settings.get("nbversion_service")
        if service is not None:
            service.close()

    def initialize_handlers(self) -> None:
        """Register every REST handler (see :mod:`nbversion.server.handlers`)."""
        self.handlers.extend(route_table())
