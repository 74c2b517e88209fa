from django.apps import AppConfig


class CaseStudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = "警示案例"

    def ready(self):
        from casestudies import signals

        signals.connect()
