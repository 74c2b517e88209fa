"""In a real browser (Debian's Chromium driven by Playwright) over real HTTP: the phone layout's
menu, searching from the home page, the filters of the case list, where things stand on a
desktop (1280 px) and a phone (390 px) screen, and an editor in the admin."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, UserFactory
from tests.support.admin_text import english, shown_in_the_browser
from tests.support.browser import DESKTOP, PHONE

# The live server reads the database from another thread, so the test commits; serialized
# rollback puts back the site tree, groups and taxonomies the migrations created.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def reader_pages():
    CaseStudyPageFactory(title="某街道12345热线工单虚假办结问题", problem_types=["纸上整改"])
    CaseStudyPageFactory(title="区某局审批推诿扯皮问题", problem_types=["推诿扯皮"])
    return {"exemplar without a photo": ExemplarPageFactory(name="陈晓梅", portrait=None)}


def check_phone_menu(browser, url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/")
    toggle = page.get_by_role("button", name="菜单")
    nav = page.locator("#site-nav")
    assert toggle.is_visible()
    assert not nav.is_visible()
    toggle.click()
    assert nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("h1").count() == 1
    page.close()


def check_search_from_the_home_page(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/")
    page.fill("#hero-search", "推諉扯皮")
    page.press("#hero-search", "Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".search-results__title")
    # Both pages mention it (the factory's summary does); the one with it in its title leads.
    assert results.count() == 2
    assert "推诿扯皮" in results.first.inner_text()
    assert page.locator(".search-results mark").count() >= 1
    page.close()


def check_case_filters_submit_on_change(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/cases/")
    assert page.locator(".case-item").count() == 2
    page.get_by_label("推诿扯皮").check()
    page.wait_for_url("**problem_type=*")
    assert page.locator(".case-item").count() == 1
    assert "noindex" in page.content()
    page.close()


def check_a_search_without_results_uses_the_whole_width(browser, url):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(url + "/search/?q=量子纠缠")
    message = page.locator(".search-empty")
    assert "没有找到同时包含这些关键词的内容" in message.inner_text()
    # Not squeezed into the filter column (256 px) nor numbered as a result.
    assert message.bounding_box()["width"] >= 900
    assert page.locator(".search-results li").count() == 0
    page.close()


def check_a_profile_without_a_photo_gives_its_facts_the_width(browser, url, exemplar):
    for viewport in (DESKTOP, PHONE):
        page = browser.new_page(viewport=viewport)
        page.goto(url + exemplar.url)
        assert page.locator(".profile__portrait").count() == 0
        facts = page.locator(".profile__identity").bounding_box()
        # Not squeezed into the 12rem column a portrait would take (about 180 px).
        assert facts["width"] >= min(600, viewport["width"] - 80), viewport
        page.close()


def check_filters_fold_on_a_phone_and_stand_beside_results_on_a_desktop(browser, url):
    listings = [
        ("/cases/", ".case-list > li"),
        ("/exemplars/", ".card-grid > li"),
        ("/search/?q=推诿扯皮", ".search-results > li"),
    ]
    for address, first_result in listings:
        page = browser.new_page(viewport=PHONE)
        page.goto(url + address)
        # The results come first: the filters (about 1,150 px of the cases' page) are folded
        # under one button, one tap away.
        assert page.locator(first_result).first.bounding_box()["y"] < 800, address
        assert not page.locator(".filters").is_visible(), address
        page.locator(".filters-panel__toggle").click()
        assert page.locator(".filters button[type=submit]").is_visible(), address
        page.close()
        for javascript in (True, False):
            page = browser.new_page(viewport=DESKTOP, java_script_enabled=javascript)
            page.goto(url + address)
            assert not page.locator(".filters-panel__toggle").is_visible(), address
            filters = page.locator(".filters").bounding_box()
            result = page.locator(first_result).first.bounding_box()
            assert result["x"] >= filters["x"] + filters["width"], (address, javascript)
            assert result["y"] < 400, (address, javascript)
            page.close()
    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/cases/?problem_type=推诿扯皮")
    assert page.locator(".filters-panel__toggle").inner_text() == "筛选（已选 1 项）"
    page.close()


def check_an_editor_in_the_admin(browser, url):
    """Much of the admin is drawn by its scripts (the sidebar, the editor's toolbars and block
    menus, the autosave indicator). After they ran, an editor who signs in on the login form
    reads no English, and the browser asked nothing of any host but this one."""
    UserFactory(username="bianji", last_name="宣传部", first_name="编辑", groups=["编辑"])
    exemplar = ExemplarPageFactory(title="扎根社区的好干部")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    asked = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    found = {}

    page.goto(url + reverse("wagtailadmin_home"))
    page.wait_for_url("**/admin/login/**")
    assert page.title() == "登录 - 镜鉴"
    found["login"] = english(shown_in_the_browser(page))
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + reverse("wagtailadmin_home"))
    page.locator(".sidebar-main-menu").wait_for()
    found["dashboard"] = english(shown_in_the_browser(page))
    page.goto(url + reverse("wagtailadmin_pages:edit", args=[exemplar.pk]))
    page.locator(".sidebar-main-menu").wait_for()
    page.locator(".Draftail-Editor").first.wait_for()
    found["editor"] = english(shown_in_the_browser(page))
    page.get_by_role("button", name="插入块").first.click()
    found["block menu"] = english(shown_in_the_browser(page))
    page.goto(url + reverse("wagtailsnippets_syndication_channel:list"))
    page.locator(".sidebar-main-menu").wait_for()
    found["channels"] = english(shown_in_the_browser(page))
    context.close()

    assert {where: texts for where, texts in found.items() if texts} == {}
    here = urlsplit(url).netloc
    elsewhere = [address for address in asked if urlsplit(address).scheme in ("http", "https")]
    assert [address for address in elsewhere if urlsplit(address).netloc != here] == []


def test_a_reader_in_a_real_browser(browser, live_server, reader_pages):
    """One committed data set, what a reader does and sees at desktop and phone widths (a
    transactional test flushes the database afterwards, so they share one test)."""
    url = live_server.url
    check_phone_menu(browser, url)
    check_search_from_the_home_page(browser, url)
    check_case_filters_submit_on_change(browser, url)
    check_a_search_without_results_uses_the_whole_width(browser, url)
    check_a_profile_without_a_photo_gives_its_facts_the_width(
        browser, url, reader_pages["exemplar without a photo"]
    )
    check_filters_fold_on_a_phone_and_stand_beside_results_on_a_desktop(browser, url)
    check_an_editor_in_the_admin(browser, url)
