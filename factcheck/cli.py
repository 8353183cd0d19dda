"""The `factcheck` command: database, accounts, demo, and Flask's own `run`."""

from __future__ import annotations

import secrets
import sys
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException, get_debug_flag
from flask.cli import run_command as flask_run_command
from sqlmodel import select
from werkzeug.serving import is_running_from_reloader, run_simple

from .dbtypes import utcnow
from .extensions import db
from .i18n import _, ngettext
from .infra.security_log import security_event
from .models import Article, User
from .queries.accounts import find_user_by_email
from .queries.claims import sentence_claims
from .queries.desk import claim_count, sub_claim_count
from .serve import serve_command
from .states import ClaimStatus, Role
from .workflow import WorkflowError
from .workflow.accounts import create_user
from .workflow.articles import import_article
from .workflow.assignments import assign_claims
from .workflow.claims import change_claim_status
from .workflow.scale_presets import seed_rating_scales


class _Refused(NoAppException):
    """The app refused its configuration: one line on stderr, exit status 1."""

    exit_code = 1

    def show(self, file=None) -> None:  # a usage text would bury the reason
        click.ClickException.show(self, file)


def _create_app():
    from . import create_app
    from .config import ConfigurationError

    try:
        return create_app()
    except ConfigurationError as error:
        # NoAppException: `factcheck --help` shows the reason instead of a traceback.
        raise _Refused(str(error)) from None


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    load_dotenv=False,
    help="factcheck: claim-by-claim fact-checking of news articles.",
)
def cli() -> None:
    """The console script's command group."""


@cli.group("db")
def db_group() -> None:
    """Create, migrate and inspect the database."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or migrate it to the latest schema."""
    from .infra.migrate import current_revision, upgrade

    before = current_revision(current_app)
    upgrade(current_app, revision)
    migrated = current_revision(current_app) != before
    if revision == "head":  # reference data and the indexes need the current schema
        seed_rating_scales(db.session)
        # The indexes are derived from what the migrations may have changed; rebuilding
        # them on every start would take minutes on a large archive (`search reindex`
        # rebuilds them at any time).
        if migrated:
            from .workflow.search_index import rebuild_index

            entries = rebuild_index(db.session)
            click.echo(f"Search index rebuilt ({entries} entries).")
        db.session.commit()
    click.echo(f"Database is at revision {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ("base" removes every table)."""
    from .infra.migrate import downgrade

    downgrade(current_app, revision)
    click.echo(f"Database is at revision {revision}.")


@db_group.command("check")
def db_check() -> None:
    """Fail when the database schema differs from the models."""
    from .infra.migrate import schema_drift

    drift = schema_drift(current_app)
    if drift:
        for change in drift:
            click.echo(f"  {change}", err=True)
        raise click.ClickException("the database schema differs from the models")
    click.echo("The database schema matches the models.")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    from alembic import command

    from .infra.migrate import alembic_config

    with alembic_config(current_app) as config:
        command.revision(config, message=message, autogenerate=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default="", help="Display name (defaults to the email).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account with a password."""
    password = _read_password(password_stdin)
    try:
        user = create_user(
            db.session,
            email=email,
            display_name=name or email,
            role=Role(role),
            password=password,
            actor=None,
        )
    except WorkflowError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@cli.command("import-article")
@click.argument("source", type=click.File("rb"))
@click.option("--title", default="", help="Headline (taken from an HTML file if omitted).")
@click.option("--url", "source_url", default="", help="Link to the original article.")
@click.option("--outlet", default="")
@click.option("--author", default="")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Publication date, YYYY-MM-DD.")
@click.option("--language", default="", help="Language code; detected when omitted.")
def import_article_command(source, title, source_url, outlet, author, published, language):
    """Import an article from SOURCE (a .txt, .md or .html file, or - for standard input)."""
    from .intake.sources import ImportedText, IntakeError, decode_text, text_from_upload

    data = source.read()
    name = getattr(source, "name", "-")
    try:
        imported = (ImportedText(text=decode_text(data)) if name in ("-", "<stdin>")
                    else text_from_upload(name, data))
        article = import_article(
            db.session, actor=None, title=title or imported.title or "", body=imported.text,
            source_url=source_url or imported.url, outlet=outlet or imported.outlet,
            author=author or imported.author,
            published_on=published.date() if published else imported.published_on,
            language=language or None, max_bytes=current_app.config["ARTICLE_MAX_BYTES"],
        )
    except (IntakeError, WorkflowError) as error:
        db.session.rollback()
        message = error.message if isinstance(error, WorkflowError) else str(error)
        raise click.ClickException(message) from error
    db.session.commit()
    claims = claim_count(db.session, article.id)
    parts = sub_claim_count(db.session, article.id)
    click.echo(f"Imported article {article.id} ({article.slug}) with {claims} claims"
               + (f" and {parts} sub-claims." if parts else "."))


PROGRESS_EVERY = 10_000  # records between two progress lines on stderr


@cli.command("import-claimreview")
@click.argument("source", type=click.File("rb"))
def import_claimreview_command(source) -> None:
    """Import fact-checks from a ClaimReview JSON or JSON-LD file (or - for standard input).

    One ClaimReview, a list, an @graph or a schema.org DataFeed; read as a stream, so a
    feed of any size works. A check already imported (same url) is updated, never doubled.
    """
    from .workflow.imported_checks import FeedImport, import_feed

    totals, told_skips, told_read = FeedImport(), 0, 0
    for totals in import_feed(db.session, source, source=str(getattr(source, "name", "-"))):
        db.session.commit()
        for position, reason in totals.skips[told_skips:]:
            click.echo(_("Record {n} skipped: {reason}.", n=position, reason=reason), err=True)
        told_skips = len(totals.skips)
        if totals.read // PROGRESS_EVERY > told_read // PROGRESS_EVERY:
            click.echo(ngettext("{n} record read…", "{n} records read…",
                                totals.read // PROGRESS_EVERY * PROGRESS_EVERY), err=True)
        told_read = totals.read
    if totals.skipped > told_skips:  # reasons are kept for the first SKIPS_KEPT only
        click.echo(ngettext("{n} more record skipped.", "{n} more records skipped.",
                            totals.skipped - told_skips), err=True)
    if totals.error:
        if totals.saved:
            click.echo(ngettext("Kept the {n} check imported before the error.",
                                "Kept the {n} checks imported before the error.",
                                totals.saved), err=True)
        raise click.ClickException(totals.error)
    click.echo(ngettext("Imported {n} check: {added} new, {updated} updated, {skipped} "
                        "skipped.", "Imported {n} checks: {added} new, {updated} updated, "
                        "{skipped} skipped.", totals.saved, added=totals.added,
                        updated=totals.updated, skipped=totals.skipped))


@cli.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token for EMAIL; the token alone is printed on the last line."""
    from .workflow.tokens import create_token

    user = find_user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    try:
        raw, record = create_token(db.session, user=user, name=name)
    except WorkflowError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    security_event("token.create", token=record.id, account=user.id, via="cli")
    click.echo(f"API token for {user.email} ({user.role}). It is shown only this once:")
    click.echo(raw)


@cli.command("send-reminders")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="The day to remind as of (default: today, UTC).")
def send_reminders_command(day: str | None) -> None:
    """Send the day's due-tomorrow and overdue reminders (at most one per assignment a day)."""
    from datetime import datetime

    from .workflow.reminders import send_reminders

    try:  # parsed here, not by click: a refusal is one line, without the usage text
        today = (datetime.strptime(day, "%Y-%m-%d").date() if day is not None
                 else utcnow().date())
    except ValueError:
        raise click.ClickException(_("--date must be a date as YYYY-MM-DD, not {day!r}.",
                                     day=day)) from None
    counts = send_reminders(db.session, today=today)
    db.session.commit()
    click.echo(_("Sent {n} reminders for {day}: {due} due tomorrow, {overdue} overdue.",
                 n=counts.total, day=today.isoformat(), due=counts.due_tomorrow,
                 overdue=counts.overdue))


@cli.command("check-links")
@click.option("--article", "article_id", type=int, default=None, metavar="ID",
              help="Check only this published check's sources (default: every one).")
def check_links_command(article_id: int | None) -> None:
    """Re-request every cited page of published checks and record alive, changed or gone."""
    from .workflow.link_health import check_links

    if article_id is not None and db.session.get(Article, article_id) is None:
        raise click.ClickException(_("There is no check #{id}.", id=article_id))
    counts = check_links(db.session, article_id=article_id)
    problems = [(row.status, row.http_status, row.url, row.reason) for row in counts.problems]
    db.session.commit()
    for status, http_status, url, reason in problems:
        click.echo(f"{status:<8} {http_status if http_status is not None else '-':<4} {url}"
                   + (f"  ({reason})" if reason else ""))
    click.echo(_("Checked {n} sources ({requests} addresses): {alive} alive, {changed} "
                 "changed, {gone} gone.", n=counts.total, requests=counts.requests,
                 alive=counts.alive, changed=counts.changed, gone=counts.gone))


@cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Delete what is older than this many days (default: RETENTION_DAYS).")
def prune_command(days: int | None) -> None:
    """Delete finished jobs and deliveries, read notifications and other spent records."""
    from .workflow.retention import prune

    days = days if days is not None else int(current_app.config["RETENTION_DAYS"])
    if days <= 0:
        click.echo(_("RETENTION_DAYS is 0: everything is kept."))
        return
    counts = prune(db.session, days=days)
    click.echo(_("Deleted what was older than {days} days: {jobs} jobs, {deliveries} webhook "
                 "deliveries, {notifications} read notifications, {reminders} reminder "
                 "marks, {checks} superseded link checks, {sessions} device sessions.",
                 days=days, jobs=counts["jobs"], deliveries=counts["webhook_deliveries"],
                 notifications=counts["notifications"], reminders=counts["reminders_sent"],
                 checks=counts["link_checks"], sessions=counts["user_sessions"]))


DEMO_ACCOUNTS = (
    ("admin@example.org", "Demo Admin", Role.ADMIN),
    ("editor@example.org", "Demo Editor", Role.EDITOR),
    ("reviewer1@example.org", "Demo Reviewer One", Role.REVIEWER),
    ("reviewer2@example.org", "Demo Reviewer Two", Role.REVIEWER),
)
DEMO_ARTICLE_TITLE = "Afghan political leaders call for UN-supervised intra-Afghan talks"


def _demo_accounts() -> list[tuple[str, Role, str]]:
    """Create (or reset) the demo accounts with fresh random passwords."""
    from .passwords import hash_password

    credentials = []
    for email, name, role in DEMO_ACCOUNTS:
        password = f"demo-{secrets.token_urlsafe(12)}"
        user = find_user_by_email(db.session, email)
        if user is None:
            user = create_user(
                db.session, email=email, display_name=name, role=role, password=password, actor=None
            )
        else:
            user.password_hash = hash_password(password)
            user.is_active = True
        credentials.append((email, role, password))
    return credentials


def _demo_article() -> Article:
    """Import the bundled sample article once."""
    existing = db.session.exec(select(Article).where(Article.title == DEMO_ARTICLE_TITLE)).first()
    if existing is not None:
        return existing
    body = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text("utf-8")
    editor = find_user_by_email(db.session, "editor@example.org")
    article = import_article(db.session, title=DEMO_ARTICLE_TITLE, body=body, actor=editor)
    _demo_assignments(article, editor)
    return article


DEMO_ASSIGNED_CLAIMS = 3


def _demo_assignments(article: Article, editor: User) -> None:
    """Select the most check-worthy claims and assign them to both demo reviewers, so the
    demo opens with work in their queues and notifications in their inboxes (and in
    their mail when a mail server is configured)."""
    best = sorted((c for c in sentence_claims(db.session, article.id)
                   if c.status == ClaimStatus.CANDIDATE), key=lambda c: (-c.score, c.position))
    chosen = sorted(best[:DEMO_ASSIGNED_CLAIMS], key=lambda c: c.position)
    for claim in chosen:
        change_claim_status(db.session, claim=claim, status=ClaimStatus.SELECTED, actor=editor)
    due = date.today() + timedelta(days=3)
    for email in ("reviewer1@example.org", "reviewer2@example.org"):
        assign_claims(db.session, claims=chosen, reviewer=find_user_by_email(db.session, email),
                      due_on=due, actor=editor)


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo data and exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Set up the database with demo accounts and the sample article, then serve."""
    from .infra.migrate import upgrade

    upgrade(current_app)
    seed_rating_scales(db.session)
    credentials = _demo_accounts()
    article = _demo_article()
    db.session.commit()
    claims = claim_count(db.session, article.id)
    click.echo(f"Sample article #{article.id}: {article.title} ({claims} candidate claims)")
    # The command's own session must not hold SQLite's write lock while the server runs.
    db.close_session()
    click.echo("Demo accounts (passwords are new on every start):")
    for email, role, password in credentials:
        click.echo(f"  {role:<9} {email:<24} {password}")
    if no_serve:
        return
    # A demo is for trying the desk, not for requesting other people's sites every week
    # (`factcheck check-links` still checks them on demand).
    current_app.config["LINK_CHECK_DAY"] = "off"
    _start_worker_alongside(current_app._get_current_object())
    click.echo(f"Serving on http://{host}:{port}/login  (Ctrl+C to stop)")
    sys.stdout.flush()  # the URL must show even when output goes to a pipe or a log
    # app.run() refuses to start inside a Flask CLI command; serve directly instead.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


def _start_worker_alongside(app) -> None:
    from .worker import Worker

    Worker(app, threads=app.config["JOBS_THREADS"], own_signals=False).start()
    click.echo(_("Background jobs run in this process too (production: `factcheck worker`)."))


@cli.command("worker")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Jobs run at once (default: JOBS_THREADS, 2).")
def worker_command(threads: int | None) -> None:
    """Run background jobs (mail, webhooks, URL imports) until SIGTERM or Ctrl+C."""
    from .worker import Worker, worker_name

    app = current_app._get_current_object()
    db.close_session()  # the worker's threads open their own
    threads = threads or app.config["JOBS_THREADS"]
    click.echo(_("Job worker {name}: {n} at once. SIGTERM finishes the running jobs first.",
                 name=worker_name(), n=threads))
    sys.stdout.flush()
    Worker(app, threads=threads).run()


def _run_with_worker(**options) -> None:
    """Flask's development server, with a job worker in the process that serves."""
    reload = options["reload"] if options.get("reload") is not None else get_debug_flag()
    # With the reloader, the first process only watches files: the worker goes in the child.
    if not reload or is_running_from_reloader():
        _start_worker_alongside(_create_app())
    click.get_current_context().invoke(flask_run_command.callback, **options)


run_with_worker = click.Command(
    "run", callback=_run_with_worker, params=flask_run_command.params,
    help="Run the development server, with a background job worker beside it.")


@cli.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the database to PATH while the app keeps running.

    Preserved copies of evidence pages kept in a directory go into PATH.archive.tar; kept
    in an S3 bucket, they are not copied, and PATH.manifest.json says where they live.
    """
    from .infra.archive_storage import ArchiveStorageError, archive_storage_of
    from .infra.backup import KIND_NAMES, BackupError, backup_archive, create_backup

    try:
        storage = archive_storage_of(current_app)
        made = create_backup(current_app.config["DATABASE_URL"], path, overwrite=force)
        click.echo(_("Backed up the {kind} database (schema revision {revision}) to {path}.",
                     kind=KIND_NAMES[made.kind], revision=made.revision, path=path))
        archive = backup_archive(storage, made, overwrite=force)
    except (BackupError, ArchiveStorageError) as error:
        raise click.ClickException(str(error)) from None
    if archive.storage == "database":
        click.echo(_("Preserved copies of evidence pages are kept in the database: they are "
                     "in this backup."))
    elif archive.included:
        click.echo(_("Backed up {n} preserved-copy files from {location} to {path}.",
                     n=archive.objects, location=archive.location, path=archive.bundle))
    else:
        click.echo(_("Preserved copies of evidence pages are NOT in this backup: they are "
                     "kept in {location}. Back up that bucket separately. (Recorded in "
                     "{manifest}.)", location=archive.location, manifest=archive.manifest))


def _safety_copy(url: str) -> Path | None:
    """Back up the database about to be replaced into the instance folder (None if empty)."""
    from .infra.backup import create_backup, database_kind
    from .infra.migrate import current_revision

    if current_revision(current_app._get_current_object()) is None:
        return None  # no schema, so nothing to keep
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    suffix = ".sqlite" if database_kind(url) == "sqlite" else ".dump"
    target = Path(current_app.instance_path) / "backups" / f"before-restore-{stamp}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    create_backup(url, target)
    return target


@cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@click.option("--no-safety-copy", is_flag=True,
              help="Do not back up the current database into instance/backups first.")
@click.pass_context
def restore_command(ctx: click.Context, path: Path, yes: bool, no_safety_copy: bool) -> None:
    """Replace everything in the database with the backup at PATH, then migrate it.

    The current database is first backed up into instance/backups, so a failed or mistaken
    restore can be undone.
    """
    from .infra.archive_storage import ArchiveStorageError, archive_storage_of
    from .infra.backup import (
        BackupError,
        check_restorable,
        database_kind,
        describe_database,
        inspect_backup,
        restore_archive,
        restore_backup,
        revision_order,
    )

    url = current_app.config["DATABASE_URL"]
    try:
        backup = inspect_backup(path, expected_kind=database_kind(url))
        check_restorable(url, backup)
        if not yes:
            click.confirm(_("Replace every record in {database} with the backup {path} "
                            "(schema revision {revision})?", database=describe_database(url),
                            path=path, revision=backup.revision), abort=True)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if not no_safety_copy:
        try:
            copy = _safety_copy(url)
        except BackupError as error:
            raise click.ClickException(_(
                "Nothing was restored: the current database could not be backed up first "
                "({reason}). Use --no-safety-copy to restore anyway.", reason=error)) from None
        if copy is not None:
            click.echo(_("The current database is saved in {path}.", path=copy))
    try:
        restore_backup(current_app, backup)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("Restored {path} (schema revision {revision}).", path=path,
                 revision=backup.revision))
    try:
        archive = restore_archive(archive_storage_of(current_app), path)
    except (BackupError, ArchiveStorageError) as error:
        raise click.ClickException(str(error)) from None
    if archive is not None and archive.included:
        click.echo(_("Restored {n} preserved-copy files into {location}.", n=archive.objects,
                     location=archive.location))
    elif archive is not None:
        click.echo(_("The preserved copies of this backup were not in it: they are kept "
                     "in {location}.", location=archive.location))
    if backup.revision != revision_order()[-1]:
        ctx.invoke(db_upgrade)


@cli.command("fill-claim-parts")
def fill_claim_parts_command() -> None:
    """Give claims stored before 0028 their claimant and content spans, where the engine
    still proposes the same span."""
    from .workflow.claim_parts import fill_claim_parts

    counts = fill_claim_parts(db.session)
    db.session.commit()
    click.echo(_("Filled in the parts of {n} claims; {left} left without (their span is not "
                 "one the engine proposes).", n=counts.filled, left=counts.left))


@cli.group("search")
def search_group() -> None:
    """The public search index."""


@search_group.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the live publications."""
    from .queries.match_index import index_size
    from .workflow.search_index import rebuild_index

    written = rebuild_index(db.session)
    db.session.commit()
    click.echo(_("Search index rebuilt: {n} published claims.", n=written))
    click.echo(_("Matching index rebuilt: {n} checks (own decided claims and imported "
                 "fact-checks).", n=index_size(db.session)))


@cli.group("translations")
def translations_group() -> None:
    """The interface's message catalogues (factcheck/translations)."""


@translations_group.command("update")
def translations_update() -> None:
    """Extract every message from the code and templates into each language's .po file."""
    from .infra.translations import update_catalogues

    for locale, missing in update_catalogues().items():
        click.echo(_("{locale}: {n} messages without a translation.", locale=locale,
                     n=missing))


@translations_group.command("check")
def translations_check() -> None:
    """Fail when any language lacks a translation of a message the interface uses."""
    from .infra.translations import catalogue_gaps

    gaps = catalogue_gaps()
    for gap in gaps[:50]:
        click.echo(f"{gap.locale}: {gap.reason}: {gap.message!r}", err=True)
    if gaps:
        raise click.ClickException(_("{n} messages lack a translation; run `factcheck "
                                     "translations update` and translate them.", n=len(gaps)))
    click.echo(_("Every message is translated."))


cli.add_command(serve_command)
cli.add_command(run_with_worker)  # replaces Flask's own `run`


def main() -> None:
    """Entry point of the `factcheck` console script."""
    cli.main(prog_name="factcheck")
