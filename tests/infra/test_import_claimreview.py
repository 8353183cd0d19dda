"""`factcheck import-claimreview`: every feed shape, re-import, bad records, refusals, streaming."""

from __future__ import annotations

import io
import json
import tracemalloc

from sqlmodel import select

from factcheck.extensions import db
from factcheck.intake.claimreview_feed import read_feed
from factcheck.models import ImportedCheck


def review(n: int, **overrides) -> dict:
    data = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": f"https://checks.example.net/{n}",
        "claimReviewed": f"Claim number {n} about the budget",
        "headline": f"Did the budget grow by {n} percent?",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1,
                         "bestRating": 5, "worstRating": 1},
        "author": {"@type": "Organization", "name": "Example Checks"},
        "datePublished": "2026-03-04",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Minister"}},
        "inLanguage": "en",
    }
    data.update(overrides)
    return data


def _import(runner, tmp_path, document, name="feed.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return runner.invoke(["import-claimreview", str(path)])


def _stored(app) -> list[ImportedCheck]:
    with app.app_context():
        found = db.session.exec(select(ImportedCheck).order_by(ImportedCheck.url)).all()
        for row in found:
            db.session.expunge(row)
        return list(found)


def test_one_claimreview_keeps_every_field(app, runner, tmp_path):
    result = _import(runner, tmp_path, review(1), "one.jsonld")
    assert result.exit_code == 0, result.output
    assert "Imported 1 check: 1 new, 0 updated, 0 skipped." in result.output
    [row] = _stored(app)
    assert (row.url, row.claim_reviewed, row.headline, row.rating) == (
        "https://checks.example.net/1", "Claim number 1 about the budget",
        "Did the budget grow by 1 percent?", "False")
    assert (row.rating_value, row.rating_best, row.rating_worst) == (1.0, 5.0, 1.0)
    assert (row.publisher, str(row.published), row.claimant, row.language) == (
        "Example Checks", "2026-03-04", "A. Minister", "en")


def test_list_graph_and_datafeed_shapes(app, runner, tmp_path):
    assert _import(runner, tmp_path, [review(1), review(2)]).exit_code == 0
    graph = {"@context": "https://schema.org", "@graph": [review(3), review(4)]}
    assert _import(runner, tmp_path, graph).exit_code == 0
    name_only = review(7, name="Named headline")
    del name_only["headline"]
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
        {"@type": "DataFeedItem", "item": [review(5), review(6)]},
        {"@type": "DataFeedItem", "item": name_only}]}
    result = _import(runner, tmp_path, feed)
    assert result.exit_code == 0, result.output
    assert "Imported 3 checks: 3 new" in result.output
    rows = _stored(app)
    assert [r.url.rsplit("/", 1)[1] for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[-1].headline == "Named headline"


def test_a_second_import_updates_and_never_duplicates(app, runner, tmp_path):
    assert _import(runner, tmp_path, [review(1), review(2)]).exit_code == 0
    changed = review(2, reviewRating={"alternateName": "Mostly false"})
    result = _import(runner, tmp_path, [review(1), changed, review(3)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 checks: 1 new, 2 updated, 0 skipped." in result.output
    rows = _stored(app)
    assert len(rows) == 3
    assert rows[1].rating == "Mostly false" and rows[1].rating_value is None


def test_bad_records_are_reported_by_position_and_skipped(app, runner, tmp_path):
    no_url = review(2)
    del no_url["url"]
    document = [review(1), no_url, {"@type": "Article", "name": "x"}, 42,
                review(5, url="ftp://x.example/5"), review(6, claimReviewed=""), review(7)]
    result = _import(runner, tmp_path, document)
    assert result.exit_code == 0, result.output
    assert "Record 2 skipped: no url." in result.output
    assert "Record 3 skipped: not a ClaimReview (@type Article)." in result.output
    assert "Record 4 skipped: not a JSON object." in result.output
    assert "Record 5 skipped: the url is not an http(s) address." in result.output
    assert "Record 6 skipped: no claimReviewed." in result.output
    assert "Imported 2 checks: 2 new, 0 updated, 5 skipped." in result.output
    assert len(_stored(app)) == 2


def test_past_the_kept_reasons_the_skipped_records_are_still_counted(app, runner, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr("factcheck.workflow.imported_checks.SKIPS_KEPT", 2)
    result = _import(runner, tmp_path, [review(1), 1, 2, 3, 4, review(6)])
    assert result.exit_code == 0, result.output
    assert "Record 3 skipped: not a JSON object." in result.output
    assert "Record 4 skipped" not in result.output
    assert "2 more records skipped." in result.output
    assert "Imported 2 checks: 2 new, 0 updated, 4 skipped." in result.output


def test_not_json_is_refused_with_one_line(app, runner, tmp_path):
    result = _import(runner, tmp_path, "this is not json, <html>", "page.html")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: The file is not JSON")
    assert "Traceback" not in result.output
    assert _stored(app) == []


def test_json_without_claimreview_is_refused(app, runner, tmp_path):
    for document in ({"@type": "Article", "name": "x"}, [], {"a": 1}):
        result = _import(runner, tmp_path, document)
        assert result.exit_code == 1, document
        assert result.output.strip().splitlines()[-1] == (
            "Error: The document holds no ClaimReview.")
    for blank in ("", "  \n "):
        empty = _import(runner, tmp_path, blank)
        assert empty.exit_code == 1
        assert empty.output.strip() == "Error: The file is empty: expected a JSON document."


def test_a_document_that_breaks_off_keeps_what_came_before(app, runner, tmp_path):
    text = json.dumps([review(n) for n in range(1, 4)])[:-30]
    result = _import(runner, tmp_path, text)
    assert result.exit_code == 1
    assert "The JSON breaks off after record 2" in result.output
    assert len(_stored(app)) == 2


def test_the_parsers_message_is_text_not_bytes(app, runner, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xff\xfe{")
    result = runner.invoke(["import-claimreview", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: The file is not JSON (lexical error: invalid char in json text.).")


def test_text_after_the_document_is_named_as_such(app, runner, tmp_path):
    for after in (" trailing words", json.dumps(review(2))):
        result = _import(runner, tmp_path, json.dumps([review(1)]) + after)
        assert result.exit_code == 1
        assert "Kept the 1 check imported before the error." in result.output
        assert ("Error: The JSON document ends after record 1, but more text follows it"
                in result.output)
    assert [row.url for row in _stored(app)] == ["https://checks.example.net/1"]


def test_lists_nested_beyond_any_feed_are_refused_keeping_the_records_before(
        app, runner, tmp_path):
    deep = "[" * 5000 + "]" * 5000
    result = _import(runner, tmp_path, f"[{json.dumps(review(1))}, {deep}]")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Kept the 1 check imported before the error." in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: Lists and containers are nested more than 32 deep after record 1: that is "
        "not a ClaimReview feed.")
    assert [row.url for row in _stored(app)] == ["https://checks.example.net/1"]
    items = '{"item": ' * 3000 + "1" + "}" * 3000
    result = _import(runner, tmp_path, items)
    assert result.output.strip() == ("Error: Lists and containers are nested more than 32 "
                                     "deep: that is not a ClaimReview feed.")
    # A record's own fields may nest as deep as they like: only the value is kept.
    nested_field = review(3, extra=json.loads("[" * 500 + "]" * 500))
    assert _import(runner, tmp_path, [nested_field]).exit_code == 0


def test_the_url_is_the_same_check_whatever_the_case_of_its_scheme_and_host(
        app, runner, tmp_path):
    first = _import(runner, tmp_path, [review(1, url="HTTPS://Checks.Example.NET/Fc/1")])
    assert "1 new" in first.output
    again = _import(runner, tmp_path, [review(1, url="https://checks.example.net/Fc/1")])
    assert "0 new, 1 updated" in again.output
    other_path = _import(runner, tmp_path, [review(1, url="https://checks.example.net/fc/1")])
    assert "1 new" in other_path.output  # a path's case is the publisher's to choose
    assert [row.url for row in _stored(app)] == ["https://checks.example.net/Fc/1",
                                                 "https://checks.example.net/fc/1"]
    # Nothing else of the address changes, not even an empty query.
    empty_query = [review(1, url="https://Checks.example.net/Fc/1?")]
    assert "1 new" in _import(runner, tmp_path, empty_query).output
    assert "https://checks.example.net/Fc/1?" in [row.url for row in _stored(app)]


def test_only_a_language_tag_is_kept_as_the_language(app, runner, tmp_path):
    records = [review(1, inLanguage='"><script>alert(6)</script>'),
               review(2, inLanguage={"@type": "Language", "name": "Dari",
                                     "alternateName": "fa-AF"}),
               review(3, inLanguage="English"), review(4, inLanguage="pt-BR"),
               review(5, inLanguage="en_US")]
    assert _import(runner, tmp_path, records).exit_code == 0
    assert [row.language for row in _stored(app)] == ["", "fa-AF", "", "pt-BR", "en-US"]


def _chunks(n: int):
    yield b'{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": ['
    for i in range(n):
        head = b"" if i == 0 else b","
        yield head + json.dumps({"@type": "DataFeedItem", "item": [review(i)]}).encode()
    yield b"]}"


class _Stream(io.RawIOBase):
    """A pipe-like stream made on the fly, counting the bytes handed out."""

    def __init__(self, n: int):
        self.parts = _chunks(n)
        self.pending = b""
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer):
            part = next(self.parts, None)
            if part is None:
                break
            self.pending += part
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.given += size
        return size


def test_the_reader_streams_in_bounded_memory():
    total = sum(len(part) for part in _chunks(20_000))
    stream = _Stream(20_000)
    tracemalloc.start()
    try:
        records = read_feed(stream)
        first = next(records)
        assert first.record is not None and stream.given < total / 100
        count = 1 + sum(1 for _r in records)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000 and stream.given == total
    assert total > 8_000_000 and peak < 1_000_000, (total, peak)


def test_a_generated_feed_imports_from_standard_input(app, runner):
    data = b"".join(_chunks(3000))
    result = runner.invoke(["import-claimreview", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert "Imported 3,000 checks: 3,000 new" in result.output or (
        "Imported 3000 checks: 3000 new" in result.output)
    with app.app_context():
        assert len(db.session.exec(select(ImportedCheck.id)).all()) == 3000
