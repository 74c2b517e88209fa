from django.apps import AppConfig


class ExemplarsConfig(AppConfig):
    name = "exemplars"
    verbose_name = "先进典型"

    def ready(self):
        # In ready(): channels, home, importing and search import exemplars.models, and
        # content_types imports wagtail.models (through visibility); models raise
        # AppRegistryNotReady while the app registry is still loading.
        from exemplars import channels, home, importing, search
        from jingjian.core import content_types

        content_types.register(
            content_types.ContentType(
                model="exemplars.ExemplarPage",
                name="exemplar",
                label="先进典型",
                feed_related=("category",),
                home_section=home.home_section,
                home_order=10,
                channel_reading=channels.channel_reading,
                importer=importing.import_values,
                index_model="exemplars.ExemplarIndexPage",
                facets=search.FACETS,
                listing_filters=search.LISTING_FILTERS,
                body_streams=search.BODY_STREAMS,
                searched=search.SEARCHED,
            )
        )
        content_types.register_taxonomy("exemplars.ExemplarCategory", order=30)
