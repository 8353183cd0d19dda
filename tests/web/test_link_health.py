"""Issue 17, link health: `factcheck check-links` and the weekly job re-request every cited
page of published checks on real local web servers (127.0.0.1) and record alive, changed
or gone per source; editors see the sources that changed or vanished per check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from factcheck.cli import cli
from factcheck.extensions import db
from factcheck.models import Job, LinkCheck
from factcheck.states import Role
from factcheck.workflow import link_health
from factcheck.workflow.jobs import enqueue_due_daily, weekly_key

from ..helpers import login, rows, run_jobs
from . import test_evidence_capture as capturing
from .test_evidence_capture import ARTICLE, Page, Site, add

# The capture tests' fixtures: the app may fetch from 127.0.0.1, a real local web server,
# both reviewers assigned; `public_loopback` makes 127.0.0.1 count as the outside world.
app, site, _assigned = capturing.app, capturing.site, capturing._assigned
public_loopback = capturing.public_loopback

PATHS = ("/alive", "/changed", "/missing", "/broken")
UNRESOLVABLE = "http://no-such-host.invalid/report"


def publish_with_sources(desk, app, urls: list[str]) -> dict[str, int]:
    """Evidence at each address (preserved where the page answers), cited by both verdicts,
    decided and published through the API: {url: evidence id}."""
    ids = {url: add(desk, "r1", url)["id"] for url in urls}
    run_jobs(app)  # the captures
    cited = list(ids.values())
    assert desk.submit("r1", "Rationale one.", cited).status_code == 201
    assert desk.submit("r2", "Rationale two.", cited).status_code == 201
    decided = desk["decider"].api("POST", f"/claims/{desk.claim_id}/decision",
                                  {"rating": "false", "summary": "Not so."})
    assert decided.status_code == 201, decided.json
    article_id = desk.claim().article_id
    published = desk["decider"].api("POST", f"/articles/{article_id}/publish", {})
    assert published.status_code == 200, published.json
    run_jobs(app)  # notifications and the like
    return ids


def serve_four(site) -> list[str]:
    for path in PATHS:
        site.pages[path] = Page(ARTICLE)
    return [site.url(path) for path in PATHS]


def break_three(site) -> None:
    """After publication: one page edited, one deleted, one server error; one unchanged."""
    site.pages["/changed"] = Page(ARTICLE.replace(b"3.5%", b"3.9%"))
    site.pages["/missing"] = Page(b"not here", "text/plain", 404)
    site.pages["/broken"] = Page(b"oops", "text/plain", 500)


def latest(app) -> dict[str, LinkCheck]:
    return {check.url: check for check in sorted(rows(app, LinkCheck), key=lambda c: c.id)}


def test_check_links_records_alive_changed_and_gone(desk, app, site, runner):
    urls = serve_four(site)
    publish_with_sources(desk, app, [*urls, UNRESOLVABLE])
    break_three(site)
    site.requests.clear()

    result = runner.invoke(["check-links"])

    assert result.exit_code == 0, result.output
    assert ("Checked 5 sources (5 addresses): 1 alive, 1 changed, 3 gone."
            in result.output)
    found = latest(app)
    assert {url: check.status for url, check in found.items()} == {
        site.url("/alive"): "alive", site.url("/changed"): "changed",
        site.url("/missing"): "gone", site.url("/broken"): "gone", UNRESOLVABLE: "gone"}
    assert found[site.url("/missing")].http_status == 404
    assert found[site.url("/broken")].http_status == 500
    assert found[UNRESOLVABLE].http_status is None
    assert "could not be found" in found[UNRESOLVABLE].reason
    assert "differs from its preserved copy" in found[site.url("/changed")].reason
    assert found[site.url("/alive")].capture_id is not None
    assert found[site.url("/alive")].checked_at is not None
    # Every changed or vanished source is a line of its own; the alive one is not.
    lines = result.output.splitlines()
    assert any(line.startswith("gone") and "404" in line and "/missing" in line
               for line in lines)
    assert any(line.startswith("changed") and "/changed" in line for line in lines)
    assert not any("/alive" in line for line in lines)
    assert sorted(site.requests) == sorted(PATHS)  # each address once


def test_a_redirect_to_a_private_address_is_refused_and_counted_gone(
        make_app, desk, app, site, public_loopback):
    inside = Site("127.0.0.2")
    try:
        site.pages["/moved"] = Page(ARTICLE)
        publish_with_sources(desk, app, [site.url("/moved")])
        site.pages["/moved"] = Page(b"", status=302, headers={"Location": inside.url("/x")})
        strict = make_app()  # neither private nor loopback addresses allowed
        result = strict.test_cli_runner().invoke(cli, ["check-links"])
        assert result.exit_code == 0, result.output
        [check] = rows(app, LinkCheck)
        assert check.status == "gone"
        assert "is a private or local address" in check.reason
        assert inside.requests == []  # never asked
    finally:
        inside.close()


def test_a_permitted_redirect_is_followed_and_compared(desk, app, site):
    site.pages["/old"] = Page(ARTICLE)
    publish_with_sources(desk, app, [site.url("/old")])
    site.pages["/old"] = Page(b"", status=301, headers={"Location": "/new"})
    site.pages["/new"] = Page(ARTICLE)
    link_check(app)
    [check] = rows(app, LinkCheck)
    assert (check.status, check.final_url, check.http_status) == (
        "alive", site.url("/new"), 200)


def link_check(app, **kwargs) -> link_health.LinkCheckCounts:
    with app.app_context():
        counts = link_health.check_links(db.session, **kwargs)
        db.session.commit()
        return counts


def test_only_sources_of_published_checks_are_requested(desk, app, site):
    site.pages["/draft"] = Page(ARTICLE)
    add(desk, "r1", site.url("/draft"))
    run_jobs(app)
    site.requests.clear()
    counts = link_check(app)
    assert counts.total == 0 and site.requests == [] and rows(app, LinkCheck) == []


def test_requests_to_one_host_are_spaced_by_the_pause(make_app, desk, app, site):
    urls = serve_four(site)
    publish_with_sources(desk, app, urls)
    polite = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, LINK_CHECK_PAUSE=30)
    waits: list[float] = []
    link_check(polite, sleep=waits.append)
    # One host, four addresses: three waits, none longer than the pause.
    assert len(waits) == 3 and all(0 < wait <= 30 for wait in waits)


def test_the_cli_refuses_an_unknown_check(runner):
    result = runner.invoke(["check-links", "--article", "999999"])
    assert result.exit_code != 0 and "There is no check #999999." in result.output
    assert "Traceback" not in result.output


# --- The weekly job -----------------------------------------------------------------------------


def test_the_weekly_job_is_asked_for_once_a_week_from_its_day_and_hour(make_app, desk, site):
    weekly = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, LINK_CHECK_DAY="wednesday",
                      LINK_CHECK_HOUR=4)
    site.pages["/alive"] = Page(ARTICLE)
    publish_with_sources(desk, weekly, [site.url("/alive")])
    tuesday = datetime(2026, 12, 1, 23, tzinfo=UTC)
    wednesday_early, wednesday = tuesday.replace(day=2, hour=3), tuesday.replace(day=2, hour=4)
    with weekly.app_context():
        for before in (tuesday, wednesday_early):
            assert link_health.KIND not in enqueue_due_daily(db.session, now=before,
                                                             settings=weekly.config)
        assert link_health.KIND in enqueue_due_daily(db.session, now=wednesday,
                                                     settings=weekly.config)
        # Later the same week (another worker, a restart): not again.
        assert link_health.KIND not in enqueue_due_daily(
            db.session, now=tuesday.replace(day=5), settings=weekly.config)
        db.session.commit()
    [job] = [j for j in rows(weekly, Job) if j.kind == link_health.KIND]
    assert job.key == weekly_key(link_health.KIND, wednesday.date())
    from factcheck.worker import hand_over
    hand_over(weekly, [job.id])
    run_jobs(weekly)
    [check] = rows(weekly, LinkCheck)
    assert check.status == "alive"
    [done] = [j for j in rows(weekly, Job) if j.kind == link_health.KIND]
    assert done.status == "done" and done.result["alive"] == 1


def test_the_weekly_job_can_be_turned_off(make_app):
    off = make_app(LINK_CHECK_DAY="off")
    with off.app_context():
        assert link_health.KIND not in enqueue_due_daily(
            db.session, now=datetime(2026, 12, 6, 23, tzinfo=UTC), settings=off.config)


def test_a_wrong_day_refuses_to_start(make_app):
    from factcheck.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="LINK_CHECK_DAY"):
        make_app(LINK_CHECK_DAY="funday")


# --- The editors' page --------------------------------------------------------------------------


def test_editors_see_the_sources_that_changed_or_vanished_first(desk, app, site):
    urls = serve_four(site)
    ids = publish_with_sources(desk, app, urls)
    article_id = desk.claim().article_id
    status, page = desk["editor"].page(f"/editor/articles/{article_id}/sources")
    assert status == 200 and "Not checked yet" in page
    break_three(site)
    link_check(app)
    status, page = desk["editor"].page(f"/editor/articles/{article_id}/sources")
    assert status == 200
    problems, others = page.split('id="others-heading"')
    for path in ("/changed", "/missing", "/broken"):
        assert f'id="source-{ids[site.url(path)]}"' in problems
    assert f'id="source-{ids[site.url("/alive")]}"' in others
    assert "answered with HTTP 404" in problems and "Changed" in problems
    assert f'href="/review/evidence/{ids[site.url("/missing")]}/copies"' in problems
    # Linked from the check's board and from the decision page.
    link = f'href="/editor/articles/{article_id}/sources"'
    assert link in desk["editor"].page(f"/editor/articles/{article_id}")[1]
    assert link in desk["editor"].page(f"/editor/claims/{desk.claim_id}/decide")[1]


def test_only_editors_open_the_sources_page(desk, app, client, make_user):
    article_id = desk.claim().article_id
    path = f"/editor/articles/{article_id}/sources"
    assert desk["r1"].web.get(path).status_code == 403
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert desk["editor"].web.get("/editor/articles/999999/sources").status_code == 404
    admin = make_user(Role.ADMIN)
    admin_client = app.test_client()
    assert login(admin_client, admin.email).status_code == 302
    assert admin_client.get(path).status_code == 200


def test_an_editor_checks_a_checks_sources_now(desk, app, site):
    urls = serve_four(site)
    ids = publish_with_sources(desk, app, urls)
    article_id = desk.claim().article_id
    break_three(site)
    site.requests.clear()
    path = f"/editor/articles/{article_id}/sources"
    status, page = desk["editor"].page(path)
    assert status == 200 and "Check these sources now" in page
    # Without the form's CSRF token nothing is asked for.
    assert desk["editor"].web.post(f"{path}/check").status_code == 400
    # A reviewer may not ask either.
    assert desk["r1"].post(f"{path}/check").status_code == 403
    asked = desk["editor"].post(f"{path}/check")
    assert asked.status_code == 303 and asked.headers["Location"].endswith(path)
    again = desk["editor"].post(f"{path}/check", follow_redirects=True)
    assert "already being requested" in again.get_data(as_text=True)
    assert site.requests == []  # in the background, not in the request
    run_jobs(app)
    assert sorted(site.requests) == sorted(PATHS)  # once, however often asked
    status, page = desk["editor"].page(path)
    problems = page.split('id="others-heading"')[0]
    assert f'id="source-{ids[site.url("/missing")]}"' in problems


def test_an_unpublished_checks_sources_are_not_requested(desk, app, site):
    site.pages["/draft"] = Page(ARTICLE)
    add(desk, "r1", site.url("/draft"))
    run_jobs(app)
    site.requests.clear()
    article_id = desk.claim().article_id
    response = desk["editor"].post(f"/editor/articles/{article_id}/sources/check",
                                   follow_redirects=True)
    assert "Only the sources of a published check are checked." in response.get_data(
        as_text=True)
    assert run_jobs(app) == 0 and site.requests == []
