"""An official studies a case in Chromium: 我已学习 turns to 已学习 with the date, the time spent
reading is sent as the page is left, and 我的学习 lists it (study.js against the demo site)."""

import pytest

from tests.support.browser import DESKTOP, accessibility_problems, sign_in_on_the_intranet

pytestmark = pytest.mark.browser


def test_an_official_marks_a_case_studied(browser, demo_site, journey):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in_on_the_intranet(page, demo_site, "sunhao", "/study/")
    assert page.url == demo_site.url + "/study/"
    assert "学习先进典型 见贤思齐" in page.locator("main").inner_text()
    journey.shot(page, "my-study")
    # The first page of the overdue list not yet studied: from the reader's own page.
    unread = page.locator(".study-list__items li").filter(has_text="未学习").first
    title = unread.locator("a").inner_text()
    unread.locator("a").click()
    page.wait_for_load_state()
    button = page.locator(".study-mark__button")
    button.wait_for(state="visible")
    assert button.inner_text() == "我已学习"
    assert accessibility_problems(page) == []
    button.click()
    page.locator(".study-mark__status:not(:empty)").wait_for()  # (no eval: the CSP forbids it)
    assert button.inner_text() == "已学习", page.locator(".study-mark__status").inner_text()
    assert "标记为已学习" in page.locator(".study-mark__status").inner_text()
    journey.shot(page, "studied")
    page.reload()  # the state comes from the server again (the page itself may be cached)
    page.locator(".study-mark__button").wait_for(state="visible")
    assert page.locator(".study-mark__button").inner_text() == "已学习"
    page.wait_for_timeout(1500)
    page.goto(demo_site.url + "/study/")  # pagehide sends the time spent on the case
    row = page.locator(".study-history tr, table tr").filter(has_text=title).first
    assert "已学习" in page.locator("main").inner_text()
    assert row.count() == 1
    journey.shot(page, "history")
    context.close()


def test_anonymous_readers_get_no_mark(browser, demo_site):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(demo_site.url + "/cases/")
    page.locator(".case-item__title a").first.click()
    page.wait_for_load_state()
    assert page.locator(".study-mark").count() == 0
    context.close()
