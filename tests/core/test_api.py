"""The API's query parameters: a malformed one is a 400 with a Chinese JSON message saying what
the parameter may be, never a 500 (``core.api`` and ``core.api_parameters``)."""

import re

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from jingjian.core import api_parameters
from tests.core.test_media_access import png
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Half-width punctuation beside a Chinese character (GB/T 15834 asks for full-width there).
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")
PAGES, IMAGES, DOCUMENTS = "/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"
CASES = {"type": "casestudies.CaseStudyPage"}


@pytest.fixture
def content(db):
    case = CaseStudyPageFactory(title="接口里的案例")
    document = get_document_model().objects.create(
        title="公开文件", file=ContentFile(b"x", name="a.txt")
    )
    # The documents API lists what a live page uses.
    ExemplarPageFactory(
        deeds=[
            {
                "type": "paragraph",
                "value": f'<p>见<a linktype="document" id="{document.pk}">公开文件</a>。</p>',
            }
        ]
    )
    return case


def assert_chinese_refusal(response, status=400, echoed=()):
    """A 400 with a Chinese message in full-width punctuation; ``echoed`` (the request's own
    parameter names and values, which the message may quote) is left out of the typography
    check."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    message = response.json()["message"]
    assert CHINESE.search(message), message
    ours = message
    # As the message quotes them: without control characters, cut at 30 (api_parameters.shown).
    quoted = {str(t) for t in echoed if t} | {api_parameters.shown(t) for t in echoed if t}
    for text in sorted(quoted, key=len, reverse=True):
        ours = ours.replace(text, "")
    assert not HALF_WIDTH.search(ours), message
    return message


@pytest.mark.parametrize(
    "url, params, expected",
    [
        (PAGES, CASES | {"date_handled": "x"}, "参数“date_handled”应为日期，格式为 YYYY-MM-DD。"),
        (PAGES, {"type": "exemplars.ExemplarPage", "date": "2024-13-01"}, "“date”应为日期"),
        (PAGES, {"first_published_at": "x"}, "“first_published_at”应为日期时间"),
        (PAGES, CASES | {"problem_types": "推诿扯皮"}, "“problem_types”应为编号（正整数）"),
        (PAGES, CASES | {"work_area": "x"}, "“work_area”应为编号"),
        (PAGES, {"show_in_menus": "yes"}, "“show_in_menus”应为 true 或 false。"),
        (PAGES, {"id": "x"}, "“id”应为编号"),
        (PAGES, {"id": str(10**25)}, "“id”应为编号"),
        (PAGES, {"title": "a\x00b"}, "“title”含有控制字符"),
        (PAGES, {"offset": str(10**30)}, "“offset”应为 0 到 10000000 之间的整数。"),
        (PAGES, {"offset": "-1"}, "“offset”应为 0 到"),
        (PAGES, {"offset": "1e3"}, "“offset”应为 0 到"),
        (PAGES, {"limit": "-1"}, "“limit”应为 0 到 100 之间的整数。"),
        (PAGES, {"limit": str(10**30)}, "“limit”应为 0 到 100"),
        (PAGES, {"limit": "１０"}, "“limit”应为 0 到 100"),
        (PAGES, {"order": "no_such_field"}, "“order”应为可排序的字段名"),
        (
            PAGES,
            {"order": "random", "offset": "1"},
            "“order”为 random（随机）时不能同时使用 offset",
        ),
        (PAGES, {"fields": "((("}, "“fields”写法有误"),
        (PAGES, {"fields": "title,,"}, "“fields”写法有误"),
        (PAGES, {"fields": "no_such_field"}, "“fields”中有本接口没有的字段：no_such_field。"),
        (PAGES, {"fields": "甲,乙"}, "“fields”中有本接口没有的字段：乙、甲。"),
        (PAGES, {"search": "\x01\x02"}, "“search”含有控制字符"),
        (PAGES, {"search": "推诿\x00扯皮"}, "“search”含有控制字符"),
        (PAGES, {"search": "()"}, "“search”的搜索词中没有可搜索的文字"),
        (PAGES, {"search": "推诿", "search_operator": "xor"}, "“search_operator”应为 and 或 or。"),
        (PAGES, {"child_of": "x"}, "“child_of”应为页面编号（正整数）或 root。"),
        (PAGES, {"child_of": str(10**25)}, "“child_of”应为页面编号"),
        (PAGES, {"child_of": "999999"}, "“child_of”所指的页面不存在或您无权查看"),
        (PAGES, {"descendant_of": "x"}, "“descendant_of”应为页面编号"),
        (PAGES, {"ancestor_of": "root"}, "“ancestor_of”应为页面编号（正整数）。"),
        (PAGES, {"translation_of": "-3"}, "“translation_of”应为页面编号"),
        (PAGES, {"type": "no.Such"}, "“type”应为页面类型"),
        (PAGES, {"locale": "xx"}, "“locale”应为本站的语言代码"),
        (PAGES, {"site": "elsewhere.example"}, "“site”应为本站的域名"),
        (PAGES, {"rich_text_format": "pdf"}, "“rich_text_format”应为 html、markdown"),
        (PAGES, {"no_such_parameter": "1"}, "不认识的参数：no_such_parameter。"),
        (PAGES, {"一": "", "丁": ""}, "不认识的参数：一、丁。"),
        (PAGES + "find/", {"id": "x"}, "“id”应为编号"),
        (PAGES + "find/", {"html_path": "/cases/\x00"}, "“html_path”含有控制字符"),
        (IMAGES, {"id": "x"}, "“id”应为编号"),
        (IMAGES, {"width": "wide"}, "“width”应为 -2147483648 到 2147483647 之间的整数。"),
        (IMAGES, {"offset": str(10**30)}, "“offset”应为 0 到"),
        (IMAGES, {"limit": "-5"}, "“limit”应为 0 到"),
        (IMAGES, {"order": "x"}, "“order”应为可排序的字段名"),
        (IMAGES, {"fields": "x"}, "“fields”中有本接口没有的字段"),
        (IMAGES, {"tags": "\x00"}, "“tags”含有控制字符"),
        (IMAGES, {"child_of": "1"}, "不认识的参数：child_of。"),
        (DOCUMENTS, {"id": "x"}, "“id”应为编号"),
        (DOCUMENTS, {"offset": str(10**30)}, "“offset”应为 0 到"),
        (DOCUMENTS, {"order": "-x"}, "“order”应为可排序的字段名"),
        (DOCUMENTS, {"fields": ")"}, "“fields”写法有误"),
        (DOCUMENTS, {"search": "\x07"}, "“search”含有控制字符"),
    ],
)
def test_a_malformed_parameter_is_a_400_saying_what_it_may_be(
    client, content, url, params, expected
):
    assert expected in assert_chinese_refusal(client.get(url, params))


@pytest.mark.parametrize("params", [{"first_published_at": ""}, {"id": "x"}, {"order": "x"}])
def test_a_detail_view_checks_its_parameters_too(client, content, params):
    """DRF filters a detail view's queryset with the listing's backends."""
    assert_chinese_refusal(client.get(f"{PAGES}{content.pk}/", params))


def test_well_formed_parameters_still_answer(client, content):
    found = client.get(PAGES, CASES | {"date_handled": "2022-01-10", "fields": "title"})
    assert [item["title"] for item in found.json()["items"]] == ["接口里的案例"]
    ordered = client.get(PAGES, {"order": "-id", "limit": "1", "offset": "0"})
    assert ordered.status_code == 200 and len(ordered.json()["items"]) == 1
    assert client.get(PAGES, {"child_of": "root"}).status_code == 200
    assert client.get(DOCUMENTS, {"order": "title"}).json()["items"][0]["title"] == "公开文件"
    detail = client.get(f"{PAGES}{content.pk}/", {"fields": "title"})
    assert detail.status_code == 200 and detail.json()["title"] == "接口里的案例"


def test_not_found_is_said_in_chinese(client, content):
    assert "找不到" in assert_chinese_refusal(client.get(f"{PAGES}999999/"), status=404)
    assert "找不到" in assert_chinese_refusal(client.get(f"{DOCUMENTS}999999/"), status=404)
    missing = client.get(PAGES + "find/", {"html_path": "/no/such/page/"})
    assert "找不到" in assert_chinese_refusal(missing, status=404)


PARAMETERS = [
    "limit", "offset", "fields", "order", "search", "search_operator", "rich_text_format",
    "type", "child_of", "ancestor_of", "descendant_of", "translation_of", "locale", "site",
    "id", "title", "slug", "first_published_at", "last_published_at", "show_in_menus",
    "date_handled", "date", "problem_types", "work_area", "source", "category", "tags",
    "width", "height", "html_path", "_", "format", "subject", "period_start",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["root", "random", "-id", "*", "_", "true", "2024-05-01", "x", ""]),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    endpoint=st.sampled_from([PAGES, PAGES + "find/", IMAGES, DOCUMENTS, "detail"]),
    typed=st.booleans(),
    params=st.dictionaries(
        st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)),
        VALUES,
        max_size=3,
    ),
)
def test_random_parameters_never_give_a_server_error(client, content, endpoint, typed, params):
    url = f"{PAGES}{content.pk}/" if endpoint == "detail" else endpoint
    if typed and endpoint == PAGES:
        params = CASES | params
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.content[:300])
    if response.status_code == 400:
        assert_chinese_refusal(response, echoed=[*params.keys(), *params.values()])


def test_searching_images_answers_with_what_live_pages_use(client):
    """The media listing is narrowed to what visible live pages use; a search over it is
    answered from that list, not a 500 (the narrowing once was a subquery the search backend
    cannot compile)."""
    used = get_image_model().objects.create(title="窗口现场照片", file=png("used.png"))
    get_image_model().objects.create(title="窗口备用照片", file=png("unused.png"))
    ExemplarPageFactory(
        deeds=[{"type": "image", "value": {"image": used.pk, "decorative": False, "alt_text": ""}}]
    )
    for query in ("窗口", "0"):
        response = client.get("/api/v2/images/", {"search": query})
        assert response.status_code == 200, response.content[:300]
    titles = [
        item["title"] for item in client.get("/api/v2/images/", {"search": "窗口"}).json()["items"]
    ]
    assert titles == ["窗口现场照片"]
    response = client.get("/api/v2/documents/", {"search": "0"})
    assert response.status_code == 200, response.content[:300]


def test_a_parameter_name_with_a_control_character_is_refused_in_chinese(client):
    """Found by the property above: the message quotes the name without its control
    characters."""
    response = client.get(PAGES, {"?\x1f一": ""})
    message = assert_chinese_refusal(response, echoed=["?\x1f一"])
    assert message == "参数“?一”含有控制字符，请去掉后再试。"
