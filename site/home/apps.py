from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "jingjian.home"
    label = "home"
    verbose_name = "首页"
