"""Posting a webhook's JSON body to its receiver, behind the URL import's guard against SSRF.

The receiver's host is resolved once, every address it resolves to must be allowed, and
the connection goes to exactly that address (`fetch.open_connection`). Redirects are not
followed: a receiver answering 3xx is misconfigured, and following it would hand the signed
body to another address. One deadline covers connecting, sending and the answer, of which
only the first bytes are read.
"""

from __future__ import annotations

import http.client
import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..i18n import _
from .fetch import AddressRefused, FetchError, address_allowed, open_connection

USER_AGENT = "factcheck/0.1 (webhooks)"
RESPONSE_BYTES = 2048  # of the receiver's answer, kept to show the administrators


@dataclass(frozen=True)
class PostResponse:
    status: int
    excerpt: str  # the start of the answer's body, decoded


class PostError(Exception):
    """The body was not delivered; the message is for the user. `final`: trying the same
    delivery again cannot succeed (an address that is not allowed)."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


def url_problem(url: str, *, allow_loopback: bool = False,
                allow_private: bool = False) -> str | None:
    """Why `url` cannot receive webhooks, without looking its host up; None when it may."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("Use an http:// or https:// address with a host name.")
    if parts.username or parts.password:
        return _("Addresses with a user name or password are not accepted.")
    try:
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError:
        return _("The address has an invalid port.")
    host = parts.hostname.rstrip(".")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    local_name = host == "localhost" or host.endswith(".localhost")  # always loopback
    if (local_name and not allow_loopback) or (literal is not None and not address_allowed(
            str(literal), allow_loopback=allow_loopback, allow_private=allow_private)):
        return _("Webhooks to {host} are not allowed: it is a private or local address.",
                 host=host)
    return None


def post_json(url: str, body: bytes, *, headers: Mapping[str, str], timeout: float,
              allow_loopback: bool = False, allow_private: bool = False) -> PostResponse:
    """POST `body` (JSON) to `url` with `headers`; the answer's status and excerpt, whatever
    the status. PostError when no answer came (refused address, network, deadline)."""
    allow = {"allow_loopback": allow_loopback, "allow_private": allow_private}
    problem = url_problem(url, **allow)
    if problem:
        raise PostError(problem, final=True)
    host = urlsplit(url).hostname
    deadline = time.monotonic() + timeout
    try:
        conn, path = open_connection(url, deadline=deadline, allow=allow)
    except AddressRefused as refused:
        raise PostError(_("Webhooks to {host} are not allowed: it is a private or local "
                          "address.", host=refused.host), final=True) from None
    except FetchError as error:  # the name does not resolve (now): may be temporary
        raise PostError(str(error)) from None
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "Connection": "close", **headers})
        response = conn.getresponse()
        excerpt = response.read(RESPONSE_BYTES)
    except TimeoutError:
        raise PostError(_("{host} did not answer within {seconds:g} seconds.", host=host,
                          seconds=timeout)) from None
    except (OSError, http.client.HTTPException) as error:
        raise PostError(_("{host} could not be reached: {error}", host=host,
                          error=str(error) or type(error).__name__)) from None
    finally:
        conn.close()
    return PostResponse(response.status, excerpt.decode("utf-8", errors="replace"))
