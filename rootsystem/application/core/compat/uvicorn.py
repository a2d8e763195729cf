"""uvicorn's httptools protocol with bounded request heads: the one place we subclass uvicorn.

uvicorn's httptools protocol (the one `uvicorn[standard]` selects) has no limit on the size or
number of request headers: httptools buffers a header until it is complete, so one 64 MiB header
is 64 MiB of server memory, and a few in parallel take a worker down. h11 has a limit (16 KiB by
default) but parses in Python, several times slower; so we keep httptools and bound it here.

The subclass touches uvicorn's protocol hooks (`data_received`, the parser callbacks
`on_message_begin`, `on_header`, `on_headers_complete`, `send_400_response`), which are not a
public API: an upgrade of uvicorn that renames them breaks here, and tests/test_header_limits.py
says so.

- Size: bytes received while a request's head is still incomplete are counted. Once they pass
  the limit, the client gets 431 and the connection is closed before more is buffered. The check
  runs after each read, so memory stays within the limit plus one read (uvicorn reads at most
  256 KiB at a time).
- Count: more than the limit of header lines also gets 431.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

TOO_LARGE = b"Request header fields too large."


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing; httptools re-raises it as a parser error."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Limits from MAX_HEADER_SIZE and MAX_HEADER_COUNT, read when the first connection opens.

    A module-level class rather than one built per limit: `serve --reload` hands the protocol
    to its worker process by pickling the config, which needs a class importable by name.
    """

    max_head_bytes: int | None = None
    max_header_count: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_head_bytes is None or self.max_header_count is None:
            from core.settings import settings

            BoundedHttpToolsProtocol.max_head_bytes = settings.MAX_HEADER_SIZE
            BoundedHttpToolsProtocol.max_header_count = settings.MAX_HEADER_COUNT
        self._head_bytes = 0
        self._in_head = True
        self._too_large = False

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > (self.max_head_bytes or 0) and not self.transport.is_closing():
            self._refuse()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= (self.max_header_count or 0):
            self._too_large = True
            raise _HeadTooLarge
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn answers every parser error 400; a head that was too large is 431."""
        if self._too_large:
            self._refuse()
        else:
            super().send_400_response(msg)

    def _refuse(self) -> None:
        self.logger.warning("Request head too large: answered 431")
        self.transport.write(b"".join([
            STATUS_LINE[431], b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(TOO_LARGE), TOO_LARGE,
        ]))
        self.transport.close()

