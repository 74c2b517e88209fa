"""The unit type 村(社区) is written with full-width brackets between Chinese characters
(GB/T 15834): 村（社区）. Its slug stays, so links and filters keep working."""

from django.db import migrations

HALF, FULL = "村(社区)", "村（社区）"


def rename(old, new):
    def run(apps, schema_editor):
        apps.get_model("casestudies", "UnitType").objects.filter(name=old).update(name=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0011_case_file_draft_inputs")]

    operations = [migrations.RunPython(rename(HALF, FULL), rename(FULL, HALF))]
