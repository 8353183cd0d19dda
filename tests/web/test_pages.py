"""Dashboards, error pages and the headers every response carries."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Assignment, AuditEvent, Claim, Review
from factcheck.states import ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import create_article

from ..helpers import count_queries, post_form


def _article_with_claims(app, statuses: list[ClaimStatus], title="Budget report") -> int:
    with app.app_context():
        article = create_article(
            db.session,
            title=title,
            body="One. Two. Three. Four.",
            actor=None,
            outlet="Daily <Example>",
        )
        for i, status in enumerate(statuses):
            db.session.add(
                Claim(
                    article_id=article.id,
                    position=i,
                    start=i * 5,
                    end=i * 5 + 4,
                    text=f"Claim {i}",
                    status=status,
                )
            )
        db.session.commit()
        return article.id


def test_editor_dashboard_shows_articles_with_claim_progress(app, client, login_as):
    login_as(Role.EDITOR)
    _article_with_claims(
        app,
        [
            ClaimStatus.SELECTED,
            ClaimStatus.SELECTED,
            ClaimStatus.IN_REVIEW,
            ClaimStatus.REVIEWED,
            ClaimStatus.DECIDED,
            ClaimStatus.PUBLISHED,
            ClaimStatus.PUBLISHED,
            ClaimStatus.PUBLISHED,
            ClaimStatus.CANDIDATE,
            ClaimStatus.DISMISSED,
        ],
    )
    html = client.get("/editor/").get_data(as_text=True)
    assert "Budget report" in html
    assert "Daily &lt;Example&gt;" in html  # escaped
    # Cumulative: a published claim was also chosen and decided (the table once showed
    # "Selected 0, In review 0, Decided 0" after three claims went through every stage).
    cells = [re.sub(r"<[^>]+>", "", c.split("</td>")[0]).strip()
             for c in html.split('<td class="num">')[1:7]]
    assert cells == ["10", "8", "1", "1 ready to decide", "4", "3"]


def test_editor_dashboard_query_count_does_not_grow_with_articles(app, client, login_as):
    login_as(Role.EDITOR)
    _article_with_claims(app, [ClaimStatus.SELECTED])
    with count_queries(app) as one:
        client.get("/editor/")
    for n in range(5):
        _article_with_claims(app, [ClaimStatus.SELECTED] * 3, title=f"More {n}")
    with count_queries(app) as many:
        client.get("/editor/")
    assert len(many) == len(one) > 0


def test_article_page_shows_text_and_claims(app, client, login_as):
    login_as(Role.EDITOR)
    article_id = _article_with_claims(app, [ClaimStatus.CANDIDATE])
    html = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert "Claim 0" in html and "Three. Four." in html
    assert client.get("/editor/articles/999999").status_code == 404


def test_reviewer_queue_shows_only_their_claims_with_states_and_overdue(
    app, client, login_as, make_user
):
    reviewer = login_as(Role.REVIEWER)
    other = make_user(Role.REVIEWER)
    article_id = _article_with_claims(app, [ClaimStatus.IN_REVIEW] * 4)
    with app.app_context():
        claims = db.session.exec(
            select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)
        ).all()
        yesterday = date.today() - timedelta(days=1)
        db.session.add(Assignment(claim_id=claims[0].id, reviewer_id=reviewer.id, due_on=yesterday))
        db.session.add(Assignment(claim_id=claims[1].id, reviewer_id=reviewer.id))
        db.session.add(Assignment(claim_id=claims[2].id, reviewer_id=reviewer.id))
        db.session.add(Assignment(claim_id=claims[3].id, reviewer_id=other.id))
        db.session.add(Review(claim_id=claims[1].id, reviewer_id=reviewer.id))
        db.session.add(
            Review(claim_id=claims[2].id, reviewer_id=reviewer.id, status=ReviewStatus.SUBMITTED)
        )
        db.session.commit()
    html = client.get("/review/").get_data(as_text=True)
    assert "Claim 0" in html and "Claim 1" in html and "Claim 2" in html
    assert "Claim 3" not in html  # someone else's
    assert html.count('class="overdue"') == 1
    for state in ("To do", "In progress", "Submitted"):
        assert state in html


def test_navigation_depends_on_the_role(client, login_as):
    login_as(Role.REVIEWER)
    html = client.get("/review/").get_data(as_text=True)
    assert 'href="/review/"' in html
    assert 'href="/editor/"' not in html and 'href="/admin/users"' not in html


def test_error_pages_are_plain_html_without_details(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "Not found" in response.get_data(as_text=True)


def test_server_errors_roll_back_and_show_no_stack_trace(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        db.session.add(AuditEvent(action="half-written"))
        db.session.flush()
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html
    with app.app_context():
        assert db.session.exec(select(AuditEvent)).all() == []


def test_security_headers_on_pages_and_errors(client):
    for path in ("/login", "/no/such/page", "/static/style.css"):
        response = client.get(path)
        response.close()
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert "base-uri 'self'" in csp and "unsafe-inline" not in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_hsts_over_https_and_no_store_on_private_pages(client, login_as):
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers
    login_as(Role.EDITOR)
    assert client.get("/editor/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make_user):
    make_user()
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_public_front_page_lists_only_published_checks(app, client):
    _article_with_claims(app, [], title="Unpublished draft")
    assert "Unpublished draft" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        article = db.session.exec(select(Article)).one()
        from factcheck.dbtypes import utcnow
        from factcheck.states import ArticleStatus

        article.status, article.published_at = ArticleStatus.PUBLISHED, utcnow()
        db.session.commit()
    assert "Unpublished draft" in client.get("/").get_data(as_text=True)


def test_form_fields_carry_no_empty_aria_or_autocomplete_values(client, make_user):
    make_user()
    html = client.get("/login").get_data(as_text=True)
    assert '="None"' not in html and 'aria-invalid' not in html
    response = post_form(client, "/login", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and 'aria-describedby="email-error"' in html
