"""The database's own word that who a logged-in reader is may have changed: ``AuthVersion``.

Triggers move one row's ``version`` on every write that can change a reader's login or scope,
whatever made the write (a model's ``save``, a queryset ``update`` such as Wagtail's bulk
"deactivate users", a relation row deleted, raw SQL, a restore):

- accounts: an update of the password, ``is_active``, ``is_superuser`` or the names, and a
  delete (a login's ``last_login`` moves nothing: logins would otherwise end every card);
- groups, memberships and permissions: any insert, update or delete (a new permission row
  alone gives nobody anything, so its insert moves nothing);
The page cache keeps each session's *reader card* under the version (``page_cache``): a card is
read only while the version is the one it was made under, so no such change, however it was
written, can be missed. Sessions are not watched: the one query a stored page costs a reader
reads their session's row with the version (``read``), and a card is kept per session *data*,
so a session changed (a login, a page password typed) or ended (a logout, a flush, expiry) is
seen as Django sees it, and logins move nothing. Each move sets a new random number, never the next one: a write that
rolls back leaves the version as it was, and no later write can bring back the number it had
set (under which a card may have been made from what was rolled back). SQLite: row triggers; PostgreSQL: statement triggers (TRUNCATE too).

Like the register's triggers, this module is their current definition: after every ``migrate``
(``post_migrate``) ``ensure()`` creates again whatever is missing or different (SQLite drops a
table's triggers when a migration rebuilds the table), and moves the version when it had to.
"""

import secrets

from django.db import connections, transaction
from django.utils import timezone

from jingjian.core import db_triggers

TABLE = "core_authversion"
PREFIX = "auth_version_"
ACCOUNT_COLUMNS = ("password", "is_active", "is_superuser", "username", "first_name", "last_name")


def _watched():
    """[(table, [events])]; an event is "insert", "delete", "update" or ("update", columns)."""
    # Here, not at the top: the app config imports this module before the models are ready.
    from django.contrib.auth.models import Group, Permission, User

    every = ["insert", "update", "delete"]
    return [
        (User._meta.db_table, [("update", ACCOUNT_COLUMNS), "delete"]),
        (User.groups.through._meta.db_table, every),
        (User.user_permissions.through._meta.db_table, every),
        (Group._meta.db_table, ["update", "delete"]),
        (Group.permissions.through._meta.db_table, every),
        (Permission._meta.db_table, ["update", "delete"]),
    ]


def _event_sql(event):
    if isinstance(event, tuple):
        return "update", "UPDATE OF " + ", ".join(event[1])
    return event, event.upper()


def _sqlite_triggers():
    bump = (
        f"INSERT INTO {TABLE} (id, version) VALUES (1, abs(random()) % 1000000000000) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version;"
    )
    found = {}
    for table, events in _watched():
        for event in events:
            name, clause = _event_sql(event)
            trigger = f"{PREFIX}{table}_{name}"
            found[trigger] = (
                f"CREATE TRIGGER {trigger} AFTER {clause} ON {table} FOR EACH ROW BEGIN {bump} END"
            )
    return found


FUNCTION = "jingjian_auth_version"
FUNCTION_BODY = (
    f" BEGIN INSERT INTO {TABLE} (id, version) VALUES (1, floor(random() * 1e12)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; RETURN NULL; END; "
)


def _postgresql_triggers():
    found = {}
    for table, events in _watched():
        for event in [*events, "truncate"]:
            name, clause = _event_sql(event)
            trigger = f"{PREFIX}{table}_{name}"
            found[(trigger, table)] = (
                f"CREATE OR REPLACE TRIGGER {trigger} AFTER {clause} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    return found


def _ensure_postgresql(cursor):
    created = []
    sources = db_triggers.postgresql_function_sources(cursor, FUNCTION)
    if sources.get(FUNCTION) != db_triggers.normal(FUNCTION_BODY):
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $${FUNCTION_BODY}$$"
        )
        created.append(f"{FUNCTION}()")
    return created + db_triggers.ensure_postgresql_triggers(cursor, _postgresql_triggers())


def _installed(connection):
    tables = set(connection.introspection.table_names())
    return {TABLE, *(table for table, _events in _watched())} <= tables


def bump(using="default"):
    """Move the version (what every trigger does), e.g. after triggers had to be created."""
    version = secrets.randbelow(10**12)
    with connections[using].cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET version = %s WHERE id = 1", [version])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {TABLE} (id, version) VALUES (1, %s)", [version])


def ensure(using="default"):
    """Create again every trigger that is missing or not as defined here, and the row; when any
    trigger was, move the version (writes made meanwhile moved nothing). Returns the names."""
    connection = connections[using]
    if not _installed(connection):
        return []
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                created = _ensure_postgresql(cursor)
            else:
                created = db_triggers.ensure_sqlite(cursor, _sqlite_triggers())
        if created:
            bump(using)
    return created


def after_migrate(sender, using="default", **kwargs):
    """``post_migrate``: the triggers back after any migration (or flush) that dropped them."""
    ensure(using)


def read(session_key=None, using="default"):
    """(the current version or ``None`` when there is no row yet, the data of the session
    ``session_key`` if it exists and has not expired, else ``None``): one query."""
    # Here, not at the top: the app config imports this module before the models are ready.
    from django.contrib.sessions.models import Session

    with connections[using].cursor() as cursor:
        if session_key is None:
            cursor.execute(f"SELECT version, NULL FROM {TABLE} WHERE id = 1")
        else:
            table = Session._meta.db_table
            expire = connections[using].ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(
                f"SELECT v.version, s.session_data FROM {TABLE} v LEFT JOIN {table} s "
                "ON s.session_key = %s AND s.expire_date > %s WHERE v.id = 1",
                [session_key, expire],
            )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, None)
