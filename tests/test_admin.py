"""The admin pages over httpx: every page of a registered model, its permissions, audit rows and limits."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.admin import admin_models, register_admin
from core.audit import flush
from core.models import AuditLog
from core.testing.queries import count_queries
from models.user import User
from tests.support.admin import admin_models_registered, client_for, log_in, user_with
from tests.support.admin_models import AUDITED_ADMIN_MODELS, Status
from tests.support.admin_models import AdminArticle as Article
from tests.support.admin_models import AdminLedger as Ledger
from tests.support.admin_models import AdminMemo as Memo
from tests.support.admin_models import AdminRemark as Remark
from tests.support.admin_models import AdminSection as Section
from tests.support.web import TOKEN, fresh_limits  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("fresh_limits")
APPLICATION = Path(__file__).resolve().parents[1] / "rootsystem" / "application"


@pytest.fixture
async def site(db: str) -> AsyncIterator[Any]:
    from core.kernel import create_app

    with admin_models_registered():
        yield create_app()


@pytest.fixture
async def staff(site: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as a user granted `admin.*`."""
    async with client_for(site) as client:
        await log_in(client, await user_with("admin.*"))
        yield client


async def token_of(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    match = TOKEN.search(page.text)
    assert match
    return match.group(1)


async def post_form(client: httpx.AsyncClient, form_path: str, action: str, data: dict[str, str]) -> httpx.Response:
    return await client.post(action, data={"csrf_token": await token_of(client, form_path), **data})


def titles(page: httpx.Response) -> list[str]:
    return re.findall(r'<td data-label="title">([^<]*)</td>', page.text)


async def articles(*names: str, **extra: Any) -> list[Article]:
    return [await Article.create(title=name, **extra) for name in names]


async def test_the_list_searches_filters_sorts_and_pages(staff: httpx.AsyncClient) -> None:
    section = await Section.create(name="News")
    await Article.create(title="Alpha news", featured=True, section=section, published_on=datetime.date(2026, 1, 5))
    await Article.create(title="Beta", body="about news", status=Status.PUBLISHED,
                         published_on=datetime.date(2026, 3, 1))
    await Article.create(title="Gamma")

    assert titles(await staff.get("/admin/articles")) == ["Gamma", "Beta", "Alpha news"]
    assert titles(await staff.get("/admin/articles?q=NEWS")) == ["Beta", "Alpha news"]  # title or body
    assert titles(await staff.get("/admin/articles?featured=1")) == ["Alpha news"]
    assert titles(await staff.get("/admin/articles?status=published")) == ["Beta"]
    assert titles(await staff.get(f"/admin/articles?section_id={section.id}")) == ["Alpha news"]
    assert titles(await staff.get("/admin/articles?published_on__from=2026-02-01")) == ["Beta"]
    assert titles(await staff.get("/admin/articles?published_on__to=2026-02-01")) == ["Alpha news"]
    assert titles(await staff.get("/admin/articles?sort=title")) == ["Alpha news", "Beta", "Gamma"]
    assert titles(await staff.get("/admin/articles?sort=-title")) == ["Gamma", "Beta", "Alpha news"]
    listed = await staff.get("/admin/articles?sort=title&per_page=2&page=2")
    assert titles(listed) == ["Gamma"] and "Page 2 of 2" in listed.text
    assert "News" in (await staff.get("/admin/articles")).text  # the section's name, not its id
    alpha = await Article.get(title="Alpha news")
    assert '<dt>Section</dt><dd>News</dd>' in (await staff.get(f"/admin/articles/{alpha.id}")).text


@pytest.mark.parametrize("query", ["featured=maybe", "status=lost", "section_id=x", "published_on__from=soon",
                                   "sort=secret_note", "sort=nothing", "page=0"])
async def test_a_bad_filter_or_sort_is_a_400_with_a_message(staff: httpx.AsyncClient, query: str) -> None:
    response = await staff.get(f"/admin/articles?{query}")
    assert response.status_code == 400, response.text


async def test_create_then_edit_then_see_both_in_the_audit_log(staff: httpx.AsyncClient) -> None:
    section = await Section.create(name="News")
    created = await post_form(staff, "/admin/articles/create", "/admin/articles/create", {
        "title": "Hello", "body": "First", "status": "draft", "featured": "1", "views": "3",
        "published_on": "2026-05-01", "section_id": str(section.id)})
    assert created.status_code == 303, created.text
    article = await Article.get(title="Hello")
    assert created.headers["location"] == f"/admin/articles/{article.id}"
    assert (article.featured, article.views, article.published_on, article.section_id) == (
        True, 3, datetime.date(2026, 5, 1), section.id)

    edited = await post_form(staff, f"/admin/articles/{article.id}/edit", f"/admin/articles/{article.id}/edit", {
        "title": "Hello again", "body": "First", "status": "published", "views": "3",
        "published_on": "2026-05-01", "section_id": ""})  # featured unticked
    assert edited.status_code == 303, edited.text
    await article.refresh_from_db()
    assert (article.title, article.status, article.featured, article.section_id) == (
        "Hello again", Status.PUBLISHED, False, None)

    await flush()
    rows = await AuditLog.filter(model_name="Article").order_by("id")
    assert [row.action for row in rows] == ["admin.create", "admin.update"]
    assert rows[0].changes["title"] == {"before": None, "after": "Hello"}
    assert rows[1].changes == {
        "title": {"before": "Hello", "after": "Hello again"}, "status": {"before": "draft", "after": "published"},
        "featured": {"before": True, "after": False}, "section_id": {"before": section.id, "after": None}}
    assert rows[0].user_id is not None and rows[0].user_id == rows[1].user_id
    log = await staff.get("/admin/audit?model=Article&action=admin.update")
    assert "Hello again" in log.text and "admin.create" not in log.text
    by_id = await staff.get(f"/admin/audit?user={rows[0].user_id}")
    assert by_id.text.count("<td data-label=\"action\">admin.") == 2 and f"Ada #{rows[0].user_id}" in by_id.text
    actor = await User.get(id=rows[0].user_id)
    by_email = await staff.get(f"/admin/audit?user={actor.email.upper()}")
    assert by_email.text.count("<td data-label=\"action\">admin.") == 2
    for nobody in ("999999", "nobody@example.com"):
        assert "No entries match" in (await staff.get(f"/admin/audit?user={nobody}")).text
    for wrong in ("ada", "99999999999", "-1"):
        assert (await staff.get(f"/admin/audit?user={wrong}")).status_code == 400


async def test_a_moment_is_typed_as_local_date_and_time_and_filtered_by_day(staff: httpx.AsyncClient) -> None:
    created = await post_form(staff, "/admin/articles/create", "/admin/articles/create", {
        "title": "Reviewed", "status": "draft", "views": "0", "reviewed_at": "2026-05-01T10:30"})
    assert created.status_code == 303, created.text
    article = await Article.get(title="Reviewed")
    assert article.reviewed_at == datetime.datetime(2026, 5, 1, 10, 30, tzinfo=datetime.UTC)
    await Article.create(title="Not reviewed")
    assert 'value="2026-05-01T10:30"' in (await staff.get(f"/admin/articles/{article.id}/edit")).text
    assert titles(await staff.get("/admin/articles?reviewed_at__from=2026-05-01&reviewed_at__to=2026-05-01")) == [
        "Reviewed"]
    assert titles(await staff.get("/admin/articles?reviewed_at__to=2026-04-30")) == []


async def test_an_invalid_form_is_a_422_page_with_the_errors_inline(staff: httpx.AsyncClient) -> None:
    await Article.create(title="Taken")
    response = await post_form(staff, "/admin/articles/create", "/admin/articles/create", {
        "title": "Taken", "status": "lost", "views": "many", "published_on": "someday", "section_id": "99"})
    assert response.status_code == 422
    for message in ("The title has already been taken.", "The status field must be one of: draft, published.",
                    "The views field must be a whole number.",
                    "The published on field must be a valid date (YYYY-MM-DD).",
                    "The selected section id is invalid."):
        assert message in response.text, message
    assert 'value="Taken"' in response.text  # what was typed is kept
    short = await post_form(staff, "/admin/articles/create", "/admin/articles/create", {"title": "ab"})
    assert short.status_code == 422 and "at least 3" in short.text  # Admin.rules replaces the derived rule
    assert await Article.all().count() == 1


async def test_protected_fields_are_never_shown_nor_taken(staff: httpx.AsyncClient) -> None:
    [article] = await articles("Hello", secret_note="launch codes")
    for path in ("/admin/articles", f"/admin/articles/{article.id}", f"/admin/articles/{article.id}/edit",
                 "/admin/articles/create"):
        page = await staff.get(path)
        assert page.status_code == 200 and "secret_note" not in page.text and "launch codes" not in page.text
    await post_form(staff, f"/admin/articles/{article.id}/edit", f"/admin/articles/{article.id}/edit", {
        "title": "Hello", "status": "draft", "views": "0", "secret_note": "stolen"})
    await article.refresh_from_db()
    assert article.secret_note == "launch codes"
    assert (await staff.get("/admin/articles?secret_note=x")).status_code == 200  # not a filter: ignored


async def test_soft_delete_then_restore_then_force_delete(staff: httpx.AsyncClient) -> None:
    [article] = await articles("Hello")
    detail = f"/admin/articles/{article.id}"
    deleted = await post_form(staff, f"{detail}/delete", f"{detail}/delete", {})
    assert deleted.status_code == 303
    assert await Article.filter(id=article.id).count() == 0 and await Article.trashed.filter(id=article.id).count()
    assert (await staff.get(detail)).status_code == 404
    trash = await staff.get("/admin/articles/trash")
    assert "Hello" in trash.text and "Restore" in trash.text

    restored = await post_form(staff, "/admin/articles/trash", f"{detail}/restore", {})
    assert restored.status_code == 303 and await Article.filter(id=article.id).exists()

    await post_form(staff, f"{detail}/delete", f"{detail}/delete", {})
    gone = await post_form(staff, "/admin/articles/trash", f"{detail}/force-delete", {})
    assert gone.status_code == 303 and not await Article.all_objects.filter(id=article.id).exists()
    await flush()
    actions = await AuditLog.filter(model_name="Article").order_by("id").values_list("action", flat=True)
    assert actions == ["admin.soft_delete", "admin.restore", "admin.soft_delete", "admin.force_delete"]


async def rows_for(record: Any, name: str) -> list[AuditLog]:
    """Every audit row about `record`, under its admin `name` or its class name."""
    names = [name, type(record).__name__]
    return await AuditLog.filter(record_id=str(record.pk), model_name__in=names).order_by("id")


async def test_a_model_that_logs_itself_gets_one_row_per_admin_change(staff: httpx.AsyncClient) -> None:
    with admin_models_registered(AUDITED_ADMIN_MODELS):
        await _one_row_per_admin_change(staff)


async def _one_row_per_admin_change(staff: httpx.AsyncClient) -> None:
    created = await post_form(staff, "/admin/ledgers/create", "/admin/ledgers/create",
                              {"title": "Rent", "amount": "5"})
    assert created.status_code == 303, created.text
    ledger = await Ledger.get(title="Rent")
    [row] = await rows_for(ledger, "Ledger")  # no flush: written with the change, as the mixin writes it
    assert (row.action, row.model_name) == ("admin.create", "Ledger")
    assert row.changes["amount"] == {"before": None, "after": 5}
    assert row.changes["pin"] == {"before": "[redacted]", "after": "[redacted]"} and row.user_id is not None

    detail = f"/admin/ledgers/{ledger.id}"
    edited = await post_form(staff, f"{detail}/edit", f"{detail}/edit", {"title": "Rent", "amount": "7"})
    assert edited.status_code == 303, edited.text
    await post_form(staff, f"{detail}/delete", f"{detail}/delete", {})
    assert not await Ledger.filter(id=ledger.id).exists()
    await flush()
    rows = await rows_for(ledger, "Ledger")
    assert [(row.action, row.model_name) for row in rows] == [
        ("admin.create", "Ledger"), ("admin.update", "Ledger"), ("admin.delete", "Ledger")]
    assert rows[1].changes == {"amount": {"before": 5, "after": 7}} and rows[1].user_id == rows[0].user_id

    memo = await Memo.create(title="Note")  # outside the admin the mixin names its rows itself
    memo_detail = f"/admin/memos/{memo.id}"
    await post_form(staff, f"{memo_detail}/delete", f"{memo_detail}/delete", {})
    await post_form(staff, "/admin/memos/trash", f"{memo_detail}/restore", {})
    await post_form(staff, f"{memo_detail}/delete", f"{memo_detail}/delete", {})
    await post_form(staff, "/admin/memos/trash", f"{memo_detail}/force-delete", {})
    await flush()
    assert [(row.action, row.model_name) for row in await rows_for(memo, "Memo")] == [
        ("create", "AdminMemo"), ("admin.soft_delete", "Memo"), ("admin.restore", "Memo"),
        ("admin.soft_delete", "Memo"), ("admin.force_delete", "Memo")]


async def test_a_model_without_soft_deletes_is_deleted_for_good_and_has_no_trash(staff: httpx.AsyncClient) -> None:
    [article] = await articles("Hello")
    remark = await Remark.create(body="Nice", article=article)
    assert (await staff.get("/admin/remarks/trash")).status_code == 404
    await post_form(staff, f"/admin/remarks/{remark.id}/delete", f"/admin/remarks/{remark.id}/delete", {})
    assert not await Remark.filter(id=remark.id).exists()


async def test_a_tree_is_indented_and_nodes_move(staff: httpx.AsyncClient) -> None:
    root = await Section.create(name="Root")
    child = await Section.create(name="Child", parent=root)
    other = await Section.create(name="Other")
    listing = await staff.get("/admin/sections")
    assert re.search(r'class="depth-1">— Child<', listing.text) and 'class="depth-0">Root<' in listing.text

    moved = await post_form(staff, f"/admin/sections/{child.id}", f"/admin/sections/{child.id}/move",
                            {"parent_id": str(other.id)})
    assert moved.status_code == 303
    await child.refresh_from_db()
    assert child.parent_id == other.id
    cycle = await post_form(staff, f"/admin/sections/{other.id}", f"/admin/sections/{other.id}/move",
                            {"parent_id": str(child.id)})
    assert cycle.status_code == 422 and "descendants" in cycle.text
    rooted = await post_form(staff, f"/admin/sections/{child.id}", f"/admin/sections/{child.id}/move",
                             {"parent_id": ""})
    assert rooted.status_code == 303
    await child.refresh_from_db()
    assert child.parent_id is None
    assert "parent_id" not in (await staff.get(f"/admin/sections/{child.id}/edit")).text  # only move_to moves


async def test_a_bulk_action_runs_over_the_ticked_rows(staff: httpx.AsyncClient) -> None:
    first, _, third = await articles("One", "Two", "Three")
    response = await post_form(staff, "/admin/articles", "/admin/articles/action",
                               {"action": "publish", "ids": [str(first.id), str(third.id)]})  # type: ignore[dict-item]
    assert response.status_code == 303
    published = await Article.filter(status=Status.PUBLISHED).order_by("id").values_list("title", flat=True)
    assert published == ["One", "Three"]
    await flush()
    row = await AuditLog.get(action="admin.action.publish")
    assert row.changes == {"ids": [first.id, third.id]}


async def test_inline_rows_show_under_their_parent(staff: httpx.AsyncClient) -> None:
    [article] = await articles("Hello")
    remark = await Remark.create(body="Nice post", article=article)
    detail = await staff.get(f"/admin/articles/{article.id}")
    assert f'<a href="/admin/remarks/{remark.id}">Nice post</a>' in detail.text


async def test_permissions_gate_every_page_and_button(site: Any) -> None:
    [article] = await articles("Hello")
    async with client_for(site) as anonymous:
        response = await anonymous.get("/admin/articles")
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    async with client_for(site) as viewer:
        await log_in(viewer, await user_with("admin.articles.view"))
        listing = await viewer.get("/admin/articles")
        assert listing.status_code == 200 and "Hello" in listing.text
        assert f"/admin/articles/{article.id}/edit" not in listing.text
        detail = await viewer.get(f"/admin/articles/{article.id}")
        assert ">Edit<" not in detail.text and ">Delete<" not in detail.text
        assert (await viewer.get(f"/admin/articles/{article.id}/edit")).status_code == 403
        assert (await viewer.get("/admin/articles/create")).status_code == 403
        assert (await viewer.get("/admin/articles/trash")).status_code == 403
        assert (await viewer.get("/admin/sections")).status_code == 403
        assert (await viewer.get("/admin/audit")).status_code == 403
        token = await token_of(viewer, "/admin/articles")
        for path in (f"/admin/articles/{article.id}/edit", f"/admin/articles/{article.id}/delete",
                     "/admin/articles/create"):
            refused = await viewer.post(path, data={"csrf_token": token, "title": "Hacked"})
            assert refused.status_code == 403, path
        assert (await viewer.post("/admin/articles/action", data={
            "csrf_token": token, "action": "publish", "ids": str(article.id)})).status_code == 403
        assert "/admin/sections" not in (await viewer.get("/admin/")).text
    async with client_for(site) as nobody:
        await log_in(nobody, await user_with())
        assert (await nobody.get("/admin/")).status_code == 403
    await article.refresh_from_db()
    assert article.title == "Hello" and article.status == Status.DRAFT


async def test_a_form_without_the_csrf_token_is_refused(staff: httpx.AsyncClient) -> None:
    response = await staff.post("/admin/articles/create", data={"title": "Forged"})
    assert response.status_code == 403 and not await Article.exists()


async def test_missing_rows_and_models_are_404(staff: httpx.AsyncClient) -> None:
    for path in ("/admin/articles/999", "/admin/articles/abc", "/admin/nothing", "/admin/articles/999/edit"):
        assert (await staff.get(path)).status_code == 404, path


async def test_the_list_page_costs_the_same_queries_for_3_rows_or_60(staff: httpx.AsyncClient) -> None:
    sections = [await Section.create(name=f"S{number}") for number in range(3)]

    async def listed() -> int:
        await staff.get("/admin/articles?per_page=100")  # warm: the session and grants of this client
        with count_queries() as queries:
            page = await staff.get("/admin/articles?per_page=100")
        assert page.status_code == 200
        return len(queries)

    await Article.bulk_create([Article(title=f"A{n}", section=sections[n % 3]) for n in range(3)])
    few = await listed()
    await Article.bulk_create([Article(title=f"B{n}", section=sections[n % 3]) for n in range(57)])
    assert await listed() == few <= 5


async def test_admin_enabled_off_removes_the_pages(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import settings as site_settings
    from core.kernel import create_app

    monkeypatch.setattr(site_settings, "ADMIN_ENABLED", False)
    async with client_for(create_app()) as client:
        assert (await client.get("/admin/")).status_code == 404


async def test_admin_prefix_moves_the_pages(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import settings as site_settings
    from core.kernel import create_app

    monkeypatch.setattr(site_settings, "ADMIN_PREFIX", "/backoffice")
    with admin_models_registered():
        async with client_for(create_app()) as client:
            await log_in(client, await user_with("admin.*"))
            page = await client.get("/backoffice/articles")
            assert page.status_code == 200 and 'href="/backoffice/articles/create"' in page.text


async def test_the_site_users_are_listed_and_edited_but_never_created_here(staff: httpx.AsyncClient) -> None:
    """User.password_hash is protected and must be set, so no admin form can make a user."""
    listing = await staff.get("/admin/users")
    assert listing.status_code == 200 and "password_hash" not in listing.text and "$2" not in listing.text
    assert "/admin/users/create" not in listing.text
    assert (await staff.get("/admin/users/create")).status_code == 404
    user = await User.get(name="Ada")
    edit = await staff.get(f"/admin/users/{user.id}/edit")
    assert edit.status_code == 200 and "password_hash" not in edit.text and "two_factor_secret" not in edit.text
    saved = await post_form(staff, f"/admin/users/{user.id}/edit", f"/admin/users/{user.id}/edit", {
        "slug": user.slug, "name": "Ada Lovelace", "email": user.email, "level": "0", "status": "1"})
    assert saved.status_code == 303, saved.text
    await user.refresh_from_db()
    assert user.name == "Ada Lovelace" and user.password_hash.startswith("$")


async def test_a_foreign_key_input_suggests_a_bounded_few_rows(staff: httpx.AsyncClient) -> None:
    await Section.bulk_create([Section(name=f"Section {number}") for number in range(30)])
    form = (await staff.get("/admin/articles/create")).text
    datalist = form[form.index('<datalist id="list-section_id">'):]
    datalist = datalist[:datalist.index("</datalist>")]
    assert datalist.count("<option") == 20 and 'name="section_id"' in form  # an id input, fine without JS


async def test_options_given_by_register_admin(staff: httpx.AsyncClient) -> None:
    [article] = await articles("Hello")
    remark = await Remark.create(body="Kept", article=article)
    register_admin(Remark, fields=["article_id", "body"], readonly_fields=["body"], list_display=["id", "body"])
    try:
        form = (await staff.get(f"/admin/remarks/{remark.id}/edit")).text
        assert form.index('name="article_id"') < form.index(">Kept<") and 'name="body"' not in form
        await post_form(staff, f"/admin/remarks/{remark.id}/edit", f"/admin/remarks/{remark.id}/edit",
                        {"article_id": str(article.id), "body": "Changed"})
        await remark.refresh_from_db()
        assert remark.body == "Kept"  # read-only: shown, never taken from the form
        with pytest.raises(TypeError, match="list_display: nothing not among"):
            register_admin(Remark, list_display=["nothing"])
            admin_models()  # options are checked when the admin first reads them
        with pytest.raises(TypeError, match="unknown option"):
            register_admin(Remark, colums=["id"])
        register_admin(Remark, enabled=False)
        assert (await staff.get("/admin/remarks")).status_code == 404
        assert "/admin/remarks" not in (await staff.get("/admin/")).text
    finally:
        register_admin(Remark)


BAD_DECLARATION_START = """
import asyncio
from core.admin import register_admin
from core.kernel import create_app
from models.user import User

register_admin(User, list_display=["nothing"])

async def main():
    app = create_app(debug=False, routes=[])
    async with app.router.lifespan_context(app):
        print("started")

asyncio.run(main())
"""


def test_a_mistake_in_an_admin_declaration_stops_the_start(tmp_path: Any) -> None:
    """Checked when the ORM opens (a model's fields are known then), not on the first admin page as a 500."""
    environ = {**os.environ, "DEBUG": "false", "SECRET_KEY": "k" * 40, "DB_ENGINE": "sqlite",
               "DB_NAME": str(tmp_path / "site.sqlite3")}
    started = subprocess.run([sys.executable, "-c", BAD_DECLARATION_START], cwd=APPLICATION, env=environ,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode != 0 and "started" not in started.stdout
    assert "User admin list_display: nothing not among" in started.stderr


async def test_a_site_template_overrides_one_models_page(staff: httpx.AsyncClient, tmp_path: Any) -> None:
    import jinja2

    from core.views import templates

    (tmp_path / "admin" / "remarks").mkdir(parents=True)
    (tmp_path / "admin" / "remarks" / "list.html").write_text(
        '{% extends "admin/list.html" %}{% block page_title %}Our remarks{% endblock %}')
    env = templates().env
    original = env.loader
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(tmp_path)), original])  # type: ignore[list-item]
    try:
        assert "<title>Our remarks · Admin</title>" in (await staff.get("/admin/remarks")).text
        assert "<title>Article · Admin</title>" in (await staff.get("/admin/articles")).text
    finally:
        env.loader = original


async def test_the_lookup_a_foreign_key_input_asks_is_bounded_and_gated(site: Any, staff: httpx.AsyncClient) -> None:
    await Section.bulk_create([Section(name=f"Section {number}") for number in range(30)])
    news = await Section.create(name="News desk")
    everything = (await staff.get("/admin/sections/lookup")).json()["data"]
    assert len(everything) == 20 and everything[0]["label"] == "Section 0"
    assert (await staff.get("/admin/sections/lookup?q=desk")).json() == {"data": [{"id": news.id,
                                                                                 "label": "News desk"}]}
    by_id = (await staff.get(f"/admin/sections/lookup?q={news.id}")).json()["data"]
    assert {"id": news.id, "label": "News desk"} in by_id
    form = (await staff.get("/admin/articles/create")).text
    assert 'data-lookup="/admin/sections/lookup"' in form
    async with client_for(site) as viewer:
        await log_in(viewer, await user_with("admin.articles.view"))
        assert (await viewer.get("/admin/sections/lookup?q=desk")).status_code == 403
