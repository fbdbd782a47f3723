"""HTTP clients that reach public addresses only (no server-side request forgery).

Feed fetching (``sources/ingest/fetch.py``) and webhook delivery
(``webhooks/delivery.py``) both send requests to addresses editors type in.
Before every hop the host is resolved and the request refused when any of its
addresses is not globally routable (loopback, private ranges, link-local such
as the cloud metadata address 169.254.169.254 …), unless the caller's
``private_allowed(host)`` says yes (a test setting, or a named intranet host).
The connection itself is then made to an address checked at connect time
(``_PublicOnlyBackend``), so a DNS answer that changes after the first check
(rebinding) is refused too.
"""

import ipaddress
import socket
from collections.abc import Callable

import httpcore
import httpx

PrivateAllowed = Callable[[str], bool]


class AddressRefused(Exception):
    """The host resolves to an address that is not public."""


class HostUnresolvable(Exception):
    """The host has no address (a DNS failure, perhaps passing)."""


def public_addresses(host: str, port: int, what: str, *, setting: str) -> list[str]:
    """The addresses ``host`` resolves to, if every one is globally routable; else AddressRefused naming ``what``.

    ``setting``: the setting that would allow it, named in the refusal so an operator knows where to look.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostUnresolvable(f"cannot resolve {host}: {exc}") from exc
    addresses = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            raise AddressRefused(f"refused {what}: {host} resolves to {address}, not a public address ({setting} is off)")
        addresses.append(sockaddr[0])
    return addresses


def _default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to addresses checked at that moment: a host whose DNS answer changes between the
    request hook's check and the connection (DNS rebinding) cannot slip a private address in."""

    def __init__(self, private_allowed: PrivateAllowed, setting: str):
        self.private_allowed, self.setting = private_allowed, setting

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if self.private_allowed(host):
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        error = None
        for address in public_addresses(host, port, f"{host}:{port}", setting=self.setting):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # the next address, as socket.create_connection would
                error = exc
        raise error or httpcore.ConnectError(f"{host} has no address")


def public_only_client(*, private_allowed: PrivateAllowed, setting: str, **options) -> httpx.Client:
    """An ``httpx.Client`` (``options`` as httpx takes them) that refuses non-public addresses on every hop.

    Raises ``AddressRefused`` or ``HostUnresolvable`` from its requests, as they are (not wrapped by httpx).
    """

    def refuse_private_hosts(request: httpx.Request) -> None:
        host = request.url.raw_host.decode("ascii")  # IDNA-encoded, as the resolver wants it
        if not private_allowed(host):
            public_addresses(host, _default_port(request.url), str(request.url), setting=setting)

    transport = httpx.HTTPTransport()
    transport._pool._network_backend = _PublicOnlyBackend(private_allowed, setting)  # httpx takes no backend argument
    hooks = options.pop("event_hooks", {})
    hooks = {**hooks, "request": [refuse_private_hosts, *hooks.get("request", [])]}
    return httpx.Client(transport=transport, event_hooks=hooks, **options)
