"""Where preserved copies are kept (factcheck/infra/archive_storage.py): the setting's
three values, content-addressed objects (a body stored once however often it is
captured), WARC files that come back whole and valid for warcio, from a directory and from
an S3-compatible server (moto's server mode on 127.0.0.1), and clear errors."""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factcheck.infra.archive_storage import (
    DATABASE,
    FILE,
    S3,
    ArchiveStorageError,
    FileStorage,
    storage_from_url,
)

from ..s3server import running_s3_server

BODY = b"<html><head><title>Report</title></head><body><p>" + b"The rate was 3.5%. " * 400 \
    + b"</p></body></html>"
_buckets = itertools.count()


def warc_of(body: bytes, url: str = "http://127.0.0.1:9/report") -> bytes:
    """A gzipped WARC file as the capture job writes it: a request and a response record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                          ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                         length=len(body), http_headers=headers)
    request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                        http_headers=StatusAndHeaders(
                                            "GET /report HTTP/1.1", [("Host", "127.0.0.1:9")],
                                            is_http_request=True))
    writer.write_request_response_pair(request, response)
    return buffer.getvalue()


def records(warc: bytes) -> list[tuple[str, str, bytes, str | None]]:
    """(type, record id, content, HTTP status) of every record, digests checked."""
    found = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise"):
        found.append((record.rec_type, record.rec_headers.get_header("WARC-Record-ID"),
                      record.content_stream().read(),
                      record.http_headers.get_statuscode() if record.rec_type == "response"
                      else None))
    return found


@pytest.fixture(scope="module")
def s3_server():
    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3_url(s3_server, monkeypatch) -> str:
    """A fresh bucket on the local server; boto3 reaches it through the AWS variables."""
    return s3_server.fresh_bucket_url(monkeypatch, f"archive-{next(_buckets)}",
                                      "factcheck/copies")


def test_the_setting_names_the_database_a_directory_or_a_bucket(tmp_path):
    assert storage_from_url(None).kind == storage_from_url("").kind == DATABASE
    assert storage_from_url("database").kind == DATABASE
    directory = storage_from_url(f"file://{tmp_path}/archive")
    assert directory.kind == FILE and directory.root == tmp_path / "archive"
    bucket = storage_from_url("s3://evidence/desk/")
    assert bucket.kind == S3 and (bucket.bucket, bucket.prefix) == ("evidence", "desk")
    assert bucket.url == "s3://evidence/desk"


@pytest.mark.parametrize("value", ["file://relative/dir", "file:relative", "s3://",
                                   "s3:///prefix", "ftp://example.org/x", "/var/lib/archive",
                                   "https://bucket.example.org/"])
def test_a_setting_that_names_nothing_is_refused_clearly(value):
    with pytest.raises(ArchiveStorageError, match="FACTCHECK_ARCHIVE_STORAGE"):
        storage_from_url(value)


def test_a_directory_gives_back_the_warc_and_keeps_each_body_once(tmp_path):
    storage = storage_from_url(f"file://{tmp_path}/archive")
    first, again = warc_of(BODY), warc_of(BODY)  # the same page captured twice
    assert first != again  # new record ids and dates
    digest = hashlib.sha256(BODY).hexdigest()
    key1 = storage.put_warc(first, body_sha256=digest)
    key2 = storage.put_warc(again, body_sha256=digest)
    assert key1 != key2 and key1.startswith(f"file://{tmp_path}/archive/warcs/")
    assert records(storage.get_warc(key1)) == records(first)
    assert records(storage.get_warc(key2)) == records(again)
    files = sorted(p.relative_to(tmp_path / "archive").as_posix()
                   for p in (tmp_path / "archive").rglob("*") if p.is_file())
    assert files == sorted([f"bodies/{digest[:2]}/{digest}", *(
        key.split("/archive/")[1] for key in (key1, key2))])
    # The body is stored once, compressed; each envelope holds headers only.
    body_file = tmp_path / "archive" / "bodies" / digest[:2] / digest
    assert gzip.decompress(body_file.read_bytes()) == BODY
    assert body_file.stat().st_size < len(BODY) / 10
    envelope = Path(key1.removeprefix("file://"))
    assert envelope.stat().st_size < 2000 and BODY[:200] not in gzip.decompress(
        envelope.read_bytes())
    # An identical file is the same object.
    assert storage.put_warc(first, body_sha256=digest) == key1


def test_a_warc_whose_body_cannot_be_found_is_stored_whole(tmp_path):
    storage = FileStorage(tmp_path)
    warc = warc_of(b"plain text")
    key = storage.put_warc(warc, body_sha256=hashlib.sha256(b"other").hexdigest())
    assert records(storage.get_warc(key)) == records(warc)
    assert not (tmp_path / "bodies").exists()


def test_a_bucket_gives_back_the_warc_and_keeps_each_body_once(s3_url, s3_server):
    storage = storage_from_url(s3_url)
    digest = hashlib.sha256(BODY).hexdigest()
    first, again = warc_of(BODY), warc_of(BODY)
    key1 = storage.put_warc(first, body_sha256=digest)
    key2 = storage.put_warc(again, body_sha256=digest)
    assert key1.startswith(f"{s3_url}/warcs/")
    assert records(storage.get_warc(key1)) == records(first)
    assert records(storage.get_warc(key2)) == records(again)
    bucket = s3_url.removeprefix("s3://").split("/")[0]
    keys = s3_server.keys(bucket)
    assert keys == sorted([f"factcheck/copies/bodies/{digest[:2]}/{digest}",
                           key1.removeprefix(f"s3://{bucket}/"),
                           key2.removeprefix(f"s3://{bucket}/")])


def test_a_copy_opens_after_the_setting_changed(tmp_path, s3_url):
    directory = storage_from_url(f"file://{tmp_path}/archive")
    warc = warc_of(BODY)
    key = directory.put_warc(warc, body_sha256=hashlib.sha256(BODY).hexdigest())
    # Now a bucket, or the database, keeps new copies: the old one is read where it is.
    assert records(storage_from_url(s3_url).get_warc(key)) == records(warc)
    assert records(storage_from_url("").get_warc(key)) == records(warc)
    # The directory moved, and the setting with it: the object of the same name is read.
    (tmp_path / "archive").rename(tmp_path / "moved")
    moved = storage_from_url(f"file://{tmp_path}/moved")
    assert records(moved.get_warc(key)) == records(warc)
    with pytest.raises(ArchiveStorageError, match="cannot be read"):
        storage_from_url(f"file://{tmp_path}/elsewhere").get_warc(key)


def test_storage_failures_are_errors_that_say_why(tmp_path, s3_url, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the directory should be")
    with pytest.raises(ArchiveStorageError, match="cannot be written"):
        storage_from_url(f"file://{blocker}").put_warc(warc_of(BODY))
    missing = storage_from_url(s3_url.replace("s3://archive-", "s3://no-such-bucket-"))
    with pytest.raises(ArchiveStorageError, match="no-such-bucket"):
        missing.put_warc(warc_of(BODY))
    with pytest.raises(ArchiveStorageError, match="not the address of a preserved copy"):
        storage_from_url("").get_warc("file:///etc/passwd")
    # A damaged object is refused, not handed out as a WARC file.
    storage = FileStorage(tmp_path / "archive")
    key = storage.put_warc(warc_of(BODY), body_sha256=hashlib.sha256(BODY).hexdigest())
    Path(key.removeprefix("file://")).write_bytes(b"garbage")
    with pytest.raises(ArchiveStorageError, match="damaged"):
        storage.get_warc(key)
