"""Editors and reviewers manage channels; they and 纪检监察 see deliveries and retry failures."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHANNEL_GROUPS = ["编辑", "审核"]
REPORT_GROUPS = ["编辑", "审核", "纪检监察"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("syndication")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perm(codename):
        return Permission.objects.get(content_type__app_label="syndication", codename=codename)

    for group in Group.objects.filter(name__in=CHANNEL_GROUPS):
        for action in ["add", "change", "delete", "view"]:
            group.permissions.add(perm(f"{action}_channel"))
    for group in Group.objects.filter(name__in=REPORT_GROUPS):
        group.permissions.add(perm("view_delivery"), perm("retry_delivery"))


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0001_initial"),
        ("core", "0003_groups_workflows_collections"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
