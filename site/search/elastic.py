"""The reader-facing search on Elasticsearch 8, built with elasticsearch-dsl.

One index behind an alias holds a document per live page of every registered content type
(``jingjian.search.documents``), so one query covers them all. Documents hold the Chinese token streams of ``jingjian.core.chinese``
(analyzed by the built-in ``whitespace`` analyzer, like the database backend), keyword facets,
visibility fields from ``jingjian.core.visibility`` and a per-character normalized copy of the
text used for highlighting, and one keyword field per facet the types declare. Queries return page ids; pages are then loaded from the database
and checked once more against ``visibility.visible_pages``.

The index follows publishing, unpublishing, moves, deletion and privacy changes (signals in
``jingjian.search.signals``); ``rebuild`` builds a fresh index and swaps the alias atomically.
"""

import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import elastic_transport
import elasticsearch
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from elasticsearch.helpers import bulk
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Mapping,
    Q,
    Search,
    Text,
    connections,
)
from wagtail.models import Page

from jingjian.core import chinese, content_types, visibility
from jingjian.search import documents, results
from jingjian.search import engine as search_engine
from jingjian.search.query import prepare_query, rank_terms

logger = logging.getLogger(__name__)
MAX_RESULTS = 1000
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


def alias_name():
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_reader"


_clients = {}


def client():
    """The Elasticsearch client for the engine's address (``search_engine.elasticsearch_url``),
    registered for elasticsearch-dsl."""
    url = search_engine.elasticsearch_url()
    if url not in _clients:
        _clients[url] = connections.create_connection(
            alias="jingjian", hosts=[url], request_timeout=30
        )
    connections.add_connection("jingjian", _clients[url])
    return _clients[url]


# Elasticsearch stopped or unreachable --------------------------------------------------------
#
# A reader's search waits at most ELASTICSEARCH_READER_TIMEOUT seconds for Elasticsearch and is
# not retried; when it fails, the search is answered from the database (``reader``), and for
# the next ELASTICSEARCH_RETRY_AFTER seconds this process does not ask Elasticsearch at all (a
# dead engine costs one failed request per process per interval, not one per reader). The first
# search after that asks again: recovery needs nobody.

UNAVAILABLE = (elastic_transport.TransportError, elasticsearch.ApiError)
_breaker_lock = threading.Lock()
_unavailable_until = 0.0


def reader_client():
    """The client for readers' searches: a short timeout, no retries."""
    return client().options(
        request_timeout=settings.ELASTICSEARCH_READER_TIMEOUT, max_retries=0, retry_on_timeout=False
    )


def available():
    """Whether readers' searches should ask Elasticsearch now (no failure in the last
    ELASTICSEARCH_RETRY_AFTER seconds)."""
    return time.monotonic() >= _unavailable_until


def mark_unavailable(error):
    """Record a failed search: readers go to the database for a while."""
    global _unavailable_until
    retry_after = settings.ELASTICSEARCH_RETRY_AFTER
    with _breaker_lock:
        _unavailable_until = time.monotonic() + retry_after
    logger.warning(
        "search.elasticsearch_unavailable: %s; searching the database for %ss",
        type(error).__name__,
        retry_after,
    )


def mark_available():
    global _unavailable_until
    with _breaker_lock:
        _unavailable_until = 0.0


class PageDocument(Document):
    """Fields every page type shares (``documents.SHARED_FIELDS``); each facet adds one
    keyword field of its name (``_index_definition``)."""

    page_id = Integer()
    page_type = Keyword(eager_global_ordinals=True)
    title = Keyword(index=False)
    title_tokens = Text(analyzer="whitespace", copy_to="all_tokens")
    summary_tokens = Text(analyzer="whitespace", copy_to="all_tokens")
    # Only searched through all_tokens: analyzed once, there.
    body_tokens = Text(analyzer="whitespace", copy_to="all_tokens", index=False)
    all_tokens = Text(analyzer="whitespace")
    # Highlighted by re-analyzing the ten hits of a page (stored offsets cost indexing time).
    highlight_text = Text(analyzer="standard")
    visibility = Keyword()
    # The ids of the group and password restrictions covering the page; a reader sees it when
    # they pass every one (``visibility.search_scope``): ``terms_set`` against the count.
    restrictions = Keyword(multi=True)
    restriction_count = Integer()
    live = Boolean()
    first_published_at = Date()

    class Index:
        name = "jingjian_reader"  # replaced by the alias at run time


def _index_definition(name):
    index = Index(name, using="jingjian")
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(PageDocument)
    facets = Mapping()
    for facet_name in documents.facet_names():
        facets.field(facet_name, Keyword(multi=True, eager_global_ordinals=True))
    index.mapping(facets)
    return index


def ensure_index():
    """Create the index and its alias when missing (first start, tests)."""
    es = client()
    if not es.indices.exists_alias(name=alias_name()):
        name = f"{alias_name()}-{int(time.time() * 1000)}"
        _index_definition(name).create()
        es.indices.put_alias(index=name, name=alias_name())


def _refresh_arg():
    return True if getattr(settings, "ELASTICSEARCH_REFRESH_ON_WRITE", False) else False


def index_pages(pages):
    """Add or replace the documents of ``pages``; pages that may not be listed are removed."""
    ensure_index()
    es = client()
    for page in pages:
        if content_types.of(page) is None:
            continue
        document = documents.document_for(page) if page.live else None
        if document is None:
            remove_pages([page.pk])
            continue
        es.index(
            index=alias_name(),
            id=str(page.pk),
            document=document,
            refresh=_refresh_arg(),
        )


def remove_pages(page_ids):
    es = client()
    for pk in page_ids:
        es.options(ignore_status=404).delete(index=alias_name(), id=str(pk), refresh=_refresh_arg())


REBUILD_CHUNK = 500


def rebuild(progress=None):
    """Build a new index from the database and swap the alias to it atomically."""
    es = client()
    new_name = f"{alias_name()}-{int(time.time() * 1000)}"
    index = _index_definition(new_name)
    # No refreshes while building; made searchable once, at the end.
    index.settings(refresh_interval="-1")
    index.create()

    def chunks():
        for content_type in content_types.registered():
            live = content_type.page_model().objects.live()
            ids = list(live.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), REBUILD_CHUNK):
                sources = documents.sources(content_type, ids[start : start + REBUILD_CHUNK])
                yield [
                    {"_index": new_name, "_id": str(pk), "_source": source}
                    for pk, source in sources.items()
                ]

    def send(actions):
        bulk(es, actions, chunk_size=len(actions), raise_on_error=True)
        return len(actions)

    def finish(sending):
        sent = sending.result()
        if progress:
            progress(sent)

    # Documents are built here (this thread owns the database connection) while one other
    # thread sends the previous chunk, so building and Elasticsearch's indexing overlap.
    with ThreadPoolExecutor(max_workers=1) as sender:
        sending = None
        for actions in chunks():
            if sending is not None:
                finish(sending)
            sending = sender.submit(send, actions)
        if sending is not None:
            finish(sending)
    es.indices.put_settings(index=new_name, settings={"index": {"refresh_interval": None}})
    es.indices.refresh(index=new_name)
    # Merged into one segment before readers see it: a freshly bulk-built index has many, and
    # queries (and Elasticsearch's own background merging) are slower until they are merged.
    es.options(request_timeout=3600).indices.forcemerge(index=new_name, max_num_segments=1)
    warm(new_name)
    old = (
        list(es.indices.get_alias(name=alias_name()).keys())
        if es.indices.exists_alias(name=alias_name())
        else []
    )
    if es.indices.exists(index=alias_name()) and not old:
        es.indices.delete(index=alias_name())  # a plain index squatting on the alias name
    swap = [{"add": {"index": new_name, "alias": alias_name()}}]
    swap += [{"remove": {"index": name, "alias": alias_name()}} for name in old]
    es.indices.update_aliases(actions=swap)
    for name in old:
        es.indices.delete(index=name, ignore_unavailable=True)
    return new_name


# How many of the newest pages' titles ``warm`` searches for.
WARM_TITLES = 5


def warm(index_name):
    """Ask a new index the readers' questions once before the alias points at it.

    A new segment loads its terms index, doc values (sorting) and highlighting structures on
    first use, and the node compiles the code that runs them: the first searches on a freshly
    swapped index took up to ten times as long (80–220 ms against 6–15 ms). Searching here, for
    pieces of the newest titles with the ranking, the facets and the highlighting readers get,
    makes those costs part of the rebuild. Returns the number of searches made."""
    es = client()
    newest = es.search(
        index=index_name,
        size=WARM_TITLES,
        sort=[{"first_published_at": {"order": "desc", "missing": "_last"}}],
        source=["title"],
    )
    texts = []
    for hit in newest["hits"]["hits"]:
        title = chinese.normalize(hit["_source"]["title"])
        texts += [title[:2], title[2:6], f"{title[:2]} {title[-2:]}"]
    searches = 0
    for text in dict.fromkeys(t for t in texts if t.strip()):
        search = build_search(text, {}, EVERYONE, index=index_name)
        if search is None:
            continue
        search[:10].source(False).extra(track_total_hits=False).execute()
        with_facets(search, text)[:10].execute()
        searches += 2
    return searches


# Querying ---------------------------------------------------------------------------------


def _phrase(field, tokens):
    return Q("match_phrase", **{field: {"query": " ".join(tokens), "analyzer": "whitespace"}})


def _terms_query(field, text):
    phrases = [
        tokens for term in chinese.query_terms(text) for tokens in chinese.term_phrases(term)
    ]
    if not phrases:
        return None
    return Q("bool", must=[_phrase(field, tokens) for tokens in phrases])


EVERYONE = object()  # build_search without a reader filter (the caller narrows the results)


def _scope_filter(user):
    if user is EVERYONE:
        return None
    scope = visibility.search_scope(user)
    if scope is None:
        return None
    allowed = Q("terms", visibility=scope["levels"]) & Q("term", restriction_count=0)
    if scope["restrictions"]:
        allowed |= Q(
            "terms_set",
            restrictions={
                "terms": scope["restrictions"],
                "minimum_should_match_field": "restriction_count",
            },
        )
    return allowed


def _field(name):
    """The document field a filter reads: the type's shared field, else the facet's own."""
    return "page_type" if name == results.TYPE else name


def build_search(text, filters, user, index=None):
    """The ranked elasticsearch-dsl ``Search`` for a query, filters and reader; ``None`` if the
    query has no terms. ``index`` defaults to the readers' alias."""
    matches = _terms_query("all_tokens", text)
    if matches is None:
        return None
    client()
    search = Search(using="jingjian", index=index or alias_name()).filter(matches)
    search = search.filter("term", live=True)
    scope = _scope_filter(user)
    if scope is not None:
        search = search.filter(scope)
    for name, values in filters.items():
        search = search.filter("terms", **{_field(name): list(values)})
    # Ranking tiers: every term in the title (100), in the summary (10), elsewhere (0).
    title = _terms_query("title_tokens", text)
    summary = _terms_query("summary_tokens", text)
    search = search.query(
        Q(
            "bool",
            must=[Q("match_all")],  # keeps the should clauses optional: they only score
            should=[
                Q("constant_score", filter=title, boost=100),
                Q("constant_score", filter=summary, boost=10),
            ],
        )
    )
    return search.sort(
        {"_score": {"order": "desc"}},
        {"first_published_at": {"order": "desc", "missing": "_last"}},
        {"page_id": {"order": "desc"}},
    )


class ElasticsearchEngine:
    name = "elasticsearch"
    max_results = MAX_RESULTS

    def ranked_ids(self, text, queryset, limit=MAX_RESULTS):
        """Ids of pages in ``queryset`` (already narrowed to what the reader may see) matching
        ``text``, in rank order."""
        search = build_search(text, {}, EVERYONE)
        if search is None:
            return []
        search = (
            search.using(reader_client()).source(False).extra(size=limit, track_total_hits=False)
        )
        ids = [int(hit.meta.id) for hit in search.execute()]
        allowed = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        return [pk for pk in ids if pk in allowed]

    def run_search(self, text, filters, user, page_number, per_page):
        search = build_search(text, filters, user)
        if search is None:
            return (
                results.Outcome(query="", terms=[], total=0, results=[], engine=self.name),
                None,
            )
        search = search.using(reader_client())
        try:
            number = max(1, int(page_number or 1))
        except (TypeError, ValueError):
            number = 1
        search = with_facets(search, text)
        # One request: the page's hits with their highlights, the total and the facet counts.
        number = min(number, MAX_RESULTS // per_page)
        response = search[(number - 1) * per_page : number * per_page].execute()
        total = response.hits.total.value
        # Pages reach the first MAX_RESULTS matches; the total still counts them all.
        pages = max(1, -(-min(total, MAX_RESULTS) // per_page))
        if number > pages:  # past the last page: show the last one
            number = pages
            response = search[(number - 1) * per_page : number * per_page].execute()
        ids = [int(hit.meta.id) for hit in response]
        fragments_of = {
            int(hit.meta.id): getattr(getattr(hit.meta, "highlight", None), "highlight_text", None)
            for hit in response
        }
        loaded = visibility.visible_pages(Page.objects.filter(pk__in=ids), user).specific()
        by_pk = {p.pk: p for p in loaded}
        found = []
        for pk in ids:
            page = by_pk.get(pk)
            if page is None:
                continue
            fragments = fragments_of.get(pk)
            page.search_spans = _spans(fragments[0]) if fragments else []
            found.append(page)
        counts = {
            name: Counter({str(b["key"]): b["doc_count"] for b in aggregation["buckets"]})
            for name, aggregation in response.aggregations.to_dict().items()
        }
        facets = results.facet_groups(counts, filters)
        paginator = Paginator(range(min(total, MAX_RESULTS)), per_page)
        try:
            page_obj = paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        outcome = results.Outcome(
            query=prepare_query(text),
            terms=rank_terms(text),
            total=total,
            results=found,
            facets=facets,
            engine=self.name,
        )
        return outcome, page_obj


# Values counted per facet: more than any taxonomy or list of values here holds.
FACET_SIZE = 60


def with_facets(search, text):
    """``search`` asking also for the total, the facet counts and highlighted ``text``: the
    search page's one request."""
    # Private API: elasticsearch 8.19's dsl SearchBase._clone (aggs.bucket changes the search in
    # place) (pinned: tests/search/test_library_overrides.py).
    search = search._clone()
    for name, _label, _multiple in results.group_headings():
        search.aggs.bucket(name, "terms", field=_field(name), size=FACET_SIZE)
    return search.extra(track_total_hits=True).highlight(
        "highlight_text",
        number_of_fragments=0,
        pre_tags=[HIGHLIGHT_START],
        post_tags=[HIGHLIGHT_END],
        highlight_query=_highlight_query(text),
    )


def _highlight_query(text):
    terms = [t.replace(" ", "") for t in chinese.query_terms(text)]
    clauses = [Q("match_phrase", highlight_text=term) for term in terms if term]
    return Q("bool", should=clauses).to_dict() if clauses else None


def _spans(fragment):
    """Character spans of the highlight tags in a whole-field fragment (tags removed)."""
    spans, offset, start = [], 0, None
    for ch in fragment:
        if ch == HIGHLIGHT_START:
            start = offset
        elif ch == HIGHLIGHT_END:
            if start is not None:
                spans.append((start, offset))
            start = None
        else:
            offset += 1
    return spans


_ENGINE = ElasticsearchEngine()


def engine():
    return _ENGINE
