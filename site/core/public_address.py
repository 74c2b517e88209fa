"""The site's public address: every full link handed out (API, feeds, sitemap, syndication
payloads, WeChat 阅读原文, Weibo links) is built here.

The address is the Wagtail ``Site``'s (管理后台 → 设置 → 站点; ``load_demo_content --site URL``
sets the default one, ``make run`` passes ``http://HOST:PORT``), the same address Wagtail puts
in front of a page's own URL. ``PUBLIC_BASE_URL``, when set, replaces it for deployments whose
public address is not one a ``Site`` can hold or not the one the server answers on (a reverse
proxy, a path prefix). Neither ``WAGTAILAPI_BASE_URL`` nor the host a request came in on is used.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from wagtail.models import Site


def _origin(site_root_url):
    """``PUBLIC_BASE_URL`` if set, else ``site_root_url``; without a trailing slash."""
    return (settings.PUBLIC_BASE_URL or site_root_url or "").rstrip("/")


def public_base_url():
    """The public site's address without a trailing slash, e.g. ``https://www.jianhu.gov.cn``."""
    if settings.PUBLIC_BASE_URL:
        return _origin("")
    # Wagtail's cached list of site addresses (cleared when a Site is saved): no query for the
    # usual single site; with several, the default site's.
    root_paths = Site.get_site_root_paths()
    if len(root_paths) == 1:
        return _origin(root_paths[0].root_url)
    site = Site.objects.filter(is_default_site=True).first()
    return _origin(site.root_url if site else "")


def public_url(target):
    """The full public address of ``target``: a page, a path such as ``/media/…``, or a full URL
    Wagtail built on a Site's address. A page with no address yet (an unsaved preview) gets the
    site's home page."""
    if isinstance(target, str):
        if target.startswith(("http://", "https://")):
            if not settings.PUBLIC_BASE_URL:
                return target  # already on the Site's address
            _scheme, _netloc, path, query, fragment = urlsplit(target)
            return _origin("") + urlunsplit(("", "", path, query, fragment))
        return public_base_url() + target if target.startswith("/") else target
    parts = target.get_url_parts() if getattr(target, "url_path", "") else None
    if not parts or parts[2] is None:
        return public_base_url() + "/"
    _site_id, root_url, path = parts
    return _origin(root_url) + path
