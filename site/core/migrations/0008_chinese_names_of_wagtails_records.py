"""Wagtail's own records in Chinese: its migrations name the root page and the root collection
"Root" and its default task and workflow "Moderators approval", which the admin shows by name
(the explorer's root, the collection lists, the workflow reports' filters). 0003 replaced the
default workflow with ours; its task is switched off here too."""

from django.db import migrations

ROOT_PAGE = "全部站点"
ROOT_COLLECTION = "全部资料"
DEFAULT_WORKFLOW = "默认审核（已停用）"


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_PAGE, draft_title=ROOT_PAGE)
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_COLLECTION)
    Task.objects.filter(name="Moderators approval").update(name=DEFAULT_WORKFLOW, active=False)
    Workflow.objects.filter(name="Moderators approval").update(name=DEFAULT_WORKFLOW)


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Page.objects.filter(depth=1, title=ROOT_PAGE).update(title="Root", draft_title="Root")
    Collection.objects.filter(depth=1, name=ROOT_COLLECTION).update(name="Root")
    Task.objects.filter(name=DEFAULT_WORKFLOW).update(name="Moderators approval", active=True)
    Workflow.objects.filter(name=DEFAULT_WORKFLOW).update(name="Moderators approval")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_publish_only_through_review"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
