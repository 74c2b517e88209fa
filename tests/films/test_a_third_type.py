"""A content type added by writing one app (``tests.films``): found by search on both engines,
listed and filtered by its own facet, followed in the listing's and the channels' feeds, and
delivered to a channel, with no line under ``site/`` naming it."""

import datetime
import json
from pathlib import Path

import pytest
from django.test import RequestFactory
from wagtail.models import Page

from jingjian.core import content_types
from jingjian.syndication import feeds
from jingjian.syndication.models import Channel, ChannelKind, Delivery
from tests.films.models import FilmIndexPage, FilmPage
from tests.support.channels import WebhookReceiver

pytestmark = pytest.mark.django_db

SITE = Path(__file__).resolve().parents[2] / "site"
SECRET = "hmac-secret-警示片"


def body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


@pytest.fixture
def films():
    home = Page.objects.get(depth=2)
    index = home.add_child(instance=FilmIndexPage(title="警示片", slug="films"))
    made = []
    for title, kind, year, text in [
        (
            "《蛀虫》——某局干部挪用扶贫资金警示录",
            "feature",
            2024,
            "扶贫资金被层层截留，群众迟迟拿不到补贴。",
        ),
        ("《一张工单》——12345热线虚假办结警示", "micro", 2025, "工单“已办结”，问题却原封不动。"),
        (
            "《围猎》——从收受购物卡到严重违纪",
            "feature",
            2025,
            "一张购物卡打开了缺口，最终滑向深渊。",
        ),
    ]:
        film = index.add_child(
            instance=FilmPage(
                title=title,
                slug=f"film-{len(made)}",
                date=datetime.date(year, 3, 1),
                kind=kind,
                producer="鉴湖区纪委监委宣传部",
                summary=text,
                body=body(f"{text}以案为鉴，以案促改。"),
            )
        )
        film.save_revision().publish()
        made.append(film)
    return index, made


def test_nothing_under_site_names_the_type():
    for path in SITE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "films" not in text and "FilmPage" not in text, path


def test_the_type_is_registered_with_its_facets():
    film = content_types.of(FilmPage)
    assert film.name == "film" and film.label == "警示片"
    assert [f.name for f in film.facets] == ["film_kind", "year"]


def test_search_finds_it_and_filters_by_its_facet(search_engine, films, client):
    _index, (corruption, ticket, hunting) = films
    found = client.get("/search/", {"q": "以案促改"}).content.decode()
    assert all(f.title in found for f in films[1]), search_engine
    assert "片种" in found and "专题片" in found and "警示片" in found  # its facet and its type

    micro = client.get("/search/", {"q": "以案促改", "film_kind": "micro"}).content.decode()
    assert ticket.title in micro
    assert corruption.title not in micro and hunting.title not in micro

    by_type = client.get("/search/", {"q": "以案为鉴", "type": "film"}).content.decode()
    assert "共找到 3 条结果" in by_type, search_engine
    # Searched but not shown: the producer finds the films.
    assert "共找到 3 条结果" in client.get("/search/", {"q": "纪委监委宣传部"}).content.decode()


def test_a_search_finding_nothing_offers_its_listing(films, client):
    index, _made = films
    nothing = client.get("/search/", {"q": "查无此词"}).content.decode()
    assert f'<a href="{index.url}">警示片</a>' in nothing


def test_search_highlights_its_body(search_engine, films, client):
    found = client.get("/search/", {"q": "购物卡"}).content.decode()
    assert "<mark>购物卡</mark>" in found


def test_its_listing_filters_by_its_facets(films, client):
    index, (corruption, ticket, hunting) = films
    listing = client.get(index.url).content.decode()
    assert "共 3 部" in listing and "片种" in listing and "摄制年份" in listing
    features = client.get(index.url, {"film_kind": "feature"}).content.decode()
    assert "共 2 部" in features and ticket.title not in features
    of_2025 = client.get(index.url, {"film_kind": "feature", "year": "2025"}).content.decode()
    assert "共 1 部" in of_2025 and hunting.title in of_2025
    # A value the facet does not offer is dropped, not an error.
    assert client.get(index.url, {"film_kind": "cartoon"}).status_code == 200


def test_its_listing_feed_and_the_channel_feeds_carry_it(films, client, settings):
    settings.PUBLIC_BASE_URL = "https://jingjian.example.gov.cn"
    index, made = films
    rss = client.get(f"{index.url}feed/", {"film_kind": "micro"}).content.decode()
    assert made[1].title in rss and made[0].title not in rss
    channel = Channel.objects.create(name="区新闻客户端", slug="app", kind=ChannelKind.APP)
    request = RequestFactory().get("/syndication/app/feed.json")
    items = json.loads(feeds.channel_json_feed(request, slug=channel.slug).content)["items"]
    assert {f.title for f in made} <= {item["title"] for item in items}


def test_it_is_delivered_to_a_channel(films, django_capture_on_commit_callbacks):
    _index, made = films
    film = made[2]
    with WebhookReceiver(SECRET, timeout_delay=1.5) as receiver:
        channel = Channel.objects.create(
            name="区融媒体中心接口",
            kind="webhook",
            endpoint=receiver.url,
            secret=SECRET,
            retry_base_seconds=0,
            timeout_seconds=1,
        )
        film.channels.set([channel])
        with django_capture_on_commit_callbacks(execute=True):
            film.save_revision().publish()
        delivery = Delivery.objects.get(page=film)
        assert delivery.status == "sent"
        [(_key, event, sent)] = receiver.received
    assert event == "published" and sent["title"] == film.title
    assert sent["meta"]["type"] == "films.FilmPage"
    assert receiver.rejected_signatures == 0
