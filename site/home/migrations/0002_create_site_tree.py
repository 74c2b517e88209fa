"""Replace Wagtail's welcome page with the site tree: 首页 → 先进典型, 警示案例."""

from django.db import migrations
from django.utils import timezone


def create_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("home.HomePage")
    ExemplarIndexPage = apps.get_model("exemplars.ExemplarIndexPage")
    CaseIndexPage = apps.get_model("casestudies.CaseIndexPage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="zh-hans")
    now = timezone.now()

    def content_type(model):
        return ContentType.objects.get_or_create(
            model=model._meta.model_name, app_label=model._meta.app_label
        )[0]

    common = {"live": True, "locale": locale, "first_published_at": now, "last_published_at": now}
    home = HomePage.objects.create(
        title="镜鉴",
        draft_title="镜鉴",
        slug="home",
        path="00010001",
        depth=2,
        numchild=2,
        url_path="/home/",
        content_type=content_type(HomePage),
        seo_title="镜鉴 · 以案为鉴、见贤思齐",
        introduction="以案为鉴、见贤思齐。学习身边的先进典型,警示身边的反面案例。",
        **common,
    )
    ExemplarIndexPage.objects.create(
        title="先进典型",
        draft_title="先进典型",
        slug="exemplars",
        path="000100010001",
        depth=3,
        numchild=0,
        url_path="/home/exemplars/",
        content_type=content_type(ExemplarIndexPage),
        introduction="选树担当作为先进典型,大张旗鼓进行宣传,营造见贤思齐、比学先进的浓厚氛围。",
        **common,
    )
    CaseIndexPage.objects.create(
        title="警示案例",
        draft_title="警示案例",
        slug="cases",
        path="000100010002",
        depth=3,
        numchild=0,
        url_path="/home/cases/",
        content_type=content_type(CaseIndexPage),
        introduction="通报不作为不担当和形式主义官僚主义典型案例,以案为警、以案为鉴、以案为戒。",
        **common,
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "镜鉴"},
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("exemplars", "0002_seed_categories"),
        ("casestudies", "0002_seed_taxonomies"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_tree, migrations.RunPython.noop)]
