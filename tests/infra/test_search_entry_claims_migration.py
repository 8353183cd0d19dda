"""Migration 0032: the search index names each published claim by its id, and a stored
match of the desk's own check names its claim, found by the wording that was matched."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from factcheck.extensions import db
from factcheck.infra.migrate import downgrade, upgrade
from factcheck.models import Claim, ClaimMatch
from factcheck.queries.search_tables import entries
from factcheck.states import MatchSource, Role
from factcheck.workflow.articles import import_article

from ..web.test_feeds import publish_check


def test_entries_and_own_matches_get_their_claim_ids(app, make_user):
    check = publish_check(app, make_user(Role.EDITOR), title="Jobs report", claims=(
        ("In October unemployment dropped to 4.5 percent.", "false", "It rose.", None),
        ("Unemployment fell to 3.5 percent in October.", "true", "Confirmed.", None)))
    first, second = check["claims"]
    with app.app_context():
        article = import_article(db.session, title="New", actor=None,
                                 body="Unemployment fell to 4.5 percent in October.")
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        own = dict(claim_id=claim.id, source=MatchSource.OWN,
                   matched_article_id=check["article_id"])
        db.session.add_all([  # as the matching job stored them before 0032
            ClaimMatch(key=f"own:{check['article_id']}:1", claim_number=1,
                       text="In October unemployment dropped to 4.5 percent.", **own),
            ClaimMatch(key=f"own:{check['article_id']}:3", claim_number=3,  # renumbered
                       text="Unemployment fell to 3.5 percent in October.", **own),
            ClaimMatch(key=f"own:{check['article_id']}:2", claim_number=2,  # reworded
                       text="Unemployment fell to 3.9 percent in October.", **own)])
        db.session.commit()
    downgrade(app, "0031")
    upgrade(app)
    with app.app_context():
        ids = dict(db.session.execute(sa.select(entries.c.claim_number, entries.c.claim_id)
                                      .where(entries.c.article_id == check["article_id"])).all())
        assert ids == {1: first, 2: second}
        found = {m.text: m.matched_claim_id for m in db.session.exec(select(ClaimMatch))}
        assert found == {"In October unemployment dropped to 4.5 percent.": first,
                         "Unemployment fell to 3.5 percent in October.": second,
                         "Unemployment fell to 3.9 percent in October.": None}
