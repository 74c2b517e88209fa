"""Count the register's summary (``casestudies.statistics.summary``) again from the case files.

The database keeps the summary as the register is written (triggers mark each month a write
touches; the statistics count marked months again before reading). Run this after restoring a
backup without its triggers, or to be sure: ``--check`` only compares the summary with the
register and exits with 1 when they differ."""

from django.core.management.base import BaseCommand, CommandError

from casestudies.statistics import summary


class Command(BaseCommand):
    help = "按案卷重新统计登记簿汇总表；加 --check 只比对汇总表与案卷，不一致时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="只比对，不重算（先计入已标记待重算的月份）。"
        )

    def handle(self, *args, check=False, **options):
        if check:
            summary.refresh()
            expected, stored = summary.summary_rows(), summary.stored_rows()
            if expected != stored:
                missing = len(set(expected) - set(stored))
                extra = len(set(stored) - set(expected))
                raise CommandError(
                    f"汇总表与案卷不一致：缺少 {missing} 行，多出 {extra} 行。"
                    "请运行 manage.py rebuild_register_summary 重新统计。"
                )
            self.stdout.write(f"汇总表与案卷一致（{len(stored)} 行）。")
            return
        written = summary.rebuild()
        self.stdout.write(f"已按案卷重新统计汇总表，共 {written} 行。")
