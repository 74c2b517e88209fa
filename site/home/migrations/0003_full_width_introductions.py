"""Full-width marks beside Chinese (GB/T 15834) in the introductions 0002 wrote on the home page
and the two index pages (学习身边的先进典型，警示身边的反面案例), and in the home page's default.
Only an introduction that still reads as 0002 wrote it changes (on the page and in its
revisions, so the editor's form shows the same); one an editor rewrote is theirs."""

from django.db import migrations, models

INTRODUCTIONS = {
    ("home", "homepage"): (
        "以案为鉴、见贤思齐。学习身边的先进典型,警示身边的反面案例。",
        "以案为鉴、见贤思齐。学习身边的先进典型，警示身边的反面案例。",
    ),
    ("exemplars", "exemplarindexpage"): (
        "选树担当作为先进典型,大张旗鼓进行宣传,营造见贤思齐、比学先进的浓厚氛围。",
        "选树担当作为先进典型，大张旗鼓进行宣传，营造见贤思齐、比学先进的浓厚氛围。",
    ),
    ("casestudies", "caseindexpage"): (
        "通报不作为不担当和形式主义官僚主义典型案例,以案为警、以案为鉴、以案为戒。",
        "通报不作为不担当和形式主义官僚主义典型案例，以案为警、以案为鉴、以案为戒。",
    ),
}


def replace(forwards):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Revision = apps.get_model("wagtailcore", "Revision")
        for (app_label, model_name), (half, full) in INTRODUCTIONS.items():
            old, new = (half, full) if forwards else (full, half)
            model = apps.get_model(app_label, model_name)
            model.objects.filter(introduction=old).update(introduction=new)
            content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
            if content_type is None:
                continue
            for revision in Revision.objects.filter(content_type=content_type):
                if revision.content.get("introduction") == old:
                    revision.content["introduction"] = new
                    revision.save(update_fields=["content"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_site_tree"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="homepage",
            name="introduction",
            field=models.TextField(
                blank=True,
                default="以案为鉴、见贤思齐。学习先进典型，警示身边案例。",
                verbose_name="导语",
            ),
        ),
        migrations.RunPython(replace(forwards=True), replace(forwards=False)),
    ]
