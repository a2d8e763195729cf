"""make:model, make:seeder, make:controller and make:job run in a copy of the project, as a user runs them."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.naming import plural, snake_case, table_name
from core.cli.wiring import add_seeder_line, register_model_lines
from tests.support.site_copy import ROOT, copy_site, nori

MODELS = Path("rootsystem/application/models")


@pytest.mark.parametrize(("name", "table"), [
    ("Category", "categories"), ("Box", "boxes"), ("Person", "people"), ("Child", "children"),
    ("BlogPost", "blog_posts"), ("Day", "days"), ("Church", "churches"), ("Leaf", "leaves"),
    ("Series", "series"), ("HTTPRequest", "http_requests"), ("OrderItem", "order_items"), ("Mouse", "mice"),
])
def test_table_names_are_plural_snake(name: str, table: str) -> None:
    assert table_name(name) == table


def test_snake_and_plural_basics() -> None:
    assert snake_case("HTTPRequest") == "http_request" and snake_case("User2Fa") == "user2_fa"
    assert plural("bus") == "buses" and plural("key") == "keys"


def ruff_clean(path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"),
                             str(path)], capture_output=True, text=True, cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_model_writes_registers_and_tells_the_next_step(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    init = site / MODELS / "__init__.py"
    before = init.read_text()
    result = nori(site, "make:model", "Category")
    assert result.returncode == 0, result.stderr
    source = (site / MODELS / "category.py").read_text()
    tree = ast.parse(source)
    [cls] = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert [ast.unparse(base) for base in cls.bases] == ["NoriModelMixin", "Model"]
    assert 'table = "categories"' in source
    for field in ("id = fields.IntField(primary_key=True)", "created_at = fields.DatetimeField(auto_now_add=True)",
                  "updated_at = fields.DatetimeField(auto_now=True)"):
        assert field in source
    after = init.read_text()
    assert "from models.category import Category" in after and 'register_model("Category", Category)' in after
    assert [line for line in before.splitlines() if line not in after.splitlines()] == []  # nothing rewritten
    assert "models/__init__.py" in result.stdout and "Next: add fields, then run" in result.stdout
    ruff_clean(site / MODELS / "category.py")
    ruff_clean(init)
    # the generated model really loads: the registry and Tortoise see it
    check = subprocess.run([sys.executable, "-c", (
        "import sys; sys.path.insert(0, 'rootsystem/application'); import models;"
        "from core.registry import get_model; print(get_model('Category')._meta.db_table)")],
        cwd=site, capture_output=True, text=True)
    assert check.stdout.strip() == "categories", check.stderr


def test_make_model_next_step_is_migrate_init_until_the_site_has_migrations(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    folder = site / "migrations" / "models"
    shutil.rmtree(folder, ignore_errors=True)
    first = nori(site, "make:model", "Box").stdout.splitlines()[-1]
    assert first == "Next: add fields, then run `python3 nori.py migrate:init` (the site has no migrations yet)"
    folder.mkdir(parents=True)
    (folder / "0_20260101000000_init.py").write_text("")
    later = nori(site, "make:model", "Mouse").stdout.splitlines()[-1]
    assert later == ("Next: add fields, then run `python3 nori.py migrate:make add_mouse` and "
                     "`python3 nori.py migrate:upgrade`")


def test_make_model_refuses_to_overwrite_and_wiring_is_idempotent(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    assert nori(site, "make:model", "Box").returncode == 0
    (site / MODELS / "box.py").write_text("# edited by hand\n")
    again = nori(site, "make:model", "Box")
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "make:model: rootsystem/application/models/box.py already exists; not overwriting it "
        "(delete it first to regenerate)")
    assert (site / MODELS / "box.py").read_text() == "# edited by hand\n"
    (site / MODELS / "box.py").unlink()
    assert nori(site, "make:model", "Box").returncode == 0
    assert (site / MODELS / "__init__.py").read_text().count("register_model(\"Box\", Box)") == 1


@pytest.mark.parametrize("bad", ["category", "blog_post", "1Thing", "Bad-Name", "class"])
def test_make_model_rejects_names_that_are_not_pascal_case(tmp_path: Path, bad: str) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "make:model", bad)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"make:model: {bad!r} is not a valid model name: use a PascalCase identifier")
    assert sorted(p.name for p in (site / MODELS).glob("*.py")) == ["__init__.py", "user.py"]


def test_make_model_refuses_names_no_database_or_file_system_can_hold(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    huge = nori(site, "make:model", "A" + "b" * 299)
    assert huge.returncode == 1
    assert huge.stderr.strip() == ("make:model: 'Abbbbbbbbbbbbbbbbbbb'... is 300 characters long: "
                                   "a model name has at most 63")
    wordy = nori(site, "make:model", "Ab" * 31)
    assert wordy.returncode == 1
    [line] = wordy.stderr.strip().splitlines()
    assert line.endswith("93 characters long: databases allow 63; pick a shorter name")
    assert sorted(p.name for p in (site / MODELS).glob("*.py")) == ["__init__.py", "user.py"]


def test_make_model_no_register_only_prints_the_two_steps(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    init_before = (site / MODELS / "__init__.py").read_text()
    result = nori(site, "make:model", "Person", "--no-register")
    assert result.returncode == 0
    assert (site / MODELS / "__init__.py").read_text() == init_before
    assert "    from models.person import Person" in result.stdout.splitlines()
    assert '    register_model("Person", Person)' in result.stdout.splitlines()
    assert 'table = "people"' in (site / MODELS / "person.py").read_text()


def class_of(path: Path) -> ast.ClassDef:
    [cls] = [node for node in ast.parse(path.read_text()).body if isinstance(node, ast.ClassDef)]
    return cls


def test_make_model_variants(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    assert nori(site, "make:model", "Post", "--soft-deletes").returncode == 0
    post = (site / MODELS / "post.py").read_text()
    assert "from core.mixins.soft_deletes import NoriSoftDeletes" in post and "tortoise.models" not in post
    assert [ast.unparse(b) for b in class_of(site / MODELS / "post.py").bases] == ["NoriModelMixin", "NoriSoftDeletes"]
    assert nori(site, "make:model", "Category", "--tree").returncode == 0
    category = site / MODELS / "category.py"
    assert "from core.mixins.tree import NoriTreeMixin" in category.read_text()
    cls = class_of(category)
    assert [ast.unparse(b) for b in cls.bases] == ["NoriModelMixin", "NoriTreeMixin", "Model"]
    [parent] = [node for node in cls.body if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "parent"]
    assert ast.unparse(parent.value) == ("fields.ForeignKeyField('models.Category', related_name='children_rel', "
                                         "null=True, default=None)")
    for name in ("post.py", "category.py"):
        ruff_clean(site / MODELS / name)


def test_register_model_lines_keep_formatting_and_quote_style() -> None:
    source = ("'''Models.'''\n\nfrom core.registry import register_model\nfrom models.user import User  # the users\n"
              "\nregister_model('User', User)\n\n# custom trailer kept\n")
    text, added = register_model_lines(source, "models.article", "Article")
    assert added == ["from models.article import Article", "register_model('Article', Article)"]
    assert text.splitlines() == ["'''Models.'''", "", "from core.registry import register_model",
                                 "from models.article import Article", "from models.user import User  # the users",
                                 "", "register_model('User', User)", "register_model('Article', Article)", "",
                                 "# custom trailer kept"]
    assert register_model_lines(text, "models.article", "Article") == (text, [])
    empty, added = register_model_lines('"""Models."""\n', "models.tag", "Tag")
    assert empty == ('"""Models."""\nfrom core.registry import register_model\nfrom models.tag import Tag\n\n'
                     'register_model("Tag", Tag)\n')


@pytest.mark.parametrize(("source", "expected"), [
    ("SEEDERS = []\n", "SEEDERS = ['seeders.b']\n".replace("'", '"')),
    ("SEEDERS: list[str] = ['seeders.a']\n", "SEEDERS: list[str] = ['seeders.a', 'seeders.b']\n"),
    ('SEEDERS = [\n    "seeders.a",\n]\n', 'SEEDERS = [\n    "seeders.a",\n    "seeders.b",\n]\n'),
    ('SEEDERS = [\n    "seeders.a"\n]\n', 'SEEDERS = [\n    "seeders.a",\n    "seeders.b",\n]\n'),
    ("SEEDERS = [\n]\n", 'SEEDERS = [\n    "seeders.b",\n]\n'),
])
def test_add_seeder_line_keeps_the_list_style(source: str, expected: str) -> None:
    assert add_seeder_line(source, "seeders.b") == expected
    assert add_seeder_line(expected, "seeders.b") is None


def test_make_seeder_writes_and_lists_it_once(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "make:seeder", "User")
    assert result.returncode == 0, result.stderr
    seeder = site / "seeders" / "user_seeder.py"
    tree = ast.parse(seeder.read_text())
    [run] = [node for node in tree.body if isinstance(node, ast.AsyncFunctionDef)]
    assert run.name == "run" and ast.unparse(run.returns) == "None" and not run.args.args
    ruff_clean(seeder)
    registry = site / "seeders" / "database_seeder.py"
    assert 'SEEDERS: list[str] = ["seeders.user_seeder"]' in registry.read_text()
    assert nori(site, "make:seeder", "Post").returncode == 0
    assert 'SEEDERS: list[str] = ["seeders.user_seeder", "seeders.post_seeder"]' in registry.read_text()
    seeder.unlink()
    assert nori(site, "make:seeder", "UserSeeder").returncode == 0  # same file name, not listed twice
    assert registry.read_text().count("seeders.user_seeder") == 1
    again = nori(site, "make:seeder", "user")
    assert again.returncode == 1 and "seeders/user_seeder.py already exists" in again.stderr


def test_make_controller_writes_a_working_controller(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "make:controller", "BlogPost")
    assert result.returncode == 0, result.stderr
    path = site / "rootsystem" / "application" / "modules" / "blog_post.py"
    assert class_of(path).name == "BlogPostController"
    assert 'Route("/blog-posts", BlogPostController().index, name="blog_posts.index")' in result.stdout
    ruff_clean(path)
    probe = ("import sys, asyncio; sys.path.insert(0, 'rootsystem/application');"
             "from modules.blog_post import BlogPostController;"
             "r = asyncio.run(BlogPostController().index(None)); print(r.status_code, r.body.decode())")
    answer = subprocess.run([sys.executable, "-c", probe], cwd=site, capture_output=True, text=True)
    assert answer.stdout.startswith('200 {"controller":"BlogPostController"'), answer.stderr
    again = nori(site, "make:controller", "BlogPostController")
    assert again.returncode == 1 and "modules/blog_post.py already exists" in again.stderr


def test_make_job_writes_a_job_the_worker_finds(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "make:job", "SendWelcomeJob")
    assert result.returncode == 0, result.stderr
    path = site / "rootsystem" / "application" / "jobs" / "send_welcome.py"
    assert "Created rootsystem/application/jobs/send_welcome.py" in result.stdout
    assert "from jobs.send_welcome import send_welcome" in result.stdout
    ruff_clean(path)
    probe = ("import sys, asyncio; sys.path.insert(0, 'rootsystem/application');"
             "from core.jobs.discovery import discover_jobs;"
             "job = discover_jobs()['jobs.send_welcome.send_welcome'];"
             "print(job.retries, job.queue, asyncio.run(job()))")
    env = {**os.environ, "DEBUG": "true", "SECRET_KEY": "x" * 40}
    answer = subprocess.run([sys.executable, "-c", probe], cwd=site, capture_output=True, text=True, env=env)
    assert answer.stdout == "3 default None\n", answer.stderr
    again = nori(site, "make:job", "send_welcome")
    assert again.returncode == 1 and "jobs/send_welcome.py already exists" in again.stderr
    for bad in ("9lives", "send-welcome", "Class"):
        refused = nori(site, "make:job", bad)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "valid job name" in refused.stderr
