"""The statistics page asks the database a fixed number of questions, however large the
register: every breakdown is one grouped query, never one per cell or per row."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.register import register_records, write_register

PAGES = ["/statistics/?period=2025", "/statistics/figures.json?period=2025"]


def queries_for(client, url):
    cache.clear()  # the figures counted again, not read from the cache
    client.get(url)  # the session and the user's groups, as on any later request
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["reader", "discipline_user"])
def test_the_number_of_queries_does_not_grow_with_the_register(db, client, request, url, who):
    client.force_login(request.getfixturevalue(who))
    write_register(register_records(seed=1, persons=40))
    small = queries_for(client, url)
    assert small > 5  # the figures were counted, not served from a cache
    write_register(register_records(seed=2, persons=1500))
    assert queries_for(client, url) == small


def test_a_span_cutting_months_asks_a_fixed_number_of_queries(db, client, discipline_user):
    """The days of the months a span covers in part are counted from the register, the whole
    months from its summary: still no query per row."""
    client.force_login(discipline_user)
    url = "/statistics/?period=2024-02-10..2025-11-20"
    write_register(register_records(seed=1, persons=40))
    small = queries_for(client, url)
    write_register(register_records(seed=2, persons=1500))
    assert queries_for(client, url) == small
