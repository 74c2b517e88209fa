"""The 通报 section under 警示案例 (``/cases/bulletins/``): intranet (logged-in readers); the case
studies' workflow and 纪检监察's page permissions on 警示案例 cover it (a section of its own under
the home page would have widened 纪检监察's explorer to the whole site)."""

from django.db import migrations
from django.utils import timezone

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
    if BulletinIndexPage.objects.exists():
        return
    case_index = CaseIndexPage.objects.first()
    if case_index is None:
        return
    depth = case_index.depth + 1
    last = (
        Page.objects.filter(depth=depth, path__startswith=case_index.path).order_by("-path").first()
    )
    now = timezone.now()
    content_type = ContentType.objects.get_or_create(
        app_label="casestudies", model="bulletinindexpage"
    )[0]
    index = BulletinIndexPage.objects.create(
        title="通报",
        draft_title="通报",
        slug="bulletins",
        path=_next_path(last.path if last else None, case_index.path),
        depth=depth,
        numchild=0,
        url_path=f"{case_index.url_path}bulletins/",
        content_type=content_type,
        locale_id=case_index.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        introduction="区纪委监委通报的典型案例，供全区党员干部学习，以案为鉴、以案促改。",
    )
    case_index.numchild = Page.objects.filter(depth=depth, path__startswith=case_index.path).count()
    case_index.save(update_fields=["numchild"])
    PageViewRestriction.objects.create(page=index, restriction_type="login")


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0016_bulletins"),
        ("core", "0011_page_cache_debt"),
        ("home", "0003_full_width_introductions"),
    ]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
