"""sitemap.xml lists public pages only, on the public address."""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from wagtail.contrib.sitemaps import Sitemap

from jingjian.core import visibility
from jingjian.core.public_address import public_url


class PublicSitemap(Sitemap):
    def items(self):
        return visibility.public_pages(super().items())

    def _urls(self, page, protocol, domain):
        # Wagtail's own ``_urls`` asks each page for its sitemap entries, on its Site's address.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = public_url(url["location"])
        return urls


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
