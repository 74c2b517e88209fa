"""Exemplar profiles: validation, rendering, the index and its filters."""

import pytest
from django.core.exceptions import ValidationError

from exemplars.models import ExemplarCategory
from jingjian.core.models import WorkArea
from tests.factories import ExemplarPageFactory, HonourFactory

pytestmark = pytest.mark.django_db


def test_summary_longer_than_120_characters_is_refused():
    page = ExemplarPageFactory()
    page.summary = "事" * 121
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "最多 120 个字" in str(error.value)
    page.summary = "事" * 120
    page.full_clean()


def test_identity_line_follows_the_release_format():
    page = ExemplarPageFactory(name="陈晓梅", birth_year=1976, birth_month=8)
    assert (
        page.identity_line()
        == "陈晓梅，女，汉族，中共党员，1976年8月生，现任临江镇上坝村党支部书记"
    )
    page.posthumous = True
    assert page.identity_line().endswith("生前系临江镇上坝村党支部书记")


def test_profile_page_shows_every_part(client):
    page = ExemplarPageFactory(name="陈晓梅", citation="她把青春留在山村。")
    page.work_areas.set([WorkArea.objects.get(name="精准脱贫")])
    page.save()
    HonourFactory(
        page=page, title="全国脱贫攻坚先进个人", awarding_body="中共中央、国务院", year=2021
    )
    body = client.get(page.url).content.decode()
    for expected in [
        page.title,
        page.summary,
        "陈晓梅，女，汉族",
        "先进事迹",
        "修通致富路",
        "全国脱贫攻坚先进个人",
        "中共中央、国务院",
        "颁奖词",
        "她把青春留在山村。",
        "精准脱贫",
        "公开",
    ]:
        assert expected in body, expected


def test_index_filters_by_category_and_work_area(client):
    ExemplarPageFactory(name="甲", category=ExemplarCategory.objects.get(name="见义勇为"))
    second = ExemplarPageFactory(name="乙")
    second.work_areas.set([WorkArea.objects.get(name="环境治理")])
    second.save()
    names = lambda r: {p.name for p in r.context["items"]}  # noqa: E731
    assert names(client.get("/exemplars/")) == {"甲", "乙"}
    assert names(client.get("/exemplars/", {"category": "见义勇为"})) == {"甲"}
    assert names(client.get("/exemplars/", {"work_area": "环境治理"})) == {"乙"}
    assert names(client.get("/exemplars/", {"category": "nope", "page": "zz"})) == {"甲", "乙"}


def test_index_feed(client):
    ExemplarPageFactory(name="丙", title="丙的事迹")
    body = client.get("/exemplars/feed/").content.decode()
    assert "<title>丙的事迹</title>" in body


def test_listing_query_count_is_bounded(client, django_assert_max_num_queries):
    for n in range(8):
        page = ExemplarPageFactory(name=f"典型{n}")
        page.work_areas.set(WorkArea.objects.all()[:3])
        page.save()
    with django_assert_max_num_queries(20):
        response = client.get("/exemplars/")
    assert len(response.context["items"]) == 8


@pytest.mark.parametrize(
    "unit, post, expected",
    [
        ("临江镇上坝村", "党支部书记", "临江镇上坝村党支部书记"),
        ("鉴湖区石桥镇上坝村党支部", "石桥镇上坝村党支部书记", "鉴湖区石桥镇上坝村党支部书记"),
        ("鉴湖区税务局", "鉴湖区税务局第一税务所所长", "鉴湖区税务局第一税务所所长"),
        ("鉴湖区临江镇江湾村党总支", "临江镇江湾村党总支书记", "鉴湖区临江镇江湾村党总支书记"),
        # The post restates a place the unit names further in.
        ("鉴湖区白沙镇人民政府", "白沙镇应急管理办公室副主任", "鉴湖区白沙镇应急管理办公室副主任"),
        (
            "鉴湖区城关街道南门社区居民委员会",
            "城关街道南门社区专职网格员",
            "鉴湖区城关街道南门社区专职网格员",
        ),
        ("鉴湖区政务服务中心", "鉴湖区12345热线督办科科长", "鉴湖区12345热线督办科科长"),
        # Two characters that happen to recur are no place name: both kept whole.
        ("鉴湖区农业农村局", "农村工作科科长", "鉴湖区农业农村局农村工作科科长"),
        ("", "镇长", "镇长"),
        ("临江镇", "", "临江镇"),
    ],
)
def test_unit_and_post_are_joined_without_repetition(unit, post, expected):
    from exemplars.models import join_unit_and_post

    assert join_unit_and_post(unit, post) == expected


def test_cards_say_the_unit_and_the_post_once(client):
    """On the index and the home page (“…江湾村党总支临江镇江湾村党总支书记” was printed)."""
    ExemplarPageFactory(
        name="周立军", unit="鉴湖区临江镇江湾村党总支", post="临江镇江湾村党总支书记", featured=True
    )
    for address in ("/exemplars/", "/"):
        body = client.get(address).content.decode()
        assert '<p class="card__subtitle">鉴湖区临江镇江湾村党总支书记</p>' in body, address
        assert "党总支临江镇" not in body, address
