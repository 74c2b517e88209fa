"""In Chromium, against the demo site: the Content-Security-Policy blocks nothing our pages need
(no violation reported on the home page, a case study, search results), nor in the admin's
page editor under the admin's own policy."""

import sqlite3

import pytest
import requests

from tests.support.browser import DESKTOP, sign_in_to_the_admin

pytestmark = pytest.mark.browser


def violations(page):
    """What Chromium reports as blocked by the policy (“Refused to … because it violates the
    following Content Security Policy directive”), from now on, across navigations."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_our_pages_and_the_editor_run_under_their_policies(browser, demo_site):
    home = requests.get(demo_site.url + "/", timeout=30)
    assert "'unsafe-inline'" not in home.headers["Content-Security-Policy"]
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    blocked = violations(page)
    page.goto(demo_site.url + "/")
    page.locator(".case-item a, .card a").first.wait_for()
    case_link = page.locator("a[href^='/cases/']").filter(has_text="问题").first
    case_link.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(demo_site.url + "/cases/")
    page.goto(demo_site.url + "/search/?q=担当")
    page.locator(".search-results__title").first.wait_for()
    assert not blocked, blocked
    # The check itself works: an inline style attribute is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert blocked and "style" in blocked[0]
    context.close()

    with sqlite3.connect(demo_site.folder / "db.sqlite3") as database:
        (exemplar,) = database.execute(
            "select id from wagtailcore_page where url_path like '%/exemplars/_%' limit 1"
        ).fetchone()
    editor = sign_in_to_the_admin(browser, demo_site, "bianji")
    blocked = violations(editor)
    editor.goto(f"{demo_site.url}/admin/pages/{exemplar}/edit/")
    editor.locator("#page-edit-form").wait_for()
    editor.wait_for_load_state("networkidle")
    assert not blocked, blocked
    editor.context.close()
