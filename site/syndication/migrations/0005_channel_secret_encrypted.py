"""Channel secrets encrypted at rest: the column becomes text, every stored secret is replaced
by its Fernet token (``jingjian.syndication.channel_secrets``), then the field is the
encrypting one. Reversing writes the secrets back in plain text (only with the keys that
sealed them)."""

from django.db import migrations, models

import jingjian.syndication.channel_secrets

HELP = "微信 AppSecret、微博 access_token 或签名密钥。加密保存，保存后不再显示；留空表示不修改。"


def seal(apps, schema_editor):
    # The historical model's field is a plain TextField here: it reads and writes the column.
    Channel = apps.get_model("syndication", "Channel")
    secrets = jingjian.syndication.channel_secrets
    for pk, value in Channel.objects.exclude(secret="").values_list("pk", "secret"):
        if not secrets.is_token(value):  # sealed already (a re-run): left alone
            Channel.objects.filter(pk=pk).update(secret=secrets.encrypt(value))


def unseal(apps, schema_editor):
    Channel = apps.get_model("syndication", "Channel")
    secrets = jingjian.syndication.channel_secrets
    for pk, value in Channel.objects.exclude(secret="").values_list("pk", "secret"):
        if secrets.is_token(value):
            Channel.objects.filter(pk=pk).update(secret=secrets.decrypt(value))


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0004_full_width_channel_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channel",
            name="secret",
            field=models.TextField(blank=True, help_text=HELP, verbose_name="密钥"),
        ),
        migrations.RunPython(seal, unseal),
        migrations.AlterField(
            model_name="channel",
            name="secret",
            field=jingjian.syndication.channel_secrets.SecretField(
                blank=True, help_text=HELP, max_length=200, verbose_name="密钥"
            ),
        ),
    ]
