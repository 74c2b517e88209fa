"""The 通报 section under the home page: intranet (logged-in readers), reviewed by the case
studies' workflow, and the page permissions 纪检监察 hold on 警示案例 held on it too."""

from django.db import migrations
from django.utils import timezone

# A migration keeps its own copy of the names (groups.DISCIPLINE may change later).
DISCIPLINE = "纪检监察"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet, 4 per level


def _next_path(last_path, parent_path):
    if last_path is None:
        return parent_path + "0001"
    value = 0
    for ch in last_path[-4:]:
        value = value * 36 + ALPHABET.index(ch)
    value += 1
    step = ""
    for _ in range(4):
        value, digit = divmod(value, 36)
        step = ALPHABET[digit] + step
    return parent_path + step


def create_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    BulletinIndexPage = apps.get_model("casestudies", "BulletinIndexPage")
    CaseIndexPage = apps.get_model("casestudies", "CaseIndexPage")
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    if BulletinIndexPage.objects.exists():
        return
    home = Page.objects.filter(depth=2, slug="home").first()
    case_index = CaseIndexPage.objects.first()
    if home is None or case_index is None:
        return
    last = Page.objects.filter(depth=3, path__startswith=home.path).order_by("-path").first()
    now = timezone.now()
    content_type = ContentType.objects.get_or_create(
        app_label="casestudies", model="bulletinindexpage"
    )[0]
    index = BulletinIndexPage.objects.create(
        title="通报",
        draft_title="通报",
        slug="bulletins",
        path=_next_path(last.path if last else None, home.path),
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}bulletins/",
        content_type=content_type,
        locale_id=home.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        introduction="区纪委监委通报的典型案例，供全区党员干部学习，以案为鉴、以案促改。",
    )
    home.numchild = Page.objects.filter(depth=3, path__startswith=home.path).count()
    home.save(update_fields=["numchild"])
    PageViewRestriction.objects.create(page=index, restriction_type="login")
    flow = WorkflowPage.objects.filter(page=case_index).first()
    if flow is not None:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": flow.workflow})
    for permission in GroupPagePermission.objects.filter(page=case_index, group__name=DISCIPLINE):
        GroupPagePermission.objects.get_or_create(
            group=permission.group, page=index, permission=permission.permission
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0016_bulletins"),
        ("core", "0011_page_cache_debt"),
        ("home", "0003_full_width_introductions"),
    ]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
