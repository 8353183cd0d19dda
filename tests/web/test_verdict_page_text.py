"""What the verdict page says: one pair of quotation marks around a claim, plurals that
agree with their numbers, and a visible link to the feed."""

from __future__ import annotations

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, Decision, RatingLabel, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.publishing import publish_article

TEXT = "“Flooding will double by 2030,” the minister said on Tuesday."


def test_a_quoted_claim_gets_no_second_quotes_and_counts_are_singular(app, client, make_user):
    editor = make_user(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Floods", body=TEXT, actor=None)
        [claim] = db.session.exec(select(Claim).where(Claim.article_id == article.id)).all()
        claim.status = ClaimStatus.DECIDED
        label = db.session.exec(select(RatingLabel).where(RatingLabel.key == "false")).first()
        db.session.add(Decision(claim_id=claim.id, rating_id=label.id, summary="No."))
        db.session.flush()
        publish_article(db.session, article=article, editor=db.session.get(User, editor.id),
                        include_open=False)
        db.session.commit()
        slug, text = article.slug, claim.text
    assert text.startswith("“")
    html = client.get(f"/checks/{slug}").get_data(as_text=True)
    card = html.split('id="claim-1"')[1].split("</article>")[0]
    assert text in card and "<q" not in card and 'class="quoted"' in card
    assert "1 claim checked" in html and "1 claims checked" not in html
    assert '<a href="/feed.atom" type="application/atom+xml">Atom feed</a>' in html
