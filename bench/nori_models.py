"""The `articles` table as a Nori model: the same columns, with NoriModelMixin for `to_dict()`."""

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Article(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=200, unique=True)
    body = fields.TextField()
    views = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "articles"
