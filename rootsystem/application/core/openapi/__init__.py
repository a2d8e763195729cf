"""OpenAPI 3.1 from the site's routes: `GET /openapi.json`, a `/docs` page and `openapi:export`."""

from core.openapi.document import openapi_document
from core.openapi.markers import internal, operation

__all__ = ["internal", "openapi_document", "operation"]
