"""Whole-page cache that never crosses a visibility line.

What is stored: Wagtail pages (through ``serving.guard``) and the views marked ``@storable``
(search, sitemap, channel feeds), for GET requests of readers without admin access. Editors,
superusers, the admin, the login pages, POSTs and anything a view marks private are never
stored. A response is stored under a key made of the full address (scheme, host, path, sorted
query string) and the reader's *scope*:

- ``anonymous``: no session (or an empty one); served without touching the database;
- ``groups:<ids>``: a logged-in reader with exactly these groups. Who may see what depends on
  nothing else for someone without admin access (``visibility._user_passes``), so two readers
  with the same groups see the same page, and readers with different groups never share one.

A logged-in reader's scope is kept per session, in a *reader card*: the user the session logs
in, their display name, their scope, and until when the session lasts (``reader_scope``). A card
is read only under the database's auth version (``core.auth_version``), which triggers move on
every write to an account, a membership, a permission or a session, however it is made (a
queryset update, raw SQL), and under the *auth generation*, a token replaced on restores and
after faults; so a stored page costs a reader one small query, and a card can never outlive a
change to who the reader is.

Per-reader fragments are not stored: the header's name and logout form (with its CSRF token)
are a marker in the stored copy, filled in for each reader when the copy is served
(``reader_nav``). A response that sets a cookie, carries a CSRF token elsewhere, queues a
message, or comes from a session holding anything besides the login (a page password typed,
messages) is not stored.

Purging: every entry records the cache's *generation*, a random token replaced whenever
content that pages show is written (any model save, delete or many-to-many change outside
``UNRENDERED``: pages, their revisions going live, view restrictions, images, snippets,
taxonomies, sites, channels...), once at once and again after the transaction commits (so a
request that read the old state cannot store it under the new generation). An entry of another
generation is a miss. A random token, never a counter: a lost or evicted generation can never
come back and revive old entries.

Faults: a cache that fails (Redis stopped) is skipped for ``PAGE_CACHE_RETRY_SECONDS`` and pages
are rendered as if there were no cache; the first success after a failure replaces the
generation, since a purge may have been missed meanwhile. A purge that fails is also recorded in
the database (``PageCacheDebt``), which every process shares: each process that serves from the
cache looks for such a record at most every ``PAGE_CACHE_DEBT_SECONDS`` and, finding one, purges
and clears it. So a purge missed by one process (a command, the task worker, a worker cut off
from Redis while the others still reach it) is made up for by the others within that time, and
an anonymous hit still touches the database only once per that interval and process.
"""

import functools
import hashlib
import hmac
import logging
import threading
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

GENERATION_KEY = "generation"
AUTH_GENERATION_KEY = "auth-generation"
# Writes that change who a reader is (their groups, permissions, whether they may log in): each
# replaces the auth generation, so every kept reader card is a miss.
AUTH_MODELS = {"auth.user", "auth.group", "auth.permission"}
AUTH_RELATIONS = {"auth.user_groups", "auth.user_user_permissions", "auth.group_permissions"}
AUTH_SESSION_KEYS = {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}
# Reader cards read the session's row with the auth version: only for database sessions.
DATABASE_SESSIONS = "django.contrib.sessions.backends.db"
# Written often and shown on no reader's page: their writes do not purge. Everything else does
# (a new model purges until someone decides otherwise).
UNRENDERED = {
    "sessions.session",
    "auth.user",
    "auth.user_groups",
    "auth.user_user_permissions",
    "auth.permission",
    "admin.logentry",
    "wagtailcore.modellogentry",
    "wagtailcore.pagelogentry",
    "wagtailcore.revision",
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailcore.pagesubscription",
    "wagtailcore.referenceindex",
    "wagtailcore.uploadedfile",
    "wagtailimages.rendition",
    "wagtailusers.userprofile",
    "django_tasks_database.dbtaskresult",
    "django_tasks_db.dbtaskresult",
    "syndication.delivery",
    "casestudies.gatestatus",
    "core.pagecachedebt",
    "core.authversion",
    # django-axes: every login attempt is written; none is shown on a reader's page.
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def never_rendered(*labels):
    """Add models ("app_label.modelname") whose writes no stored page shows, so they do not
    purge: a feature app's own records (a reader's study marks, written many times a minute)."""
    UNRENDERED.update(label.lower() for label in labels)


# Content types worth keeping (HTML, feeds, JSON feeds, the sitemap).
STORED_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml")
STORED_TYPES += ("application/feed+json", "text/xml", "application/json")
# Headers rebuilt on every response rather than stored.
UNSTORED_HEADERS = {"set-cookie", "vary", "date", "cache-control", "etag", "last-modified"}
UNSTORED_HEADERS |= {"content-length", "x-page-cache"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# --- faults ----------------------------------------------------------------------------------


class _Health:
    """Per process: when the cache last failed, and whether a purge may have been missed."""

    failed_at = None
    purge_missed = False
    debts_checked_at = None


def _usable():
    if _Health.failed_at is None:
        return True
    return time.monotonic() - _Health.failed_at >= settings.PAGE_CACHE_RETRY_SECONDS


def _failed(error, doing):
    if _Health.failed_at is None or _usable():
        logger.warning("jingjian.page_cache.E001 cache failed while %s: %r", doing, error)
    _Health.failed_at = time.monotonic()
    _Health.purge_missed = True
    if doing == "purging":
        _record_debt()


def _record_debt():
    """Tell every process that a purge was missed (the database is what they share)."""
    from jingjian.core.models import PageCacheDebt  # Here, not at the top: apps load first.

    try:
        PageCacheDebt.objects.create()
    except Exception as error:  # the database too: the write that purged failed with it
        logger.warning("jingjian.page_cache.E002 could not record a missed purge: %r", error)


def _catch_up():
    """Make up for a missed purge: this process's own (``_Health``), or any process's recorded in
    the database. Both generations are replaced, so no page and no reader card from before is
    read. Raises if the cache cannot be reached."""
    if _Health.purge_missed:
        _recovered()
    _settle_debts()


def _settle_debts():
    """Purge for any process that could not (at most every ``PAGE_CACHE_DEBT_SECONDS``)."""
    from jingjian.core.models import PageCacheDebt  # Here, not at the top: apps load first.

    now = time.monotonic()
    checked = _Health.debts_checked_at
    if checked is not None and now - checked < settings.PAGE_CACHE_DEBT_SECONDS:
        return False
    _Health.debts_checked_at = now
    try:
        latest = PageCacheDebt.objects.order_by("-pk").values_list("pk", flat=True).first()
    except Exception as error:
        logger.warning("jingjian.page_cache.E003 could not read missed purges: %r", error)
        return False
    if latest is None:
        return False
    _set_generation()  # raises if the cache cannot be reached: the debt stays for later
    PageCacheDebt.objects.filter(pk__lte=latest).delete()
    return True


def _recovered():
    """After a failure: replace the generation (a purge may have failed meanwhile)."""
    _Health.failed_at = None
    if _Health.purge_missed:
        _Health.purge_missed = False
        _set_generation()


# --- generation ------------------------------------------------------------------------------


def _new_generation():
    return (uuid.uuid4().hex, time.time())


def _set_generation():
    """A new page generation and a new auth generation (after a fault, both are made up for)."""
    generation = _new_generation()
    _cache().set_many({GENERATION_KEY: generation, AUTH_GENERATION_KEY: _new_generation()}, None)
    return generation


def purge_readers():
    """Forget every kept reader card (a user, group or permission changed). Never raises: a
    failure is recorded as a missed purge, made up for as any other. Done whether or not pages
    are stored here: another process may store them, and this setting may be switched on."""
    try:
        _cache().set(AUTH_GENERATION_KEY, _new_generation(), timeout=None)
    except Exception as error:
        _failed(error, "purging")


def purge():
    """Make every stored page and figure a miss (a new generation). Never raises: a cache that
    cannot be reached is remembered, and purged again when it answers. Done whether or not
    whole pages are stored: the figures (``core.figures``) follow the same generation."""
    try:
        _set_generation()
    except Exception as error:
        _failed(error, "purging")


class _Pending(threading.local):
    after_commit = False


_pending = _Pending()


def _purge_after_commit():
    if _pending.after_commit:
        _pending.after_commit = False
        purge()


def purge_on_commit():
    """Purge now and again once the current transaction commits (every write that changes
    what a reader sees calls this; several in one transaction purge once after it)."""
    purge()
    if transaction.get_connection().in_atomic_block:
        _pending.after_commit = True
        transaction.on_commit(_purge_after_commit)


def _label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _readers_changed():
    purge_readers()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(purge_readers)


def _written(sender, **kwargs):
    label = _label(sender)
    if label in AUTH_RELATIONS or (label in AUTH_MODELS and not _only_login_time(kwargs)):
        _readers_changed()
    if label not in UNRENDERED:
        purge_on_commit()


def _only_login_time(kwargs):
    """A user saved by a login (``update_last_login``): nothing a scope depends on."""
    fields = kwargs.get("update_fields")
    return fields is not None and set(fields) == {"last_login"}


def _m2m_written(sender, action, **kwargs):
    if not action.startswith("post_"):
        return
    label = _label(sender)
    if label in AUTH_RELATIONS:
        _readers_changed()
    if label not in UNRENDERED:
        purge_on_commit()


def _tree_changed(sender, **kwargs):
    purge_on_commit()


def connect():
    """Every write outside ``UNRENDERED`` purges; a page move too (treebeard moves the subtree
    with raw SQL, then Wagtail sends ``post_page_move``)."""
    post_save.connect(_written, dispatch_uid="jingjian.page_cache.saved")
    post_delete.connect(_written, dispatch_uid="jingjian.page_cache.deleted")
    m2m_changed.connect(_m2m_written, dispatch_uid="jingjian.page_cache.m2m")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_tree_changed, dispatch_uid=f"jingjian.page_cache.{id(signal)}")


# --- who is asking ---------------------------------------------------------------------------


def _card_key(user):
    """Where a reader's admin access is kept: per user, under the auth generation; ``None``
    when there is no generation to key it by."""
    auth_generation = _cache().get(AUTH_GENERATION_KEY)
    if auth_generation is None:
        _cache().add(AUTH_GENERATION_KEY, _new_generation(), timeout=None)
        auth_generation = _cache().get(AUTH_GENERATION_KEY)
        if auth_generation is None:
            return None  # never a card without a generation every auth write replaces
    return f"reader:{auth_generation[0]}:{user.pk}"


def _has_admin_access(user):
    """Asked of the database, whatever this request read before."""
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cached, None)
    return user.has_perm("wagtailadmin.access_admin")


def _groups_scope(user):
    group_ids = sorted(user.groups.values_list("pk", flat=True))
    return "groups:" + ",".join(str(pk) for pk in group_ids)


def _scope_of(user):
    """Worked out from the database, whatever this request read before."""
    if not user.is_authenticated:
        return "anonymous"
    if user.is_superuser or _has_admin_access(user):
        return None
    return _groups_scope(user)


def _admin_access_from_card(request, user):
    """Whether ``user`` has admin access, from their *card* when one is kept (it takes two
    queries): per user under the auth generation, replaced by every write to users, groups,
    permissions and memberships that sends a signal. Only this is kept: a card that missed a
    change (rows deleted through a relation model send no signal) can only make an editor be
    served a stored reader's page, or a former editor fresh pages; never a page of groups the
    reader is not in, as their groups are read on every request."""
    try:
        key = _card_key(user)
        found = _cache().get(key) if key is not None else None
    except Exception as error:
        _failed(error, "reading")
        return _has_admin_access(user)
    if found is not None:
        return found[0]
    access = _has_admin_access(user)
    if key is not None:
        try:
            _cache().set(key, (access,), timeout=settings.SESSION_COOKIE_AGE)
        except Exception as error:
            _failed(error, "storing")
    return access


def has_admin_access(request, user):
    """Whether ``user`` has admin access, from their reader card when one is kept (a card that
    missed a change can only hide or show Wagtail's userbar, which asks again itself)."""
    return _admin_access_from_card(request, user)


def reader_scope(request):
    """The scope a response for ``request`` may be shared within, or ``None`` (never stored:
    editors, superusers, a session holding more than the login).

    From the session's *reader card* when one is kept (``_card_of``); otherwise the user is
    loaded as Django loads them (the session's login still valid, the account active), their
    groups and whether they have admin access are read, and a card is kept for the session. A response is stored
    only if the scope worked out again as it is stored is the same (``_store``): a group changed
    during the request never stores a page under the scope it had."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key is None:
        return "anonymous"
    card = _card_of(request, session_key)
    if card is not None:
        request.page_cache_reader = card
        return card["scope"]
    session = request.session
    extra = set(session.keys()) - AUTH_SESSION_KEYS
    if extra:
        return None
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    # Asked afresh (two queries, once per card): the card then holds it.
    scope = _scope_of(user)
    _keep_card(request, session_key, user, scope)
    return scope


# --- reader cards: who a session is, kept under the database's auth version -------------------


class CardReader:
    """The reader a card names, for the header's per-reader part (``reader_nav.html``)."""

    is_authenticated = True

    def __init__(self, card):
        self.pk = card["user"]
        self.name = card["name"]

    def get_full_name(self):
        return self.name

    def get_username(self):
        return self.name


def _session_card_key(session_key, session_data, version, auth_generation):
    # Per session and its data: the session key itself never reaches the cache, nor does a
    # card outlive SECRET_KEY (which signs the data).
    mac = hmac.new(settings.SECRET_KEY.encode(), session_key.encode(), "sha256")
    mac.update(b"\n" + session_data.encode())
    return f"session:{auth_generation}:{version}:{mac.hexdigest()[:40]}"


def _card_of(request, session_key):
    """The session's card, or ``None``.

    A card says which user a session's data logs in, their display name and their scope. It is
    kept per session key and session data, under the database's auth version
    (``core.auth_version``: moved by triggers on every write to an account, a membership or a
    permission, however made) and under the auth generation (replaced on restores and after
    faults), and read only while all are the ones it was made under. One query reads the
    version and the session's row together (a session ended, expired or changed is then seen as
    Django sees it); the version is read before anything a card is made from, so no card is older
    than a change it does not reflect."""
    from jingjian.core import auth_version  # Here, not at the top: apps load first.

    if len(session_key) > 64 or settings.SESSION_ENGINE != DATABASE_SESSIONS:
        return None  # what the query reads is the database's session table
    version, session_data = auth_version.read(session_key)
    request.page_cache_auth = (version, session_data)
    if version is None or session_data is None:
        return None
    try:
        auth_generation = _cache().get(AUTH_GENERATION_KEY)
        if auth_generation is None:
            return None
        card = _cache().get(
            _session_card_key(session_key, session_data, version, auth_generation[0])
        )
    except Exception as error:
        _failed(error, "reading")
        return None
    return card


def _prime_session(request):
    """Give the session what the card's query read of it (a live row's data, decoded as
    Django's database backend decodes it), so a page rendered after a card hit does not read
    the session again."""
    _version, session_data = getattr(request, "page_cache_auth", (None, None))
    session = getattr(request, "session", None)
    if session_data is None or session is None or hasattr(session, "_session_cache"):
        return
    if session.session_key != request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return
    session._session_cache = session.decode(session_data)


def _keep_card(request, session_key, user, scope):
    """Keep what was just read of this session under the auth version read before it."""
    version, session_data = getattr(request, "page_cache_auth", (None, None))
    session = request.session
    if version is None or session_data is None or session.session_key != session_key:
        return
    if session.decode(session_data) != dict(session.items()):
        return  # the session changed after the version was read: its card waits for next time
    card = {"user": user.pk, "name": user.get_full_name() or user.get_username(), "scope": scope}
    lasts = int(min(session.get_expiry_age(), settings.SESSION_COOKIE_AGE))
    if lasts <= 0:
        return
    try:
        auth_generation = _cache().get(AUTH_GENERATION_KEY)
        if auth_generation is None:  # evicted or flushed: a new one (random: nothing old revives)
            _cache().add(AUTH_GENERATION_KEY, _new_generation(), timeout=None)
            auth_generation = _cache().get(AUTH_GENERATION_KEY)
            if auth_generation is None:
                return  # never a card without a generation restores and faults replace
        key = _session_card_key(session_key, session_data, version, auth_generation[0])
        _cache().set(key, card, lasts)
    except Exception as error:
        _failed(error, "storing")


def reader_of(request):
    """The reader a response is for: their card's when the scope came from one (the user is
    then never loaded), else ``request.user``."""
    card = getattr(request, "page_cache_reader", None)
    if card is not None:
        return CardReader(card)
    return request.user


def _scope_still(request, scope):
    """Whether ``scope`` is still the reader's, asked of the database as a response is about to
    be stored (the groups read at the start may be older than what the view read)."""
    return scope == "anonymous" or _scope_of(request.user) == scope


def _normalized_query(request):
    return urlencode(sorted(request.GET.lists()), doseq=True)


def entry_key(request, scope):
    address = f"{request.scheme}://{request.get_host()}{request.path}?{_normalized_query(request)}"
    digest = hashlib.sha256(f"{address}\n{scope}".encode()).hexdigest()
    return f"page:{digest}"


def current_generation():
    """The generation's token, or ``None`` when the cache cannot be read (then nothing derived
    from it may be reused). Made when missing, as a lookup does."""
    if not _usable():
        return None
    try:
        generation = _cache().get(GENERATION_KEY)
        if generation is None:
            _cache().add(GENERATION_KEY, _new_generation(), timeout=None)
            generation = _cache().get(GENERATION_KEY)
        if _Health.purge_missed:
            _recovered()
            return None
        if _settle_debts():
            return None
        return generation[0] if generation else None
    except Exception as error:
        _failed(error, "reading")
        return None


# --- the per-reader header -------------------------------------------------------------------


def reader_marker():
    """What a stored page holds where the reader's name and logout form go: derived from the
    secret key, so no page content can forge it."""
    return _marker_for(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _marker_for(secret):
    mac = hmac.new(secret.encode(), b"jingjian.page_cache.reader", "sha256")
    return f"<!--reader:{mac.hexdigest()[:24]}-->"


def defers_reader_nav(request):
    """Whether the header's per-reader part is left as a marker (``{% reader_nav %}``)."""
    return getattr(request, "page_cache_scope", "anonymous") != "anonymous"


def render_reader_nav(request):
    context = {"user": reader_of(request), "request": request, "csrf_token": get_token(request)}
    return render_to_string("includes/reader_nav.html", context)


def _fill_in(content, request):
    marker = reader_marker().encode()
    if marker not in content:
        return content
    return content.replace(marker, render_reader_nav(request).encode())


# --- marking views ---------------------------------------------------------------------------


def allow_storing(request, restricted=False):
    """Let this request's response be stored (when everything else allows it). A
    ``restricted`` page (login or groups) is stored per scope like any other, but browsers and
    proxies are told not to keep it (``no-store``, as Wagtail marks it)."""
    request.page_cache_storable = True
    request.page_cache_restricted = restricted


def forbid_storing(request):
    """Keep this request's response out of the cache, whatever it is."""
    request.page_cache_forbidden = True


def storable(view):
    """A view whose GET response may be stored per address and reader scope."""

    def wrapped(request, *args, **kwargs):
        allow_storing(request)
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped) if hasattr(view, "__name__") else wrapped


# --- the middleware --------------------------------------------------------------------------


def _is_excluded(path):
    return path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)


def _has_messages(request):
    # Django's cookie message storage (the default's first half); session-stored ones count
    # as session data (``reader_scope``).
    return "messages" in request.COOKIES


def _etag(content_digest, request, scope):
    if scope == "anonymous":
        return f'"{content_digest}"'
    # The served copy holds this reader's name and token: so does its tag.
    own = f"{reader_of(request).pk}:{request.META.get('CSRF_COOKIE', '')}"
    mixed = hashlib.sha256(f"{content_digest}:{own}".encode()).hexdigest()[:32]
    return f'"{mixed}"'


def _finish(response, request, scope, generation, content_digest, state, restricted=False):
    response["X-Page-Cache"] = state
    response["ETag"] = _etag(content_digest, request, scope)
    response["Last-Modified"] = http_date(generation[1])
    patch_vary_headers(response, ("Cookie",))
    if scope == "anonymous":
        # Browsers may keep it a minute; shared caches must ask again (an ETag answers 304).
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
        patch_cache_control(response, s_maxage=0)
    elif restricted:
        add_never_cache_headers(response)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


class PageCacheMiddleware:
    """Serves and stores whole pages (see the module's docstring). Sits after the
    authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._eligible(request):
            return self._uncached(request)
        try:
            _catch_up()  # before any reader card or page is read
        except Exception as error:
            _failed(error, "reading")
            return self._uncached(request)
        scope = reader_scope(request)
        if scope is None:
            return self._uncached(request)
        request.page_cache_scope = scope
        key = entry_key(request, scope)
        generation, entry = self._lookup(key)
        if generation is None:
            return self._uncached(request)
        if entry is not None and entry["generation"] == generation[0]:
            return self._from_entry(request, entry, scope, generation)
        _prime_session(request)
        response = self.get_response(request)
        return self._store(request, response, key, scope, generation)

    def _eligible(self, request):
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and not _is_excluded(request.path)
            # Credentials other than the session (a password or token in a header) are not
            # what the scope is worked out from: such a request is never looked up or stored.
            and "HTTP_AUTHORIZATION" not in request.META
            and not _has_messages(request)
            and _usable()
        )

    def _uncached(self, request):
        _prime_session(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            # Rendered for this reader alone.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def _lookup(self, key):
        try:
            found = _cache().get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                candidate = _new_generation()
                _cache().add(GENERATION_KEY, candidate, timeout=None)
                generation = _cache().get(GENERATION_KEY) or candidate
            return generation, found.get(key)
        except Exception as error:
            _failed(error, "reading")
            return None, None

    def _from_entry(self, request, entry, scope, generation):
        response = HttpResponse(_fill_in(entry["content"], request), status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        restricted = entry["restricted"]
        return _finish(response, request, scope, generation, entry["digest"], "hit", restricted)

    def _storable(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        # A restricted page's no-store is Wagtail's word to browsers, not to this cache.
        restricted = getattr(request, "page_cache_restricted", False)
        cache_control = "" if restricted else response.get("Cache-Control", "")
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        return (
            request.method == "GET"
            and getattr(request, "page_cache_storable", False)
            and not getattr(request, "page_cache_forbidden", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and content_type in STORED_TYPES
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
            and not (messages is not None and getattr(messages, "_queued_messages", None))
            and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        )

    def _store(self, request, response, key, scope, generation):
        if not self._storable(request, response) or not _scope_still(request, scope):
            if not response.streaming:
                response.content = _fill_in(response.content, request)
            if scope != "anonymous" and "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        content = response.content
        digest = hashlib.sha256(content).hexdigest()[:32]
        entry = {
            "generation": generation[0],
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS],
            "content": content,
            "digest": digest,
            "restricted": getattr(request, "page_cache_restricted", False),
        }
        try:
            _cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception as error:
            _failed(error, "storing")
        response.content = _fill_in(content, request)
        del response["Cache-Control"]
        restricted = entry["restricted"]
        return _finish(response, request, scope, generation, digest, "miss", restricted)


def reset_for_tests():
    """Forget past failures and pending purges (each test starts afresh)."""
    _Health.failed_at = None
    _Health.purge_missed = False
    _Health.debts_checked_at = time.monotonic()
    _pending.after_commit = False
