"""``nbversion`` on the ``PATH`` of the terminals (and kernels) a server starts.

A server started from a virtual environment that nobody activated has the environment's
``bin`` off ``PATH``, so its terminals would not find ``nbversion``. Two steps fix it:

- :func:`put_on_path` puts that directory in front of ``PATH`` in the server's own
  environment, which kernels and non-login terminals inherit;
- :func:`wrap_login_shell`: a server that is not attached to a terminal (a JupyterHub
  spawner, a service, ``make lab &``) starts terminals as login shells (``bash -l``), and
  ``/etc/profile`` then sets ``PATH`` afresh. The shell command becomes
  ``bash -l -c '<put the directory in front of PATH>; exec bash -i'``: the login setup
  runs as before, then the same shell continues interactively with ``nbversion`` found.
  A shell command the server was configured with (``terminado_settings``) is left alone.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

#: Shells whose ``-c`` and ``-i`` mean what :func:`wrap_login_shell` needs.
POSIX_SHELLS = {"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash"}
_FRONT = 'case ":$PATH:" in *":$1:"*) ;; *) PATH="$1${PATH:+:$PATH}"; export PATH;; esac; '


def scripts_dir() -> Path | None:
    """The directory of this interpreter's console scripts, if ``nbversion`` is there."""
    scripts = Path(sys.executable).parent
    return scripts if (scripts / "nbversion").exists() else None


def put_on_path(log: logging.Logger) -> None:
    """Put :func:`scripts_dir` in front of the server's ``PATH`` unless ``nbversion``
    there is what ``PATH`` already finds."""
    scripts = scripts_dir()
    if scripts is None:
        return  # an install without the console script (or an unusual layout)
    found = shutil.which("nbversion")
    if found is not None and Path(found).resolve() == (scripts / "nbversion").resolve():
        return
    os.environ["PATH"] = os.pathsep.join(filter(None, [str(scripts), os.environ.get("PATH")]))
    log.info("nbversion: %s put in front of PATH for terminals and kernels", scripts)


def wrap_login_shell(serverapp: Any, log: logging.Logger) -> None:
    """Make the login shells of the server's terminals keep :func:`scripts_dir` on PATH."""
    scripts = scripts_dir()
    manager = serverapp.web_app.settings.get("terminal_manager")
    if scripts is None or manager is None:
        return
    if serverapp.terminado_settings.get("shell_command") is not None:
        return  # configured on purpose: not ours to change
    command = list(manager.shell_command)
    if len(command) != 2 or command[1] != "-l" or Path(command[0]).name not in POSIX_SHELLS:
        return
    shell = command[0]
    manager.shell_command = [shell, "-l", "-c", _FRONT + 'exec "$0" -i', shell, str(scripts)]
    log.info("nbversion: terminals (%s -l) keep %s on PATH", shell, scripts)
