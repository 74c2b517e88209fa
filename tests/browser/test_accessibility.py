"""The accessibility check (axe-core's serious and critical rules, one ``<h1>``, labelled
fields) on the page types the journeys do not pass through, at both widths, and proof that the
check fails on a page that breaks its rules."""

import pytest

from tests.support.browser import (
    WIDTHS,
    accessibility_problems,
    sign_in_on_the_intranet,
    sign_in_to_the_admin,
)

pytestmark = pytest.mark.browser

PAGES = {
    "not found": "/no-such-page/",
    "search without results": "/search/?q=量子纠缠",
    "search with a filter": "/search/?q=担当&type=case",
    "exemplar listing filtered": "/exemplars/?page=2",
}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_other_page_types_pass(browser, demo_site, width):
    page = browser.new_page(viewport=WIDTHS[width])
    found = {}
    for name, address in PAGES.items():
        page.goto(demo_site.url + address)
        problems = accessibility_problems(page)
        if problems:
            found[name] = problems
    page.close()
    assert found == {}


def test_the_check_fails_on_a_page_that_breaks_its_rules(browser):
    page = browser.new_page()
    page.set_content(
        '<html lang="zh-Hans"><head><title>样例</title></head><body>'
        "<h1>一</h1><h1>二</h1>"
        '<p style="color:#bbb;background:#fff">对比度不足的文字</p>'
        '<input type="text" name="q"></body></html>'
    )
    problems = " ".join(accessibility_problems(page))
    page.close()
    assert "color-contrast (serious)" in problems
    assert "2 <h1> on the page" in problems
    assert "fields without a label" in problems


# The admin pages each group lands on or works in, by who opens them (the demo accounts).
ADMIN_PAGES = {
    "bianji": {
        "dashboard": "/admin/",
        "explorer": "/admin/pages/",
        "delivery report": "/admin/deliveries/",
    },
    "jijian": {
        "dashboard": "/admin/",
        "case files": "/admin/casefiles/",
    },
}


@pytest.mark.parametrize("username", sorted(ADMIN_PAGES))
def test_the_admin_pages_our_groups_use_pass(browser, demo_site, username):
    page = sign_in_to_the_admin(browser, demo_site, username)
    found = {}
    for name, address in ADMIN_PAGES[username].items():
        page.goto(demo_site.url + address)
        assert page.url.startswith(demo_site.url + address), (name, page.url)
        problems = accessibility_problems(page)
        if problems:
            found[name] = problems
    # An edit form, where staff spend their time: an exemplar's for the editor (from the
    # explorer), a case file's for discipline staff (from their list).
    if username == "bianji":
        page.goto(demo_site.url + "/admin/")
        page.locator(".sidebar-main-menu").get_by_role("button", name="页面").click()
        page.get_by_role("link", name="先进典型").first.click()
        page.wait_for_url("**/admin/pages/*/")
        page.locator("td.title a[href*='/edit/']").first.click()
    else:
        page.goto(demo_site.url + "/admin/casefiles/")
        page.locator("td a[href*='/casefiles/edit/']").first.click()
    page.wait_for_url("**/edit/**")
    problems = accessibility_problems(page)
    if problems:
        found["edit form"] = problems
    page.context.close()
    assert found == {}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_statistics_page_passes_and_draws_its_charts(browser, demo_site, journey, width):
    """An official signs in on the intranet, opens 统计数据 from the navigation and picks a
    year: the page passes the check, and every chart is an image the browser could draw."""
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    sign_in_on_the_intranet(page, demo_site, "duzhe")
    if width == "phone":
        page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="统计数据").click()
    page.wait_for_load_state()
    page.select_option("#statistics-period", index=1)  # last year, a whole one
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    for image in page.locator(".chart__picture img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.chart__picture img')]"
        ".map(img => img.complete && img.naturalWidth > 0)"
    )
    problems = accessibility_problems(page)
    journey.shot(page, "statistics", width)
    context.close()
    assert drawn and all(drawn), drawn
    assert problems == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_officials_intranet_pages_pass(browser, demo_site, width):
    """我的学习, the 通报 section, an issued bulletin and its print view, for a signed-in
    official."""
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    sign_in_on_the_intranet(page, demo_site, "duzhe", "/study/")
    found = {}
    addresses = {
        "my study": "/study/",
        "bulletins": "/cases/bulletins/",
        "bulletin": "/cases/bulletins/2026-3/",
        "bulletin print view": "/cases/bulletins/2026-3/print/",
    }
    for name, address in addresses.items():
        response = page.goto(demo_site.url + address)
        assert response.status == 200, (name, response.status)
        problems = accessibility_problems(page)
        if problems:
            found[name] = problems
    context.close()
    assert found == {}
