"""The admin's pages: one endpoint per page, each gated by `admin.<model>.<action>` first.

Policy, before the code:
- Nobody logged in: the login page, coming back here after. Logged in without the permission:
  403. Buttons for what the user may not do are not shown, and their endpoints refuse anyway.
- A form that does not pass the model's rules is shown again with status 422, the errors beside
  their inputs and what was typed kept; a database refusal (a unique value taken meanwhile)
  is shown the same way. Bad ids are 404, bad filters 400: never a 500.
- Every change writes an `audit()` row named `admin.<what>` with the diff of the columns, protected
  ones redacted, and the acting user; bulk actions record the ids they were given. A model with
  `NoriAuditMixin` gets that one row from its mixin, renamed through `recorded_as()`, so it is
  written with the change and not twice.
- Protected fields are never read into a page: not as columns, values, filters or inputs.

Pagination (core.pagination) loads with the first list page, not with the admin's routes.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping
from contextlib import AbstractContextManager
from enum import Enum
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from tortoise.exceptions import IntegrityError
from tortoise.exceptions import ValidationError as OrmValidationError
from tortoise.expressions import Q
from tortoise.models import Model

from core.acl.grants import Grants, is_active, load_grants
from core.admin.fields import BOOLEAN, DATE, DATETIME, FOREIGN_KEY, FormField, key_value
from core.admin.listing import list_query, search, search_condition, search_text
from core.admin.options import ACTION_PERMISSIONS, ModelAdmin, admin_for, admin_models
from core.audit import audit
from core.audit.tracking import Claim, audit_values, diff, recorded_as
from core.auth.decorators import unauthenticated
from core.auth.identity import current_user
from core.http.errors import error_response
from core.http.flash import flash
from core.serialization import primitive
from core.validation import ValidationError, validate
from core.validation.text import text_problem
from core.views import render, templates

AUDIT_PERMISSION = "admin.audit.view"
PICK_LIMIT = 20  # rows a foreign-key input suggests: a bounded query whatever the table's size
INLINE_LIMIT = 20


class Denied(Exception):
    """Raised inside an endpoint with the response to send instead (login redirect or 403)."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def grants_of(request: Request) -> Grants:
    user = await current_user(request)
    if user is None:
        raise Denied(unauthenticated(request))
    if not is_active(user):
        raise Denied(error_response(request, 403, "Your account is disabled"))
    return await load_grants(user, request)


async def require(request: Request, permission: str) -> Grants:
    grants = await grants_of(request)
    if not grants.allows(permission):
        raise Denied(error_response(request, 403, "You do not have permission to do this"))
    return grants


def model_of(request: Request) -> ModelAdmin:
    admin = admin_for(request.path_params["model"])
    if admin is None:
        raise HTTPException(404, "There is no such model in the admin")
    return admin


def pk_of(admin: ModelAdmin, request: Request) -> Any:
    raw = request.path_params["pk"]
    try:
        return key_value(admin.model, raw)
    except ValueError:
        raise HTTPException(404, f"There is no {admin.name} {raw[:40]!r}") from None


async def fetch(admin: ModelAdmin, request: Request, *, trashed: bool = False, joined: bool = False) -> Any:
    """The row the URL names; with `trashed`, trashed rows too (restore, force delete); with
    `joined`, the rows its foreign keys point to as well, in the same query (the detail page)."""
    model: Any = admin.model  # the mixins' managers are not on Model's type
    manager = model.all_objects if trashed and admin.soft_deletes else model
    query = manager.filter(pk=pk_of(admin, request))
    relations = [item.relation for item in admin.fields if item.kind == FOREIGN_KEY]
    if joined and relations:
        query = query.select_related(*relations)
    row = await query.first()
    if row is None:
        raise HTTPException(404, f"There is no {admin.name} {request.path_params['pk'][:40]!r}")
    return row


def visible_models(grants: Grants) -> list[ModelAdmin]:
    return [admin for admin in admin_models().values() if grants.allows(admin.permission("view"))]


def page(request: Request, grants: Grants, template: str, context: Mapping[str, Any], admin: ModelAdmin | None = None,
         status_code: int = 200) -> Response:
    """Render `admin/<slug>/<template>` if the site has one, else `admin/<template>`."""
    names = [f"admin/{admin.slug}/{template}"] if admin is not None else []
    chosen = templates().env.select_template([*names, f"admin/{template}"])
    values = {"models": visible_models(grants), "audit_allowed": grants.allows(AUDIT_PERMISSION),
              "display": display, "label_of": label_of, **context}
    if admin is not None:
        values["admin"] = admin
        values["can"] = {action: grants.allows(admin.permission(action)) for action in ACTION_PERMISSIONS}
        values["can"]["create"] = values["can"]["create"] and admin.creatable
    return render(request, chosen.name or template, values, status_code=status_code)


def display(row: Any, name: str, admin: ModelAdmin) -> str:
    """A column's value as text: a joined foreign key as its row's label, dates in ISO form."""
    item = admin.field(name)
    if item is not None and item.kind == FOREIGN_KEY:
        related = row.__dict__.get(f"_{item.relation}")  # where Tortoise keeps a select_related row
        if isinstance(related, Model):
            return label_of(related)
    value = getattr(row, name, None)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def label_of(row: Any) -> str:
    """`str(row)` when the model defines one, else `Model #pk`."""
    text = str(row)
    return f"{type(row).__name__} #{row.pk}" if text == f"<{type(row).__name__}>" else text


def form_value(item: FormField, value: Any) -> Any:
    """A column's value as its input shows it."""
    if value is None:
        return ""
    if item.kind == BOOLEAN:
        return bool(value)
    if isinstance(value, Enum):
        return str(value.value)
    if item.kind == DATETIME and isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if item.kind == DATE and isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# -- index and lists


async def index(request: Request) -> Response:
    grants = await grants_of(request)
    models = visible_models(grants)
    if not models and not grants.allows(AUDIT_PERMISSION):
        return error_response(request, 403, "You do not have permission to use the admin")
    return page(request, grants, "index.html", {})


async def list_rows(request: Request) -> Response:
    admin = model_of(request)
    grants = await require(request, admin.permission("view"))
    tree = admin.is_tree and not request.query_params
    if tree:
        model: Any = admin.model  # a NoriTreeMixin model
        nodes = list(_flatten(await model.tree()))
        return page(request, grants, "list.html", {"rows": nodes, "tree": True, "state": None, "page": None,
                                                   "filter_choices": {}}, admin)
    queryset, state = list_query(admin, admin.model.all(), request)
    from core.pagination import paginate

    rows = await paginate(queryset, request, per_page=admin.per_page)
    return page(request, grants, "list.html", {"rows": rows.items, "page": rows, "state": state, "tree": False}, admin)


def _flatten(nodes: list[Any]) -> Any:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.tree_children))


async def trash_of(request: Request) -> tuple[ModelAdmin, Any]:
    """The model whose trash the URL names, and the grants of a user who may empty it (`delete`)."""
    admin = model_of(request)
    if not admin.soft_deletes:
        raise HTTPException(404, f"{admin.name} rows are deleted for good: there is no trash")
    return admin, await require(request, admin.permission("delete"))


async def trash(request: Request) -> Response:
    admin, grants = await trash_of(request)
    model: Any = admin.model  # a NoriSoftDeletes model
    queryset = search(admin, model.trashed.all(), search_text(request))
    from core.pagination import paginate

    rows = await paginate(queryset.order_by("-deleted_at", admin.model._meta.pk_attr), request, per_page=admin.per_page)
    return page(request, grants, "trash.html", {"rows": rows.items, "page": rows}, admin)


async def detail(request: Request) -> Response:
    admin = model_of(request)
    grants = await require(request, admin.permission("view"))
    row = await fetch(admin, request, joined=True)
    return page(request, grants, "detail.html", await _detail_context(admin, row), admin)


async def _detail_context(admin: ModelAdmin, row: Any, move_errors: list[str] | None = None) -> dict[str, Any]:
    inlines = []
    for relation in admin.inlines:
        field: Any = admin.model._meta.fields_map[relation]  # a BackwardFKRelation
        related = field.related_model
        rows = await related.filter(**{field.relation_field: row.pk}).order_by(related._meta.pk_attr).limit(
            INLINE_LIMIT + 1)
        inline_admin = next((item for item in admin_models().values() if item.model is related), None)
        inlines.append({"name": relation, "rows": rows[:INLINE_LIMIT], "more": len(rows) > INLINE_LIMIT,
                        "admin": inline_admin, "key": field.relation_field})
    parent = await _parent_choices(admin) if admin.is_tree else []
    return {"row": row, "label": label_of(row), "inlines": inlines, "parent_choices": parent,
            "move_errors": move_errors or [], "columns": detail_columns(admin)}


def detail_columns(admin: ModelAdmin) -> list[str]:
    """Every column but protected ones, the trash's `deleted_at` last."""
    names = [name for name in admin.model._meta.fields_db_projection if name not in admin.protected]
    return sorted(names, key=lambda name: name == "deleted_at")


async def _parent_choices(admin: ModelAdmin) -> list[tuple[Any, str]]:
    rows = await admin.model.all().order_by(admin.model._meta.pk_attr).limit(PICK_LIMIT)
    return [(row.pk, label_of(row)) for row in rows]


async def lookup(request: Request) -> Response:
    """`?q=`: up to PICK_LIMIT rows as `{"data": [{"id", "label"}]}`, what a foreign-key input offers as one types.

    The row whose key the text is, and the rows whose search fields contain it: one bounded query.
    """
    admin = model_of(request)
    await require(request, admin.permission("view"))
    text = search_text(request)
    queryset = admin.model.all()
    if text:
        conditions = [condition] if (condition := search_condition(admin, text)) is not None else []
        with contextlib.suppress(ValueError):  # text that is no key only searches
            conditions.append(Q(pk=key_value(admin.model, text)))
        if not conditions:
            return JSONResponse({"data": []})
        queryset = queryset.filter(Q(*conditions, join_type="OR"))
    rows = await queryset.order_by(admin.model._meta.pk_attr).limit(PICK_LIMIT)
    return JSONResponse({"data": [{"id": primitive(row.pk), "label": label_of(row)} for row in rows]})


# -- forms


async def _suggestions(admin: ModelAdmin, fields: list[FormField]) -> dict[str, list[tuple[Any, str]]]:
    """A few rows per foreign key for the input's datalist: one bounded query each, never the table."""
    found = {}
    for item in fields:
        if item.kind == FOREIGN_KEY:
            rows = await item.related.all().order_by(item.related._meta.pk_attr).limit(PICK_LIMIT)
            found[item.name] = [(row.pk, label_of(row)) for row in rows]
    return found


def editable(admin: ModelAdmin, creating: bool) -> list[FormField]:
    """The inputs of the form: read-only fields are shown, not posted; a tree's parent only on creation."""
    return [item for item in admin.fields if not (item.tree_parent and not creating)]


async def _form(request: Request, grants: Grants, admin: ModelAdmin, row: Any, values: Mapping[str, Any],
                errors: Mapping[str, list[str]] | None = None, status_code: int = 200) -> Response:
    fields = editable(admin, row is None)
    targets = {item.name: admin_for(item.related._meta.db_table) for item in fields if item.kind == FOREIGN_KEY}
    return page(request, grants, "form.html", {
        "row": row, "label": label_of(row) if row is not None else None, "fields": fields, "values": values,
        "errors": errors or {}, "suggestions": await _suggestions(admin, fields), "targets": targets,
    }, admin, status_code)


def _values_of(admin: ModelAdmin, row: Any, creating: bool) -> dict[str, Any]:
    fields = editable(admin, creating)
    if row is None:
        return {item.name: form_value(item, item.column.default if not callable(item.column.default) else None)
                for item in fields}
    return {item.name: form_value(item, getattr(row, item.name)) for item in fields}


def _submitted(fields: list[FormField], form: FormData) -> dict[str, Any]:
    """One value per input; an unticked checkbox sends nothing, which means false."""
    data: dict[str, Any] = {}
    for item in fields:
        if item.kind == BOOLEAN:
            data[item.name] = bool(form.get(item.name))
        else:
            value = form.get(item.name)
            data[item.name] = value if isinstance(value, str) else ""
    return data


async def _clean(admin: ModelAdmin, fields: list[FormField], data: dict[str, Any], pk: Any) -> dict[str, Any]:
    """The model's values from the form, or ValidationError with a message per field."""
    posted = [item for item in fields if item.name not in admin.readonly_fields]
    rules = {item.name: combined(item.rules(admin.model, pk), admin.rules.get(item.name)) for item in posted}
    clean = await validate({item.name: data[item.name] for item in posted}, rules)
    values, errors = {}, {}
    for item in posted:
        try:
            values[item.name] = item.convert(clean.get(item.name))
        except ValueError:
            errors[item.name] = [f"The {item.label.lower()} field is invalid."]
    if errors:
        raise ValidationError(errors, data)
    return values


def combined(derived: list[str], extra: Any) -> list[str]:
    """The column's rules followed by `Admin.rules`; a `required` or `nullable` there replaces the column's."""
    if not extra:
        return derived
    added = extra.split("|") if isinstance(extra, str) else list(extra)
    if any(rule.strip() in ("required", "nullable") for rule in added):
        derived = derived[1:]
    return [*derived, *added]


def creatable(request: Request) -> ModelAdmin:
    admin = model_of(request)
    if not admin.creatable:
        raise HTTPException(404, f"{admin.name} rows cannot be created here: a protected field of theirs must be set")
    return admin


async def create_form(request: Request) -> Response:
    admin = creatable(request)
    grants = await require(request, admin.permission("create"))
    return await _form(request, grants, admin, None, _values_of(admin, None, True))


async def create(request: Request) -> Response:
    admin = creatable(request)
    grants = await require(request, admin.permission("create"))
    fields = editable(admin, True)
    data = _submitted(fields, await request.form())
    try:
        values = await _clean(admin, fields, data, None)
        row = admin.model(**values)
        with _claim(admin, row, "admin.create") as claim:
            await row.save()
    except (ValidationError, IntegrityError, OrmValidationError) as error:
        return await _form(request, grants, admin, None, data, _errors(error), 422)
    _log(request, claim, diff({}, audit_values(row), admin.protected))
    flash(request, f"{admin.name} {label_of(row)} created.", "success")
    return RedirectResponse(request.url_for("admin:detail", model=admin.slug, pk=str(row.pk)).path, 303)


def _claim(admin: ModelAdmin, row: Any, action: str) -> AbstractContextManager[Claim]:
    return recorded_as(row, action, admin.name, admin.protected)


def _log(request: Request, claim: Claim, changes: dict[str, Any]) -> None:
    """The admin's row, unless the model's audit mixin already wrote it under the admin's name."""
    if not claim.written:
        audit(request, claim.action, model_name=claim.model_name, record_id=claim.instance.pk, changes=changes)


def _errors(error: Exception) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        return error.errors
    return {"_": [f"The database refused the change: {str(error).splitlines()[0][:200] if str(error) else error}"]}


async def edit_form(request: Request) -> Response:
    admin = model_of(request)
    grants = await require(request, admin.permission("edit"))
    row = await fetch(admin, request)
    return await _form(request, grants, admin, row, _values_of(admin, row, False))


async def update(request: Request) -> Response:
    admin = model_of(request)
    grants = await require(request, admin.permission("edit"))
    row = await fetch(admin, request)
    fields = editable(admin, False)
    data = _submitted(fields, await request.form())
    before = audit_values(row)
    try:
        values = await _clean(admin, fields, data, row.pk)
        for name, value in values.items():
            setattr(row, name, value)
        with _claim(admin, row, "admin.update") as claim:
            if values:
                await row.save(update_fields=list(values))
    except (ValidationError, IntegrityError, OrmValidationError) as error:
        return await _form(request, grants, admin, row, data, _errors(error), 422)
    changes = diff(before, audit_values(row), admin.protected)
    if changes:
        _log(request, claim, changes)
    flash(request, f"{admin.name} {label_of(row)} saved.", "success")
    return RedirectResponse(request.url_for("admin:detail", model=admin.slug, pk=str(row.pk)).path, 303)


# -- deleting, the trash, moving, actions


async def delete_form(request: Request) -> Response:
    admin = model_of(request)
    grants = await require(request, admin.permission("delete"))
    row = await fetch(admin, request)
    return page(request, grants, "delete.html", {"row": row, "label": label_of(row), "force": False}, admin)


async def delete(request: Request) -> Response:
    """Soft-deleting models: to the trash; the others: gone."""
    admin = model_of(request)
    await require(request, admin.permission("delete"))
    row = await fetch(admin, request)
    before = audit_values(row)
    try:
        with _claim(admin, row, "admin.soft_delete" if admin.soft_deletes else "admin.delete") as claim:
            await row.delete()
    except IntegrityError as error:  # rows of another table still point at it
        return error_response(request, 409, f"{admin.name} {label_of(row)} is still referenced: {error}")
    after = audit_values(row) if admin.soft_deletes else {}
    _log(request, claim, diff(before, after, admin.protected))
    flash(request, f"{admin.name} {label_of(row)} {'moved to the trash' if admin.soft_deletes else 'deleted'}.",
          "success")
    return RedirectResponse(request.url_for("admin:list", model=admin.slug).path, 303)


async def restore(request: Request) -> Response:
    admin, _ = await trash_of(request)
    row = await fetch(admin, request, trashed=True)
    before = audit_values(row)
    with _claim(admin, row, "admin.restore") as claim:
        await row.restore()
    _log(request, claim, diff(before, audit_values(row), admin.protected))
    flash(request, f"{admin.name} {label_of(row)} restored.", "success")
    return RedirectResponse(request.url_for("admin:trash", model=admin.slug).path, 303)


async def force_delete(request: Request) -> Response:
    admin, _ = await trash_of(request)
    row = await fetch(admin, request, trashed=True)
    before = audit_values(row)
    try:
        with _claim(admin, row, "admin.force_delete") as claim:
            await row.force_delete()
    except IntegrityError as error:
        return error_response(request, 409, f"{admin.name} {label_of(row)} is still referenced: {error}")
    _log(request, claim, diff(before, {}, admin.protected))
    flash(request, f"{admin.name} {label_of(row)} deleted for good.", "success")
    return RedirectResponse(request.url_for("admin:trash", model=admin.slug).path, 303)


async def move(request: Request) -> Response:
    """A tree node under another parent (empty: a root), through `move_to()`, which refuses cycles."""
    from core.mixins.tree import InvalidMove

    admin = model_of(request)
    if not admin.is_tree:
        raise HTTPException(404, f"{admin.name} is not a tree")
    grants = await require(request, admin.permission("edit"))
    row = await fetch(admin, request)
    raw = (await request.form()).get("parent_id")
    raw = raw.strip() if isinstance(raw, str) else ""
    before = row.parent_id
    try:
        target = key_value(admin.model, raw) if raw else None
        with _claim(admin, row, "admin.move") as claim:
            await row.move_to(target)
    except (ValueError, InvalidMove) as error:
        message = str(error) if isinstance(error, InvalidMove) else f"{raw[:40]!r} is not the id of a {admin.name}."
        return page(request, grants, "detail.html", await _detail_context(admin, row, [message]), admin, 422)
    _log(request, claim, {"parent_id": {"before": before, "after": row.parent_id}})
    flash(request, f"{admin.name} {label_of(row)} moved.", "success")
    return RedirectResponse(request.url_for("admin:detail", model=admin.slug, pk=str(row.pk)).path, 303)


async def run_action(request: Request) -> Response:
    admin = model_of(request)
    await require(request, admin.permission("view"))
    form = await request.form()
    chosen = admin.action(str(form.get("action", "")))
    if chosen is None:
        raise HTTPException(400, "Choose one of the actions the list offers")
    await require(request, admin.permission(chosen.permission))
    ids = []
    for raw in form.getlist("ids"):
        try:
            ids.append(key_value(admin.model, raw))
        except ValueError:
            raise HTTPException(400, f"{str(raw)[:40]!r} is not the id of a {admin.name}") from None
    if not ids:
        flash(request, "Tick the rows to act on first.", "error")
    else:
        message = await chosen.handler(request, admin.model.filter(pk__in=ids))
        audit(request, f"admin.action.{chosen.name}"[:50], model_name=admin.name, changes={"ids": ids})
        flash(request, message or f"{chosen.label}: done.", "success")
    return RedirectResponse(request.url_for("admin:list", model=admin.slug).path, 303)


# -- the audit log


async def audit_log(request: Request) -> Response:
    """Audit rows, newest first, filtered by `?user=` (an id or an email), `?model=` and `?action=`."""
    from core.models import AuditLog

    grants = await require(request, AUDIT_PERMISSION)
    params = request.query_params
    queryset = AuditLog.all()
    user = params.get("user", "").strip()
    if user:
        queryset = queryset.filter(user_id=await _user_id(user))
    for name, column in (("model", "model_name"), ("action", "action")):
        value = params.get(name, "").strip()
        if not value:
            continue
        limit = AuditLog._meta.fields_map[column].max_length  # type: ignore[attr-defined]
        problem = text_problem(value) or (f"is longer than {limit} characters" if len(value) > limit else None)
        if problem is not None:
            raise HTTPException(400, f"The {name} filter {problem}.")
        queryset = queryset.filter(**{column: value})
    from core.pagination import paginate

    rows = await paginate(queryset.order_by("-id"), request, per_page=50)
    return page(request, grants, "audit.html", {"rows": rows.items, "page": rows, "users": await _names(rows.items),
                                                "filters": {"user": user, "model": params.get("model", ""),
                                                            "action": params.get("action", "")}})


async def _user_id(text: str) -> int:
    """The `?user=` filter's id: given as one, or the id of the user with that email (-1, matching nothing, if none)."""
    from core.audit.record import INT_MAX
    from core.registry import get_model
    from core.validation.emails import normalise_email

    if text.isascii() and text.isdigit() and int(text) <= INT_MAX:
        return int(text)
    if "@" not in text or text_problem(text) is not None or len(text) > 255:
        raise HTTPException(400, f"The user filter takes a user id or an email address (got {text[:40]!r}).")
    found = await get_model("User").filter(email=normalise_email(text)).values_list("id", flat=True)
    return int(found[0]) if found else -1


async def _names(rows: list[Any]) -> dict[int, str]:
    """The page's users by id, in one query, so each row can name who acted."""
    from core.registry import get_model

    ids = {row.user_id for row in rows if row.user_id is not None}
    if not ids:
        return {}
    users = await get_model("User").filter(pk__in=ids)
    return {user.pk: label_of(user) for user in users}
