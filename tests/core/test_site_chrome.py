"""Accessibility and Chinese chrome on every page type: one <h1>, skip link, landmarks, alt text."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.images_without_alt = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "img" and not attrs.get("alt"):
            self.images_without_alt.append(attrs.get("src"))


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def every_page_url(client):
    exemplar = ExemplarPageFactory()
    case = CaseStudyPageFactory()
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="照片", file=get_test_image_file())
    exemplar.portrait = image
    exemplar.save()
    return [
        "/",
        "/exemplars/",
        "/cases/",
        exemplar.url,
        case.url,
        "/search/?q=王某",
        "/accounts/login/",
        "/accounts/logged-out/",
    ]


def test_every_page_has_one_h1_skip_link_landmarks_and_alt_text(client, every_page_url):
    for url in every_page_url:
        response = client.get(url)
        assert response.status_code == 200, url
        page = outline(response)
        tags = [t for t, _ in page.tags]
        assert tags.count("h1") == 1, url
        assert page.html_lang == "zh-Hans", url
        assert ("a", {"class": "skip-link", "href": "#main"}) in page.tags, url
        assert any(t == "main" and a.get("id") == "main" for t, a in page.tags), url
        assert "header" in tags and "footer" in tags and "nav" in tags, url
        assert page.images_without_alt == [], url
        assert 'name="viewport"' in response.content.decode(), url


def test_article_pages_link_a_print_stylesheet(client, every_page_url):
    body = client.get(every_page_url[3]).content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.css" media="print">', body)


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_404_page_is_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_admin_is_chinese(client, superuser):
    client.force_login(superuser)
    body = client.get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in body
    assert "控制面板" in body and "跳到主要内容" in body
    explorer = client.get("/admin/pages/").content.decode()
    assert "警示案例" in explorer and "先进典型" in explorer and "发布" in explorer
    client.logout()
    login = client.get("/admin/login/").content.decode()
    assert "登录" in login
