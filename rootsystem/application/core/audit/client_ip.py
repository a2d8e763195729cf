"""The client's address, believing `X-Forwarded-For` only as far as the chain is trusted.

Anyone can send `X-Forwarded-For: 1.2.3.4`; the header only means something when the peer that
handed us the request is one of our own proxies (settings.TRUSTED_PROXIES). Each trusted proxy
appends the address it saw, so the chain is read right to left, skipping our proxies, and the
first address that is not ours is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_ip(request: HTTPConnection, trusted_proxies: Sequence[Network] | None = None) -> str | None:
    """The client address of `request` (None when the server does not know the peer)."""
    if trusted_proxies is None:
        import settings

        trusted_proxies = settings.TRUSTED_PROXIES
    client = request.scope.get("client")
    peer_text = client[0] if client else None
    if not peer_text:
        return None
    if not trusted_proxies:  # the common case needs no parsing at all
        return peer_text
    peer = _parse(peer_text)
    if peer is None or not _trusted(peer, trusted_proxies):
        return peer_text if peer is None else str(peer)
    chain = [item for value in request.headers.getlist("x-forwarded-for") for item in value.split(",")]
    nearest = peer
    for item in reversed(chain):
        hop = _parse(item)
        if hop is None:
            break  # a malformed hop: the last address we could vouch for is the best we have
        if not _trusted(hop, trusted_proxies):
            return str(hop)
        nearest = hop
    return str(nearest)
