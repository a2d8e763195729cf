"""Tortoise's asyncpg backend as a read replica: its client, falling back to the primary (../engine.py)."""

from tortoise.backends.asyncpg import client_class as primary_client_class

from core.replicas.engine import replica_class

client_class = replica_class(primary_client_class)
