"""Access control generated from the app's url_map: every route for every kind of user.

A route missing from ACCESS fails the suite, so no new page can slip in unguarded.
"""

from __future__ import annotations

import pytest

from factcheck.extensions import db
from factcheck.queries.scales import active_scale, scale_labels
from factcheck.states import Role
from factcheck.workflow.articles import create_article

from ..helpers import login

PUBLIC, SIGNED_IN, SIGN_OUT = "public", "signed-in", "sign-out"
# Bearer-token JSON API: every browser identity gets 401, the session cookie never counts.
TOKEN = "token"
# A signed token in the address is the only credential, whoever asks (the test's token is
# not one): every identity, signed in or not, gets 403; the session cookie never counts.
SIGNED_ADDRESS = "signed-address"
ACCESS: dict[str, str | Role] = {
    "static": PUBLIC,
    "main.index": PUBLIC,
    "main.healthz": PUBLIC,
    "main.dashboard": SIGNED_IN,
    "locale.switch": PUBLIC,  # sets a cookie and goes back; changes nothing stored
    "locale.account_language": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": SIGN_OUT,  # POST only; ends at the login page for everyone
    "auth.setup": PUBLIC,  # 404 once an account exists
    "auth.invitation": PUBLIC,  # the signed token is the credential
    "auth.password": SIGNED_IN,
    "auth.tokens": SIGNED_IN,
    "auth.revoke": SIGNED_IN,  # object check: only one's own tokens
    "auth.sessions": SIGNED_IN,
    "auth.end_session": SIGNED_IN,  # object check: only one's own sessions (else 404)
    "auth.logout_everywhere": SIGN_OUT,  # POST only; ends at the login page for everyone
    "editor.dashboard": Role.EDITOR,
    "editor.article": Role.EDITOR,
    "editor.claim_on_board": Role.EDITOR,
    "editor.new_article": Role.EDITOR,
    "editor.article_text": Role.EDITOR,
    "editor.add": Role.EDITOR,
    "editor.bulk_select": Role.EDITOR,
    "editor.claim": Role.EDITOR,
    "editor.split": Role.EDITOR,
    "editor.status": Role.EDITOR,
    "editor.merge": Role.EDITOR,
    "editor.move": Role.EDITOR,
    "editor.reanchor": Role.EDITOR,
    "editor.publish": Role.EDITOR,
    "editor.bulk_status": Role.EDITOR,
    "editor.bulk_decide": Role.EDITOR,
    "editor.unpublish": Role.EDITOR,
    "sources.article_sources": Role.EDITOR,
    "sources.check_sources": Role.EDITOR,
    "public.check": PUBLIC,
    "public.claim": PUBLIC,
    "public.claim_card": PUBLIC,
    "public.source": PUBLIC,  # 404 unless a published source has a public copy
    "claimants.public_page": PUBLIC,
    "claimants.editor_list": Role.EDITOR,
    "claimants.editor_edit": Role.EDITOR,
    "claimants.editor_merge": Role.EDITOR,
    "claim_matches.same": Role.EDITOR,
    "claim_matches.dismiss": Role.EDITOR,
    "claim_matches.cite": Role.EDITOR,
    "api.rating_scale": TOKEN,
    "api.articles": TOKEN,
    "api.create_article": TOKEN,
    "api.article": TOKEN,
    "api.publish": TOKEN,
    "api.unpublish": TOKEN,
    "api.claim": TOKEN,
    "api.patch_claim": TOKEN,
    "api.assign": TOKEN,
    "api.unassign_reviewer": TOKEN,
    "api.add_claim_evidence": TOKEN,
    "api.capture_evidence": TOKEN,
    "api.submit_review": TOKEN,
    "api.reviews": TOKEN,
    "api.decide": TOKEN,
    "api.matches": TOKEN,
    "api.claim_matches": TOKEN,
    "api.openapi": PUBLIC,
    "search.search": PUBLIC,
    "public.report": PUBLIC,
    "public.corrections": PUBLIC,
    "editor.reports": Role.EDITOR,
    "editor.attention": Role.EDITOR,
    "editor.report_status": Role.EDITOR,
    "editor.report": Role.EDITOR,
    "editor.report_reply": Role.EDITOR,
    "review.queue": Role.REVIEWER,
    # Reviewers reach only claims assigned to them: checked per object (tests/web/test_review.py).
    "review.claim": Role.REVIEWER,
    "review.evidence_add": Role.REVIEWER,
    "review.evidence_edit": Role.REVIEWER,
    "review.evidence_delete": Role.REVIEWER,
    "review.evidence_capture": Role.REVIEWER,
    "review.evidence_copies": Role.REVIEWER,
    "review.evidence_copy_original": Role.REVIEWER,
    "frames.copy_frame": SIGNED_ADDRESS,
    "review.evidence_copy_warc": Role.REVIEWER,
    "review.review_save": Role.REVIEWER,
    "review.review_withdraw": Role.REVIEWER,
    "review.comment": Role.REVIEWER,
    "review.conflict": Role.REVIEWER,
    "review.pick": Role.REVIEWER,
    "editor.assign": Role.EDITOR,
    "editor.unassign_reviewer": Role.EDITOR,
    "editor.decide": Role.EDITOR,
    "editor.send_back_claim": Role.EDITOR,
    "editor.public_copy": Role.EDITOR,  # POST only; object check: who may decide the claim
    "main.scale_css": PUBLIC,
    "feeds.atom": PUBLIC,
    "feeds.sitemap": PUBLIC,
    "feeds.robots": PUBLIC,
    "feeds.verdicts_csv": PUBLIC,
    "api.checks": PUBLIC,
    "api.check": PUBLIC,  # 404/410 as JSON for unknown and withdrawn checks
    "admin.users": Role.ADMIN,
    "admin.new_user": Role.ADMIN,
    "admin.invite": Role.ADMIN,
    "admin.edit_user": Role.ADMIN,
    "admin.settings": Role.ADMIN,
    "admin.organisation": Role.ADMIN,
    "main.methodology": PUBLIC,
    "main.corrections_policy": PUBLIC,
    "admin.scales": Role.ADMIN,
    "admin.scale": Role.ADMIN,
    "admin.activate_scale": Role.ADMIN,
    "admin.copy_scale": Role.ADMIN,
    "admin.add_label": Role.ADMIN,
    "admin.label": Role.ADMIN,
    "admin.delete_label": Role.ADMIN,
    "admin.move_label": Role.ADMIN,
    "editor.url_import": Role.EDITOR,
    "jobs.index": Role.ADMIN,
    "jobs.retry_job": Role.ADMIN,
    "notifications.index": SIGNED_IN,
    # Object checks: only one's own notifications (another's is 404).
    "notifications.open_notification": SIGNED_IN,
    "notifications.read": SIGNED_IN,
    "notifications.read_all": SIGNED_IN,
    "mail.settings": SIGNED_IN,
    "mail.unsubscribe": PUBLIC,  # the signed token is the credential (RFC 8058 one-click)
    "mail.unsubscribe_now": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,  # the signed single-use token is the credential
    "admin.send_invitation_mail": Role.ADMIN,
    "admin.test_mail": Role.ADMIN,
    "api.notifications": TOKEN,
    "api.read_notifications": TOKEN,
    "imported_checks.index": Role.ADMIN,
    "api.patch_evidence": TOKEN,
    "webhooks.index": Role.ADMIN,
    "webhooks.new_webhook": Role.ADMIN,
    "webhooks.webhook": Role.ADMIN,
    "webhooks.edit_webhook": Role.ADMIN,
    "webhooks.rotate": Role.ADMIN,
    "webhooks.ping": Role.ADMIN,
    "webhooks.delete": Role.ADMIN,
    "webhooks.redeliver_delivery": Role.ADMIN,
}
IDENTITIES = [None, Role.REVIEWER, Role.EDITOR, Role.ADMIN]


def test_every_route_declares_its_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "declare these routes in ACCESS"
    assert ACCESS.keys() - endpoints == set(), "ACCESS names routes that no longer exist"


def _expected(level: str | Role, identity: Role | None) -> str:
    if level == PUBLIC:
        return "open"
    if level == TOKEN:
        return "token"
    if level == SIGNED_ADDRESS:
        return "forbidden"
    if level == SIGN_OUT:
        return "login"
    if identity is None:
        return "login"
    if level == SIGNED_IN or identity.at_least(level):
        return "open"
    return "forbidden"


def _outcome(response) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 401 and response.json["error"]["code"] == "unauthorized":
        return "token"
    return "open"


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda r: str(r or "anonymous"))
def test_every_route_for_every_role(make_app, make_user, identity):
    # CSRF off here so POST-only routes reach their guard; CSRF has its own tests.
    app = make_app(WTF_CSRF_ENABLED=False)
    subject = make_user(Role.REVIEWER)
    with app.app_context():
        article = create_article(db.session, title="Access", body="Text.", actor=None)
        db.session.commit()
        values = {
            "article_id": article.id,
            "user_id": subject.id,
            "token": "x",
            "filename": "style.css",
            "claim_id": 999_999,
            "reviewer": "nobody@example.org",
            "evidence_id": 999_999,
            "capture_id": 999_999,
            "assignment_id": 999_999,
            "action": "select",
            "direction": "up",
            "slug": "no-such-check",
            "report_id": 999_999,
            "token_id": 999_999,
            "session_id": 999_999,
            "job_id": 999_999,
            "notification_id": 999_999,
            "webhook_id": 999_999,
            "claimant_id": 999_999,
            "match_id": 999_999,
            "delivery_id": 999_999,
            "status": "closed",
            "scale_id": active_scale(db.session).id,
            "label_id": scale_labels(db.session, active_scale(db.session))[0].id,
            "code": "fa_AF",
            "n": 1,  # a claim's number on its check's page
            "k": 1,  # a source's number under its claim
            "state": "off",  # a public copy switched off
        }
    client = app.test_client()
    if identity is not None:
        assert login(client, make_user(identity).email).status_code == 302
    failures = []
    for rule in app.url_map.iter_rules():
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else min(rule.methods - {"OPTIONS"})
        response = client.open(url, method=method)
        response.close()
        got, want = _outcome(response), _expected(ACCESS[rule.endpoint], identity)
        if got != want:
            failures.append(f"{method} {url}: expected {want}, got {got} ({response.status})")
        if ACCESS[rule.endpoint] == SIGN_OUT and identity is not None:
            assert login(client, make_user(identity).email).status_code == 302
    assert failures == []
