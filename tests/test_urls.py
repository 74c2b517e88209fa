"""The site's own routes: logging in and out from the site header, as a browser does."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from jingjian.core.visibility import Visibility
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """Every <form> of a page: its attributes, its hidden inputs and its text (button labels)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.open = {"attrs": attrs, "hidden": {}, "text": []}
            self.forms.append(self.open)
        elif self.open and tag == "input" and attrs.get("type") == "hidden":
            self.open["hidden"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = None

    def handle_data(self, data):
        if self.open and data.strip():
            self.open["text"].append(data.strip())


def forms_of(response):
    parser = Forms()
    parser.feed(response.content.decode())
    return parser.forms


def form_with_button(response, label):
    forms = [f for f in forms_of(response) if label in f["text"]]
    assert len(forms) == 1, f"one form with a “{label}” button expected"
    return forms[0]


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def intranet_page(make_page_visible):
    return make_page_visible(CaseStudyPageFactory(title="内部通报的案例"), Visibility.INTRANET)


def log_in(browser, user):
    login_page = browser.get("/accounts/login/")
    form = form_with_button(login_page, "登录")
    response = browser.post(
        "/accounts/login/",
        {**form["hidden"], "username": user.username, "password": "pw-for-tests"},
    )
    assert response.status_code == 302


def test_a_reader_logs_out_with_the_header_button(browser, reader, intranet_page):
    log_in(browser, reader)
    page = browser.get(intranet_page.url)
    assert page.status_code == 200

    # Only the header's POST with its token logs out: a link, an image or another site's
    # form pointing here does nothing.
    assert browser.get("/accounts/logout/").status_code == 405
    assert browser.post("/accounts/logout/").status_code == 403
    assert browser.get(intranet_page.url).status_code == 200

    logout = form_with_button(page, "退出")
    assert logout["attrs"]["method"] == "post"
    assert "csrfmiddlewaretoken" in logout["hidden"]
    response = browser.post(logout["attrs"]["action"], logout["hidden"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/logged-out/"

    landing = browser.get(response["Location"])
    assert landing.status_code == 200
    body = landing.content.decode()
    assert "您已退出登录。" in body
    assert body.count("<h1>") == 1
    # The header offers the login again, without sending the reader back to this page.
    assert '<a href="/accounts/login/">内网登录</a>' in body

    # The session is gone: the intranet page asks for the login again.
    again = browser.get(intranet_page.url)
    assert again.status_code == 302
    assert again["Location"].startswith("/accounts/login/")


def test_logged_out_page_while_still_logged_in_offers_the_logout(browser, reader):
    log_in(browser, reader)
    page = browser.get("/accounts/logged-out/")
    assert page.status_code == 200
    assert "您仍处于登录状态" in page.content.decode()
    form = form_with_button(page, "退出登录")
    assert browser.post(form["attrs"]["action"], form["hidden"]).status_code == 302
    assert "您已退出登录。" in browser.get("/accounts/logged-out/").content.decode()
