"""Housekeeping: spent records are deleted after RETENTION_DAYS, by `factcheck prune` and by
the worker's daily job; work still to do, unread notifications, the latest link check of
each source and the audit log are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from factcheck.cli import cli
from factcheck.config import ConfigurationError
from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import (
    Assignment,
    AuditEvent,
    Claim,
    Evidence,
    Job,
    LinkCheck,
    Notification,
    ReminderSent,
    User,
    UserSession,
    Webhook,
    WebhookDelivery,
)
from factcheck.states import (
    DeliveryStatus,
    JobStatus,
    LinkStatus,
    NotificationKind,
    Role,
)
from factcheck.workflow import jobs as job_flow
from factcheck.workflow.articles import import_article
from factcheck.workflow.retention import KIND

from ..helpers import rows, run_jobs

OLD, RECENT = timedelta(days=120), timedelta(days=10)


@pytest.fixture
def records(app, make_user) -> dict[str, set[int]]:
    """Of every kind the retention deletes, old and recent rows, spent and not: the ids
    that must be kept, by table."""
    editor, reviewer = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    now = utcnow()
    old, recent = now - OLD, now - RECENT
    kept: dict[str, set[int]] = {}

    def add(row, keep: bool):
        db.session.add(row)
        db.session.flush()
        if keep:
            kept.setdefault(type(row).__tablename__, set()).add(row.id)

    with app.app_context():
        actor = db.session.get(User, editor.id)
        article = import_article(db.session, title="Budget", actor=actor,
                                 body="The council approved a budget of $4.2 million.")
        db.session.flush()
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        for status, finished, keep in [(JobStatus.DONE, old, False),
                                       (JobStatus.FAILED, old, False),
                                       (JobStatus.DONE, recent, True),
                                       (JobStatus.PENDING, None, True),
                                       (JobStatus.RUNNING, None, True)]:
            add(Job(kind="test.kind", status=status, created_at=old, run_after=old,
                    finished_at=finished), keep)
        hook = Webhook(url="https://hooks.example.net/in", events=["claim.published"],
                       secret="s" * 32)
        add(hook, True)
        for n, (status, at, keep) in enumerate([(DeliveryStatus.DELIVERED, old, False),
                                                (DeliveryStatus.FAILED, old, False),
                                                (DeliveryStatus.DELIVERED, recent, True),
                                                (DeliveryStatus.PENDING, old, True)]):
            add(WebhookDelivery(webhook_id=hook.id, event="claim.published",
                                uuid=f"00000000-0000-0000-0000-00000000000{n}", body="{}",
                                status=status, created_at=at, last_attempt_at=at), keep)
        for read_at, keep in [(old, False), (recent, True), (None, True)]:
            add(Notification(user_id=reviewer.id, kind=NotificationKind.ASSIGNED,
                             created_at=old, read_at=read_at), keep)
        assignment = Assignment(claim_id=claim.id, reviewer_id=reviewer.id)
        add(assignment, True)
        for day, keep in [(old, False), (recent, True)]:
            add(ReminderSent(assignment_id=assignment.id, day=day.date(),
                             kind=NotificationKind.OVERDUE, sent_at=day), keep)
        source = Evidence(claim_id=claim.id, added_by_id=reviewer.id,
                          url="https://stats.example.org/a")
        gone = Evidence(claim_id=claim.id, added_by_id=reviewer.id,
                        url="https://stats.example.org/b")
        add(source, True)
        add(gone, True)
        # Of each source's checks the latest stays, however old.
        for evidence, at, keep in [(source, old, False), (source, old, False),
                                   (source, recent, True), (gone, old - OLD, False),
                                   (gone, old, True)]:
            add(LinkCheck(evidence_id=evidence.id, url=evidence.url, checked_at=at,
                          status=LinkStatus.ALIVE), keep)
        for n, (seen, ended, keep) in enumerate([(old, old, False), (old, None, False),
                                                 (recent, recent, True), (now, None, True)]):
            add(UserSession(user_id=reviewer.id, key_hash=f"{n:064d}", created_at=seen,
                            last_seen_at=seen, ended_at=ended), keep)
        add(AuditEvent(actor_id=actor.id, action="test.old_event", at=old), True)
        db.session.commit()
    return kept


def _remaining(app) -> dict[str, set[int]]:
    models = (Job, WebhookDelivery, Notification, ReminderSent, LinkCheck, UserSession)
    return {m.__tablename__: {row.id for row in rows(app, m)} for m in models}


def _expected(kept: dict[str, set[int]]) -> dict[str, set[int]]:
    return {name: ids for name, ids in kept.items() if name in _TABLES}


_TABLES = ("jobs", "webhook_deliveries", "notifications", "reminders_sent", "link_checks",
           "user_sessions")


def _audit_events(app) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_prune_deletes_only_what_is_spent_and_old(app, runner, records):
    events = _audit_events(app)
    result = runner.invoke(["prune"])
    assert result.exit_code == 0, result.output
    assert "2 jobs, 2 webhook deliveries, 1 read notifications, 1 reminder marks, " \
           "3 superseded link checks, 2 device sessions" in result.output
    assert _remaining(app) == _expected(records)
    assert _audit_events(app) == events
    # A second run finds nothing more.
    assert "0 jobs, 0 webhook deliveries" in runner.invoke(["prune"]).output


def test_a_shorter_period_on_the_command_line_deletes_more(app, runner, records):
    result = runner.invoke(["prune", "--days", "5"])
    assert result.exit_code == 0, result.output
    left = _remaining(app)
    assert JobStatus.DONE not in {j.status for j in rows(app, Job)}
    assert len(left["jobs"]) == 2  # pending and running
    assert len(left["link_checks"]) == 2  # the latest of each source
    assert runner.invoke(["prune", "--days", "0"]).exit_code != 0


def test_the_daily_job_prunes_with_the_configured_period(app, records):
    with app.app_context():
        job_flow.enqueue(db.session, KIND, {})
        db.session.commit()
    run_jobs(app)
    job = rows(app, Job, kind=KIND)[0]
    assert job.status == JobStatus.DONE, job.last_error
    assert job.result["link_checks"] == 3 and job.result["jobs"] == 2
    assert _remaining(app) == {**_expected(records),
                               "jobs": records["jobs"] | {job.id}}


def test_the_daily_job_is_asked_for_once_a_day_from_four(app):
    day = utcnow().replace(year=2031, month=3, day=14, minute=0, second=0, microsecond=0)
    with app.app_context():
        early = job_flow.enqueue_due_daily(db.session, now=day.replace(hour=3),
                                           settings=app.config)
        late = job_flow.enqueue_due_daily(db.session, now=day.replace(hour=5),
                                          settings=app.config)
        db.session.commit()
    assert KIND not in early and KIND in late


def test_zero_keeps_everything_and_a_bad_period_is_refused(make_app, records, app):
    before = _remaining(app)
    quiet = make_app(RETENTION_DAYS=0)
    result = quiet.test_cli_runner().invoke(cli, ["prune"])
    assert result.exit_code == 0 and "everything is kept" in result.output
    assert _remaining(app) == before
    for bad in (-1, "90", True, 1.5):
        with pytest.raises(ConfigurationError, match="RETENTION_DAYS"):
            make_app(RETENTION_DAYS=bad)


def test_the_newest_row_and_each_webhook_s_latest_delivery_stay(app, runner, make_user):
    """SQLite would give the highest id again to the next row, and job keys name ids; a
    webhook's page shows its latest delivery."""
    reader = make_user(Role.REVIEWER)
    old = utcnow() - OLD
    with app.app_context():
        notes = [Notification(user_id=reader.id, kind=NotificationKind.ASSIGNED,
                              created_at=old, read_at=old) for _n in range(3)]
        hooks = [Webhook(url=f"https://hooks.example.net/{n}", events=["claim.published"],
                         secret="s" * 32) for n in range(2)]
        db.session.add_all([*notes, *hooks])
        db.session.flush()
        deliveries = [WebhookDelivery(webhook_id=hook.id, event="claim.published",
                                      uuid=f"00000000-0000-0000-0000-0000000000{n}{k}",
                                      body="{}", status=DeliveryStatus.DELIVERED,
                                      created_at=old, last_attempt_at=old)
                      for n, hook in enumerate(hooks) for k in range(2)]
        db.session.add_all(deliveries)
        db.session.commit()
        newest_note = notes[-1].id
        latest = {hook.id: max(d.id for d in deliveries if d.webhook_id == hook.id)
                  for hook in hooks}
    assert runner.invoke(["prune"]).exit_code == 0
    assert [n.id for n in rows(app, Notification)] == [newest_note]
    assert {d.webhook_id: d.id for d in rows(app, WebhookDelivery)} == latest
    assert len(rows(app, WebhookDelivery)) == 2
