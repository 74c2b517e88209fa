import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from jingjian.core import health, media, routing
from jingjian.core.api import api_router
from jingjian.core.sitemap import sitemap
from jingjian.search import views as search_views
from jingjian.security import urls as security_urls
from jingjian.syndication import feeds

urlpatterns = [
    # Throttled password forms, before Wagtail's own at the same addresses.
    *security_urls.password_forms,
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document address, served through our guard first (same path, same reverse()).
    path("documents/<int:document_id>/<str:document_filename>", media.serve_document),
    path("documents/", include(wagtaildocs_urls)),
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media.serve_media),
    path("healthz/", health.healthz, name="healthz"),
    path("search/", search_views.search, name="search"),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    # The intranet statistics page (统计): by name, the feature app's own URLs.
    path("statistics/", include("casestudies.statistics.urls")),
    # 我的学习 and the study mark's JSON (the feature app's own URLs, by name).
    path("study/", include("study.urls")),
    path("syndication/<str:slug>/rss.xml", feeds.channel_rss, name="syndication_rss"),
    path("syndication/<str:slug>/atom.xml", feeds.channel_atom, name="syndication_atom"),
    path("syndication/<str:slug>/feed.json", feeds.channel_json_feed, name="syndication_json_feed"),
    path(
        "accounts/login/",
        # Django's login view puts the host (no django.contrib.sites) in ``site_name``, over
        # the site's name the base template's title reads.
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            extra_context={"site_name": settings.WAGTAIL_SITE_NAME},
        ),
        name="login",
    ),
    # POST only (Django's LogoutView answers GET with 405, so a link or an image elsewhere
    # cannot sign a reader out); then redirected, so a reload does not post again.
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="logged_out"), name="logout"),
    path(
        "accounts/logged-out/",
        TemplateView.as_view(template_name="registration/logged_out.html"),
        name="logged_out",
    ),
]

if settings.BENCH_TRIVIAL_VIEW:
    # bench/load.py's yardstick: the least a request through our middleware can cost.
    urlpatterns.append(path("bench/trivial/", lambda request: HttpResponse("ok")))

urlpatterns += [
    # Wagtail's own addresses (its front-end login, page passwords), then its page view with
    # the route each process keeps per content generation (routing) in place of Wagtail's, at
    # the same expression and name (reverse() is unchanged).
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]
