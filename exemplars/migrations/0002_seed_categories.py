"""Seed exemplar categories: 担当作为 plus the 中国好人榜 categories (REFERENCE.md)."""

from django.db import migrations
from django.utils.text import slugify

CATEGORIES = ["担当作为", "敬业奉献", "助人为乐", "见义勇为", "诚实守信", "孝老爱亲"]


def seed(apps, schema_editor):
    ExemplarCategory = apps.get_model("exemplars", "ExemplarCategory")
    for order, name in enumerate(CATEGORIES):
        ExemplarCategory.objects.get_or_create(
            name=name, defaults={"slug": slugify(name, allow_unicode=True), "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("exemplars", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
