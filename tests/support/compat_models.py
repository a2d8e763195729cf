"""A test-only model that records the lifecycle hooks of `core.compat.tortoise.LifecycleHooks`."""

from __future__ import annotations

from typing import Any, ClassVar

from tortoise import fields
from tortoise.models import Model

from core.compat.tortoise import LifecycleHooks


class Hooked(LifecycleHooks, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    calls: ClassVar[list[tuple[Any, ...]]] = []

    class Meta:
        table = "test_hooked"

    def after_db_load(self) -> None:
        Hooked.calls.append(("load", self.name))

    async def after_db_save(self, using_db: Any, created: bool, update_fields: Any) -> None:
        Hooked.calls.append(("save", self.name, created, list(update_fields or ())))

    async def after_db_delete(self, using_db: Any) -> None:
        Hooked.calls.append(("delete", self.name))
