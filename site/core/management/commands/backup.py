"""``manage.py backup --to DIR``: the database, media and case-file documents in one folder."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jingjian.core import backups


class Command(BaseCommand):
    help = "把数据库、媒体文件和案卷材料备份到一个文件夹（含清单和校验值）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=str(settings.BASE_DIR / "backups"),
            help="备份放在哪个文件夹下（默认 backups/）。",
        )

    def handle(self, *args, **options):
        try:
            folder = backups.backup(options["to"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backups.read_manifest(folder)
        rows = sum(entry["rows"] for entry in manifest["counts"].values())
        self.stdout.write(
            f"备份完成：{folder}（{len(manifest['counts'])} 张表，{rows} 行，"
            f"{len(manifest['files'])} 个文件）。"
        )
