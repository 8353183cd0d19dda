"""Lists that grow with the data are shown a page at a time, with a pager."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from factcheck.extensions import db
from factcheck.models import Article, Assignment, Claim, Correction, ReaderReport, User
from factcheck.queries.paging import PER_PAGE, Page, page_number
from factcheck.states import ArticleStatus, ClaimStatus, ReportStatus, Role

START = datetime(2026, 1, 1, tzinfo=UTC)


def _articles(app, n: int, **fields) -> list[int]:
    """`n` articles, article k created k minutes after START; returns their ids."""
    with app.app_context():
        made = [Article(title=f"Article {k:03d}", body="One. Two.", slug=f"article-{k:03d}",
                        created_at=START + timedelta(minutes=k), **fields) for k in range(n)]
        db.session.add_all(made)
        db.session.commit()
        return [a.id for a in made]


def _titles(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def _pager(html: str) -> str:
    match = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def test_the_dashboard_shows_fifty_articles_a_page_newest_first(app, client, login_as):
    login_as(Role.EDITOR)
    _articles(app, PER_PAGE + 1)
    first = client.get("/editor/").get_data(as_text=True)
    titles = _titles(first, r">(Article \d{3})</a>")
    assert len(titles) == PER_PAGE and titles[0] == "Article 050" and titles[-1] == "Article 001"
    pager = _pager(first)
    assert "Page 1 of 2" in pager and "1 to 50 of 51" in pager
    assert '<a rel="next" href="/editor/?page=2">' in pager and 'rel="prev"' not in pager
    second = client.get("/editor/?page=2").get_data(as_text=True)
    assert _titles(second, r">(Article \d{3})</a>") == ["Article 000"]
    assert '<a rel="prev" href="/editor/?page=1">' in second and 'rel="next"' not in second
    # Nonsense asks for the first page; a page past the end shows the last one.
    assert _titles(client.get("/editor/?page=x").get_data(as_text=True),
                   r">(Article \d{3})</a>") == titles
    assert "Page 2 of 2" in client.get("/editor/?page=9").get_data(as_text=True)


def test_a_short_list_has_no_pager(app, client, login_as):
    login_as(Role.EDITOR)
    _articles(app, 3)
    html = client.get("/editor/").get_data(as_text=True)
    assert "Article 002" in html and 'class="pagination"' not in html


def test_the_queue_pages_dated_claims_first_then_the_others(app, client, login_as):
    reviewer = login_as(Role.REVIEWER)
    [article_id] = _articles(app, 1)
    with app.app_context():
        claims = [Claim(article_id=article_id, position=k, start=0, end=4, text=f"Claim {k:03d}",
                        status=ClaimStatus.IN_REVIEW) for k in range(PER_PAGE + 2)]
        db.session.add_all(claims)
        db.session.flush()
        for k, claim in enumerate(claims):
            # Claims 0 and 1 have no due date; the others fall due one day apart, latest first.
            due = None if k < 2 else date(2030, 1, 1) - timedelta(days=k)
            db.session.add(Assignment(claim_id=claim.id, reviewer_id=reviewer.id, due_on=due,
                                      assigned_at=START + timedelta(minutes=k)))
        db.session.commit()
    first = client.get("/review/").get_data(as_text=True)
    titles = _titles(first, r">(Claim \d{3})</a>")
    assert titles[:2] == ["Claim 051", "Claim 050"] and len(titles) == PER_PAGE
    assert "Page 1 of 2" in _pager(first)
    second = client.get("/review/?page=2").get_data(as_text=True)
    assert _titles(second, r">(Claim \d{3})</a>") == ["Claim 000", "Claim 001"]


def test_the_inbox_pages_new_then_triaged_then_closed_reports(app, client, login_as):
    login_as(Role.EDITOR)
    statuses = ([ReportStatus.CLOSED] * 2 + [ReportStatus.TRIAGED] * 2
                + [ReportStatus.NEW] * (PER_PAGE - 1))
    with app.app_context():
        for k, status in enumerate(statuses):
            db.session.add(ReaderReport(message=f"Report {k:03d} {status}", status=status,
                                        created_at=START + timedelta(minutes=k)))
        db.session.commit()
    first = client.get("/editor/reports").get_data(as_text=True)
    messages = _titles(first, r"Report \d{3} (\w+)")
    assert messages == ["new"] * (PER_PAGE - 1) + ["triaged"]
    assert "Report 052 new" in first and "Report 003 triaged" in first  # newest first
    second = client.get("/editor/reports?page=2").get_data(as_text=True)
    assert _titles(second, r"Report (\d{3} \w+)") == ["002 triaged", "001 closed",
                                                      "000 closed"]
    assert "Page 2 of 2" in _pager(second) and "51 to 53 of 53" in _pager(second)


def test_the_accounts_list_pages(app, client, login_as):
    login_as(Role.ADMIN)
    with app.app_context():
        db.session.add_all([User(email=f"person{k:03d}@example.org", display_name=f"Person {k:03d}",
                                 role=Role.REVIEWER) for k in range(PER_PAGE)])
        db.session.commit()
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in _pager(first) and "Person 048" in first  # the admin comes first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert _titles(second, r">(Person \d{3})</a>") == ["Person 049"]


def test_the_public_corrections_page_pages_without_counting(app, client):
    [article_id] = _articles(app, 1, status=ArticleStatus.PUBLISHED)
    with app.app_context():
        db.session.add_all([Correction(article_id=article_id, note=f"Fix {k:03d}.",
                                       created_at=START + timedelta(minutes=k))
                            for k in range(PER_PAGE + 1)])
        db.session.commit()
    first = client.get("/corrections").get_data(as_text=True)
    assert _titles(first, r"Fix (\d{3})\.")[:2] == ["050", "049"]
    assert "(1 to 50)" in _pager(first) and "Page 1 of" not in _pager(first)
    assert '<a rel="next" href="/corrections?page=2">' in _pager(first)
    second = client.get("/corrections?page=2").get_data(as_text=True)
    assert _titles(second, r"Fix (\d{3})\.") == ["000"] and 'rel="next"' not in second


def test_page_numbers_and_positions():
    assert [page_number(args) for args in ({}, {"page": "3"}, {"page": "0"}, {"page": "-2"},
                                           {"page": "x"})] == [1, 3, 1, 1, 1]
    page = Page(items=list(range(5)), number=3, per_page=10, total=25)
    assert (page.pages, page.first, page.last, page.has_prev, page.has_next) == (
        3, 21, 25, True, False)
    assert Page(items=[], number=1, per_page=10, total=0).pages == 1
    uncounted = Page(items=[1], number=2, per_page=1, total=None, more=True)
    assert uncounted.pages is None and uncounted.has_next


@pytest.mark.parametrize("page", ["99999999999999999999", "1000000000000000000", "-3"])
def test_huge_or_negative_page_numbers_are_not_errors(client, login_as, page):
    for path in ("/corrections", "/search"):
        assert client.get(path, query_string={"page": page, "q": "x"}).status_code == 200
    login_as(Role.ADMIN)
    for path in ("/editor/", "/editor/reports", "/admin/users"):
        assert client.get(path, query_string={"page": page}).status_code == 200
