"""On PostgreSQL, an index on pages in the order search results take within a rank tier.

The reader search walks a tier's pages newest first (``first_published_at DESC NULLS LAST``,
then ``id DESC``) and probes each one's index entry until it has a page of results. Wagtail's
own index on ``first_published_at`` sorts nulls the other way round, so PostgreSQL could not
walk it and sorted every page (probing each) instead. SQLite walks the existing index.
"""

from django.db import migrations

NAME = "core_page_recent_first"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON wagtailcore_page "
            "(first_published_at DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_fts_update_trigger_on_text_only"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, reverse_code=drop)]
