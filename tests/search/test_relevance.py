"""Relevance over the demo content, on every engine: every page containing the query is found,
nothing else is, and a page whose title contains the query is among the first three."""

import pytest
from django.core.management import call_command

from tests.search import relevance


@pytest.mark.django_db
def test_relevance_suite(demo_content, search_engine):
    if search_engine == "elasticsearch":
        call_command("update_index", verbosity=0)
    report = relevance.evaluate()
    assert report["queries"] >= 60
    failures = [
        (row["query"], row["missed"], row["unexpected"])
        for row in report["rows"]
        if row["recall"] < 1.0 or row["precision"] < 1.0 or not row["title_match_in_top3"]
    ]
    assert failures == [], failures
    # The suite must exercise something: most queries find several pages.
    assert sum(1 for row in report["rows"] if row["expected"] >= 2) >= 40
