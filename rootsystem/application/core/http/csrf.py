"""Cross-site request forgery protection for every unsafe method, whatever the content type.

A token is minted lazily (only when a page asks for `csrf_token`) and kept in the session, so
a token is bound to one visitor: another visitor's token never matches. Unsafe requests must
send it back in the `X-CSRF-Token` header or the `csrf_token` form field; the comparison is
constant-time. In a multipart form the field must come before the file inputs: only the body's
head is read for it (core/http/multipart_token.py), so uploads are never held in memory here.
When the browser says where the request comes from (`Origin`, else `Referer`)
that must be this site too. Safe methods pass through untouched, so reading pages costs nothing.

Not subject to the check: routes exempted by name (webhooks signed by their sender) and
requests that carry `Authorization: Bearer` without a session cookie, since a browser never adds
such a header on its own, which is what a forged request relies on.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Message, Receive, Scope, Send

from core.http.errors import error_response
from core.http.multipart_token import leading_field
from core.http.sessions import cookie_value

if TYPE_CHECKING:
    from markupsafe import Markup

SESSION_KEY = "_csrf"
FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# The request headers the check reads: gathered in one pass over the head, not one per header.
READ_HEADERS = frozenset({b"authorization", b"origin", b"referer", b"host", b"content-type", HEADER_NAME.encode()})


class CSRFError(Exception):
    """Why a request was refused; the text is shown to the user, so it says what to do."""


def csrf_token(connection: HTTPConnection) -> str:
    """This visitor's token, created (and the session marked for saving) on first use."""
    session = connection.session
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_field(connection: HTTPConnection) -> Markup:
    """The hidden input a form needs: `{{ csrf_field() }}` in a template."""
    from markupsafe import Markup  # with the first page rendered, as Jinja2 is

    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD_NAME, csrf_token(connection))


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, or None when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def route_name(routes: Sequence[BaseRoute], scope: Scope, prefix: str = "") -> str | None:
    """The name of the route `scope` would reach (`mount:child` inside a named Mount)."""
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        name = getattr(route, "name", None) or ""
        if isinstance(route, Mount) and route.routes:
            nested = route_name(route.routes, {**scope, **child_scope}, f"{prefix}{name}:" if name else prefix)
            if nested is not None:
                return nested
            continue
        return prefix + name
    return None


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the size limit outside us has already capped it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def urlencoded_field(body: bytes, name: str) -> str | None:
    """One field of a urlencoded body, the last one when repeated, as the parsed form gives it.

    The endpoint parses the whole form anyway, so only the field asked for is decoded here: the
    other pairs are split off and skipped, and a key is unquoted only when it is escaped
    (`csrf%5Ftoken`). The result is `parse_qsl(..., keep_blank_values=True)`'s for that key,
    which tests/test_csrf.py holds it to; decoding every pair, as `parse_qsl` does, cost a
    long form's post several times more.
    """
    wanted = name.encode("latin-1")
    found = None
    for pair in body.split(b"&"):
        key, _, value = pair.partition(b"=")
        if key != wanted and not (
            (b"%" in key or b"+" in key) and unquote_plus(key.decode("latin-1"), encoding="latin-1") == name
        ):
            continue
        found = unquote_plus(value.decode("latin-1"), encoding="latin-1")
    return found


def read_headers(scope: Scope) -> dict[str, str]:
    """The headers the check reads, the first of each as Starlette's `Headers.get` gives it."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in READ_HEADERS:
            found.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return found


def replay(body: bytes, receive: Receive, *, more: bool = False) -> Receive:
    """A `receive` that gives `body` once, then the real channel (the rest of the body when
    `more`, else the disconnect message)."""
    replayed = False

    async def receive_replayed() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return receive_replayed


class CSRFCheck:
    """The front layer's check of unsafe requests (core/http/front.py): after the session is
    loaded, inside the body size limit (413 comes first)."""

    def __init__(
        self, *, trusted_origins: Iterable[str] = (), exempt: Iterable[str] = (), session_cookie: str = "nori_session",
    ) -> None:
        self.trusted_origins = frozenset(o for o in (origin_of(url) for url in trusted_origins) if o)
        self.exempt = frozenset(exempt)
        self.session_cookie = session_cookie

    async def check(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """The `receive` the app reads the body from, or None when the request has been refused.

        Only for an HTTP request with an unsafe method (`UNSAFE_METHODS`); the front layer asks.
        """
        if self.exempt and route_name(scope["app"].routes, scope) in self.exempt:
            return receive
        headers = read_headers(scope)
        if self._bearer_without_session(scope, headers):
            return receive
        try:
            self._check_origin(scope, headers)
            return await self._check_token(scope, headers, receive)
        except CSRFError as refused:
            response = error_response(Request(scope), 403, f"CSRF check failed: {refused}")
        except HTTPException as bad_body:  # a malformed form; 413 belongs to the size limit outside
            if bad_body.status_code == 413:
                raise
            response = error_response(Request(scope), bad_body.status_code, str(bad_body.detail))
        await response(scope, receive, send)
        return None

    def _bearer_without_session(self, scope: Scope, headers: Mapping[str, str]) -> bool:
        if not headers.get("authorization", "").lower().startswith("bearer "):
            return False
        return cookie_value(scope, self.session_cookie) is None

    def _check_origin(self, scope: Scope, headers: Mapping[str, str]) -> None:
        origin = headers.get("origin")
        if origin is None:
            referer = headers.get("referer")
            if referer is None:
                return  # non-browser clients send neither; the token still protects the session
            origin = origin_of(referer) or "null"
        origin = origin.lower()
        host = headers.get("host")
        own = f"{scope.get('scheme', 'http')}://{host}".lower() if host else None
        if origin != own and origin not in self.trusted_origins:
            raise CSRFError(f"the request comes from {origin}, which is not this site")

    async def _check_token(self, scope: Scope, headers: Mapping[str, str], receive: Receive) -> Receive:
        sent = headers.get(HEADER_NAME)
        content_type = headers.get("content-type", "")
        if sent is None and content_type.lower().startswith(MULTIPART):
            # Only the head of the body: the files after the field stream on to the app unread.
            sent, head, more = await leading_field(content_type, FIELD_NAME, receive)
            receive = replay(head, receive, more=more)
        elif sent is None and content_type.lower().startswith(URLENCODED):
            body = await read_body(receive)
            sent = urlencoded_field(body, FIELD_NAME)
            receive = replay(body, receive)  # the app reads the same body again
        expected = scope["session"].get(SESSION_KEY)
        if not sent:
            raise CSRFError(
                f"the request has no CSRF token: send it in the {FIELD_NAME} form field or the "
                "X-CSRF-Token header (reload the page to get one)"
            )
        if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise CSRFError("the CSRF token does not belong to this session: reload the page and try again")
        return receive
