"""The claim-matching index lives in the database: kept in step by publishing and imports
in the same transaction, shared by every app on the database, rebuilt by the CLI."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import User
from factcheck.queries.match_tables import documents, postings, stats, terms
from factcheck.states import Role

from ..helpers import api_token, bearer, import_feed
from ..infra.test_import_claimreview import review
from ..web.test_feeds import JOBS, publish_check, unpublish_through_the_editor

PARAPHRASE = "The jobless rate dropped to 3.5 percent in October, says the minister"


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR)


def _matches(app, token, text, **body):
    response = app.test_client().post("/api/v1/matches", json={"text": text, **body},
                                      headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["matches"]


def _index(app) -> dict:
    """What the index holds: documents by source, postings, the stored count, a term's df."""
    with app.app_context():
        s = db.session
        by_source = dict(s.execute(sa.select(documents.c.source, sa.func.count())
                                   .group_by(documents.c.source)).all())
        return {
            "documents": by_source,
            "postings": s.execute(sa.select(sa.func.count()).select_from(postings)).scalar(),
            "count": s.execute(sa.select(stats.c.value)).scalar() or 0,
            "df": dict(s.execute(sa.select(terms.c.term, terms.c.df)
                                 .where(terms.c.term.in_(["unemployment", "moon"]))).all()),
        }


def test_a_publication_is_matchable_at_once_from_another_server(app, make_app, runner,
                                                                editor):
    other = make_app()  # a second server on the same database
    token = api_token(runner, editor.email)
    # The other server answers first (nothing to find), so any memory it kept would be stale.
    assert _matches(other, token, PARAPHRASE) == []
    check = publish_check(app, editor, title="Jobs report", claims=JOBS,
                          open_claims=["Unemployment will fall next year."])
    found = _matches(other, token, PARAPHRASE)
    assert [m["text"] for m in found][:1] == [JOBS[0][0]]
    assert found[0]["source"] == "own"
    # Only the decided claims are in the index; the open one never is.
    assert _index(app)["documents"] == {"own": 2}
    assert _index(app)["count"] == 2
    unpublish_through_the_editor(app, editor, check["article_id"])
    assert _matches(other, token, PARAPHRASE) == []
    after = _index(app)
    assert after["documents"] == {} and after["postings"] == 0 and after["count"] == 0
    assert after["df"] == {"unemployment": 0}  # its frequency went with it


def test_importing_twice_adds_no_duplicate_documents_or_postings(app, runner, editor,
                                                                 tmp_path):
    feed = [review(1, claimReviewed="The moon is made of cheese", headline="Moon check"),
            review(2, claimReviewed="Unemployment doubled last year", headline="Jobs")]
    import_feed(runner, tmp_path, feed)
    once = _index(app)
    assert once["documents"] == {"imported": 2} and once["count"] == 2
    assert once["df"] == {"moon": 1, "unemployment": 1}
    assert once["postings"] > 0
    import_feed(runner, tmp_path, feed)
    assert _index(app) == once
    # An updated wording replaces the old one: the old words no longer find it.
    token = api_token(runner, editor.email)
    assert [m["url"] for m in _matches(app, token, "cheese moon")] == [
        "https://checks.example.net/1"]
    import_feed(runner, tmp_path, [review(1, claimReviewed="Mars is red because of rust",
                                      headline="Mars check")])
    assert _matches(app, token, "cheese moon") == []
    assert [m["url"] for m in _matches(app, token, "why mars is red rust")] == [
        "https://checks.example.net/1"]
    assert _index(app)["df"] == {"moon": 0, "unemployment": 1}
    assert _index(app)["count"] == 2


def test_search_reindex_rebuilds_the_matching_index(app, runner, editor, tmp_path):
    publish_check(app, editor, title="Jobs report", claims=JOBS)
    import_feed(runner, tmp_path, [review(n, claimReviewed=f"The moon is made of cheese {n}")
                               for n in range(1, 4)])
    built = _index(app)
    with app.app_context():  # the index lost (e.g. restored from an old copy)
        for table in (postings, documents, terms, stats):
            db.session.execute(table.delete())
        db.session.commit()
    token = api_token(runner, editor.email)
    assert _matches(app, token, PARAPHRASE) == []
    result = runner.invoke(["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 2 published claims." in result.output
    assert "Matching index rebuilt: 5 checks" in result.output
    assert _index(app) == built
    assert _matches(app, token, PARAPHRASE)[0]["text"] == JOBS[0][0]
    own_only = _matches(app, token, "moon cheese", include_imported=False)
    assert own_only == []
    assert len(_matches(app, token, "moon cheese")) == 3


ARCHIVE = ["Unemployment fell to 3.5 percent in October",
           "The minister said unemployment rose in the north",
           "Several opposition figures have travelled to Iran for consultations",
           "The Taliban have not held any direct talks with Afghan opposition figures",
           "بیکاری در کابل کاهش یافت"]


@pytest.mark.parametrize("weights", [{}, {"meaning_weight": 0}, {"coverage_weight": 0}])
def test_the_database_index_scores_as_the_in_memory_index(app, runner, tmp_path, weights):
    """`search_index` (what the product runs) and `MatchIndex` (what the figures were
    chosen on) give the same scores, at the shipped weights and with a blend left out."""
    from factcheck.engine.matching import MatchIndex
    from factcheck.models import ImportedCheck
    from factcheck.queries.match_index import search_index

    import_feed(runner, tmp_path, [review(n, claimReviewed=text, headline=None)
                                   for n, text in enumerate(ARCHIVE)])
    memory = MatchIndex(ARCHIVE, **weights)
    with app.app_context():
        text_of = dict(db.session.execute(sa.select(ImportedCheck.id,
                                                    ImportedCheck.claim_reviewed)).all())
        for query in ("A number of Afghan opposition leaders went to Iran for talks",
                      "unemployment dropped in October", "بیکاری در کابل"):
            expected = memory.scores(query)
            hits = search_index(db.session, query, limit=10, min_score=0, **weights)
            assert hits, query
            for hit in hits:
                assert hit.score == pytest.approx(
                    expected[ARCHIVE.index(text_of[hit.imported_check_id])], abs=2e-3), query
