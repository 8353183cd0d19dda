"""Asking the Internet Archive's Save Page Now to capture a page (FACTCHECK_WAYBACK_SAVE=1).

Save Page Now 2's HTTP interface: `POST {endpoint}/save` with the form field `url` (and,
when the installation has keys, `Authorization: LOW access:secret`) answers a job id as
JSON; `GET {endpoint}/save/status/{job_id}` answers `pending`, then `success` with the
snapshot's timestamp and original URL, or `error` with a message. An answer that names
the snapshot at once (a `Content-Location` or `Location` of `/web/<timestamp>/<url>`, as
the older interface answers) is taken as it is. The requests go through URL import's guard
like every outgoing request; one deadline bounds asking and waiting. What comes back is an
outcome, never an exception: `saved` with the snapshot's address, or `failed` with why.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..i18n import _
from .fetch import FetchError, open_connection

USER_AGENT = "factcheck/0.1 (evidence preservation)"
SAVED, FAILED = "saved", "failed"
_MAX_ANSWER = 256 * 1024
_SNAPSHOT = re.compile(r"^/web/(\d{8,14})/(.+)$")


@dataclass(frozen=True)
class WaybackOutcome:
    """What Save Page Now ended in: `saved` with the snapshot's address, or `failed`."""

    status: str
    url: str | None = None
    reason: str = ""


class _Failed(Exception):
    pass


def save_page_now(url: str, *, endpoint: str, timeout: float, poll: float = 5.0,
                  access_key: str | None = None, secret_key: str | None = None,
                  allow_loopback: bool = False, allow_private: bool = False,
                  sleep: Callable[[float], None] = time.sleep) -> WaybackOutcome:
    """Ask Save Page Now at `endpoint` to capture `url` and wait for its snapshot (see the
    module's description)."""
    base = endpoint.rstrip("/")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if access_key and secret_key:
        headers["Authorization"] = f"LOW {access_key}:{secret_key}"
    call = _Caller(deadline=time.monotonic() + timeout, timeout=timeout, headers=headers,
                   allow={"allow_loopback": allow_loopback, "allow_private": allow_private})
    try:
        status, answer_headers, body = call("POST", f"{base}/save", urlencode({"url": url}))
        found = _snapshot_in(base, answer_headers)
        if found:
            return WaybackOutcome(SAVED, found)
        answer = _json(status, body)
        job = answer.get("job_id")
        if not job:
            raise _Failed(_message(answer) or _("Save Page Now gave no job to wait for."))
        while True:
            status, _headers, body = call("GET", f"{base}/save/status/{quote(str(job))}")
            answer = _json(status, body)
            state = answer.get("status")
            if state == "success" and answer.get("timestamp"):
                original = answer.get("original_url") or url
                return WaybackOutcome(SAVED, f"{base}/web/{answer['timestamp']}/{original}")
            if state != "pending":
                raise _Failed(_message(answer) or _("Save Page Now answered {state}.",
                                                    state=state))
            call.wait(poll, sleep)
    except _Failed as failure:
        return WaybackOutcome(FAILED, reason=str(failure))


class _Caller:
    """One HTTP request at a time through the guard, all within one deadline."""

    def __init__(self, *, deadline: float, timeout: float, headers: dict[str, str],
                 allow: dict[str, bool]) -> None:
        self.deadline, self.timeout, self.headers, self.allow = (deadline, timeout, headers,
                                                                 allow)

    def wait(self, seconds: float, sleep: Callable[[float], None]) -> None:
        left = self.deadline - time.monotonic()
        if left <= seconds:
            raise _Failed(self._too_slow())
        sleep(seconds)

    def _too_slow(self) -> str:
        return _("Save Page Now did not finish within {seconds:g} seconds.",
                 seconds=self.timeout)

    def __call__(self, method: str, url: str, form: str | None = None
                 ) -> tuple[int, http.client.HTTPMessage, bytes]:
        try:
            conn, path = open_connection(url, deadline=self.deadline, allow=self.allow)
        except FetchError as error:
            raise _Failed(str(error)) from None
        headers = dict(self.headers)
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=form, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read(_MAX_ANSWER)
        except TimeoutError:
            raise _Failed(self._too_slow()) from None
        except (OSError, http.client.HTTPException):
            raise _Failed(_("Save Page Now could not be reached.")) from None
        finally:
            conn.close()


def _snapshot_in(base: str, headers: http.client.HTTPMessage) -> str | None:
    """The snapshot an answer names in its headers, as an absolute address, if any."""
    for name in ("Content-Location", "Location"):
        value = headers.get(name) or ""
        path = value.removeprefix(base) if value.startswith(base) else value
        if _SNAPSHOT.match(path):
            return base + path  # (urljoin would fold the "//" of the URL inside it)
    return None


def _json(status: int, body: bytes) -> dict:
    """The JSON object of an answer; a refusal (HTTP error, not JSON) as a failure."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        if status >= 400:
            raise _Failed(_("Save Page Now answered with HTTP {status}.", status=status))
        raise _Failed(_("Save Page Now gave an answer that is not understood."))
    if status >= 400 and not _message(answer):
        raise _Failed(_("Save Page Now answered with HTTP {status}.", status=status))
    if status >= 400:
        raise _Failed(_message(answer))
    return answer


def _message(answer: dict) -> str:
    """The reason an SPN answer gives (`message`, else `status_ext`), trimmed."""
    return str(answer.get("message") or answer.get("status_ext") or "").strip()[:500]
