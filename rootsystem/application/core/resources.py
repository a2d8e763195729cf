"""Resources: the declared JSON shape of a model, so an endpoint emits only what it names.

    class AuthorResource(Resource):
        model = Author
        fields = ("id", "name")

    class PostResource(Resource):
        model = Post
        fields = ("id", "title", "created_at")
        renamed = {"title": "headline"}
        relations = {"author": AuthorResource, "tags": TagResource}

        @computed
        def excerpt(post: Post) -> str:
            return post.body[:80]

    await PostResource.many(Post.filter(published=True))  # a list of dicts
    await PostResource.one(post)                           # one dict

Why declared rather than `to_dict()` minus some fields: a column added to the table later stays
out of every response until a resource names it, so nothing leaks by accident. The model's
`protected_fields` cannot be named at all: the class definition raises, at import, rather than
an endpoint emitting a password hash. Columns are checked against the model when the class is
defined, so a typo fails at import too; relations at first use, since reverse relations exist
only once the ORM has initialised the models.

Relations are loaded with one query per relation for the whole list (Tortoise's
`prefetch_related` for a queryset, `fetch_for_list` for rows already fetched, e.g. a page's),
nested ones as `author__profile`: a list costs one query for its rows and one per relation (two
for a many-to-many, whose link table Tortoise reads first), never one per row. Values are
converted as `to_dict()` converts them (the same per-column converters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.mixins.model import PLAIN_TYPES, converter_for


class computed:  # lower case: it is used as a decorator, like property
    """A field worked out from the row: `@computed def excerpt(post): ...` inside a Resource."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


Emitter = Callable[[Any], Any]


class Resource:
    """Subclass with `model`, `fields`, and optionally `renamed`, `relations` and `@computed` fields."""

    model: ClassVar[type[Model]]
    fields: ClassVar[tuple[str, ...]] = ()
    renamed: ClassVar[Mapping[str, str]] = {}
    relations: ClassVar[Mapping[str, type[Resource]]] = {}
    _computed: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = getattr(cls, "model", None)
        if model is None:
            raise TypeError(f"{cls.__name__} declares no model")
        meta = model._meta
        protected = set(getattr(model, "protected_fields", ()))
        for name in cls.fields:
            if name in protected:
                raise TypeError(f"{cls.__name__} names {model.__name__}.{name}, which is in protected_fields")
            if name not in meta.fields_db_projection:
                raise TypeError(f"{cls.__name__}: {name!r} is not a column of {model.__name__}")
        for name in cls.renamed:
            if name not in cls.fields and name not in cls.relations:
                raise TypeError(f"{cls.__name__} renames {name!r}, which it does not emit")
        cls._computed = {
            name: value.function for base in reversed(cls.__mro__) for name, value in vars(base).items()
            if isinstance(value, computed)
        }

    @classmethod
    def prefetch_paths(cls) -> list[str]:
        """Every relation to load, nested ones as `relation__nested`, parents before children."""
        paths = []
        for name, nested in cls.relations.items():
            paths.append(name)
            paths.extend(f"{name}__{path}" for path in nested.prefetch_paths())
        return paths

    @classmethod
    def _emitters(cls) -> list[tuple[str, Emitter]]:
        """How to emit each output field, worked out at first use: reverse relations (`author.posts`)
        exist only once the ORM has initialised the models, after the class was defined."""
        emitters = _EMITTERS.get(cls)
        if emitters is not None:
            return emitters
        meta = cls.model._meta
        many = meta.backward_fk_fields | meta.m2m_fields
        for name in cls.relations:
            if name not in meta.fetch_fields:
                raise TypeError(f"{cls.__name__}: {name!r} is not a relation of {cls.model.__name__}")
        emitters = []
        for name in cls.fields:
            emitters.append((cls.renamed.get(name, name), _column(name, converter_for(meta.fields_map.get(name)))))
        for name, nested in cls.relations.items():
            emitter = _many(name, nested) if name in many else _single(name, nested)
            emitters.append((cls.renamed.get(name, name), emitter))
        emitters.extend(cls._computed.items())
        _EMITTERS[cls] = emitters
        return emitters

    @classmethod
    def dump(cls, row: Model) -> dict[str, Any]:
        """The row's shape, relations already loaded (`one` and `many` load them)."""
        return {name: emit(row) for name, emit in cls._emitters()}

    @classmethod
    async def many(cls, rows: QuerySet[Any] | Iterable[Model]) -> list[dict[str, Any]]:
        """A queryset or rows already fetched, relations loaded with one query each."""
        emitters = cls._emitters()  # a relation the model lacks fails here, before any query
        paths = cls.prefetch_paths()
        if isinstance(rows, QuerySet):
            fetched = list(await rows.prefetch_related(*paths))
        else:
            fetched = list(rows)
            if fetched and paths:
                await cls.model.fetch_for_list(fetched, *paths)
        return [{name: emit(row) for name, emit in emitters} for row in fetched]

    @classmethod
    async def one(cls, row: Model) -> dict[str, Any]:
        return (await cls.many([row]))[0]


_EMITTERS: dict[type[Resource], list[tuple[str, Emitter]]] = {}


def _column(name: str, convert: Callable[[Any], Any]) -> Emitter:
    def emit(row: Any) -> Any:
        value = row.__dict__.get(name)  # a column is an instance attribute: no descriptor to go through
        if value is None or value.__class__ in PLAIN_TYPES:  # most values, without the converter's type search
            return value
        return convert(value)

    return emit


def _single(name: str, nested: type[Resource]) -> Emitter:
    def emit(row: Any) -> Any:
        related = getattr(row, name)
        return None if related is None else nested.dump(related)

    return emit


def _many(name: str, nested: type[Resource]) -> Emitter:
    def emit(row: Any) -> Any:
        return [nested.dump(related) for related in getattr(row, name)]

    return emit
