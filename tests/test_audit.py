"""audit(): returns at once, writes in the background, never raises, records request facts."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise.transactions import in_transaction

import settings
from core.audit import audit, flush
from core.audit.record import FOREIGN_USER_KEY
from core.auth.identity import set_current_user
from core.database import orm, tortoise_config
from core.kernel import create_app
from core.models import AuditLog
from core.testing.engines import engine_database
from tests.support.server import APP_DIR, ROOT


async def audited_view(request: Request) -> JSONResponse:
    audit(request, "publish", model_name="Article", record_id=7, changes={"title": {"before": "a", "after": "b"}})
    return JSONResponse({"ok": True})


async def view_with_user(request: Request) -> JSONResponse:
    set_current_user(request, type("U", (), {"pk": 31})())
    audit(request, "login")
    return JSONResponse({"ok": True})


@pytest.fixture
async def audit_client(db: str) -> Any:
    routes = [Route("/audited", audited_view, methods=["POST"], name="audited"), Route("/with-user", view_with_user)]
    app = create_app(routes=routes, csrf_exempt=["audited"])  # these tests are about audit rows, not CSRF
    transport = httpx.ASGITransport(app=app, client=("10.0.0.5", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_audit_returns_before_the_row_is_written(db: str) -> None:
    assert audit(None, "login", user_id=1) is None
    assert await AuditLog.all().count() == 0  # nothing awaited yet: the write is still queued
    await flush()
    row = await AuditLog.get(action="login")
    assert row.user_id == 1 and row.created_at is not None


async def test_many_calls_are_written_in_batches(db: str) -> None:
    for number in range(1234):
        audit(None, "bulk", record_id=number)
    await flush()
    ids = await AuditLog.filter(action="bulk").values_list("record_id", flat=True)
    assert sorted(int(value) for value in ids) == list(range(1234))


async def test_row_carries_request_id_ip_and_fields(audit_client: httpx.AsyncClient) -> None:
    response = await audit_client.post("/audited", headers={"X-Request-ID": "req-abc.1"})
    assert response.status_code == 200
    await flush()
    row = await AuditLog.get(action="publish")
    assert row.request_id == "req-abc.1" == response.headers["x-request-id"]
    assert row.ip_address == "10.0.0.5"
    assert (row.model_name, row.record_id) == ("Article", "7")
    assert row.changes == {"title": {"before": "a", "after": "b"}}


async def test_generated_request_id_reaches_the_row(audit_client: httpx.AsyncClient) -> None:
    response = await audit_client.post("/audited", headers={"X-Request-ID": "bad id\twith spaces"})
    await flush()
    row = await AuditLog.get(action="publish")
    assert row.request_id == response.headers["x-request-id"] != "bad id\twith spaces"


async def test_user_of_the_request_is_used_when_not_given(audit_client: httpx.AsyncClient) -> None:
    await audit_client.get("/with-user")
    await flush()
    assert (await AuditLog.get(action="login")).user_id == 31


class FakeUser:
    def __init__(self, pk: Any) -> None:
        self.pk = pk


@pytest.mark.parametrize(
    ("given", "column", "kept"),
    [
        (42, 42, None),
        ("42", 42, None),
        (FakeUser(9), 9, None),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), None, "12345678-1234-5678-1234-567812345678"),
        ("ada@example.com", None, "ada@example.com"),
        (2**40, None, str(2**40)),
        (FakeUser("u-77"), None, "u-77"),
    ],
)
async def test_any_user_id_type_is_recorded(db: str, given: Any, column: int | None, kept: str | None) -> None:
    audit(None, "login", user_id=given, changes={"via": "form"})
    await flush()
    row = await AuditLog.get(action="login")
    assert row.user_id == column
    expected = {"via": "form"} if kept is None else {"via": "form", FOREIGN_USER_KEY: kept}
    assert row.changes == expected


async def test_non_json_changes_are_stored_not_raised(db: str) -> None:
    class Opaque:
        def __str__(self) -> str:
            return "opaque-value"

    changes = {"when": __import__("datetime").date(2024, 5, 1), "what": Opaque()}
    audit(None, "custom", changes=changes)
    changes["when"] = "mutated after the call"
    await flush()
    row = await AuditLog.get(action="custom")
    assert row.changes == {"when": "2024-05-01", "what": "opaque-value"}


async def test_keys_and_values_json_lacks_are_stored_as_text_and_lists(db: str) -> None:
    audit(None, "odd-keys", changes={(1, 2): "pair", "tags": {"solo"}, 7: "seven"})
    await flush()
    row = await AuditLog.get(action="odd-keys")
    assert row.changes == {"(1, 2)": "pair", "tags": ["solo"], "7": "seven"}


def test_queued_rows_are_left_alone_by_the_garbage_collector() -> None:
    import gc

    from core.audit.record import build_row

    row = build_row(None, "gc", model_name="Note", record_id=3, changes={"a": {"before": 1, "after": 2}}, user_id=4)
    gc.collect()
    assert type(row) is tuple and not gc.is_tracked(row)


async def test_rows_are_built_in_the_insert_statement_column_order(db: str) -> None:
    from core.audit.row import AuditRow
    from core.audit.writer import audit_connection

    connection = audit_connection()
    executor = connection.executor_class(model=AuditLog, db=connection)
    assert list(AuditRow._fields) == list(executor.regular_columns)


async def test_a_failed_write_is_logged_with_request_id_and_spares_the_batch(
    audit_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="nori.audit")

    async def too_long(request: Request) -> JSONResponse:
        audit(request, "ok-before")
        audit(request, "x" * 80)  # longer than the action column: this row cannot be written
        audit(request, "ok-after")
        return JSONResponse({"ok": True})

    app = create_app(routes=[Route("/bad", too_long)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/bad", headers={"X-Request-ID": "trace-77"})
    assert response.status_code == 200
    await flush()
    assert sorted(await AuditLog.all().values_list("action", flat=True)) == ["ok-after", "ok-before"]
    failures = [record for record in caplog.records if "not written" in record.getMessage()]
    assert len(failures) == 1
    assert "trace-77" in failures[0].getMessage() and failures[0].request_id == "trace-77"


def test_audit_without_an_event_loop_logs_instead_of_raising(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="nori.audit")
    errors: list[BaseException] = []

    def call() -> None:
        try:
            audit(None, "from-a-thread")
        except BaseException as error:  # the assertion below reports it
            errors.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    assert errors == []
    assert any("from-a-thread" in record.getMessage() for record in caplog.records)


async def test_rows_with_no_database_to_go_to_are_logged(
    db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from core.audit import writer as writer_module

    def closed() -> None:
        raise RuntimeError("the ORM is closed")

    monkeypatch.setattr(writer_module, "audit_connection", closed)
    caplog.set_level(logging.ERROR, logger="nori.audit")
    audit(None, "nowhere-to-go")
    await flush()
    failures = [record.getMessage() for record in caplog.records if "not written" in record.getMessage()]
    assert len(failures) == 1 and "nowhere-to-go" in failures[0] and "the ORM is closed" in failures[0]


async def test_audit_started_inside_a_transaction_keeps_working_after_it(db: str) -> None:
    from core.audit.writer import writer

    await writer.flush()  # the next batch, and its task, will be born inside the transaction below
    async with in_transaction():
        audit(None, "inside")
    await flush()
    audit(None, "after")
    await flush()
    assert sorted(await AuditLog.all().values_list("action", flat=True)) == ["after", "inside"]


async def test_trusted_proxy_header_sets_the_ip(audit_client: httpx.AsyncClient, monkeypatch: Any) -> None:
    import ipaddress

    monkeypatch.setattr(settings, "TRUSTED_PROXIES", [ipaddress.ip_network("10.0.0.0/8")])
    await audit_client.post("/audited", headers={"X-Forwarded-For": "203.0.113.9, 10.1.1.1"})
    await flush()
    assert (await AuditLog.get(action="publish")).ip_address == "203.0.113.9"


async def test_spoofed_header_from_an_untrusted_peer_is_ignored(audit_client: httpx.AsyncClient) -> None:
    assert settings.TRUSTED_PROXIES == []
    await audit_client.post("/audited", headers={"X-Forwarded-For": "1.2.3.4"})
    await flush()
    assert (await AuditLog.get(action="publish")).ip_address == "10.0.0.5"


async def test_a_full_queue_drops_and_logs_instead_of_growing(
    db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from core.audit import writer as writer_module
    from core.audit.record import build_row

    monkeypatch.setattr(writer_module, "MAX_PENDING", 3)
    caplog.set_level(logging.ERROR, logger="nori.audit")
    bounded = writer_module.AuditWriter()
    for number in range(5):
        bounded.submit(build_row(None, "queued", record_id=number))
    await bounded.flush()
    assert sorted(await AuditLog.all().values_list("record_id", flat=True)) == ["0", "1", "2"]
    assert sum("the audit queue is full" in record.getMessage() for record in caplog.records) == 2


def test_rows_lost_with_their_event_loop_are_counted_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="nori.audit")

    async def script_without_flush() -> None:
        audit(None, "never-flushed")
        audit(None, "never-flushed")

    thread = threading.Thread(target=asyncio.run, args=(script_without_flush(),))
    thread.start()
    thread.join()
    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("2 audit rows not written: the event loop was stopped") for message in messages)


def test_rows_still_queued_when_the_process_exits_are_counted_on_stderr() -> None:
    script = ("import asyncio\nfrom core.audit import audit\n"
              "async def main():\n    audit(None, 'left-behind')\n"
              "asyncio.new_event_loop().run_until_complete(main())\n")  # the loop is left open, its writer pending
    result = subprocess.run([sys.executable, "-c", script], cwd=APP_DIR, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "1 audit rows not written: the process exited before they were written" in result.stderr


def test_a_test_session_writes_the_rows_its_tests_left_queued(nori_engine: str, tmp_path: Path) -> None:
    if nori_engine == "sqlite":
        pytest.skip("the plugin deletes its SQLite file at the end of the session: nothing left to read")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["core.testing.plugin"]\n')
    (tmp_path / "test_site.py").write_text(
        "from core.audit import audit\n\n\nasync def test_leaves_a_row(db):\n    audit(None, 'left-queued')\n")
    db = replace(engine_database(nori_engine), name=engine_database(nori_engine).name + "_plugin")
    env = {**os.environ, "NORI_TEST_DB_NAME": db.name, "NORI_TEST_ENGINES": nori_engine,
           "PYTHONPATH": f"{APP_DIR}{os.pathsep}{ROOT}"}
    loop_scope = ["-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=session",
                  "-o", "asyncio_default_test_loop_scope=session"]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *loop_scope, "."],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not written" not in result.stdout + result.stderr

    async def logged() -> list[str]:
        async with orm(tortoise_config(db)):
            return await AuditLog.all().values_list("action", flat=True)

    assert asyncio.run(logged()) == ["left-queued"]
