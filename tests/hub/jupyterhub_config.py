"""The JupyterHub of `make test-hub` (docs/deploy.md shows the same settings).

Everything specific to the test run (ports, folders, the S3 server) comes from NBV_HUB_*
environment variables set by tests/hub/conftest.py; the rest is the deployment itself.
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821
env = os.environ
here = env["NBV_HUB_DIR"]

# --- the hub itself, on loopback, behind configurable-http-proxy
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["NBV_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["NBV_HUB_API_PORT"])
c.ConfigurableHTTPProxy.command = [env["NBV_CHP"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['NBV_PROXY_API_PORT']}"
c.JupyterHub.db_url = f"sqlite:///{here}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{here}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{here}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True

# --- users: dummy authenticator (any password), one local process per user
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {"alice", "bob", "carol"}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = f"{here}/home/{{username}}"
c.Spawner.cmd = [f"{env['NBV_VENV_BIN']}/jupyterhub-singleuser"]
c.Spawner.args = ["--allow-root", f"--config={env['NBV_SERVER_CONFIG']}"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# a service the test drives the hub with (start servers, issue user tokens)
c.JupyterHub.services = [{"name": "nbv-test", "api_token": env["NBV_ADMIN_TOKEN"]}]

# --- nbversion: read-only collaborators through a group and custom scopes
c.JupyterHub.custom_scopes = {
    "custom:nbversion:read": {"description": "list, show and diff nbversion versions"},
    "custom:nbversion:write": {
        "description": "save, restore, push and pull nbversion versions",
        "subscopes": ["custom:nbversion:read"],
    },
    "custom:nbversion:remotes": {"description": "add and remove a server's nbversion remotes"},
}
c.JupyterHub.load_groups = {"nbversion-readers": {"users": ["carol"]}}
c.JupyterHub.load_roles = [
    {
        "name": "nbversion-reader",
        "groups": ["nbversion-readers"],
        "scopes": ["access:servers", "custom:nbversion:read"],
    },
    {
        "name": "nbv-test",
        "services": ["nbv-test"],
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
    },
]
# each server's OAuth client may hand these scopes to the browser sessions it accepts
c.Spawner.oauth_client_allowed_scopes = ["custom:nbversion:read", "custom:nbversion:write"]

# --- nbversion: one shared bucket for everyone, background fetch every few seconds
READ_ONLY = set(env.get("NBV_S3_READ_ONLY_USERS", "").split(","))


def _s3_key(spawner):
    return env["NBV_S3_RO_KEY"] if spawner.user.name in READ_ONLY else env["NBV_S3_KEY"]


def _s3_secret(spawner):
    return env["NBV_S3_RO_SECRET"] if spawner.user.name in READ_ONLY else env["NBV_S3_SECRET"]


c.Spawner.environment = {
    "NBVERSION_REMOTE_URL": env["NBV_REMOTE_URL"],
    "NBVERSION_REMOTE_ENDPOINT_URL": env["NBV_S3_ENDPOINT"],
    "NBVERSION_FETCH_INTERVAL": "2",
    "AWS_ACCESS_KEY_ID": _s3_key,
    "AWS_SECRET_ACCESS_KEY": _s3_secret,
    "AWS_DEFAULT_REGION": "us-east-1",
    "JUPYTERLAB_SETTINGS_DIR": env["NBV_LAB_SETTINGS"],
    "PATH": f"{env['NBV_VENV_BIN']}:/usr/bin:/bin",
}
