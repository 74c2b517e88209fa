"""Seed problem types (named in the speech), unit types and governance priorities."""

from django.db import migrations
from django.utils.text import slugify

PROBLEM_TYPES = [
    "庸懒散浮拖",
    "衙门作风",
    "推诿扯皮",
    "吃拿卡要",
    "不贪不占也不干",
    "小鬼难缠",
    "门难进、脸难看、事难办",
    "选择性执行",
    "拖延应付、敷衍塞责",
    "纸上整改",
    "零报告",
    "重整改、轻追责",
    "文山会海",
    "过度留痕",
    "好人主义",
    "态度生冷、刁难群众",
]
UNIT_TYPES = ["区直部门", "镇街", "村(社区)", "国有企业", "事业单位", "中小学校", "医疗卫生机构"]
GOVERNANCE_PRIORITIES = [
    "形式主义官僚主义整治",
    "营商环境优化",
    "群众身边不正之风和腐败问题",
    "为基层减负",
    "干部担当作为",
]


def seed(apps, schema_editor):
    for model_name, names in [
        ("ProblemType", PROBLEM_TYPES),
        ("UnitType", UNIT_TYPES),
        ("GovernancePriority", GOVERNANCE_PRIORITIES),
    ]:
        model = apps.get_model("casestudies", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(
                name=name,
                defaults={"slug": slugify(name, allow_unicode=True), "sort_order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
