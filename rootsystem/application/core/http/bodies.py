"""Reading a request's body strictly: what cannot be read as fields is the client's 400.

`request_body` gives the JSON object or form a controller works on. A body that is not valid
JSON, is nested deeper than `MAX_JSON_DEPTH`, or is not valid Unicode (invalid UTF-8, a lone
`\\ud800` surrogate, a form field whose percent-escapes are not UTF-8) is refused here, before
any of it reaches a password hash, a SQL parameter or the session cookie, each of which would
otherwise fail on it with a 500.

Which characters a well-formed text field may hold (no NUL, no other control characters) is the
validator's business (`core.validation.text`): that is a 422 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from core.validation.errors import ValidationError

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
URLENCODED = "application/x-www-form-urlencoded"
# Real payloads stay within a handful of levels; parsers and the code that walks their output
# recurse, so a body of a few KB nested a thousand levels deep must not get that far.
MAX_JSON_DEPTH = 32


STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
OPEN_CLOSE = bytes.maketrans(b"{}", b"[]")
NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nests_deeper(raw: bytes, limit: int) -> bool:
    """True when the arrays/objects of the valid JSON `raw` nest more than `limit` deep.

    Measured on the text, in C-speed passes (strings out, every other byte but brackets out,
    then one innermost `[]` level removed per pass), because walking the parsed value costs
    Python time per node: ten times the parse itself for a 1 MB body of small objects.
    """
    brackets = STRINGS.sub(b"", raw).translate(OPEN_CLOSE, NOT_BRACKETS)
    for _ in range(limit):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return True


def parse_json(raw: bytes) -> Any:
    """The JSON value of `raw`; raises HTTPException(400) saying what is wrong with it.

    orjson reads JSON as RFC 8259 defines it: UTF-8 only, no lone surrogates, no NaN. Counting
    brackets first (in C) spares the depth walk for every body that could not be too deep.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise HTTPException(400, f"The request body is not valid JSON: {error}.") from None
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and nests_deeper(raw, MAX_JSON_DEPTH):
        raise HTTPException(400, f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep: send flatter data.")
    return data


def check_form_encoding(raw: bytes) -> None:
    """Refuse an urlencoded form whose percent-escapes are not UTF-8 (`%FF`, `%ED%A0%80`).

    The form parser would quietly turn them into U+FFFD, so the controller would store text
    the user never sent. Escapes cannot straddle `&` or `=` (both ASCII, never inside a UTF-8
    sequence), so decoding the whole body at once checks every field.
    """
    if raw.isascii() and b"%" not in raw:
        return
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(
            400, f"The form is not valid UTF-8 (byte {error.object[error.start]:#04x}): send it as UTF-8."
        ) from None


async def request_body(request: Request) -> Mapping[str, Any] | FormData | None:
    """The JSON object or form the request carries, or None for bodiless requests."""
    if request.method not in BODY_METHODS:
        return None
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        raw = await request.body()
        if not raw:
            return None
        data = parse_json(raw)
        if not isinstance(data, dict):
            raise ValidationError({"_body": ["The JSON body must be an object of fields."]})
        return data
    if content_type.startswith(URLENCODED):
        check_form_encoding(await request.body())  # the form parser reads the same, cached, bytes
    if content_type.startswith(FORM_TYPES):
        return await request.form()
    return None
