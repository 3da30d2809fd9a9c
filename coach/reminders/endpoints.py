"""Which push endpoints we send to, so a subscription cannot aim the worker at our own
network (SSRF).

Two checks. When a device subscribes, its endpoint must be an https URL on port 443
whose host belongs to one of the browsers' push services (or a host the operator adds
with ``COACH_PUSH_HOSTS``). When the worker sends, every address the host resolves to
must be public: a name that resolved to a push service yesterday may point at
127.0.0.1 today (DNS rebinding), so the answer of the resolver is checked on each
connection, not the name (``coach.reminders.curl`` checks the address libcurl is about
to connect to). ``COACH_PUSH_ALLOW_HTTP`` (local emulators and tests only)
lifts both, so a loopback push service stays usable.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

# The push services of the browsers people use: Chrome, Edge and other Chromium
# browsers on Android and desktop (FCM), Firefox (Mozilla autopush), Safari on iOS and
# macOS (Apple), and legacy Edge on Windows (WNS). A leading dot matches any subdomain.
BROWSER_PUSH_HOSTS: tuple[str, ...] = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    ".push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
)


class RefusedEndpoint(ValueError):
    """An endpoint we will not send to; the message says why, for the person."""


def allowed_hosts(extra: str | Iterable[str] | None) -> tuple[str, ...]:
    """The browsers' push hosts plus the operator's (a comma-separated setting)."""
    if isinstance(extra, str):
        extra = extra.split(",")
    added = tuple(h.strip().lower().replace("*.", ".") for h in extra or () if h.strip())
    return BROWSER_PUSH_HOSTS + added


def host_allowed(host: str, hosts: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    for allowed in hosts:
        if allowed.startswith("."):
            if host.endswith(allowed) and len(host) > len(allowed):
                return True
        elif host == allowed:
            return True
    return False


def check_endpoint(endpoint: str, hosts: Iterable[str], allow_http: bool = False) -> None:
    """Raise ``RefusedEndpoint`` unless a browser's push service could have made it."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise RefusedEndpoint("The push endpoint is not a URL.") from None
    if parts.username is not None or parts.password is not None:
        raise RefusedEndpoint("A push endpoint has no user name or password in it.")
    if parts.fragment:
        raise RefusedEndpoint("A push endpoint has no #fragment.")
    if not parts.hostname:
        raise RefusedEndpoint("The push endpoint has no host.")
    if allow_http:  # a local push-service emulator: any scheme of the web, host or port
        if parts.scheme not in ("https", "http"):
            raise RefusedEndpoint("A push endpoint is an https:// URL.")
        return
    if parts.scheme != "https":
        raise RefusedEndpoint("A push endpoint is an https:// URL.")
    if port not in (None, 443):
        raise RefusedEndpoint("A push endpoint uses the https port, 443.")
    if _ip_literal(parts.hostname) is not None:
        raise RefusedEndpoint("A push endpoint names its push service, not an IP address.")
    if not host_allowed(parts.hostname, hosts):
        raise RefusedEndpoint(
            f"{parts.hostname} is not a browser's push service "
            "(Google FCM, Mozilla, Apple or Windows)."
        )


def literal_refused(endpoint: str) -> str | None:
    """Why the worker must not send to an endpoint whose host is an IP address that is
    not public (before anything else is made for it); None if fine. Names are checked
    by their addresses as libcurl connects (``coach.reminders.curl``)."""
    host = urlsplit(endpoint).hostname or ""
    ip = _ip_literal(host)
    if ip is not None and not is_public(str(ip)):
        return f"refused: {host} is not a public address"
    return None


def literal_address(host: str) -> bool:
    """Whether a URL's host is an IP address rather than a name."""
    return _ip_literal(host) is not None


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: str) -> bool:
    """A global unicast address: not loopback, private, link-local (which holds the
    cloud metadata service, 169.254.169.254), CGNAT, unique-local, multicast or
    reserved; an IPv4 address written as IPv6 is judged as the IPv4 one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
