"""Case files (案卷) belong to 纪检监察: only that group gets their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DISCIPLINE = "纪检监察"
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("casestudies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=DISCIPLINE).first()
    if group is None:
        return
    for action in ACTIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="casestudies", codename=f"{action}_casefile"
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="casestudies",
        codename__in=[f"{action}_casefile" for action in ACTIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0004_case_files"),
        ("core", "0003_groups_workflows_collections"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
