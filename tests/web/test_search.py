"""Search across published checks and the public index, through the app, on both engines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import unquote

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from factcheck.engine.search_text import normalise, words
from factcheck.extensions import db
from factcheck.models import Article, Claim, Decision, User
from factcheck.queries import search
from factcheck.queries.scales import active_scale, scale_labels
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import create_article
from factcheck.workflow.publishing import publish_article

from ..helpers import count_queries, csrf_token, login

JOBS = [
    ("Unemployment fell to 3.5 percent in October.", "true",
     "The **statistics office** confirms the monthly figure.", "The ministry"),
    ("The council approved a budget of 4.2 million.", "false",
     "The minutes show a budget of 2.4 million, approved on Monday.", "Mayor Jones"),
]
BRIDGE = [
    ("The new bridge cost twice the estimate.", "mostly-true",
     "Invoices show the overrun was closer to eighty percent.", "Opposition leader"),
]
PERSIAN = [
    ("نرخ بیکاری در ایران به ۳ درصد کاهش یافت.", "false",
     "آمار رسمی مرکز آمار این ادعا را تأیید نمی‌کند.", "وزیر کار"),
]


def _publish(app, editor: User, *, title: str, claims, outlet: str | None = "Daily Example",
             open_claims=(), published_at: datetime | None = None) -> dict:
    """Publish an article whose `claims` are (text, label key, conclusion, claimant), decided,
    plus `open_claims` texts still being checked; returns the slug and article id."""
    texts = [c[0] for c in claims] + list(open_claims)
    with app.app_context():
        session = db.session
        labels = {lab.key: lab for lab in scale_labels(session, active_scale(session))}
        article = create_article(session, title=title, body=" ".join(texts), actor=None,
                                 outlet=outlet)
        start = 0
        for n, claim_text in enumerate(texts):
            decided = n < len(claims)
            claim = Claim(article_id=article.id, position=n, start=start,
                          end=start + len(claim_text), text=claim_text,
                          status=ClaimStatus.DECIDED if decided else ClaimStatus.SELECTED,
                          claimant=claims[n][3] if decided else None)
            session.add(claim)
            session.flush()
            if decided:
                session.add(Decision(claim_id=claim.id, editor_id=editor.id,
                                     rating_id=labels[claims[n][1]].id, summary=claims[n][2]))
            start += len(claim_text) + 1
        article.published_at = published_at  # a first publication date, for the date filter
        session.flush()
        publish_article(session, article=article, editor=session.get(User, editor.id),
                        include_open=True)
        session.commit()
        return {"slug": article.slug, "article_id": article.id}


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR, name="Eda Editor")


@pytest.fixture
def published(app, editor) -> dict[str, dict]:
    """Three published checks on different days, outlets and verdicts."""
    return {
        "jobs": _publish(app, editor, title="Jobs report", claims=JOBS,
                         open_claims=["Wages rose faster than prices."],
                         published_at=datetime(2026, 3, 2, 9, tzinfo=UTC)),
        "bridge": _publish(app, editor, title="The bridge over the river", claims=BRIDGE,
                           outlet="Evening Post",
                           published_at=datetime(2026, 5, 20, 9, tzinfo=UTC)),
        "persian": _publish(app, editor, title="گزارش اشتغال", claims=PERSIAN,
                            outlet="روزنامه نمونه",
                            published_at=datetime(2026, 7, 1, 9, tzinfo=UTC)),
    }


def _search(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _hits(html: str) -> list[str]:
    """The links of the results, in order."""
    # Unquoted: a Persian-script slug is percent-encoded in the page's links.
    return [unquote(link) for link in
            re.findall(r'<li class="hit">\s*<h3><a href="([^"]+)"', html)]


def _total(html: str) -> int:
    if "No published claims match" in html:
        return 0
    match = re.search(r"(\d+) published claims? match", html)
    assert match, "no result count on the page"
    return int(match.group(1))


# --- Finding claims ------------------------------------------------------------------------

def test_words_from_claim_text_conclusion_and_article_title_find_the_claim(
        client, published):
    jobs = published["jobs"]["slug"]
    assert _hits(_search(client, q="unemployment")) == [f"/checks/{jobs}#claim-1"]
    assert _hits(_search(client, q="Minutes MONDAY")) == [f"/checks/{jobs}#claim-2"]
    assert _hits(_search(client, q="statistics office")) == [f"/checks/{jobs}#claim-1"]
    assert _hits(_search(client, q="bridge river")) == [
        f"/checks/{published['bridge']['slug']}#claim-1"]
    by_title = _hits(_search(client, q="jobs report"))
    assert sorted(by_title) == [f"/checks/{jobs}#claim-{n}" for n in (1, 2, 3)]
    # Every word must match; claimants, verdicts and outlets are searchable too.
    assert _hits(_search(client, q="unemployment bridge")) == []
    assert _hits(_search(client, q="Mayor Jones")) == [f"/checks/{jobs}#claim-2"]
    assert len(_hits(_search(client, q="evening post"))) == 1


def test_a_result_shows_verdict_article_and_a_highlighted_snippet(client, published):
    html = _search(client, q="minutes")
    assert "<strong class=\"verdict\">✘ False</strong>" in html
    assert "Claimed by <bdi>Mayor Jones</bdi>" in html
    assert '<cite dir="auto">Jobs report</cite>' in html
    assert "The <mark>minutes</mark> show a budget" in html
    assert '<time datetime="2026-03-02">Mar 2, 2026</time>' in html
    # The conclusion is shown as the text readers read, not as Markdown source.
    assert "The statistics office confirms" in _search(client, q="unemployment")


def test_open_claims_are_found_as_still_being_checked(client, published):
    html = _search(client, q="wages")
    assert _hits(html) == [f"/checks/{published['jobs']['slug']}#claim-3"]
    assert "Still being checked." in html


def test_only_published_text_is_indexed(app, client, editor, published):
    with app.app_context():
        create_article(db.session, title="Secret draft about zeppelins",
                       body="Zeppelins are back.", actor=None)
        db.session.commit()
    assert _total(_search(client, q="zeppelins")) == 0


def test_persian_words_are_found_whatever_the_letter_and_digit_variants(client, published):
    link = f"/checks/{published['persian']['slug']}#claim-1"
    assert _hits(_search(client, q="بیکاری")) == [link]  # Persian yeh
    assert _hits(_search(client, q="بيكاري")) == [link]  # Arabic yeh and kaf
    assert _hits(_search(client, q="3 درصد")) == [link]  # ASCII digit for ۳
    assert _hits(_search(client, q="آمار رسمی")) == [link]  # from the conclusion
    assert _hits(_search(client, q="نمی‌کند")) == [link]  # with a zero-width non-joiner
    assert _hits(_search(client, q="اشتغال")) == [link]  # from the title
    html = _search(client, q="بیکاری")
    assert "<mark>بیکاری</mark>" in html and 'dir="auto"' in html


def test_words_are_normalised_the_same_way_everywhere():
    assert words("Café, CAFÉ; cafe!") == ["cafe", "cafe", "cafe"]
    assert words("می‌گوید") == ["می", "گوید"]
    assert normalise("كتاب ۱۲") == "کتاب 12"


# --- Filters -------------------------------------------------------------------------------

def test_filters_by_verdict_outlet_claimant_and_date_without_words(client, published):
    jobs, bridge = published["jobs"]["slug"], published["bridge"]["slug"]
    persian = published["persian"]["slug"]
    assert _hits(_search(client, rating="True")) == [f"/checks/{jobs}#claim-1"]
    assert sorted(_hits(_search(client, rating="False"))) == sorted(
        [f"/checks/{jobs}#claim-2", f"/checks/{persian}#claim-1"])
    assert _hits(_search(client, outlet="Evening Post")) == [f"/checks/{bridge}#claim-1"]
    assert _hits(_search(client, claimant="ministry")) == [f"/checks/{jobs}#claim-1"]
    assert _hits(_search(client, claimant="وزير")) == [f"/checks/{persian}#claim-1"]
    # Dates are the day a check was first published; both ends are inclusive.
    assert _hits(_search(client, **{"from": "2026-05-20", "to": "2026-05-20"})) == [
        f"/checks/{bridge}#claim-1"]
    assert _total(_search(client, **{"from": "2026-05-21"})) == 1
    assert _total(_search(client, to="2026-05-19")) == 3
    # Newest first when nothing ranks the hits.
    assert _hits(_search(client, **{"from": "2026-01-01"}))[0] == f"/checks/{persian}#claim-1"
    # Words and filters together.
    assert _hits(_search(client, q="budget", rating="False", outlet="Daily Example")) == [
        f"/checks/{jobs}#claim-2"]
    assert _total(_search(client, q="budget", rating="True")) == 0


def test_the_filters_offer_the_verdicts_and_outlets_that_are_published(client, published):
    html = _search(client)
    for value in ("True", "False", "Mostly true", "Daily Example", "Evening Post",
                  "روزنامه نمونه"):
        assert f'<option value="{value}">' in html
    assert '<option value="Half true">' not in html  # on the scale, but never published


# --- Publishing keeps the index in step ----------------------------------------------------

def test_unpublished_checks_disappear_and_republished_ones_come_back_once(
        app, client, editor, published):
    jobs = published["jobs"]
    board = f"/editor/articles/{jobs['article_id']}"
    desk = app.test_client()
    assert login(desk, editor.email).status_code == 302
    token = csrf_token(desk.get(board).get_data(as_text=True))
    assert desk.post(f"{board}/unpublish", data={"csrf_token": token}).status_code == 302
    assert _total(_search(client, q="unemployment")) == 0
    assert _total(_search(client, q="jobs")) == 0
    assert _total(_search(client, outlet="Daily Example")) == 0
    assert "Jobs report" not in client.get("/").get_data(as_text=True)

    token = csrf_token(desk.get(board).get_data(as_text=True))
    response = desk.post(f"{board}/publish", data={"csrf_token": token, "include_open": "y"})
    assert response.status_code == 302
    assert _hits(_search(client, q="unemployment")) == [f"/checks/{jobs['slug']}#claim-1"]
    assert _total(_search(client, q="jobs report")) == 3  # replaced, not added twice


def test_a_republished_snapshot_replaces_the_old_words(app, client, editor, published):
    with app.app_context():
        decision = db.session.exec(select(Decision).join(Claim).where(
            Claim.text == JOBS[1][0])).one()
        decision.summary = "Corrected: the council records say 4.0 million."
        db.session.commit()
        article = db.session.get(Article, published["jobs"]["article_id"])
        publish_article(db.session, article=article, editor=db.session.get(User, editor.id),
                        include_open=True)
        db.session.commit()
    assert _total(_search(client, q="minutes")) == 0
    assert _total(_search(client, q="council records")) == 1


def test_reindex_command_rebuilds_the_index_from_live_publications(app, runner, client,
                                                                   published):
    with db.engine_for(app).begin() as conn:
        conn.execute(text("DELETE FROM search_entries"))
    assert _total(_search(client, q="unemployment")) == 0
    result = runner.invoke(["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "5 published claims" in result.output
    assert _total(_search(client, q="unemployment")) == 1


def test_the_index_tables_exist_after_migrating(app):
    names = set(inspect(db.engine_for(app)).get_table_names())
    assert "search_entries" in names
    if db.engine_for(app).dialect.name == "sqlite":
        assert "search_fts" in names


# --- Hostile or odd input ------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    '"unbalanced', "AND OR NOT *", "-", ":", "*", "NEAR(budget council)", "claim_text:budget",
    "budget -council", "'", "\\", "%", "_", "(", ")", "^budget", "{budget}", '""', 'a"b',
    "'; DROP TABLE search_entries; --", "budget OR", "<>", "&", "!!!", "🙂", "a" * 500,
    "x " * 300, "\x00", "\u200c", "ـ", "budget:", "+budget", "@@", "!budget", "budget & | !",
])
def test_query_syntax_never_errors(client, published, query):
    html = _search(client, q=query)  # 200, with results, none, or a length message
    assert re.search(r"published claims? match", html) or "cannot be longer" in html


def test_operators_are_plain_words(client, published):
    assert _total(_search(client, q="budget OR bridge")) == 0  # OR is a word, not an operator
    assert _total(_search(client, q="budget -council")) == 1  # minus is not NOT
    assert _total(_search(client, q='"budget')) == 1
    assert _total(_search(client, q="budget*")) == 1  # no prefix operator either
    assert _total(_search(client, q="-:*")) == 5  # no words: everything, like no query


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "-3"}, {"page": "99999999999999999999"}, {"from": "yesterday"},
    {"to": "2026-13-45"}, {"rating": "No such verdict"}, {"outlet": "<b>x</b>"},
    {"claimant": "%_\\"}, {"from": "2026-05-01", "to": "2026-04-01"},
])
def test_odd_parameters_never_error(client, published, params):
    response = client.get("/search", query_string={"q": "budget", **params})
    assert response.status_code == 200
    assert "<b>x</b>" not in response.get_data(as_text=True)


def test_an_invalid_date_is_reported_on_its_field(client, published):
    html = _search(client, **{"from": "2026-05-01", "to": "2026-04-01"})
    assert "The end date is before the start date." in html
    assert not re.search(r"published claims? match", html)


def test_results_are_escaped(app, client, editor):
    _publish(app, editor, title="Script <b>kiddies</b>", claims=[
        ("Ends </script><script>alert(1)</script> here.", "false",
         "It said <img src=x onerror=alert(2)> and *more*.", "<i>Someone</i>")])
    html = _search(client, q="alert")
    assert _total(html) == 1
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "<i>Someone</i>" not in html and "<b>kiddies</b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in html
    assert "<bdi>&lt;i&gt;Someone&lt;/i&gt;</bdi>" in html
    assert "Script &lt;b&gt;kiddies&lt;/b&gt;" in html
    index = client.get("/").get_data(as_text=True)
    assert "Script &lt;b&gt;kiddies&lt;/b&gt;" in index and "<b>kiddies</b>" not in index


# --- Pages of results ----------------------------------------------------------------------

def test_results_come_a_page_at_a_time_and_the_links_keep_the_search(app, client, editor):
    claims = [(f"Claim number {n} about tariffs.", "true", f"Conclusion {n}.", "Trader")
              for n in range(1, 26)]
    slug = _publish(app, editor, title="Tariffs", claims=claims)["slug"]
    first = _search(client, q="tariffs", rating="True")
    assert _total(first) == 25 and len(_hits(first)) == 20
    assert "Page 1 of 2" in first and "1 to 20 of 25" in first
    assert _hits(first)[0] == f"/checks/{slug}#claim-1"  # equal rank: in article order
    match = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert match
    following = client.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(_hits(following)) == 5 and "Page 2 of 2" in following
    assert "q=tariffs" in match.group(1) and "rating=True" in match.group(1)
    assert '<a rel="prev"' in following and '<a rel="next"' not in following
    assert set(_hits(first)).isdisjoint(_hits(following))
    # A page past the end shows the last page.
    assert "Page 2 of 2" in _search(client, q="tariffs", page="7")


def test_a_common_word_ranks_only_the_newest_matches(app, client, editor, monkeypatch):
    monkeypatch.setattr(search, "MAX_RANKED", 6)
    older = _publish(app, editor, title="Old tariffs", claims=[
        (f"Old claim {n} about tariffs.", "true", "Yes.", "Trader") for n in range(1, 5)])
    newer = _publish(app, editor, title="New tariffs", claims=[
        (f"New claim {n} about tariffs.", "true", "Yes.", "Trader") for n in range(1, 5)])
    html = _search(client, q="tariffs")
    assert "More than 6 published claims match" in html and "add words or filters" in html
    hits = _hits(html)
    assert len(hits) == 6 and sum(h.startswith(f"/checks/{newer['slug']}#") for h in hits) == 4
    # Fewer matches than the bound: counted exactly, nothing said about ranking.
    narrow = _search(client, q="old tariffs")
    assert _total(narrow) == 4 and "More than" not in narrow
    assert all(h.startswith(f"/checks/{older['slug']}#") for h in _hits(narrow))


def test_the_number_of_queries_does_not_grow_with_the_results(app, client, editor):
    _publish(app, editor, title="Tariffs one", claims=[("Tariffs rose.", "true", "Yes.", "A")])
    with count_queries(app) as few:
        _search(client, q="tariffs")
    _publish(app, editor, title="Tariffs many", claims=[
        (f"Tariffs rose {n} times.", "false", "No.", f"B{n}") for n in range(15)])
    with count_queries(app) as many:
        _search(client, q="tariffs")
    assert len(few) == len(many), (few, many)
    assert 0 < len(few) <= 8


# --- Empty states and the public index -----------------------------------------------------

def test_empty_and_no_result_states(client, published):
    html = _search(client)
    assert "Search the claims, conclusions and articles" in html
    assert not re.search(r"published claims? match", html) and 'name="q"' in html
    html = _search(client, q="xylophone")
    assert "No published claims match" in html and "Try fewer or other words" in html


def test_search_needs_no_account_and_is_in_the_navigation(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/search">Search</a>' in html
    assert client.get("/search").status_code == 200


def test_front_page_shows_each_check_with_its_verdicts_and_a_search_box(client, published):
    html = client.get("/").get_data(as_text=True)
    assert '<form method="get" action="/search" role="search"' in html
    jobs = published["jobs"]["slug"]
    assert f'<a href="/checks/{jobs}">Jobs report</a>' in html
    assert "2 claims checked" in html and "1 more is still being checked." in html
    assert "<li>True: 1</li>" in html and "<li>False: 1</li>" in html
    assert '<svg class="verdict-bar"' in html and 'fill="#1b6e2e"' in html
    # Newest first.
    assert html.index("گزارش اشتغال") < html.index("The bridge") < html.index("Jobs report")


def test_front_page_query_count_is_fixed(app, client, editor):
    _publish(app, editor, title="One", claims=[("Tariffs rose.", "true", "Yes.", "A")])
    with count_queries(app) as few:
        client.get("/")
    for n in range(4):
        _publish(app, editor, title=f"More {n}", claims=[("Tariffs rose.", "false", "No.", "B")])
    with count_queries(app) as many:
        client.get("/")
    assert len(few) == len(many), (few, many)
    assert 0 < len(few) <= 8


def test_hit_dates_are_dates(app, published):
    from factcheck.queries.search import search_checks

    with app.app_context():
        result = search_checks(db.session, query="budget")
    assert result.total == 1 and result.items[0].published_on == date(2026, 3, 2)
    assert result.pages == 1 and not result.has_next and not result.has_prev


# --- What the templates share ----------------------------------------------------------------

def _front_page_bars(html: str, slug: str) -> list[tuple[str, str, str, str]]:
    """(label, claims, width, colour) of each segment of a check's bar on the front page."""
    card = next(c for c in html.split('<li class="card">') if f'href="/checks/{slug}"' in c)
    segments = re.findall(r'<rect x="[\d.]+" y="0" width="([\d.]+)" height="4" '
                          r'fill="(#[0-9a-fA-F]{6})"', card)
    counts = re.findall(r"<li>([^<:]+): (\d+)</li>", card)
    assert len(segments) == len(counts), card
    return [(label, n, width, colour)
            for (label, n), (width, colour) in zip(counts, segments, strict=True)]


def _verdict_page_bars(html: str) -> list[tuple[str, str, str, str]]:
    """(label, claims, width, colour) of each bar of the verdict page's chart."""
    start = html.index('<ul class="chart"')
    chart = html[start:html.index("</ul>", start)]
    rows = re.findall(r'<span class="chart-label">([^<]+)</span>\s*<svg class="chart-bar"[^>]*>'
                      r'<rect [^>]*width="([\d.]+)" fill="(#[0-9a-fA-F]{6})"></rect></svg>\s*'
                      r'<span class="chart-n">(\d+)</span>', chart)
    assert len(rows) == chart.count("<rect"), chart
    return [(label, n, width, colour) for label, width, colour, n in rows]


def test_front_page_and_verdict_page_draw_the_same_verdict_bars(app, client, editor):
    slug = _publish(app, editor, title="Shares", claims=[
        ("Prices rose.", "true", "Yes.", "A"), ("Rents rose.", "true", "Yes.", "B"),
        ("Wages fell.", "false", "No.", "C")])["slug"]
    front = _front_page_bars(client.get("/").get_data(as_text=True), slug)
    chart = _verdict_page_bars(client.get(f"/checks/{slug}").get_data(as_text=True))
    # Shares of the claims, in percent, coloured by verdict: the same on both pages.
    assert front == [("True", "2", "66.67", "#1b6e2e"), ("False", "1", "33.33", "#b00020")]
    assert chart == front


def test_highlighting_escapes_the_text_and_marks_the_words(app, client, editor):
    _publish(app, editor, title="Markup", claims=[
        ('The <script>alert("budget")</script> & budget rose.', "false",
         "Budget lines " + "and more words " * 30 + "then budget again, " + "x " * 200,
         "Someone")])
    html = _search(client, q="budget")
    assert "<script>alert" not in html
    assert ("The &lt;script&gt;alert(&#34;<mark>budget</mark>&#34;)&lt;/script&gt; &amp; "
            "<mark>budget</mark> rose.") in html
    snippet = re.search(r'<p class="snippet" dir="auto">(.*?)</p>', html, re.S)
    assert snippet and snippet.group(1).startswith("<mark>Budget</mark> lines")
    assert snippet.group(1).endswith("…") and len(snippet.group(1)) < 300
    # The filters themselves: plain text in, escaped Markup with marked words out.
    with app.app_context():
        highlight = app.jinja_env.filters["highlight"]
        cut = app.jinja_env.filters["snippet"]
        assert highlight("a <b>Café</b>", ("cafe",)) == "a &lt;b&gt;<mark>Café</mark>&lt;/b&gt;"
        assert highlight("<i>x</i>", ()) == "&lt;i&gt;x&lt;/i&gt;"
        long = "word " * 100 + "<i>budget</i> " + "word " * 100
        marked = cut(long, ("budget",))
        assert marked.startswith("…") and marked.endswith("…")
        assert "&lt;i&gt;<mark>budget</mark>&lt;/i&gt;" in marked and "<i>" not in marked
