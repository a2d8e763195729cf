"""Audit rows written from `shell` (piped, `--plain`, IPython) reach the database before it exits."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from core.database import DatabaseSettings, orm, tortoise_config
from tests.cli.test_shell import talk
from tests.support.server import site_environment
from tests.support.site_copy import copy_site, database_environment, fresh_database, nori

NOTE_MODEL = '''from tortoise import fields
from tortoise.models import Model

from core.audit import NoriAuditMixin
from core.mixins.model import NoriModelMixin


class Note(NoriAuditMixin, NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)

    class Meta:
        table = "notes"
'''
# One statement per line, so a console, IPython and a script all read it the same way.
LINES = [
    "await Tortoise.generate_schemas(safe=True)",
    "from core.audit import audit",
    "audit(None, 'export', model_name='Report', record_id=1)",
    "note = await Note.create(title='draft')",
    "note.title = 'final'",
    "await note.save()",
    "audit(None, 'export', model_name='Report', record_id=2)",
]
EXPECTED = ["create", "export", "export", "update"]
LOST = ("Task was destroyed", "dropped", "not written", "closed database")


def site_with_notes(engine: str, tmp_path: Path) -> tuple[Path, DatabaseSettings]:
    db = fresh_database(engine, "_shaudit", tmp_path)
    site = copy_site(tmp_path)
    models = site / "rootsystem" / "application" / "models"
    (models / "note.py").write_text(NOTE_MODEL)
    with (models / "__init__.py").open("a") as init:
        init.write("from models.note import Note\nregister_model('Note', Note)\n")
    return site, db


def actions(db: DatabaseSettings) -> list[str]:
    async def read() -> list[str]:
        async with orm(tortoise_config(db)):
            from core.models import AuditLog

            return sorted(await AuditLog.all().values_list("action", flat=True))

    return asyncio.run(read())


@pytest.mark.parametrize("mode", ["transactional", "batched"])
def test_piped_shell_writes_every_audit_row(nori_engine: str, mode: str, tmp_path: Path) -> None:
    site, db = site_with_notes(nori_engine, tmp_path)
    result = nori(site, "shell", settings={**database_environment(db), "AUDIT_WRITES": mode},
                  stdin="\n".join(LINES) + "\n")
    assert result.returncode == 0, result.stderr
    assert not [word for word in LOST if word in result.stderr], result.stderr
    assert actions(db) == EXPECTED


@pytest.mark.parametrize("variant", ["ipython", "plain"])
def test_interactive_shell_writes_every_audit_row(nori_engine: str, variant: str, tmp_path: Path) -> None:
    if variant == "ipython":
        pytest.importorskip("IPython")
    site, db = site_with_notes(nori_engine, tmp_path)
    settings = {"DEBUG": "true", "SECRET_KEY": "s" * 40, "AUDIT_WRITES": "batched", **database_environment(db)}
    env = {**site_environment(settings, tmp_path), "TERM": "dumb"}
    extra = ["--plain"] if variant == "plain" else []
    output = talk([sys.executable, "nori.py", "shell", *extra], site, env,
                  [f"{line}\n".encode() for line in LINES] + [b"exit()\n"])
    assert ("In [" in output) == (variant == "ipython")
    assert not [word for word in LOST if word in output], output
    assert actions(db) == EXPECTED
