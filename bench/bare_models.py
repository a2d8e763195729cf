"""The `articles` table as the bare app sees it: a plain Tortoise model, no Nori mixin."""

from tortoise import fields
from tortoise.models import Model


class Article(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=200, unique=True)
    body = fields.TextField()
    views = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "articles"
