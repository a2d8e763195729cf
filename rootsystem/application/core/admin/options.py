"""What the admin shows of each registered model: `class Admin:` on the model, or `register_admin()`.

Every model in the registry (core.registry) gets pages with no code; the options only narrow or
reorder what the defaults derive from the fields. Options are resolved once per model and kept,
so a request never re-reads the class. A model's pages live under its table name, which is also
the middle of its permission names (`admin.articles.edit`): one stable, URL-safe word per model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from core.admin.fields import FormField, column_names, filterable, form_fields, searchable
from core.registry import registered_models

ActionHandler = Callable[[Any, Any], Awaitable[str | None]]
ACTION_PERMISSIONS = ("view", "create", "edit", "delete")
OPTION_NAMES = frozenset({"list_display", "search_fields", "list_filter", "readonly_fields", "fields", "inlines",
                          "actions", "per_page", "rules", "enabled"})


@dataclass(frozen=True)
class AdminAction:
    """A bulk action: `handler(request, queryset)` over the ticked rows, gated by `admin.<model>.<permission>`."""

    name: str
    label: str
    permission: str
    handler: ActionHandler


def admin_action(label: str | None = None, *, permission: str = "edit") -> Callable[[ActionHandler], ActionHandler]:
    """Mark `async def publish(request, queryset) -> str | None` as a bulk action; the text it returns is flashed."""
    if permission not in ACTION_PERMISSIONS:
        raise ValueError(f"admin_action permission must be one of {', '.join(ACTION_PERMISSIONS)}, got {permission!r}")

    def mark(handler: ActionHandler) -> ActionHandler:
        name = handler.__name__
        handler.admin_action = AdminAction(  # type: ignore[attr-defined]
            name, label or name.replace("_", " ").capitalize(), permission, handler)
        return handler

    return mark


@dataclass(frozen=True)
class ModelAdmin:
    """One model's admin, resolved: every name checked against the model's fields."""

    name: str
    model: type[Model]
    slug: str
    fields: tuple[FormField, ...]
    list_display: tuple[str, ...]
    search_fields: tuple[str, ...]
    list_filter: tuple[FormField, ...]
    readonly_fields: frozenset[str]
    inlines: tuple[str, ...]
    actions: tuple[AdminAction, ...]
    per_page: int
    rules: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True

    @property
    def soft_deletes(self) -> bool:
        from core.mixins.soft_deletes import NoriSoftDeletes

        return issubclass(self.model, NoriSoftDeletes)

    @property
    def is_tree(self) -> bool:
        from core.mixins.tree import NoriTreeMixin

        return issubclass(self.model, NoriTreeMixin)

    @property
    def creatable(self) -> bool:
        """False when a protected column must be filled (a user's password hash): no form may set it."""
        meta = self.model._meta
        return not any(
            name in self.protected and not (column.null or column.default is not None or column.pk
                                            or getattr(column, "auto_now", False)
                                            or getattr(column, "auto_now_add", False))
            for name, column in ((name, meta.fields_map[name]) for name in meta.fields_db_projection))

    @property
    def protected(self) -> frozenset[str]:
        return protected_of(self.model)

    def permission(self, action: str) -> str:
        return f"admin.{self.slug}.{action}"

    def field(self, name: str) -> FormField | None:
        return next((item for item in self.fields if item.name == name), None)

    def action(self, name: str) -> AdminAction | None:
        return next((item for item in self.actions if item.name == name), None)


def protected_of(model: type[Any]) -> frozenset[str]:
    """`protected_fields`, with a foreign key's column (`owner_id`) hidden along with its field (`owner`)."""
    names = set(getattr(model, "protected_fields", ()) or ())
    for name in list(names):
        source = model._meta.fields_map.get(name)
        if source is not None and getattr(source, "source_field", None):
            names.add(source.source_field)
        if name.endswith("_id"):
            names.add(name.removesuffix("_id"))
    return frozenset(names)


_explicit: dict[type[Any], dict[str, Any]] = {}
_resolved: dict[type[Any], ModelAdmin] = {}


def register_admin(model: type[Any], **options: Any) -> type[Any]:
    """Options for `model`'s admin without touching the class: `register_admin(Article, list_display=[...])`."""
    unknown = set(options) - OPTION_NAMES
    if unknown:
        raise TypeError(f"register_admin({model.__name__}): unknown option(s) {', '.join(sorted(unknown))}; "
                        f"known: {', '.join(sorted(OPTION_NAMES))}")
    _explicit[model] = options
    _resolved.pop(model, None)
    return model


def _options_of(model: type[Any]) -> dict[str, Any]:
    declared = getattr(model, "Admin", None)
    options = {name: value for name, value in vars(declared).items() if name in OPTION_NAMES} if declared else {}
    unknown = {name for name in (vars(declared) if declared else {}) if not name.startswith("_")} - OPTION_NAMES
    actions = [value for value in (vars(declared).values() if declared else ()) if hasattr(value, "admin_action")]
    if unknown - {item.__name__ for item in actions}:
        raise TypeError(f"{model.__name__}.Admin: unknown option(s) {', '.join(sorted(unknown))}")
    if actions:
        options["actions"] = [*options.get("actions", ()), *actions]
    options.update(_explicit.get(model, {}))
    return options


def _checked(model: type[Any], option: str, names: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    known = set(known)
    chosen = tuple(names)
    missing = [name for name in chosen if name not in known]
    if missing:
        raise TypeError(f"{model.__name__} admin {option}: {', '.join(missing)} not among {', '.join(sorted(known))}")
    return chosen


def resolve(name: str, model: type[Any]) -> ModelAdmin:
    """The admin of `model`, built once: defaults from the fields, narrowed by its options."""
    cached = _resolved.get(model)
    if cached is not None:
        return cached
    options = _options_of(model)
    protected = protected_of(model)
    every = form_fields(model, protected)
    by_name = {item.name: item for item in every}
    order = _checked(model, "fields", options.get("fields", by_name), by_name)
    readonly = frozenset(_checked(model, "readonly_fields", options.get("readonly_fields", ()), by_name))
    columns = column_names(model, protected)
    actions: list[AdminAction] = []
    for handler in options.get("actions", ()):
        marked = getattr(handler, "admin_action", None)
        if marked is None:
            raise TypeError(f"{model.__name__} admin action {handler!r} is not decorated with @admin_action")
        actions.append(marked)
    reverse = set(model._meta.backward_fk_fields)
    admin = ModelAdmin(
        name=name, model=model, slug=model._meta.db_table,
        fields=tuple(by_name[item] for item in order),
        list_display=_checked(model, "list_display", options.get("list_display", columns[:6]), columns),
        search_fields=_checked(model, "search_fields", options.get("search_fields", searchable(every)),
                               searchable(every)),
        list_filter=tuple(by_name[item] for item in _checked(
            model, "list_filter", options.get("list_filter", [item.name for item in filterable(every)]),
            [item.name for item in filterable(every)])),
        readonly_fields=readonly,
        inlines=_checked(model, "inlines", options.get("inlines", ()), reverse),
        actions=tuple(actions),
        per_page=int(options.get("per_page", 25)),
        rules=dict(options.get("rules", {})),
        enabled=options.get("enabled", True) is not False,
    )
    _resolved[model] = admin
    return admin


def admin_models() -> dict[str, ModelAdmin]:
    """Every registered model's admin by slug, in name order; `Admin.enabled = False` leaves one out.

    The framework's own tables (tokens, sessions, roles, failed jobs, the audit log, which has a
    page of its own) are left out unless `register_admin()` names one: they hold secrets or rows
    other features own, and editing them by hand is rarely what a site wants.
    """
    found: dict[str, ModelAdmin] = {}
    for name, model in sorted(registered_models().items()):
        if not isinstance(model, type) or not issubclass(model, Model) or model._meta.abstract:
            continue
        if model.__module__.startswith("core.") and model not in _explicit:
            continue
        admin = resolve(name, model)
        if admin.enabled:
            found[admin.slug] = admin
    return found


def admin_for(slug: str) -> ModelAdmin | None:
    return admin_models().get(slug)


def forget_admins() -> None:
    """Drop resolved options (tests that register throwaway models or options)."""
    _resolved.clear()


