"""Issue 16, the admin page for ClaimReview feeds: upload, re-upload, bad records, refusals,
size limit, history and listing, and only admins."""

from __future__ import annotations

import io
import json

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, ImportedCheck
from factcheck.states import Role

from ..helpers import csrf_token, login, rows
from ..infra.test_import_claimreview import review

PAGE = "/admin/imported-checks"


def _upload(client, document, name="feed.json"):
    body = document if isinstance(document, bytes) else (
        document.encode() if isinstance(document, str) else json.dumps(document).encode())
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    response = client.post(PAGE, data={"csrf_token": token, "file": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")
    response.get_data()
    # A body over 500 KB is spooled to a temporary file, which werkzeug's client closes
    # only when it follows redirects: close it here.
    response.request.input_stream.close()
    return response


def test_an_admin_uploads_a_datafeed_and_sees_the_checks_listed(app, client, login_as):
    admin = login_as(Role.ADMIN)
    other = review(2, author={"name": "Other <Checks>"})
    feed = {"@context": "https://schema.org", "@type": "DataFeed",
            "dataFeedElement": [{"item": [review(1), other]}]}
    response = _upload(client, feed, name="feed.jsonld")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 2 checks: 2 new, 0 updated, 0 skipped." in html
    assert "2 imported checks" in html
    assert 'href="https://checks.example.net/1"' in html
    assert "Other &lt;Checks&gt;: 1" in html  # escaped publisher name
    stored = rows(app, ImportedCheck)
    assert sorted(check.url for check in stored) == ["https://checks.example.net/1",
                                                    "https://checks.example.net/2"]
    # The run is in the history, with who ran it and from which file.
    assert "feed.jsonld" in html and admin.display_name in html
    with app.app_context():
        runs = db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "imported_checks.feed")).all()
        assert [(r.actor_id, r.details["added"]) for r in runs] == [(admin.id, 2)]


def test_a_second_upload_updates_and_bad_records_are_listed_by_position(app, client, login_as):
    login_as(Role.ADMIN)
    assert _upload(client, [review(1), review(2)]).status_code == 200
    changed = review(2, claimReviewed="The budget grew by a tenth")
    response = _upload(client, [review(1), changed, {"@type": "ClaimReview"},
                                review(4, url="ftp://x.example/4")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 2 checks: 0 new, 2 updated, 2 skipped." in html
    assert "Record 3: no url." in html
    assert "Record 4: the url is not an http(s) address." in html
    stored = {check.url: check for check in rows(app, ImportedCheck)}
    assert len(stored) == 2
    assert stored["https://checks.example.net/2"].claim_reviewed == "The budget grew by a tenth"


def test_not_json_or_no_claimreview_is_refused_with_a_clear_message(app, client, login_as):
    login_as(Role.ADMIN)
    response = _upload(client, "<html>not a feed</html>", name="page.html")
    assert response.status_code == 422
    assert "The file is not JSON" in response.get_data(as_text=True)
    response = _upload(client, {"@type": "Article", "name": "x"})
    assert response.status_code == 422
    assert "The document holds no ClaimReview." in response.get_data(as_text=True)
    assert rows(app, ImportedCheck) == []


def test_a_feed_that_breaks_off_keeps_what_came_before(app, client, login_as):
    login_as(Role.ADMIN)
    text = json.dumps([review(n) for n in range(1, 4)])[:-30]
    response = _upload(client, text)
    assert response.status_code == 422
    assert "The JSON breaks off after record 2" in response.get_data(as_text=True)
    assert "Kept the 2 checks imported before the error." in response.get_data(as_text=True)
    assert len(rows(app, ImportedCheck)) == 2


def test_a_feed_nested_beyond_any_feed_is_refused_not_a_server_error(app, client, login_as):
    login_as(Role.ADMIN)
    response = _upload(client, f"[{json.dumps(review(1))}, {'[' * 5000}{']' * 5000}]")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nested more than 32 deep after record 1" in page
    assert "Kept the 1 check imported before the error." in page
    assert len(rows(app, ImportedCheck)) == 1


def test_no_file_chosen_says_so(client, login_as):
    login_as(Role.ADMIN)
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    response = client.post(PAGE, data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_a_feed_over_the_upload_limit_points_to_the_command(make_app, make_user):
    admin = make_user(Role.ADMIN)
    app = make_app(CLAIMREVIEW_UPLOAD_MAX_BYTES=2 * 1024 * 1024)
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    big = json.dumps([review(1, headline="x" * 3_000_000)]).encode()
    assert len(big) > 2 * 1024 * 1024
    response = _upload(client, big)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "factcheck import-claimreview FILE" in html and "(2 MB)" in html
    assert rows(app, ImportedCheck) == []
    # Over the site-wide 4 MB limit of forms but under the page's own: accepted.
    roomy = make_app(CLAIMREVIEW_UPLOAD_MAX_BYTES=8 * 1024 * 1024)
    other = roomy.test_client()
    assert login(other, admin.email).status_code == 302
    # Few records with long headlines: the size is what is tested, and every record costs
    # its matching index rows (9,000 short ones took 12 s on PostgreSQL).
    huge = json.dumps([review(n, headline="x" * 4_500) for n in range(1_000)]).encode()
    assert 4 * 1024 * 1024 < len(huge) < 8 * 1024 * 1024
    response = _upload(other, huge)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert len(rows(roomy, ImportedCheck)) == 1_000


def test_only_admins_open_or_post_the_page(client, login_as):
    login_as(Role.EDITOR)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={}).status_code in (400, 403)


def test_the_upload_needs_the_csrf_token(app, client, login_as):
    login_as(Role.ADMIN)
    body = json.dumps([review(1)]).encode()
    response = client.post(PAGE, data={"file": (io.BytesIO(body), "feed.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert rows(app, ImportedCheck) == []
