"""The site plus upload routes, used by the upload tests and served by bench/uploads.py.

Serve it with `uvicorn tests.support.uploads_site:app` from `rootsystem/application` with the
project root on PYTHONPATH; the shipped site's routes are left untouched.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.http.inject import inject
from core.http.uploads import UploadedFile, uploads
from core.kernel import create_app
from core.storage import storage
from core.validation import Validator, validate
from routes import routes

AVATAR_RULES = Validator({"avatar": "required|file|image|file_max:50|file_types:png,jpg"})


def described(file: UploadFile) -> dict[str, object]:
    assert isinstance(file, UploadedFile)
    return {"name": file.safe_name, "type": file.type.mime, "size": file.size, "dimensions": file.dimensions,
            "client_name": file.filename}


class UploadController:
    @uploads(max_size=100 * 1024, max_files=2, max_width=1000, max_height=800)
    @inject
    async def avatar(self, request: Request, avatar: UploadFile, note: str = "") -> JSONResponse:
        await AVATAR_RULES.validate(await request.form())
        return JSONResponse({**described(avatar), "note": note})

    @uploads()
    @inject
    async def optional(self, request: Request, photo: UploadFile | None = None) -> JSONResponse:
        return JSONResponse({"photo": photo.filename if photo else None})

    @uploads(max_files=3)
    async def documents(self, request: Request) -> JSONResponse:
        form = await request.form()
        await validate(form, {"document": "required|file|file_types:pdf"})
        return JSONResponse({"files": [described(file) for file in form.getlist("document")
                                       if isinstance(file, UploadFile)]})

    @uploads()
    async def store(self, request: Request) -> JSONResponse:
        """Whatever is sent, stored as it is under its generated name (the bench posts here)."""
        form = await request.form()
        stored = []
        for _, file in form.multi_items():
            if isinstance(file, UploadedFile):
                stored.append(await storage().put(f"uploads/{file.safe_name}", file.file))
        return JSONResponse({"stored": stored})


controller = UploadController()
UPLOAD_ROUTES = [
    Route("/upload/avatar", controller.avatar, methods=["POST"], name="upload.avatar"),
    Route("/upload/documents", controller.documents, methods=["POST"], name="upload.documents"),
    Route("/upload/optional", controller.optional, methods=["POST"], name="upload.optional"),
    Route("/upload/store", controller.store, methods=["POST"], name="upload.store"),
]
app = create_app(routes=[*UPLOAD_ROUTES, *routes])
