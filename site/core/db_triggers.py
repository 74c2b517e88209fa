"""Putting database triggers back as their module defines them (the register's summary, the
auth version): what SQLite and PostgreSQL hold, compared with what the code says.

A migration that rebuilds a table on SQLite drops its triggers; each module that relies on
triggers asks these after every ``migrate`` and creates again whatever is missing or different.
"""

import re


def normal(sql):
    """``sql`` with its whitespace folded, as compared with what the database holds."""
    return re.sub(r"\s+", " ", sql or "").strip()


def ensure_sqlite(cursor, triggers):
    """Create every trigger of ``triggers`` ({name: CREATE TRIGGER}) that SQLite does not hold
    as written (dropping a different one first). Returns the names created."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    held = {name: normal(sql) for name, sql in cursor.fetchall()}
    created = []
    for name, sql in triggers.items():
        if held.get(name) == normal(sql):
            continue
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(sql)
        created.append(name)
    return created


def postgresql_triggers_held(cursor):
    """{(trigger name, table)} of the schema's own triggers."""
    cursor.execute(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
    )
    return set(cursor.fetchall())


def postgresql_function_sources(cursor, pattern):
    """{function name: its source, folded} of the schema's functions named like ``pattern``."""
    cursor.execute(
        "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace "
        "AND proname LIKE %s",
        [pattern],
    )
    return {name: normal(source) for name, source in cursor.fetchall()}


def ensure_postgresql_triggers(cursor, triggers):
    """Create every trigger of ``triggers`` ({(name, table): CREATE TRIGGER}) the schema lacks.
    Returns the names created."""
    held = postgresql_triggers_held(cursor)
    created = []
    for (name, table), sql in triggers.items():
        if (name, table) not in held:
            cursor.execute(sql)
            created.append(name)
    return created
