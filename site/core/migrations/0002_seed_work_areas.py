"""Seed the work areas named in the speech (GLOSSARY.md); staff edit them afterwards."""

from django.db import migrations
from django.utils.text import slugify

WORK_AREAS = [
    "双万双服促发展",
    "环境治理",
    "扶贫助困",
    "精准脱贫",
    "双违治理",
    "民心工程",
    "拆迁拆违",
    "创文创卫",
    "城中村改造",
    "招商引资",
    "债务风险防范",
    "扫黑除恶",
    "大棚房清理整治",
    "巡视整改",
]


def seed(apps, schema_editor):
    WorkArea = apps.get_model("core", "WorkArea")
    for order, name in enumerate(WORK_AREAS):
        WorkArea.objects.get_or_create(
            name=name, defaults={"slug": slugify(name, allow_unicode=True), "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
