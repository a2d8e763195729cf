"""Testing kit for Nori sites: enable it with `pytest_plugins = ["core.testing.plugin"]`.

It gives the same fixtures the framework's own tests use: `db` (a clean database on every
engine of the matrix), `client` (an `httpx.AsyncClient` bound to the app) and `factory`.
"""
