"""A bounded fuzz of every admin form: hostile values in every field of every model's forms, sent
with a valid CSRF token by a user allowed everything, must never get an answer of 500 or above.

Bodies come urlencoded, as multipart and as JSON. The field names come from the forms themselves
(plus made-up ones), so a field added to a model is fuzzed without touching this file. The rows
the forms act on are made again before each example, so a delete in one example does not turn
the next ones into 404s.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.admin import admin_models_registered, client_for, log_in, user_with
from tests.support.admin_models import AdminArticle, AdminRemark, AdminSection
from tests.support.web import TOKEN, fresh_limits  # noqa: F401  (a fixture)
from tests.test_fuzz import BOUNDARY, HUGE, SPECIAL, TEXT, as_form, as_json, as_multipart

pytestmark = pytest.mark.usefixtures("fresh_limits")
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
FORMS = ("/admin/{model}/create", "/admin/{model}/{pk}/edit", "/admin/{model}/{pk}/delete",
         "/admin/{model}/{pk}/restore", "/admin/{model}/{pk}/force-delete", "/admin/{model}/{pk}/move",
         "/admin/{model}/action")
MODELS = ("articles", "sections", "remarks")
VALUE = st.one_of(TEXT, SPECIAL, HUGE, st.sampled_from(["", "0", "1", "-1", "99999999999999999999", "2026-02-30",
                                                       "2026-01-01T10:00", "draft", "published", "publish"]))


async def rows() -> dict[str, Any]:
    """One row of each model, made afresh: the primary keys the paths name."""
    section = await AdminSection.create(name="Section")
    article = await AdminArticle.create(title=f"Article {section.id}", section=section)
    remark = await AdminRemark.create(body="Remark", article=article)
    return {"articles": article.id, "sections": section.id, "remarks": remark.id}


@pytest.fixture
async def staff(db: str) -> AsyncIterator[tuple[httpx.AsyncClient, str, list[str]]]:
    from core.kernel import create_app

    with admin_models_registered():
        async with client_for(create_app()) as client:
            await log_in(client, await user_with("admin.*"))
            ids = await rows()
            names: set[str] = set()
            for model in MODELS:
                for path in (f"/admin/{model}/create", f"/admin/{model}/{ids[model]}/edit", f"/admin/{model}",
                             f"/admin/{model}/{ids[model]}"):
                    names |= set(FIELD.findall((await client.get(path)).text))
            token = TOKEN.search((await client.get("/admin/articles")).text)
            assert token and {"title", "status", "section_id", "parent_id", "ids", "action"} <= names
            yield client, token.group(1), sorted(names - {"csrf_token"})


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_no_admin_form_post_answers_500(staff: tuple[httpx.AsyncClient, str, list[str]],
                                              data: st.DataObject) -> None:
    client, token, known = staff
    ids = await rows()
    model = data.draw(st.sampled_from(MODELS))
    pk = data.draw(st.sampled_from([ids[model], ids[model], "99999999999999999999", "-2147483649", "0", "x"]))
    path = data.draw(st.sampled_from(FORMS)).format(model=model, pk=pk)
    fields = data.draw(st.dictionaries(st.one_of(st.sampled_from(known), TEXT), VALUE, max_size=8))
    kind = data.draw(st.sampled_from(["form", "form", "multipart", "json"]))
    headers = {"X-CSRF-Token": token}
    if kind == "form":
        body = as_form([(name, value, "") for name, value in fields.items()])
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif kind == "multipart":
        body = as_multipart([(name, value.encode("utf-8", "surrogatepass")) for name, value in fields.items()
                             if name.isprintable() and not any("\ud800" <= char <= "\udfff" for char in name)])
        headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body = as_json(fields)
        headers["Content-Type"] = "application/json"
    response = await client.post(path, content=body, headers=headers)
    event(f"{path.split('/')[-1]} {response.status_code}")
    assert response.status_code < 500, (path, fields, response.text[:500])


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_no_list_query_answers_500(staff: tuple[httpx.AsyncClient, str, list[str]], data: st.DataObject) -> None:
    """Search, filters, sort and page of every list, the trash, the audit log and a lookup, with hostile values."""
    client = staff[0]
    path = data.draw(st.sampled_from([*(f"/admin/{model}" for model in MODELS), "/admin/articles/trash",
                                      "/admin/audit", "/admin/sections/lookup"]))
    names = st.sampled_from(["q", "sort", "page", "per_page", "featured", "status", "section_id", "user", "model",
                             "action", "published_on__from", "published_on__to", "created_at__to"])
    short = VALUE.filter(lambda value: len(value) < 2000)  # a URL httpx agrees to send
    params = data.draw(st.dictionaries(st.one_of(names, TEXT), short, max_size=5))
    query = as_form([(name, value, "") for name, value in params.items()]).decode()
    response = await client.get(f"{path}?{query}")
    event(f"{path} {response.status_code}")
    assert response.status_code < 500, (path, params, response.text[:500])
