"""Automatic audit rows for models that opt in with `NoriAuditMixin`.

Creates, updates and hard deletes are seen through Tortoise's save/delete hooks; soft deletes
and restores through `core.signals`. Values are snapshotted when a row is loaded or saved, so
an update records only the fields that really changed. Fields in `protected_fields` are
recorded as changed, never with their values.

In the default `AUDIT_WRITES=transactional` mode, `save()`, `delete()`, `restore()` and
`force_delete()` run inside a transaction (the caller's, or a short one of their own) that also
holds the change's audit row, so a crash can never keep one without the other (see
`core.audit.durable`). A model can set `audit_writes = "batched"` to queue its rows instead.

A caller that logs a change under its own name (the admin's `admin.update`) wraps it in
`recorded_as()`: the mixin's row for that instance then carries the caller's action, model name
and redactions, so the change has one row, still written with the change, and the caller writes
its own only when the mixin wrote none (`claim.written` is False).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from tortoise.exceptions import ConfigurationError

from core.audit.durable import WRITE_MODES, change_transaction, transactional
from core.audit.record import audit, audit_now
from core.auth.identity import current_user
from core.compat.tortoise import LifecycleHooks
from core.http.context import current_request
from core.mixins.model import NoriModelMixin
from core.signals import restored, soft_deleted

REDACTED = "[redacted]"
SOFT_DELETE_FIELD = "deleted_at"
_SNAPSHOT = "_nori_audit_snapshot"


@dataclass
class Claim:
    """Who names the change to `instance`; `written` turns True once the mixin logged it."""

    instance: Any
    action: str
    model_name: str
    protected: frozenset[str] = frozenset()
    written: bool = False


_CLAIM: ContextVar[Claim | None] = ContextVar("nori_audit_claim", default=None)


@contextmanager
def recorded_as(instance: Any, action: str, model_name: str, protected: frozenset[str] = frozenset()
                ) -> Iterator[Claim]:
    """Within the block, the mixin's rows for `instance` (only that object: other rows saved on
    the way keep their own names) are logged as `action` on `model_name`, `protected` redacted too."""
    claim = Claim(instance, action, model_name, protected)
    token = _CLAIM.set(claim)
    try:
        yield claim
    finally:
        _CLAIM.reset(token)


def _claim_on(instance: Any) -> Claim | None:
    claim = _CLAIM.get()
    return claim if claim is not None and claim.instance is instance else None


def audit_values(instance: Any) -> dict[str, Any]:
    """Every column as a JSON-safe value (the same conversion `to_dict()` uses)."""
    return NoriModelMixin.to_dict(instance, include_protected=True)


def diff(
    before: dict[str, Any], after: dict[str, Any], protected: frozenset[str], only: set[str] | None = None
) -> dict[str, dict[str, Any]]:
    """`{"field": {"before": ..., "after": ...}}` for the fields whose value differs."""
    names = [name for name in (after.keys() | before.keys()) if only is None or name in only]
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        old, new = before.get(name), after.get(name)
        if old != new:
            hidden = name in protected
            changes[name] = {"before": REDACTED if hidden else old, "after": REDACTED if hidden else new}
    return changes


def _auto_now_fields(cls: type[Any]) -> frozenset[str]:
    return frozenset(name for name, field in cls._meta.fields_map.items() if getattr(field, "auto_now", False))


async def record_change(instance: Any, action: str, changes: dict[str, Any], using_db: Any = None) -> None:
    """Log the change to `instance` with the acting user and request of this context.

    Transactional mode writes the row through `using_db` (the change's transaction) or the
    context's current connection; batched mode queues it for the background writer.
    """
    request = current_request()
    user = await current_user(request) if request is not None else None
    model_name = type(instance).__name__
    claim = _claim_on(instance)
    if claim is not None:
        action, model_name, claim.written = claim.action, claim.model_name, True
    entry = {"model_name": model_name, "record_id": instance.pk, "changes": changes, "user_id": user}
    if transactional(instance):
        await audit_now(request, action, using_db=using_db, **entry)
    else:
        audit(request, action, **entry)


def _protected(instance: Any) -> frozenset[str]:
    claim = _claim_on(instance)
    return frozenset(getattr(instance, "protected_fields", ()) or ()) | (claim.protected if claim else frozenset())


class NoriAuditMixin(LifecycleHooks):
    """Put it first in the bases: `class Article(NoriAuditMixin, NoriModelMixin, Model)`.

    Bulk queryset operations (`filter().update()`, `bulk_create`, queryset `delete()`) do not
    go through instances and are not recorded; call `audit()` yourself around them.
    """

    audited: ClassVar[bool] = True
    audit_writes: ClassVar[str | None] = None  # "transactional" or "batched"; None follows AUDIT_WRITES

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.audit_writes is not None and cls.audit_writes not in WRITE_MODES:
            raise ConfigurationError(f"{cls.__name__}.audit_writes={cls.audit_writes!r} is not a write mode: "
                                     f"use one of {', '.join(WRITE_MODES)}, or None to follow AUDIT_WRITES")

    async def save(self, using_db: Any = None, update_fields: Any = None, force_create: bool = False,
                   force_update: bool = False) -> None:
        async with change_transaction(self, using_db) as connection:
            await super().save(connection, update_fields, force_create, force_update)  # type: ignore[misc]

    async def delete(self, using_db: Any = None) -> None:
        async with change_transaction(self, using_db) as connection:
            await super().delete(connection)  # type: ignore[misc]

    # Soft-deleting models only: restoring and purging get the same shared transaction.
    async def restore(self, using_db: Any = None) -> None:
        async with change_transaction(self, using_db) as connection:
            await super().restore(connection)  # type: ignore[misc]

    async def force_delete(self, using_db: Any = None) -> None:
        async with change_transaction(self, using_db) as connection:
            await super().force_delete(connection)  # type: ignore[misc]

    def after_db_load(self) -> None:
        super().after_db_load()
        self.__dict__[_SNAPSHOT] = audit_values(self)

    async def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        await super().refresh_from_db(*args, **kwargs)  # type: ignore[misc]  # a mixin: Model comes later in the MRO
        self.__dict__[_SNAPSHOT] = audit_values(self)

    async def after_db_save(self, using_db: Any, created: bool, update_fields: Any) -> None:
        await super().after_db_save(using_db, created, update_fields)
        if not self.audited:
            return
        before: dict[str, Any] = {} if created else self.__dict__.get(_SNAPSHOT, {})
        after = audit_values(self)
        only = None if created or not update_fields else set(update_fields)
        changes = diff(before, after, _protected(self), only)
        if not created:
            meaningful = changes.keys() - _auto_now_fields(type(self))
            if not meaningful:
                self.__dict__[_SNAPSHOT] = after
                return
            if meaningful == {SOFT_DELETE_FIELD}:
                return  # the soft-delete mixin reports this through its signals; keep the snapshot for them
        self.__dict__[_SNAPSHOT] = after
        await record_change(self, "create" if created else "update", changes, using_db)

    async def after_db_delete(self, using_db: Any) -> None:
        await super().after_db_delete(using_db)
        if self.audited:
            before = self.__dict__.get(_SNAPSHOT) or audit_values(self)
            await record_change(self, "delete", diff(before, {}, _protected(self)), using_db)


async def _state_change(action: str, instance: Any) -> None:
    if not isinstance(instance, NoriAuditMixin) or not instance.audited:
        return
    before = instance.__dict__.get(_SNAPSHOT, {})
    after = audit_values(instance)
    changes = diff(before, after, _protected(instance), {SOFT_DELETE_FIELD} if SOFT_DELETE_FIELD in after else None)
    instance.__dict__[_SNAPSHOT] = after
    await record_change(instance, action, changes)


async def _on_soft_deleted(sender: type[Any], instance: Any) -> None:
    await _state_change("soft_delete", instance)


async def _on_restored(sender: type[Any], instance: Any) -> None:
    await _state_change("restore", instance)


soft_deleted.connect(_on_soft_deleted)
restored.connect(_on_restored)
