"""Issue 17, storage: preserved copies kept in the database (compressed, the default), in a
directory or in an S3-compatible bucket (moto's server mode on 127.0.0.1), each end to end
through the app: a real page captured by the job, the copy viewed, the WARC file
downloaded and read by warcio; a failed write leaves a failed capture, never half a row;
copies open after the setting changed."""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from factcheck import create_app
from factcheck.config import ConfigurationError

from ..helpers import run_jobs
from ..s3server import running_s3_server
from . import test_evidence_capture as capturing
from .test_evidence_capture import ARTICLE, add, captures, preservation
from .test_preserved_copy import frame_src

# The capture tests' fixtures: a real local web server, both reviewers assigned.
site, _assigned = capturing.site, capturing._assigned
_buckets = itertools.count()


@pytest.fixture(scope="module")
def s3_server():
    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3_url(s3_server, monkeypatch) -> str:
    """A fresh bucket on the local server; boto3 reaches it through the AWS variables."""
    return s3_server.fresh_bucket_url(monkeypatch, f"desk-{next(_buckets)}", "copies")


@pytest.fixture
def app(make_app):
    """The desk may fetch pages from the test's server on 127.0.0.1."""
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True)


def use_storage(app, kind: str, request, tmp_path: Path) -> str:
    """Point the app's ARCHIVE_STORAGE at a place of this kind; its URL."""
    url = {"database": lambda: "", "file": lambda: f"file://{tmp_path}/archive",
           "s3": lambda: request.getfixturevalue("s3_url")}[kind]()
    app.config["ARCHIVE_STORAGE"] = url
    return url


def captured(desk, app, url: str, *, by: str = "r1"):
    """(evidence id, capture row) of a source added by `by`, once the job ran."""
    added = add(desk, by, url)
    assert run_jobs(app) == 1
    return added["id"], captures(app, added["id"])[-1]


def warc_records(warc: bytes) -> dict[str, object]:
    """The records of a WARC file by type (digests checked by warcio)."""
    return {record.rec_type: (record.http_headers, record.content_stream().read())
            for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise")}


@pytest.mark.parametrize("kind", ["database", "file", "s3"])
def test_capture_view_and_warc_download_from_each_storage(desk, app, site, kind, request,
                                                          tmp_path):
    url = use_storage(app, kind, request, tmp_path)
    evidence_id, capture = captured(desk, app, site.url("/article"))
    assert capture.status == "preserved" and capture.quote_found is True
    if kind == "database":
        # The embedded default: the WARC file in the row, gzipped, no storage key.
        assert capture.storage_key is None and capture.warc[:2] == b"\x1f\x8b"
        assert b"WARC/1.0" in gzip.decompress(capture.warc)
        assert len(gzip.decompress(capture.warc)) > len(capture.warc)
    else:
        assert capture.warc is None and capture.storage_key.startswith(url + "/warcs/")
    assert preservation(desk, evidence_id)["status"] == "preserved"

    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200 and "<mark>The unemployment rate was 3.5% in October" in page
    original = desk["r1"].web.get(
        f"/review/evidence/{evidence_id}/copies/{capture.id}/original")
    assert original.status_code == 200
    assert "The unemployment rate was 3.5% in October" in original.get_data(as_text=True)
    # The sandboxed frame, on its cookie-less path, reads the copy from the same storage.
    framed = app.test_client(use_cookies=False).get(frame_src(desk["r1"], evidence_id))
    assert framed.status_code == 200
    assert "The unemployment rate was 3.5% in October" in framed.get_data(as_text=True)
    download = desk["r1"].web.get(f"/review/evidence/{evidence_id}/copies/{capture.id}/warc")
    assert download.status_code == 200 and download.mimetype == "application/warc"
    found = warc_records(download.data)
    http, body = found["response"]
    assert body == ARTICLE and hashlib.sha256(body).hexdigest() == capture.sha256
    assert http.get_statuscode() == "200" and "request" in found


@pytest.mark.parametrize("kind", ["file", "s3"])
def test_a_page_captured_again_keeps_its_body_once(desk, app, site, kind, request,
                                                    tmp_path, s3_server):
    url = use_storage(app, kind, request, tmp_path)
    evidence_id, _first = captured(desk, app, site.url("/article"))
    again = desk["r1"].api("POST", f"/evidence/{evidence_id}/capture")
    assert again.status_code == 202
    assert run_jobs(app) == 1
    one, two = captures(app, evidence_id)
    assert one.status == two.status == "preserved" and one.storage_key != two.storage_key
    if kind == "file":
        stored = [p.relative_to(tmp_path / "archive").parts[0]
                  for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    else:
        bucket = url.removeprefix("s3://").split("/")[0]
        stored = [key.split("/")[1] for key in s3_server.keys(bucket)]
    assert sorted(stored) == ["bodies", "warcs", "warcs"]
    for capture in (one, two):  # both copies still download whole
        download = desk["r1"].web.get(
            f"/review/evidence/{evidence_id}/copies/{capture.id}/warc")
        assert warc_records(download.data)["response"][1] == ARTICLE


@pytest.mark.parametrize("kind", ["file", "s3"])
def test_a_failed_write_leaves_a_failed_capture_with_its_reason(desk, app, site, kind,
                                                                 request, tmp_path):
    if kind == "file":
        blocker = tmp_path / "archive"
        blocker.write_text("a file where the directory should be")
        app.config["ARCHIVE_STORAGE"] = f"file://{blocker}"
    else:
        bucket = use_storage(app, "s3", request, tmp_path)
        app.config["ARCHIVE_STORAGE"] = bucket.replace("s3://desk-", "s3://missing-")
    evidence_id, capture = captured(desk, app, site.url("/article"))
    assert capture.status == "failed"
    assert capture.reason.startswith("The page was fetched but its copy could not be stored")
    # Nothing of the copy stays: no WARC, no key, no text or hash that would claim one.
    assert (capture.warc, capture.storage_key, capture.sha256, capture.text) == (
        None, None, None, "")
    shown = preservation(desk, evidence_id)
    assert shown["status"] == "failed" and shown["copies"] == 0
    assert "could not be stored" in shown["reason"]
    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200 and "could not be stored" in page
    assert desk["r1"].web.get(
        f"/review/evidence/{evidence_id}/copies/{capture.id}/warc").status_code == 404


def test_copies_open_after_the_storage_setting_changed(desk, app, site, request, tmp_path):
    site.pages["/same-report"] = site.pages["/report-again"] = capturing.Page()
    in_row = captured(desk, app, site.url("/article"))
    use_storage(app, "file", request, tmp_path)
    in_directory = captured(desk, app, site.url("/same-report"))
    use_storage(app, "s3", request, tmp_path)
    in_bucket = captured(desk, app, site.url("/report-again"))
    app.config["ARCHIVE_STORAGE"] = ""  # and back to the database
    for evidence_id, capture in (in_row, in_directory, in_bucket):
        download = desk["editor"].web.get(
            f"/review/evidence/{evidence_id}/copies/{capture.id}/warc")
        assert download.status_code == 200, capture.storage_key
        assert warc_records(download.data)["response"][1] == ARTICLE


def test_an_unreachable_storage_answers_503_not_a_crash(desk, app, site, request, tmp_path):
    use_storage(app, "file", request, tmp_path)
    evidence_id, capture = captured(desk, app, site.url("/article"))
    for path in (tmp_path / "archive").rglob("*"):
        if path.is_file():
            path.unlink()
    for view in ("warc", "original"):
        answer = desk["r1"].web.get(
            f"/review/evidence/{evidence_id}/copies/{capture.id}/{view}")
        assert answer.status_code == 503
        assert "Traceback" not in answer.get_data(as_text=True)
    # The text is in the database: the copies page still shows it.
    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200 and "<mark>" in page


def test_a_storage_setting_that_names_nothing_refuses_to_start(tmp_path):
    with pytest.raises(ConfigurationError, match="FACTCHECK_ARCHIVE_STORAGE=ftp://x"):
        create_app({"TESTING": True, "ARCHIVE_STORAGE": "ftp://x/y",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


# --- Backups -------------------------------------------------------------------------------


def test_backup_and_restore_bring_back_an_archive_kept_in_a_directory(desk, app, site, runner,
                                                                      request, tmp_path):
    use_storage(app, "file", request, tmp_path)
    evidence_id, capture = captured(desk, app, site.url("/article"))
    archive = tmp_path / "archive"
    before = sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file())
    target = tmp_path / "factcheck.backup"

    made = runner.invoke(["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert (f"Backed up 2 preserved-copy files from the directory {archive} to "
            f"{target}.archive.tar.") in made.output
    manifest = json.loads((tmp_path / "factcheck.backup.manifest.json").read_text())
    assert manifest["archive"] == {"storage": "file", "location": f"file://{archive}",
                                   "included": True, "objects": 2,
                                   "file": "factcheck.backup.archive.tar"}
    assert manifest["database"]["file"] == "factcheck.backup"

    shutil.rmtree(archive)  # the disk holding the copies is lost
    warc_url = f"/review/evidence/{evidence_id}/copies/{capture.id}/warc"
    assert desk["r1"].web.get(warc_url).status_code == 503

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert f"Restored 2 preserved-copy files into the directory {archive}." in restored.output
    assert sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file()) == before
    download = desk["r1"].web.get(warc_url)
    assert download.status_code == 200
    assert warc_records(download.data)["response"][1] == ARTICLE


def test_a_backup_says_where_an_archive_in_a_bucket_lives(desk, app, site, runner, request,
                                                          tmp_path, s3_server):
    url = use_storage(app, "s3", request, tmp_path)
    captured(desk, app, site.url("/article"))
    target = tmp_path / "factcheck.backup"
    made = runner.invoke(["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert ("Preserved copies of evidence pages are NOT in this backup: they are kept in the "
            f"S3 bucket {url} ({s3_server.endpoint}). Back up that bucket separately.") \
        in made.output
    manifest = json.loads((tmp_path / "factcheck.backup.manifest.json").read_text())
    assert manifest["archive"]["storage"] == "s3" and manifest["archive"]["location"] == url
    assert manifest["archive"]["included"] is False
    assert not (tmp_path / "factcheck.backup.archive.tar").exists()
    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert "The preserved copies of this backup were not in it: they are kept in the S3 " \
        f"bucket {url}" in restored.output


def test_a_backup_with_the_archive_in_the_database_says_so(desk, app, site, runner, tmp_path):
    captured(desk, app, site.url("/article"))
    target = tmp_path / "factcheck.backup"
    made = runner.invoke(["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert "kept in the database: they are in this backup." in made.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("factcheck.")) == [
        "factcheck.backup"]


def test_restore_with_copies_now_in_the_database_puts_files_back_where_they_were(
        desk, app, site, runner, request, tmp_path):
    use_storage(app, "file", request, tmp_path)
    evidence_id, capture = captured(desk, app, site.url("/article"))
    target = tmp_path / "factcheck.backup"
    assert runner.invoke(["backup", str(target)]).exit_code == 0
    # A file the backup never wrote, named to climb out of the directory, is not followed.
    bundle = tmp_path / "factcheck.backup.archive.tar"
    with tarfile.open(bundle, "a") as tar:
        planted = tarfile.TarInfo("../escaped")
        planted.size = 5
        tar.addfile(planted, io.BytesIO(b"owned"))
    shutil.rmtree(tmp_path / "archive")
    app.config["ARCHIVE_STORAGE"] = ""  # the desk went back to the database meanwhile

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert f"into the directory {tmp_path / 'archive'}." in restored.output
    assert not (tmp_path / "escaped").exists()
    download = desk["r1"].web.get(f"/review/evidence/{evidence_id}/copies/{capture.id}/warc")
    assert warc_records(download.data)["response"][1] == ARTICLE
