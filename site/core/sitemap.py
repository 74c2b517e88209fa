"""sitemap.xml lists public pages only."""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from jingjian.core import visibility


class PublicSitemap(Sitemap):
    def items(self):
        # The site's live pages as the visibility module sees them (Wagtail's ``public()``
        # reads restrictions differently for aliases).
        root = self.get_wagtail_site().root_page
        pages = Page.objects.live().descendant_of(root, inclusive=True).order_by("path")
        return visibility.public_pages(pages).defer_streamfields().specific()


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
