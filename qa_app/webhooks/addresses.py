"""No server-side request forgery: an endpoint's host must resolve only to
public addresses, unless an admin allows private ones (WEBHOOK_ALLOW_PRIVATE).

Every address the name resolves to is checked (one private answer is enough to
refuse), and the delivery then connects to an address that was checked, so a
name that resolves differently a moment later (DNS rebinding) cannot slip
through. Plain http:// is refused under the same setting.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeAddressError(ValueError):
    """The URL may not be called; the message says why."""


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (a module-level function so tests can stand in a resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a well-formed http(s) URL, else UnsafeAddressError."""
    try:
        split = urlsplit(url.strip())
        port = split.port
    except ValueError as exc:
        raise UnsafeAddressError(f"Not a valid URL: {exc}.") from exc
    if split.scheme not in ("http", "https") or not split.hostname:
        raise UnsafeAddressError("Give a full URL starting with https://.")
    if split.username or split.password:
        raise UnsafeAddressError("Put no user name or password in the URL.")
    return split.scheme, split.hostname, port or (443 if split.scheme == "https" else 80)


def vet(url: str, allow_private: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to), or UnsafeAddressError."""
    scheme, host, port = parts(url)
    if scheme != "https" and not allow_private:
        raise UnsafeAddressError("Only https:// endpoints are allowed.")
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeAddressError(f"The host {host} could not be resolved ({exc}).") from exc
    if not addresses:
        raise UnsafeAddressError(f"The host {host} has no address.")
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeAddressError(
                f"The host {host} resolves to a private, loopback, link-local or reserved "
                f"address ({', '.join(refused)}); such endpoints are refused."
            )
    return scheme, host, port, addresses[0]
