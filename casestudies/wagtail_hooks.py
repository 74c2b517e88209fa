"""Admin registration of case files (案卷), their audit-log actions and their dashboard panel."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from casestudies import admin_home, audit, bulletin_review
from casestudies.bulletin_views import BulletinViewSet
from casestudies.models import BulletinPage, CaseFile
from casestudies.views import CaseFilePermissionPolicy, CaseFileViewSet
from jingjian.core.groups import in_discipline_group

register_permission_policy(CaseFile, CaseFilePermissionPolicy(CaseFile))
hooks.register("construct_homepage_panels", admin_home.homepage_panels)
hooks.register("construct_homepage_panels", bulletin_review.homepage_panels)


@hooks.register("register_admin_viewset")
def register_case_files():
    return CaseFileViewSet()


class SeenFormatter(LogFormatter):
    """“查看了案卷（脱敏审核页）”: where the case file was shown, and the format of an export."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        where = "，".join(
            str(part)
            for part in (data.get("what"), data.get("document"), data.get("format"))
            if part
        )
        return f"{self.message}（{where}）" if where else self.message


@hooks.register("register_admin_viewset")
def register_bulletins():
    return BulletinViewSet()


@hooks.register("register_page_header_buttons")
def bulletin_picker_button(page, user, view_name, next_url=None):
    """挑选案例 on a bulletin's edit page, for 纪检监察."""
    if page.specific_class is BulletinPage and in_discipline_group(user):
        yield Button("挑选案例", reverse("bulletins:pick", args=[page.pk]), priority=12)


@hooks.register("register_log_actions")
def case_file_log_actions(actions):
    @actions.register_action(audit.VIEW)
    class ViewFormatter(SeenFormatter):
        label = "查看案卷"
        message = "查看了案卷"

    @actions.register_action(audit.LIST)
    class ListFormatter(SeenFormatter):
        label = "列出案卷"
        message = "在列表中显示了案卷"

    @actions.register_action(audit.EXPORT)
    class ExportFormatter(SeenFormatter):
        label = "导出案卷"
        message = "导出了含本案卷的表格"

    actions.register_action("jingjian.casefile.review", "脱敏审核", "审核了疑似姓名")
    actions.register_action("jingjian.casefile.generate", "生成脱敏稿", "生成或更新了脱敏稿")
    actions.register_action("jingjian.casefile.import", "导入台账", "由台账导入或更新了案卷")
    actions.register_action(
        "jingjian.gate.refused", "脱敏检查拒绝发布", "定时发布未通过脱敏检查，已取消"
    )
    actions.register_action(
        "jingjian.bulletin.refused",
        "通报定时发布被拒绝",
        "定时发布时通报所收案例不符合规则，已取消",
    )
    actions.register_action(
        "jingjian.gate.withdrawn", "脱敏检查撤下", "案卷变更后未通过脱敏检查，已自动撤下"
    )
