"""`GET /storage/{name}?expires=...&signature=...`: locally stored files, for signed links only.

Policy: a link whose signature does not match is 403, one past its expiry 403, a name that is
not stored (or not a valid name: `..`, a backslash) 404. The answer is typed from the file's
content, never from its name; only raster images are shown inline, anything else (HTML and SVG
above all) is `Content-Disposition: attachment`, and active types are sent as
`application/octet-stream`. Every answer carries `X-Content-Type-Options: nosniff` and a CSP
that allows nothing and sandboxes the document, so even a browser that rendered it would run no
script in the site's origin. The route exists only while STORAGE_URL is a local folder.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from core.filetypes import HEAD_SIZE, sniff
from core.settings import settings
from core.storage.base import StorageError, served_type
from core.storage.local import ROUTE, LocalStorage
from core.storage.signing import link_problem

STORAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _head(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read(HEAD_SIZE)


async def serve_stored(request: Request) -> Response:
    from anyio import to_thread

    from core.storage import storage

    store = storage()
    if not isinstance(store, LocalStorage):
        raise HTTPException(404, "Not Found")
    name = request.path_params["name"]
    problem = link_problem(settings.SECRET_KEY, name, request.query_params.get("expires", ""),
                           request.query_params.get("signature", ""))
    if problem is not None:
        raise HTTPException(403, problem)
    try:
        path = store.path(name)
        head = await to_thread.run_sync(_head, str(path))
    except (StorageError, OSError):
        raise HTTPException(404, "Not Found") from None
    mime, disposition = served_type(sniff(head))
    filename = name.rsplit("/", 1)[-1]
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": STORAGE_CSP,
        "Cache-Control": "private, max-age=300",
    }
    return FileResponse(path, media_type=mime, headers=headers)


def storage_routes() -> list[BaseRoute]:
    """The route for a local store, none for a bucket; a STORAGE_URL no store can be built from
    stops the start-up here (StorageError), not the first request that stores a file."""
    from core.storage import storage

    if not isinstance(storage(), LocalStorage):
        return []
    return [Route(ROUTE + "/{name:path}", serve_stored, methods=["GET", "HEAD"], name="storage",
                  include_in_schema=False)]  # links, not an API
