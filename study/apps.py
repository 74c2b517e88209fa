from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # In ready(): page_cache imports Django's models machinery indirectly through core.
        from jingjian.core import page_cache

        # A reader's marks, the lists and the units are shown on no stored page (the study
        # page and the mark's state are never cached): their writes must not purge the cache.
        page_cache.never_rendered(
            "study.studyrecord",
            "study.studylist",
            "study.studylistitem",
            "study.studylist_groups",
            "study.studylist_units",
            "study.unit",
            "study.officialprofile",
        )
