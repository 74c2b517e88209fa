"""Backups: the database, the media files and the case-file documents in one folder, with a
manifest that says what is in it; and restoring one into an empty database.

A backup folder holds:

- ``database.sqlite3`` (SQLite's online backup API, a consistent copy while the site runs) or
  ``database.pgdump`` (``pg_dump`` custom format, taken in an exported snapshot);
- ``media/`` (``MEDIA_ROOT``: images, renditions, documents) and ``private-media/``
  (``PRIVATE_MEDIA_ROOT``: case-file documents, which have no URL);
- ``manifest.json``: when, the versions, the applied migrations and the rows per model, all
  read from the same snapshot as the dump, and a SHA-256 of every file.

The database is copied first and the files after, so every file the copied rows name is in the
backup (an upload during the copy may add a file no row names; nothing is missing).
``restore`` checks every checksum before touching anything, refuses a database or folder that
is not empty unless forced, and afterwards counts the rows and checksums the files again.
"""

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection

from jingjian.core import page_cache

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA = "media"
PRIVATE_MEDIA = "private-media"
VERSIONED = ["Django", "wagtail", "jingjian", "django-tasks-db", "psycopg"]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the person running it."""


# What the manifest records ----------------------------------------------------------------


def model_tables():
    """{model label: table} of every table Django creates (many-to-many tables included)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def _quote(table):
    return '"' + table.replace('"', '""') + '"'


def count_rows(cursor, tables, existing):
    """{label: {"table": t, "rows": n}} for the tables in ``existing``, through ``cursor``."""
    counts = {}
    for label, table in tables.items():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
            counts[label] = {"table": table, "rows": cursor.fetchone()[0]}
    return counts


def applied_migrations(cursor, existing):
    if "django_migrations" not in existing:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def versions():
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(folder):
    """{path relative to ``folder`` (POSIX): SHA-256} of every file under it."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# Backing up -------------------------------------------------------------------------------


def backup(destination, now=None):
    """Write a backup folder under ``destination``; returns its path.

    The folder is written as ``….partial`` and renamed when complete, so a backup cut off half
    way is never taken for a whole one."""
    now = now or datetime.datetime.now(datetime.UTC)
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    name = f"jingjian-backup-{now:%Y%m%d-%H%M%S}"
    final = destination / name
    partial = destination / f"{name}.partial"
    if final.exists():
        raise BackupError(f"备份文件夹 {final} 已经存在：请过一秒再备份，或换一个目标文件夹。")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    if connection.vendor == "sqlite":
        database = _backup_sqlite(partial / SQLITE_FILE)
    elif connection.vendor == "postgresql":
        database = _backup_postgres(partial / POSTGRES_FILE)
    else:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库：只支持 SQLite 和 PostgreSQL。")
    _copy_tree(settings.MEDIA_ROOT, partial / MEDIA)
    _copy_tree(settings.PRIVATE_MEDIA_ROOT, partial / PRIVATE_MEDIA)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "versions": versions(),
        **database,
        "files": checksums(partial),
    }
    (partial / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    partial.rename(final)
    return final


def _copy_tree(source, target):
    source = Path(source)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        target.mkdir()


def _backup_sqlite(path):
    """Copy the database with SQLite's online backup API (a consistent copy while others
    write), then read counts and migrations from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        # The copy stands alone: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        described = _describe(copy.cursor(), _sqlite_tables(copy))
    finally:
        copy.close()
    return {
        "database": {
            "vendor": "sqlite",
            "server_version": sqlite3.sqlite_version,
            "file": SQLITE_FILE,
        },
        **described,
    }


def _sqlite_tables(raw):
    return {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _describe(cursor, existing):
    return {
        "migrations": applied_migrations(cursor, existing),
        "counts": count_rows(cursor, model_tables(), existing),
    }


def _postgres_environment():
    """The libpq environment for the pg_* tools, from Django's connection settings."""
    params = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if params.get(key):
            environment[variable] = str(params[key])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return environment


def _run(arguments, environment):
    try:
        done = subprocess.run(arguments, env=environment, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"找不到 {arguments[0]}：请安装 PostgreSQL 客户端工具（Debian 的 postgresql-client），"
            "其主版本不低于数据库服务器的。"
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{arguments[0]} 失败：{done.stderr.strip()}")
    return done


def _backup_postgres(path):
    """``pg_dump`` in custom format, inside a snapshot this function exports and also reads
    the counts and migrations in: they describe exactly the rows dumped."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
            existing = {row[0] for row in cursor.fetchall()}
            described = _describe(cursor, existing)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
                _postgres_environment(),
            )
        raw.rollback()
    finally:
        raw.close()
    return {
        "database": {
            "vendor": "postgresql",
            "server_version": server_version,
            "file": POSTGRES_FILE,
        },
        **described,
    }


# Restoring --------------------------------------------------------------------------------


def read_manifest(folder):
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} 里没有备份清单 {MANIFEST}：请给出 make backup 生成的备份文件夹。"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"备份清单 {path} 无法读取（{error}）：请换一份备份。") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"备份清单的格式（{manifest.get('format')}）不是本版本能恢复的（{FORMAT}）："
            "请用生成这份备份的版本恢复。"
        )
    return manifest


def verify_files(folder, manifest):
    """The names of the listed files that are missing or whose checksum differs."""
    folder = Path(folder)
    bad = []
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file() or sha256(path) != digest:
            bad.append(name)
    return bad


def _database_tables():
    return set(connection.introspection.table_names())


def _nonempty_folders():
    return [
        str(folder)
        for folder in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
        if folder.is_dir() and any(folder.iterdir())
    ]


def restore(folder, force=False):
    """Restore the backup in ``folder`` into this site's database and media folders; returns
    what was restored ({"rows": n, "files": n}). Raises ``BackupError`` without changing
    anything when the backup is damaged, of another database kind, or the target is not empty
    (unless ``force``)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    bad = verify_files(folder, manifest)
    if bad:
        raise BackupError(
            f"备份已损坏：{len(bad)} 个文件缺失或校验值不符（如 {bad[0]}）。请换一份备份再恢复。"
        )
    database = manifest["database"]
    if database["vendor"] != connection.vendor:
        raise BackupError(
            f"这份备份来自 {database['vendor']} 数据库，当前数据库是 {connection.vendor}："
            "请把 DATABASE_URL 指向同类数据库后再恢复。"
        )
    if not force:
        tables = _database_tables()
        if tables:
            raise BackupError(
                f"目标数据库不是空的（已有 {len(tables)} 张表）：恢复会替换其中的全部内容。"
                "请换一个空数据库，或确认要覆盖后加上 --force 再运行。"
            )
        folders = _nonempty_folders()
        if folders:
            raise BackupError(
                f"目标文件夹 {folders[0]} 不是空的：恢复会覆盖其中的文件。"
                "请换一个空文件夹，或确认要覆盖后加上 --force 再运行。"
            )
    if database["vendor"] == "sqlite":
        _restore_sqlite(folder / database["file"])
    else:
        _restore_postgres(folder / database["file"])
    _restore_tree(folder / MEDIA, settings.MEDIA_ROOT)
    _restore_tree(folder / PRIVATE_MEDIA, settings.PRIVATE_MEDIA_ROOT)
    restored = verify_restored(manifest)
    # The database was replaced without a signal: every stored page, kept restriction and kept
    # route (all under the page cache's generation) and every reader card belongs to the old
    # one, whose ids may now name other pages. A new generation makes them all misses, in every
    # process that shares the cache (a cache that cannot be reached records the debt in the
    # restored database, which the others settle).
    page_cache.purge()
    page_cache.purge_readers()
    restored["purged"] = True
    return restored


def _restore_sqlite(path):
    target = connection.settings_dict["NAME"]
    connection.close()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _restore_postgres(path):
    with connection.cursor() as cursor:
        # Forced onto a database that has tables: what is there goes first, so nothing the
        # backup does not hold survives beside it.
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    environment = _postgres_environment()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + [f"--dbname={environment['PGDATABASE']}", str(path)],
        environment,
    )


def _restore_tree(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copied += 1
    return copied


def verify_restored(manifest):
    """Count the rows of every table in the manifest and checksum every restored file; raise
    ``BackupError`` on any difference."""
    differences = []
    existing = _database_tables()
    with connection.cursor() as cursor:
        for label, entry in manifest["counts"].items():
            if entry["table"] not in existing:
                differences.append(f"{label}：表不存在")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(entry['table'])}")
            found = cursor.fetchone()[0]
            if found != entry["rows"]:
                differences.append(f"{label}：应为 {entry['rows']} 行，实有 {found} 行")
    roots = {MEDIA: Path(settings.MEDIA_ROOT), PRIVATE_MEDIA: Path(settings.PRIVATE_MEDIA_ROOT)}
    files = 0
    for name, digest in manifest["files"].items():
        top, _, rest = name.partition("/")
        if top not in roots:
            continue
        files += 1
        path = roots[top] / rest
        if not path.is_file() or sha256(path) != digest:
            differences.append(f"{name}：文件缺失或校验值不符")
    if differences:
        raise BackupError(
            f"恢复后的核对有 {len(differences)} 处不符（如 {differences[0]}）："
            "请检查目标数据库和文件夹后重新恢复。"
        )
    rows = sum(entry["rows"] for entry in manifest["counts"].values())
    return {"tables": len(manifest["counts"]), "rows": rows, "files": files}
