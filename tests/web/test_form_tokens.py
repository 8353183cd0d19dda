"""One submission per rendered form: a form sent twice does its work once (issue 12)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import func, select

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import Article, Claim, Comment, FormSubmission
from factcheck.states import Role
from factcheck.workflow.articles import import_article

from ..helpers import csrf_token, login, logout

TEXT = "Unemployment fell to 3.5 percent in October. The council approved a budget."
_TOKEN = re.compile(r'<input type="hidden" name="form_token" value="([^"]+)">')


def _form(client, page: str) -> dict[str, str]:
    """The CSRF and one-time tokens of the first form on `page`."""
    html = client.get(page).get_data(as_text=True)
    return {"csrf_token": csrf_token(html), "form_token": _TOKEN.search(html).group(1)}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(model)).one()


def _import(client, tokens: dict[str, str], **fields):
    data = {**tokens, "text": TEXT, "title": "Jobs report", **fields}
    return client.post("/editor/articles/new", data=data)


def test_every_form_on_a_page_gets_its_own_token(app, client, login_as):
    login_as(Role.EDITOR)
    html = client.get("/editor/articles/new").get_data(as_text=True)
    forms = html.count('method="post"')
    tokens = _TOKEN.findall(html)
    assert forms >= 2 and len(tokens) == forms  # the import form and sign-out
    assert len(set(tokens)) == len(tokens)
    again = _TOKEN.findall(client.get("/editor/articles/new").get_data(as_text=True))
    assert not set(again) & set(tokens)  # a new page, new tokens


def test_a_form_sent_twice_imports_one_article_and_the_repeat_lands_where_the_first_did(
        app, client, login_as):
    login_as(Role.EDITOR)
    tokens = _form(client, "/editor/articles/new")
    first = _import(client, tokens)
    assert first.status_code == 302 and re.search(r"/editor/articles/\d+$", first.location)
    repeat = _import(client, tokens)
    assert repeat.status_code == 302 and repeat.location == first.location
    assert _count(app, Article) == 1
    shown = client.get(repeat.location).get_data(as_text=True)
    assert "This form had already been sent; it is not sent twice." in shown


def test_a_refused_form_spends_nothing_and_can_be_sent_again(app, client, login_as):
    login_as(Role.EDITOR)
    tokens = _form(client, "/editor/articles/new")
    refused = _import(client, tokens, text="")  # no text at all: refused, 422
    assert refused.status_code == 422
    assert _count(app, FormSubmission) == 0
    assert _import(client, tokens).status_code == 302
    assert _count(app, Article) == 1


def test_a_repeated_comment_after_a_workflow_refusal_is_not_blocked(app, client, login_as):
    """A refusal inside the workflow (a rollback) leaves the token unspent too."""
    editor = login_as(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        db.session.commit()
        claim_id = db.session.exec(select(Claim.id).where(Claim.article_id == article.id)).first()
    tokens = _form(client, f"/review/claims/{claim_id}")
    url = f"/review/claims/{claim_id}/comments"
    assert client.post(url, data={**tokens, "body": "   "}).status_code == 422
    assert _count(app, Comment) == 0
    assert client.post(url, data={**tokens, "body": "Check the October table."}
                       ).status_code == 302
    assert client.post(url, data={**tokens, "body": "Check the October table."}
                       ).status_code == 302
    with app.app_context():
        comments = db.session.exec(select(Comment)).all()
        assert [(c.author_id, c.body) for c in comments] == [
            (editor.id, "Check the October table.")]


def test_a_malformed_token_is_refused(app, client, login_as):
    login_as(Role.EDITOR)
    tokens = _form(client, "/editor/articles/new")
    for bad in ("", "short", "x" * 65, "not a token with spaces!!"):
        response = _import(client, {**tokens, "form_token": bad})
        assert response.status_code == 400, bad
    assert _count(app, Article) == 0


def test_someone_elses_spent_token_never_shows_where_their_form_led(app, client, make_user):
    first, second = make_user(Role.EDITOR), make_user(Role.EDITOR)
    login(client, first.email)
    tokens = _form(client, "/editor/articles/new")
    led_to = _import(client, tokens).location
    logout(client)
    login(client, second.email)
    own = _form(client, "/editor/articles/new")
    repeat = _import(client, {**own, "form_token": tokens["form_token"]},
                     title="Another article")
    assert repeat.status_code == 302 and repeat.location != led_to
    assert _count(app, Article) == 1


def test_spent_tokens_are_forgotten_after_a_day(app, client, login_as):
    login_as(Role.EDITOR)
    tokens = _form(client, "/editor/articles/new")
    assert _import(client, tokens).status_code == 302
    with app.app_context():
        db.session.exec(update(FormSubmission).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    fresh = _form(client, "/editor/articles/new")
    assert _import(client, fresh, title="Second").status_code == 302
    with app.app_context():  # the day-old token went when the next one was spent
        spent = db.session.exec(select(FormSubmission.token)).all()
    assert spent == [fresh["form_token"]]
