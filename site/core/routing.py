"""Finding the page for an address without walking the tree on every request.

Wagtail finds the page behind an address by walking the tree from the site's root: a query for
the site, then one per level for the child with the next slug and one for its specific type,
about half of what a page the page cache does not hold costs. The walk's answer depends only on
the site (host and port), the address and the tree — slugs, places, aliases, what is live —
and every write that changes those replaces the page cache's *generation* (``page_cache``:
pages saved, published, unpublished, moved or deleted, sites saved). So each process keeps, for
the current generation, the site of each host and port and, for each address a walk led to a
page, that page and the part of the address left to the page's own routes (a listing's
``feed/``, a bulletin's ``print/``). A kept address costs one query, for the page itself, whose
own ``route`` then answers exactly as at the end of Wagtail's walk (a page that is no longer
live still gives 404).

As with the kept restrictions (``visibility``): the generation is read before walking, so
nothing kept is older than its token; nothing is kept from inside a transaction or when the
cache cannot be read; addresses that lead nowhere are not kept, and at most ``MAX_ROUTES`` are
(and ``MAX_SITES`` host names).
Who may see the page is decided afterwards on every request, as before (``serving.guard``).
"""

import copy

from django.db import transaction
from django.http import Http404
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from jingjian.core import page_cache

MAX_ROUTES = 5000
# A site is kept per host name and port asked; an allowed wildcard (".example.org") accepts names
# without end, each falling back to the default site: past this many, they are found afresh.
MAX_SITES = 100

_kept = (None, {}, {})  # (generation, {(host, port): site}, {(site id, path): route})


def _memo():
    """This generation's (sites, routes), or ``None`` when nothing may be kept or reused."""
    global _kept
    generation = page_cache.current_generation()
    if generation is None or transaction.get_connection().in_atomic_block:
        return None
    if _kept[0] != generation:
        _kept = (generation, {}, {})
    return _kept[1], _kept[2]


def forget():
    """Drop what this process kept (tests; a new generation makes it a miss anyway)."""
    global _kept
    _kept = (None, {}, {})


def _components(path):
    return [component for component in path.split("/") if component]


def _site(request, sites):
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    kept = sites.get(key)
    if kept is None:
        site = Site.find_for_request(request)
        if site is not None and len(sites) < MAX_SITES:
            sites[key] = copy.copy(site)
            sites[key]._state.fields_cache = {}
        return site
    site = copy.copy(kept)  # each request its own instance: nothing it caches is shared
    site._state.fields_cache = {}
    request._wagtail_site = site
    return site


def _kept_route(request, path, site, routes):
    """Route ``path`` from the kept page, as the end of Wagtail's walk would; ``False`` when
    nothing usable is kept."""
    kept = routes.get((site.pk, path))
    if kept is None:
        return False
    page_id, model, remaining = kept
    pages = model.objects.filter(pk=page_id)
    related = getattr(model, "serve_select_related", ())
    if related:  # what the page's template shows of its foreign keys, in the same query
        pages = pages.select_related(*related)
    page = pages.first()
    if page is None:
        return False
    try:
        return page.route(request, list(remaining))
    except Http404:
        return None


def _keep(request, path, site, routes, result):
    """Remember where the walk for ``path`` ended: the page, and the components it routes
    itself. Only when the page's own address is what the walk consumed."""
    if result is None or len(routes) >= MAX_ROUTES:
        return
    page = result[0]
    root_path = site.root_page.url_path
    if not page.url_path.startswith(root_path):
        return
    own = _components(page.url_path[len(root_path) :])
    asked = _components(path)
    if asked[: len(own)] != own:
        return
    routes[(site.pk, path)] = (page.pk, type(page), tuple(asked[len(own) :]))


def route(request, path):
    """What ``Page.route_for_request`` answers, from what this process kept where it can;
    sets the request's route for Wagtail's view, as Wagtail does."""
    memo = _memo()
    if memo is None or hasattr(request, "_wagtail_route_for_request"):
        return Page.route_for_request(request, path)
    sites, routes = memo
    site = _site(request, sites)
    if site is None:
        return Page.route_for_request(request, path)
    result = _kept_route(request, path, site, routes)
    if result is not False:
        request._wagtail_route_for_request = result
        return result
    result = Page.route_for_request(request, path)
    _keep(request, path, site, routes, result)
    return result


def serve(request, path):
    """Wagtail's page view, with the route found here first."""
    route(request, path)
    return wagtail_views.serve(request, path)
