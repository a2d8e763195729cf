"""OpenAPI 3.1 from the site's routes: `GET /openapi.json`, a `/docs` page and `openapi:export`.

`operation` and `internal` are what controllers import, so they load with the routes;
`openapi_document` (which reads validators, resources and throttles) is imported when first asked for.
"""

from core.lazy import lazy_exports
from core.openapi.markers import internal, operation

__all__ = ["internal", "openapi_document", "operation"]

__getattr__ = lazy_exports(__name__, {"openapi_document": "document"})
