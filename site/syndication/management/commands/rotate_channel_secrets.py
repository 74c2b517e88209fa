"""``manage.py rotate_channel_secrets``: re-encrypt every channel secret with the first key of
``CHANNEL_SECRET_KEYS``, after which the other keys may be removed."""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from jingjian.syndication import channel_secrets
from jingjian.syndication.models import Channel


class Command(BaseCommand):
    help = "用 CHANNEL_SECRET_KEYS 的第一个密钥重新加密全部渠道密钥（更换加密密钥时使用）。"

    def handle(self, *args, **options):
        rotated, unreadable = 0, []
        with transaction.atomic():
            # The column itself, not the field: the token is re-encrypted without being opened
            # into a Python string here.
            stored = Channel.objects.annotate(token=Cast("secret", TextField()))
            for pk, name, token in stored.exclude(token="").values_list("pk", "name", "token"):
                try:
                    new = channel_secrets.rotate(token)
                except (InvalidToken, UnicodeError, ValueError):
                    unreadable.append(name)
                    continue
                Channel.objects.filter(pk=pk).update(secret=Value(new, output_field=TextField()))
                rotated += 1
        self.stdout.write(f"已用新密钥重新加密 {rotated} 个渠道的密钥。")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} 个渠道的密钥无法用现有加密密钥解密，未处理："
                f"{'、'.join(unreadable)}。请把加密它们时所用的密钥加入 CHANNEL_SECRET_KEYS 后"
                "重新运行，或在渠道设置中重新填写这些密钥。"
            )
