"""The typed published snapshot: its stored form, old snapshots and unknown versions."""

from __future__ import annotations

import copy
import json

import pytest

from factcheck.engine.snapshot import (
    SCHEMA_VERSION,
    Organisation,
    Snapshot,
    SnapshotError,
    numeric_rating,
    parse_time,
)

# A snapshot as publishing stored it before the schema key existed (version 1): what every
# publication in a database from before then holds.
STORED_V1: dict = {
    "article": {
        "title": "Jobs <b>report</b>", "slug": "jobs-report",
        "body": "The ministry said that unemployment fell to 3.5 percent in October. "
                "The council approved a budget of $4.2 million on Tuesday. "
                "Critics say the plan is unfair.",
        "source_url": "https://news.example.org/jobs", "outlet": "Daily Example",
        "author": None, "published_on": "2026-10-30", "language": "en",
    },
    "claims": [
        {"id": 41, "number": 1, "start": 0, "end": 67,
         "quote": "The ministry said that unemployment fell to 3.5 percent in October.",
         "text": "Unemployment fell to 3.5 percent in October.", "kind": "attributed",
         "claimant": "The ministry", "claim_date": "2026-10-29", "decided": True,
         "rating": {"key": "true", "name": "True", "value": 6, "colour": "#1b6e2e",
                    "symbol": "✔", "worst": 1, "best": 6,
                    "scale": "Truth scale (six steps)"},
         "summary": "The statistics office confirms it.",
         "decided_at": "2026-11-02T09:15:00.123456+00:00", "reviewers": 2,
         "agreement": "unanimous", "reasoning": ["Table 2.", "The October release."],
         "evidence": [{"url": "https://stats.example.org/oct", "title": "October report",
                       "publisher": "Statistics office", "published_on": "2026-10-28",
                       "quote": "3.5%", "stance": "supports",
                       "archive_url": "https://web.archive.org/web/2026/x"}]},
        {"id": 42, "number": 2, "start": 68, "end": 125,
         "quote": "The council approved a budget of $4.2 million on Tuesday.",
         "text": "The council approved a budget of $4.2 million on Tuesday.",
         "kind": "factual", "claimant": None, "claim_date": None, "decided": True,
         "rating": {"key": "unverifiable", "name": "Unverifiable", "value": None,
                    "colour": "#5f6b7a", "symbol": "?", "worst": 1, "best": 6,
                    "scale": "Truth scale (six steps)"},
         "summary": "No minutes were published.",
         "decided_at": "2026-11-02T09:20:00+00:00", "reviewers": 1, "agreement": "none",
         "reasoning": [], "evidence": []},
        {"id": 43, "number": 3, "start": 126, "end": 157,
         "quote": "Critics say the plan is unfair.", "text": "Critics say the plan is unfair.",
         "kind": "opinion", "claimant": "Critics", "claim_date": None, "decided": False,
         "rating": None, "summary": "", "decided_at": None, "reviewers": 0,
         "agreement": "none", "reasoning": [], "evidence": []},
    ],
    "counts": [["True", 1], ["Unverifiable", 1]],
    "checked": 2,
    "open": 1,
    "candidates": 5,
    "corrections": [
        {"note": "The October figure was revised.", "before": "Mostly true", "after": "True",
         "claim_id": 41, "at": "2026-11-03T10:00:00+00:00", "claim_number": 1},
        {"note": "Typo in the title.", "before": "", "after": "", "claim_id": None,
         "at": "2026-11-04T08:00:00+00:00", "claim_number": None},
    ],
    "organisation": {"name": "Fact-check desk", "url": "", "logo": ""},
}


def test_a_stored_snapshot_without_schema_key_reads_as_version_1():
    snapshot = Snapshot.from_json(copy.deepcopy(STORED_V1))
    assert snapshot.article.slug == "jobs-report"
    assert snapshot.article.published_on == "2026-10-30"
    first, second, third = snapshot.claims
    assert (first.number, first.claimant, first.rating.name) == (1, "The ministry", "True")
    assert first.reasoning == ("Table 2.", "The October release.")
    assert first.evidence[0].publisher == "Statistics office"
    assert first.evidence[0].to_json() == STORED_V1["claims"][0]["evidence"][0]
    assert numeric_rating(first.rating) == (6, 1, 6)
    assert numeric_rating(second.rating) == (None, None, None)  # non-ordinal: name only
    assert third.decided is False and third.rating is None
    assert snapshot.counts == (("True", 1), ("Unverifiable", 1))
    assert (snapshot.checked, snapshot.open, snapshot.candidates) == (2, 1, 5)
    assert [c.claim_number for c in snapshot.corrections] == [1, None]
    assert [c.kind for c in snapshot.corrections] == ["verdict", "verdict"]
    assert parse_time(snapshot.corrections[0].at).isoformat() == "2026-11-03T10:00:00+00:00"
    assert snapshot.organisation == Organisation(name="Fact-check desk", url="", logo="")


def test_dump_then_load_gives_the_same_snapshot_and_the_stored_shape_only_gains_the_key():
    snapshot = Snapshot.from_json(copy.deepcopy(STORED_V1))
    stored = snapshot.to_json()
    assert stored["schema"] == SCHEMA_VERSION == 1
    # Corrections gained what they changed; those stored without it changed a verdict.
    expected = copy.deepcopy(STORED_V1)
    for correction in expected["corrections"]:
        correction["kind"] = "verdict"
    # Claims gained their claimant's page and same-as address and their short claim;
    # older ones have none of them.
    for claim in expected["claims"]:
        claim.update(claimant_slug=None, claimant_same_as=None, short_claim="")
        # Evidence gained its record's id (where its preserved copy is); older has none.
        for item in claim["evidence"]:
            item["id"] = None
    assert {k: v for k, v in stored.items() if k != "schema"} == expected
    # Through real JSON, as the database column keeps it.
    assert Snapshot.from_json(json.loads(json.dumps(stored))) == snapshot


def test_a_snapshot_from_before_short_claims_heads_each_claim_with_the_proposal():
    snapshot = Snapshot.from_json(copy.deepcopy(STORED_V1))
    assert [c.headline for c in snapshot.claims] == [
        "Unemployment fell to 3.5 percent in October",
        "The council approved a budget of $4.2 million on Tuesday",
        "Critics say the plan is unfair"]
    stored = copy.deepcopy(STORED_V1)
    stored["claims"][0]["short_claim"] = "Unemployment fell to 3.5%"
    assert Snapshot.from_json(stored).claims[0].headline == "Unemployment fell to 3.5%"


def test_the_first_publications_lacked_the_logo_and_the_corrections_claim_number():
    earliest = copy.deepcopy(STORED_V1)
    del earliest["organisation"]["logo"]
    for correction in earliest["corrections"]:
        del correction["claim_number"]
    snapshot = Snapshot.from_json(earliest)
    assert snapshot.organisation.logo == ""
    # The number follows from the claim id, as the feed and the API always derived it.
    assert [c.claim_number for c in snapshot.corrections] == [1, None]
    assert snapshot == Snapshot.from_json(copy.deepcopy(STORED_V1))


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_an_unknown_schema_version_is_refused_with_a_clear_message(version):
    stored = {**copy.deepcopy(STORED_V1), "schema": version}
    with pytest.raises(SnapshotError, match=rf"schema version {version!r}.*reads version 1"):
        Snapshot.from_json(stored)


def test_a_damaged_snapshot_is_refused_as_such():
    damaged = copy.deepcopy(STORED_V1)
    del damaged["claims"][0]["text"]
    with pytest.raises(SnapshotError, match=r"damaged.*'text'"):
        Snapshot.from_json(damaged)
    with pytest.raises(SnapshotError, match="not a JSON object"):
        Snapshot.from_json([])  # type: ignore[arg-type]


def test_claims_carry_their_claimants_page_and_same_as_address_when_stored():
    stored = copy.deepcopy(STORED_V1)
    stored["claims"][0].update(claimant_slug="helen-okafor",
                               claimant_same_as="https://www.wikidata.org/wiki/Q1")
    snapshot = Snapshot.from_json(stored)
    first, second = snapshot.claims[0], snapshot.claims[1]
    assert (first.claimant_slug, first.claimant_same_as) == (
        "helen-okafor", "https://www.wikidata.org/wiki/Q1")
    assert (second.claimant_slug, second.claimant_same_as) == (None, None)
    assert Snapshot.from_json(json.loads(json.dumps(snapshot.to_json()))) == snapshot
