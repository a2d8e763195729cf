"""Test-only Searchable model (Tortoise app `testapp`); its index is built by tests/test_search.py."""

from __future__ import annotations

from tortoise import fields

from core.mixins.model import NoriModelMixin
from core.mixins.soft_deletes import NoriSoftDeletes
from core.search import Searchable


class Document(NoriModelMixin, Searchable, NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()

    class Search:
        fields = {"title": "A", "body": "B"}

    class Meta:
        table = "test_documents"
