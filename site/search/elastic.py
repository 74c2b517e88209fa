"""The reader-facing search on Elasticsearch 8, built with elasticsearch-dsl.

A ``Document`` per content type (case studies, exemplars) lives in one index behind an alias,
so one query covers both. Documents hold the Chinese token streams of ``jingjian.core.chinese``
(analyzed by the built-in ``whitespace`` analyzer, like the database backend), keyword facets,
visibility fields from ``jingjian.core.visibility`` and a per-character normalized copy of the
text used for highlighting. Queries return page ids; pages are then loaded from the database
and checked once more against ``visibility.visible_pages``.

The index follows publishing, unpublishing, moves, deletion and privacy changes (signals in
``jingjian.search.signals``); ``rebuild`` builds a fresh index and swaps the alias atomically.
"""

import logging
import time
from types import SimpleNamespace

from django.conf import settings
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    connections,
)

from jingjian.core import chinese, visibility
from jingjian.search import engine as search_engine

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


def _tokens(text):
    return chinese.index_text(text)


def _char_normalized(text):
    """Normalized text of the same length as ``text`` (one character for one)."""
    return chinese.normalize_same_length(text)


class PageDocument(Document):
    """Fields every page type shares."""

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
    work_areas = Keyword(multi=True, eager_global_ordinals=True)
    year = Keyword(eager_global_ordinals=True)
    visibility = Keyword()
    # The ids of the group and password restrictions covering the page; a reader sees it when
    # they pass every one (``visibility.search_scope``): ``terms_set`` against the count.
    restrictions = Keyword(multi=True)
    restriction_count = Integer()
    live = Boolean()
    first_published_at = Date()

    class Index:
        name = "jingjian_reader"  # replaced by the alias at run time

    @staticmethod
    def page_fields(values, body, extra_text, access):
        """The shared fields from a page's plain ``values`` (pk, title, summary, live,
        first_published_at), its ``body`` (``search.body_text``), text searched but not shown,
        and ``access`` (``visibility.index_fields``)."""
        title = values["title"]
        text = f"{title}\n{body}"
        folded = chinese.normalize(text)
        if len(folded) == len(text):
            # Normalized once for tokens and highlighting alike (nothing changed length).
            highlight_text = folded
            title_tokens = chinese.normalized_index_text(folded[: len(title)])
            body_tokens = chinese.normalized_index_text(folded[len(title) + 1 :])
        else:
            highlight_text = _char_normalized(text)
            title_tokens, body_tokens = _tokens(title), _tokens(body)
        return {
            "page_id": values["pk"],
            "title": title,
            "title_tokens": title_tokens,
            "summary_tokens": _tokens(values["summary"]),
            "body_tokens": f"{body_tokens} {_tokens(extra_text)}",
            "highlight_text": highlight_text,
            "live": values["live"],
            "first_published_at": values["first_published_at"],
            "visibility": access["visibility"],
            "restrictions": access["restrictions"],
            "restriction_count": len(access["restrictions"]),
        }


def _slugs_and_names(model, field_name, ids):
    """{page id: [(slug, name)]} of a taxonomy relation, in the order ``page.<field>.all()``
    gives, so rebuilt documents equal those written on publishing."""
    from jingjian.search.backends import parental_m2m_targets

    targets = parental_m2m_targets(model, field_name, ids)
    return {pk: [(t.slug, t.name) for t in items] for pk, items in targets.items()}


def _page_values(page, names):
    return {"pk": page.pk, **{name: getattr(page, name) for name in names}}


class CaseStudyDocument(PageDocument):
    problem_types = Keyword(multi=True, eager_global_ordinals=True)
    source = Keyword(eager_global_ordinals=True)
    sanctions = Keyword(multi=True, eager_global_ordinals=True)
    discipline_forms = Keyword(multi=True)

    # What ``source`` reads of a page (``work_area`` is the pair (slug, name) or None).
    VALUES = [
        "title",
        "summary",
        "live",
        "first_published_at",
        "subject",
        "lessons",
        "source",
        "date_handled",
    ]
    HANDLING_VALUES = [
        "party_sanction",
        "administrative_sanction",
        "detained",
        "referred",
        "discipline_form",
    ]

    @classmethod
    def source_of(cls, values, body, work_area, problem_types, handlings, access):
        """The document's ``_source``; ``problem_types`` are (slug, name) pairs and ``handlings``
        dicts of ``HANDLING_VALUES``."""
        sanctions = {f"party:{h['party_sanction']}" for h in handlings if h["party_sanction"]}
        sanctions |= {
            f"admin:{h['administrative_sanction']}"
            for h in handlings
            if h["administrative_sanction"]
        }
        sanctions |= {"detained" for h in handlings if h["detained"]}
        sanctions |= {"referred" for h in handlings if h["referred"]}
        extra = " ".join(
            [values["subject"], values["lessons"], " ".join(name for _, name in problem_types)]
            + ([work_area[1]] if work_area else [])
        )
        return {
            **cls.page_fields(values, body, extra, access),
            "page_type": "case",
            "problem_types": [slug for slug, _ in problem_types],
            "work_areas": [work_area[0]] if work_area else [],
            "source": values["source"],
            "sanctions": sorted(sanctions),
            "discipline_forms": sorted({str(h["discipline_form"]) for h in handlings}),
            "year": str(values["date_handled"].year),
        }

    @classmethod
    def from_page(cls, page, access):
        from jingjian.search.reader import page_text

        return cls.source_of(
            _page_values(page, cls.VALUES),
            page_text(page),
            (page.work_area.slug, page.work_area.name) if page.work_area else None,
            [(t.slug, t.name) for t in page.problem_types.all()],
            [
                {name: getattr(h, name) for name in cls.HANDLING_VALUES}
                for h in page.handlings.all()
            ],
            access,
        )

    @classmethod
    def sources(cls, ids):
        """``_source`` of the live case studies among ``ids``, by id, read as plain rows."""
        from casestudies.models import CaseStudyPage, Handling
        from jingjian.search.reader import body_text

        rows = list(
            CaseStudyPage.objects.live()
            .filter(pk__in=ids)
            .values("pk", "path", "facts", "work_area__slug", "work_area__name", *cls.VALUES)
        )
        problem_types = _slugs_and_names(CaseStudyPage, "problem_types", ids)
        handlings = {}
        for row in (
            Handling.objects.filter(page_id__in=ids)
            .order_by("sort_order", "pk")
            .values("page_id", *cls.HANDLING_VALUES)
        ):
            handlings.setdefault(row["page_id"], []).append(row)
        access = visibility.index_fields_many([SimpleNamespace(**row) for row in rows])
        return {
            row["pk"]: cls.source_of(
                row,
                body_text(row["summary"], [row["facts"]]),
                (row["work_area__slug"], row["work_area__name"])
                if row["work_area__slug"]
                else None,
                problem_types.get(row["pk"], []),
                handlings.get(row["pk"], []),
                access[row["pk"]],
            )
            for row in rows
        }


class ExemplarDocument(PageDocument):
    category = Keyword()

    VALUES = [
        "title",
        "summary",
        "live",
        "first_published_at",
        "name",
        "unit",
        "post",
        "citation",
        "date",
    ]

    @classmethod
    def source_of(cls, values, body, category, work_areas, access):
        """The document's ``_source``; ``category`` and ``work_areas`` are (slug, name) pairs."""
        extra = " ".join(
            [values["name"], values["unit"], values["post"], values["citation"], category[1]]
            + [name for _, name in work_areas]
        )
        return {
            **cls.page_fields(values, body, extra, access),
            "page_type": "exemplar",
            "category": category[0],
            "work_areas": [slug for slug, _ in work_areas],
            "year": str(values["date"].year),
        }

    @classmethod
    def from_page(cls, page, access):
        from jingjian.search.reader import page_text

        return cls.source_of(
            _page_values(page, cls.VALUES),
            page_text(page),
            (page.category.slug, page.category.name),
            [(a.slug, a.name) for a in page.work_areas.all()],
            access,
        )

    @classmethod
    def sources(cls, ids):
        """``_source`` of the live exemplars among ``ids``, by id, read as plain rows."""
        from exemplars.models import ExemplarPage
        from jingjian.search.reader import body_text

        rows = list(
            ExemplarPage.objects.live()
            .filter(pk__in=ids)
            .values("pk", "path", "deeds", "category__slug", "category__name", *cls.VALUES)
        )
        work_areas = _slugs_and_names(ExemplarPage, "work_areas", ids)
        access = visibility.index_fields_many([SimpleNamespace(**row) for row in rows])
        return {
            row["pk"]: cls.source_of(
                row,
                body_text(row["summary"], [row["deeds"]]),
                (row["category__slug"], row["category__name"]),
                work_areas.get(row["pk"], []),
                access[row["pk"]],
            )
            for row in rows
        }


def document_for(page, access=None):
    """The ``_source`` of a page's document (``None`` for types the reader search does not
    cover); ``access`` is its ``visibility.index_fields``, looked up when not given."""
    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage

    page = page.specific
    for model, document in [(CaseStudyPage, CaseStudyDocument), (ExemplarPage, ExemplarDocument)]:
        if isinstance(page, model):
            return document.from_page(page, access or visibility.index_fields(page))
    return None


def _index_definition(name):
    index = Index(name, using="jingjian")
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(CaseStudyDocument)
    index.document(ExemplarDocument)
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
        document = document_for(page)
        if document is None:
            continue
        if not page.live:
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
    from concurrent.futures import ThreadPoolExecutor

    from elasticsearch.helpers import bulk

    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage

    es = client()
    new_name = f"{alias_name()}-{int(time.time() * 1000)}"
    index = _index_definition(new_name)
    # No refreshes while building; made searchable once, at the end.
    index.settings(refresh_interval="-1")
    index.create()
    documents = [
        (CaseStudyDocument, CaseStudyPage.objects.live()),
        (ExemplarDocument, ExemplarPage.objects.live()),
    ]

    def chunks():
        for document, queryset in documents:
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), REBUILD_CHUNK):
                sources = document.sources(ids[start : start + REBUILD_CHUNK])
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


def delete_indices(pattern, es=None):
    """Delete the indices matching ``pattern`` (the cluster refuses wildcard deletes)."""
    es = es or client()
    names = list(es.indices.get(index=pattern, ignore_unavailable=True, allow_no_indices=True))
    for name in names:
        es.indices.delete(index=name, ignore_unavailable=True)
    return names


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


FACET_FIELDS = {
    "type": "page_type",
    "problem_type": "problem_types",
    "work_area": "work_areas",
    "source": "source",
    "sanction": "sanctions",
    "year": "year",
}


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
    if filters.get("type"):
        search = search.filter("terms", page_type=list(filters["type"]))
    for name, field in [("problem_type", "problem_types"), ("work_area", "work_areas")]:
        if filters.get(name):
            search = search.filter("terms", **{field: [t.slug for t in filters[name]]})
    if filters.get("source"):
        search = search.filter("terms", source=list(filters["source"]))
    if filters.get("sanction"):
        search = search.filter("term", sanctions=filters["sanction"])
    if filters.get("discipline_form"):
        search = search.filter("term", discipline_forms=str(filters["discipline_form"]))
    if filters.get("year"):
        search = search.filter("term", year=str(filters["year"]))
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
        search = search.source(False).extra(size=limit, track_total_hits=False)
        ids = [int(hit.meta.id) for hit in search.execute()]
        allowed = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        return [pk for pk in ids if pk in allowed]

    def run_search(self, text, filters, user, page_number, per_page):
        from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
        from wagtail.models import Page

        from jingjian.search.reader import (
            FacetValue,
            Outcome,
            facet_labels,
            prepare_query,
            rank_terms,
        )

        search = build_search(text, filters, user)
        if search is None:
            return Outcome(query="", terms=[], total=0, results=[], engine=self.name), None
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
        results = []
        for pk in ids:
            page = by_pk.get(pk)
            if page is None:
                continue
            fragments = fragments_of.get(pk)
            page.search_spans = _spans(fragments[0]) if fragments else []
            results.append(page)
        labels = facet_labels()
        selected = {
            "type": set(filters.get("type") or []),
            "problem_type": {t.slug for t in filters.get("problem_type") or []},
            "work_area": {t.slug for t in filters.get("work_area") or []},
            "source": set(filters.get("source") or []),
            "sanction": {filters.get("sanction")} if filters.get("sanction") else set(),
            "year": {str(filters.get("year"))} if filters.get("year") else set(),
        }
        facets = {}
        for name in FACET_FIELDS:
            buckets = getattr(response.aggregations, name).buckets
            facets[name] = [
                FacetValue(
                    str(b.key),
                    labels[name].get(str(b.key), str(b.key)),
                    b.doc_count,
                    str(b.key) in selected[name],
                )
                for b in buckets
                # A year outside the filter's range (filterable.allowed_years) is no facet.
                if name != "year" or str(b.key) in labels["year"]
            ]
        paginator = Paginator(range(min(total, MAX_RESULTS)), per_page)
        try:
            page_obj = paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        outcome = Outcome(
            query=prepare_query(text),
            terms=rank_terms(text),
            total=total,
            results=results,
            facets=facets,
            engine=self.name,
        )
        return outcome, page_obj


def with_facets(search, text):
    """``search`` asking also for the total, the facet counts and highlighted ``text``: the
    search page's one request."""
    search = search._clone()
    for name, field in FACET_FIELDS.items():
        search.aggs.bucket(name, "terms", field=field, size=60)
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


def wait_for_cluster(timeout=60):
    """Block until the cluster answers (scripts and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client().cluster.health(wait_for_status="yellow", timeout="5s")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def delete_all_documents(pattern, es=None):
    """Empty the indices matching ``pattern`` but keep them (tests). Works without the reindex
    module, which the minimal distribution lacks (so no _delete_by_query)."""
    from elasticsearch.helpers import bulk, scan

    es = es or client()
    hits = scan(es, index=pattern, query={"query": {"match_all": {}}}, _source=False)
    actions = ({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
    bulk(es, actions, raise_on_error=False)
    es.indices.refresh(index=pattern)
