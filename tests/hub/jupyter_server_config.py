"""The single-user servers' config of `make test-hub` (as in docs/deploy.md)."""

c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.ServerApp.authorizer_class = "nbversion.server.hub_auth.NbVersionHubAuthorizer"
c.LabApp.news_url = None
