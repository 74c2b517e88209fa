"""On SQLite, copy an index entry to the full-text table only when its text changes.

Wagtail's trigger copies the title, body and autocomplete text again on *any* update of an
index entry. ``update_index`` ends by refreshing every entry's ``title_norm`` (a number used for
relevance), so each rebuild indexed every page's text a second time. The trigger is recreated
to fire on updates of the three text columns only. Other databases have no such trigger.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
TRIGGER = f"update_{TABLE}_fts"
BODY = (
    f"BEGIN UPDATE {TABLE}_fts SET title=NEW.title, body=NEW.body, "
    "autocomplete=NEW.autocomplete WHERE rowid=NEW.id; END"
)


def recreate(columns):
    def operation(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER]
            )
            if cursor.fetchone() is None:  # no full-text table (SQLite without FTS5)
                return
            cursor.execute(f"DROP TRIGGER {TRIGGER}")
            cursor.execute(f"CREATE TRIGGER {TRIGGER} AFTER UPDATE {columns}ON {TABLE} {BODY}")

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_imported_page"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RunPython(recreate("OF title, body, autocomplete "), reverse_code=recreate("")),
    ]
