"""The client's IP address, believing `X-Forwarded-For` only from TRUSTED_PROXIES."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(connection: HTTPConnection, proxies: Sequence[Network] | None = None) -> str | None:
    """The peer address, or, behind trusted proxies, the first untrusted hop of the forwarded chain.

    Walking the chain from the right means a client cannot pick its own address by sending a
    forged `X-Forwarded-For`: only hops added by our proxies are skipped.
    """
    if proxies is None:
        import settings

        proxies = settings.TRUSTED_PROXIES
    peer = connection.client.host if connection.client else None
    if not peer or not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = [hop.strip() for hop in connection.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, proxies):
            return hop
    return forwarded[0] if forwarded else peer
