"""client_ip(): X-Forwarded-For is believed only from trusted proxies, read right to left.

One implementation serves the login throttle and the audit log; these cases are the ones where
the two used to disagree, plus the ordinary ones.
"""

from __future__ import annotations

import ipaddress

import pytest
from starlette.requests import Request

from core.http.client import client_ip

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8")]


def request_from(peer: str | None, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    scope = {"type": "http", "headers": headers, "client": (peer, 5000) if peer else None}
    return Request(scope)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.7", ["1.2.3.4"], "198.51.100.7"),  # spoofed header from an untrusted peer
        ("198.51.100.7", [], "198.51.100.7"),
        ("10.0.0.1", ["203.0.113.5"], "203.0.113.5"),
        ("10.0.0.1", ["1.2.3.4, 203.0.113.5, 10.9.9.9"], "203.0.113.5"),  # client forged the leftmost hop
        ("10.0.0.1", ["1.2.3.4", "203.0.113.5"], "203.0.113.5"),  # several header lines form one chain
        ("10.0.0.1", ["10.2.2.2, 10.3.3.3"], "10.2.2.2"),  # every hop ours: the farthest one
        ("10.0.0.1", ["garbage, 10.3.3.3"], "10.3.3.3"),  # a malformed hop stops the walk
        ("10.0.0.1", [], "10.0.0.1"),
        ("fd00::1", ["2001:db8::5"], "2001:db8::5"),
        ("::ffff:10.0.0.1", ["203.0.113.5"], "203.0.113.5"),  # IPv4 peer seen through a dual-stack socket
        ("::ffff:10.0.0.1", ["::ffff:10.2.2.2, 203.0.113.5"], "203.0.113.5"),
        ("::ffff:198.51.100.7", ["1.2.3.4"], "198.51.100.7"),  # one client, one spelling of its address
        ("10.0.0.1", ["junk"], "10.0.0.1"),  # never passed through as an address
        ("10.0.0.1", ["junk, 10.3.3.3"], "10.3.3.3"),
        ("10.0.0.1", ["6.6.6.6", "203.0.113.5, 10.9.9.9"], "203.0.113.5"),  # forged first line, real second
        ("testclient", ["203.0.113.5"], None),  # a peer that is not an address is no address
    ],
)
def test_client_ip(peer: str, forwarded: list[str], expected: str | None) -> None:
    assert client_ip(request_from(peer, *forwarded), PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_ip(request_from("10.0.0.1", "203.0.113.5"), []) == "10.0.0.1"
    assert client_ip(request_from("junk", "203.0.113.5"), []) is None


def test_unknown_peer_gives_none() -> None:
    assert client_ip(request_from(None, "203.0.113.5"), PROXIES) is None


def test_settings_are_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import settings

    monkeypatch.setattr(settings, "TRUSTED_PROXIES", PROXIES)
    assert client_ip(request_from("10.0.0.1", "203.0.113.5")) == "203.0.113.5"
