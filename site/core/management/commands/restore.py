"""``manage.py restore DIR [--force]``: a backup folder back into this site's database and
media folders, checked before and after."""

from django.core.management.base import BaseCommand, CommandError

from jingjian.core import backups


class Command(BaseCommand):
    help = "从 make backup 生成的备份文件夹恢复数据库、媒体文件和案卷材料。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份文件夹（含 manifest.json）。")
        parser.add_argument(
            "--force",
            action="store_true",
            help="目标数据库或文件夹不是空的也恢复：其中原有的内容会被替换。",
        )

    def handle(self, *args, **options):
        try:
            restored = backups.restore(options["folder"], force=options["force"])
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"恢复完成，已核对：{restored['tables']} 张表共 {restored['rows']} 行，"
            f"{restored['files']} 个文件，与备份清单一致。"
        )
        if restored.get("purged"):
            self.stdout.write("已让恢复前保存的页面缓存全部失效：读者看到的都是恢复后的内容。")
