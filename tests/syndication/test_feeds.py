"""Channel feeds (RSS, Atom, JSON Feed): public content only, newest first, 50 at most."""

import datetime
import json

import factory
import pytest
from django.http import Http404
from django.test import RequestFactory

from casestudies.models import CaseFile, CaseFilePerson
from jingjian.syndication import feeds
from jingjian.syndication.models import Channel, ChannelKind
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

PUBLIC = "https://jingjian.example.gov.cn"


class ChannelFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"新闻客户端{n}")
    slug = factory.Sequence(lambda n: f"app-{n}")
    kind = ChannelKind.APP
    author = "鉴湖区融媒体中心"

    class Meta:
        model = Channel


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


def published(days):
    return datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=days)


def fetch(view, slug, name):
    request = RequestFactory().get(f"/syndication/{slug}/{name}")
    return view(request, slug=slug).content.decode("utf-8")


def all_feeds(slug):
    return {
        "rss": fetch(feeds.channel_rss, slug, "rss.xml"),
        "atom": fetch(feeds.channel_atom, slug, "atom.xml"),
        "json": fetch(feeds.channel_json_feed, slug, "feed.json"),
    }


def test_feeds_list_public_pages_and_never_intranet_or_restricted(make_page_visible):
    channel = ChannelFactory()
    public_exemplar = ExemplarPageFactory(title="公开的典型", first_published_at=published(1))
    public_case = CaseStudyPageFactory(title="公开的案例", first_published_at=published(2))
    intranet = make_page_visible(
        ExemplarPageFactory(title="内部的典型", first_published_at=published(3)), "intranet"
    )
    restricted = make_page_visible(
        CaseStudyPageFactory(title="限定的案例", first_published_at=published(4)), "restricted"
    )
    draft = ExemplarPageFactory(title="未发布的典型", live=False)
    for kind, body in all_feeds(channel.slug).items():
        assert public_exemplar.title in body and public_case.title in body, kind
        for hidden in (intranet, restricted, draft):
            assert hidden.title not in body, kind
            assert hidden.slug not in body, kind
        assert f"{PUBLIC}{public_case.url}" in body, kind


def test_a_restricted_section_hides_its_pages_too(make_page_visible):
    channel = ChannelFactory()
    page = CaseStudyPageFactory(title="栏目内的案例")
    make_page_visible(page.get_parent(), "restricted")
    for body in all_feeds(channel.slug).values():
        assert page.title not in body


def test_case_failing_the_anonymization_gate_stays_out():
    channel = ChannelFactory()
    page = CaseStudyPageFactory(title="某局王建国推诿扯皮问题")
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕1号",
        title="王建国案",
        raw_account="王建国推诿扯皮。",
    )
    page.source_case_file = case_file
    page.save()
    CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
    for body in all_feeds(channel.slug).values():
        assert "王建国" not in body


def test_json_feed_is_version_1_1_newest_first():
    channel = ChannelFactory(name="鉴湖发布", slug="jianhu")
    older = ExemplarPageFactory(title="较早的典型", first_published_at=published(1))
    newer = CaseStudyPageFactory(title="较新的案例", first_published_at=published(5))
    feed = json.loads(fetch(feeds.channel_json_feed, channel.slug, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "鉴湖发布 - 镜鉴"
    assert feed["feed_url"] == f"{PUBLIC}/syndication/jianhu/feed.json"
    assert [item["title"] for item in feed["items"]] == [newer.title, older.title]
    item = feed["items"][1]
    assert item["id"] == item["url"] == f"{PUBLIC}{older.url}"
    assert item["summary"] == item["content_text"] == older.summary
    assert item["date_published"].startswith("2024-01-02")
    assert item["tags"] == ["担当作为"]


def test_rss_and_atom_are_newest_first_with_50_items_at_most():
    channel = ChannelFactory()
    for n in range(52):
        ExemplarPageFactory(title=f"典型第{n:02d}号", first_published_at=published(n))
    bodies = all_feeds(channel.slug)
    for kind, body in bodies.items():
        assert "典型第51号" in body and "典型第02号" in body, kind
        assert "典型第01号" not in body and "典型第00号" not in body, kind
        assert body.index("典型第51号") < body.index("典型第50号"), kind
    assert bodies["rss"].count("<item>") == 50
    assert bodies["atom"].count("<entry>") == 50
    assert len(json.loads(bodies["json"])["items"]) == 50


def test_rss_and_atom_are_well_formed_feeds():
    channel = ChannelFactory(name="鉴湖发布", slug="jianhu")
    ExemplarPageFactory(first_published_at=published(1))
    rss = fetch(feeds.channel_rss, channel.slug, "rss.xml")
    assert rss.startswith('<?xml version="1.0" encoding="utf-8"?>\n<rss')
    assert "<title>鉴湖发布 - 镜鉴</title>" in rss
    atom = fetch(feeds.channel_atom, channel.slug, "atom.xml")
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom
    assert f'href="{PUBLIC}/syndication/jianhu/atom.xml"' in atom


@pytest.mark.parametrize("view", [feeds.channel_rss, feeds.channel_atom, feeds.channel_json_feed])
def test_unknown_or_inactive_channel_is_404(view):
    inactive = ChannelFactory(active=False)
    for slug in (inactive.slug, "no-such-channel"):
        with pytest.raises(Http404):
            view(RequestFactory().get("/"), slug=slug)
