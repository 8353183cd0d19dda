"""Fetching an evidence page to preserve it: a WARC record of the exchange, its hash, text.

The fetch goes through URL import's guard (factcheck/intake/fetch.py): every hop's
address is checked and pinned, redirects are followed and checked again, and one deadline
bounds the whole fetch. What comes back is an outcome, never an exception: `preserved`
with the WARC file (gzipped, as warcio writes it: a request and a response record holding
the headers, the status and the body as received), `not_preserved` when a rule keeps the
page out (a private address, too large, a type we do not keep) or `failed` when the page
could not be fetched (unreachable, too slow, an HTTP error).
"""

from __future__ import annotations

import hashlib
import http.client
import io
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin

from ..i18n import _
from .fetch import MAX_REDIRECTS, AddressRefused, FetchError, FetchTimeout, open_connection

USER_AGENT = "factcheck/0.1 (evidence preservation)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
KEPT_TYPES = (*HTML_TYPES, "text/plain", "application/pdf")
KEPT_PREFIXES = ("image/",)
PRESERVED, FAILED, NOT_PRESERVED = "preserved", "failed", "not_preserved"


@dataclass
class CaptureOutcome:
    """What a capture attempt ended in; the fields of a preserved copy when it succeeded."""

    status: str
    reason: str = ""
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    warc: bytes | None = None
    title: str = ""
    text: str = ""


class _Refused(Exception):
    def __init__(self, status: str, reason: str, **fields) -> None:
        super().__init__(reason)
        self.status, self.reason, self.fields = status, reason, fields


def kept_type(content_type: str) -> bool:
    """Whether pages of this media type are preserved (web pages, text, PDF, images)."""
    return content_type in KEPT_TYPES or content_type.startswith(KEPT_PREFIXES)


def capture_page(url: str, *, max_bytes: int, timeout: float, allow_loopback: bool = False,
                 allow_private: bool = False) -> CaptureOutcome:
    """Fetch `url` and preserve what it answers (see the module's description)."""
    allow = {"allow_loopback": allow_loopback, "allow_private": allow_private}
    try:
        return _capture(url, max_bytes=max_bytes, deadline=time.monotonic() + timeout,
                        allow=allow, timeout=timeout)
    except _Refused as refusal:
        return CaptureOutcome(refusal.status, refusal.reason, **refusal.fields)


def _capture(url: str, *, max_bytes: int, deadline: float, allow: dict[str, bool],
             timeout: float) -> CaptureOutcome:
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            conn, path = open_connection(url, deadline=deadline, allow=allow)
        except AddressRefused as refused:
            raise _Refused(NOT_PRESERVED, _(
                "{host} is a private or local address, which is not fetched.",
                host=refused.host)) from None
        except FetchError as error:
            # A name that does not resolve (or not in time) is a fetch that failed; the rest
            # (a scheme, a user name in the address) are rules.
            unresolved = isinstance(error, FetchTimeout) or isinstance(
                error.__cause__, (socket.gaierror, UnicodeError))
            raise _Refused(FAILED if unresolved else NOT_PRESERVED, str(error)) from None
        headers = {"Host": _host_header(conn), "User-Agent": USER_AGENT, "Accept": "*/*",
                   "Accept-Encoding": "identity", "Connection": "close"}
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise _Refused(FAILED, _("The page at {url} redirects nowhere.", url=url),
                                   http_status=response.status, final_url=url)
                url = urljoin(url, location)
                continue
            return _read(url, path, headers, response, max_bytes)
        except TimeoutError:
            raise _Refused(FAILED, _("The page at {url} took longer than {seconds:g} seconds "
                                     "to load.", url=url, seconds=timeout),
                           final_url=url) from None
        except (OSError, http.client.HTTPException, UnicodeError):
            raise _Refused(FAILED, _("The page at {url} could not be reached.", url=url),
                           final_url=url) from None
        finally:
            conn.close()
    raise _Refused(FAILED, _("The page at {url} redirects too many times.", url=url))


def _host_header(conn: http.client.HTTPConnection) -> str:
    """The Host header http.client would send (IDNA-encoded, IPv6 in brackets), sent and
    recorded as such in the WARC request record."""
    host = conn.host
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    default = 443 if isinstance(conn, http.client.HTTPSConnection) else 80
    return host if conn.port == default else f"{host}:{conn.port}"


def _read(url: str, path: str, headers: dict[str, str], response: http.client.HTTPResponse,
          max_bytes: int) -> CaptureOutcome:
    status, content_type = response.status, response.headers.get_content_type()
    seen = {"final_url": url, "http_status": status, "content_type": content_type}
    if not 200 <= status < 300:
        raise _Refused(FAILED, _("The page at {url} answered with HTTP {status}.", url=url,
                                 status=status), **seen)
    if not kept_type(content_type):
        raise _Refused(NOT_PRESERVED, _(
            "The page is {type}; only web pages, plain text, PDF files and images are "
            "preserved.", type=content_type), **seen)
    too_big = _("The page is larger than {limit:,} bytes, the most that is preserved.",
                limit=max_bytes)
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _Refused(NOT_PRESERVED, too_big, **seen)
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise _Refused(NOT_PRESERVED, too_big, **seen)
    title, text = page_text(body, content_type, response.headers.get_content_charset(), url)
    return CaptureOutcome(
        PRESERVED, final_url=url, http_status=status, content_type=content_type,
        sha256=hashlib.sha256(body).hexdigest(), size=len(body),
        warc=_warc(url, path, headers, response, body), title=title, text=text)


def _warc(url: str, path: str, headers: dict[str, str], response: http.client.HTTPResponse,
          body: bytes) -> bytes:
    """A gzipped WARC file with the request and response records of the final hop."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    protocol = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
    # http.client has undone any chunked transfer coding: the body is stored as it
    # arrived otherwise, so the header that would make a reader decode it again goes.
    kept = [(name, value) for name, value in response.getheaders()
            if name.lower() != "transfer-encoding"]
    response_headers = StatusAndHeaders(f"{response.status} {response.reason}", kept,
                                        protocol=protocol)
    response_record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                length=len(body),
                                                http_headers=response_headers)
    request_headers = StatusAndHeaders(f"GET {path} HTTP/1.1", list(headers.items()),
                                       is_http_request=True)
    request_record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                               length=0, http_headers=request_headers)
    writer.write_request_response_pair(request_record, response_record)
    return buffer.getvalue()


def page_text(body: bytes, content_type: str, charset: str | None,
              url: str) -> tuple[str, str]:
    """(title, main text) of a preserved body: extracted from HTML, plain text as it is;
    PDF files and images have none here."""
    if content_type == "text/plain":
        try:
            return "", body.decode(charset or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return "", body.decode("utf-8", errors="replace")
    if content_type not in HTML_TYPES:
        return "", ""
    import trafilatura  # imported lazily: lxml is only needed when HTML arrives

    document = trafilatura.bare_extraction(body, url=url, with_metadata=True,
                                           include_comments=False, include_tables=True)
    data = document.as_dict() if document is not None else {}
    return (data.get("title") or "").strip(), (data.get("text") or "").strip()


# --- Reading a preserved copy back ------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedResponse:
    """The response record of a preserved copy: its media type, charset and body."""

    content_type: str
    charset: str | None
    body: bytes


def archived_response(warc: bytes) -> ArchivedResponse | None:
    """The (first) response record of a WARC file, as the page's server sent it; None when
    the file holds none."""
    from email.message import Message

    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type != "response":
            continue
        header = Message()
        header["Content-Type"] = (record.http_headers.get_header("Content-Type")
                                  if record.http_headers is not None else None) or ""
        return ArchivedResponse(header.get_content_type(), header.get_content_charset(),
                                record.content_stream().read())
    return None


def decode_body(body: bytes, charset: str | None, *, html: bool = False) -> str:
    """The body as text, per its declared charset (for HTML without one, the `<meta>`
    charset of its first kilobytes), else UTF-8; undecodable bytes are replaced."""
    if charset is None and html:
        found = _META_CHARSET.search(body[:2048])
        charset = found.group(1).decode("ascii") if found else None
    for name in (charset, "utf-8"):
        if name:
            try:
                return body.decode(name, errors="replace")
            except LookupError:  # a charset Python does not know
                continue
    return body.decode("utf-8", errors="replace")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# Elements that would point the copy elsewhere or fetch something on their own: the base
# address, refreshes that navigate, scripts (the CSP forbids them too), prefetch hints.
_DROPPED = "//base | //script | //link | //meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']"


def framable_html(body: bytes, charset: str | None) -> bytes:
    """A preserved HTML page made inert for showing in a sandboxed frame, as UTF-8: no
    `<base>`, no scripts, no links to other resources or refreshes; its hyperlinks open
    nothing (a sandbox without popups refuses `target="_blank"`). The frame's CSP is what
    guarantees it; this takes away what the CSP need not see."""
    import lxml.etree
    import lxml.html

    text = decode_body(body, charset, html=True)
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        document = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # an empty or unparsable document
        return b""
    for element in document.xpath(_DROPPED):
        element.drop_tree()
    for element in document.xpath("//*[@ping or @srcset]"):
        element.attrib.pop("ping", None)
        element.attrib.pop("srcset", None)
    for link in document.xpath("//a | //area"):
        link.set("target", "_blank")
    return lxml.html.tostring(document, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")
