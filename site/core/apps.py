from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jingjian.core"
    label = "core"
    verbose_name = "站点基础"

    def ready(self):
        from jingjian.core import signals

        signals.connect()
