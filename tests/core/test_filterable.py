"""The public listings, search and feeds take any query string without a server error (on the
database backend and on Elasticsearch)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db

URLS = ["/cases/", "/cases/feed/", "/exemplars/", "/exemplars/feed/", "/search/"]
PARAMETERS = [
    "q", "page", "type", "problem_type", "source", "work_area", "sanction",
    "discipline_form", "year", "category",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["推诿", "2024", "1948", "party:warning", "case", "0", "-1", "1e9"]),
)


@pytest.fixture
def content(search_engine):
    HandlingFactory(page=CaseStudyPageFactory(title="推诿扯皮案例"))
    ExemplarPageFactory()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(URLS),
    params=st.dictionaries(
        st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)),
        st.one_of(VALUES, st.lists(VALUES, max_size=3)),
        max_size=4,
    ),
)
def test_any_query_string_gives_a_page(client, content, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, params)
