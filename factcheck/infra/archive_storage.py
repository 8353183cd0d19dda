"""Where preserved copies of evidence pages are kept (`FACTCHECK_ARCHIVE_STORAGE`).

Three places, one interface:

- unset (or `database`): in the capture's row, as today: the gzipped WARC file in
  `evidence_captures.warc`, `storage_key` empty. The embedded default: one file to back up.
- `file:///var/lib/factcheck/archive`: files in a directory.
- `s3://bucket/prefix`: objects in an S3-compatible bucket, through boto3 with the usual
  AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, and
  AWS_ENDPOINT_URL for a server other than Amazon's).

Outside the database, objects are content-addressed: their name is the SHA-256 of their
bytes, so what is stored twice is stored once. A WARC file is kept as two objects: the
page's body (gzipped, named by the SHA-256 of the body as received, the capture's
`sha256`) and an "envelope" holding the WARC and HTTP headers of its records. Capturing a
page that did not change adds only a new envelope of about a kilobyte; reading the copy
joins the two back into a WARC file, one gzip member per record as warcio writes them.

The capture row's `storage_key` is the full address of its envelope (`file:///…` or
`s3://…`), so a copy still opens after the setting changes; when that address no longer
answers (a directory moved, a bucket restored under another name) the object of the same
name in the storage configured now is read instead.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..i18n import _

DATABASE, FILE, S3 = "database", "file", "s3"
ENVELOPES, BODIES = "warcs", "bodies"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
OBJECT_NAME = re.compile(rf"(?:^|/)((?:{ENVELOPES}|{BODIES})/[0-9a-f]{{2}}/[0-9a-f]{{64}})$")
ENVELOPE_VERSION = 1


class ArchiveStorageError(Exception):
    """A preserved copy that cannot be stored or read; the message says why."""


class Storage:
    """Content-addressed objects under one root; subclasses read and write the bytes."""

    kind = DATABASE
    url = ""

    def describe(self) -> str:
        """Where the copies live, for people (backups, the deploy check)."""
        return _("the database")

    # -- bytes under a name ("warcs/ab/abcd…"): what each place implements --------------

    def write(self, name: str, data: bytes) -> None:
        """Store `data` under `name` (replacing is harmless: same name, same bytes)."""
        raise ArchiveStorageError(_("The database keeps preserved copies in their rows."))

    def read(self, name: str) -> bytes:
        """The bytes stored under `name` (ArchiveStorageError when there are none)."""
        raise ArchiveStorageError(_("The database keeps preserved copies in their rows."))

    def exists(self, name: str) -> bool:
        """Whether an object `name` is stored."""
        return False

    def names(self) -> Iterator[str]:
        """Every object name stored (for backups)."""
        return iter(())

    def address(self, name: str) -> str:
        """The full address of object `name`, as recorded in `storage_key`."""
        return f"{self.url.rstrip('/')}/{name}"

    # -- the interface -------------------------------------------------------------------

    def put(self, data: bytes, *, prefix: str = ENVELOPES) -> str:
        """Store `data` once under the SHA-256 of its bytes; its full address."""
        digest = hashlib.sha256(data).hexdigest()
        name = object_name(prefix, digest)
        if not self.exists(name):
            self.write(name, data)
        return self.address(name)

    def get(self, key: str) -> bytes:
        """The bytes at address `key` (another storage's address is read where it is)."""
        return read_address(key, fallback=self)

    def put_warc(self, warc: bytes, *, body_sha256: str | None = None) -> str:
        """Store a gzipped WARC file (its body once per content); the key to read it."""
        records = gzip_members(warc)
        envelope: dict[str, Any] = {"v": ENVELOPE_VERSION, "body": None}
        cut = _find_body(records, body_sha256) if body_sha256 else None
        if cut is not None:
            index, start, end = cut
            body = records[index][start:end]
            body_name = object_name(BODIES, body_sha256)
            if not self.exists(body_name):
                self.write(body_name, gzip.compress(body, mtime=0))
            records[index] = records[index][:start] + records[index][end:]
            envelope.update(body=body_sha256, record=index, at=start)
        envelope["lengths"] = [len(record) for record in records]
        data = json.dumps(envelope, sort_keys=True).encode() + b"\n" + b"".join(records)
        return self.put(gzip.compress(data, mtime=0))

    def get_warc(self, key: str) -> bytes:
        """The gzipped WARC file stored under `key` by put_warc."""
        data = _gunzip(self.get(key), key)
        header, _newline, rest = data.partition(b"\n")
        try:
            envelope = json.loads(header)
            lengths = [int(n) for n in envelope["lengths"]]
        except (ValueError, KeyError, TypeError):
            raise ArchiveStorageError(_("{key} is not a preserved copy.", key=key)) from None
        records, at = [], 0
        for length in lengths:
            records.append(rest[at:at + length])
            at += length
        if envelope.get("body"):
            body_key = sibling(key, object_name(BODIES, envelope["body"]))
            body = _gunzip(self.get(body_key), body_key)
            index, start = int(envelope["record"]), int(envelope["at"])
            records[index] = records[index][:start] + body + records[index][start:]
        # One gzip member per record, as warcio writes them (readers may seek to each).
        return b"".join(gzip.compress(record, mtime=0) for record in records)


class FileStorage(Storage):
    """Objects as files under a directory (written to a temporary name, then renamed)."""

    kind = FILE

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.as_uri()

    def describe(self) -> str:
        """Where the copies live, for people."""
        return _("the directory {path}", path=self.root)

    def _path(self, name: str) -> Path:
        return self.root.joinpath(*name.split("/"))

    def write(self, name: str, data: bytes) -> None:
        """Store `data` under `name`, atomically: a crash leaves no half file."""
        path = self._path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(partial, path)
            finally:
                Path(partial).unlink(missing_ok=True)
        except OSError as error:
            raise ArchiveStorageError(_("{path} cannot be written: {reason}", path=path,
                                        reason=error.strerror or error)) from None

    def read(self, name: str) -> bytes:
        """The bytes of the file `name`."""
        path = self._path(name)
        try:
            return path.read_bytes()
        except OSError as error:
            raise ArchiveStorageError(_("{path} cannot be read: {reason}", path=path,
                                        reason=error.strerror or error)) from None

    def exists(self, name: str) -> bool:
        """Whether the file `name` exists."""
        return self._path(name).is_file()

    def names(self) -> Iterator[str]:
        """Every object file under the directory."""
        for prefix in (ENVELOPES, BODIES):
            base = self.root / prefix
            if base.is_dir():
                for path in sorted(base.glob("*/*")):
                    name = path.relative_to(self.root).as_posix()
                    if OBJECT_NAME.fullmatch(name) and path.is_file():
                        yield name


class S3Storage(Storage):
    """Objects in an S3-compatible bucket under a prefix (boto3, the AWS variables)."""

    kind = S3

    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._client = None

    def describe(self) -> str:
        """Where the copies live, for people."""
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        where = f"{self.url} ({endpoint})" if endpoint else self.url
        return _("the S3 bucket {where}", where=where)

    @property
    def client(self):
        """A boto3 S3 client, made once (boto3 reads the credentials and region itself)."""
        if self._client is None:
            self._client = s3_client()
        return self._client

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def write(self, name: str, data: bytes) -> None:
        """Upload `data` as object `name`."""
        with _s3_errors(self.url, name):
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data)

    def read(self, name: str) -> bytes:
        """Download object `name`."""
        with _s3_errors(self.url, name):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()

    def exists(self, name: str) -> bool:
        """Whether object `name` is in the bucket (a HEAD request)."""
        from botocore.exceptions import ClientError

        with _s3_errors(self.url, name):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._key(name))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey",
                                                                   "NotFound"):
                    return False
                raise
        return True


class _s3_errors:
    """Turn boto3's errors (refused credentials, no such bucket, unreachable) into ours."""

    def __init__(self, url: str, name: str) -> None:
        self.where = f"{url.rstrip('/')}/{name}"

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _tb) -> bool:
        if error is None or isinstance(error, ArchiveStorageError):
            return False
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(error, ClientError):
            reason = error.response.get("Error", {}).get("Message") or str(error)
        elif isinstance(error, BotoCoreError):
            reason = str(error)
        else:
            return False
        raise ArchiveStorageError(f"{self.where}: {reason}") from None


def s3_client():
    """A boto3 S3 client from the environment (AWS_ENDPOINT_URL for S3-compatible servers)."""
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    # Bounded: a capture job must not hang on a bucket that does not answer.
    config = Config(connect_timeout=10, read_timeout=30, retries={"max_attempts": 3})
    return boto3.client("s3", endpoint_url=endpoint or None, config=config)


def storage_from_url(url: str | None) -> Storage:
    """The storage a `FACTCHECK_ARCHIVE_STORAGE` value names (ArchiveStorageError if none)."""
    value = (url or "").strip()
    if value in ("", DATABASE):
        return Storage()
    parts = urlsplit(value)
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ArchiveStorageError(_(
                "FACTCHECK_ARCHIVE_STORAGE={value}: a directory is given as an absolute "
                "file:// URL, such as file:///var/lib/factcheck/archive.", value=value))
        return FileStorage(Path(path))
    if parts.scheme == "s3":
        if not parts.netloc or parts.query or parts.fragment:
            raise ArchiveStorageError(_(
                "FACTCHECK_ARCHIVE_STORAGE={value}: a bucket is given as s3://bucket/prefix.",
                value=value))
        return S3Storage(parts.netloc, unquote(parts.path))
    raise ArchiveStorageError(_(
        "FACTCHECK_ARCHIVE_STORAGE={value} is not a storage factcheck knows: leave it unset "
        "(the database), or give file:///a/directory or s3://bucket/prefix.", value=value))


def read_address(key: str, *, fallback: Storage | None = None) -> bytes:
    """The bytes at a full address (`file:///…`, `s3://…`); when that fails, the object of
    the same name in `fallback` (the storage configured now)."""
    name_match = OBJECT_NAME.search(key)
    if name_match is None:
        raise ArchiveStorageError(_("{key} is not the address of a preserved copy.", key=key))
    name = name_match.group(1)
    if fallback is not None and key == fallback.address(name):
        return fallback.read(name)
    root = key[: len(key) - len(name)].rstrip("/")
    try:
        recorded = storage_from_url(root or "")
        if recorded.kind == DATABASE:
            raise ArchiveStorageError(_("{key} is not the address of a preserved copy.",
                                        key=key))
        return recorded.read(name)
    except ArchiveStorageError:
        if fallback is None or fallback.kind == DATABASE or not fallback.exists(name):
            raise
        return fallback.read(name)


def object_name(prefix: str, digest: str) -> str:
    """The name of a content-addressed object: `warcs/ab/abcd…` (a fan-out directory)."""
    if not _SHA256.match(digest):
        raise ArchiveStorageError(_("{digest} is not a SHA-256 digest.", digest=digest))
    return f"{prefix}/{digest[:2]}/{digest}"


def sibling(key: str, name: str) -> str:
    """The address of object `name` beside the object at address `key`."""
    found = OBJECT_NAME.search(key)
    if found is None:
        raise ArchiveStorageError(_("{key} is not the address of a preserved copy.", key=key))
    return key[: found.start(1)] + name


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed members of a multi-member gzip file (a WARC file: one per record)."""
    members = []
    try:
        while data:
            member = zlib.decompressobj(wbits=31)
            members.append(member.decompress(data) + member.flush())
            if not member.eof:
                raise ArchiveStorageError(_("The WARC file is truncated."))
            data = member.unused_data
    except zlib.error as error:
        raise ArchiveStorageError(_("The WARC file is not gzipped: {reason}",
                                    reason=error)) from None
    return members


def _gunzip(data: bytes, key: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        raise ArchiveStorageError(_("{key} is damaged.", key=key)) from None


def _find_body(records: list[bytes], body_sha256: str) -> tuple[int, int, int] | None:
    """(record index, start, end) of the response body whose SHA-256 is `body_sha256`:
    the tail of the response record's block (the HTTP headers come first); None when the
    file is not shaped that way, and then it is stored whole."""
    for index, record in enumerate(records):
        head_end = record.find(b"\r\n\r\n")
        if head_end < 0:
            continue
        head = record[:head_end].decode("latin-1").lower()
        if "\r\nwarc-type: response" not in head:
            continue
        length = re.search(r"\r\ncontent-length:\s*(\d+)", head)
        if length is None:
            return None
        block_start = head_end + 4
        block_end = block_start + int(length.group(1))
        http_end = record.find(b"\r\n\r\n", block_start, block_end)
        if http_end < 0:
            return None
        start = http_end + 4
        if hashlib.sha256(record[start:block_end]).hexdigest() != body_sha256:
            return None
        return index, start, block_end
    return None


# --- The app's storage ------------------------------------------------------------------------

_EXTENSION = "factcheck.archive_storage"


def archive_storage_of(app) -> Storage:
    """The storage `app` keeps new copies in (its ARCHIVE_STORAGE setting), made once."""
    setting = app.config.get("ARCHIVE_STORAGE") or ""
    made = app.extensions.get(_EXTENSION)
    if made is None or made[0] != setting:
        made = (setting, storage_from_url(setting))
        app.extensions[_EXTENSION] = made
    return made[1]


def read_warc(app, capture) -> bytes | None:
    """The gzipped WARC file of a preserved copy, wherever it is kept (None: none)."""
    if capture.storage_key:
        return archive_storage_of(app).get_warc(capture.storage_key)
    return capture.warc
