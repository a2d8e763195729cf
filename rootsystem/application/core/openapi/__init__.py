"""OpenAPI 3.1 from the site's routes: `GET /openapi.json`, a `/docs` page and `openapi:export`.

`operation` and `internal` are what controllers import, so they load with the routes;
`openapi_document` (which reads validators, resources and throttles) is imported when first asked for.
"""

from typing import Any

from core.openapi.markers import internal, operation

__all__ = ["internal", "openapi_document", "operation"]


def __getattr__(name: str) -> Any:
    if name == "openapi_document":
        from core.openapi.document import openapi_document

        return openapi_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
