"""Issue 13, due-date reminders: `factcheck send-reminders` and the worker's daily job tell a
reviewer whose review is due tomorrow or overdue, at most once per assignment and day, and
never anything about another reviewer's verdict."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import Job, Notification, ReminderSent, User
from factcheck.states import JobStatus, NotificationKind
from factcheck.worker import Worker
from factcheck.workflow import jobs as job_flow
from factcheck.workflow.reminders import KIND, send_reminders
from factcheck.workflow.settings import set_setting

from ..helpers import rows, run_jobs
from .test_blind_review_attacks import Desk
from .test_notifications import decide, inbox, open_link

DUE = date(2031, 3, 14)
REMINDERS = {NotificationKind.DUE_TOMORROW, NotificationKind.OVERDUE}


def assign(desk: Desk, name: str, due: date | None) -> None:
    response = desk["editor"].api("POST", f"/claims/{desk.claim_id}/assignments", {
        "reviewer": desk[name].user.email, "due": due.isoformat() if due else None})
    assert response.status_code == 201, response.json


def remind(runner, day: date) -> str:
    """Run `factcheck send-reminders --date day`; its report."""
    result = runner.invoke(["send-reminders", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def reminders(desk: Desk, name: str) -> list[dict]:
    return [i for i in inbox(desk, name) if i["kind"] in REMINDERS]


def test_due_tomorrow_then_overdue_every_day_once_a_day(desk, runner):
    assign(desk, "r1", DUE)
    assign(desk, "r2", DUE - timedelta(days=3))
    day_before = DUE - timedelta(days=1)
    assert remind(runner, day_before) == (
        "Sent 2 reminders for 2031-03-13: 1 due tomorrow, 1 overdue.")
    [tomorrow] = reminders(desk, "r1")
    assert tomorrow["kind"] == "due_tomorrow" and tomorrow["details"]["due_on"] == "2031-03-14"
    assert tomorrow["text"] == ("Reminder: your review of the claim “Unemployment fell to 3.5 "
                                "percent in October, the lowest rate since 2019.” in “Jobs” is "
                                "due tomorrow, 2031-03-14.")
    assert tomorrow["actor"] is None and tomorrow["claim_id"] == desk.claim_id
    [late] = reminders(desk, "r2")
    assert late["kind"] == "overdue" and "was due 2031-03-11 and is overdue" in late["text"]
    # Again the same day (cron and the worker both ran it): nothing more.
    assert remind(runner, day_before) == (
        "Sent 0 reminders for 2031-03-13: 0 due tomorrow, 0 overdue.")
    assert len(reminders(desk, "r1")) == 1 and len(reminders(desk, "r2")) == 1
    # On the due day, the overdue one only; from the next day on, both are overdue daily.
    assert remind(runner, DUE).startswith("Sent 1 reminders for 2031-03-14: 0 due tomorrow")
    assert remind(runner, DUE + timedelta(days=1)).endswith("0 due tomorrow, 2 overdue.")
    assert remind(runner, DUE + timedelta(days=2)).endswith("0 due tomorrow, 2 overdue.")
    assert [i["kind"] for i in reminders(desk, "r1")] == ["overdue", "overdue", "due_tomorrow"]
    assert [i["kind"] for i in reminders(desk, "r2")] == ["overdue"] * 4
    for name in ("editor", "decider", "editor2"):
        assert reminders(desk, name) == []  # the assigned reviewer alone is reminded


def test_the_reminder_leads_to_the_reviewers_claim_page(desk, runner):
    assign(desk, "r1", DUE)
    remind(runner, DUE - timedelta(days=1))
    [item] = reminders(desk, "r1")
    assert item["url"].endswith(f"/review/claims/{desk.claim_id}")
    assert "is due tomorrow, 2031-03-14." in desk["r1"].page("/notifications")[1]
    location, status = open_link(desk, "r1", item)
    assert location == f"/review/claims/{desk.claim_id}" and status == 200
    assert inbox(desk, "r1")[0]["read_at"] is not None


def test_no_reminder_once_the_review_is_submitted(desk, runner):
    assign(desk, "r1", DUE)
    assign(desk, "r2", DUE)
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", "Done early.", [source]).status_code == 201
    assert desk.draft("r1", "Half way.", [source]).status_code == 302  # a draft is not done
    assert remind(runner, DUE - timedelta(days=1)).startswith("Sent 1 reminders")
    assert len(reminders(desk, "r1")) == 1 and reminders(desk, "r2") == []


def test_no_reminder_without_a_due_date_off_the_claim_or_deactivated(desk, runner, app):
    assign(desk, "r1", None)  # no due date: nothing to remind of
    assign(desk, "r2", DUE)
    assign(desk, "editor2", DUE)
    removed = desk["editor"].api("DELETE", f"/claims/{desk.claim_id}/assignments/"
                                 f"{desk['r2'].user.email}")
    assert removed.status_code == 204
    with app.app_context():
        db.session.exec(update(User).where(User.id == desk["editor2"].user.id)
                        .values(is_active=False))
        db.session.commit()
    for day in (DUE - timedelta(days=1), DUE + timedelta(days=1)):
        assert remind(runner, day).startswith("Sent 0 reminders")
    assert rows(app, Notification, kind=NotificationKind.DUE_TOMORROW) == []
    assert rows(app, Notification, kind=NotificationKind.OVERDUE) == []


def test_no_reminder_once_the_claim_is_decided(desk, runner, app):
    with app.app_context():  # one verdict suffices: r1 is still assigned when it is decided
        set_setting(db.session, key="reviews_required", value=1,
                    actor=db.session.get(User, desk["editor"].user.id))
        db.session.commit()
    assign(desk, "r1", DUE)
    assign(desk, "r2", DUE)
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", "Enough.", [source]).status_code == 201
    decide(desk)
    assert remind(runner, DUE + timedelta(days=1)).startswith("Sent 0 reminders")


def test_bad_dates_are_refused_in_one_line(runner):
    for bad in ("2031-02-30", "14/03/2031", "tomorrow", ""):
        result = runner.invoke(["send-reminders", "--date", bad])
        assert result.exit_code == 1, (bad, result.output)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "--date must be a date as YYYY-MM-DD" in (
            result.stderr), result.stderr


def test_without_a_date_it_reminds_as_of_today_in_utc(desk, runner):
    today = utcnow().date()
    assign(desk, "r1", today + timedelta(days=1))
    result = runner.invoke(["send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Sent 1 reminders for {today.isoformat()}: "
                                     "1 due tomorrow, 0 overdue.")


def test_two_runs_at_the_same_time_remind_once(desk, app):
    """The unique (assignment, day) row, not the query, decides: a second run that started
    before the first committed sends nothing either."""
    assign(desk, "r1", DUE)
    day = DUE + timedelta(days=1)
    outcome: dict[str, int] = {}

    def second_run() -> None:
        with app.app_context():
            outcome["second"] = send_reminders(db.session, today=day).total
            db.session.commit()

    with app.app_context():
        assert send_reminders(db.session, today=day).total == 1  # not committed yet
        racer = threading.Thread(target=second_run)
        racer.start()
        time.sleep(0.5)  # the second run waits on the first's lock or its unique row
        db.session.commit()
    racer.join(timeout=30)
    assert not racer.is_alive() and outcome == {"second": 0}
    assert len(rows(app, Notification, kind=NotificationKind.OVERDUE)) == 1
    [sent] = rows(app, ReminderSent)
    assert (sent.day, sent.kind) == (day, NotificationKind.OVERDUE)


def test_the_daily_job_is_asked_for_once_a_day_from_its_hour(desk, app):
    """What every worker's heartbeat calls: before REMINDERS_HOUR nothing, then one job a
    day however often (and by however many workers) it is called."""
    assign(desk, "r1", DUE)
    app.config["REMINDERS_HOUR"] = 7
    day_before = datetime(2031, 3, 13, tzinfo=UTC)

    def beat(now: datetime) -> list[str]:
        with app.app_context():
            enqueued = job_flow.enqueue_due_daily(db.session, now=now, settings=app.config)
            db.session.commit()
            return enqueued

    assert KIND not in beat(day_before.replace(hour=6, minute=59))
    assert KIND in beat(day_before.replace(hour=7))
    assert KIND not in beat(day_before.replace(hour=7, minute=1))
    assert KIND not in beat(day_before.replace(hour=23))
    [job] = rows(app, Job, kind=KIND)
    assert (job.key, job.payload) == ("reminders.send:2031-03-13", {"day": "2031-03-13"})
    assert KIND in beat(day_before + timedelta(days=1, hours=8))
    assert [j.key for j in rows(app, Job, kind=KIND)] == [
        "reminders.send:2031-03-13", "reminders.send:2031-03-14"]


def test_the_daily_job_sends_the_days_reminders_once(desk, app):
    today = utcnow().date()
    assign(desk, "r1", today - timedelta(days=1))
    with app.app_context():
        job_flow.enqueue(db.session, KIND, {"day": today.isoformat()})
        job_flow.enqueue(db.session, KIND, {"day": today.isoformat()})  # a repeat
        db.session.commit()
    assert run_jobs(app) == 2
    jobs = rows(app, Job, kind=KIND)
    assert [j.status for j in jobs] == [JobStatus.DONE, JobStatus.DONE]
    assert [j.result["overdue"] for j in jobs] == [1, 0]
    assert [i["kind"] for i in reminders(desk, "r1")] == ["overdue"]


def test_running_workers_send_the_days_reminders_once(desk, app):
    """Two real workers with a fast heartbeat: one daily job, one reminder."""
    today = utcnow().date()
    assign(desk, "r1", today + timedelta(days=1))
    app.config.update(JOBS_HEARTBEAT_SECONDS=0.1, REMINDERS_HOUR=0)
    workers = [Worker(app, threads=1, own_signals=False).start() for _n in range(2)]
    try:
        deadline = time.monotonic() + 20
        while not [j for j in rows(app, Job, kind=KIND) if j.status == JobStatus.DONE]:
            assert time.monotonic() < deadline, rows(app, Job, kind=KIND)
            time.sleep(0.05)
        time.sleep(0.5)  # a few more heartbeats of both workers
    finally:
        for worker in workers:
            worker.stop()
    [job] = rows(app, Job, kind=KIND)
    assert job.key == f"reminders.send:{today.isoformat()}"
    assert job.result == {"day": today.isoformat(), "due_tomorrow": 1, "overdue": 0}
    assert [i["kind"] for i in reminders(desk, "r1")] == ["due_tomorrow"]


SECRET_RATIONALE = "SECRET-RATIONALE-R2 the report says 3.9"
SECRET_DRAFT = "SECRET-DRAFT-R1"


def test_a_reminder_reveals_no_verdict(desk, runner, app):
    assign(desk, "r1", DUE)
    assign(desk, "r2", DUE)
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", SECRET_RATIONALE, [source], rating="false-ridiculous"
                       ).status_code == 201
    assert desk.draft("r1", SECRET_DRAFT, [source]).status_code == 302
    remind(runner, DUE - timedelta(days=1))
    remind(runner, DUE + timedelta(days=1))
    assert [i["kind"] for i in reminders(desk, "r1")] == ["overdue", "due_tomorrow"]
    shown = [json.dumps(inbox(desk, "r1")), desk["r1"].page("/notifications")[1]]
    shown += [json.dumps(n.details) for n in rows(app, Notification)]
    for text in shown:
        for secret in (SECRET_RATIONALE, "False and ridiculous", "false-ridiculous",
                       SECRET_DRAFT):
            assert secret not in text
    with app.app_context():
        assert db.session.exec(select(ReminderSent)).all()
