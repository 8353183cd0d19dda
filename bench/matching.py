"""Claim matching latency: an archive of 300,000 own claims + 100,000 imported checks
against one of 1,000, on SQLite or PostgreSQL (issue 16: median <= 20 ms, p95 <= 50 ms).

    .venv/bin/python bench/matching.py [--own 300000] [--imported 100000] [--queries 300]
    .venv/bin/python bench/matching.py --database-url postgresql+psycopg:///factcheck_perf --reset

Two databases (SQLite files in a temporary directory, or schemas `bench_match_small` and
`bench_match_big` of the PostgreSQL database; `--reset` drops them first) are filled in
bulk through SQLAlchemy core: articles with one live publication and 30 decided claims
each in the search index (the own archive; their text: the ClaimBuster debate sentences,
cycled with a varying place and year so the vocabulary grows as a real archive's does),
and imported checks (the 10,375 CheckThat! 2020 verified claims with their titles, cycled
the same way). The small one holds 750 own and 250 imported. The matching index is then
built as `factcheck search reindex` builds it (timed, with its size on disk), and
`find_matches` is called as the API calls it with the CheckThat! dev tweets as queries
(after 20 warm-up queries). Reports median and p95 per size (wall clock, and the CPU time
of this process: on SQLite that is all the work, and it does not count the time a loaded
machine makes the process wait), the ratio big / small, and the time one more batch of
imported checks takes to index.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from claim_matching_eval import DATA, load
from sqlalchemy.engine import make_url

from factcheck import create_app
from factcheck.extensions import db
from factcheck.infra.migrate import upgrade
from factcheck.intake.claimreview_feed import ClaimReviewRecord
from factcheck.models import Article, ImportedCheck, Publication
from factcheck.queries.match_tables import MATCH_INDEX_TABLES
from factcheck.queries.matching import find_matches
from factcheck.queries.search_tables import entries
from factcheck.states import ArticleStatus
from factcheck.workflow.imported_checks import save_imported_checks
from factcheck.workflow.match_index import rebuild_match_index

PLACES = ("Kabul", "Herat", "Lagos", "Ohio", "Manila", "Lima", "Oslo", "Pune", "Accra")
CLAIMS_PER_ARTICLE = 30
CLAIMBUSTER = DATA.parent / "claimbuster" / "train.json"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def varied(texts: list[str], i: int) -> str:
    """The i-th text of a cycled list: from the second round on, a place and a year."""
    k, round_ = i % len(texts), i // len(texts)
    return texts[k] + (f" in {PLACES[round_ % len(PLACES)]} {2000 + round_}" if round_ else "")


def fresh_schema(base: str, schema: str, *, reset: bool = True) -> str:
    """A URL of `base` whose tables live in `schema`, created empty (PostgreSQL)."""
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        if reset:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        elif conn.execute(sa.text("SELECT 1 FROM information_schema.schemata "
                                  "WHERE schema_name = :s"), {"s": schema}).first():
            sys.exit(f"schema {schema} exists in {base}; give --reset to drop it")
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _chunks(total: int, size: int):
    for start in range(0, total, size):
        yield start, min(total, start + size)


def fill(session, *, own: int, imported: int, own_texts: list[str], claims: list[str],
         titles: list[str]) -> None:
    """The archive in bulk: articles, publications, search entries, imported checks."""
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    articles = -(-own // CLAIMS_PER_ARTICLE)
    for start, stop in _chunks(articles, 2000):
        conn.execute(sa.insert(Article), [{
            "id": i + 1, "title": f"Archive article {i}", "body": "", "slug": f"archive-{i}",
            "status": ArticleStatus.PUBLISHED, "created_at": NOW, "updated_at": NOW,
            "published_at": NOW, "revision": 1, "version": 1} for i in range(start, stop)])
        conn.execute(sa.insert(Publication), [{
            "id": i + 1, "article_id": i + 1, "number": 1, "snapshot": {},
            "published_at": NOW} for i in range(start, stop)])
    insert = entries.insert()
    if postgres:  # the full-text column is not what this measures: left empty
        insert = insert.values(document=sa.literal_column("''::tsvector"))
    for start, stop in _chunks(own, 20_000):
        conn.execute(insert, [{
            "article_id": i // CLAIMS_PER_ARTICLE + 1,
            "publication_id": i // CLAIMS_PER_ARTICLE + 1, "slug": f"archive-{i // 30}",
            "title": "Archive", "outlet": None, "claim_number": i % CLAIMS_PER_ARTICLE + 1,
            "claim_text": varied(own_texts, i), "claimant": None, "claimant_key": "",
            "verdict": "False", "verdict_symbol": None, "decided": True, "summary": "",
            "published_on": date(2026, 1, 1)} for i in range(start, stop)])
    for start, stop in _chunks(imported, 20_000):
        conn.execute(sa.insert(ImportedCheck), [{
            "url": f"https://checks.example.net/{i}", "claim_reviewed": varied(claims, i),
            "headline": titles[i % len(titles)], "rating": "False", "publisher": "Example",
            "claimant": "", "language": "en", "imported_at": NOW, "updated_at": NOW}
            for i in range(start, stop)])
    if postgres:
        for table in ("articles", "publications"):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"))


def index_size(session) -> int:
    """Bytes the matching index's tables and indexes take."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return sum(conn.execute(sa.text("SELECT pg_total_relation_size(:t)"),
                                {"t": name}).scalar_one() for name in MATCH_INDEX_TABLES)
    try:
        return int(conn.execute(sa.text(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'match_%' "
            "OR name LIKE 'ix_match_%' OR name LIKE 'sqlite_autoindex_match_%'")).scalar_one())
    except sa.exc.OperationalError:  # SQLite built without dbstat
        return -1


def measure(url: str, work: Path, *, own: int, imported: int, texts: list[str],
            data: tuple) -> dict:
    """Fill, index and query one archive; returns its figures."""
    own_texts, claims, titles = data
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(work / "instance")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "0" * 40})
    upgrade(app)
    figures: dict = {"archive": own + imported}
    with app.app_context():
        session = db.session
        started = time.perf_counter()
        fill(session, own=own, imported=imported, own_texts=own_texts, claims=claims,
             titles=titles)
        session.commit()
        figures["fill"] = time.perf_counter() - started
        started = time.perf_counter()
        figures["documents"] = rebuild_match_index(session)
        session.commit()
        figures["build"] = time.perf_counter() - started
    engine = db.engine_for(app)
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    with app.app_context():
        session = db.session
        figures["bytes"] = index_size(session)
        session.rollback()
        for text in texts[:20]:
            find_matches(session, text=text, limit=5)
        times, cpu = [], []
        for text in texts:
            started, used = time.perf_counter(), time.process_time()
            find_matches(session, text=text, limit=5)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            session.rollback()  # a request's transaction ends with it
        times.sort()
        cpu.sort()
        figures["median"] = statistics.median(times)
        figures["p95"] = times[int(0.95 * (len(times) - 1))]
        figures["max"] = times[-1]
        figures["cpu_median"] = statistics.median(cpu)
        figures["cpu_p95"] = cpu[int(0.95 * (len(cpu) - 1))]
        started = time.perf_counter()
        save_imported_checks(session, records=[ClaimReviewRecord(
            url=f"https://more.example.net/{i}", claim_reviewed=varied(claims, i + 7),
            headline=titles[(i + 7) % len(titles)], rating="False", rating_value=None,
            rating_best=None, rating_worst=None, publisher="Example", published=None,
            claimant="", language="en") for i in range(1000)])
        session.commit()
        figures["batch"] = time.perf_counter() - started
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--own", type=int, default=300_000)
    parser.add_argument("--imported", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL database to hold the two schemas (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop the schemas first")
    args = parser.parse_args()
    _ids, claims, titles, queries, _rel = load(DATA, "dev")
    own_texts = [row["text"] for row in json.loads(CLAIMBUSTER.read_text())]
    texts = list(queries.values())
    texts = (texts * (args.queries // len(texts) + 1))[:args.queries]
    work = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    results = {}
    for name, own, imported in (("small", 750, 250), ("big", args.own, args.imported)):
        if args.database_url:
            url = fresh_schema(args.database_url, f"bench_match_{name}", reset=args.reset)
        else:
            url = f"sqlite:///{work / name}.sqlite"
        results[name] = measure(url, work / name, own=own, imported=imported, texts=texts,
                                data=(own_texts, claims, titles))
        f = results[name]
        print(f"{f['archive']:>7,} checks: fill {f['fill']:.1f} s; index built in "
              f"{f['build']:.1f} s ({f['documents']:,} documents, "
              f"{f['bytes'] / 2**20:.0f} MiB); {len(texts)} queries: median "
              f"{f['median']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms (this "
              f"process's CPU: median {f['cpu_median']:.1f} ms, p95 {f['cpu_p95']:.1f} ms); "
              f"1,000 more imported checks indexed in {f['batch']:.2f} s", flush=True)
    small, big = results["small"], results["big"]
    print(f"ratio big/small: median {big['median'] / small['median']:.2f}, p95 "
          f"{big['p95'] / small['p95']:.2f} (archive {big['archive'] / small['archive']:.0f}x"
          f" larger)")


if __name__ == "__main__":
    main()
