"""A third content type written as one app, to prove the site needs no change for it.

警示片 (warning films) are what a district would add next. This app declares the type in
``ready()`` as any feature app does: its facets, what search reads, what channels get. The
tests in ``tests/films/`` find it in search, list and filter it, follow it in feeds and deliver
it to a channel, with nothing under ``site/`` knowing it exists.
"""

from django.apps import AppConfig


class FilmsConfig(AppConfig):
    name = "tests.films"
    label = "films"
    verbose_name = "警示片(测试用内容类型)"

    def ready(self):
        from jingjian.core import content_types
        from tests.films import declarations

        content_types.register(
            content_types.ContentType(
                model="films.FilmPage",
                name="film",
                label="警示片",
                feed_related=(),
                channel_reading=declarations.channel_reading,
                index_model="films.FilmIndexPage",
                facets=declarations.FACETS,
                body_streams=("body",),
                searched=("producer",),
            )
        )
