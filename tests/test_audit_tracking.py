"""NoriAuditMixin: creates, updates, deletes, soft deletes and restores are logged with diffs."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.audit import REDACTED, flush
from core.audit.tracking import recorded_as
from core.auth.identity import set_user_loader
from core.kernel import create_app
from core.models import AuditLog
from tests.support.audit_models import AuditedNote, AuditedToken, UnauditedNote


async def rows() -> list[AuditLog]:
    await flush()
    return await AuditLog.all().order_by("id")


async def test_create_records_every_set_field(db: str) -> None:
    note = await AuditedNote.create(title="Hello", body="text")
    [row] = await rows()
    assert (row.action, row.model_name, row.record_id) == ("create", "AuditedNote", str(note.id))
    assert row.changes["title"] == {"before": None, "after": "Hello"}
    assert row.changes["body"] == {"before": None, "after": "text"}


async def test_update_records_only_changed_fields(db: str) -> None:
    note = await AuditedNote.create(title="Hello", body="same")
    loaded = await AuditedNote.get(id=note.id)
    loaded.title = "Bye"
    await loaded.save()
    update = (await rows())[-1]
    assert update.action == "update"
    assert set(update.changes) == {"title", "updated_at"}  # body did not change
    assert update.changes["title"] == {"before": "Hello", "after": "Bye"}


async def test_saving_without_changes_logs_nothing(db: str) -> None:
    note = await AuditedNote.create(title="Hello")
    await (await AuditedNote.get(id=note.id)).save(update_fields=["title"])
    assert [row.action for row in await rows()] == ["create"]


async def test_update_fields_limit_the_diff(db: str) -> None:
    note = await AuditedNote.create(title="a", body="b")
    note.title, note.body = "a2", "b2"
    await note.save(update_fields=["title"])
    assert set((await rows())[-1].changes) == {"title"}


async def test_recorded_as_renames_only_its_instances_rows_within_the_block(db: str) -> None:
    note, other = await AuditedNote.create(title="a"), await AuditedNote.create(title="b")
    with recorded_as(note, "admin.update", "Note", frozenset({"body"})) as claim:
        assert not claim.written
        note.title, note.body, other.title = "a2", "hidden", "b2"
        await note.save()
        await other.save()
    assert claim.written
    await note.delete()
    named = [(row.action, row.model_name, row.record_id) for row in await rows()][2:]
    assert named == [("admin.update", "Note", str(note.id)), ("update", "AuditedNote", str(other.id)),
                     ("delete", "AuditedNote", str(note.id))]
    renamed = (await rows())[2]
    assert renamed.changes["body"] == {"before": REDACTED, "after": REDACTED}
    assert renamed.changes["title"] == {"before": "a", "after": "a2"}


async def test_protected_fields_are_redacted(db: str) -> None:
    note = await AuditedNote.create(title="t", secret="hunter2")
    note.secret = "correct horse"
    await note.save()
    await note.delete()
    logged = await rows()
    assert [row.action for row in logged] == ["create", "update", "delete"]
    for row in logged:
        assert row.changes["secret"] == {"before": REDACTED, "after": REDACTED}
        assert "hunter2" not in str(row.changes) and "correct horse" not in str(row.changes)


async def test_hard_delete_records_last_values(db: str) -> None:
    note = await AuditedNote.create(title="gone")
    await (await AuditedNote.get(id=note.id)).delete()
    delete = (await rows())[-1]
    assert (delete.action, delete.record_id) == ("delete", str(note.id))
    assert delete.changes["title"] == {"before": "gone", "after": None}


async def test_soft_delete_and_restore_are_logged_once_each(db: str) -> None:
    note = await AuditedNote.create(title="t")
    await note.soft_delete()
    await note.restore()
    logged = await rows()
    assert [row.action for row in logged] == ["create", "soft_delete", "restore"]
    soft, back = logged[1], logged[2]
    assert soft.changes["deleted_at"]["before"] is None and soft.changes["deleted_at"]["after"]
    assert back.changes["deleted_at"]["after"] is None and back.changes["deleted_at"]["before"]


async def test_uuid_primary_keys_are_recorded_as_text(db: str) -> None:
    token = await AuditedToken.create(label="key")
    assert (await rows())[0].record_id == str(token.id)


async def test_models_without_the_mixin_are_not_logged(db: str) -> None:
    await UnauditedNote.create(title="quiet")
    assert await rows() == []


async def test_acting_user_and_request_come_from_the_request(db: str) -> None:
    class User:
        pk = 12

    async def loader(request: Any) -> Any:
        return User()

    async def edit(request: Request) -> JSONResponse:
        note = await AuditedNote.create(title="via http")
        note.title = "edited"
        await note.save()
        return JSONResponse({"id": note.id})

    # Built first: building the app imports the session auth, which installs its own loader.
    app = create_app(routes=[Route("/edit", edit, methods=["POST"], name="edit")], csrf_exempt=["edit"])
    previous_loader = set_user_loader(loader)
    try:
        transport = httpx.ASGITransport(app=app, client=("192.0.2.8", 1000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.post("/edit", headers={"X-Request-ID": "edit-1"})
    finally:
        set_user_loader(previous_loader)
    logged = await rows()
    assert [row.action for row in logged] == ["create", "update"]
    for row in logged:
        assert (row.user_id, row.request_id, row.ip_address) == (12, "edit-1", "192.0.2.8")
        assert row.record_id == str(response.json()["id"])


async def test_outside_a_request_there_is_no_user_or_request(db: str) -> None:
    await AuditedNote.create(title="cli")
    [row] = await rows()
    assert (row.user_id, row.request_id, row.ip_address) == (None, None, None)


async def test_audited_false_turns_tracking_off(db: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(AuditedNote, "audited", False)
    note = await AuditedNote.create(title="off")
    note.title = "still off"
    await note.save()
    await note.soft_delete()
    await note.delete()
    assert await rows() == []
