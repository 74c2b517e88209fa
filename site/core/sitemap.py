"""sitemap.xml lists public pages only, on the public address."""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from jingjian.core import page_cache, visibility
from jingjian.core.public_address import public_url


class PublicSitemap(Sitemap):
    def items(self):
        # The site's live pages as the visibility module sees them (Wagtail's ``public()``
        # reads restrictions differently for aliases).
        root = self.get_wagtail_site().root_page
        pages = Page.objects.live().descendant_of(root, inclusive=True).order_by("path")
        return visibility.public_pages(pages).defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        # Wagtail's own ``_urls`` asks each page for its sitemap entries, on its Site's address.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = public_url(url["location"])
        return urls


@page_cache.storable
def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
