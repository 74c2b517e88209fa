from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "jingjian.syndication"
    label = "syndication"
    verbose_name = "渠道分发"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Here, not at the top: signals imports the models, which need the app registry ready.
        from jingjian.syndication import checks, signals  # noqa: F401 (checks register themselves)

        signals.connect()
