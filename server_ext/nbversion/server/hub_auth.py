"""Read-only collaborators on a JupyterHub: an Authorizer for each user's server.

Configure it on the single-user servers (``c.ServerApp.authorizer_class =
"nbversion.server.hub_auth.NbVersionHubAuthorizer"``, see docs/deploy.md). It needs the
``jupyterhub`` package, which every hub's single-user server has.

- The server's owner (``JUPYTERHUB_USER``) may do everything, as with JupyterHub's default.
- Anyone else the hub lets in (``access:servers!user=OWNER``, e.g. through a group role)
  gets nbversion's routes by custom scope: ``custom:nbversion:read`` for GET (list, show,
  diff, status), ``custom:nbversion:write`` for POST/PUT/DELETE (save, restore, push,
  pull, refs), ``custom:nbversion:remotes`` to add or remove remotes (where the owner's
  versions may be sent); every other resource of the server (contents, kernels,
  terminals) only with JupyterHub's ``custom:jupyter_server:{action}:{resource}``
  convention. Without the scope: 403. Scopes may be filtered to the owner
  (``!user=alice``) or the server.
"""

from __future__ import annotations

import os
from typing import Any

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

READ_SCOPE = "custom:nbversion:read"
WRITE_SCOPE = "custom:nbversion:write"
REMOTES_SCOPE = "custom:nbversion:remotes"


class NbVersionHubAuthorizer(JupyterHubAuthorizer):
    """The owner may do everything; others get what their hub scopes grant."""

    def required_scopes(self, action: str, resource: str) -> set[str]:
        """Scopes any one of which allows ``action`` on ``resource`` for a non-owner."""
        owner = os.environ.get("JUPYTERHUB_USER", "")
        server = f"{owner}/{os.environ.get('JUPYTERHUB_SERVER_NAME', '')}"
        if resource == "nbversion":
            base = {READ_SCOPE, WRITE_SCOPE} if action == "read" else {WRITE_SCOPE}
        elif resource == "nbversion-remotes":  # where the owner's versions may be sent
            base = {REMOTES_SCOPE}
        else:
            base = {
                f"custom:jupyter_server:{action}:{resource}",
                f"custom:jupyter_server:{action}:*",
            }
        return {f"{s}{f}" for s in base for f in (f"!user={owner}", f"!server={server}")}

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if not super().is_authorized(handler, user, action, resource):
            return False  # no access:servers to this server at all
        if user.username == os.environ.get("JUPYTERHUB_USER"):
            return True
        allowed = self.hub_auth.check_scopes(self.required_scopes(action, resource), user.hub_user)
        self.log.debug("nbversion: %s %s %s: %s", user.username, action, resource, allowed)
        return bool(allowed)
