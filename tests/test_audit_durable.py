"""AUDIT_WRITES: NoriAuditMixin rows share their change's transaction (the default) or are queued (batched)."""

from __future__ import annotations

import pytest
from tortoise import fields
from tortoise.exceptions import ConfigurationError
from tortoise.models import Model
from tortoise.transactions import in_transaction

import settings
from core.audit import AuditWriteError, NoriAuditMixin, audit_now, flush
from core.models import AuditLog
from tests.support.audit_models import AuditedCode, AuditedNote, AuditedPost, BatchedMember

LONG_KEY = "k" * 70  # longer than audit_logs.record_id (64)


class Undo(Exception):
    """Raised to roll a transaction back."""


@pytest.fixture
def batched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "AUDIT_WRITES", "batched")


async def logged() -> list[tuple[str, str | None]]:
    return [(row.action, row.record_id) for row in await AuditLog.all().order_by("id")]


async def test_the_default_mode_is_transactional() -> None:
    assert settings.AUDIT_WRITES == "transactional"


async def test_a_change_has_its_row_when_save_returns(db: str) -> None:
    note = await AuditedNote.create(title="now")
    note.title = "later"
    await note.save()
    assert await logged() == [("create", str(note.id)), ("update", str(note.id))]  # nothing flushed


async def test_a_rolled_back_change_leaves_no_row(db: str) -> None:
    with pytest.raises(Undo):
        async with in_transaction():
            note = await AuditedNote.create(title="undone")
            note.title = "undone twice"
            await note.save()
            raise Undo
    await flush()
    assert await AuditedNote.all().count() == 0
    assert await logged() == []


async def test_changes_inside_a_transaction_commit_with_their_rows(db: str) -> None:
    async with in_transaction():
        note = await AuditedNote.create(title="kept")
        await note.delete()
    assert await logged() == [("create", str(note.id)), ("delete", str(note.id))]


async def test_a_rolled_back_soft_delete_or_restore_leaves_no_row(db: str) -> None:
    post = await AuditedPost.create(title="p")
    with pytest.raises(Undo):
        async with in_transaction():
            await (await AuditedPost.get(id=post.id)).delete()
            raise Undo
    await (await AuditedPost.get(id=post.id)).delete()
    with pytest.raises(Undo):
        async with in_transaction():
            await (await AuditedPost.all_objects.get(id=post.id)).restore()
            raise Undo
    assert await AuditedPost.trashed.filter(id=post.id).exists()
    assert [action for action, _ in await logged()] == ["create", "soft_delete"]


async def test_a_row_that_cannot_be_written_fails_the_change(db: str) -> None:
    with pytest.raises(AuditWriteError, match="record_id is longer than 64 characters"):
        await AuditedCode.create(code=LONG_KEY, label="no")
    assert not await AuditedCode.all_objects.filter(code=LONG_KEY).exists()


async def test_every_tracked_change_is_undone_with_its_failed_row(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "AUDIT_WRITES", "batched")  # batched: the long key's rows are only logged
    code = await AuditedCode.create(code=LONG_KEY, label="a")
    trashed = await AuditedCode.create(code=LONG_KEY + "t", label="t")
    await trashed.delete()
    await flush()
    monkeypatch.setattr(settings, "AUDIT_WRITES", "transactional")
    code.label = "b"
    with pytest.raises(AuditWriteError):
        await code.save()
    with pytest.raises(AuditWriteError):
        await code.delete()
    with pytest.raises(AuditWriteError):
        await code.force_delete()
    with pytest.raises(AuditWriteError):
        await (await AuditedCode.all_objects.get(code=trashed.code)).restore()
    assert await AuditedCode.all().values_list("code", "label") == [(LONG_KEY, "a")]
    assert await AuditedCode.trashed.filter(code=trashed.code).exists()
    assert await AuditLog.all().count() == 0


async def test_batched_mode_queues_rows_for_the_writer(db: str, batched: None) -> None:
    note = await AuditedNote.create(title="queued")
    assert await logged() == []
    await flush()
    assert await logged() == [("create", str(note.id))]


async def test_batched_mode_logs_even_a_rolled_back_change(db: str, batched: None) -> None:
    with pytest.raises(Undo):
        async with in_transaction():
            await AuditedNote.create(title="gone")
            raise Undo
    await flush()
    assert [action for action, _ in await logged()] == ["create"]


async def test_a_model_can_opt_into_batched_writes(db: str) -> None:
    member = await BatchedMember.create(slug="b", name="B", email="b@example.com", password_hash="!")
    assert await logged() == []
    await flush()
    assert await logged() == [("create", str(member.id))]


def test_a_model_with_an_unknown_write_mode_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"Typo.audit_writes='batch' is not a write mode: use one of "):

        class Typo(NoriAuditMixin, Model):
            audit_writes = "batch"
            id = fields.IntField(primary_key=True)

            class Meta:
                abstract = True


async def test_audit_now_writes_before_returning(db: str) -> None:
    await audit_now(None, "export", model_name="Report", record_id=7)
    assert await logged() == [("export", "7")]


async def test_audit_now_joins_the_callers_transaction(db: str) -> None:
    with pytest.raises(Undo):
        async with in_transaction():
            await audit_now(None, "undone")
            raise Undo
    async with in_transaction() as connection:
        await audit_now(None, "kept", using_db=connection)
    assert await logged() == [("kept", None)]


async def test_audit_now_raises_when_the_row_cannot_be_written(db: str) -> None:
    with pytest.raises(AuditWriteError, match=r"audit row 'x' \(None k+\) not written: record_id is longer"):
        await audit_now(None, "x", record_id=LONG_KEY)
