"""The triggers that keep the register's summary honest, and putting them back after a migrate.

Every write to the case files, their persons handled, units and problem types marks the months
it touches (``RegisterSummaryMonth``) and moves the register's version (``RegisterVersion``),
whatever Django call (or none) made it. SQLite: row triggers; PostgreSQL: statement triggers
over transition tables (one mark per month, not per row, for a bulk insert).

``casestudies/0018`` created them as they were then; this module is their current definition.
A later migration that alters one of the four tables on SQLite copies the table and drops the
old one, and its triggers with it; so after every ``migrate`` (``post_migrate``, connected by
the app) ``ensure()`` compares what the database holds with ``statements()`` and creates again
whatever is missing or different. Writes made while a trigger was missing marked nothing, so
when anything had to be created the whole summary is counted again and the version moved (no
figure read from the summary, or from the cache, is then wrong).
"""

from django.db import connections, transaction

from casestudies.statistics import summary
from jingjian.core import db_triggers

FILE = "casestudies_casefile"
PERSON = "casestudies_casefileperson"
UNIT = "casestudies_casefileunit"
LINK = "casestudies_casefile_problem_types"
MONTHS = "casestudies_registersummarymonth"
VERSION = "casestudies_registerversion"
TABLES = (FILE, PERSON, LINK, UNIT)
EVENTS = ("insert", "delete", "update")

# What the summary counts, per table (a write changing nothing of it marks nothing).
FILE_COLUMNS = ["date_handled", "named_in_bulletin", "work_area_id", "source", "unit_type_id"]
PERSON_COLUMNS = [
    "case_file_id",
    "role",
    "rank_level",
    "discipline_form",
    "party_sanction",
    "administrative_sanction",
    "detained",
    "referred",
]
LINK_COLUMNS = ["casefile_id", "problemtype_id"]
UNIT_COLUMNS = ["case_file_id", "name", "named_in_bulletin"]


def trigger_name(table, event):
    return f"register_{table}_{event}"


def _sqlite(table, columns, month_of):
    """{trigger name: CREATE TRIGGER} of row triggers on ``table``; ``month_of(row)`` is the
    SQL of the month a row counts in."""
    bump = (
        f"INSERT INTO {VERSION} (id, version) VALUES (1, abs(random()) % 1000000000000) "
        "ON CONFLICT (id) DO UPDATE SET version = version + 1;"
    )

    def mark(row):
        return (
            f"INSERT INTO {MONTHS} (month, version) SELECT m, 1 FROM "
            f"(SELECT {month_of(row)} AS m) WHERE m IS NOT NULL "
            "ON CONFLICT (month) DO UPDATE SET version = version + 1;"
        )

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    name = f"register_{table}"
    return {
        f"{name}_insert": (
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {mark('NEW')} {bump} END"
        ),
        f"{name}_delete": (
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {mark('OLD')} {bump} END"
        ),
        f"{name}_update": (
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {mark('OLD')} {mark('NEW')} {bump} END"
        ),
    }


def _postgresql_body(columns, month_of):
    """The body of the PostgreSQL trigger function (between its ``$$``)."""
    bump = (
        f"INSERT INTO {VERSION} (id, version) VALUES (1, floor(random() * 1e12)::bigint) "
        f"ON CONFLICT (id) DO UPDATE SET version = {VERSION}.version + 1;"
    )

    def mark(rows):
        return (
            f"INSERT INTO {MONTHS} (month, version) SELECT DISTINCT m, 1 FROM "
            f"(SELECT {month_of('r')} AS m FROM ({rows}) r) months WHERE m IS NOT NULL "
            f"ON CONFLICT (month) DO UPDATE SET version = {MONTHS}.version + 1;"
        )

    differ = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns)
    changed_old = f"SELECT o.* FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {differ}"
    changed_new = f"SELECT n.* FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {differ}"
    return f"""
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows) THEN
            {mark("SELECT * FROM new_rows")}
            {bump}
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows) THEN
            {mark("SELECT * FROM old_rows")}
            {bump}
        END IF;
    ELSIF EXISTS ({changed_old}) THEN
        {mark(changed_old)}
        {mark(changed_new)}
        {bump}
    END IF;
    RETURN NULL;
END """


def _postgresql_triggers(table):
    name = f"register_{table}"
    referencing = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    return {
        f"{name}_{event}": (
            f"CREATE OR REPLACE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} "
            f"{referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        for event in EVENTS
    }


def _function(table, body):
    return (
        f"CREATE OR REPLACE FUNCTION register_{table}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $${body}$$"
    )


def _month_sqlite(column):
    return lambda row: f"date({row}.{column}, 'start of month')"


def _month_sqlite_of_file(column):
    return lambda row: (
        f"(SELECT date(f.date_handled, 'start of month') FROM {FILE} f WHERE f.id = {row}.{column})"
    )


def _month_postgresql(column):
    return lambda alias: f"date_trunc('month', {alias}.{column})::date"


def _month_postgresql_of_file(column):
    return lambda alias: (
        f"(SELECT date_trunc('month', f.date_handled)::date FROM {FILE} f "
        f"WHERE f.id = {alias}.{column})"
    )


def _definitions(vendor):
    """[(table, columns, month_of)] for ``vendor``'s month expressions."""
    if vendor == "postgresql":
        month, of_file = _month_postgresql, _month_postgresql_of_file
    else:
        month, of_file = _month_sqlite, _month_sqlite_of_file
    return [
        (FILE, FILE_COLUMNS, month("date_handled")),
        (PERSON, PERSON_COLUMNS, of_file("case_file_id")),
        (LINK, LINK_COLUMNS, of_file("casefile_id")),
        (UNIT, UNIT_COLUMNS, of_file("case_file_id")),
    ]


def statements(vendor):
    """Every statement that creates the triggers (and on PostgreSQL their functions)."""
    found = []
    for table, columns, month_of in _definitions(vendor):
        if vendor == "postgresql":
            found.append(_function(table, _postgresql_body(columns, month_of)))
            found.extend(_postgresql_triggers(table).values())
        else:
            found.extend(_sqlite(table, columns, month_of).values())
    return found


def _ensure_sqlite(cursor):
    triggers = {}
    for table, columns, month_of in _definitions("sqlite"):
        triggers.update(_sqlite(table, columns, month_of))
    return db_triggers.ensure_sqlite(cursor, triggers)


def _ensure_postgresql(cursor):
    bodies = db_triggers.postgresql_function_sources(cursor, "register_%")
    created = []
    triggers = {}
    for table, columns, month_of in _definitions("postgresql"):
        body = _postgresql_body(columns, month_of)
        if bodies.get(f"register_{table}") != db_triggers.normal(body):
            cursor.execute(_function(table, body))
            created.append(f"register_{table}()")
        triggers.update({(name, table): sql for name, sql in _postgresql_triggers(table).items()})
    return created + db_triggers.ensure_postgresql_triggers(cursor, triggers)


def _installed(connection):
    """Whether the summary's tables exist (``casestudies/0018`` is applied)."""
    tables = set(connection.introspection.table_names())
    return {MONTHS, VERSION, *TABLES} <= tables


def ensure(using="default"):
    """Create again every trigger that is missing or not as defined here; when any was, count
    the whole summary again and move the register's version. Returns the names created."""
    connection = connections[using]
    if not _installed(connection):
        return []
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                created = _ensure_postgresql(cursor)
            else:
                created = _ensure_sqlite(cursor)
        if created:
            summary.rebuild()
            summary.bump_version()
    return created


def after_migrate(sender, using="default", **kwargs):
    """``post_migrate``: the triggers back after any migration that dropped them."""
    ensure(using)
