"""Search at scale: index build time and query latency per backend. Prints JSON.

Usage:
  .venv/bin/python bench/search.py                    # N = 10,000 and 100,000 on SQLite
  .venv/bin/python bench/search.py --sizes 10000
  DATABASE_URL=postgres://... bench/search.py         # PostgreSQL instead of a temporary SQLite
  ELASTICSEARCH_URL=http://127.0.0.1:9200 bench/search.py   # also Elasticsearch

For each N it creates a throwaway database, writes N synthetic case studies and exemplars
(realistic Chinese recombined from the demo content's sentences, plus the taxonomies) straight
into the page tables, builds the search index and times a fixed query set: a ranked first page
of results (what a reader waits for) and, for information, the whole search page with facets.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "推诿扯皮",
    "形式主义",
    "12345热线",
    "营商环境",
    "河长制",
    "低保",
    "群众",
    "整改",
    "APP",
    "担当",
    "擔當",
    "招商引资 企业",
    "低保 村",
    "工单 满意",
    "鉴",
    "不作为不担当",
    "危房改造",
    "文山会海",
    "台账",
    "巡视整改",
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(function, repeat=3):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def latency(samples):
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
    }


def sentences():
    """Sentences from the demo content, the raw material of synthetic pages."""
    from demo.management.commands.load_demo_content import DEMO_DIR, DEMO_FILES
    from jingjian.importing.rows import read_rows

    found = []
    for name in DEMO_FILES:
        for _line, row in read_rows(DEMO_DIR / name):
            for key in ("body", "lessons", "summary", "citation"):
                for part in str(row.get(key, "")).replace("\n", "").split("。"):
                    part = part.strip("# >")
                    if 8 <= len(part) <= 120:
                        found.append(part + "。")
    return found


def create_pages(n, rng):
    """Write ``n`` live pages (80% case studies, 20% exemplars) directly into the tables."""
    import datetime
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from casestudies.choices import CaseSource
    from casestudies.models import (
        CaseIndexPage,
        CaseStudyPage,
        GovernancePriority,
        ProblemType,
        UnitType,
    )
    from exemplars.models import ExemplarCategory, ExemplarIndexPage, ExemplarPage
    from jingjian.core.models import WorkArea

    pool = sentences()
    problem_types = list(ProblemType.objects.all())
    unit_types = list(UnitType.objects.all())
    priorities = list(GovernancePriority.objects.all())
    areas = list(WorkArea.objects.all())
    categories = list(ExemplarCategory.objects.all())
    locale = Locale.objects.first()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    text_bytes = 0

    def step(i):
        out = ""
        for _ in range(4):
            i, r = divmod(i, 36)
            out = alphabet[r] + out
        return out

    def paragraph(count):
        return "".join(rng.choice(pool) for _ in range(count))

    for model, parent, share in [
        (CaseStudyPage, CaseIndexPage.objects.get(), 0.8),
        (ExemplarPage, ExemplarIndexPage.objects.get(), 0.2),
    ]:
        count = int(n * share)
        content_type = ContentType.objects.get_for_model(model)
        start = parent.numchild
        for chunk_start in range(0, count, 2000):
            pages, children = [], []
            for i in range(chunk_start, min(count, chunk_start + 2000)):
                number = start + i + 1
                day = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2800))
                moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
                surname = rng.choice(surnames)
                if model is CaseStudyPage:
                    problem = rng.choice(problem_types)
                    title = f"区某局原科长{surname}某在{rng.choice(areas).name}中{problem.name}问题{number}"
                    body = [paragraph(3), paragraph(3)]
                    summary = paragraph(1)[:110]
                else:
                    title = f"记鉴湖区{rng.choice(areas).name}一线干部{surname}{number}"
                    body = [paragraph(4), paragraph(4)]
                    summary = paragraph(1)[:110]
                text_bytes += len((title + summary + "".join(body)).encode("utf-8"))
                slug = f"bench-{model._meta.model_name}-{number}"
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        live=True,
                        path=parent.path + step(number),
                        depth=parent.depth + 1,
                        numchild=0,
                        url_path=f"{parent.url_path}{slug}/",
                        locale=locale,
                        translation_key=uuid.uuid4(),
                        first_published_at=moment,
                        last_published_at=moment,
                    )
                )
                stream = json.dumps(
                    [{"type": "paragraph", "value": f"<p>{p}</p>"} for p in body],
                    ensure_ascii=False,
                )
                if model is CaseStudyPage:
                    children.append(
                        dict(
                            subject=f"鉴湖区某局原科长{surname}某",
                            summary=summary,
                            unit_type=rng.choice(unit_types),
                            governance_priority=rng.choice(priorities),
                            work_area=rng.choice(areas),
                            source=rng.choice(CaseSource.values),
                            date_handled=day,
                            facts=stream,
                            lessons=paragraph(2),
                            named_in_bulletin=rng.random() < 0.3,
                            problem=problem,
                        )
                    )
                else:
                    children.append(
                        dict(
                            date=day,
                            name=f"{surname}{number}",
                            gender="male",
                            ethnicity="汉族",
                            birth_year=1970 + rng.randrange(30),
                            unit="鉴湖区某单位",
                            post="干部",
                            category=rng.choice(categories),
                            summary=summary,
                            deeds=stream,
                            citation=paragraph(1),
                        )
                    )
            created = Page.objects.bulk_create(pages)
            objects = []
            problem_links = []
            for page, values in zip(created, children, strict=True):
                problem = values.pop("problem", None)
                obj = model(page_ptr_id=page.pk, **values)
                obj.pk = page.pk
                objects.append(obj)
                if problem:
                    problem_links.append(
                        CaseStudyPage.problem_types.through(
                            casestudypage_id=page.pk, problemtype_id=problem.pk
                        )
                    )
            fields = [f for f in model._meta.local_concrete_fields]
            model._base_manager._insert(objects, fields=fields, using=connection.alias)
            if problem_links:
                CaseStudyPage.problem_types.through.objects.bulk_create(problem_links)
        Page.objects.filter(pk=parent.pk).update(numchild=start + count)
    return text_bytes


def build_database_index():
    """Index every page with ``manage.py update_index``; returns the seconds of the whole
    build (merging the index, building PostgreSQL's full-text indexes and gathering statistics
    included), its CPU seconds, and the seconds of the final merge alone."""
    from django.core.management import call_command

    from jingjian.search import backends as search_backends

    optimize = []
    optimize_search_tables = search_backends.optimize_search_tables

    def timed_optimize(db_connection=None):
        started = time.perf_counter()
        optimize_search_tables(db_connection)
        optimize.append(time.perf_counter() - started)

    search_backends.optimize_search_tables = timed_optimize
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        call_command("update_index", verbosity=0)
    finally:
        search_backends.optimize_search_tables = optimize_search_tables
    build = time.perf_counter() - started
    # CPU time of this process (Python and SQLite both run in it): unlike the wall clock, not
    # inflated when other work shares the machine's two cores.
    cpu = time.process_time() - cpu_started
    return build, cpu, sum(optimize)


def measure_queries(rounds):
    from django.http import QueryDict

    from jingjian.search import reader as search

    base = search.base_queryset(None)
    first_page, full_page = [], []
    counts = {}
    for _ in range(rounds):
        for query in QUERIES:
            first_page += timed(lambda q=query: list(search.search_pages(base, q)[:10]), 1)
            full_page += timed(lambda q=query: search.run_search(q, QueryDict(""), None, 1), 1)
    for query in QUERIES:
        outcome, _ = search.run_search(query, QueryDict(""), None, 1)
        counts[query] = outcome.total
    return first_page, full_page, counts


def run_size(n, args, es_url):
    workdir = tempfile.mkdtemp(prefix="jingjian-bench-search-")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if not args.database_url:
        settings.DATABASES["default"]["NAME"] = f"{workdir}/bench.sqlite3"
        connection.close()
        connection.settings_dict["NAME"] = f"{workdir}/bench.sqlite3"
    call_command("migrate", verbosity=0)
    rng = random.Random(n)
    started = time.perf_counter()
    text_bytes = create_pages(n, rng)
    create_seconds = time.perf_counter() - started
    megabytes = text_bytes / 1024 / 1024
    result = {
        "documents": n,
        "text_mb": round(megabytes, 1),
        "create_seconds": round(create_seconds, 1),
    }
    build, cpu, optimize = build_database_index()
    first, full, counts = measure_queries(args.rounds)
    result[connection.vendor] = {
        "index_build_seconds": round(build, 1),
        "index_build_seconds_per_mb": round(build / megabytes, 2),
        "index_build_cpu_seconds_per_mb": round(cpu / megabytes, 2),
        "of_which_final_merge_seconds": round(optimize, 1),
        "ranked_first_page": latency(first),
        "search_page_with_facets": latency(full),
    }
    result["matches_per_query"] = counts
    if es_url:
        from jingjian.search import elastic as search_elasticsearch
        from jingjian.settings.base import elasticsearch_search_backends
        from tests.support import elasticsearch as support_elasticsearch

        database_backends = settings.WAGTAILSEARCH_BACKENDS
        settings.ELASTICSEARCH_INDEX_PREFIX = f"jingjian_bench_{os.getpid()}_{n}"
        settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(
            es_url, settings.ELASTICSEARCH_INDEX_PREFIX
        )
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            search_elasticsearch.rebuild()
            build = time.perf_counter() - started
            cpu = time.process_time() - cpu_started  # this process only, not Elasticsearch
            es_first, es_took, es_full, cold = [], [], [], []
            # Passes before the timed ones: a freshly started node compiles its query code
            # (JIT) over its first few hundred searches, which a running server has long done
            # (100,000 pages: p95 31 ms in the first passes of a node started minutes before,
            # 15 ms in those of a node that had served a benchmark). The first is reported.
            for round_number in range(-args.warmup, args.rounds):
                for query in QUERIES:
                    search = search_elasticsearch.build_search(query, {}, None)[:10]
                    search = search.source(False).extra(track_total_hits=False)
                    started = time.perf_counter()
                    response = search.execute()
                    elapsed = (time.perf_counter() - started) * 1000
                    if round_number == -args.warmup:
                        cold.append(elapsed)
                    if round_number >= 0:
                        es_first.append(elapsed)
                        es_took.append(response.took)  # Elasticsearch's own time, in ms
            _, es_full, _ = measure_queries(args.rounds)
            result["elasticsearch"] = {
                "index_build_seconds": round(build, 1),
                "index_build_seconds_per_mb": round(build / megabytes, 2),
                "document_building_cpu_seconds_per_mb": round(cpu / megabytes, 2),
                "ranked_first_page_ids": latency(es_first),
                "ranked_first_page_ids_server_took": latency(es_took),
                "ranked_first_page_ids_first_pass": latency(cold),
                "search_page_with_facets": latency(es_full),
            }
        finally:
            support_elasticsearch.delete_indices(f"{settings.ELASTICSEARCH_INDEX_PREFIX}_*")
            settings.WAGTAILSEARCH_BACKENDS = database_backends
    if not args.database_url:
        connection.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set")
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="untimed passes over the query set on Elasticsearch first (the first is reported)",
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DATABASE_URL"] = args.database_url or "sqlite:///:memory:"
    es_url = os.environ.pop("ELASTICSEARCH_URL", "")
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jingjian-bench-media-")

    import django

    django.setup()
    from django.conf import settings

    # As production runs: with DEBUG, Django keeps every statement (the index batches' too,
    # megabytes each) and wraps each cursor call; that cost 9% of a PostgreSQL build.
    settings.DEBUG = False
    results = []
    for n in args.sizes.split(","):
        results.append(run_size(int(n), args, es_url))
        # Progress on stderr: a long run that is stopped still leaves its finished sizes.
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {"benchmark": "search", "queries": QUERIES, "runs": results},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
