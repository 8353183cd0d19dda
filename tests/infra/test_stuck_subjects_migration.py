"""Migration 0031: deliveries, copies and snapshots left pending by a failed job are failed."""

from __future__ import annotations

from sqlmodel import select

from factcheck.extensions import db
from factcheck.infra.migrate import downgrade, upgrade
from factcheck.models import (
    Claim,
    Evidence,
    EvidenceCapture,
    Job,
    Webhook,
    WebhookDelivery,
)
from factcheck.states import CaptureStatus, DeliveryStatus, JobStatus, Stance, WaybackStatus
from factcheck.workflow.articles import import_article
from factcheck.workflow.captures import KIND as CAPTURE_KIND
from factcheck.workflow.webhooks import KIND as DELIVERY_KIND


def test_subjects_whose_job_failed_or_was_pruned_are_failed_and_live_ones_stay(app):
    downgrade(app, "0030")
    with app.app_context():
        hook = Webhook(name="CMS", url="https://cms.example.org/hook", secret="s" * 40)
        db.session.add(hook)
        db.session.flush()
        deliveries = {name: WebhookDelivery(webhook_id=hook.id, event="ping", uuid=name,
                                            body="{}", status=status)
                      for name, status in (("failed-job", DeliveryStatus.PENDING),
                                           ("pruned-job", DeliveryStatus.PENDING),
                                           ("waiting-job", DeliveryStatus.PENDING),
                                           ("delivered", DeliveryStatus.DELIVERED))}
        db.session.add_all(deliveries.values())
        article = import_article(db.session, title="Jobs", actor=None,
                                 body="Unemployment fell to 3.5 percent in October.")
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        evidence = Evidence(claim_id=claim.id, url="https://stats.example.org/",
                            stance=Stance.SUPPORTS)
        db.session.add(evidence)
        db.session.flush()
        stuck, running, saved = (EvidenceCapture(evidence_id=evidence.id, url=evidence.url)
                                 for _ in range(3))
        saved.status, saved.wayback_status = CaptureStatus.PRESERVED, WaybackStatus.PENDING
        db.session.add_all([stuck, running, saved])
        db.session.flush()
        jobs = [(DELIVERY_KIND, f"webhook:delivery:{deliveries['failed-job'].id}",
                 JobStatus.FAILED),
                (DELIVERY_KIND, f"webhook:delivery:{deliveries['waiting-job'].id}",
                 JobStatus.PENDING),
                (CAPTURE_KIND, f"evidence.capture:{stuck.id}", JobStatus.FAILED),
                (CAPTURE_KIND, f"evidence.capture:{running.id}", JobStatus.RUNNING)]
        db.session.add_all(Job(kind=kind, key=key, status=status) for kind, key, status in jobs)
        db.session.commit()  # the snapshot's job was pruned: it has none
        ids = {name: d.id for name, d in deliveries.items()}
        capture_ids = (stuck.id, running.id, saved.id)
    upgrade(app)
    with app.app_context():
        after = {name: db.session.get(WebhookDelivery, i) for name, i in ids.items()}
        assert {name: d.status for name, d in after.items()} == {
            "failed-job": DeliveryStatus.FAILED, "pruned-job": DeliveryStatus.FAILED,
            "waiting-job": DeliveryStatus.PENDING, "delivered": DeliveryStatus.DELIVERED}
        assert after["failed-job"].error.startswith("Its background job failed")
        stuck, running, saved = (db.session.get(EvidenceCapture, i) for i in capture_ids)
        assert (stuck.status, running.status) == (CaptureStatus.FAILED, CaptureStatus.PENDING)
        assert stuck.reason.startswith("The copy could not be made")
        assert stuck.captured_at is not None
        assert (saved.status, saved.wayback_status) == (CaptureStatus.PRESERVED,
                                                        WaybackStatus.FAILED)
        assert saved.wayback_reason == "The background job asking the Internet Archive failed."
