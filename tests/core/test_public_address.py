"""Every full link the site hands out carries one public address: the default Wagtail Site's
(what ``load_demo_content --site http://HOST:PORT`` sets, so ``make run PORT=8101`` links to
8101), or ``PUBLIC_BASE_URL`` where a deployment sets it. API, listing and channel feeds,
sitemap and a webhook delivery's payload are read through HTTP, as their users read them."""

import json
import re

import pytest
import wagtail_factories
from wagtail.models import Site

from jingjian.syndication.models import Channel
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.support.channels import WebhookReceiver

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8101"
OVERRIDE = "https://www.jianhu.gov.cn"
SECRET = "webhook-secret"
# Namespaces and format identifiers inside the documents, not links.
STANDARDS = ("http://www.w3.org/", "http://www.sitemaps.org/", "https://jsonfeed.org/")
FULL_URL = re.compile(r"""https?://[^\s"'<>\\]+""")


@pytest.fixture
def site_8101(db):
    """The default site at http://127.0.0.1:8101, as ``load_demo_content --site`` leaves it."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "127.0.0.1", 8101
    site.save()
    yield site
    # The rollback restores the row but not Wagtail's cache of site addresses.
    Site.clear_site_root_paths_cache()


@pytest.fixture(params=["site", "override"])
def public_address(request, site_8101, settings):
    """The address links must carry: the Site's by default, PUBLIC_BASE_URL when it is set."""
    if request.param == "override":
        settings.PUBLIC_BASE_URL = OVERRIDE + "/"
        return OVERRIDE
    return SITE


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as server:
        yield server


@pytest.fixture
def pages():
    exemplar = ExemplarPageFactory(title="扎根山村的好书记")
    case = CaseStudyPageFactory(title="区某局推诿扯皮问题")
    return exemplar, case


def full_links(text):
    return [url for url in FULL_URL.findall(text) if not url.startswith(STANDARDS)]


def assert_all_on(address, text, where):
    links = full_links(text)
    assert links, f"{where}: no full links at all"
    wrong = [url for url in links if not url.startswith(address + "/")]
    assert not wrong, f"{where}: links not on {address}: {wrong[:5]}"
    assert ":8000" not in text and "testserver" not in text, where


def test_the_api_links_to_the_public_address(client, public_address, pages):
    exemplar, case = pages
    detail = client.get(f"/api/v2/pages/{exemplar.pk}/").json()
    assert detail["meta"]["detail_url"] == f"{public_address}/api/v2/pages/{exemplar.pk}/"
    assert detail["meta"]["html_url"] == f"{public_address}{exemplar.url}"
    parent = detail["meta"]["parent"]["meta"]
    assert parent["html_url"] == f"{public_address}/exemplars/"
    assert parent["detail_url"] == f"{public_address}/api/v2/pages/{exemplar.get_parent().pk}/"

    listing = client.get("/api/v2/pages/", {"type": "casestudies.CaseStudyPage"})
    (item,) = listing.json()["items"]
    assert item["meta"]["html_url"] == f"{public_address}{case.url}"
    assert_all_on(public_address, listing.content.decode(), "/api/v2/pages/")

    found = client.get("/api/v2/pages/find/", {"html_path": exemplar.url})
    assert found.status_code == 302
    assert found["Location"].startswith(f"{public_address}/api/v2/pages/{exemplar.pk}/")


def test_the_document_api_links_to_the_public_address(client, public_address):
    document = wagtail_factories.DocumentFactory(title="廉政提醒")
    link = f'<p><a linktype="document" id="{document.pk}">廉政提醒</a></p>'
    ExemplarPageFactory(deeds=[{"type": "paragraph", "value": link}])  # the API lists used ones
    response = client.get(f"/api/v2/documents/{document.pk}/")
    meta = response.json()["meta"]
    assert meta["detail_url"] == f"{public_address}/api/v2/documents/{document.pk}/"
    assert meta["download_url"].startswith(f"{public_address}/documents/{document.pk}/")


def test_the_case_listing_feed_links_to_the_public_address(client, public_address, pages):
    _exemplar, case = pages
    body = client.get("/cases/feed/").content.decode()
    assert f"<link>{public_address}{case.url}</link>" in body
    assert f'href="{public_address}/cases/feed/"' in body  # the feed's own address
    assert_all_on(public_address, body, "/cases/feed/")


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json"])
def test_channel_feeds_link_to_the_public_address(client, public_address, pages, name):
    channel = Channel.objects.create(name="鉴湖发布", slug="jianhu", kind="app", secret=SECRET)
    exemplar, case = pages
    body = client.get(f"/syndication/{channel.slug}/{name}").content.decode()
    for page in pages:
        assert f"{public_address}{page.url}" in body, name
    assert f"{public_address}/syndication/jianhu/{name}" in body, name
    assert_all_on(public_address, body, name)


def test_the_sitemap_lists_the_public_address(client, public_address, pages):
    body = client.get("/sitemap.xml").content.decode()
    for page in pages:
        assert f"<loc>{public_address}{page.url}</loc>" in body
    assert_all_on(public_address, body, "sitemap.xml")


def test_a_webhook_delivery_carries_the_public_address(
    public_address, receiver, django_capture_on_commit_callbacks
):
    channel = Channel.objects.create(
        name="鉴湖客户端", kind="webhook", endpoint=receiver.url, secret=SECRET
    )
    page = ExemplarPageFactory(title="扎根山村的好书记")
    page.channels.set([channel])
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    [(_key, event, body)] = receiver.received
    assert event == "published"
    assert body["meta"]["html_url"] == f"{public_address}{page.url}"
    assert body["meta"]["detail_url"] == f"{public_address}/api/v2/pages/{page.pk}/"
    assert body["meta"]["parent"]["meta"]["html_url"] == f"{public_address}/exemplars/"
    assert_all_on(public_address, json.dumps(body, ensure_ascii=False), "webhook payload")
