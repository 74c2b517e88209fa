"""Outbox folders become paths inside ``SYNDICATION_OUTBOX_ROOT``: a stored absolute folder
inside the root is rewritten relative to it. One outside the root is left as it was: it cannot
be moved without someone deciding where, so deliveries to it fail with the reason, the system
check ``syndication.W001`` lists it (``manage.py check --database default``, and every
``migrate``), and the channel form asks for a folder inside the root when it is next edited."""

import os
from pathlib import Path

from django.conf import settings
from django.db import migrations, models


def make_relative(apps, schema_editor):
    Channel = apps.get_model("syndication", "Channel")
    root = Path(os.path.realpath(settings.SYNDICATION_OUTBOX_ROOT))
    for channel in Channel.objects.exclude(outbox_folder=""):
        folder = channel.outbox_folder
        if not os.path.isabs(folder):
            continue
        real = Path(os.path.realpath(folder))
        if real.is_relative_to(root):
            channel.outbox_folder = str(real.relative_to(root)) if real != root else "."
            channel.save(update_fields=["outbox_folder"])


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0005_channel_secret_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channel",
            name="outbox_folder",
            field=models.CharField(
                blank=True,
                help_text="电视台、电台、报社从此共享文件夹取稿。填写投递根目录下的相对路径（如“电视台”）；"
                "留空则使用投递根目录下与“标识”同名的子文件夹。",
                max_length=300,
                verbose_name="投递文件夹",
            ),
        ),
        migrations.RunPython(make_relative, migrations.RunPython.noop),
    ]
