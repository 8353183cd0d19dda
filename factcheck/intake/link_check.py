"""Re-requesting a cited page to see whether it is still there (link health, issue 17).

The request goes through URL import's guard (factcheck/intake/fetch.py) exactly as a
capture does: every hop's address is checked and pinned, every redirect is checked again,
one deadline bounds the whole request. The body is only hashed (up to a limit), never
kept. What comes back is an outcome, never an exception: `answered` with the status and
the hash of a 2xx body, or `gone` with the reason (an HTTP error, a name that no longer
resolves, a refused or timed-out connection, a redirect to an address that is not
fetched).
"""

from __future__ import annotations

import hashlib
import http.client
import time
from dataclasses import dataclass
from urllib.parse import urljoin

from ..i18n import _
from .fetch import MAX_REDIRECTS, AddressRefused, FetchError, open_connection

USER_AGENT = "factcheck/0.1 (link check of cited sources)"
ANSWERED, GONE = "answered", "gone"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class LinkOutcome:
    """What one re-request found: `answered` (2xx) with the body's hash, or `gone`."""

    status: str
    reason: str = ""
    http_status: int | None = None
    final_url: str | None = None
    sha256: str | None = None  # None: not answered, or the body was over the limit


class _Gone(Exception):
    def __init__(self, reason: str, **fields) -> None:
        super().__init__(reason)
        self.reason, self.fields = reason, fields


def check_link(url: str, *, max_bytes: int, timeout: float, allow_loopback: bool = False,
               allow_private: bool = False) -> LinkOutcome:
    """GET `url` through the SSRF guard and hash what it answers (see the module's text)."""
    allow = {"allow_loopback": allow_loopback, "allow_private": allow_private}
    deadline = time.monotonic() + timeout
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            outcome = _hop_once(url, allow=allow, deadline=deadline, max_bytes=max_bytes,
                                timeout=timeout)
            if isinstance(outcome, LinkOutcome):
                return outcome
            url = outcome  # the next hop, checked like the first one
        raise _Gone(_("The page at {url} redirects too many times.", url=url), final_url=url)
    except _Gone as gone:
        return LinkOutcome(GONE, gone.reason, **gone.fields)


def _hop_once(url: str, *, allow: dict[str, bool], deadline: float, max_bytes: int,
              timeout: float) -> LinkOutcome | str:
    """The outcome of requesting `url`, or the address it redirects to."""
    try:
        conn, path = open_connection(url, deadline=deadline, allow=allow)
    except AddressRefused as refused:
        raise _Gone(_("{host} is a private or local address, which is not fetched.",
                      host=refused.host), final_url=url) from None
    except FetchError as error:  # a name that does not resolve, a scheme, a bad port
        raise _Gone(str(error), final_url=url) from None
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*",
                                           "Accept-Encoding": "identity",
                                           "Connection": "close"})
        response = conn.getresponse()
        status = response.status
        if status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if not location:
                raise _Gone(_("The page at {url} redirects nowhere.", url=url),
                            http_status=status, final_url=url)
            return urljoin(url, location)
        if not 200 <= status < 300:
            raise _Gone(_("The page at {url} answered with HTTP {status}.", url=url,
                          status=status), http_status=status, final_url=url)
        digest, size = hashlib.sha256(), 0
        # Read in pieces: a huge body is hashed up to the limit, never held whole.
        while size <= max_bytes and (chunk := response.read(_CHUNK)):
            digest.update(chunk)
            size += len(chunk)
        if size > max_bytes:
            return LinkOutcome(ANSWERED, _("The page is larger than {limit:,} bytes, the most "
                                           "that is compared.", limit=max_bytes),
                               http_status=status, final_url=url)
        return LinkOutcome(ANSWERED, http_status=status, final_url=url,
                           sha256=digest.hexdigest())
    except TimeoutError:
        raise _Gone(_("The page at {url} took longer than {seconds:g} seconds to load.",
                      url=url, seconds=timeout), final_url=url) from None
    except (OSError, http.client.HTTPException, UnicodeError):
        raise _Gone(_("The page at {url} could not be reached.", url=url),
                    final_url=url) from None
    finally:
        conn.close()
