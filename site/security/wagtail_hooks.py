"""设置 → 登录锁定, for superusers."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from jingjian.security import views


@hooks.register("register_admin_urls")
def lockout_urls():
    return [
        path("login-lockouts/", views.LockoutIndexView.as_view(), name="security_lockouts"),
        path("login-lockouts/<int:pk>/unlock/", views.unlock, name="security_unlock"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def lockout_menu_item():
    return SuperuserMenuItem(
        "登录锁定",
        reverse("security_lockouts"),
        name="login-lockouts",
        icon_name="lock",
        order=900,
    )
