"""Issue 17, viewing: the preserved original is framed from /copy-frame/<capture>/<token>,
a path that carries no cookie's authority: the copies page mints a short-lived signed token
for the signed-in person, and the frame's route reads no cookie, sets none, and answers
under `Content-Security-Policy: sandbox` without scripts."""

from __future__ import annotations

import re
import time

from factcheck.extensions import db
from factcheck.models import User
from factcheck.web.frames import frame_token
from factcheck.workflow.settings import set_setting

from . import test_evidence_capture as capturing
from .test_preserved_copy import frame_src, hostile, preserved

app, site, _assigned = capturing.app, capturing.site, capturing._assigned


def test_the_frame_is_served_without_any_cookie_and_sets_none(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, hostile(site))
    src = frame_src(desk["r1"], evidence_id)
    assert re.fullmatch(rf"/copy-frame/{capture_id}/[A-Za-z0-9_.-]+", src)
    bare = app.test_client(use_cookies=False)  # no session cookie at all
    response = bare.get(src)
    assert response.status_code == 200
    assert "seasonally adjusted" in response.get_data(as_text=True)
    csp = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    assert csp[0] == "sandbox" and "default-src 'none'" in csp and "script-src" not in csp
    assert "Set-Cookie" not in response.headers
    assert "<script" not in response.get_data(as_text=True).lower()
    assert site.requests == ["/hostile"]  # nothing fetched from the original site


def test_the_session_cookie_is_neither_honoured_nor_renewed_there(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, hostile(site))
    signed_in = desk["r1"].web  # sends its session cookie, as a browser would
    # Without a token the signed-in person's cookie opens nothing under /copy-frame/.
    assert signed_in.get(f"/copy-frame/{capture_id}/x").status_code == 403
    response = signed_in.get(frame_src(desk["r1"], evidence_id))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    # The cookie still works where it belongs.
    assert signed_in.get(f"/review/evidence/{evidence_id}/copies").status_code == 200


def test_a_forged_or_foreign_token_is_refused(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, hostile(site))
    src = frame_src(desk["r1"], evidence_id)
    token = src.rsplit("/", 1)[1]
    bare = app.test_client(use_cookies=False)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for path in (f"/copy-frame/{capture_id}/{forged}", f"/copy-frame/{capture_id}/not-a-token",
                 f"/copy-frame/{capture_id + 1}/{token}"):  # a token is for one capture
        response = bare.get(path)
        assert response.status_code in (403, 404), path
        assert "Set-Cookie" not in response.headers
        assert "seasonally" not in response.get_data(as_text=True)
    # Signed with another key (another installation): refused.
    other = app.test_client(use_cookies=False)
    with app.test_request_context():
        app.config["SECRET_KEY"], key = "another-key-" + "x" * 40, app.config["SECRET_KEY"]
        foreign = frame_token(capture_id=capture_id, user_id=desk["r1"].user.id)
        app.config["SECRET_KEY"] = key
    assert other.get(f"/copy-frame/{capture_id}/{foreign}").status_code == 403


def test_an_expired_token_is_refused(desk, app, site, monkeypatch):
    _evidence_id, capture_id = preserved(desk, app, hostile(site))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3600)  # minted an hour ago
    with app.test_request_context():
        old = frame_token(capture_id=capture_id, user_id=desk["r1"].user.id)
    monkeypatch.setattr(time, "time", real)
    response = app.test_client(use_cookies=False).get(f"/copy-frame/{capture_id}/{old}")
    assert response.status_code == 403 and "Set-Cookie" not in response.headers


def test_a_token_stops_working_when_its_holder_loses_access(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, hostile(site))
    src = frame_src(desk["r2"], evidence_id)  # r2 sees r1's source (shared on this desk)
    bare = app.test_client(use_cookies=False)
    assert bare.get(src).status_code == 200
    with app.app_context():  # the desk now hides colleagues' sources until one's verdict
        set_setting(db.session, key="evidence_visibility", value="after_submitting",
                    actor=None)
        db.session.commit()
    assert bare.get(src).status_code == 404
    with app.app_context():
        db.session.get(User, desk["r1"].user.id).is_active = False
        db.session.commit()
    assert bare.get(frame_src_token(app, desk, capture_id)).status_code == 403


def frame_src_token(app, desk, capture_id: int) -> str:
    with app.test_request_context():
        return f"/copy-frame/{capture_id}/" + frame_token(capture_id=capture_id,
                                                          user_id=desk["r1"].user.id)
