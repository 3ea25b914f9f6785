"""The Jupyter server extension: configuration traits and route registration."""

from __future__ import annotations

from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Unicode

from . import __version__
from .server.handlers import route_table


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

    def initialize_settings(self) -> None:
        """Resolve the store root once and share it with every handler."""
        assert self.serverapp is not None, "initialize_settings runs after the server is linked"
        root = self.store_root or self.serverapp.root_dir
        self.settings["nbversion_root"] = str(Path(root).expanduser().resolve())
        self.log.info("nbversion %s: project root %s", __version__, self.settings["nbversion_root"])

    def initialize_handlers(self) -> None:
        """Register every REST handler (see :mod:`nbversion.server.handlers`)."""
        self.handlers.extend(route_table())
