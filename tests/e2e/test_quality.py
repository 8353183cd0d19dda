"""Quality bar on every page: valid HTML5, WCAG 2.1 A/AA, 360 px wide, right-to-left text.

Each page is rendered with real data by the live server and checked twice: axe-core,
injected into Chromium, must find no WCAG 2.1 A/AA violation; and the HTML the server
sent must give no error in the Nu Html Checker (all pages in one `java` run).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import Browser, Page, Response, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.i18n import catalogue
from factcheck.invitations import reset_token
from factcheck.models import (
    Article,
    Claim,
    Claimant,
    ClaimMatch,
    Decision,
    Evidence,
    EvidenceCapture,
    ImportedCheck,
    LinkCheck,
    RatingLabel,
    RatingScale,
    ReportReply,
    User,
    WebhookDelivery,
)
from factcheck.queries.matching import find_matches
from factcheck.states import (
    CaptureStatus,
    ClaimStatus,
    Confidence,
    DeliveryStatus,
    JobStatus,
    LinkStatus,
    MatchSource,
    MatchStatus,
    Role,
    Stance,
    WebhookFormat,
)
from factcheck.web.mail import unsubscribe_token
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims
from factcheck.workflow.evidence import add_evidence
from factcheck.workflow.imported_checks import import_feed
from factcheck.workflow.jobs import enqueue
from factcheck.workflow.publishing import publish_article
from factcheck.workflow.reports import submit_report
from factcheck.workflow.reviews import decide_claim, save_review
from factcheck.workflow.scales import copy_scale
from factcheck.workflow.webhooks import create_webhook

from ..helpers import PASSWORD, share_evidence
from .conftest import TIMEOUT_MS

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')),
  }));
}"""
# Right-to-left article text is what readers of these languages expect.
RTL_LANGUAGES = ("fa", "prs", "ps", "ar", "ur")

JOBS = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest "
        "rate since 2019. The council approved a budget of $4.2 million on Tuesday. "
        "Critics say the plan will cost 1,200 jobs by 2027.")
# Dari (Persian script): the unemployment rate and the Kabul city budget.
DARI = ("وزارت اقتصاد اعلام کرد که نرخ بیکاری در سال ۱۴۰۲ به ۱۲ درصد کاهش یافت. "
        "شورای شهر کابل روز سه‌شنبه بودجه‌ای به مبلغ ۴ میلیون افغانی را تصویب کرد.")


@dataclass
class Desk:
    """The people and records the pages show (ids, so they outlive the app context)."""

    admin: User
    editor: User
    reviewers: list[User]
    invited: User  # has not chosen a password yet
    jobs_id: int
    jobs_slug: str
    jobs_claims: list[int]
    dari_id: int
    dari_slug: str
    dari_claims: list[int]
    evidence_id: int


def _claims(article_id: int) -> list[Claim]:
    """The article's sentence claims in text order (sub-claims aside)."""
    return list(db.session.exec(select(Claim).where(Claim.article_id == article_id,
                                                    Claim.parent_id.is_(None))
                                .order_by(Claim.start)).all())


def _prepare(app, make_user) -> Desk:
    """Two articles; the jobs article's first two claims reviewed by two reviewers with evidence.

    Jobs article: claims 1 and 2 reviewed (2 submitted reviews each), claim 3 assigned to
    the first reviewer, not reviewed yet. Dari article: claim 1 reviewed the same way,
    claim 2 left a candidate.
    """
    share_evidence(app)  # both reviewers cite the first one's source
    admin = make_user(Role.ADMIN, name="Ada Admin")
    editor = make_user(Role.EDITOR, name="Eda Editor")
    reviewers = [make_user(Role.REVIEWER, name="Rui First"),
                 make_user(Role.REVIEWER, name="Sam Second")]
    invited = make_user(Role.REVIEWER, name="Ivy Invited", password=None)
    with app.app_context():
        s = db.session
        ed = s.get(User, editor.id)
        revs = [s.get(User, r.id) for r in reviewers]
        jobs = import_article(s, title="Jobs report", body=JOBS, actor=ed,
                              outlet="Daily Example", author="Jo Writer",
                              source_url="https://news.example.org/jobs")
        dari = import_article(s, title="بودجه شهر کابل", body=DARI, actor=ed,
                              outlet="Kabul Daily")
        jobs_claims, dari_claims = _claims(jobs.id), _claims(dari.id)
        assert len(jobs_claims) == 3 and len(dari_claims) == 2
        assert dari.language in RTL_LANGUAGES
        jobs_claims[0].claimant = "The ministry"
        for claim in (*jobs_claims, dari_claims[0]):
            claim.status = ClaimStatus.SELECTED
            s.add(claim)
        s.flush()
        reviewed = [(jobs_claims[0], "true"), (jobs_claims[1], "unverifiable"),
                    (dari_claims[0], "mostly-true")]
        for reviewer in revs:
            assign_claims(s, claims=[c for c, _ in reviewed], reviewer=reviewer, due_on=None,
                          actor=ed)
        # The first reviewer has not started on the jobs article's third claim yet.
        assign_claims(s, claims=[jobs_claims[2]], reviewer=revs[0],
                      due_on=date.today() + timedelta(days=3), actor=ed)
        evidence = {}
        for claim, _ in reviewed:
            evidence[claim.id] = add_evidence(
                s, claim=claim, actor=revs[0], url="https://stats.example.org/oct",
                title="October labour force survey", publisher="Statistics Office",
                quote="Unemployment: 3.5% (October)", stance=Stance.SUPPORTS,
                archive_url="https://web.archive.org/web/2026/https://stats.example.org/oct")
        for claim, key in reviewed:
            for reviewer in revs:
                save_review(s, claim=claim, reviewer=reviewer, rating_key=key,
                            rationale=f"The survey supports this ({key}).",
                            confidence=Confidence.HIGH, evidence_ids=[evidence[claim.id].id],
                            submit=True, expected_version=None)
        s.commit()
        return Desk(admin=admin, editor=editor, reviewers=reviewers, invited=invited,
                    jobs_id=jobs.id, jobs_slug=jobs.slug, jobs_claims=[c.id for c in jobs_claims],
                    dari_id=dari.id, dari_slug=dari.slug, dari_claims=[c.id for c in dari_claims],
                    evidence_id=evidence[jobs_claims[0].id].id)


def _link_checked(app, evidence_id: int) -> None:
    """Record that the source's page vanished, as `factcheck check-links` would have."""
    with app.app_context():
        db.session.add(LinkCheck(evidence_id=evidence_id, url="https://stats.example.org/oct",
                                 status=LinkStatus.GONE, http_status=404,
                                 reason="The page at https://stats.example.org/oct answered "
                                        "with HTTP 404."))
        db.session.commit()


def _preserve(app, evidence_id: int) -> None:
    """Fill the evidence's pending capture as the capture job would have (a page with its
    quote, stored as a WARC), without fetching anything."""
    import hashlib
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = (b"<!doctype html><html lang=en><head><title>October survey</title></head><body>"
            b"<h1>October labour force survey</h1><p>Unemployment: 3.5% (October)</p>"
            b"</body></html>")
    url = "https://stats.example.org/oct"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=headers))
    text = "October labour force survey\nUnemployment: 3.5% (October)"
    with app.app_context():
        capture = db.session.exec(select(EvidenceCapture).where(
            EvidenceCapture.evidence_id == evidence_id)).first()
        capture.status, capture.captured_at = CaptureStatus.PRESERVED, capture.requested_at
        capture.final_url, capture.http_status, capture.content_type = url, 200, "text/html"
        capture.sha256, capture.size = hashlib.sha256(body).hexdigest(), len(body)
        capture.warc, capture.title, capture.text = buffer.getvalue(), "October survey", text
        capture.quote_start = text.index("Unemployment")
        capture.quote_end, capture.quote_found = len(text), True
        db.session.commit()


def _decide_and_publish(app, desk: Desk) -> None:
    """The editor decides the reviewed claims and publishes both checks (open claims too)."""
    with app.app_context():
        s = db.session
        ed = s.get(User, desk.editor.id)
        for claim_id, key in ((desk.jobs_claims[0], "true"),
                              (desk.jobs_claims[1], "unverifiable"),
                              (desk.dari_claims[0], "mostly-true")):
            decide_claim(s, claim=s.get(Claim, claim_id), editor=ed, rating_key=key,
                         summary=f"The **official figures** support a verdict of {key}.",
                         expected_version=0)
        for article_id in (desk.jobs_id, desk.dari_id):
            publish_article(s, article=s.get(Article, article_id), editor=ed, include_open=True)
        s.commit()


def _publish_sample(app, desk: Desk) -> str:
    """The demo article (the product's first real input) with five decided claims."""
    sample = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
    with app.app_context():
        s = db.session
        ed = s.get(User, desk.editor.id)
        article = import_article(s, title="National Consensus statement", body=sample,
                                 actor=ed, outlet="Kabul Review")
        keys = ["true", "mostly-true", "half-true", "unverifiable", "opinion"]
        for claim, key in zip(_claims(article.id), keys, strict=False):
            claim.status = ClaimStatus.DECIDED
            label = s.exec(select(RatingLabel).where(RatingLabel.key == key)).first()
            s.add(Decision(claim_id=claim.id, editor_id=ed.id, rating_id=label.id,
                           summary=f"Our conclusion: {label.name}."))
            s.add(Evidence(claim_id=claim.id, added_by_id=ed.id, url="https://www.un.org/",
                           title="UN statement", quote="The meeting took place online.",
                           stance=Stance.CONTEXT))
        s.flush()
        publish_article(s, article=article, editor=ed, include_open=True)
        s.commit()
        return article.slug


def _matched_article(app, desk: Desk, sample_slug: str) -> tuple[int, int]:
    """An open article whose first claim has the matches the job would store: an earlier
    check of the desk marked the same claim (its cite form), an imported one suggested, and
    the same claim in other open work; assigned to the first reviewer. (Article, claim.)"""
    with app.app_context():
        s = db.session
        ed = s.get(User, desk.editor.id)
        article = import_article(s, title="Repeated claims", body=JOBS, actor=ed)
        first, second = _claims(article.id)[:2]
        first.status = ClaimStatus.SELECTED
        s.add(first)
        sample = s.exec(select(Article).where(Article.slug == sample_slug)).one()
        check = ImportedCheck(url="https://checks.example.net/jobs", claim_reviewed="Jobless "
                              "rate fell in October", headline="Did it fall?", rating="False",
                              publisher="Other Checks", published=date(2026, 3, 4))
        s.add(check)
        s.flush()
        s.add_all([
            ClaimMatch(claim_id=first.id, key=f"own:{sample.id}:1", source=MatchSource.OWN,
                       matched_article_id=sample.id, score=0.87, text=_claims(sample.id)[0].text,
                       rating="True", slug=sample.slug, claim_number=1,
                       published=date(2026, 3, 1), status=MatchStatus.SAME),
            ClaimMatch(claim_id=first.id, key=f"imported:{check.id}",
                       source=MatchSource.IMPORTED, imported_check_id=check.id, score=0.52,
                       text=check.claim_reviewed, rating="False", publisher="Other Checks",
                       url=check.url, published=check.published),
            ClaimMatch(claim_id=first.id, key=f"open:{second.id}", source=MatchSource.OPEN,
                       matched_claim_id=second.id, matched_article_id=article.id, score=0.9,
                       text=second.text)])
        assign_claims(s, claims=[first], reviewer=s.get(User, desk.reviewers[0].id),
                      due_on=None, actor=ed)
        s.commit()
        return article.id, first.id


def _long_article(app, desk: Desk) -> int:
    """The demo article eight times over: more claims than one board page holds."""
    sample = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
    with app.app_context():
        article = import_article(db.session, title="Long statement", body="\n".join([sample] * 8),
                                 actor=db.session.get(User, desk.editor.id))
        db.session.commit()
        return article.id


# Where the interface itself writes a number (counts, badges, scores, claim numbers, dates):
# in Dari each must be in Persian digits. Quoted article text and addresses keep their own.
NUMBERS = ", ".join((
    ".count-badge", ".chart-n", "ul.counts li", ".score", "h2 .muted", "td.num", "time",
    ".public-claim h3 .muted", ".claim-card .claim-head > strong", "#claim-counts",
    "dl.counts dd"))


class Checker:
    """Opens pages in Chromium, runs axe-core on each, keeps the served HTML for vnu."""

    def __init__(self, browser: Browser, server_url: str, axe_script: Path, out: Path,
                 language: str = "en"):
        self.browser, self.server_url, self.axe_script, self.out = (
            browser, server_url, axe_script, out)
        self.language = language
        self.t = catalogue(language).gettext  # what the interface says in that language
        self.contexts = []
        self.sources: dict[Path, str] = {}  # saved HTML file -> page name
        self.violations: dict[str, list[dict]] = {}
        self.latin_digits: list[str] = []  # numbers the interface wrote in Latin digits

    def visitor(self, email: str | None = None, **options) -> Page:
        """A new browser context (axe needs its script past the CSP), signed in as `email`."""
        context = self.browser.new_context(base_url=self.server_url, bypass_csp=True,
                                           locale=self.language.replace("_", "-"), **options)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        if email:
            page.goto("/login")
            page.get_by_label(self.t("Email"), exact=True).fill(email)
            page.get_by_label(self.t("Password"), exact=True).fill(PASSWORD)
            page.get_by_role("button", name=self.t("Sign in")).click()
            expect(page.get_by_role("button", name=self.t("Sign out"))).to_be_visible()
        return page

    def check(self, page: Page, name: str, path: str, status: int = 200,
              heading: str | None = None) -> None:
        """Open `path`, run axe-core, save the HTML source as the server sent it."""
        self._audit(page, name, path, page.goto(path), status, heading)

    def check_after(self, page: Page, name: str, action: Callable[[], None], status: int,
                    heading: str | None = None) -> None:
        """Check the page that `action` (e.g. submitting a form) leads to."""
        with page.expect_navigation() as navigation:
            action()
        self._audit(page, name, f"{page.url} after {name}", navigation.value, status, heading)

    def _audit(self, page: Page, name: str, path: str, response: Response | None, status: int,
               heading: str | None) -> None:
        assert response is not None and response.status == status, (
            f"{name}: {path} answered {response and response.status}, expected {status}")
        if heading and self.language == "en":  # what the page says; the Dari walk checks
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)  # quality
        if self.language != "en":
            for text in page.locator(NUMBERS).all_inner_texts():
                if re.search(r"[0-9]", text):
                    self.latin_digits.append(f"{name} ({path}): {text.strip()[:80]!r}")
        page.add_script_tag(path=str(self.axe_script))
        found = page.evaluate(AXE_RUN, WCAG_TAGS)
        if found:
            self.violations[f"{name} ({path})"] = found
        target = self.out / f"{len(self.sources):02d}-{name}.html"
        target.write_text(response.text(), encoding="utf-8")
        self.sources[target] = f"{name} ({path})"

    def forms_without_one_time_token(self) -> list[str]:
        """Every POST form of every saved page that lacks exactly one `form_token`."""
        problems = []
        for path, page_name in self.sources.items():
            tokens = []
            for form in lxml.html.fromstring(path.read_bytes()).iter("form"):
                if (form.get("method") or "get").lower() != "post":
                    continue
                found = form.xpath(".//input[@type='hidden'][@name='form_token']/@value")
                if len(found) != 1:
                    problems.append(f"{page_name}: form to {form.get('action')} has "
                                    f"{len(found)} form tokens")
                tokens += found
            if len(set(tokens)) != len(tokens):
                problems.append(f"{page_name}: two forms share a token")
        return problems

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def axe_report(self) -> str:
        lines = []
        for page_name, violations in self.violations.items():
            lines.append(f"{page_name}:")
            for v in violations:
                lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
                lines.extend(f"      {node}" for node in v["nodes"][:8])
        return "\n".join(lines)

    def vnu_errors(self, vnu_jar: Path) -> list[str]:
        """Errors of the Nu Html Checker on every saved page, in one Java run."""
        files = [str(path) for path in self.sources]
        result = subprocess.run(
            ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout", *files],
            capture_output=True, text=True, timeout=120, check=False)
        assert result.stdout, f"vnu printed nothing (exit {result.returncode}): {result.stderr}"
        names = {path.name: name for path, name in self.sources.items()}
        errors = []
        for message in json.loads(result.stdout)["messages"]:
            if message.get("type") not in ("error", "non-document-error"):
                continue
            url = message.get("url", "")
            page_name = names.get(url.rsplit("/", 1)[-1], url)
            extract = (message.get("extract") or "").strip().replace("\n", " ")
            errors.append(f"{page_name} line {message.get('lastLine')}: {message['message']}"
                          f"\n      {extract[:160]}")
        return errors


# Markup and accessibility do not depend on the database, and the pages it opens are opened
# on both databases by other tests: once, on the SQLite pass, keeps CI within its time.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", ["en", "fa_AF"], ids=["english", "dari"])
def test_every_page_is_valid_html5_and_meets_wcag_21_aa(
        vnu_jar, axe_script, browser: Browser, server_url, app, make_user, tmp_path, language):
    checker = Checker(browser, server_url, axe_script, tmp_path, language)
    t = checker.t
    try:
        anonymous = checker.visitor()
        # An empty installation: signing in leads to the one-time set-up page.
        checker.check(anonymous, "setup", "/login", heading="Set up")
        desk = _prepare(app, make_user)
        with app.app_context():  # built-in scales cannot change: an editable copy
            active = db.session.exec(select(RatingScale).where(RatingScale.is_active)).one()
            copy = copy_scale(db.session, scale=active, name="House scale",
                              actor=db.session.get(User, desk.admin.id))
            db.session.commit()
            scale_id = copy.id
            label_id = db.session.exec(select(RatingLabel.id).where(
                RatingLabel.scale_id == copy.id)).first()
        checker.check(anonymous, "login", "/login", heading="Sign in")

        editor = checker.visitor(desk.editor.email)
        checker.check(editor, "editor-dashboard", "/editor/")
        checker.check(editor, "article-import", "/editor/articles/new")
        checker.check_after(editor, "article-import-errors", editor.get_by_role(
            "button", name=t("Import and find claims")).click, status=422)
        checker.check(editor, "claim-board", f"/editor/articles/{desk.jobs_id}")
        checker.check(editor, "claim-board-dari", f"/editor/articles/{desk.dari_id}")
        long_id = _long_article(app, desk)
        checker.check(editor, "claim-board-page-2", f"/editor/articles/{long_id}?page=2")
        checker.check(editor, "article-text", f"/editor/articles/{desk.jobs_id}/text")
        checker.check(editor, "claim-edit", f"/editor/claims/{desk.jobs_claims[2]}")
        checker.check(editor, "decision", f"/editor/claims/{desk.jobs_claims[0]}/decide")

        reviewer = checker.visitor(desk.reviewers[0].email)
        checker.check(reviewer, "review-queue", "/review/")
        checker.check(reviewer, "review-workspace", f"/review/claims/{desk.jobs_claims[0]}")
        checker.check(reviewer, "review-form", f"/review/claims/{desk.jobs_claims[2]}")
        checker.check(reviewer, "evidence-edit", f"/review/evidence/{desk.evidence_id}")
        checker.check(reviewer, "evidence-remove", f"/review/evidence/{desk.evidence_id}/delete")
        _preserve(app, desk.evidence_id)
        checker.check(reviewer, "preserved-copies", f"/review/evidence/{desk.evidence_id}/copies",
                      heading="Preserved copies")
        _link_checked(app, desk.evidence_id)
        checker.check(editor, "link-health", f"/editor/articles/{desk.jobs_id}/sources",
                      heading="Sources that changed or vanished")
        checker.check(reviewer, "change-password", "/account/password")
        checker.visitor(desk.reviewers[0].email)  # a second device, to be listed with its button
        checker.check(reviewer, "devices", "/account/sessions", heading="Signed-in devices")

        admin = checker.visitor(desk.admin.email)
        checker.check(admin, "admin-users", "/admin/users")
        checker.check(admin, "admin-user-new", "/admin/users/new")
        checker.check(admin, "admin-user-edit", f"/admin/users/{desk.reviewers[0].id}")
        checker.check(admin, "admin-scales", "/admin/scales")
        checker.check(admin, "admin-scale", f"/admin/scales/{scale_id}")
        checker.check(admin, "admin-label-edit", f"/admin/scales/{scale_id}/labels/{label_id}")
        checker.check(admin, "admin-settings", "/admin/settings")
        checker.check(admin, "admin-invitation", f"/admin/users/{desk.invited.id}/invitation")
        link = admin.get_by_label(t("Invitation link")).input_value()
        checker.check(anonymous, "invitation", link.removeprefix(server_url))

        checker.check(editor, "publish-preview",
                      f"/editor/articles/{desk.jobs_id}/publish?include_open=y",
                      heading="Publish the check?")
        _decide_and_publish(app, desk)
        checker.check(editor, "unpublish-confirm", f"/editor/articles/{desk.jobs_id}/unpublish",
                      heading="Withdraw the check from public view?")
        checker.check(anonymous, "verdict-page", f"/checks/{desk.jobs_slug}",
                      heading="Jobs report")
        checker.check(anonymous, "verdict-page-dari", f"/checks/{desk.dari_slug}")
        checker.check(anonymous, "claim-page", f"/checks/{desk.jobs_slug}/claims/1",
                      heading="Unemployment fell to 3.5 percent in October")
        checker.check(anonymous, "claim-page-dari", f"/checks/{desk.dari_slug}/claims/1")
        # The public view of the preserved copy of the jobs claim's source (see _preserve).
        checker.check(anonymous, "preserved-copy-public",
                      f"/checks/{desk.jobs_slug}/claims/1/sources/1",
                      heading="October labour force survey")
        sample_slug = _publish_sample(app, desk)
        checker.check(anonymous, "verdict-page-sample", f"/checks/{sample_slug}")
        with app.app_context():  # the sample's board: sentences with their sub-claims
            sample_id = db.session.exec(select(Article.id).where(
                Article.slug == sample_slug)).one()
            assert db.session.exec(select(Claim.id).where(
                Claim.article_id == sample_id, Claim.parent_id.is_not(None))).first()
        checker.check(editor, "claim-board-sub-claims", f"/editor/articles/{sample_id}")
        matched_id, matched_claim = _matched_article(app, desk, sample_slug)
        checker.check(editor, "claim-board-matches", f"/editor/articles/{matched_id}")
        checker.check(editor, "claim-edit-matches", f"/editor/claims/{matched_claim}")
        checker.check(reviewer, "review-workspace-matches", f"/review/claims/{matched_claim}")
        with app.app_context():  # claimants: the editors' pages and the public page
            ministry = db.session.exec(select(Claimant).where(
                Claimant.name == "The ministry")).one()
            ministry_id, ministry_slug = ministry.id, ministry.slug
        checker.check(editor, "claimants", "/editor/claimants", heading="Claimants")
        checker.check(editor, "claimant-edit", f"/editor/claimants/{ministry_id}")
        checker.check(anonymous, "claimant-page", f"/claimants/{ministry_slug}",
                      heading="The ministry")
        checker.check(anonymous, "methodology", "/methodology")
        checker.check(anonymous, "corrections", "/corrections")
        checker.check(admin, "admin-organisation", "/admin/organisation")
        with app.app_context():  # a dead letter and a web-page import that failed
            failed = enqueue(db.session, "article.import_url", {
                "url": "https://news.example.org/story", "actor_id": desk.editor.id,
                "metadata": {"title": "A story"}})
            failed.status, failed.attempts = JobStatus.FAILED, 2
            failed.last_error = "The page at https://news.example.org/story answered 404."
            failed.finished_at = failed.created_at
            db.session.commit()
            failed_id = failed.id
        checker.check(admin, "admin-jobs", "/admin/jobs", heading="Background jobs")
        checker.check(editor, "url-import-failed", f"/editor/imports/{failed_id}")
        hook_id = _webhook(app, desk)
        checker.check(admin, "admin-webhooks", "/admin/webhooks", heading="Webhooks")
        checker.check(admin, "admin-webhook", f"/admin/webhooks/{hook_id}", heading="Newsroom CMS")
        checker.check(admin, "admin-webhook-edit", f"/admin/webhooks/{hook_id}/edit")
        checker.check(admin, "admin-webhook-new", "/admin/webhooks/new", heading="Add a webhook")
        checker.check_after(admin, "admin-webhook-errors", admin.get_by_role(
            "button", name=t("Add webhook")).click, status=422)
        with app.app_context():  # another fact-checker's feed, one record of it refused
            feed = json.dumps([_imported_check(1), _imported_check(2), {"@type": "ClaimReview"}])
            for _totals in import_feed(db.session, io.BytesIO(feed.encode()),
                                       source="partner-feed.json", actor=None):
                db.session.commit()
        checker.check(admin, "admin-imported-checks", "/admin/imported-checks",
                      heading="Imported fact-checks")
        checker.check(anonymous, "front-page", "/", heading="Fact checks")
        checker.check(anonymous, "search-results", "/search?q=unemployment")
        with app.app_context():  # a process's first match loads scikit-learn and builds the
            find_matches(db.session, text="warm-up")  # index (seconds): not this page's work
        checker.check(anonymous, "search-similar",
                      "/search?q=Unemployment+dropped+in+October&mode=similar")
        expect(anonymous.get_by_role("main")).to_contain_text("fell to 3.5 percent")
        checker.check(anonymous, "reader-report", f"/checks/{desk.jobs_slug}/report")
        with app.app_context():
            report = submit_report(db.session, article=db.session.get(Article, desk.jobs_id),
                                   claim_id=desk.jobs_claims[2],
                                   message="The 1,200 jobs are a guess.",
                                   contact="reader@example.org", address="192.0.2.1")
            db.session.flush()  # a reply already sent, for the thread's markup
            db.session.add(ReportReply(report_id=report.id, author_id=desk.editor.id,
                                       subject="Re: your report", body="Thank you.\n\nWe look.",
                                       sent_at=report.created_at))
            db.session.commit()
            report_id = report.id
        checker.check(editor, "reader-reports", "/editor/reports")
        checker.check(editor, "reader-reports-new", "/editor/reports?status=new")
        # One report, its thread and the reply form (mail is off here: the form says so).
        checker.check(editor, "reader-report-reply", f"/editor/reports/{report_id}",
                      heading="Reader report")
        checker.check(editor, "needs-attention", "/editor/attention", heading="Needs attention")
        # Ready for decision (their article's claims were reviewed) and the reader report;
        # the reviewer's: assigned, decided and published.
        checker.check(editor, "notifications", "/notifications", heading="Notifications")
        if language == "en":  # what they say; the Dari walk checks the same pages' quality
            expect(editor.get_by_role("main")).to_contain_text("is ready for decision")
            expect(editor.get_by_role("main")).to_contain_text("A reader sent a report")
        checker.check(reviewer, "notifications-reviewer", "/notifications?unread=1",
                      heading="Notifications")
        checker.check(reviewer, "mail-settings", "/account/notifications",
                      heading="E-mail settings")
        with app.test_request_context():  # the links a mail would carry
            account = db.session.get(User, desk.reviewers[0].id)
            unsubscribe = unsubscribe_token(account, "assigned")
            reset = reset_token(account)
        checker.check(anonymous, "unsubscribe", f"/mail/unsubscribe/{unsubscribe}",
                      heading="Stop e-mails")
        checker.check(anonymous, "forgot-password", "/password/forgot",
                      heading="Forgot your password?")
        checker.check(anonymous, "reset-password", f"/password/reset/{reset}",
                      heading="Choose a new password")
        checker.check(anonymous, "not-found", "/checks/no-such-check", status=404,
                      heading="Not found")
    finally:
        checker.close()

    vnu_errors = checker.vnu_errors(vnu_jar)
    problems = []
    if checker.violations:
        problems.append("axe-core found WCAG 2.1 A/AA violations:\n" + checker.axe_report())
    if untokened := checker.forms_without_one_time_token():
        problems.append("Forms without their one-time token:\n  " + "\n  ".join(untokened))
    if vnu_errors:
        problems.append("The Nu Html Checker found errors:\n  " + "\n  ".join(vnu_errors))
    if checker.latin_digits:
        problems.append("Numbers in Latin digits on a Dari page:\n  "
                        + "\n  ".join(checker.latin_digits))
    assert not problems, "\n\n".join(problems)


def _webhook(app, desk: Desk) -> int:
    """A webhook with one delivery delivered and one failed, for its pages."""
    with app.app_context():
        hook = create_webhook(db.session, actor=db.session.get(User, desk.admin.id),
                              url="https://cms.example.org/hooks/factcheck",
                              events=["check.published", "claim.ready_for_decision"],
                              format=WebhookFormat.JSON, name="Newsroom CMS")
        db.session.add_all([
            WebhookDelivery(webhook_id=hook.id, event="check.published", uuid="d-1",
                            body='{"event": "check.published"}', attempts=1,
                            status=DeliveryStatus.DELIVERED, response_status=200,
                            response_excerpt="ok"),
            WebhookDelivery(webhook_id=hook.id, event="ping", uuid="d-2", body="{}",
                            status=DeliveryStatus.FAILED, attempts=1, response_status=404,
                            response_excerpt="<h1>Not found</h1>",
                            error="The receiver answered HTTP 404.")])
        db.session.commit()
        return hook.id


def _direction(page: Page, selector: str) -> str:
    return page.locator(selector).evaluate("el => getComputedStyle(el).direction")


def test_verdict_page_fits_a_360_px_screen_and_shows_dari_right_to_left(
        browser: Browser, server_url, app, make_user):
    desk = _prepare(app, make_user)
    _decide_and_publish(app, desk)
    context = browser.new_context(base_url=server_url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = context.new_page()
        for path in (f"/checks/{desk.jobs_slug}", f"/checks/{desk.dari_slug}", "/"):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide in a 360 px window: it scrolls"
            if path == f"/checks/{desk.jobs_slug}":
                assert _direction(phone, ".article-text") == "ltr"

        phone.goto(f"/checks/{desk.dari_slug}")
        expect(phone.locator(".article-text")).to_contain_text("نرخ بیکاری")
        assert _direction(phone, ".article-text") == "rtl", "Dari article text is not right-to-left"
        assert _direction(phone, "#claim-1 q") == "rtl", "Dari claim text is not right-to-left"
    finally:
        context.close()


def _imported_check(n: int) -> dict:
    return {"@type": "ClaimReview", "url": f"https://checks.example.net/{n}",
            "claimReviewed": f"Unemployment fell by {n} percent last year",
            "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
            "author": {"@type": "Organization", "name": "Example Checks"},
            "datePublished": "2026-03-04", "inLanguage": "en"}
