"""Study lists (学习任务) are managed by 编辑 and 纪检监察: both get their model permissions.
Units and officials' profiles stay with administrators (superusers)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["编辑", "纪检监察"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("study")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.get(content_type__app_label="study", codename=f"{action}_studylist")
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="study",
        codename__in=[f"{action}_studylist" for action in ACTIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0001_study_records"),
        ("core", "0003_groups_workflows_collections"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
