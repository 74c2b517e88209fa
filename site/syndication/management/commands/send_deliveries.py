"""Send every delivery that is due: new, due for a retry, or left half-sent by a dead worker.

Run it from cron every minute (or after restarting the worker); it is safe to run alongside
the worker, since each delivery is claimed by one process only.
"""

import json

from django.core.management.base import BaseCommand

from jingjian.syndication.delivery import send_due


class Command(BaseCommand):
    help = "发送所有到期的渠道投递（新投递、到期重试、worker 中断时未完成的投递）。"

    def handle(self, *args, **options):
        counts = send_due()
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
