from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CaseStudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = "警示案例"

    def ready(self):
        # Imported here: these modules use the models, which are ready only now.
        from casestudies import bulletins, channels, home, importing, publication, search, signals
        from casestudies.gate import AnonymizationGateError
        from casestudies.statistics import triggers
        from jingjian.core import admin_access, content_types

        content_types.register(
            content_types.ContentType(
                model="casestudies.CaseStudyPage",
                name="case",
                label="警示案例",
                withheld=publication.withheld,
                feed_related=("work_area",),
                home_section=home.home_section,
                home_order=20,
                channel_reading=channels.channel_reading,
                importer=importing.import_values,
                index_model="casestudies.CaseIndexPage",
                import_refusals=(AnonymizationGateError,),
                facets=search.FACETS,
                body_streams=search.BODY_STREAMS,
                searched=search.SEARCHED,
            )
        )
        content_types.register_taxonomy("casestudies.ProblemType", order=10)
        content_types.register_taxonomy("casestudies.UnitType", order=40)
        content_types.register_taxonomy("casestudies.GovernancePriority", order=50)
        signals.connect()
        # The register's triggers, back after any migration that rebuilt one of their tables.
        post_migrate.connect(
            triggers.after_migrate, sender=self, dispatch_uid="casestudies.register_triggers"
        )
        publication.connect()
        admin_access.register_hidden_pages(publication.hidden_drafts)
        admin_access.register_hidden_pages(bulletins.hidden_in_admin)
