"""The 内部 and 限定 marks on listings and search results (``visibility_badge``): readers who may
see an intranet or restricted page are told so beside its title, in the visibility module's
words, with the same few queries however long the list."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.models import CaseIndexPage
from jingjian.core import visibility
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

INTRANET = ("内部", "内部资料：仅供登录的党员干部学习使用")
RESTRICTED = ("限定", "限定范围：仅供指定人员阅读")


class Headings(HTMLParser):
    """{title: (mark, its tooltip)} of the linked headings of a listing or of search results
    that carry a visibility mark."""

    def __init__(self):
        super().__init__()
        self.found, self.heading, self.link, self.badge = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "h3"):
            self.heading = {"title": "", "badge": None}
        elif self.heading is not None and tag == "a":
            self.link = True
        elif self.heading is not None and "badge" in (attrs.get("class") or "").split():
            self.badge = ["", attrs.get("title")]

    def handle_endtag(self, tag):
        if tag == "a":
            self.link = None
        elif tag == "span" and self.badge is not None:
            self.heading["badge"], self.badge = tuple(self.badge), None
        elif tag in ("h2", "h3") and self.heading is not None:
            if self.heading["badge"]:
                self.found[self.heading["title"]] = self.heading["badge"]
            self.heading = None

    def handle_data(self, data):
        if self.badge is not None:
            self.badge[0] += data
        elif self.link:
            self.heading["title"] += data


def badges(response):
    parser = Headings()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def levels(make_page_visible):
    public = CaseStudyPageFactory(title="公开的推诿扯皮案例")
    intranet = make_page_visible(CaseStudyPageFactory(title="内部的推诿扯皮案例"), "intranet")
    restricted = make_page_visible(CaseStudyPageFactory(title="限定的推诿扯皮案例"), "restricted")
    exemplar = make_page_visible(ExemplarPageFactory(name="何志远"), "intranet")
    return {"public": public, "intranet": intranet, "restricted": restricted, "exemplar": exemplar}


def test_a_reader_sees_the_intranet_mark_in_listings_and_search(client, reader, levels):
    client.force_login(reader)
    listing = client.get("/cases/")
    assert badges(listing) == {"内部的推诿扯皮案例": INTRANET}
    found = client.get("/search/", {"q": "推诿扯皮"})
    assert badges(found) == {"内部的推诿扯皮案例": INTRANET}
    assert badges(client.get("/exemplars/")) == {"何志远": INTRANET}
    home = client.get("/")  # its cards and latest cases
    assert badges(home) == {"何志远": INTRANET, "内部的推诿扯皮案例": INTRANET}


def test_discipline_staff_see_the_restricted_mark(client, discipline_user, levels):
    client.force_login(discipline_user)
    expected = {"内部的推诿扯皮案例": INTRANET, "限定的推诿扯皮案例": RESTRICTED}
    assert badges(client.get("/cases/")) == expected
    assert badges(client.get("/search/", {"q": "推诿扯皮"})) == expected


def test_anonymous_readers_see_public_pages_unmarked(client, levels):
    assert badges(client.get("/cases/")) == {}
    assert badges(client.get("/search/", {"q": "推诿扯皮"})) == {}
    assert "公开的推诿扯皮案例" in client.get("/cases/").content.decode()


def test_the_mark_follows_a_restriction_on_an_ancestor(client, reader, make_page_visible):
    """The visibility module decides: a login restriction on the index covers its cases."""
    case = CaseStudyPageFactory(title="栏目整体内部的案例")
    make_page_visible(CaseIndexPage.objects.get(), "intranet")
    assert visibility.visibility_of(case) == visibility.Visibility.INTRANET
    client.force_login(reader)
    assert badges(client.get("/cases/")) == {"栏目整体内部的案例": INTRANET}


def test_marks_cost_the_same_queries_for_a_long_list(client, reader, make_page_visible):
    def count(address):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        return len(captured), len(badges(response))

    client.force_login(reader)
    for n in range(2):
        make_page_visible(CaseStudyPageFactory(title=f"内部推诿扯皮{n}"), "intranet")
    few = {address: count(address) for address in ("/cases/", "/search/?q=推诿扯皮")}
    for n in range(8):
        make_page_visible(CaseStudyPageFactory(title=f"更多内部推诿扯皮{n}"), "intranet")
    for address, (queries, marked) in few.items():
        assert marked == 2
        assert count(address) == (queries, 10), address
