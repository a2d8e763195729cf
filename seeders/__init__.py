"""Seeders: one module per seeder, each with `async def run() -> None`."""
