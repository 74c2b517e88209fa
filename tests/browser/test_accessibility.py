"""The accessibility check (axe-core's serious and critical rules, one ``<h1>``, labelled
fields) on the page types the journeys do not pass through, at both widths, and proof that the
check fails on a page that breaks its rules."""

import pytest

from tests.support.browser import WIDTHS, accessibility_problems

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
