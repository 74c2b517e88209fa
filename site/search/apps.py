from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Reader search (``/search/``), the search engines, their index and ``update_index``.

    Listed before ``wagtail.search`` in ``INSTALLED_APPS``, so its ``update_index`` is the one
    ``manage.py`` runs."""

    name = "jingjian.search"
    label = "jingjian_search"
    verbose_name = "站内搜索"

    def ready(self):
        # In ready(): signals imports wagtail.models, which raises AppRegistryNotReady while
        # the app registry is still loading.
        from jingjian.search import signals

        signals.connect()
