"""Page times on a newsroom-sized database against a minimal one, in one process.

    .venv/bin/python bench/scale.py [--articles 10000] [--runs 21]
    .venv/bin/python bench/scale.py --database-url postgresql+psycopg:///factcheck_perf --reset

Builds two databases with bench/scale_data.py (bulk inserts through SQLAlchemy core): a
minimal one, 60 articles of 30 claims (one full page of every list), and a big one,
`--articles` articles (default 10,000, so 300,000 claims) made the same way, whose 60
newest articles are exactly the minimal set. Then it requests the main pages of both
through the Flask test client, alternating minimal and big request by request (so load
on the machine affects both alike), and prints the median time of each page in each
database and their ratio. The aim: every ratio at most 1.5.

SQLite files go to a temporary directory. With `--database-url` (PostgreSQL), the two
databases are the schemas `scale_minimal` and `scale_big` of that database, created by
the script (`--reset` drops them first) and ANALYZEd after loading, as autovacuum would.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import Generator, bulk_users, chunks, code, fix_sequences  # noqa: E402
from sqlalchemy import create_engine, make_url, text, update  # noqa: E402
from sqlmodel import select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.infra.migrate import upgrade  # noqa: E402
from factcheck.models import Article, Claim, Publication  # noqa: E402
from factcheck.states import Role  # noqa: E402
from factcheck.workflow.accounts import create_user  # noqa: E402
from factcheck.workflow.publishing import build_snapshot  # noqa: E402
from factcheck.workflow.scale_presets import seed_rating_scales  # noqa: E402
from factcheck.workflow.search_index import rebuild_index  # noqa: E402

PASSWORD = "a long bench passphrase 7"  # noqa: S105 (a throwaway benchmark account)
MINIMAL = 60  # articles in the minimal data set: more than one page (50) of every list
REVIEWERS = 12
ADMIN, BUSY = "admin@bench.example.org", "busy@bench.example.org"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def database_urls(base: str | None, tmp: Path, reset: bool) -> dict[str, str]:
    """The minimal and big databases: SQLite files, or two PostgreSQL schemas of `base`."""
    if not base:
        return {name: f"sqlite:///{tmp / name}.sqlite" for name in ("minimal", "big")}
    engine = create_engine(base)
    urls = {}
    with engine.begin() as conn:
        for name in ("minimal", "big"):
            schema = f"scale_{name}"
            if reset:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            elif conn.execute(text("SELECT 1 FROM information_schema.schemata "
                                   "WHERE schema_name = :s"), {"s": schema}).first():
                sys.exit(f"schema {schema} exists in {base}; give --reset to drop it")
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            urls[name] = url.render_as_string(hide_password=False)
    engine.dispose()
    return urls


def make_app(url: str, instance: Path):
    """The app on `url`, migrated."""
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    # No stamp memory: every verdict page request asks the database, as after a publish.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "0" * 40,
                      "PUBLIC_STAMP_TTL": 0})
    upgrade(app)
    return app


def build(app, articles: int) -> float:
    """The desk and `articles` articles with their workflow; returns the seconds taken.

    The desk: an administrator, 12 reviewers (the first, "busy", signs in), former staff
    (deactivated accounts: 48 in the minimal set, 288 in a big one). The first published
    article gets a real snapshot (`build_snapshot`); the others clone its shape.
    """
    started = time.perf_counter()
    with app.app_context():
        session = db.session
        seed_rating_scales(session)
        admin = create_user(session, email=ADMIN, display_name="Bench Admin",
                            role=Role.ADMIN, password=PASSWORD, actor=None)
        busy = create_user(session, email=BUSY, display_name="Busy Reviewer",
                           role=Role.REVIEWER, password=PASSWORD, actor=admin)
        session.commit()
        conn = session.connection()
        reviewers = [busy.id, *bulk_users(conn, REVIEWERS - 1)]
        former = MINIMAL - REVIEWERS - 1 if articles <= MINIMAL else 300 - REVIEWERS - 1
        bulk_users(conn, former, prefix="former", role="editor", active=False)
        Generator(conn, reviewer_ids=reviewers, editor_id=admin.id, template=None).insert(0, 1)
        first = session.exec(select(Article).where(Article.slug == f"schools-{code(0)}")).one()
        template = build_snapshot(session, first).to_json()
        conn.execute(update(Publication).where(Publication.article_id == first.id)
                     .values(snapshot=template))
        session.commit()
        for start, stop in chunks(articles - 1, 1000):
            conn = session.connection()
            Generator(conn, reviewer_ids=reviewers, editor_id=admin.id,
                      template=template).insert(1 + start, 1 + stop)
            session.commit()
            if articles > MINIMAL:
                print(f"  {1 + stop:,} articles", end="\r", file=sys.stderr, flush=True)
        if articles > MINIMAL:
            print(file=sys.stderr)
        rebuild_index(session)
        fix_sequences(session.connection())
        session.commit()
    engine = db.engine_for(app)
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def counts(app) -> dict[str, int]:
    """Rows in the main tables."""
    with db.engine_for(app).connect() as conn:
        return {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()  # noqa: S608
                for name in ("articles", "claims", "assignments", "reviews", "evidence",
                             "audit_events", "publications", "search_entries", "users")}


def signed_in(app, email: str | None):
    """A test client of `app` signed in as `email` (anonymous when None)."""
    client = app.test_client()
    if email:
        token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post("/login", data={"csrf_token": token, "email": email,
                                               "password": PASSWORD})
        assert response.status_code == 302, response.status_code
    return client


def pages(app) -> list[tuple[str, str, str]]:
    """(name, who, path) of every page measured; the objects are in the minimal set."""
    with app.app_context():
        def claim(i: int, position: int) -> int:
            return db.session.exec(select(Claim.id).join(Article).where(
                Article.slug == f"schools-{code(i)}", Claim.position == position)).one()

        board = db.session.exec(select(Article.id).where(
            Article.slug == f"schools-{code(4)}")).one()
        reviewed, reviewing = claim(4, 0), claim(24, 1)
    return [
        ("/healthz (baseline)", "anon", "/healthz"),
        ("editor dashboard", "admin", "/editor/"),
        ("article board", "admin", f"/editor/articles/{board}"),
        ("claim page", "admin", f"/editor/claims/{reviewed}"),
        ("decision page", "admin", f"/editor/claims/{reviewed}/decide"),
        ("reader reports", "admin", "/editor/reports"),
        ("admin users", "admin", "/admin/users"),
        ("reviewer queue", "busy", "/review/"),
        ("reviewer's claim", "busy", f"/review/claims/{reviewing}"),
        ("public front page", "anon", "/"),
        ("verdict page", "anon", f"/checks/schools-{code(0)}"),
        ("corrections", "anon", "/corrections"),
        ("search, one check", "anon", f"/search?q={code(0)}"),
        ("search, every check", "anon", "/search?q=ministry+schools"),
        ("/api/v1/checks", "anon", "/api/v1/checks"),
    ]


def measure(apps: dict[str, object], runs: int) -> dict[str, dict[str, float]]:
    """Median seconds per page and database, requests alternating between the databases."""
    clients = {name: {"anon": signed_in(app, None), "admin": signed_in(app, ADMIN),
                      "busy": signed_in(app, BUSY)} for name, app in apps.items()}
    paths = {name: pages(app) for name, app in apps.items()}
    times: dict[str, dict[str, list[float]]] = {name: {} for name in apps}
    gc.collect()
    for index, (page, who, _path) in enumerate(paths["minimal"]):
        for name in apps:  # two warm-up requests each
            path = paths[name][index][2]
            for _ in range(2):
                status = clients[name][who].get(path).status_code
                assert status == 200, (name, path, status)
        for _ in range(runs):
            for name in apps:
                client, path = clients[name][who], paths[name][index][2]
                started = time.perf_counter()
                client.get(path)
                times[name].setdefault(page, []).append(time.perf_counter() - started)
    return {name: {page: statistics.median(values) for page, values in by_page.items()}
            for name, by_page in times.items()}


def main() -> None:
    """Build both databases, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL; default: SQLite in a temp dir")
    parser.add_argument("--reset", action="store_true",
                        help="drop the schemas scale_minimal and scale_big first")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    logging.getLogger("factcheck.security").setLevel(logging.WARNING)  # one line per sign-in
    with tempfile.TemporaryDirectory() as tmp:
        urls = database_urls(args.database_url, Path(tmp), args.reset)
        apps = {name: make_app(url, Path(tmp) / "instance") for name, url in urls.items()}
        build(apps["minimal"], MINIMAL)
        seconds = build(apps["big"], args.articles)
        rows = {name: counts(app) for name, app in apps.items()}
        result = measure(apps, args.runs)
        for app in apps.values():
            db.dispose(app)
    small, big = result["minimal"], result["big"]
    engine = make_url(urls["big"]).get_backend_name()
    print(f"{engine}: minimal vs big database (big one built in {seconds:.0f} s); "
          f"median of {args.runs} requests each, alternating")
    print("  rows: " + ", ".join(f"{name} {rows['minimal'][name]:,} / {rows['big'][name]:,}"
                                 for name in rows["big"]))
    print(f"  {'page':<22} {'minimal':>9} {'big':>9} {'ratio':>6}")
    for name in small:
        ratio = big[name] / small[name]
        flag = "" if ratio <= 1.5 else "  over 1.5"
        print(f"  {name:<22} {small[name] * 1000:7.1f}ms {big[name] * 1000:7.1f}ms "
              f"{ratio:6.2f}{flag}")


if __name__ == "__main__":
    main()
