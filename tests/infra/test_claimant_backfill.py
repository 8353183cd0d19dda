"""Migration 0017: existing claimants become records, short mentions resolved per article."""

from __future__ import annotations

from sqlalchemy import text

from factcheck.extensions import db
from factcheck.infra.migrate import downgrade, upgrade

OKAFOR = ("The city will spend 4 million dollars on bus lanes, Mayor Helen Okafor announced "
          "on Tuesday. Okafor said the lanes would cut commute times by 20 percent.")
OTHER = "Dr. Helen  OKAFOR said the budget doubled. Patel said it did not."


def _article(conn, title: str, body: str, slug: str) -> int:
    conn.execute(text(
        "INSERT INTO articles (title, body, status, slug, revision, created_at, updated_at, "
        "version) VALUES (:t, :b, 'draft', :s, 1, '2026-11-01 00:00:00', "
        "'2026-11-01 00:00:00', 1)"), {"t": title, "b": body, "s": slug})
    return conn.execute(text("SELECT id FROM articles WHERE slug = :s"), {"s": slug}).scalar()


def _claim(conn, article_id: int, start: int, claimant: str | None) -> None:
    conn.execute(text(
        "INSERT INTO claims (article_id, position, start, \"end\", text, kind, score, claimant, "
        "status, features, dismissal_reason, created_at, updated_at, version) VALUES (:a, 0, "
        ":s, :e, 'x', 'attributed', 0.5, :c, 'candidate', '{}', '', '2026-11-01 00:00:00', "
        "'2026-11-01 00:00:00', 1)"), {"a": article_id, "s": start, "e": start + 1,
                                        "c": claimant})


def test_existing_claimants_become_records_resolved_within_each_article(app):
    downgrade(app, "0016")
    try:
        with db.engine_for(app).begin() as conn:
            first = _article(conn, "Bus lanes", OKAFOR, "bus-lanes")
            second = _article(conn, "Budget", OTHER, "budget")
            _claim(conn, first, 0, "Mayor Helen Okafor")
            _claim(conn, first, 100, "Okafor")
            _claim(conn, first, 120, None)
            _claim(conn, second, 0, "Dr. Helen  OKAFOR")
            _claim(conn, second, 50, "Patel")
        upgrade(app)
        with db.engine_for(app).connect() as conn:
            records = conn.execute(text(
                "SELECT id, name, key, slug FROM claimants ORDER BY id")).all()
            claims = conn.execute(text(
                "SELECT article_id, claimant, claimant_id FROM claims ORDER BY id")).all()
    finally:
        upgrade(app)  # the shared test database stays at the latest schema
    by_name = {r.name: r for r in records}
    # "Okafor" is the "Helen Okafor" of its article; the same full name elsewhere (other
    # case, spacing and title) is the same record; nothing is lost.
    assert set(by_name) == {"Helen Okafor", "Patel"}
    okafor = by_name["Helen Okafor"]
    assert (okafor.key, okafor.slug) == ("helen okafor", "helen-okafor")
    assert [(c.claimant, c.claimant_id) for c in claims] == [
        ("Helen Okafor", okafor.id), ("Helen Okafor", okafor.id), (None, None),
        ("Helen Okafor", okafor.id), ("Patel", by_name["Patel"].id)]
