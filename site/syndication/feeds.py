"""Feeds per channel: RSS 2.0, Atom and JSON Feed 1.1 of the newest public content.

Only live exemplar and case-study pages that ``jingjian.core.visibility`` calls public are
listed, and a case study only while it passes the anonymization gate; newest first, 50 items.
An unknown or inactive channel is a 404. Links are on the public address
(``jingjian.core.public_address``).
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from jingjian.core import content_types, page_cache, visibility
from jingjian.core.public_address import public_url
from jingjian.syndication.models import Channel

FEED_SIZE = 50
_EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def channel_or_404(slug):
    channel = Channel.objects.filter(slug=slug, active=True).first()
    if channel is None:
        raise Http404("没有这个发布渠道，或渠道已停用。")
    return channel


def _published(page):
    return page.first_published_at or page.last_published_at or _EPOCH


def feed_items(limit=FEED_SIZE):
    """The newest ``limit`` live, public pages of every content type, newest first."""
    order = ("-first_published_at", "-pk")
    items = []
    for content_type in content_types.registered():
        pages = visibility.public_pages(content_type.page_model().objects.live())
        pages = pages.select_related(*content_type.feed_related).order_by(*order)
        # A page its content type holds back (a case whose case file later named a person in
        # its text) stays out.
        passing = []
        for page in pages.iterator(chunk_size=limit):
            if len(passing) >= limit:
                break
            if not content_types.withheld_reason(page):
                passing.append(page)
        items += passing
    items.sort(key=lambda page: (_published(page), page.pk), reverse=True)
    return items[:limit]


def _categories(page):
    """The entry's category: the name of the first relation its type's ``feed_related`` names
    that the page has (an exemplar's 类别, a case's 重点工作)."""
    content_type = content_types.of(page)
    for relation in content_type.feed_related if content_type else ():
        related = getattr(page, relation, None)
        if related is not None:
            return [related.name]
    return []


def _site_url():
    return public_url("/")


def _feed_url(channel, name):
    return public_url(f"/syndication/{channel.slug}/{name}")


class ChannelFeed(Feed):
    """RSS 2.0 of one channel's public content."""

    feed_type = Rss201rev2Feed
    file_name = "rss.xml"

    def get_object(self, request, slug):
        return channel_or_404(slug)

    def title(self, channel):
        return f"{channel.name} - 镜鉴"

    def link(self, channel):
        return _site_url()

    def feed_url(self, channel):
        return _feed_url(channel, self.file_name)

    def description(self, channel):
        return f"镜鉴：先进典型与警示案例（{channel.name}）"

    def author_name(self, channel):
        return channel.author or "镜鉴"

    def items(self, channel):
        return feed_items()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return public_url(item)

    def item_guid(self, item):
        return public_url(item)

    def item_pubdate(self, item):
        return _published(item)

    def item_updateddate(self, item):
        return item.last_published_at or _published(item)

    def item_categories(self, item):
        return _categories(item)


class ChannelAtomFeed(ChannelFeed):
    """Atom 1.0 of one channel's public content."""

    feed_type = Atom1Feed
    file_name = "atom.xml"

    def subtitle(self, channel):
        return self.description(channel)


# Public content only, the same for every reader: stored per address like a page.
channel_rss = page_cache.storable(ChannelFeed())
channel_atom = page_cache.storable(ChannelAtomFeed())


@page_cache.storable
def channel_json_feed(request, slug):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of one channel's public content."""
    channel = channel_or_404(slug)
    items = []
    for page in feed_items():
        url = public_url(page)
        item = {
            "id": url,
            "url": url,
            "title": page.title,
            "content_text": page.summary,
            "summary": page.summary,
            "date_published": _published(page).isoformat(),
        }
        if page.last_published_at:
            item["date_modified"] = page.last_published_at.isoformat()
        if _categories(page):
            item["tags"] = _categories(page)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{channel.name} - 镜鉴",
        "home_page_url": _site_url(),
        "feed_url": _feed_url(channel, "feed.json"),
        "description": f"镜鉴：先进典型与警示案例（{channel.name}）",
        "language": "zh-CN",
        "authors": [{"name": channel.author or "镜鉴"}],
        "items": items,
    }
    return JsonResponse(
        feed,
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
