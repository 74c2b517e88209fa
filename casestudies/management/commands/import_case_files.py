"""manage.py import_case_files FILE.xlsx: the discipline staff's ledger (台账) into the register."""

import sys

from django.core.management.base import BaseCommand, CommandError

from casestudies.ledger import import_ledger, summary
from jingjian.importing.limits import FileRefused


class Command(BaseCommand):
    help = (
        "从 Excel 台账（.xlsx，每名被处理人一行）导入案卷；按案卷编号归并、幂等，"
        "有误的行逐行报告，有误的案卷编号整份不写入。格式见 README。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 台账")

    def handle(self, *args, file, **options):
        try:
            result = import_ledger(file)
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        for bad in result.failed:
            number = f"（案卷编号 {bad.number}）" if bad.number else ""
            self.stderr.write(f"第 {bad.line} 行{number}：{bad.reason}")
        if result.failed:
            self.stderr.write(summary(result))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(summary(result)))
