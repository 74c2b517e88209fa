"""Relevance figures for the demo content on the database backend (and Elasticsearch when
ELASTICSEARCH_URL is set). Prints JSON.

Usage: .venv/bin/python bench/relevance.py
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    workdir = tempfile.mkdtemp(prefix="jingjian-relevance-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/relevance.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    es_url = os.environ.get("ELASTICSEARCH_URL", "")
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"jingjian_relevance_{os.getpid()}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tests.search import relevance

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    reports = {}
    database = relevance.evaluate()
    reports["database"] = {k: v for k, v in database.items() if k != "rows"}
    if es_url:
        from jingjian.settings.base import elasticsearch_search_backends
        from tests.support import elasticsearch as support_elasticsearch

        settings.WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(
            es_url, settings.ELASTICSEARCH_INDEX_PREFIX
        )
        call_command("update_index", verbosity=0)
        try:
            report = relevance.evaluate()
            reports["elasticsearch"] = {k: v for k, v in report.items() if k != "rows"}
        finally:
            support_elasticsearch.delete_indices(f"{settings.ELASTICSEARCH_INDEX_PREFIX}_*")
    sizes = [row["expected"] for row in database["rows"]]
    print(
        json.dumps(
            {
                "benchmark": "relevance",
                "queries": len(sizes),
                "expected_pages_per_query": {
                    "min": min(sizes),
                    "median": sorted(sizes)[len(sizes) // 2],
                    "max": max(sizes),
                },
                "engines": reports,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
