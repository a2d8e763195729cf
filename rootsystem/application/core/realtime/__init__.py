"""WebSockets: routes with rooms, and broadcasts that reach every process. See docs/websockets.md.

    from core.realtime import Channel, broadcast, websocket_route
"""

from core.realtime.backends import MessageTooLarge
from core.realtime.channel import Channel
from core.realtime.hub import broadcast
from core.realtime.routing import websocket_route

__all__ = ["Channel", "MessageTooLarge", "broadcast", "websocket_route"]
