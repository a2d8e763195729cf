"""The tables bench/api.py pages through: many entries, each by one of a few authors."""

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Author(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=200)

    protected_fields = ["email"]

    class Meta:
        table = "bench_api_authors"


class Entry(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    created_at = fields.DatetimeField()
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField("bench.Author", related_name="entries")

    class Meta:
        table = "bench_api_entries"
