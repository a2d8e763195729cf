"""One Tortoise engine module per backend, for replica connections (Tortoise loads `client_class` from it)."""
