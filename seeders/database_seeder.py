"""The seeders `db:seed` runs, in order."""

SEEDERS: list[str] = []
