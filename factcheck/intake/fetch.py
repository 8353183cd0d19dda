"""Fetching a web page for URL import, guarded against server-side request forgery.

Every hop (the URL and each redirect) is resolved once, every address it resolves
to must be public, and the connection goes to exactly that checked address, so a
DNS answer that changes between check and use (rebinding) cannot reach inside.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from ..i18n import _

MAX_REDIRECTS = 5
USER_AGENT = "factcheck/0.1 (article import)"
ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class FetchError(Exception):
    """The page could not be fetched; the message is for the user."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content: bytes
    content_type: str
    charset: str | None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to (mapped, 6to4, Teredo, NAT64, compatible)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # NAT64 or "::a.b.c.d"
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_allowed(address: str, *, allow_loopback: bool, allow_private: bool) -> bool:
    """Whether an IP address may be reached: public ones, loopback or private if allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved or ip.is_link_local:
        return False  # 0.0.0.0 and :: reach the local host on Linux
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return allow_private  # deprecated fec0::/10, never public
    if ip.is_loopback:
        return allow_loopback
    if ip.is_global:
        return True
    return allow_private and ip.is_private


class AddressRefused(FetchError):
    """The host resolves to a private or local address that is not allowed."""

    def __init__(self, message: str, host: str) -> None:
        super().__init__(message)
        self.host = host


def _resolve(host: str, port: int, deadline: float, **allow: bool) -> str:
    try:
        infos = _lookup(host, port, deadline)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(_("The address {host} could not be found.", host=host)) from exc
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(address_allowed(a, **allow) for a in addresses):
        raise AddressRefused(
            _("Importing from {host} is not allowed: it is a private or local address.",
              host=host), host)
    return addresses[0]


class FetchTimeout(FetchError):
    """The whole fetch took longer than its deadline."""


class LookupTimeout(FetchTimeout):
    """The host name was not resolved before the fetch's deadline."""

    def __init__(self, host: str) -> None:
        super().__init__(_("The address {host} could not be looked up in time; try again "
                           "later.", host=host))


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("fetch deadline passed")
    return left


# Name lookups in flight at once: the system resolver cannot be interrupted, so a lookup
# that outlives its fetch's deadline finishes in the background, holding one of these.
_LOOKUPS = threading.BoundedSemaphore(16)


def _lookup(host: str, port: int, deadline: float) -> list:
    """`socket.getaddrinfo` for `host`, waiting only until `deadline` (LookupTimeout)."""
    try:
        if not _LOOKUPS.acquire(timeout=_remaining(deadline)):
            raise LookupTimeout(host)
    except TimeoutError:
        raise LookupTimeout(host) from None
    answer: dict[str, object] = {}
    done = threading.Event()

    def resolve() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as error:  # handed to the waiting fetch
            answer["error"] = error
        finally:
            _LOOKUPS.release()
            done.set()

    try:
        threading.Thread(target=resolve, name="name-lookup", daemon=True).start()
    except BaseException:
        _LOOKUPS.release()  # the thread that would have given the slot back never ran
        raise
    try:
        finished = done.wait(_remaining(deadline))
    except TimeoutError:
        finished = done.is_set()
    if not finished:
        raise LookupTimeout(host)
    if "error" in answer:
        raise answer["error"]  # type: ignore[misc]
    return answer["infos"]  # type: ignore[return-value]


class _DeadlineSocket(socket.socket):
    """A socket whose every read may wait only until the fetch's deadline.

    A timeout per read alone lets a server that trickles a byte now and then hold the
    worker for ever; each read here gets what is left of one deadline for the whole fetch.
    """

    deadline = 0.0

    def recv_into(self, buffer, nbytes=0, flags=0):
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, bufsize, flags=0):
        self.settimeout(_remaining(self.deadline))
        return super().recv(bufsize, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """The TLS counterpart of `_DeadlineSocket` (reads of the decrypted stream)."""

    deadline = 0.0

    def recv_into(self, buffer, nbytes=0, flags=0):
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def read(self, len=1024, buffer=None):
        self.settimeout(_remaining(self.deadline))
        return super().read(len, buffer)


def _connect(address: str, port: int, deadline: float) -> _DeadlineSocket:
    """A TCP connection to exactly `address` (the checked one), bounded by `deadline`."""
    raw = socket.create_connection((address, port), _remaining(deadline))
    sock = _DeadlineSocket(fileno=raw.detach())  # the same connection, deadline-bound reads
    sock.deadline = deadline
    sock.settimeout(_remaining(deadline))  # sending the request, too
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, deadline: float, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address
        self._deadline = deadline

    def connect(self):
        self.sock = _connect(self._address, self.port, self._deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, deadline: float, **kwargs):
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        super().__init__(host, context=context, **kwargs)
        self._address = address
        self._deadline = deadline

    def connect(self):
        sock = _connect(self._address, self.port, self._deadline)
        # Certificate and SNI are checked against the host name, not the address; the
        # handshake waits at most until the deadline (the raw socket's timeout).
        sock.settimeout(_remaining(self._deadline))
        tls = self._context.wrap_socket(sock, server_hostname=self.host)
        tls.deadline = self._deadline
        self.sock = tls


def open_connection(url: str, *, deadline: float, allow: dict[str, bool]
                    ) -> tuple[http.client.HTTPConnection, str]:
    """A connection (not yet opened) pinned to the checked address of `url`'s host, and the
    request target; FetchError when the URL or its address is not allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("Only http:// and https:// addresses can be imported."))
    if parts.username or parts.password:
        raise FetchError(_("Addresses with a user name or password are not accepted."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(_("The address {url} has an invalid port.", url=url)) from exc
    address = _resolve(parts.hostname, port, deadline, **allow)
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = cls(parts.hostname, address, deadline, port=port)
    # Non-ASCII paths (common on Dari and Pashto sites) must be percent-encoded for HTTP.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return conn, path


def _request(url: str, *, deadline: float, allow: dict[str, bool]):
    conn, path = open_connection(url, deadline=deadline, allow=allow)
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(
            ALLOWED_TYPES)})
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


def fetch_page(
    url: str,
    *,
    max_bytes: int,
    timeout: float = 10.0,
    allow_loopback: bool = False,
    allow_private: bool = False,
) -> FetchedPage:
    """GET `url` (following up to 5 redirects), refusing non-public addresses by default.

    `timeout` is a deadline in seconds for the whole fetch: the name lookup, connecting,
    the headers and the body of every hop together.
    """
    try:
        return _fetch(url, max_bytes=max_bytes, deadline=time.monotonic() + timeout,
                      allow={"allow_loopback": allow_loopback, "allow_private": allow_private})
    except FetchTimeout as exc:
        raise FetchError(_("The page at {url} took longer than {seconds:g} seconds to load; "
                           "try again later or paste its text.", url=url, seconds=timeout)
                         ) from exc


def _fetch(url: str, *, max_bytes: int, deadline: float, allow: dict[str, bool]) -> FetchedPage:
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            conn, response = _request(url, deadline=deadline, allow=allow)
        except TimeoutError as exc:
            raise FetchTimeout(url) from exc
        except (OSError, http.client.HTTPException, UnicodeError) as exc:
            raise FetchError(_("The page at {url} could not be reached.", url=url)) from exc
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The page at {url} redirects nowhere.", url=url))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(
                    _("The page at {url} answered with HTTP {status}.", url=url,
                      status=response.status)
                )
            content_type = response.headers.get_content_type()
            if content_type not in ALLOWED_TYPES:
                raise FetchError(
                    _("The page at {url} is {type}, not a web page or text.", url=url,
                      type=content_type)
                )
            content = response.read(max_bytes + 1)
            if len(content) > max_bytes:
                raise FetchError(
                    _("The page at {url} is larger than {limit:,} bytes.", url=url,
                      limit=max_bytes)
                )
            return FetchedPage(url, content, content_type, response.headers.get_content_charset())
        except TimeoutError as exc:
            raise FetchTimeout(url) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(_("The page at {url} could not be read.", url=url)) from exc
        finally:
            conn.close()
    raise FetchError(_("The page at {url} redirects too many times.", url=url))
