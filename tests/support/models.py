"""Models that exist only for the framework's tests (Tortoise app `testapp`)."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Color(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


class Owner(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "test_owners"


class EveryField(NoriModelMixin, Model):
    """One column of every Tortoise field type, to prove `to_dict()` handles them all."""

    id = fields.IntField(primary_key=True)
    big = fields.BigIntField(default=2**40)
    small = fields.SmallIntField(default=7)
    char = fields.CharField(max_length=20, default="text")
    text = fields.TextField(default="long text")
    flag = fields.BooleanField(default=True)
    price = fields.DecimalField(max_digits=10, decimal_places=2, default="12.50")
    ratio = fields.FloatField(default=0.25)
    when = fields.DatetimeField(auto_now_add=True)
    day = fields.DateField(null=True)
    clock = fields.TimeField(null=True)
    span = fields.TimeDeltaField(null=True)
    data = fields.JSONField(null=True)
    token = fields.UUIDField(null=True)
    blob = fields.BinaryField(null=True)
    color = fields.CharEnumField(Color, default=Color.RED)
    size = fields.IntEnumField(Size, default=Size.SMALL)
    secret = fields.CharField(max_length=50, default="hidden")
    owner: fields.ForeignKeyNullableRelation[Owner] = fields.ForeignKeyField(
        "testapp.Owner", related_name="things", null=True
    )
    badge: fields.OneToOneNullableRelation[Owner] = fields.OneToOneField(
        "testapp.Owner", related_name="badge_of", null=True
    )
    tags: fields.ManyToManyRelation[Owner] = fields.ManyToManyField("testapp.Owner", related_name="tagged")

    protected_fields = ["secret"]

    class Meta:
        table = "test_every_fields"


class Plain(Model):
    """A model without NoriModelMixin: framework serialisers must refuse it."""

    id = fields.IntField(primary_key=True)
    password_hash = fields.CharField(max_length=50, default="x")

    class Meta:
        table = "test_plains"
