"""sitemap.xml lists public pages only."""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from wagtail.contrib.sitemaps import Sitemap

from jingjian.core import visibility


class PublicSitemap(Sitemap):
    def items(self):
        return visibility.public_pages(super().items())


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
