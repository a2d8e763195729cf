"""Test-only models for the soft-delete and tree mixins (Tortoise app `testapp`)."""

from __future__ import annotations

from tortoise import fields

from core.mixins.model import NoriModelMixin
from core.mixins.soft_deletes import NoriSoftDeletes
from core.mixins.tree import NoriTreeMixin


class Post(NoriModelMixin, NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)

    class Meta:
        table = "test_posts"


class Comment(NoriModelMixin, NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    body = fields.CharField(max_length=200)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField("testapp.Post", related_name="comments")

    class Meta:
        table = "test_comments"


class Category(NoriModelMixin, NoriTreeMixin):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    parent: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "testapp.Category", related_name="children_rel", null=True, db_index=True
    )

    class Meta:
        table = "test_categories"


class Folder(NoriModelMixin, NoriTreeMixin, NoriSoftDeletes):
    """A tree whose nodes can be trashed: trashed folders and their subtrees leave every tree query."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    parent: fields.ForeignKeyNullableRelation[Folder] = fields.ForeignKeyField(
        "testapp.Folder", related_name="subfolders", null=True, db_index=True
    )

    class Meta:
        table = "test_folders"


class Node(NoriTreeMixin):
    """Names that only work when quoted: a table with a space and a dash, a reserved word, odd columns."""

    key = fields.IntField(primary_key=True, source_field="node key")
    order = fields.CharField(max_length=50)
    parent: fields.ForeignKeyNullableRelation[Node] = fields.ForeignKeyField(
        "testapp.Node", related_name="kids", null=True, source_field="parent-ref"
    )

    class Meta:
        table = "test tree-nodes"
