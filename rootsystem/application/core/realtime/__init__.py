"""WebSockets: routes with rooms, and broadcasts that reach every process. See docs/websockets.md.

    from core.realtime import Channel, broadcast, websocket_route

Each name loads its module when first asked for: the front layer's origin check
(core.realtime.origin) loads without the hub and its backends.
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:
    from core.realtime.backends import MessageTooLarge
    from core.realtime.channel import Channel
    from core.realtime.hub import broadcast
    from core.realtime.routing import websocket_route

MODULE_OF = {"Channel": "channel", "MessageTooLarge": "backends", "broadcast": "hub", "websocket_route": "routing"}

__all__ = ["Channel", "MessageTooLarge", "broadcast", "websocket_route"]

__getattr__ = lazy_exports(__name__, MODULE_OF)
