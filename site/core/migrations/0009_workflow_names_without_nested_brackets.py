"""The two review workflows' names lose their half-width brackets: "三审(初审→复审→终审)" read
"提交给三审(初审→复审→终审)" on the submit button and "初审（三审(初审→复审→终审)）" on the
dashboard. The steps already name themselves (初审, 复审, 终审)."""

from django.db import migrations

RENAMES = [
    ("三审(初审→复审→终审)", "三审"),
    ("警示案例三审(初审→复审→终审)", "警示案例三审"),
]


def rename(apps, schema_editor, backwards=False):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    for old, new in RENAMES:
        if backwards:
            old, new = new, old
        Workflow.objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_chinese_names_of_wagtails_records"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
