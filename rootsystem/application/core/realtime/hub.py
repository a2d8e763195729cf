"""The process's sockets by room, and `broadcast()`, which reaches a room's sockets in every process.

A broadcast goes out through the backend (core/realtime/backends.py) even when this process holds
the room's sockets itself, and each process hands what it hears to its own sockets: one path, so
every socket of a room sees the room's broadcasts in the same order wherever it is connected.

Handing a message to a socket only queues it (`Channel.queue`); each socket's own writer task
sends it. So a fan-out to a thousand sockets is a thousand appends, and one slow client holds up
nobody but itself; one that falls too far behind is closed (see core/realtime/channel.py).

The backend is started on first use (the first join or broadcast, so a process that never uses
sockets opens no connection) and stopped at the app's shutdown, after every socket is closed.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import orjson

from core.realtime.backends import MAX_PAYLOAD, Backend, MessageTooLarge, configured_backend

if TYPE_CHECKING:
    from core.realtime.channel import Channel

MAX_ROOM_LENGTH = 200


def check_room(room: str) -> str:
    """A room is a non-empty name without a newline (the wire format splits on the first one)."""
    if not isinstance(room, str) or not room or "\n" in room or len(room) > MAX_ROOM_LENGTH:
        raise ValueError(f"room {room!r} must be 1-{MAX_ROOM_LENGTH} characters without a newline")
    return room


def encode(room: str, message: Any) -> str:
    """The wire text of a broadcast: the room, a newline, the message as JSON (a str is sent as is)."""
    text = message if isinstance(message, str) else orjson.dumps(message).decode()
    payload = f"{check_room(room)}\n{text}"
    if len(payload.encode()) > MAX_PAYLOAD:
        raise MessageTooLarge(f"a broadcast to {room!r} is {len(payload.encode())} bytes with its room; the limit "
                              f"is {MAX_PAYLOAD} (PostgreSQL NOTIFY): send an id and let clients fetch the rest")
    return payload


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, set[Channel]] = {}
        self.channels: set[Channel] = set()
        self._backend: Backend | None = None
        self._starting: asyncio.Task[Backend] | None = None

    async def backend(self) -> Backend:
        """The started backend; concurrent first callers share one start."""
        if self._backend is not None:
            return self._backend
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        return await asyncio.shield(self._starting)

    async def _start(self) -> Backend:
        backend = configured_backend()
        try:
            await backend.start(self.deliver)
        except BaseException:
            self._starting = None
            raise
        self._backend = backend
        return backend

    def deliver(self, payload: str) -> None:
        """A broadcast heard from the backend: queued for this process's sockets in its room."""
        room, _, text = payload.partition("\n")
        for channel in tuple(self.rooms.get(room, ())):
            channel.queue(text)

    async def publish(self, room: str, message: Any) -> None:
        payload = encode(room, message)
        await (await self.backend()).publish(payload)

    async def join(self, channel: Channel, room: str) -> None:
        check_room(room)
        await self.backend()  # listening before the join returns, so the next broadcast is heard
        self.rooms.setdefault(room, set()).add(channel)

    def leave(self, channel: Channel, room: str) -> None:
        members = self.rooms.get(room)
        if members is not None:
            members.discard(channel)
            if not members:
                del self.rooms[room]

    def forget(self, channel: Channel) -> None:
        """A socket that closed leaves every room."""
        for room in tuple(channel.rooms):
            self.leave(channel, room)
        self.channels.discard(channel)

    async def close_all(self, code: int) -> None:
        """Close every socket of this process with `code` (1001 at shutdown)."""
        await asyncio.gather(*(channel.close(code) for channel in tuple(self.channels)), return_exceptions=True)

    async def stop(self) -> None:
        await self.close_all(1001)
        backend, self._backend, self._starting = self._backend, None, None
        if backend is not None:
            await backend.stop()


hub = Hub()


async def broadcast(room: str, message: Any) -> None:
    """Send `message` (a str, or anything JSON can encode) to every socket in `room`, in every process.

    Callable from a controller, a job or a socket handler alike. MessageTooLarge when the encoded
    message is over 7999 bytes with its room (see core/realtime/backends.py).
    """
    await hub.publish(room, message)
