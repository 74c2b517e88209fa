"""统计要览 on the admin dashboard for staff, and 案卷待办 for 纪检监察 (and superusers) only.

Three lists, each with a link to the case file's 脱敏审核 screen where the work is done:

- case files with candidate names nobody has decided on (``review.pending_counts``);
- case files whose live case study the gate took down after the file changed
  (``publication.WITHDRAWN`` in the case file's audit log), while the study is still down;
- case files whose draft must be generated again (``drafts.draft_state``).

Case files are named material: for anyone outside 纪检监察 the panel renders nothing and asks
nothing (``in_discipline_group`` before any query); the files it shows are logged as listed
(``casestudies.audit``). A fixed number of queries: the case files
with what the lists read prefetched, the withdrawals and the pages they name.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import ModelLogEntry, Page

from casestudies import audit
from casestudies.drafts import draft_state, with_draft_inputs
from casestudies.models import CaseFile
from casestudies.publication import WITHDRAWN
from casestudies.review import pending_counts
from jingjian.core.groups import in_discipline_group

LIMIT = 10
# Withdrawals looked at: the latest of them (a page taken down twice counts once).
WITHDRAWALS_READ = 100


def _review_url(case_file):
    return reverse("casefiles:review", args=[case_file.pk])


def _withdrawn(case_files):
    """(case file, page, entry) for each case study the gate took down that is still down,
    latest first."""
    entries = list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CaseFile), action=WITHDRAWN
        ).order_by("-timestamp", "-pk")[:WITHDRAWALS_READ]
    )
    page_ids = {entry.data.get("page") for entry in entries} - {None}
    pages = Page.objects.only(
        "pk", "title", "draft_title", "live", "last_published_at", "content_type"
    ).in_bulk(page_ids)
    found, seen = [], set()
    for entry in entries:
        page = pages.get(entry.data.get("page"))
        case_file = case_files.get(int(entry.object_id))
        if page is None or case_file is None or page.pk in seen:
            continue
        seen.add(page.pk)
        republished = page.last_published_at and page.last_published_at > entry.timestamp
        if not page.live and not republished:
            found.append((case_file, page, entry))
    return found


class CaseFileTasksPanel(Component):
    name = "jingjian_case_file_tasks"
    template_name = "casestudies/admin/home_case_files.html"
    order = 105  # after 待我审核, before 我的草稿

    def render_html(self, parent_context=None):
        if not in_discipline_group(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        case_files = list(with_draft_inputs(CaseFile.objects.order_by("-updated_at", "-pk")))
        counts = pending_counts(case_files)
        pending = [
            {"case_file": cf, "count": counts[cf.pk], "url": _review_url(cf)}
            for cf in case_files
            if counts[cf.pk]
        ]
        withdrawn = [
            {
                "case_file": case_file,
                "page": page,
                "when": entry.timestamp,
                "count": len(entry.data.get("problems", [])),
                "url": _review_url(case_file),
                "page_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            }
            for case_file, page, entry in _withdrawn({cf.pk: cf for cf in case_files})
        ]
        stale = []
        for case_file in case_files:
            study = case_file.draft_study()
            state = draft_state(case_file, study) if study is not None else None
            if state is not None and state.code == "stale":
                stale.append(
                    {"case_file": case_file, "state": state, "url": _review_url(case_file)}
                )
        shown = {
            row["case_file"].pk: row["case_file"]
            for rows in (pending[:LIMIT], withdrawn[:LIMIT], stale[:LIMIT])
            for row in rows
        }
        audit.log_seen(shown.values(), parent_context["request"].user, audit.LIST, "后台首页待办")
        return {
            "sections": [
                {
                    "id": "pending",
                    "heading": "疑似姓名待确认",
                    "rows": pending[:LIMIT],
                    "total": len(pending),
                },
                {
                    "id": "withdrawn",
                    "heading": "已被脱敏检查撤下的警示案例",
                    "rows": withdrawn[:LIMIT],
                    "total": len(withdrawn),
                },
                {
                    "id": "stale",
                    "heading": "脱敏稿需要重新生成",
                    "rows": stale[:LIMIT],
                    "total": len(stale),
                },
            ],
            "anything": bool(pending or withdrawn or stale),
            "index_url": reverse("casefiles:index"),
        }


class StatisticsPanel(Component):
    """统计要览: this year's headline figures at the viewer's level (exact for 纪检监察, small
    numbers hidden for other staff), with the way to the statistics page."""

    name = "jingjian_statistics"
    template_name = "casestudies/admin/home_statistics.html"
    order = 90  # first: what the district has done this year

    def get_context_data(self, parent_context):
        # Here, not at the top: the statistics package reads the register's models.
        from casestudies import statistics
        from casestudies.statistics.views import read_period

        level = statistics.level_for(parent_context["request"].user)
        period = read_period({}, level=level)
        return {
            "period": period,
            "headline": statistics.headline(period, level=level),
            "exact": level is statistics.Level.EXACT,
            "page_url": reverse("statistics:page"),
        }


def homepage_panels(request, panels):
    """``construct_homepage_panels``: 统计要览 for staff; 案卷待办 (it shows itself to 纪检监察
    only)."""
    panels.append(StatisticsPanel())
    panels.append(CaseFileTasksPanel())
