"""Full-width marks beside Chinese (GB/T 15834) in the work area's slug help text (0009 has
renamed the review workflows already)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_workflow_names_without_nested_brackets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workarea",
            name="slug",
            field=models.SlugField(
                allow_unicode=True,
                blank=True,
                help_text="用于筛选链接，留空则按名称自动生成。",
                max_length=80,
                unique=True,
                verbose_name="网址标识",
            ),
        ),
    ]
