"""manage.py anonymize [--person NAME]... [--unit NAME]... FILE: anonymized text as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from casestudies.anonymization import Options, Person, Unit, anonymize


class Command(BaseCommand):
    help = (
        "对文本脱敏并输出 JSON：{text, replacements, candidates}，偏移量以输入文本为准。"
        "FILE 为 - 时从标准输入读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 文本文件，或 - 表示标准输入")
        parser.add_argument("--person", action="append", default=[], help="已知人员姓名，可重复")
        parser.add_argument(
            "--minority",
            action="append",
            default=[],
            help="少数民族或外国人姓名（保留首字+某），可重复",
        )
        parser.add_argument("--unit", action="append", default=[], help="需泛化的单位名称，可重复")
        parser.add_argument("--no-detect", action="store_true", help="不用词性标注查找未列出的人名")

    def handle(self, *args, file, person, minority, unit, no_detect=False, **options):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件 {file}，请检查路径。") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试。") from exc
        persons = [Person(name) for name in person] + [
            Person(name, kind="minority") for name in minority
        ]
        result = anonymize(
            text,
            persons=persons,
            units=[Unit(name) for name in unit],
            options=Options(detect_unlisted=not no_detect),
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
