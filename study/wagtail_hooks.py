"""The admin's 学习 menu and the audit-log action of the completion report's export."""

from wagtail import hooks

from study.admin_views import EXPORT, StudyMenu


@hooks.register("register_admin_viewset")
def register_study_menu():
    return StudyMenu()


@hooks.register("register_log_actions")
def study_log_actions(actions):
    actions.register_action(EXPORT, "导出学习完成情况", "导出了学习完成情况（.xlsx）")
