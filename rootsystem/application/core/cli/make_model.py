"""`make:model Name`: write models/<name>.py and wire it into models/__init__.py."""

from __future__ import annotations

import argparse

from core.cli.naming import checked_table_name, pascal_name, snake_case
from core.cli.scaffold import APPLICATION, relative, write_new
from core.cli.wiring import wire_model
from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the model class, PascalCase (e.g. BlogPost → table blog_posts)")
    parser.add_argument("--no-register", action="store_true",
                        help="leave models/__init__.py alone and print the two lines to add")
    parser.add_argument("--soft-deletes", action="store_true", help="use NoriSoftDeletes (adds deleted_at)")
    parser.add_argument("--tree", action="store_true", help="use NoriTreeMixin with a nullable `parent` key")


def model_source(name: str, table: str, *, soft_deletes: bool = False, tree: bool = False) -> str:
    """The model module's text: NoriModelMixin, id, timestamps and an explicit plural table."""
    imports = ["from tortoise import fields"]
    bases = ["NoriModelMixin"]
    framework = ["from core.mixins.model import NoriModelMixin"]
    if tree:
        framework.append("from core.mixins.tree import NoriTreeMixin")
        bases.append("NoriTreeMixin")
    if soft_deletes:  # NoriSoftDeletes is itself a Model, so it replaces Model
        framework.insert(0, "from core.mixins.soft_deletes import NoriSoftDeletes")
        bases.append("NoriSoftDeletes")
    else:
        imports.append("from tortoise.models import Model")
        bases.append("Model")
    fields = ["    id = fields.IntField(primary_key=True)"]
    if tree:
        fields.append(f'    parent = fields.ForeignKeyField("models.{name}", related_name="children_rel", '
                      "null=True, default=None)")
    fields += ["    created_at = fields.DatetimeField(auto_now_add=True)",
               "    updated_at = fields.DatetimeField(auto_now=True)"]
    return "\n".join([
        f'"""The {name} model; add its fields, then run `python3 nori.py migrate:make`."""',
        "",
        "from __future__ import annotations",
        "",
        *imports,
        "",
        *sorted(framework),
        "",
        "",
        f"class {name}({', '.join(bases)}):",
        *fields,
        "",
        "    class Meta:",
        f'        table = "{table}"',
        "",
    ])


def run(args: argparse.Namespace) -> int:
    name = pascal_name(args.name)
    table = checked_table_name(name)
    module = snake_case(name)
    path = APPLICATION / "models" / f"{module}.py"
    write_new(path, model_source(name, table, soft_deletes=args.soft_deletes, tree=args.tree))
    print(f"Created {relative(path)} (class {name}, table {table})")
    init = APPLICATION / "models" / "__init__.py"
    steps = [f"from models.{module} import {name}", f'register_model("{name}", {name})']
    if args.no_register:
        print(f"Not registered (--no-register). Add these two lines to {relative(init)}:")
        for step in steps:
            print(f"    {step}")
    else:
        added = wire_model(init, f"models.{module}", name)
        if added:
            print(f"Wired it into {relative(init)}:")
            for line in added:
                print(f"    {line}")
        else:
            print(f"{relative(init)} already imports and registers {name}")
    print(next_step(module))
    return 0


def next_step(module: str) -> str:
    """`migrate:init` while the site's own app has no migration file yet, `migrate:make` after that."""
    from core.database import SITE_APP
    from core.migrations.backend import migration_files

    if not migration_files(settings.MIGRATIONS_DIR, SITE_APP):
        return "Next: add fields, then run `python3 nori.py migrate:init` (the site has no migrations yet)"
    return (f"Next: add fields, then run `python3 nori.py migrate:make add_{module}` and "
            "`python3 nori.py migrate:upgrade`")
