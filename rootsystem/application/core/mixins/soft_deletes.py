"""NoriSoftDeletes: `delete()` marks a row with `deleted_at` instead of removing it.

Safe by default: the model's default manager (Tortoise's `Meta.manager`, which backs
`Post.filter()`, `Post.get()`, `Post.all()`, reverse relations and prefetching) hides trashed
rows, and `delete()` on any of its querysets is a soft delete. Removing rows for real always
takes an explicit `force_delete()`, so no forgotten `.objects` can purge data by accident.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tortoise import fields, timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import ConfigurationError, OperationalError
from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import DeleteQuery, QuerySet, UpdateQuery

from core.compat.tortoise import connection_for, is_saved, manager_model
from core.signals import restored, soft_deleted


class SoftDeleteQuerySet(QuerySet):
    """A queryset whose `delete()` trashes rows; `force_delete()` removes them."""

    __slots__ = ()

    def delete(self) -> UpdateQuery:  # type: ignore[override]  # on purpose: a soft delete is an UPDATE
        """One `UPDATE ... SET deleted_at` over the matching active rows; awaits to the count.

        Rows already trashed keep their original timestamp, so the count is what this call
        trashed. No per-row signal is sent (Tortoise sends no `post_delete` for bulk deletes either).
        """
        return self.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())

    def force_delete(self) -> DeleteQuery:
        """One real `DELETE` of the matching rows (only those this queryset can see)."""
        return QuerySet.delete(self)

    def restore(self) -> UpdateQuery:
        """One `UPDATE ... SET deleted_at = NULL` over the matching trashed rows."""
        return self.filter(deleted_at__isnull=False).update(deleted_at=None)


class _SoftDeleteManager(Manager):
    """Base of the three managers: hands out `SoftDeleteQuerySet`s."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return SoftDeleteQuerySet(manager_model(self))


class ActiveManager(_SoftDeleteManager):
    """Rows that are not trashed; the default manager of every soft-deleting model."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        # Tortoise types filter() as a plain QuerySet, though it returns the subclass it is called on.
        return super().get_queryset().filter(deleted_at__isnull=True)  # type: ignore[return-value]


class AllObjectsManager(_SoftDeleteManager):
    """Every row, trashed or not."""


class TrashedManager(_SoftDeleteManager):
    """Trashed rows only."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        # Tortoise types filter() as a plain QuerySet, though it returns the subclass it is called on.
        return super().get_queryset().filter(deleted_at__isnull=False)  # type: ignore[return-value]


class NoriSoftDeletes(Model):
    """Abstract base replacing `Model`: adds a nullable, indexed `deleted_at` and the managers.

    `Post.objects` (active), `Post.all_objects` (everything), `Post.trashed` (deleted only).
    """

    deleted_at = fields.DatetimeField(null=True, default=None, db_index=True)

    objects: ClassVar[Any] = ActiveManager()
    all_objects: ClassVar[Any] = AllObjectsManager()
    trashed: ClassVar[Any] = TrashedManager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make the active manager the default one, which Tortoise reads from `Meta` only.

        Tortoise takes `Meta.manager` from the subclass's own `Meta` (a site's `class Meta:
        table = 'posts'` does not inherit ours), so it is installed here for every subclass.
        """
        super().__init_subclass__(**kwargs)
        meta = cls._meta
        declared = vars(cls).get("Meta")
        if declared is None or "manager" not in vars(declared):
            meta.manager = ActiveManager()
        elif not isinstance(meta.manager, ActiveManager):
            raise ConfigurationError(
                f"{cls.__name__}.Meta.manager must subclass core.mixins.soft_deletes.ActiveManager, "
                "so that default queries keep skipping trashed rows"
            )

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def with_trashed(cls) -> SoftDeleteQuerySet:
        """Every row, trashed ones included."""
        return cls.all_objects.all()

    @classmethod
    def only_trashed(cls) -> SoftDeleteQuerySet:
        """Trashed rows only."""
        return cls.trashed.all()

    async def delete(self, using_db: BaseDBAsyncClient | None = None) -> None:
        """Trash this row (one UPDATE) and send `soft_deleted`; a trashed row stays as it is.

        Tortoise's `pre_delete`/`post_delete` are not sent: the row still exists, and listeners
        (audit logging among them) read those signals as a real removal.
        """
        if not is_saved(self):
            raise OperationalError("Can't delete unpersisted record")
        if self.deleted_at is not None:
            return
        now = timezone.now()
        db = using_db or connection_for(type(self), write=True)
        rows = type(self).all_objects.filter(pk=self.pk, deleted_at__isnull=True).using_db(db)
        changed = await rows.update(deleted_at=now)
        self.deleted_at = now
        if changed:
            await soft_deleted.send(type(self), self)

    async def restore(self, using_db: BaseDBAsyncClient | None = None) -> None:
        """Bring a trashed row back (one UPDATE) and send `restored`; an active row is left alone."""
        if self.deleted_at is None:
            return
        db = using_db or connection_for(type(self), write=True)
        changed = await type(self).all_objects.filter(pk=self.pk).using_db(db).restore()
        self.deleted_at = None
        if changed:
            await restored.send(type(self), self)

    async def force_delete(self, using_db: BaseDBAsyncClient | None = None) -> None:
        """Really delete the row, through Tortoise's own delete (so `post_delete` is sent)."""
        await Model.delete(self, using_db=using_db)
