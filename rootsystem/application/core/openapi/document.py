"""The OpenAPI 3.1 document of a route table, walked the way Starlette matches it.

Policy, before the code:
- Every `Route` is described (Mounts walked, their prefix added) unless it is marked `@internal`
  or built with `include_in_schema=False`; an app mounted whole (static files) has no
  operations to describe and is left out.
- Each operation's parts come from the code that serves it, never from a second copy: path
  parameters from the route's converters, the body or query string from the `Validator` named
  by `@operation` and from the `@inject` signature, the success body from the Resource named
  there, the security requirement from `login_required` / `require_verified` / `token_required`.
- The error statuses listed are the ones the framework itself answers for such an operation,
  and only those (the fuzz tests hold every listed status to a real answer): 400 for a
  malformed body, a bad `page`/`per_page`, or a number too large for its column; 401/403 from
  the auth guard; 403 from the CSRF check on unsafe methods; 404 where a numeric or UUID path
  parameter names a record; 409 for a write answering a Resource whose model has a unique
  column or a foreign key (the index refusing it); 422 for validation of a body or query; 429
  (with `Retry-After`) and 503 from `@throttle`, the latter when its store is down and the
  limit fails closed; 413 from `@uploads` for a file over its size or count limit. An endpoint
  adds what only it knows (`errors=[409]` for a state conflict, `errors=[404]` for a text key it
  looks up), and a status answered with a body of its own shape through `answers=` (`/health`'s
  503).
- A body with a file field (a `file`/`file_max`/`file_types`/`image` rule or an `UploadFile`
  parameter), or any body of an `@uploads` endpoint, is documented as `multipart/form-data`
  only: JSON and urlencoded bodies cannot carry a file.
- A database or session store that does not answer makes any request a 503
  (`core.http.unavailable`): that is the server's state rather than an operation's answer, so
  it is not repeated on every operation.
- Responses are the JSON ones: an operation answers JSON under `API_PREFIX` or when the client
  asks for it (`core.http.negotiation`), and a page or a redirect to a browser otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from http import HTTPStatus
from typing import Any

from starlette.convertors import FloatConvertor, IntegerConvertor, PathConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Mount, Route

from core.auth.decorators import REQUIREMENT
from core.http.inject import INJECTED, plan
from core.http.throttle.route import THROTTLED
from core.http.uploads import MULTIPART, UPLOADS
from core.openapi.markers import Declared, ResponseShape, declared, is_internal
from core.openapi.schemas import (
    ERROR,
    VALIDATION_ERROR,
    Schema,
    is_binary,
    params_schema,
    resource_schema,
    validator_schema,
)

OPENAPI_VERSION = "3.1.0"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")
CONVERTER_SCHEMAS: dict[type, Schema] = {
    IntegerConvertor: {"type": "integer", "minimum": 0},
    FloatConvertor: {"type": "number", "minimum": 0},
    UUIDConvertor: {"type": "string", "format": "uuid"},
    PathConvertor: {"type": "string"},
}
# Path parameters that name a record, so a missing one is a 404; text ones say so (`errors=[404]`).
RECORD_KEYS = (IntegerConvertor, FloatConvertor, UUIDConvertor)
RETRY_STATUSES = frozenset({429, 503})
RETRY_AFTER: Schema = {"description": "Seconds to wait before trying again.", "required": True,
                       "schema": {"type": "integer", "minimum": 0}}
# How each auth scheme a guard names is described; `token_required` names "bearer".
SECURITY_SCHEMES: dict[str, Schema] = {
    "session": {"type": "apiKey", "in": "cookie", "name": "", "description": "The session cookie set by logging in."},
    "bearer": {"type": "http", "scheme": "bearer", "description": "An API token: `Authorization: Bearer ...`."},
}


def described_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """(full path template, route) for every route the document covers."""
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            yield from described_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route) and route.include_in_schema and not is_internal(route.endpoint):
            yield prefix + route.path_format, route


def openapi_document(routes: Sequence[BaseRoute], *, title: str, version: str, session_cookie: str) -> dict[str, Any]:
    """The document for `routes`; Resource shapes are shared under `components.schemas`."""
    components: dict[str, Schema] = {"Error": ERROR, "ValidationError": VALIDATION_ERROR}
    schemes: set[str] = set()
    paths: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for path, route in described_routes(routes):
        methods = sorted(method for method in (route.methods or {"GET"}) if method != "HEAD")
        for method in methods:
            name = route.name if len(methods) == 1 else f"{route.name}.{method.lower()}"
            if name in used:  # unnamed routes are named after their function: two `index` may meet
                name = f"{name}.{method.lower()}:{path}"
            used.add(name)
            paths.setdefault(path, {})[method.lower()] = _operation(route, method, name, components, schemes)
    security_schemes = {name: dict(SECURITY_SCHEMES[name]) for name in sorted(schemes)}
    if "session" in security_schemes:
        security_schemes["session"]["name"] = session_cookie
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items())), "securitySchemes": security_schemes},
    }


def _operation(route: Route, method: str, name: str, components: dict[str, Schema], schemes: set[str]) -> Schema:
    endpoint = route.endpoint
    spec = declared(endpoint)
    operation: Schema = {"operationId": name}
    if spec.summary:
        operation["summary"] = spec.summary
    if spec.description:
        operation["description"] = spec.description
    if spec.tags:
        operation["tags"] = list(spec.tags)
    statuses = set(spec.errors)
    parameters = [
        {"name": param, "in": "path", "required": True, "schema": dict(CONVERTER_SCHEMAS.get(type(convertor),
                                                                                          {"type": "string"}))}
        for param, convertor in route.param_convertors.items()
    ]
    if any(isinstance(convertor, RECORD_KEYS) for convertor in route.param_convertors.values()):
        statuses.add(404)  # `Model.get()` missing (core.http.errors.not_found)
    if any(isinstance(convertor, IntegerConvertor | FloatConvertor) for convertor in route.param_convertors.values()):
        statuses.add(400)  # a number larger than its column holds (core.http.out_of_range)
    body = _body_schema(endpoint, spec, set(route.param_convertors), method)
    query = _query_schema(endpoint, spec, set(route.param_convertors), method)
    for field, schema in query.get("properties", {}).items():
        parameters.append({"name": field, "in": "query", "required": field in query.get("required", ()),
                           "schema": schema})
    if spec.paginated:
        parameters += PAGE_PARAMETERS
    if query.get("properties"):
        statuses.add(422)
    if spec.paginated:
        statuses.add(400)
    if parameters:
        operation["parameters"] = parameters
    uploads = hasattr(endpoint, UPLOADS)
    if body is not None:
        kinds = (MULTIPART,) if uploads or is_binary(body) else BODY_TYPES
        operation["requestBody"] = {"required": bool(body.get("required")),
                                    "content": {kind: {"schema": body} for kind in kinds}}
        statuses.update((400, 422))
    if uploads and method in BODY_METHODS:
        statuses.add(413)  # a file over the route's size or count limit (core.http.uploads)
    if method in UNSAFE_METHODS:
        statuses.add(403)  # the CSRF check
        if isinstance(spec.response, type) and _constrained(spec.response):
            statuses.add(409)  # a unique or foreign key refusing the write
    if hasattr(endpoint, THROTTLED):
        statuses.add(429)
        if getattr(endpoint, THROTTLED) is not True:  # fails closed, or as THROTTLE_FAIL_OPEN says at run time
            statuses.add(503)
    requirement = getattr(endpoint, REQUIREMENT, None)
    if requirement is not None:
        scheme, refusals = requirement
        schemes.add(scheme)
        operation["security"] = [{scheme: []}]
        statuses.update(refusals)
    responses = {spec.status: _success(spec, components)} | {status: _error(status) for status in statuses} | {
        status: _answer(status, shape, components) for status, shape in spec.answers.items()}
    operation["responses"] = {str(status): responses[status] for status in sorted(responses)}
    return operation


def _injected(endpoint: Any, path_params: set[str]) -> list[Any]:
    original = getattr(endpoint, INJECTED, None)
    if original is None:
        return []
    params = [param for param in plan(original) if not param.is_request and param.name not in path_params]
    return params[1:] if params and params[0].name == "self" else params


def _body_schema(endpoint: Any, spec: Declared, path_params: set[str], method: str) -> Schema | None:
    if method not in BODY_METHODS:
        return None
    schema = validator_schema(spec.body) if spec.body is not None else None
    injected = _injected(endpoint, path_params)
    if injected:
        schema = _merged(schema, params_schema(injected))
    return schema


def _query_schema(endpoint: Any, spec: Declared, path_params: set[str], method: str) -> Schema:
    schema = validator_schema(spec.query) if spec.query is not None else {}
    if method not in BODY_METHODS:
        injected = _injected(endpoint, path_params)
        if injected:
            schema = _merged(schema, params_schema(injected))
    return schema


def _merged(first: Schema | None, second: Schema) -> Schema:
    if not first:
        return second
    required = list(first.get("required", ()))
    required += [name for name in second.get("required", ()) if name not in required]
    merged = {"type": "object", "properties": {**second["properties"], **first["properties"]}}
    return merged | ({"required": required} if required else {})


def _shape(response: ResponseShape, components: dict[str, Schema]) -> Schema:
    return resource_schema(response, components) if isinstance(response, type) else dict(response)


def _answer(status: int, response: ResponseShape, components: dict[str, Schema]) -> Schema:
    """A status answered with a body of the endpoint's own (`answers=`), not the error shape."""
    return {"description": HTTPStatus(status).phrase,
            "content": {"application/json": {"schema": _shape(response, components)}}}


def _success(spec: Declared, components: dict[str, Schema]) -> Schema:
    response: Schema = {"description": HTTPStatus(spec.status).phrase}
    if spec.response is None or spec.status == 204:
        return response
    shape = _shape(spec.response, components)
    if spec.paginated:
        shape = {"type": "object", "properties": {"data": {"type": "array", "items": shape},
                                                  "meta": PAGE_META, "links": PAGE_LINKS},
                 "required": ["data", "meta", "links"]}
    elif spec.many:
        shape = {"type": "array", "items": shape}
    response["content"] = {"application/json": {"schema": shape}}
    return response


def _constrained(resource: type[Any]) -> bool:
    """Whether a write of the resource's model can meet an index that refuses it: a unique column or a foreign key."""
    meta = resource.model._meta
    return bool(meta.fk_fields or meta.o2o_fields) or any(
        field.unique and not field.pk for field in meta.fields_map.values())


def _error(status: int) -> Schema:
    schema = "ValidationError" if status == 422 else "Error"
    response: Schema = {"description": HTTPStatus(status).phrase,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    if status in RETRY_STATUSES:  # every 429 and 503 the framework sends says when to come back
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


NULLABLE_INTEGER: Schema = {"type": ["integer", "null"]}
NULLABLE_LINK: Schema = {"type": ["string", "null"]}
# `core.pagination.Page.meta` for numbered pages, and for cursor pages (`next_cursor`).
PAGE_META: Schema = {
    "type": "object",
    "properties": {"page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": NULLABLE_INTEGER,
                   "pages": NULLABLE_INTEGER, "next_cursor": NULLABLE_LINK},
    "required": ["per_page"],
}
PAGE_PARAMETERS: list[Schema] = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}
    for name in ("page", "per_page")
]
PAGE_LINKS: Schema = {
    "type": "object",
    "properties": {name: NULLABLE_LINK for name in ("first", "prev", "next", "last")},
}
