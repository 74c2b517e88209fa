"""The register's summary (``casestudies.models.register_summary``) and the triggers that keep
it honest: every write to the case files, their persons handled, units and problem types marks
the months it touches and moves the register's version, whatever Django call (or none) made it.
SQLite: row triggers; PostgreSQL: statement triggers over transition tables (one mark per
month, not per row, for a bulk insert). The months already in the register are marked, so the
first figures read count them."""

from django.db import migrations, models

FILE = "casestudies_casefile"
PERSON = "casestudies_casefileperson"
UNIT = "casestudies_casefileunit"
LINK = "casestudies_casefile_problem_types"
MONTHS = "casestudies_registersummarymonth"
VERSION = "casestudies_registerversion"

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


def _sqlite(table, columns, month_of):
    """Row triggers on ``table``; ``month_of(row)`` is the SQL of the month a row counts in."""
    bump = (
        f"INSERT INTO {VERSION} (id, version) VALUES (1, abs(random()) % 1000000000000) "
        "ON CONFLICT (id) DO UPDATE SET version = version + 1;"
    )

    def mark(row):
        if month_of is None:
            return ""
        return (
            f"INSERT INTO {MONTHS} (month, version) SELECT m, 1 FROM "
            f"(SELECT {month_of(row)} AS m) WHERE m IS NOT NULL "
            "ON CONFLICT (month) DO UPDATE SET version = version + 1;"
        )

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    name = f"register_{table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {mark('NEW')} {bump} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {mark('OLD')} {bump} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {changed} "
        f"BEGIN {mark('OLD')} {mark('NEW')} {bump} END",
    ]


def _postgresql(table, columns, month_of):
    """Statement triggers on ``table`` over its transition tables ``new_rows``/``old_rows``;
    ``month_of(alias)`` is the SQL of the month of a row (it may join the case file)."""
    name = f"register_{table}"
    bump = (
        f"INSERT INTO {VERSION} (id, version) VALUES (1, floor(random() * 1e12)::bigint) "
        f"ON CONFLICT (id) DO UPDATE SET version = {VERSION}.version + 1;"
    )

    def mark(rows):
        if month_of is None:
            return ""
        return (
            f"INSERT INTO {MONTHS} (month, version) SELECT DISTINCT m, 1 FROM "
            f"(SELECT {month_of('r')} AS m FROM ({rows}) r) months WHERE m IS NOT NULL "
            f"ON CONFLICT (month) DO UPDATE SET version = {MONTHS}.version + 1;"
        )

    differ = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns)
    changed_old = f"SELECT o.* FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {differ}"
    changed_new = f"SELECT n.* FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {differ}"
    function = f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$"""
    return [
        function,
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


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


def statements(vendor):
    if vendor == "postgresql":
        make, month, of_file = _postgresql, _month_postgresql, _month_postgresql_of_file
    else:
        make, month, of_file = _sqlite, _month_sqlite, _month_sqlite_of_file
    return [
        *make(FILE, FILE_COLUMNS, month("date_handled")),
        *make(PERSON, PERSON_COLUMNS, of_file("case_file_id")),
        *make(LINK, LINK_COLUMNS, of_file("casefile_id")),
        *make(UNIT, UNIT_COLUMNS, of_file("case_file_id")),
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in statements(vendor):
        schema_editor.execute(sql, params=None)
    first_day = (
        "date_trunc('month', date_handled)::date"
        if vendor == "postgresql"
        else "date(date_handled, 'start of month')"
    )
    schema_editor.execute(
        f"INSERT INTO {MONTHS} (month, version) SELECT DISTINCT {first_day}, 1 FROM {FILE} "
        "WHERE date_handled IS NOT NULL",
        params=None,
    )
    schema_editor.execute(f"INSERT INTO {VERSION} (id, version) VALUES (1, 1)", params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in (FILE, PERSON, LINK, UNIT):
        name = f"register_{table}"
        for event in ("insert", "delete", "update"):
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}")
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0017_bulletin_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterSummaryMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True)),
                ("version", models.BigIntegerField(default=1)),
            ],
            options={
                "verbose_name": "待重算月份",
                "verbose_name_plural": "待重算月份",
            },
        ),
        migrations.CreateModel(
            name="RegisterVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "登记簿版本",
                "verbose_name_plural": "登记簿版本",
            },
        ),
        migrations.CreateModel(
            name="RegisterSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slice", models.CharField(max_length=20)),
                ("month", models.DateField()),
                ("work_area_id", models.IntegerField(null=True)),
                ("source", models.CharField(max_length=30, null=True)),
                ("unit_type_id", models.IntegerField(null=True)),
                ("problem_type_id", models.IntegerField(null=True)),
                ("rank_level", models.PositiveSmallIntegerField(null=True)),
                ("bulletined", models.BooleanField()),
                ("unit_name", models.CharField(max_length=120, null=True)),
                ("matters", models.PositiveIntegerField(default=0)),
                ("persons", models.PositiveIntegerField(default=0)),
                ("sanctioned", models.PositiveIntegerField(default=0)),
                ("party_sanctioned", models.PositiveIntegerField(default=0)),
                ("admin_sanctioned", models.PositiveIntegerField(default=0)),
                ("form_1", models.PositiveIntegerField(default=0)),
                ("form_2", models.PositiveIntegerField(default=0)),
                ("form_3", models.PositiveIntegerField(default=0)),
                ("form_4", models.PositiveIntegerField(default=0)),
                ("form_none", models.PositiveIntegerField(default=0)),
                ("party_warning", models.PositiveIntegerField(default=0)),
                ("party_serious_warning", models.PositiveIntegerField(default=0)),
                ("party_removal_from_party_post", models.PositiveIntegerField(default=0)),
                ("party_probation", models.PositiveIntegerField(default=0)),
                ("party_expulsion", models.PositiveIntegerField(default=0)),
                ("admin_warning", models.PositiveIntegerField(default=0)),
                ("admin_demerit", models.PositiveIntegerField(default=0)),
                ("admin_major_demerit", models.PositiveIntegerField(default=0)),
                ("admin_demotion", models.PositiveIntegerField(default=0)),
                ("admin_removal_from_post", models.PositiveIntegerField(default=0)),
                ("admin_dismissal", models.PositiveIntegerField(default=0)),
                ("detained", models.PositiveIntegerField(default=0)),
                ("referred", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "统计汇总",
                "verbose_name_plural": "统计汇总",
                "indexes": [models.Index(fields=["slice", "month"], name="register_summary_slice")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
