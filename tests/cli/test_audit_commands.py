"""Audit rows written from `shell` (piped, `--plain`, IPython) and `db:seed` reach the database before they exit."""

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


SEEDERS = {
    "notes": "from core.audit import audit\nfrom models.note import Note\n\n\nasync def run() -> None:\n"
             "    await Note.create(title='kept')\n    audit(None, 'seeded')\n",
    "broken_notes": "from models.note import Note\n\n\nasync def run() -> None:\n"
                    "    await Note.create(title='undone')\n    raise RuntimeError('boom')\n",
}


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


def test_seeders_write_their_rows_and_a_failed_one_leaves_none(nori_engine: str, tmp_path: Path) -> None:
    site, db = site_with_notes(nori_engine, tmp_path)
    settings = database_environment(db)
    assert nori(site, "shell", settings=settings, stdin=LINES[0] + "\n").returncode == 0  # the notes table
    for name, source in SEEDERS.items():
        (site / "seeders" / f"{name}.py").write_text(source)
    (site / "seeders" / "database_seeder.py").write_text(f"SEEDERS = {[f'seeders.{name}' for name in SEEDERS]!r}\n")
    result = nori(site, "db:seed", settings=settings)
    assert result.returncode == 1 and "boom" in result.stderr
    assert not [word for word in LOST if word in result.stderr], result.stderr
    assert actions(db) == ["create", "seeded"]  # the broken seeder's note was rolled back, and its row with it
