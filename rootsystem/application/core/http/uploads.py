"""`@uploads(...)`: multipart bodies streamed to temporary files, with per-route limits.

    class AvatarController:
        @uploads(max_size=2 * 1024 * 1024, max_files=1, max_width=4000, max_height=4000)
        @inject
        async def store(self, request: Request, avatar: UploadFile) -> Response:
            name = await storage().put(f"avatars/{avatar.safe_name}", avatar.file)

Policy, in the order it is applied while the body arrives:

- no file is held in memory: each is written to a spooled temporary file (memory for the first
  megabyte, then disk), so a 200 MB upload costs the server a few MB (bench/uploads.py);
- a file larger than `max_size`, or one file more than `max_files`, stops the reading at once
  and answers 413 with a message: the rest of the body is never read;
- once the body is read, an image wider or taller than `max_width` / `max_height` (read from its
  headers, `core.filetypes`) is a 422 naming the field, like any validation rule.

What a file *is* is read from its content, never from the client's Content-Type or file name:
`file.type` (`core.filetypes.FileType`), and `file.safe_name`, a random name with the extension
of that type, is the one to store it under. `validate()` rules `file`, `file_max`, `file_types`
and `image` check the same (core/validation/files.py). The limits default to UPLOAD_MAX_SIZE and
UPLOAD_MAX_FILES; MAX_BODY_SIZE bounds the whole body before routing, and for multipart bodies
it is raised by those two (core/kernel.py), so a route can narrow the upload limits, not pass them.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar, cast

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import HTTPConnection, Request

from core.filetypes import FileType, dimensions, sniff_file
from core.settings import settings
from core.validation.errors import ValidationError

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
MULTIPART = "multipart/form-data"
UPLOADS = "__nori_uploads__"  # marks an endpoint that reads multipart bodies (its OpenAPI body and 413)


class UploadedFile(UploadFile):
    """Starlette's UploadFile plus what its content says it is, and a name safe to store it under."""

    def __init__(self, file: BinaryIO, *, size: int | None = None, filename: str | None = None,
                 headers: Headers | None = None) -> None:
        super().__init__(file, size=size, filename=filename, headers=headers)
        self._type: FileType | None = None
        self._safe_name: str | None = None

    @property
    def type(self) -> FileType:
        """The type read from the first bytes (once the file is complete)."""
        if self._type is None:
            self._type = sniff_file(self.file)
        return self._type

    @property
    def safe_name(self) -> str:
        """A random name with the extension of the detected type: `Kq3...x9.png`."""
        if self._safe_name is None:
            self._safe_name = f"{secrets.token_urlsafe(16)}.{self.type.extension}"
        return self._safe_name

    @property
    def dimensions(self) -> tuple[int, int] | None:
        """(width, height) for a raster image, else None."""
        return dimensions(self.file) if self.type.is_image else None


@dataclass(frozen=True)
class UploadLimits:
    max_size: int
    max_files: int
    max_width: int | None = None
    max_height: int | None = None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB" if size >= 1024 * 1024 else f"{size / 1024:.3g} KB"


class LimitedParser(MultiPartParser):
    """Starlette's streaming parser with the file size and count checked as the parts arrive.

    Starlette counts files only to raise a 400, and never bounds a file's size; these two hooks
    raise 413 from inside the parser's callbacks, which makes its read loop stop and close the
    files it had opened. Files are created as `UploadedFile` so the form holds the richer type.
    """

    def __init__(self, request: Request, limits: UploadLimits) -> None:
        super().__init__(request.headers, request.stream(), max_files=float("inf"))
        self.limits = limits
        self.files = 0
        self.written = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        part = self._current_part
        if part.file is None:
            return
        self.files += 1
        if self.files > self.limits.max_files:
            raise HTTPException(413, f"Too many files: at most {self.limits.max_files} may be sent at once.")
        part.file = UploadedFile(part.file.file, size=0, filename=part.file.filename, headers=part.file.headers)
        self.written = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._current_part
        if part.file is not None:
            self.written += end - start
            if self.written > self.limits.max_size:
                raise HTTPException(413, f"The file {part.field_name} is larger than the limit of "
                                         f"{megabytes(self.limits.max_size)}.")
        super().on_part_data(data, start, end)


def check_dimensions(form: FormData, limits: UploadLimits) -> None:
    if limits.max_width is None and limits.max_height is None:
        return
    errors: dict[str, list[str]] = {}
    for field, value in form.multi_items():
        size = value.dimensions if isinstance(value, UploadedFile) else None
        if size is None:
            continue
        width, height = size
        if width > (limits.max_width or width) or height > (limits.max_height or height):
            bound = f"{limits.max_width or 'any'}x{limits.max_height or 'any'}"
            errors.setdefault(field, []).append(
                f"The {field.replace('_', ' ')} image is {width}x{height} pixels; at most {bound} is allowed.")
    if errors:
        raise ValidationError(errors)


async def read_uploads(request: Request, limits: UploadLimits) -> FormData | None:
    """Parse a multipart body under `limits`; None (nothing read) for any other body."""
    if not request.headers.get("content-type", "").startswith(MULTIPART):
        return None
    try:
        form = await LimitedParser(request, limits).parse()
    except MultiPartException as error:
        raise HTTPException(400, str(error)) from None
    try:
        check_dimensions(form, limits)
    except ValidationError:
        await form.close()
        raise
    # Starlette's Request keeps its parsed form here: `request.form()` and `request_body` (so
    # @inject and validate) then see this form instead of reading a stream that is gone.
    request._form = form
    return form


def uploads(*, max_size: int | None = None, max_files: int | None = None,
            max_width: int | None = None, max_height: int | None = None) -> Callable[[Endpoint], Endpoint]:
    """Read the endpoint's multipart body under these limits; its temporary files are removed after."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def with_uploads(*args: Any, **kwargs: Any) -> Any:
            request = next((arg for arg in args if isinstance(arg, HTTPConnection)), None)
            if not isinstance(request, Request):
                raise TypeError("@uploads: the endpoint was not called with a request")
            limits = UploadLimits(
                max_size=settings.UPLOAD_MAX_SIZE if max_size is None else max_size,
                max_files=settings.UPLOAD_MAX_FILES if max_files is None else max_files,
                max_width=max_width, max_height=max_height,
            )
            form = await read_uploads(request, limits)
            try:
                return await endpoint(*args, **kwargs)
            finally:
                if form is not None:
                    await form.close()

        setattr(with_uploads, UPLOADS, True)
        return cast(Endpoint, with_uploads)

    return decorate
