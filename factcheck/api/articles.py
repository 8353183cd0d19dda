"""Articles over the API: import with splitting, read, list, publish and unpublish."""

from __future__ import annotations

from flask import current_app, url_for

from ..extensions import db
from ..i18n import _
from ..infra.links import check_url
from ..models import Article
from ..queries.claims import article_claims
from ..queries.desk import articles_newest_first
from ..queries.reviews import assigned_in_article
from ..queries.scales import active_scale, scale_labels
from ..states import Role
from ..workflow.articles import import_article
from ..workflow.publishing import publish_article, unpublish_article
from .core import (
    ApiError,
    get_or_404,
    json_body,
    json_response,
    operation,
    paging,
    token_user,
    workflow_step,
)
from .serializers import article_record, iso
from .validation import parse_date

# Workflow field names that differ from the API's.
_ARTICLE_FIELDS = {"body": "text", "source_url": "url"}


def _article_or_404(article_id: int) -> Article:
    return get_or_404(Article, article_id, _("There is no article with this id."))


@operation("GET", "/articles", summary="List articles", auth=Role.EDITOR,
           responses={200: "ArticleList", 400: "Error", 401: "Error", 403: "Error"},
           query=("page", "per_page"))
def articles():
    """Every article, newest first, without text and claims (editors)."""
    token_user(Role.EDITOR)
    page, per_page = paging()
    rows, total = articles_newest_first(db.session, page=page, per_page=per_page)
    return json_response({
        "items": [{"id": a.id, "title": a.title, "slug": a.slug, "status": str(a.status),
                   "url": a.source_url, "outlet": a.outlet, "created_at": iso(a.created_at),
                   "api_url": url_for("api.article", article_id=a.id, _external=True)}
                  for a in rows],
        "page": page, "per_page": per_page, "total": total,
    })


@operation("POST", "/articles", summary="Import an article and split it into claims",
           auth=Role.EDITOR, body="ArticleInput",
           responses={201: "Article", 400: "Error", 401: "Error", 403: "Error", 409: "Error",
                      413: "Error", 415: "Error", 422: "Error"})
def create_article():
    """Store the text exactly as sent and split it into candidate claims (editors).

    The same title and text sent again by the same user within ten minutes is taken for a
    repeated request and answers 409.
    """
    user = token_user(Role.EDITOR)
    data = json_body("ArticleInput")
    with workflow_step(_ARTICLE_FIELDS):
        found = import_article(
            db.session, actor=user, title=data["title"], body=data["text"],
            source_url=data.get("url"), outlet=data.get("outlet"), author=data.get("author"),
            published_on=parse_date(data.get("published_on")), language=data.get("language"),
            max_bytes=current_app.config["ARTICLE_MAX_BYTES"])
    response = json_response(article_record(found, article_claims(db.session, found.id)), 201)
    response.headers["Location"] = url_for("api.article", article_id=found.id, _external=True)
    return response


@operation("GET", "/articles/<int:article_id>", summary="Get an article with its claims",
           auth=Role.REVIEWER, responses={200: "Article", 401: "Error", 403: "Error",
                                          404: "Error"})
def article(article_id: int):
    """The article text and its claims (editors; reviewers assigned to one of its claims)."""
    user = token_user()
    found = _article_or_404(article_id)
    if not (user.role.at_least(Role.EDITOR)
            or assigned_in_article(db.session, article_id=found.id, reviewer=user)):
        raise ApiError(403, "forbidden", _("None of this article's claims is assigned to you."))
    return json_response(article_record(found, article_claims(db.session, found.id)))


def _publication_result(found: Article, **extra) -> dict:
    return {"article_id": found.id, "status": str(found.status),
            "public_url": check_url(found.slug), **extra}


@operation("POST", "/articles/<int:article_id>/publish", summary="Publish or republish a check",
           auth=Role.EDITOR, body="PublishInput",
           responses={200: "Publication", 400: "Error", 401: "Error", 403: "Error",
                      404: "Error", 409: "Error", 413: "Error", 415: "Error", 422: "Error"})
def publish(article_id: int):
    """Publish the decided claims; `include_open` lists the others as still being checked."""
    user = token_user(Role.EDITOR)
    found = _article_or_404(article_id)
    data = json_body("PublishInput", optional=True)
    with workflow_step():
        publication = publish_article(db.session, article=found, editor=user,
                                      include_open=data.get("include_open", False))
    return json_response(_publication_result(found, version=publication.number))


@operation("POST", "/articles/<int:article_id>/unpublish", summary="Withdraw a check",
           auth=Role.EDITOR,
           responses={200: "Publication", 401: "Error", 403: "Error", 404: "Error",
                      409: "Error"})
def unpublish(article_id: int):
    """Withdraw the check from public view; its address then answers 410 Gone."""
    user = token_user(Role.EDITOR)
    found = _article_or_404(article_id)
    with workflow_step():
        unpublish_article(db.session, article=found, editor=user)
    return json_response(_publication_result(found))


@operation("GET", "/rating-scale", summary="The active rating scale", auth=Role.REVIEWER,
           responses={200: "RatingScale", 401: "Error", 409: "Error"})
def rating_scale():
    """The labels verdicts are given in (any valid token); `value` is null off the scale."""
    token_user()
    scale = active_scale(db.session)
    if scale is None:
        raise ApiError(409, "no_active_scale", _("No rating scale is active."))
    return json_response({
        "name": scale.name, "mode": str(scale.mode),
        "labels": [{"key": lab.key, "label": lab.name, "value": lab.value,
                    "colour": lab.colour, "symbol": lab.symbol,
                    "description": lab.description}
                   for lab in scale_labels(db.session, scale)],
    })

