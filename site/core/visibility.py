"""Who may see what: the one place that decides.

Every page is public (公开), intranet (内部: any logged-in official) or restricted (限定: named
groups), expressed with Wagtail's own page privacy so editors use the native "隐私" dialog:

- no view restriction on the page or an ancestor  -> public
- a "login" restriction                           -> intranet
- a "groups" or "password" restriction            -> restricted

Every way out (page listings, home counts, search, feeds, the API, the sitemap, media files)
asks this module. Images and documents follow their collection's restrictions the same way.
"""

import contextvars

from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    ReferenceIndex,
)

from jingjian.core import groups, page_cache


class Visibility(models.TextChoices):
    PUBLIC = "public", "公开"
    INTRANET = "intranet", "内部"
    RESTRICTED = "restricted", "限定范围"


DEFAULT_RESTRICTED_GROUPS = [groups.DISCIPLINE]
ANONYMOUS = AnonymousUser()


def _is_authenticated(user):
    return user is not None and user.is_authenticated


def _user_passes(restriction, user, group_ids):
    """Whether ``user`` may see content behind ``restriction`` in listings, search and feeds.

    Password-protected pages are never listed, not even for superusers: serving them asks for
    the password (Wagtail's form), and a listing cannot know who has typed it."""
    if restriction.restriction_type == BaseViewRestriction.PASSWORD:
        return False
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == BaseViewRestriction.GROUPS:
        return any(group.pk in group_ids for group in restriction.groups.all())
    return False


def _user_group_ids(user):
    if not _is_authenticated(user) or user.pk is None:
        # An unsaved user (a command's stand-in superuser) belongs to no group.
        return set()
    memo = _request_roots.get()  # read once per GET request, like the restrictions (below)
    if memo is None:
        return set(user.groups.values_list("pk", flat=True))
    key = ("groups", user.pk)
    if key not in memo:
        memo[key] = frozenset(user.groups.values_list("pk", flat=True))
    return memo[key]


# --- the one resolution routine ----------------------------------------------------------------
#
# A page is covered by the restrictions on itself and its ancestors; a page that is an alias
# stands for its source page, so it is also covered by everything covering the source (the
# source's own restrictions and its ancestors', and, when the source is itself inside an alias,
# what covers that alias's source, and so on). Wagtail's own ``get_view_restrictions`` looks at
# the source page alone, not at its ancestors: an alias placed in a public section of a page
# kept in a restricted one would be public there. Here it is not.
#
# ``restriction_roots()`` turns that definition into subtrees: {path: restrictions covering
# every page whose path starts with it}. Both faces of the rule are read off it: the per-page
# answer (``restrictions_covering``, ``can_see_page``, ``index_fields``) and the queryset filter
# (``visible_pages``), so they cannot drift apart. The property test in
# tests/core/test_visibility_properties.py checks both against a direct recursive reading of
# the definition on random trees.


class RestrictionRoots(dict):
    """{subtree path: [restrictions covering that subtree]} (see ``restriction_roots``)."""

    def covering(self, path):
        """The restrictions covering the page at ``path`` (each once, in tree order)."""
        found = {}
        for prefix in _ancestor_paths(path):
            for restriction in self.get(prefix, ()):
                found.setdefault(restriction.pk, restriction)
        return list(found.values())


# A request that only reads (GET, HEAD) resolves the restrictions once, however many listings,
# badges and checks ask (``RestrictionRootsMiddleware``); any write to a restriction forgets the
# resolution at once (``forget_restriction_roots``, connected in ``CoreConfig.ready``).
_request_roots = contextvars.ContextVar("jingjian_restriction_roots", default=None)


class RestrictionRootsMiddleware:
    """Share one ``restriction_roots()`` among everything a GET or HEAD request asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_roots.set({})
        try:
            return self.get_response(request)
        finally:
            _request_roots.reset(token)


def forget_restriction_roots(**kwargs):
    """Drop the request's shared resolution (a restriction or a page's place changed)."""
    memo = _request_roots.get()
    if memo is not None:
        memo.clear()


def restriction_roots():
    """Every subtree some restriction covers, aliases resolved: three queries at most (none
    when the request has resolved them already, or this process has for the current content
    generation)."""
    memo = _request_roots.get()
    if memo is None:
        return _generation_roots()
    if "page" not in memo:
        memo["page"] = _generation_roots()
    return memo["page"]


# Across requests, a process keeps the last resolution under the page cache's *generation*
# (``page_cache``), the token replaced at once and again after commit by every write pages show
# — restrictions, their groups, pages saved, moved or deleted, aliases — which is everything a
# resolution reads. The generation is read *before* resolving, so a resolution is never older
# than its token; one made inside a transaction (whose writes may yet roll back) is never kept;
# when the cache cannot be read there is no generation and nothing is kept. Inside a transaction
# nothing kept is reused either: its own writes are newer than what another thread may have kept
# under the token those writes made. It is the rule the stored pages already live by: a
# resolution is reused exactly as long as a page stored with it would be.
_process_roots = (None, None)  # (generation, roots): replaced whole, so threads read a pair


def _generation_roots():
    global _process_roots
    if transaction.get_connection().in_atomic_block:
        # Neither kept nor reused: a write in this transaction replaced the generation at once,
        # and another thread may since have kept, under the new token, the committed state
        # without that write (routing does the same).
        return _resolve_restriction_roots()
    generation = page_cache.current_generation()
    if generation is not None and _process_roots[0] == generation:
        return _process_roots[1]
    roots = _resolve_restriction_roots()
    if generation is not None:
        _process_roots = (generation, roots)
    return roots


def forget_process_roots():
    """Drop this process's kept resolution (tests; a purge makes it a miss anyway)."""
    global _process_roots
    _process_roots = (None, None)


def _resolve_restriction_roots():
    # The page's path joined in, not the page loaded: building a Page (a modelcluster model
    # with many child relations) cost 0.4 ms per restriction, most of this routine's time.
    restrictions = list(
        PageViewRestriction.objects.annotate(page_path=models.F("page__path")).prefetch_related(
            "groups"
        )
    )
    roots = RestrictionRoots()
    if not restrictions:
        return roots
    for restriction in restrictions:
        roots.setdefault(restriction.page_path, []).append(restriction)
    # ``> 0`` rather than ``IS NOT NULL``, unordered: SQLite's statistics see a column that is
    # nearly all NULL as unselective and scanned the whole page table (7 ms at 12,000 pages);
    # a range is searched on the column's index.
    aliases = list(Page.objects.filter(alias_of__gt=0).order_by().values_list("path", "alias_of"))
    if not aliases:
        return roots
    source_paths = dict(
        Page.objects.filter(pk__in={source for _path, source in aliases}).values_list("pk", "path")
    )
    # As in Wagtail, an alias has no restrictions of its own (copying a page copies its
    # restriction rows; they are ignored): it is covered by what covers its source.
    for path, _source in aliases:
        roots.pop(path, None)
    # A fixed point: covering an alias can cover the source of another alias below it. Each pass
    # adds at least one restriction to some alias root, so it ends.
    changed = True
    while changed:
        changed = False
        for path, source in aliases:
            source_path = source_paths.get(source)
            if source_path is None:
                continue
            own = roots.get(path, [])
            known = {r.pk for r in own}
            extra = [r for r in roots.covering(source_path) if r.pk not in known]
            if extra:
                roots[path] = own + extra
                changed = True
    return roots


def restrictions_covering(page, roots=None):
    """The view restrictions that apply to ``page`` (aliases resolved, ancestors included)."""
    roots = restriction_roots() if roots is None else roots
    return roots.covering(page.path)


def hidden_q(user, roots=None):
    """A ``Q`` over pages matching everything ``user`` may not see (``None``: nothing hidden)."""
    roots = restriction_roots() if roots is None else roots
    group_ids = _user_group_ids(user)
    hidden = [
        path
        for path, restrictions in roots.items()
        if not all(_user_passes(r, user, group_ids) for r in restrictions)
    ]
    # A root inside another hidden root adds nothing.
    hidden.sort()
    kept = []
    for path in hidden:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    if not kept:
        return None
    q = models.Q()
    for path in kept:
        q |= models.Q(path__startswith=path)
    return q


def pages_covered_with(page):
    """Ids of every page whose covering restrictions include those of ``page``'s subtree: the
    subtree itself and, through aliases of pages in it, the aliases' subtrees (transitively).
    What must be re-indexed when a restriction on ``page`` changes or ``page`` moves."""
    paths = {page.path}
    while True:
        under = models.Q()
        for path in paths:
            under |= models.Q(path__startswith=path)
        sources = Page.objects.filter(under).values("pk")
        new = set(
            Page.objects.filter(alias_of__in=sources).exclude(under).values_list("path", flat=True)
        )
        if not new:
            return list(Page.objects.filter(under).values_list("pk", flat=True))
        paths |= new


def visible_pages(queryset, user=None):
    """Narrow a page queryset to what ``user`` (``None`` = an anonymous reader) may see."""
    hidden = hidden_q(user)
    return queryset.exclude(hidden) if hidden is not None else queryset


def public_pages(queryset):
    """What may leave the platform (feeds, channels): public content only, whoever asks."""
    return visible_pages(queryset, None)


def visibility_of(page, roots=None):
    """The visibility level of ``page``, taking its ancestors' restrictions into account (and
    those of the page an alias among them stands for, with that page's ancestors). Pass the
    ``roots`` of ``restriction_roots()`` to ask about many pages with the same few queries."""
    return _level_of(restrictions_covering(page, roots))


def can_see_page(page, user=None, roots=None):
    """Whether ``user`` may see ``page`` (the per-page face of ``visible_pages``). The reader's
    groups are read only when a group restriction covers the page (a query saved for the rest)."""
    restrictions = restrictions_covering(page, roots)
    if any(r.restriction_type == BaseViewRestriction.GROUPS for r in restrictions):
        group_ids = _user_group_ids(user)
    else:
        group_ids = frozenset()
    return all(_user_passes(r, user, group_ids) for r in restrictions)


def group_may_see(page, group, roots=None):
    """Whether every member of ``group`` may see ``page``, whatever other groups they are in:
    each restriction covering it asks only for a login or names ``group`` (a password is passed
    by nobody, as in listings)."""
    for restriction in restrictions_covering(page, roots):
        if restriction.restriction_type == BaseViewRestriction.LOGIN:
            continue
        if restriction.restriction_type == BaseViewRestriction.GROUPS and any(
            named.pk == group.pk for named in restriction.groups.all()
        ):
            continue
        return False
    return True


def _implies(narrower, restriction):
    """Whether everyone who passes every one of ``narrower`` (restrictions) passes
    ``restriction``. A password keeps out only those without it, so it narrows nothing here."""
    kept = [r for r in narrower if r.restriction_type != BaseViewRestriction.PASSWORD]
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return bool(kept)
    if restriction.restriction_type == BaseViewRestriction.GROUPS:
        allowed = {group.pk for group in restriction.groups.all()}
        return any(
            r.restriction_type == BaseViewRestriction.GROUPS
            and {group.pk for group in r.groups.all()} <= allowed
            for r in kept
        )
    # A password: only the same restriction (the same password page) is as narrow.
    return any(r.pk == restriction.pk for r in narrower)


def audience_within(page, other, roots=None):
    """Whether every reader who may see ``page`` may also see ``other`` (``page``'s audience is
    no wider than ``other``'s), read off the restrictions covering each. Sound, not complete:
    a ``True`` is a guarantee for every user (superusers see both), a ``False`` may be
    cautious (two group restrictions whose intersection would do are not combined)."""
    roots = restriction_roots() if roots is None else roots
    narrower = restrictions_covering(page, roots)
    return all(_implies(narrower, r) for r in restrictions_covering(other, roots))


@transaction.atomic
def set_visibility(page, visibility, groups=None):
    """Give ``page`` exactly one view restriction matching ``visibility``.

    ``groups`` (names) applies to restricted pages and defaults to 纪检监察. Unknown group names
    raise ``Group.DoesNotExist``.
    """
    visibility = Visibility(visibility)
    PageViewRestriction.objects.filter(page=page).delete()
    if visibility == Visibility.PUBLIC:
        return None
    if visibility == Visibility.INTRANET:
        return PageViewRestriction.objects.create(
            page=page, restriction_type=BaseViewRestriction.LOGIN
        )
    names = list(groups or DEFAULT_RESTRICTED_GROUPS)
    group_objects = [Group.objects.get(name=name) for name in names]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set(group_objects)
    return restriction


# --- images and documents -----------------------------------------------------------------
#
# An image or a document is covered by the restrictions on its collection and on the
# collection's ancestors (as in Wagtail's ``Collection.get_view_restrictions``). The same
# ``RestrictionRoots`` reading gives the per-object answer (``can_see_media``) and the queryset
# filter (``visible_media``); the media serving view, Wagtail's document view (through the
# ``before_serve_document`` hook) and the images and documents API ask them.


def collection_roots():
    """{collection path: [restrictions on that collection]}: one query (and one for groups),
    none when the request has read them already. Collections are a tree with the same path
    steps as pages, so ``covering`` reads it alike."""
    memo = _request_roots.get()
    if memo is None:
        return _resolve_collection_roots()
    if "collection" not in memo:
        memo["collection"] = _resolve_collection_roots()
    return memo["collection"]


def _resolve_collection_roots():
    roots = RestrictionRoots()
    restrictions = CollectionViewRestriction.objects.select_related("collection")
    for restriction in restrictions.prefetch_related("groups"):
        roots.setdefault(restriction.collection.path, []).append(restriction)
    return roots


def media_restrictions_covering(obj, roots=None):
    """The collection restrictions covering an image, rendition or document ``obj``."""
    obj = getattr(obj, "image", obj)  # a rendition stands for its image
    roots = collection_roots() if roots is None else roots
    return roots.covering(obj.collection.path)


def can_see_media(obj, user=None, roots=None):
    """Whether ``user`` may see the image, rendition or document ``obj`` (its file included).

    A password restriction is passed by nobody here: a file's address carries no password form
    (Wagtail's document view still offers its own form, see ``serving.document_refusal``)."""
    group_ids = _user_group_ids(user)
    return all(_user_passes(r, user, group_ids) for r in media_restrictions_covering(obj, roots))


def is_public_media(obj, roots=None):
    """Whether ``obj`` is covered by no restriction at all (its file may be cached anywhere)."""
    return not media_restrictions_covering(obj, roots)


def hidden_collections_q(user=None, roots=None):
    """A ``Q`` over collections whose media ``user`` may not see (``None``: nothing hidden)."""
    roots = collection_roots() if roots is None else roots
    group_ids = _user_group_ids(user)
    hidden = [
        path
        for path, restrictions in roots.items()
        if not all(_user_passes(r, user, group_ids) for r in restrictions)
    ]
    if not hidden:
        return None
    q = models.Q()
    for path in hidden:
        q |= models.Q(path__startswith=path)
    return q


def visible_collections(user=None):
    """Collections whose images and documents ``user`` may see."""
    hidden = hidden_collections_q(user)
    collections = Collection.objects.all()
    return collections.exclude(hidden) if hidden is not None else collections


def visible_media(queryset, user=None):
    """Narrow an image or document queryset to what ``user`` may see (``can_see_media``'s
    queryset face)."""
    hidden = hidden_collections_q(user)
    if hidden is None:
        return queryset
    return queryset.exclude(collection__in=Collection.objects.filter(hidden))


def media_in_use(queryset, user=None):
    """Narrow an image or document queryset to those a live page ``user`` may see uses (a
    foreign key, a chooser block or a rich-text link, as Wagtail's reference index records
    them). What the API lists: an image of an unpublished or hidden page is left out, and so
    is an image no page uses."""
    pages = visible_pages(Page.objects.live(), user).annotate(
        key=Cast("pk", output_field=models.CharField())
    )
    # Private API: Wagtail 8.0's ReferenceIndex._get_base_content_type
    # (pinned: tests/search/test_library_overrides.py).
    used = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=pages.values("key"),
        to_content_type=ReferenceIndex._get_base_content_type(queryset.model),
    ).values_list("to_object_id", flat=True)
    # A plain list of ids, not a subquery: the API's ``?search=`` hands this queryset to the
    # search backend, which can filter on ``id`` but cannot compile an ``Exists``.
    return queryset.filter(pk__in={int(pk) for pk in used if str(pk).isdigit()})


# Search indexes keep, per page, what ``index_fields`` says; the reader search filters on it
# with ``search_scope`` and loaded results are checked again with ``visible_pages``.


def index_fields(page):
    """What a search index stores about who may see ``page``: its level, and the ids of the
    group and password restrictions covering it (a reader must pass every one of them)."""
    return index_fields_many([page])[page.pk]


def _ancestor_paths(path):
    steplen = Page.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def index_fields_many(pages, roots=None):
    """``index_fields`` for many pages, by page id, in at most three queries whatever their
    number (objects with ``pk`` and ``path`` suffice)."""
    roots = restriction_roots() if roots is None else roots
    return {page.pk: _index_fields_of(roots.covering(page.path)) for page in pages}


def _level_of(restrictions):
    types = {r.restriction_type for r in restrictions}
    if not types:
        return Visibility.PUBLIC
    if types == {BaseViewRestriction.LOGIN}:
        return Visibility.INTRANET
    return Visibility.RESTRICTED


def _index_fields_of(restrictions):
    gated = sorted(
        {str(r.pk) for r in restrictions if r.restriction_type != BaseViewRestriction.LOGIN}
    )
    return {"visibility": str(_level_of(restrictions)), "restrictions": gated}


def search_scope(user=None):
    """What ``user`` may see, in the terms of ``index_fields``: the levels open to them and the
    ids of the group restrictions they pass (a page is theirs when every id in its
    ``restrictions`` is among these; password restrictions are passed by nobody)."""
    if not _is_authenticated(user):
        return {"levels": [Visibility.PUBLIC.value], "restrictions": []}
    group_ids = _user_group_ids(user)
    passed = [
        str(r.pk)
        for r in PageViewRestriction.objects.filter(
            restriction_type=BaseViewRestriction.GROUPS
        ).prefetch_related("groups")
        if _user_passes(r, user, group_ids)
    ]
    levels = [Visibility.PUBLIC.value, Visibility.INTRANET.value, Visibility.RESTRICTED.value]
    return {"levels": levels, "restrictions": sorted(passed)}
