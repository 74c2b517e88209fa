"""Who saw which case file: every view and every export of named material is in the audit log.

Case files (案卷) hold real names. Each screen that shows one, or lists them, writes an entry in
Wagtail's audit log (``ModelLogEntry``) on each case file it showed, with the user; the entries
appear in the case file's 历史 and in Wagtail's 网站历史记录 report (纪检监察 and superusers only,
as the case files), labelled by ``casestudies.wagtail_hooks``:

- ``VIEW`` (查看案卷): one case file opened — its edit page, delete confirmation, history, usage,
  脱敏审核 screen, or a document downloaded; ``data["what"]`` says which;
- ``LIST`` (列出案卷): a case file shown in a list — the 案卷 list (each page of it, searches and
  filters too) and the dashboard's 案卷待办;
- ``EXPORT`` (导出案卷): a case file in an exported spreadsheet of the list (``data["format"]``).

A list or an export writes its entries in one statement, sharing one ``uuid`` per request (as
Wagtail groups the entries of one action).
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import ModelLogEntry

VIEW = "jingjian.casefile.view"
LIST = "jingjian.casefile.list"
EXPORT = "jingjian.casefile.export"


def log_view(case_file, user, what, **data):
    """One case file shown to ``user`` (``what``: which screen, in Chinese)."""
    log(instance=case_file, action=VIEW, user=user, data={"what": what, **data})


def log_seen(case_files, user, action, what, **data):
    """Each of ``case_files`` shown to ``user`` in a list or an export; returns how many."""
    case_files = list(case_files)
    if not case_files:
        return 0
    content_type = ContentType.objects.get_for_model(case_files[0], for_concrete_model=False)
    request_uuid = get_active_log_context().uuid or uuid.uuid4()
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(case_file.pk),
            label=str(case_file),
            action=action,
            user=user,
            uuid=request_uuid,
            timestamp=now,
            data={"what": what, **data},
        )
        for case_file in case_files
    )
    return len(case_files)
