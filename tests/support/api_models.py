"""Models for the pagination and resource tests: writers, their articles, labels on articles."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Writer(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    password_hash = fields.CharField(max_length=100, default="hash")

    protected_fields = ["password_hash"]

    class Meta:
        table = "test_writers"


class Label(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30, unique=True)  # the sample API's 409 (tests/support/openapi_site.py)

    class Meta:
        table = "test_labels"


class Article(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    body = fields.TextField(default="")
    score = fields.IntField(default=0)
    published_at = fields.DatetimeField()
    writer: fields.ForeignKeyRelation[Writer] = fields.ForeignKeyField("testapp.Writer", related_name="articles")
    labels: fields.ManyToManyRelation[Label] = fields.ManyToManyField("testapp.Label", related_name="articles")

    class Meta:
        table = "test_articles"
