"""Ask the anonymization gate again about every case study made from a case file.

Run once after upgrading (drafts made before the gate's answers were stored are hidden from
everyone outside 纪检监察 until they are checked), or whenever the gate's rules change. A live
case study that no longer passes is taken down, as a change to its case file would."""

from django.core.management.base import BaseCommand

from casestudies.models import CaseFile
from casestudies.publication import recheck


class Command(BaseCommand):
    help = "对每个案卷的警示案例重新进行脱敏检查；已发布但未通过的案例会被撤下。"

    def handle(self, *args, **options):
        checked = withdrawn = 0
        for case_file in CaseFile.objects.iterator():
            taken_down = recheck(case_file)
            checked += 1
            withdrawn += len(taken_down)
            for page, problems in taken_down:
                self.stdout.write(
                    f"已撤下：{page.title}（案卷 {case_file.number}，{len(problems)} 处问题）"
                )
        self.stdout.write(f"已检查 {checked} 个案卷，撤下 {withdrawn} 篇警示案例。")
