"""Issue 13, in-app notifications: who is told of each event, where the link leads, reading
them on the web and over the API, and blind review kept in every one of them."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from sqlalchemy import update

from factcheck.extensions import db
from factcheck.models import Article, Assignment, Notification, User
from factcheck.states import NotificationKind, Role
from factcheck.workflow.notifications import notify
from factcheck.workflow.settings import set_setting

from ..helpers import csrf_token, login, rows
from .test_blind_review_attacks import Desk

DUE = "2031-03-14"


def inbox(desk: Desk, name: str, **query) -> list[dict]:
    """The person's notifications as the API lists them (all pages' first 100)."""
    response = desk[name].api("GET", "/notifications?per_page=100" + "".join(
        f"&{k}={v}" for k, v in query.items()))
    assert response.status_code == 200, response.json
    return response.json["items"]


def kinds(desk: Desk, name: str) -> list[str]:
    return [item["kind"] for item in inbox(desk, name)]


def open_link(desk: Desk, name: str, item: dict) -> tuple[str, int]:
    """Open a notification from the inbox page as its recipient: (where it led, status)."""
    person = desk[name]
    response = person.post(f"/notifications/{item['id']}/open")
    assert response.status_code == 302, response.status
    location = response.headers["Location"]
    landed = person.web.get(location.partition("#")[0])
    return location, landed.status_code


def submit_both(desk: Desk, *, assign: bool = True) -> None:
    if assign:
        assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", "Rationale two.", [source]).status_code == 201
    assert desk.submit("r1", "Rationale one.", [source], rating="true").status_code == 201


def decide(desk: Desk, name: str = "decider", rating: str = "mostly-true", **extra):
    response = desk[name].api("POST", f"/claims/{desk.claim_id}/decision",
                              {"rating": rating, "summary": "Close to the figures.", **extra})
    assert response.status_code == 201, response.json
    return response


def publish(desk: Desk, name: str = "decider"):
    article_id = desk.claim().article_id
    response = desk[name].api("POST", f"/articles/{article_id}/publish", {})
    assert response.status_code == 200, response.json


# --- One test per event ------------------------------------------------------------------------


def test_assigned_with_due_date_links_to_the_claim(desk):
    response = desk["editor"].api("POST", f"/claims/{desk.claim_id}/assignments",
                                  {"reviewer": desk["r1"].user.email, "due": DUE})
    assert response.status_code == 201
    [item] = inbox(desk, "r1")
    assert item["kind"] == "assigned" and item["details"]["due_on"] == DUE
    assert DUE in item["text"] and "Eda Editor" in item["text"]
    assert item["actor"]["name"] == "Eda Editor" and item["claim_id"] == desk.claim_id
    assert item["url"].endswith(f"/review/claims/{desk.claim_id}")
    assert kinds(desk, "editor") == [] and kinds(desk, "r2") == []
    location, status = open_link(desk, "r1", item)
    assert location == f"/review/claims/{desk.claim_id}" and status == 200
    assert inbox(desk, "r1")[0]["read_at"] is not None


def test_picking_up_a_claim_oneself_tells_nobody(desk, app):
    with app.app_context():
        set_setting(db.session, key="allow_self_assign", value=True,
                    actor=db.session.get(User, desk["editor"].user.id))
        db.session.commit()
    assert desk["r1"].post(f"/review/claims/{desk.claim_id}/pick-up").status_code == 302
    assert rows(app, Notification) == []


def test_assignment_removed_links_to_the_queue(desk):
    desk.assign("r1")
    removed = desk["editor"].api("DELETE", f"/claims/{desk.claim_id}/assignments/"
                                 f"{desk['r1'].user.email}")
    assert removed.status_code == 204
    assert kinds(desk, "r1") == ["unassigned", "assigned"]
    assert kinds(desk, "editor") == []
    location, status = open_link(desk, "r1", inbox(desk, "r1")[0])
    assert location == "/review/" and status == 200


def test_sent_back_tells_the_claims_reviewers(desk):
    submit_both(desk)
    page = f"/editor/claims/{desk.claim_id}"
    assert desk["decider"].post(f"{page}/send-back", {"note": "Check the base year."}
                                ).status_code == 302
    for name in ("r1", "r2"):
        item = inbox(desk, name)[0]
        assert item["kind"] == "sent_back" and "Dee Decider" in item["text"]
        assert "base year" not in json.dumps(item)  # the note is a comment: never copied
        location, status = open_link(desk, name, item)
        assert location == f"/review/claims/{desk.claim_id}#my-review" and status == 200
    assert "sent_back" not in kinds(desk, "decider")
    assert "sent_back" not in kinds(desk, "editor")


def test_ready_for_decision_tells_the_articles_editor(desk):
    submit_both(desk)
    # Eda assigned the reviewers: the article's editor. The reviewers are not told, nor
    # editors outside the article while it has one.
    [item] = [i for i in inbox(desk, "editor") if i["kind"] == "ready_for_decision"]
    assert "ready for decision" in item["text"]
    location, status = open_link(desk, "editor", item)
    assert location == f"/editor/claims/{desk.claim_id}/decide" and status == 200
    for name in ("r1", "r2", "decider", "editor2"):
        assert "ready_for_decision" not in kinds(desk, name)


def test_ready_for_decision_goes_to_every_editor_when_the_articles_editor_is_recused(desk):
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    conflict = desk["editor"].post(f"/review/claims/{desk.claim_id}/conflict",
                                   {"reason": "My brother wrote it.", "whole_article": "y"})
    assert conflict.status_code == 302
    assert desk.assign("editor2").status_code == 403  # recused: assigns no more
    submit_both(desk, assign=False)
    assert "ready_for_decision" not in kinds(desk, "editor")
    for name in ("decider", "editor2"):
        assert kinds(desk, name) == ["ready_for_decision"]
    assert "ready_for_decision" not in kinds(desk, "r1")


def test_decided_and_published_tell_the_reviewers(desk):
    submit_both(desk)
    decide(desk)
    publish(desk)
    for name in ("r1", "r2"):
        items = inbox(desk, name)
        assert [i["kind"] for i in items[:2]] == ["published", "decided"]
        for item in items[:2]:
            location, status = open_link(desk, name, item)
            assert location == f"/review/claims/{desk.claim_id}" and status == 200
    assert {"decided", "published"}.isdisjoint(kinds(desk, "decider"))


def test_a_correction_tells_everyone_who_reviewed_or_decided_the_claim(desk):
    submit_both(desk)
    decide(desk)
    publish(desk)
    decide(desk, "editor", rating="half-true", version=1,
           correction_note="The base year was wrong.")
    for name in ("r1", "r2"):
        [item] = [i for i in inbox(desk, name) if i["kind"] == "corrected"]
        assert "Eda Editor" in item["text"] and "correction" in item["text"]
        assert item["details"]["changes"] == ["verdict"]
        assert "Half true" not in json.dumps(item) and "base year" not in json.dumps(item)
    [item] = [i for i in inbox(desk, "decider") if i["kind"] == "corrected"]
    location, status = open_link(desk, "decider", item)
    assert location == f"/editor/claims/{desk.claim_id}" and status == 200
    assert "corrected" not in kinds(desk, "editor")  # the one who corrected it
    assert "corrected" not in kinds(desk, "editor2")  # had nothing to do with it


def test_a_wording_correction_is_told_too(desk):
    submit_both(desk)
    decide(desk)
    publish(desk)
    claim = desk.claim()
    response = desk["editor"].api("PATCH", f"/claims/{desk.claim_id}", {
        "version": claim.version, "text": "Unemployment fell to 3.6 percent in October.",
        "correction_note": "Misquoted."})
    assert response.status_code == 200, response.json
    [item] = [i for i in inbox(desk, "r1") if i["kind"] == "corrected"]
    assert item["details"]["changes"] == ["wording"]


def test_a_reader_report_tells_every_editor(desk, app, make_user):
    submit_both(desk)
    decide(desk)
    publish(desk)
    admin = make_user(Role.ADMIN)
    slug = rows(app, Article, id=desk.claim().article_id)[0].slug
    reader = app.test_client()
    page = reader.get(f"/checks/{slug}/report").get_data(as_text=True)
    sent = reader.post(f"/checks/{slug}/report", data={
        "csrf_token": csrf_token(page), "claim": "1", "message": "READER-TEXT is wrong.",
        "contact": ""})
    assert sent.status_code == 302
    for name in ("editor", "editor2", "decider"):
        [item] = [i for i in inbox(desk, name) if i["kind"] == "report"]
        assert item["actor"] is None and "READER-TEXT" not in json.dumps(item)
        assert item["report_id"] is not None
    [item] = [i for i in inbox(desk, "editor2") if i["kind"] == "report"]
    location, status = open_link(desk, "editor2", item)
    assert location == f"/editor/reports#report-{item['report_id']}" and status == 200
    assert f'id="report-{item["report_id"]}"' in desk["editor2"].page("/editor/reports")[1]
    for name in ("r1", "r2"):
        assert "report" not in kinds(desk, name)
    assert len(rows(app, Notification, user_id=admin.id, kind=NotificationKind.REPORT)) == 1


def test_mentions_tell_who_is_named_among_those_who_read_the_discussion(desk, app, make_user):
    outsider = make_user(Role.REVIEWER, name="Olga Outsider")
    desk.assign("r1")
    desk.assign("r2")
    local = desk["r1"].user.email.partition("@")[0]
    body = (f"@sam two and @EDA EDITOR, see MENTION-BODY; @{local}. "
            "Also @Olga Outsider and @Dee Deciderx.")
    response = desk["r1"].post(f"/review/claims/{desk.claim_id}/comments", {"body": body})
    assert response.status_code == 302
    for name in ("r2", "editor"):
        [item] = [i for i in inbox(desk, name) if i["kind"] == "mention"]
        assert item["text"].startswith("Rui One mentioned you in the discussion")
        assert "MENTION-BODY" not in json.dumps(item)
        location, status = open_link(desk, name, item)
        assert location == f"/review/claims/{desk.claim_id}#discussion" and status == 200
    assert "mention" not in kinds(desk, "r1")  # named themselves by their email: the author
    assert "mention" not in kinds(desk, "decider")  # "@Dee Deciderx" is someone else
    assert rows(app, Notification, user_id=outsider.id) == []  # cannot read the discussion


def test_the_recused_are_never_told_about_the_claim(desk):
    conflict = desk["decider"].post(f"/review/claims/{desk.claim_id}/conflict",
                                    {"reason": "Former employer.", "whole_article": ""})
    assert conflict.status_code == 302
    desk.assign("r1")
    desk["r1"].post(f"/review/claims/{desk.claim_id}/comments", {"body": "@Dee Decider?"})
    assert kinds(desk, "decider") == []


# --- Reading them ----------------------------------------------------------------------------


def _many(app, user_id: int, n: int) -> list[int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        article = Article(title="Many", slug=f"many-{user_id}", body="Text.")
        db.session.add(article)
        db.session.flush()
        for _k in range(n):
            notify(db.session, users=[user], actor=None, kind=NotificationKind.REPORT,
                   article=article)
        db.session.commit()
    return sorted(n.id for n in rows(app, Notification, user_id=user_id))


def test_inbox_pages_newest_first_and_marks_read_on_the_web(client, app, login_as):
    user = login_as(Role.EDITOR)
    ids = _many(app, user.id, 55)
    first = client.get("/notifications").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'id="notification-(\d+)"', first)]
    assert shown == sorted(ids, reverse=True)[:50]
    assert "Page 1 of 2" in first and "(55 unread)" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    on_second = [int(n) for n in re.findall(r'id="notification-(\d+)"', second)]
    assert on_second == sorted(ids, reverse=True)[50:]
    token = csrf_token(first)
    assert client.post(f"/notifications/{ids[0]}/read", data={"csrf_token": token,
                                                              "page": "2"}
                       ).headers["Location"] == "/notifications?page=2"
    unread = client.get("/notifications?unread=1").get_data(as_text=True)
    assert f'id="notification-{ids[0]}"' not in unread and "(54 unread)" in unread
    response = client.post("/notifications/read-all", data={"csrf_token": token},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "54 notifications marked read." in page and "unread)" not in page
    assert "No unread notifications." in client.get("/notifications?unread=1").get_data(
        as_text=True)


def test_someone_elses_notification_is_not_found(app, make_user, client):
    owner, other = make_user(Role.EDITOR), make_user(Role.EDITOR)
    [mine] = _many(app, owner.id, 1)
    login(client, other.email)
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    for action in ("open", "read"):
        response = client.post(f"/notifications/{mine}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    assert f"notification-{mine}" not in client.get("/notifications").get_data(as_text=True)
    assert rows(app, Notification, id=mine)[0].read_at is None


def test_opening_needs_a_post_with_the_csrf_token(app, login_as, client):
    user = login_as(Role.REVIEWER)
    [mine] = _many(app, user.id, 1)
    assert client.get(f"/notifications/{mine}/open").status_code == 405
    assert client.post(f"/notifications/{mine}/open").status_code == 400
    assert rows(app, Notification, id=mine)[0].read_at is None


def test_api_lists_pages_and_marks_read(desk, app):
    owner = desk["r1"]
    ids = _many(app, owner.user.id, 25)
    others = _many(app, desk["r2"].user.id, 2)
    first = owner.api("GET", "/notifications?per_page=10&page=3").json
    assert first["total"] == 25 and first["unread"] == 25 and first["page"] == 3
    assert [i["id"] for i in first["items"]] == sorted(ids, reverse=True)[20:]
    assert first["items"][0]["url"].endswith("/editor/reports")
    marked = owner.api("POST", "/notifications/read", {"ids": [ids[0], ids[1], *others,
                                                               999_999]})
    assert marked.status_code == 200 and marked.json == {"marked": 2, "unread": 23}
    again = owner.api("POST", "/notifications/read", {"ids": [ids[0]]})
    assert again.json == {"marked": 0, "unread": 23}  # a repeat is harmless
    assert all(r.read_at is None for r in rows(app, Notification, user_id=desk["r2"].user.id))
    unread = owner.api("GET", "/notifications?unread=1&per_page=100").json
    assert unread["total"] == 23 and ids[0] not in [i["id"] for i in unread["items"]]
    assert owner.api("POST", "/notifications/read", {}).status_code == 422
    assert owner.api("POST", "/notifications/read", {"ids": ["x"]}).status_code == 422
    assert owner.api("GET", "/notifications?unread=yes").status_code == 400
    assert owner.api("POST", "/notifications/read", {"all": True}).json == {
        "marked": 23, "unread": 0}
    assert desk["r2"].api("GET", "/notifications").json["unread"] == 2


def test_api_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read", json={"all": True}).status_code == 401


def test_unread_count_in_the_navigation_of_every_page(app, client, login_as):
    user = login_as(Role.EDITOR)
    _many(app, user.id, 3)
    for path in ("/", "/search", "/review/", "/editor/", "/editor/reports",
                 "/account/password", "/account/sessions", "/methodology", "/corrections",
                 "/notifications"):
        page = client.get(path).get_data(as_text=True)
        assert re.search(r'href="/notifications">Notifications <span class="count-badge" '
                         r'aria-hidden="true">3</span><span class="visually-hidden"> '
                         r'\(3 unread\)</span></a>', page), path
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/notifications"' not in anonymous


# --- Blind review ------------------------------------------------------------------------------

SECRET_RATING = "False and ridiculous"  # the submitted reviewer's rating (its name)
SECRET_RATIONALE = "SECRET-RATIONALE-2 the report says 3.9"
SECRET_COMMENT = "SECRET-COMMENT-2"
SECRET_DRAFT = "SECRET-DRAFT-1"


def fire_every_event(desk: Desk, app, runner, blind: str = "editor2") -> None:
    """Cause every kind of notification about one claim whose reviewer `blind` has not
    submitted while `r2` has, with the secrets above in r2's verdict, comment and the blind
    reviewer's draft (shared with the mail tests); reminders by `send-reminders`."""
    with app.app_context():  # one verdict suffices: the claim is decided while one is blind
        set_setting(db.session, key="reviews_required", value=1,
                    actor=db.session.get(User, desk["editor"].user.id))
        db.session.commit()
    claim = desk.claim_id
    assert desk.assign(blind).status_code == 201  # assigned
    removed = desk["editor"].api("DELETE", f"/claims/{claim}/assignments/"
                                 f"{desk[blind].user.email}")
    assert removed.status_code == 204  # assignment removed
    assert desk.assign(blind).status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    assert desk.draft(blind, SECRET_DRAFT, [source]).status_code == 302
    desk["r2"].post(f"/review/claims/{claim}/comments",
                    {"body": f"{SECRET_COMMENT} I rated it {SECRET_RATING}, @Ed Reviewing."})
    assert desk.submit("r2", SECRET_RATIONALE, [source],
                       rating="false-ridiculous").status_code == 201  # ready for decision
    with app.app_context():  # the blind reviewer's review is due on DUE
        db.session.exec(update(Assignment).where(Assignment.reviewer_id == desk[blind].user.id)
                        .values(due_on=date.fromisoformat(DUE)))
        db.session.commit()
    for day in (date.fromisoformat(DUE) - timedelta(days=1),  # due tomorrow
                date.fromisoformat(DUE) + timedelta(days=1)):  # overdue
        assert runner.invoke(["send-reminders", "--date", day.isoformat()]).exit_code == 0
    assert desk["decider"].post(f"/editor/claims/{claim}/send-back",
                                {"note": "Look again."}).status_code == 302  # sent back
    assert desk.submit("r2", SECRET_RATIONALE, [source],
                       rating="false-ridiculous").status_code == 201  # ready again
    decide(desk)  # decided
    publish(desk)  # published
    decide(desk, "editor", rating="half-true", version=1,
           correction_note="Rounded.")  # corrected
    slug = rows(app, Article, id=desk.claim().article_id)[0].slug
    reader = app.test_client()
    page = reader.get(f"/checks/{slug}/report").get_data(as_text=True)
    assert reader.post(f"/checks/{slug}/report", data={
        "csrf_token": csrf_token(page), "claim": "1", "message": "Wrong.", "contact": ""}
    ).status_code == 302  # a reader report


def test_no_notification_reveals_a_colleagues_verdict_to_a_blind_reviewer(desk, app, runner):
    """Every event, about a claim whose reviewer `editor2` has not submitted while `r2` has:
    nothing the blind reviewer is shown by notifications (inbox page, API, the pages its
    links open) holds r2's rating, rationale or comment, or anyone's draft text."""
    blind = "editor2"  # an editor reviewing: so that editors' events reach them too
    fire_every_event(desk, app, runner, blind)
    told = {n.kind for n in rows(app, Notification)}
    assert told == set(NotificationKind), "every event type fired"
    received = set(kinds(desk, blind))
    assert received == set(NotificationKind) - {NotificationKind.READY_FOR_DECISION}
    # Ready for decision never reaches a reviewer of the claim: that is the rule itself.

    secrets = (SECRET_RATING, SECRET_RATIONALE, SECRET_COMMENT, SECRET_DRAFT)
    pages = [desk[blind].page("/notifications")[1],
             desk[blind].page("/notifications?unread=1")[1],
             desk[blind].api("GET", "/notifications?per_page=100").get_data(as_text=True),
             desk[blind].api("GET", "/notifications?unread=1").get_data(as_text=True)]
    for text in pages:
        for secret in secrets:
            assert secret not in text
    # Another reviewer's draft is never shown either: r2 sees their inbox free of the
    # blind reviewer's draft.
    assert SECRET_DRAFT not in desk["r2"].api("GET", "/notifications").get_data(as_text=True)
    for item in inbox(desk, blind):
        location = desk[blind].post(f"/notifications/{item['id']}/open").headers["Location"]
        landed = desk[blind].web.get(location.partition("#")[0]).get_data(as_text=True)
        for secret in (SECRET_RATIONALE, SECRET_COMMENT):
            assert secret not in landed, (item["kind"], location)
