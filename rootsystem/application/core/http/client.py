"""The client's address, believing `X-Forwarded-For` only as far as the chain is trusted.

Anyone can send `X-Forwarded-For: 1.2.3.4`; the header only means something when the peer that
handed us the request is one of our own proxies (settings.TRUSTED_PROXIES). Each trusted proxy
appends the address it saw, so the chain (every header line, in order) is read right to left,
skipping our proxies, and the first address that is not ours is the client. The login throttle
and the audit log both key on this address, so there is exactly one way to work it out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

from core.settings import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    """An address, with IPv4 seen through a dual-stack socket (`::ffff:10.0.0.1`) as plain IPv4.

    Unwrapping matters twice: `10.0.0.0/8` in TRUSTED_PROXIES must match the mapped form of a
    proxy's address, and one client must not count as two in the login throttle.
    """
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
    """The client address of `request`, or None when the server does not give a valid peer address.

    Only valid addresses come out: a malformed peer gives None and a malformed hop stops the walk
    at the last address we could vouch for, so text like `junk` never reaches a throttle key or
    an audit row's address column.
    """
    if trusted_proxies is None:
        trusted_proxies = settings.TRUSTED_PROXIES
    client = request.scope.get("client")
    peer = _parse(client[0]) if client and client[0] else None
    if peer is None or not trusted_proxies or not _trusted(peer, trusted_proxies):
        return None if peer is None else str(peer)
    chain = [item for value in request.headers.getlist("x-forwarded-for") for item in value.split(",")]
    nearest = peer
    for item in reversed(chain):
        hop = _parse(item)
        if hop is None:
            break
        if not _trusted(hop, trusted_proxies):
            return str(hop)
        nearest = hop
    return str(nearest)
