"""`check`, the pre-deploy gate: each kind of finding, on every engine, through the real command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.testing.redis import free_port
from tests.support.site_copy import SiteCopy, make_site_copy
from tests.support.smtp import smtp_server
from tests.test_migrate_cycle import POST, POST_WITH_BODY


@pytest.fixture
async def site(nori_engine: str, tmp_path: Path) -> SiteCopy:
    return await make_site_copy(nori_engine, tmp_path)


def failures(output: str) -> list[str]:
    return [line.removeprefix("FAIL  ") for line in output.splitlines() if line.startswith("FAIL  ")]


def test_clean_site_passes(site: SiteCopy) -> None:
    site.run("migrate:init")
    result = site.run("check")
    assert failures(result.stdout) == []
    assert "All checks passed" in result.stdout


def test_no_migrations_and_unreachable_database(site: SiteCopy, nori_engine: str) -> None:
    assert "no migrations: run 'migrate:init'" in "\n".join(failures(site.run("check", expect=1).stdout))
    missing = "/nonexistent/dir/site.sqlite3" if nori_engine == "sqlite" else site.database.name + "_missing"
    found = failures(site.run("check", expect=1, DB_NAME=missing).stdout)
    assert len(found) == 1 and found[0].startswith(f"database {nori_engine} ") and "is not reachable" in found[0]


def test_invalid_settings(site: SiteCopy) -> None:
    found = failures(site.run("check", expect=1, TIMEZONE="Mars/Olympus").stdout)
    assert found == [
        "settings: TIMEZONE='Mars/Olympus' is not a time zone: use an IANA name such as UTC or Europe/Madrid"
    ]


async def test_every_kind_of_finding(site: SiteCopy) -> None:
    site.migrated_with_model("post", "Post", POST)
    site.write_model("post", POST_WITH_BODY)  # a field without its migration
    site.write_model("tag", POST.replace("Post", "Tag").replace('"posts"', '"tags"'))
    site.wire_model("tag", "Tag")  # a model without its migration
    site.write_model("note", POST.replace("Post", "Note").replace('"posts"', '"notes"'))
    site.wire_model("note", "Note", register=False)
    site.write_model("draft", POST.replace("Post", "Draft").replace('"posts"', '"drafts"'))  # never imported
    await site.sql("CREATE TABLE junk (id INT)")
    await site.sql("ALTER TABLE posts ADD legacy INT")
    await site.sql("INSERT INTO aerich (version, app, content) VALUES ('9_20260101000000_gone.py', 'models', '{}')")
    (site.root / "migrations" / "models" / "2_20260101000000_noop.py").write_text(
        "async def upgrade(db):\n    return ''\n\n\nasync def downgrade(db):\n    return ''\n"
    )

    found = failures(site.run("check", expect=1).stdout)
    assert sorted(found) == sorted([
        "models/draft.py defines Draft, which models/__init__.py does not import (migrations will not see it)",
        "Note is imported but not registered: add register_model('Note', Note) to models/__init__.py",
        "migration models/2_20260101000000_noop.py is not applied: run 'migrate:upgrade'",
        "migration models/9_20260101000000_gone.py is applied but its file is missing",
        "table notes is missing from the database (a model defines it)",
        "table tags is missing from the database (a model defines it)",
        "table junk is in the database but no model defines it",
        "column posts.body is missing from the database (the model has it)",
        "column posts.legacy is in the database but not in the model",
    ])


def test_each_redis_setting_is_pinged(site: SiteCopy) -> None:
    site.run("migrate:init")
    live = os.environ.get("NORI_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    closed = f"redis://127.0.0.1:{free_port()}/9"
    result = site.run("check", expect=1, REDIS_URL=live, LOGIN_THROTTLE_REDIS_URL=closed)
    assert "ok    REDIS_URL: Redis answers" in result.stdout
    found = failures(result.stdout)
    assert len(found) == 1 and found[0].startswith(f"LOGIN_THROTTLE_REDIS_URL: Redis at {closed} is not answering")


def test_mail_must_have_somewhere_to_go_with_debug_off(site: SiteCopy) -> None:
    site.run("migrate:init")
    production = {"DEBUG": "false", "ALLOWED_HOSTS": "example.com"}
    found = failures(site.run("check", expect=1, MAIL_URL="", **production).stdout)
    assert found == ["MAIL_URL is not set: registration, password reset and verification mails cannot be sent; "
                     "set smtp://user:password@host:port (or log:// to write them to files)"]
    assert failures(site.run("check", expect=1, MAIL_URL="ftp://mail.example.com", **production).stdout)[0] \
        .startswith("MAIL_URL='ftp://mail.example.com' is not a mail URL")

    for _inbox, port in smtp_server():
        result = site.run("check", MAIL_URL=f"smtp://127.0.0.1:{port}", **production)
        assert f"ok    MAIL_URL: the SMTP server at 127.0.0.1:{port} answers" in result.stdout
    closed = free_port()
    found = failures(site.run("check", expect=1, MAIL_URL=f"smtp://127.0.0.1:{closed}", **production).stdout)
    assert len(found) == 1 and found[0].startswith(f"MAIL_URL: the SMTP server at 127.0.0.1:{closed} is not answering")
    assert failures(site.run("check", expect=1, MAIL_URL="memory://", **production).stdout) == [
        "MAIL_URL=memory:// keeps mails in memory, where nobody receives them: use smtp:// in production"]
    assert "ok    MAIL_URL: mails go to log://" in site.run("check", MAIL_URL="").stdout  # DEBUG on: the log driver


def test_realtime_backend_is_named_and_its_redis_pinged(site: SiteCopy, nori_engine: str) -> None:
    site.run("migrate:init")
    live = os.environ.get("NORI_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    assert "ok    realtime: broadcasts go over Redis pub/sub (REDIS_URL)" in site.run("check", REDIS_URL=live).stdout
    result = site.run("check", REDIS_URL="", REALTIME_URL=live)
    assert "ok    REALTIME_URL: Redis answers" in result.stdout
    assert "ok    realtime: broadcasts go over Redis pub/sub (REALTIME_URL)" in result.stdout

    closed = f"redis://127.0.0.1:{free_port()}/9"
    found = failures(site.run("check", expect=1, REDIS_URL="", REALTIME_URL=closed).stdout)
    assert len(found) == 1 and found[0].startswith(f"REALTIME_URL: Redis at {closed} is not answering")
    assert "\n" not in found[0]
    assert failures(site.run("check", expect=1, REDIS_URL="", REALTIME_URL="amqp://x").stdout) == [
        "realtime: REALTIME_URL='amqp://x' is not a broadcast server: use redis://, postgres:// or memory://"]

    if nori_engine == "postgres":  # no URL: the site's database carries broadcasts
        assert "ok    realtime: broadcasts go over PostgreSQL LISTEN/NOTIFY (the database)" \
            in site.run("check", REDIS_URL="").stdout
        return
    production = {"DEBUG": "false", "ALLOWED_HOSTS": "example.com", "MAIL_URL": "log://"}
    result = site.run("check", REDIS_URL="", **production)  # a note, not a problem: one worker is a valid deploy
    assert failures(result.stdout) == [] and "All checks passed" in result.stdout
    assert "note  realtime: broadcasts stay in this process (no REALTIME_URL, REDIS_URL or PostgreSQL database): " \
        "with more than one worker" in result.stdout
    assert "ok    realtime: broadcasts stay in this process (no REALTIME_URL" in site.run("check", REDIS_URL="").stdout
