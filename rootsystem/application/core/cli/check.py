"""`check`: a pre-deploy gate. Prints every problem it finds and exits 1 when there is any.

Each check states what it verified, so a clean run is a readable report too. Later checks need
earlier ones (no database, no drift check), so a failure there stops the run with what it knows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
from typing import Any

from core.settings import settings


class Report:
    def __init__(self) -> None:
        self.problems = 0

    def ok(self, text: str) -> None:
        print(f"ok    {text}")

    def note(self, text: str) -> None:
        """Worth knowing before a deploy, but valid in some: not counted as a problem."""
        print(f"note  {text}")

    def fail(self, text: str) -> None:
        self.problems += 1
        print(f"FAIL  {text}")


def drift(expected: dict[str, set[str]], live: dict[str, set[str]]) -> list[str]:
    """Differences between the models' tables and the database's, in both directions."""
    findings = []
    for table in sorted(expected.keys() - live.keys()):
        findings.append(f"table {table} is missing from the database (a model defines it)")
    for table in sorted(live.keys() - expected.keys()):
        findings.append(f"table {table} is in the database but no model defines it")
    for table in sorted(expected.keys() & live.keys()):
        for column in sorted(expected[table] - live[table]):
            findings.append(f"column {table}.{column} is missing from the database (the model has it)")
        for column in sorted(live[table] - expected[table]):
            findings.append(f"column {table}.{column} is in the database but not in the model")
    return findings


def check_models(report: Report) -> None:
    from core.migrations.discovery import unimported_models, unregistered_models

    try:
        findings = unimported_models() + unregistered_models()
    except Exception as error:  # a model module that cannot even be imported is the finding
        report.fail(f"models: {type(error).__name__}: {error}")
        return
    for finding in findings:
        report.fail(finding)
    if not findings:
        report.ok("models: every model is imported and registered")


async def check_database(report: Report, settings: Any) -> None:
    from tortoise import connections

    from core.database import orm
    from core.migrations import APPS, backend, operations
    from core.migrations.schema import expected_columns, live_columns

    project = operations.Project.from_settings()
    label = settings.DATABASE.describe()
    async with contextlib.AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(orm(project.config))
            await connections.get("default").execute_query("SELECT 1")
        except Exception as error:
            report.fail(f"database {label} is not reachable: {str(error).strip() or type(error).__name__}")
            return
        report.ok(f"database {label} is reachable")
        await check_replicas(report)
        if not any(backend.migration_files(project.location, app) for app in APPS):
            report.fail("no migrations: run 'migrate:init' (without DEBUG the schema comes from migrations only)")
        for app in APPS:
            state = await operations.app_status(project, app)
            for name in state.pending:
                report.fail(f"migration {app}/{name} is not applied: run 'migrate:upgrade'")
            for name in state.missing:
                report.fail(f"migration {app}/{name} is applied but its file is missing")
            if not state.pending and not state.missing and state.applied:
                report.ok(f"migrations: {app} is up to date ({len(state.applied)} applied)")
        findings = drift(expected_columns(), await live_columns())
        for finding in findings:
            report.fail(finding)
        if not findings:
            report.ok("schema: the database matches the models")


async def check_replicas(report: Report) -> None:
    """Each read replica answers (itself, not through its fallback) and has the primary's migrations."""
    from tortoise import connections

    from core.migrations import backend
    from core.replicas.engine import replica_names

    primary = [m.name for m in await backend.applied_migrations()]
    for name in replica_names():
        replica: Any = connections.get(name)
        try:
            await replica.probe()
        except Exception as error:
            report.fail(f"read replica {name} is not reachable: {str(error).strip() or type(error).__name__}")
            continue
        applied = [m.name for m in await backend.applied_migrations(using=replica)]
        if applied != primary:
            missing = [m for m in primary if m not in applied]
            report.fail(f"read replica {name} is not on the primary's migrations ({len(applied)} applied, "
                        f"the primary {len(primary)}{'; missing ' + missing[-1] if missing else ''})")
        else:
            report.ok(f"read replica {name} is reachable and on the same migrations")


REDIS_SETTINGS = ("REDIS_URL", "REALTIME_URL", "CACHE_URL", "THROTTLE_URL", "SESSION_URL", "QUEUE_URL",
                  "LOGIN_THROTTLE_REDIS_URL")


async def check_redis(report: Report, settings: Any) -> None:
    """Ping each Redis a setting names, so an outage or a wrong host shows before the first login does."""
    urls = {name: getattr(settings, name, "") or "" for name in REDIS_SETTINGS}
    urls = {name: url for name, url in urls.items() if url.startswith(("redis://", "rediss://"))}
    if not urls:
        return
    import redis.asyncio

    for name, url in urls.items():
        client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            await client.ping()
        except Exception as error:  # any failure to answer is the finding
            report.fail(f"{name}: Redis at {url} is not answering: {str(error).strip() or type(error).__name__}")
        else:
            report.ok(f"{name}: Redis answers")
        finally:
            await client.aclose()


async def check_realtime(report: Report, settings: Any) -> None:
    """Which server carries broadcasts between processes. A Redis one is pinged by check_redis (it is
    REALTIME_URL or REDIS_URL); here the finding is a URL that names no server, and with DEBUG off a
    note for the in-process backend: a single process is a valid deploy, but with `serve --workers`
    above 1 a socket hears only the broadcasts of its own worker."""
    from core.conf import SettingError
    from core.realtime.backends import MemoryBackend, PostgresBackend, configured_backend

    source = "REALTIME_URL" if settings.REALTIME_URL else "REDIS_URL" if settings.REDIS_URL else "the database"
    try:
        backend = configured_backend()  # builds, opens nothing
    except SettingError as error:
        report.fail(f"realtime: {error}")
        return
    await backend.stop()
    if isinstance(backend, MemoryBackend):
        where = "memory://" if settings.REALTIME_URL else "no REALTIME_URL, REDIS_URL or PostgreSQL database"
        if settings.DEBUG:
            report.ok(f"realtime: broadcasts stay in this process ({where})")
        else:
            report.note(f"realtime: broadcasts stay in this process ({where}): with more than one worker a "
                        "socket hears only its own worker's; set REALTIME_URL to a Redis or PostgreSQL server")
        return
    server = "PostgreSQL LISTEN/NOTIFY" if isinstance(backend, PostgresBackend) else "Redis pub/sub"
    report.ok(f"realtime: broadcasts go over {server} ({source})")


async def check_mail(report: Report, settings: Any) -> None:
    """Mail must have somewhere to go with DEBUG off: without it registration, password reset and
    email verification fail at the first user who needs them. An SMTP server is also greeted, so a
    wrong host or port shows here; credentials are not tried (that would send a login per deploy)."""
    from core.mail.errors import MailConfigError
    from core.mail.transports import MemoryTransport, SmtpTransport, configured_mail_url, transport_from_url

    url = configured_mail_url()
    if not url:
        report.fail("MAIL_URL is not set: registration, password reset and verification mails cannot be sent; "
                    "set smtp://user:password@host:port (or log:// to write them to files)")
        return
    try:
        transport = transport_from_url(url)
    except MailConfigError as error:
        report.fail(str(error))
        return
    if isinstance(transport, MemoryTransport) and not settings.DEBUG:
        report.fail("MAIL_URL=memory:// keeps mails in memory, where nobody receives them: use smtp:// in production")
        return
    if not isinstance(transport, SmtpTransport):
        report.ok(f"MAIL_URL: mails go to {url.split(':')[0]}://")
        return
    where = f"{transport.hostname}:{transport.port}"
    try:
        await transport.greet()
    except Exception as error:  # any failure to answer is the finding, as for Redis
        reason = str(error).strip() or type(error).__name__
        report.fail(f"MAIL_URL: the SMTP server at {where} is not answering: {reason}")
        return
    report.ok(f"MAIL_URL: the SMTP server at {where} answers")


def run(args: argparse.Namespace) -> int:
    report = Report()
    try:
        settings.module()
    except Exception as error:
        report.fail(f"settings: {error}")
        return 1
    report.ok(f"settings: loaded (DEBUG={'on' if settings.DEBUG else 'off'})")
    if settings.DEBUG:
        report.note("DEBUG is on: set DEBUG=false for production")
    check_models(report)
    if settings.DATABASE.engine == "sqlite" and not Path(settings.DATABASE.name).is_file():
        report.fail(f"database {settings.DATABASE.describe()} is not reachable: the file does not exist")
    else:
        asyncio.run(check_database(report, settings))
    asyncio.run(check_redis(report, settings))
    asyncio.run(check_realtime(report, settings))
    asyncio.run(check_mail(report, settings))
    if report.problems:
        print(f"{report.problems} problem(s) found")
        return 1
    print("All checks passed")
    return 0
