"""Who may see what: the one place that decides.

Every page is public (公开), intranet (内部: any logged-in official) or restricted (限定: named
groups), expressed with Wagtail's own page privacy so editors use the native "隐私" dialog:

- no view restriction on the page or an ancestor  -> public
- a "login" restriction                           -> intranet
- a "groups" or "password" restriction            -> restricted

Every way out (page listings, home counts, search, feeds, the API, the sitemap) asks this module.
Serving a single page is guarded by Wagtail itself, using the same restrictions.
"""

from django.contrib.auth.models import AnonymousUser, Group
from django.db import models, transaction
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
)


class Visibility(models.TextChoices):
    PUBLIC = "public", "公开"
    INTRANET = "intranet", "内部"
    RESTRICTED = "restricted", "限定范围"


DEFAULT_RESTRICTED_GROUPS = ["纪检监察"]
ANONYMOUS = AnonymousUser()


def _is_authenticated(user):
    return user is not None and user.is_authenticated


def _user_passes(restriction, user, group_ids):
    """Whether ``user`` may see content behind ``restriction`` (sessions and passwords aside)."""
    if not _is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == BaseViewRestriction.GROUPS:
        return any(group.pk in group_ids for group in restriction.groups.all())
    # Password-protected pages are treated as restricted: they never appear in listings.
    return False


def _user_group_ids(user):
    if not _is_authenticated(user):
        return set()
    return set(user.groups.values_list("pk", flat=True))


def visible_pages(queryset, user=None):
    """Narrow a page queryset to what ``user`` (``None`` = an anonymous reader) may see."""
    if not _is_authenticated(user):
        return queryset.public()
    if user.is_superuser:
        return queryset
    group_ids = _user_group_ids(user)
    hidden = models.Q()
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not _user_passes(restriction, user, group_ids):
            hidden |= Page.objects.descendant_of_q(restriction.page, inclusive=True)
    return queryset.exclude(hidden) if hidden else queryset


def public_pages(queryset):
    """What may leave the platform (feeds, channels): public content only, whoever asks."""
    return visible_pages(queryset, None)


def visibility_of(page):
    """The visibility level of ``page``, taking its ancestors' restrictions into account (and,
    as Wagtail does for aliases, those of the page an alias among them stands for)."""
    return Visibility(index_fields(page)["visibility"])


def can_see_page(page, user=None):
    """Whether ``user`` may see ``page`` (used for single objects outside Wagtail's serve)."""
    group_ids = _user_group_ids(user)
    return all(_user_passes(r, user, group_ids) for r in page.get_view_restrictions())


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


def visible_collections(user=None):
    """Collections whose images and documents ``user`` may list (API, choosers on the site)."""
    collections = Collection.objects.all()
    group_ids = _user_group_ids(user)
    hidden = models.Q()
    restrictions = CollectionViewRestriction.objects.select_related("collection")
    for restriction in restrictions.prefetch_related("groups"):
        if not _user_passes(restriction, user, group_ids):
            hidden |= models.Q(
                path__startswith=restriction.collection.path,
                depth__gte=restriction.collection.depth,
            )
    return collections.exclude(hidden) if hidden else collections


def visible_media(queryset, user=None):
    """Narrow an image or document queryset to collections ``user`` may see."""
    return queryset.filter(collection__in=visible_collections(user))


# Search indexes keep, per page, what these two functions say; the reader search filters on it
# and loaded results are checked again with ``visible_pages``.


def index_fields(page):
    """What a search index stores about who may see ``page``: its level and, when restricted,
    the ids of groups whose members may see it (conservative when restrictions stack)."""
    return index_fields_many([page])[page.pk]


def _ancestor_paths(path):
    steplen = Page.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def index_fields_many(pages):
    """``index_fields`` for many pages, by page id, in three queries whatever their number.

    The restrictions applying to a page are those on the page or an ancestor, where a page
    that is an alias stands for its source page (as in Wagtail's ``get_view_restrictions``)."""
    restrictions = list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )
    if not restrictions:
        return {page.pk: {"visibility": str(Visibility.PUBLIC), "groups": []} for page in pages}
    by_path, by_page_id = {}, {}
    for restriction in restrictions:
        by_path.setdefault(restriction.page.path, []).append(restriction)
        by_page_id.setdefault(restriction.page_id, []).append(restriction)
    paths = {path for page in pages for path in _ancestor_paths(page.path)}
    # Aliases among the pages and their ancestors, and the sources they stand for.
    alias_of = dict(
        Page.objects.filter(path__in=paths, alias_of__isnull=False).values_list("path", "alias_of")
    )
    source_aliases = dict(
        Page.objects.filter(pk__in=set(alias_of.values()), alias_of__isnull=False).values_list(
            "pk", "alias_of"
        )
    )

    def source_of(pk):
        seen = set()
        while pk in source_aliases and pk not in seen:
            seen.add(pk)
            pk = source_aliases[pk]
        return pk

    found = {}
    for page in pages:
        applying = []
        for path in _ancestor_paths(page.path):
            if path in alias_of:
                applying += by_page_id.get(source_of(alias_of[path]), [])
            else:
                applying += by_path.get(path, [])
        found[page.pk] = _index_fields_of(applying)
    return found


def _level_of(restrictions):
    types = {r.restriction_type for r in restrictions}
    if not types:
        return Visibility.PUBLIC
    if types == {BaseViewRestriction.LOGIN}:
        return Visibility.INTRANET
    return Visibility.RESTRICTED


def _index_fields_of(restrictions):
    groups = None
    for restriction in restrictions:
        if restriction.restriction_type == BaseViewRestriction.GROUPS:
            ids = {str(g.pk) for g in restriction.groups.all()}
            groups = ids if groups is None else groups & ids
        elif restriction.restriction_type == BaseViewRestriction.PASSWORD:
            groups = set()
    return {"visibility": str(_level_of(restrictions)), "groups": sorted(groups or [])}


def search_scope(user=None):
    """What ``user`` may see, in the terms of ``index_fields``: ``None`` means everything."""
    if not _is_authenticated(user):
        return {"levels": [Visibility.PUBLIC.value], "groups": []}
    if user.is_superuser:
        return None
    return {
        "levels": [Visibility.PUBLIC.value, Visibility.INTRANET.value],
        "groups": sorted(str(pk) for pk in _user_group_ids(user)),
    }
