"""One accepted socket: who is on it, the rooms it joined, what it receives and sends.

Incoming messages over REALTIME_MAX_MESSAGE bytes close the socket with 1009 ("message too big")
before the handler sees them. (uvicorn has its own cap, `ws_max_size`, 16 MiB by default, which
closes with 1009 too; the setting is the lower, per-site limit and holds under any server.)

Outgoing messages go through a queue drained by the socket's own writer task, so broadcasts and
`send` keep their order and a slow client never holds up the process's fan-out. A client that
lets SEND_BACKLOG messages pile up is closed with 1013 ("try again later") rather than let the
queue grow without bound; it reconnects and carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketState

from core.realtime.hub import Hub, broadcast, check_room

SEND_BACKLOG = 1000
MESSAGE_TOO_BIG = 1009
TRY_AGAIN_LATER = 1013

Handler = Callable[["Channel"], Awaitable[None]]


class Channel:
    """What a `@websocket_route` handler gets: `user`, `path_params`, `join`/`leave`, `send`, and
    `async for message in channel` for what the client sends (a str, or bytes for a binary frame)."""

    def __init__(self, websocket: WebSocket, user: Any, *, hub: Hub, max_message: int) -> None:
        self.websocket = websocket
        self.user = user
        self.rooms: set[str] = set()
        self.max_message = max_message
        self._hub = hub
        self._outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=SEND_BACKLOG)
        self._writer: asyncio.Task[None] | None = None
        self._closing: asyncio.Future[None] | None = None
        self._closed = False

    @property
    def path_params(self) -> dict[str, Any]:
        return self.websocket.path_params

    async def join(self, room: str) -> None:
        """Receive the room's broadcasts from now on (from every process)."""
        await self._hub.join(self, room)
        self.rooms.add(room)

    async def leave(self, room: str) -> None:
        self._hub.leave(self, check_room(room))
        self.rooms.discard(room)

    async def broadcast(self, room: str, message: Any) -> None:
        """`core.realtime.broadcast`, here for handlers' convenience (the sender gets it too if it joined)."""
        await broadcast(room, message)

    async def send(self, message: Any) -> None:
        """To this socket only: a str as is, anything else as JSON."""
        self.queue(message if isinstance(message, str) else orjson.dumps(message).decode())

    def queue(self, text: str) -> None:
        if self._closed:
            return
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            self._closed = True  # nothing more is queued; the close below is the last word
            self._closing = asyncio.ensure_future(self.close(TRY_AGAIN_LATER))

    async def receive(self) -> str | bytes | None:
        """The client's next message; None once it left or was closed (too big: 1009)."""
        while not self._closed:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                self._closed = True
                return None
            text: str | None = message.get("text")
            data: str | bytes | None = text if text is not None else message.get("bytes")
            if data is None:
                continue
            # a character is 1 to 4 bytes in UTF-8: encode only a text that might be over
            size = len(text.encode()) if text is not None and len(text) * 4 > self.max_message else len(data)
            if size > self.max_message:
                await self.close(MESSAGE_TOO_BIG)
                return None
            return data
        return None

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        while (message := await self.receive()) is not None:
            yield message

    async def close(self, code: int = 1000) -> None:
        """Close the socket (once); messages still queued are dropped."""
        self._closed = True
        if self._writer is not None and self._writer is not asyncio.current_task():
            self._writer.cancel()
        socket = self.websocket
        if socket.application_state is WebSocketState.CONNECTED and socket.client_state is WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, OSError):  # the client went first
                await self.websocket.close(code)

    async def _write(self) -> None:
        while True:
            text = await self._outbox.get()
            try:
                await self.websocket.send_text(text)
            except (RuntimeError, OSError):  # closed under us; the receive side ends the socket
                return

    async def serve(self, handler: Handler) -> None:
        """Run `handler`; once it returns, keep the socket open for broadcasts until the client leaves."""
        self._hub.channels.add(self)
        self._writer = asyncio.create_task(self._write())
        try:
            await handler(self)
            async for _ in self:  # a handler that only joined rooms: messages from the client are dropped
                pass
        finally:
            self._hub.forget(self)
            await self.close()
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
