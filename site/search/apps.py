from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Reader search (``/search/``), the search engines, their index and ``update_index``.

    Listed before ``wagtail.search`` in ``INSTALLED_APPS``, so its ``update_index`` is the one
    ``manage.py`` runs."""

    name = "jingjian.search"
    label = "jingjian_search"
    verbose_name = "站内搜索"

    def ready(self):
        # Imported here: the signal handlers use the models, which are ready only now.
        from jingjian.search import signals

        signals.connect()
