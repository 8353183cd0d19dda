"""Online backups of the database and their restoration (`factcheck backup` / `restore`),
with the preserved copies of evidence pages wherever they are kept (see the end).

SQLite: SQLite's backup API copies a consistent snapshot while the app keeps writing
(WAL readers never block writers); the copy is a self-contained file marked with our
`application_id`. PostgreSQL: `pg_dump --format=custom` / `pg_restore`, connected with
the app's DATABASE_URL, the password passed in the child's environment only.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..extensions import db
from ..i18n import _
from .archive_storage import (
    DATABASE,
    FILE,
    OBJECT_NAME,
    ArchiveStorageError,
    Storage,
    storage_from_url,
)
from .migrate import SCRIPT_LOCATION, downgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Stamped into the header of every SQLite backup we write ("fcBK"), so that restore can
# tell our backups from any other SQLite file, including a copy of a live database.
APPLICATION_ID = 0x6663424B
# Tables every factcheck database has had since the first migration.
CORE_TABLES = ("alembic_version", "users", "articles", "claims")
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+)(?: |$)", re.M)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why."""


@dataclass(frozen=True)
class Backup:
    """A verified backup file: its engine (`sqlite`/`postgresql`) and schema revision."""

    path: Path
    kind: str
    revision: str


def database_kind(database_url: str) -> str:
    """`sqlite` or `postgresql` for a SQLAlchemy URL; other engines cannot be backed up."""
    kind = _parse_url(database_url).get_backend_name()
    if kind not in KIND_NAMES:
        raise BackupError(_("Backups support SQLite and PostgreSQL databases, not {kind}.",
                            kind=kind))
    return kind


def describe_database(database_url: str) -> str:
    """The database URL without its password, for messages and prompts."""
    return _parse_url(database_url).render_as_string(hide_password=True)


def create_backup(database_url: str, target: Path, *, overwrite: bool = False) -> Backup:
    """Write a consistent copy of the live database to `target`, atomically."""
    kind = database_kind(database_url)
    _check_target(target, overwrite=overwrite)
    # Written beside the target, then renamed: PATH never holds half a backup.
    # mkstemp creates it 0600: a backup holds password hashes and unpublished work.
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                    dir=target.parent)
    except OSError as error:
        raise BackupError(_("{path} cannot be written: {reason}", path=target,
                            reason=error.strerror)) from None
    os.close(fd)
    partial = Path(name)
    try:
        if kind == "sqlite":
            _backup_sqlite(_sqlite_path(database_url), partial)
        else:
            _backup_postgresql(database_url, partial)
        _fsync(partial)
        try:
            backup = inspect_backup(partial)
        except BackupError as error:
            raise BackupError(_("The copy of {database} failed its check: {reason}",
                                database=describe_database(database_url),
                                reason=error)) from None
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=target, kind=backup.kind, revision=backup.revision)


def inspect_backup(path: Path, *, expected_kind: str | None = None) -> Backup:
    """Check that `path` is a readable, undamaged factcheck backup; touches no database.

    With `expected_kind`, a backup of the other engine is refused before it is read further.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(_("{path} does not exist.", path=path)) from None
    except IsADirectoryError:
        raise BackupError(_("{path} is a directory, not a backup file.", path=path)) from None
    except OSError as error:
        raise BackupError(_("{path} cannot be read: {reason}", path=path,
                            reason=error.strerror)) from None
    if header == SQLITE_MAGIC:
        kind, inspect = "sqlite", _inspect_sqlite
    elif header.startswith(PGDUMP_MAGIC):
        kind, inspect = "postgresql", _inspect_pgdump
    else:
        raise BackupError(_("{path} is not a factcheck backup (neither an SQLite backup nor a "
                            "pg_dump archive).", path=path))
    if expected_kind is not None and kind != expected_kind:
        raise _other_engine(path, kind, expected_kind)
    return Backup(path=path, kind=kind, revision=inspect(path))


def check_restorable(database_url: str, backup: Backup) -> None:
    """Refuse a backup of the other engine, or one made by a newer factcheck."""
    kind = database_kind(database_url)
    if backup.kind != kind:
        raise _other_engine(backup.path, backup.kind, kind)
    if backup.revision not in revision_order():
        raise BackupError(_(
            "{path} was made by a newer version of factcheck (schema revision {revision}); "
            "upgrade factcheck before restoring it.", path=backup.path, revision=backup.revision))


def _other_engine(path: Path, found: str, expected: str) -> BackupError:
    return BackupError(_(
        "{path} is a backup made on {found}, but this installation's database is {expected}.",
        path=path, found=KIND_NAMES[found], expected=KIND_NAMES[expected]))


def restore_backup(app: Flask, backup: Backup) -> None:
    """Replace the whole database of `app` with `backup` (checked with check_restorable)."""
    database_url = app.config["DATABASE_URL"]
    check_restorable(database_url, backup)
    db.dispose(app)  # pooled connections must not hold locks or a stale schema
    if backup.kind == "sqlite":
        _restore_sqlite(backup.path, _sqlite_path(database_url))
    else:
        _restore_postgresql(app, backup)
    db.dispose(app)


def revision_order() -> list[str]:
    """The schema revisions this factcheck knows, oldest first."""
    script = ScriptDirectory(str(SCRIPT_LOCATION))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path(database_url: str) -> Path:
    database = _parse_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(_("Only an SQLite database in a file can be backed up or restored."))
    return Path(database)


def _connect_sqlite(path: Path, mode: str) -> sqlite3.Connection:
    # A URI with a mode: opening a missing file must fail instead of creating it.
    connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={mode}", uri=True,
                                 timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


@contextmanager
def _sqlite_copy(source: Path, mode: str, target: Path, *,
                 live: bool = False) -> Iterator[sqlite3.Connection]:
    """Copy `source` into `target` with SQLite's backup API; yields `target`'s connection.

    `live`: the target is the app's database (waits for its lock) rather than a new file.
    """
    src = _connect_sqlite(source, mode)
    try:
        dst = (_connect_sqlite(target, "rwc") if live
               else sqlite3.connect(target, isolation_level=None))
        try:
            src.backup(dst)
            yield dst
        finally:
            dst.close()
    finally:
        src.close()


def _backup_sqlite(source: Path, partial: Path) -> None:
    if not source.is_file():
        raise BackupError(_("The database file {path} does not exist.", path=source))
    try:
        # One backup step: a single read transaction, hence one snapshot.
        with _sqlite_copy(source, "rw", partial) as dst:
            dst.execute("PRAGMA journal_mode=DELETE")  # a single file, no -wal beside it
            if not dst.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
                               ).fetchone():
                raise BackupError(_("The database {path} has no factcheck schema; run "
                                    "`factcheck db upgrade` first.", path=source))
            dst.execute(f"PRAGMA application_id={APPLICATION_ID}")
    except sqlite3.Error as error:
        raise BackupError(_("The database {path} could not be copied: {reason}",
                            path=source, reason=error)) from None


def _inspect_sqlite(path: Path) -> str:
    try:
        connection = _connect_sqlite(path, "ro")
        try:
            (application_id,) = connection.execute("PRAGMA application_id").fetchone()
            if application_id != APPLICATION_ID:
                raise BackupError(_(
                    "{path} is an SQLite database but not a factcheck backup (make backups "
                    "with `factcheck backup`).", path=path))
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(_("{path} is damaged: {problems}", path=path,
                                    problems="; ".join(problems[:3])))
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(_("{path} is not a readable factcheck backup: {reason}",
                            path=path, reason=error)) from None
    if len(rows) != 1:
        raise BackupError(_("{path} has no schema revision.", path=path))
    return rows[0][0]


def _restore_sqlite(backup: Path, database: Path) -> None:
    if not database.parent.is_dir():
        raise BackupError(_("The directory {path} does not exist.", path=database.parent))
    try:
        # Into the live file, in one write transaction: running workers see the old data
        # or the new, never a mixture, and keep their WAL and file handles.
        with _sqlite_copy(backup, "ro", database, live=True) as dst:
            dst.execute("PRAGMA application_id=0")  # the live database is not a backup
            dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(_("The database {path} could not be restored: {reason}",
                            path=database, reason=error)) from None


# --- PostgreSQL -----------------------------------------------------------------------------


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the child environment carrying the password."""
    url = _parse_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # Built afresh: URL.set(password=None) would keep the password.
    conninfo = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query)
    return conninfo.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("{name} was not found: install the PostgreSQL client programs "
                            "(of the server's major version or newer) and put them on PATH.",
                            name=name))
    return found


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    # A list, no shell: the program is pg_dump/pg_restore, the arguments our own options.
    result = subprocess.run(args, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        program = Path(args[0]).name
        reason = result.stderr.strip() or _("exit status {code}", code=result.returncode)
        raise BackupError(_("{program} failed: {reason}", program=program, reason=reason))
    return result.stdout


def _backup_postgresql(database_url: str, partial: Path) -> None:
    conninfo, env = _libpq(database_url)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}",
          f"--dbname={conninfo}"], env)


def _inspect_pgdump(path: Path) -> str:
    pg_restore = _pg_tool("pg_restore")
    try:
        listing = _run([pg_restore, "--list", str(path)])
        tables = {name for _schema, name in _TOC_TABLE.findall(listing)}
        if not set(CORE_TABLES) <= tables:
            raise BackupError(_("it is a pg_dump archive, but not of a factcheck database."))
        # Read the whole archive once, so a truncated file is refused before any change.
        _run([pg_restore, f"--file={os.devnull}", str(path)])
        script = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-",
                       str(path)])
    except BackupError as error:
        raise BackupError(_("{path} cannot be restored: {reason}", path=path,
                            reason=error)) from None
    match = re.search(r"^COPY \S*alembic_version .*FROM stdin;\n(\S+)\n\\\.$", script, re.M)
    if match is None:
        raise BackupError(_("{path} has no schema revision.", path=path))
    return match.group(1)


def _restore_postgresql(app: Flask, backup: Backup) -> None:
    order = revision_order()
    try:
        with db.engine_for(app).connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        raise BackupError(_("The database cannot be reached: {reason}",
                            reason=getattr(error, "orig", error))) from None
    if current is not None and current not in order:
        raise BackupError(_("The database is at schema revision {revision}, unknown to this "
                            "version of factcheck.", revision=current))
    if current is not None and order.index(current) > order.index(backup.revision):
        # --clean drops only what the archive holds: tables of later migrations would
        # survive it and make the upgrade afterwards fail.
        downgrade(app, backup.revision)
        db.dispose(app)
    conninfo, env = _libpq(app.config["DATABASE_URL"])
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", "--no-password", f"--dbname={conninfo}",
          str(backup.path)], env)


# --- Shared -----------------------------------------------------------------------------------


def _parse_url(database_url: str) -> URL:
    try:
        return make_url(database_url)
    except ArgumentError:
        raise BackupError(_("DATABASE_URL is not a valid database URL.")) from None


def _check_target(target: Path, *, overwrite: bool) -> None:
    if not target.parent.is_dir():
        raise BackupError(_("The directory {path} does not exist.", path=target.parent))
    if target.is_dir():
        raise BackupError(_("{path} is a directory; give a file name for the backup.",
                            path=target))
    if target.exists() and not overwrite:
        raise BackupError(_("{path} already exists; use --force to replace it.", path=target))
    if not os.access(target.parent, os.W_OK):
        raise BackupError(_("The directory {path} is not writable.", path=target.parent))


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


# --- Preserved copies (FACTCHECK_ARCHIVE_STORAGE) ------------------------------------------
#
# In the database they are in the database's backup. In a directory their files go into
# PATH.archive.tar beside the backup, taken after the database's copy: objects are named
# by their content and never rewritten, so every copy the database's snapshot refers to is
# already there. In a bucket they are not copied (a bucket has its own versioning and
# replication); PATH.manifest.json and the printed line say where they live.

MANIFEST_FORMAT = "factcheck-backup-manifest"


@dataclass(frozen=True)
class ArchiveBackup:
    """What a backup did with the preserved copies: where they live, what it copied."""

    storage: str  # database, file, s3
    location: str  # for people: "in the directory …"
    included: bool
    objects: int = 0
    manifest: Path | None = None
    bundle: Path | None = None


def manifest_path(backup_path: Path) -> Path:
    """The manifest written beside a backup whose preserved copies are not in the database."""
    return backup_path.with_name(backup_path.name + ".manifest.json")


def bundle_path(backup_path: Path) -> Path:
    """The tar file beside a backup holding the preserved copies kept in a directory."""
    return backup_path.with_name(backup_path.name + ".archive.tar")


def backup_archive(storage: Storage, backup: Backup, *, overwrite: bool = False) -> ArchiveBackup:
    """Back up the preserved copies beside `backup` (or record where they live)."""
    if storage.kind == DATABASE:
        return ArchiveBackup(DATABASE, storage.describe(), included=True)
    manifest, bundle = manifest_path(backup.path), bundle_path(backup.path)
    for target in (manifest, bundle):
        _check_target(target, overwrite=overwrite)
    objects = 0
    if storage.kind == FILE:
        objects = _write_bundle(storage, bundle)
    archive = {"storage": storage.kind, "location": storage.url,
               "included": storage.kind == FILE, "objects": objects,
               "file": bundle.name if storage.kind == FILE else None}
    if storage.kind != FILE:
        archive["where"] = storage.describe()
        archive["note"] = ("The preserved copies are not in this backup: back up the bucket "
                           "itself (its versioning or replication).")
    _write_atomically(manifest, json.dumps({
        "format": MANIFEST_FORMAT, "version": 1,
        "database": {"kind": backup.kind, "revision": backup.revision,
                     "file": backup.path.name},
        "archive": archive}, indent=2).encode() + b"\n")
    return ArchiveBackup(storage.kind, storage.describe(), included=storage.kind == FILE,
                         objects=objects, manifest=manifest,
                         bundle=bundle if storage.kind == FILE else None)


def _write_bundle(storage: Storage, bundle: Path) -> int:
    count = 0

    def write(partial: Path) -> None:
        nonlocal count
        with tarfile.open(partial, "w") as tar:  # WARC bodies are gzipped already
            for name in storage.names():
                data = storage.read(name)
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o600
                tar.addfile(info, io.BytesIO(data))
                count += 1

    try:
        _produce_atomically(bundle, write)
    except ArchiveStorageError as error:
        raise BackupError(_("The preserved copies could not be backed up: {reason}",
                            reason=error)) from None
    return count


def read_manifest(backup_path: Path) -> dict | None:
    """The manifest beside a backup (None: its preserved copies were in the database)."""
    path = manifest_path(backup_path)
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(_("{path} cannot be read: {reason}", path=path,
                            reason=error)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(_("{path} is not a factcheck backup manifest.", path=path))
    return manifest


def restore_archive(storage: Storage, backup_path: Path) -> ArchiveBackup | None:
    """Put the preserved copies of a backup back (those it holds), into the storage
    configured now, or into their former directory when the database keeps copies now;
    objects already there are kept. None: the backup had no manifest."""
    manifest = read_manifest(backup_path)
    if manifest is None:
        return None
    archive = manifest.get("archive") or {}
    if not archive.get("included"):
        location = str(archive.get("location") or "")
        with contextlib.suppress(ArchiveStorageError):  # else said as it is written
            location = storage_from_url(location).describe()
        return ArchiveBackup(str(archive.get("storage")), location, included=False,
                             manifest=manifest_path(backup_path))
    target = storage
    if storage.kind == DATABASE:
        # Rows restored from the backup name their former directory: put the files there.
        target = storage_from_url(str(archive.get("location") or ""))
    bundle = backup_path.with_name(str(archive.get("file") or ""))
    if target.kind == DATABASE or not bundle.is_file():
        raise BackupError(_("The preserved copies of this backup ({path}) are missing.",
                            path=bundle))
    restored = 0
    try:
        with tarfile.open(bundle, "r") as tar:
            for member in tar:
                # Only our object names: nothing in the file chooses a path of its own.
                if not member.isfile() or OBJECT_NAME.fullmatch(member.name) is None:
                    continue
                if not target.exists(member.name):
                    target.write(member.name, tar.extractfile(member).read())
                restored += 1
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("{path} cannot be read: {reason}", path=bundle,
                            reason=error)) from None
    except ArchiveStorageError as error:
        raise BackupError(_("The preserved copies could not be restored: {reason}",
                            reason=error)) from None
    return ArchiveBackup(target.kind, target.describe(), included=True, objects=restored,
                         manifest=manifest_path(backup_path), bundle=bundle)


def _produce_atomically(target: Path, produce) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    try:
        produce(partial)
        _fsync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _write_atomically(target: Path, data: bytes) -> None:
    _produce_atomically(target, lambda partial: partial.write_bytes(data))
