"""One text field of a multipart body, read from its head without reading the files after it.

The CSRF check needs the `csrf_token` field before the app runs. Reading the whole body for it
would hold every uploaded file in memory, so only the parts before the field are read: the
scan stops at the field's end, at the first file part (a form puts `{{ csrf_field() }}` before
its file inputs, and browsers send fields in document order), or after `MAX_HEAD` bytes. The
bytes read are handed back, to be replayed to the app ahead of the rest of the stream.
"""

from __future__ import annotations

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import Receive

MAX_HEAD = 64 * 1024
MAX_VALUE = 1024


class FieldScan:
    """python-multipart callbacks that keep the value of the part named `name`, and note the end.

    A chunk may hold the whole body, so the parser goes on calling after the scan is done: from
    then on every callback leaves the outcome as it was.
    """

    def __init__(self, name: bytes) -> None:
        self.name = name
        self.header = b""
        self.field = b""
        self.disposition = b""
        self.reading = False
        self.value = bytearray()
        self.done = False
        self.found: str | None = None

    def on_part_begin(self) -> None:
        self.field = self.header = self.disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def on_header_end(self) -> None:
        if self.field.lower() == b"content-disposition":
            self.disposition = self.header
        self.field = self.header = b""

    def on_headers_finished(self) -> None:
        if self.done:
            return
        _, options = parse_options_header(self.disposition)
        if b"filename" in options:
            self.done = True  # a file comes first: the field is not before it
        self.reading = options.get(b"name") == self.name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.reading and not self.done and len(self.value) <= MAX_VALUE:
            self.value += data[start:end]

    def on_part_end(self) -> None:
        if self.reading and not self.done:
            self.done = True
            if len(self.value) <= MAX_VALUE:
                self.found = self.value.decode("utf-8", "replace")


async def leading_field(content_type: str, name: str, receive: Receive) -> tuple[str | None, bytes, bool]:
    """(the field's value or None, the bytes read, whether the body goes on past them)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPException(400, "Missing boundary in multipart.")
    scan = FieldScan(name.encode())
    callbacks = {key: getattr(scan, key) for key in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end", "on_headers_finished",
        "on_part_data", "on_part_end")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    head = bytearray()
    more = True
    while more and not scan.done and len(head) < MAX_HEAD:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        more = message.get("more_body", False)
        head += chunk
        try:
            parser.write(chunk)
        except FormParserError:
            raise HTTPException(400, "Invalid multipart data.") from None
    return scan.found, bytes(head), more
