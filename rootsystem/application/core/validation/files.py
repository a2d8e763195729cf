"""The file rules: `file`, `file_max:KB`, `file_types:png,jpg,pdf` and `image[:max_width,max_height]`.

A file field's value is the UploadFile of a multipart form (`core.http.uploads` or Starlette's own
`request.form()`). Its type is read from its first bytes (`core.filetypes`), never from the name or
the Content-Type the client sent, so `file_types:png` refuses an HTML page called `cat.png`. Those
reads are a few KB of a spooled temporary file, small enough to do without a thread.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile

from core.filetypes import dimensions, extension_name, sniff_file
from core.validation.rules import Context, Fail, RuleSpec, number


def is_empty_file(value: Any) -> bool:
    """A file input left blank: browsers send it as a part with no file name and no bytes."""
    return isinstance(value, UploadFile) and not value.filename and not value.size


def _file(value: Any) -> UploadFile:
    if not isinstance(value, UploadFile):
        raise Fail("The {field} field must be a file.")
    return value


def check_file(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    return _file(value)


def check_file_max(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    file = _file(value)
    if (file.size or 0) > number(params[0]) * 1024:
        raise Fail(f"The {{field}} must not be larger than {params[0]} kilobytes.")
    return value


def check_file_types(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    detected = sniff_file(_file(value).file)
    if detected.extension not in {extension_name(param) for param in params}:
        raise Fail(f"The {{field}} must be a file of type: {', '.join(params)}.")
    return value


def check_image(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    file = _file(value).file
    size = dimensions(file) if sniff_file(file).is_image else None
    if size is None:
        raise Fail("The {field} must be an image (PNG, JPEG, GIF or WebP).")
    limits = [number(param) for param in params]
    if limits and (size[0] > limits[0] or (len(limits) > 1 and size[1] > limits[1])):
        bound = "x".join(params)
        raise Fail(f"The {{field}} must be at most {bound} pixels (it is {size[0]}x{size[1]}).")
    return value


FILE_RULES: dict[str, RuleSpec] = {
    "file": RuleSpec(check_file),
    "file_max": RuleSpec(check_file_max, 1, 1),
    "file_types": RuleSpec(check_file_types, 1, None),
    "image": RuleSpec(check_image, 0, 2),
}
