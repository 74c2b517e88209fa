"""Publishing only through the review: no group keeps Wagtail's ``publish`` page permission.

审核 and 纪检监察 held ``publish_page`` and so had a plain 发布 button that skipped the workflow.
The workflow's last approval publishes (``jingjian.core.review.publish_approved``); a page's
reviewers may still take it down (``jingjian.core.admin_access``).
"""

from django.db import migrations

GRANTED_BEFORE = [("审核", 2, "home"), ("纪检监察", 3, "cases")]


def forwards(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        permission__content_type__app_label="wagtailcore", permission__codename="publish_page"
    ).delete()


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    for group_name, depth, slug in GRANTED_BEFORE:
        group = Group.objects.filter(name=group_name).first()
        page = Page.objects.filter(depth=depth, slug=slug).first()
        if group and page:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=publish)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_page_recent_first_index"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
