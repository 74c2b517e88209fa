"""The reader-facing search on Elasticsearch 8, built with elasticsearch-dsl.

A ``Document`` per content type (case studies, exemplars) lives in one index behind an alias,
so one query covers both. Documents hold the Chinese token streams of ``jingjian.core.chinese``
(analyzed by the built-in ``whitespace`` analyzer, like the database backend), keyword facets,
visibility fields from ``jingjian.core.visibility`` and a per-character normalized copy of the
text used for highlighting. Queries return page ids; pages are then loaded from the database
and checked once more against ``visibility.visible_pages``.

The index follows publishing, unpublishing, moves, deletion and privacy changes (signals in
``jingjian.core.signals``); ``rebuild`` builds a fresh index and swaps the alias atomically.
"""

import logging
import time

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

logger = logging.getLogger(__name__)
MAX_RESULTS = 1000
HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


def alias_name():
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_reader"


_clients = {}


def client():
    """The Elasticsearch client for ``ELASTICSEARCH_URL`` (registered for elasticsearch-dsl)."""
    url = settings.ELASTICSEARCH_URL
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
    page_type = Keyword()
    title = Keyword(index=False)
    title_tokens = Text(analyzer="whitespace", copy_to="all_tokens")
    summary_tokens = Text(analyzer="whitespace", copy_to="all_tokens")
    # Only searched through all_tokens: analyzed once, there.
    body_tokens = Text(analyzer="whitespace", copy_to="all_tokens", index=False)
    all_tokens = Text(analyzer="whitespace")
    # Highlighted by re-analyzing the ten hits of a page (stored offsets cost indexing time).
    highlight_text = Text(analyzer="standard")
    work_areas = Keyword(multi=True)
    year = Keyword()
    visibility = Keyword()
    groups = Keyword(multi=True)
    live = Boolean()
    first_published_at = Date()

    class Index:
        name = "jingjian_reader"  # replaced by the alias at run time

    @classmethod
    def page_fields(cls, page):
        from jingjian.core.search import page_text

        body = page_text(page)
        text = f"{page.title}\n{body}"
        folded = chinese.normalize(text)
        if len(folded) == len(text):
            # Normalized once for tokens and highlighting alike (nothing changed length).
            highlight_text = folded
            title_tokens = chinese.normalized_index_text(folded[: len(page.title)])
            body_tokens = chinese.normalized_index_text(folded[len(page.title) + 1 :])
        else:
            highlight_text = _char_normalized(text)
            title_tokens, body_tokens = _tokens(page.title), _tokens(body)
        return {
            "page_id": page.pk,
            "title": page.title,
            "title_tokens": title_tokens,
            "summary_tokens": _tokens(getattr(page, "summary", "")),
            "body_tokens": body_tokens,
            "highlight_text": highlight_text,
            "live": page.live,
            "first_published_at": page.first_published_at,
            **visibility.index_fields(page),
        }


class CaseStudyDocument(PageDocument):
    problem_types = Keyword(multi=True)
    source = Keyword()
    sanctions = Keyword(multi=True)
    discipline_forms = Keyword(multi=True)

    @classmethod
    def from_page(cls, page):
        handlings = list(page.handlings.all())
        problem_types = list(page.problem_types.all())
        sanctions = {f"party:{h.party_sanction}" for h in handlings if h.party_sanction}
        sanctions |= {
            f"admin:{h.administrative_sanction}" for h in handlings if h.administrative_sanction
        }
        sanctions |= {"detained" for h in handlings if h.detained}
        sanctions |= {"referred" for h in handlings if h.referred}
        text_extra = " ".join(
            [page.subject, page.lessons, " ".join(t.name for t in problem_types)]
            + ([page.work_area.name] if page.work_area else [])
        )
        fields = cls.page_fields(page)
        fields["body_tokens"] += " " + _tokens(text_extra)
        return cls(
            meta={"id": page.pk},
            page_type="case",
            problem_types=[t.slug for t in problem_types],
            work_areas=[page.work_area.slug] if page.work_area else [],
            source=page.source,
            sanctions=sorted(sanctions),
            discipline_forms=sorted({str(h.discipline_form) for h in handlings}),
            year=str(page.date_handled.year),
            **fields,
        )


class ExemplarDocument(PageDocument):
    category = Keyword()

    @classmethod
    def from_page(cls, page):
        fields = cls.page_fields(page)
        work_areas = list(page.work_areas.all())
        text_extra = " ".join(
            [page.name, page.unit, page.post, page.citation, page.category.name]
            + [a.name for a in work_areas]
        )
        fields["body_tokens"] += " " + _tokens(text_extra)
        return cls(
            meta={"id": page.pk},
            page_type="exemplar",
            category=page.category.slug,
            work_areas=[a.slug for a in work_areas],
            year=str(page.date.year),
            **fields,
        )


def document_for(page):
    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage

    page = page.specific
    if isinstance(page, CaseStudyPage):
        return CaseStudyDocument.from_page(page)
    if isinstance(page, ExemplarPage):
        return ExemplarDocument.from_page(page)
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
            document=document.to_dict(skip_empty=False),
            refresh=_refresh_arg(),
        )


def remove_pages(page_ids):
    es = client()
    for pk in page_ids:
        es.options(ignore_status=404).delete(index=alias_name(), id=str(pk), refresh=_refresh_arg())


def _know_view_restrictions(pages, restrictions):
    """Give each page the view restrictions that apply to it (those on the page or an ancestor,
    found by path among ``restrictions``, all of them loaded once), so that
    ``visibility.index_fields`` asks no query per page. Only valid without alias pages: an alias
    takes its source page's restrictions, which Wagtail's own lookup resolves."""
    for page in pages:
        applying = [r for r in restrictions if page.path.startswith(r.page.path)]
        page.get_view_restrictions = lambda applying=applying: applying


REBUILD_CHUNK = 500


def rebuild(progress=None):
    """Build a new index from the database and swap the alias to it atomically."""
    from concurrent.futures import ThreadPoolExecutor

    from elasticsearch.helpers import bulk
    from wagtail.models import Page, PageViewRestriction

    from casestudies.models import CaseStudyPage
    from exemplars.models import ExemplarPage

    es = client()
    new_name = f"{alias_name()}-{int(time.time() * 1000)}"
    index = _index_definition(new_name)
    # No refreshes while building; made searchable once, at the end.
    index.settings(refresh_interval="-1")
    index.create()
    restrictions = list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )
    restrictions_known = not Page.objects.filter(alias_of__isnull=False).exists()
    querysets = [
        CaseStudyPage.objects.live()
        .select_related("work_area", "unit_type")
        .prefetch_related("problem_types", "handlings"),
        ExemplarPage.objects.live().select_related("category").prefetch_related("work_areas"),
    ]

    def chunks():
        for queryset in querysets:
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), REBUILD_CHUNK):
                pages = list(queryset.filter(pk__in=ids[start : start + REBUILD_CHUNK]))
                if restrictions_known:
                    _know_view_restrictions(pages, restrictions)
                actions = []
                for page in pages:
                    document = document_for(page)
                    actions.append(
                        {
                            "_index": new_name,
                            "_id": str(page.pk),
                            "_source": document.to_dict(skip_empty=False),
                        }
                    )
                yield actions

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
    allowed = Q("terms", visibility=scope["levels"])
    if scope["groups"]:
        allowed |= Q("term", visibility=visibility.Visibility.RESTRICTED.value) & Q(
            "terms", groups=scope["groups"]
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


def build_search(text, filters, user):
    """The elasticsearch-dsl ``Search`` for a query, filters and reader; ``None`` if empty."""
    matches = _terms_query("all_tokens", text)
    if matches is None:
        return None
    client()
    search = Search(using="jingjian", index=alias_name()).filter(matches)
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
    search = search.sort(
        {"_score": {"order": "desc"}},
        {"first_published_at": {"order": "desc", "missing": "_last"}},
        {"page_id": {"order": "desc"}},
    )
    return search


class ElasticsearchEngine:
    name = "elasticsearch"
    max_results = MAX_RESULTS

    def ranked_ids(self, text, queryset, limit=MAX_RESULTS):
        """Ids of pages in ``queryset`` (already narrowed to what the reader may see) matching
        ``text``, in rank order."""
        search = build_search(text, {}, EVERYONE)
        if search is None:
            return []
        search = search.source(False).extra(size=limit, track_total_hits=True)
        ids = [int(hit.meta.id) for hit in search.execute()]
        allowed = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        return [pk for pk in ids if pk in allowed]

    def run_search(self, text, filters, user, page_number, per_page):
        from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
        from wagtail.models import Page

        from jingjian.core.search import (
            FacetValue,
            Outcome,
            facet_labels,
            prepare_query,
            rank_terms,
        )

        search = build_search(text, filters, user)
        if search is None:
            return Outcome(query="", terms=[], total=0, results=[], engine=self.name), None
        for name, field in FACET_FIELDS.items():
            search.aggs.bucket(name, "terms", field=field, size=60)
        try:
            number = max(1, int(page_number or 1))
        except (TypeError, ValueError):
            number = 1
        total = search.extra(size=0, track_total_hits=True).execute().hits.total.value
        pages = max(1, -(-total // per_page))
        number = min(number, pages)
        start = (number - 1) * per_page
        search = search.extra(track_total_hits=True)[start : start + per_page]
        search = search.highlight(
            "highlight_text",
            number_of_fragments=0,
            pre_tags=[HIGHLIGHT_START],
            post_tags=[HIGHLIGHT_END],
            highlight_query=_highlight_query(text),
        )
        response = search.execute()
        ids = [int(hit.meta.id) for hit in response]
        loaded = visibility.visible_pages(Page.objects.filter(pk__in=ids), user).specific()
        by_pk = {p.pk: p for p in loaded}
        results = []
        for hit in response:
            page = by_pk.get(int(hit.meta.id))
            if page is None:
                continue
            fragments = getattr(getattr(hit.meta, "highlight", None), "highlight_text", None)
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
            ]
        paginator = Paginator(range(total), per_page)
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
