"""manage.py import_content FILE: bulk-import exemplars and case studies (.jsonl or .xlsx)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jingjian.importing.rows import ImportFileError, read_rows
from jingjian.importing.writer import Origin, import_rows


class Command(BaseCommand):
    help = "从 JSON Lines（.jsonl）或 Excel（.xlsx）批量导入先进典型和警示案例；按 source_id 幂等。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .jsonl 或 .xlsx 文件")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, file, no_progress=False, **options):
        try:
            rows = list(read_rows(file))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=len(rows),
            desc="导入",
            unit="行",
            file=sys.stderr,
            disable=no_progress or options.get("verbosity", 1) == 0,
        )
        result = import_rows(
            rows,
            progress=lambda _line: bar.update(1),
            origin=Origin(command="import_content", file=Path(file).name),
        )
        bar.close()
        for note in result.notes:
            label = f"（source_id={note.source_id}）" if note.source_id else ""
            self.stdout.write(f"第 {note.line} 行{label}：{note.text}")
        for failure in result.failed:
            label = f"（source_id={failure.source_id}）" if failure.source_id else ""
            self.stderr.write(f"第 {failure.line} 行{label}导入失败：{failure.reason}")
        summary = f"导入完成：新建 {result.created} 条，更新 {result.updated} 条，失败 {len(result.failed)} 条。"
        if result.failed:
            self.stderr.write(
                summary + "请按上面的提示修改失败的行后重新导入（已成功的行会被更新，不会重复）。"
            )
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(summary))
