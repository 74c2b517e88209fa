"""A discipline officer makes a bulletin (通报) in Chromium against the demo site: from the
admin's 通报 menu to the case picker, filters, ticks two cases, finds them appended after
the bulletin's own in the picker's order, sends the bulletin through its three reviews, and an official reads the
published web version, its print view and its Word document with the cases in that order."""

import io

import docx
import pytest

from tests.browser.test_journeys import approve_from_the_dashboard, submit_or_resubmit
from tests.support.browser import (
    DESKTOP,
    accessibility_problems,
    sign_in_on_the_intranet,
    sign_in_to_the_admin,
)

pytestmark = pytest.mark.browser

BULLETIN = "关于几起基层整改落实不力典型问题的内部通报"  # the demo's draft, 〔2026〕5号


def test_a_bulletin_from_picked_cases(browser, demo_site, journey):
    page = sign_in_to_the_admin(browser, demo_site, "jijian")
    page.locator(".sidebar-main-menu").get_by_role("link", name="通报").click()
    page.wait_for_url("**/admin/bulletins/")
    rows = page.locator("main table tbody tr")
    row = rows.filter(has_text=BULLETIN)
    assert row.count() == 1 and "草稿" in row.inner_text()
    assert "已发布" in rows.filter(has_text="鉴纪通〔2026〕3号").inner_text()
    journey.shot(page, "bulletins")

    row.get_by_role("link", name="挑选案例").click()
    page.wait_for_url("**/admin/bulletins/pick/*/")
    already = page.locator("main").inner_text()
    assert "已收录：1. " in already
    page.get_by_label("问题类型").select_option(label="推诿扯皮")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    candidates = page.locator("main tbody tr").filter(has=page.locator("input[type=checkbox]"))
    assert candidates.count() >= 2, page.locator("main").inner_text()
    ticked = []
    for n in (0, 1):  # the list's order, newest handled first: appended in that order
        candidate = candidates.nth(n)
        ticked.append(candidate.locator("label").inner_text())
        candidate.locator("input[type=checkbox]").check()
    journey.shot(page, "picked")
    with page.expect_navigation():
        page.get_by_role("button", name="加入通报").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    assert "已将2个案例加入通报" in page.locator(".messages").inner_text()
    journey.shot(page, "appended")
    submit_or_resubmit(page)
    assert "已经提交进行审核" in page.locator(".messages").inner_text()
    journey.shot(page, "submitted")
    page.context.close()

    # Each approval is made in the editor, the form posted unchanged: no edit, so each moves the
    # bulletin on (审核 may approve it as it is, not change it).
    for username, step in (("jijian", "案例初审"), ("shenhe", "案例复审"), ("jijian", "案例终审")):
        approve_from_the_dashboard(browser, demo_site, username, BULLETIN, journey, step)

    # An official of the district reads it on the intranet.
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    reader = context.new_page()
    sign_in_on_the_intranet(reader, demo_site, "sunhao", "/cases/bulletins/")
    reader.get_by_role("link", name=BULLETIN).click()
    reader.wait_for_load_state()
    assert reader.locator("h1").inner_text() == BULLETIN
    text = reader.locator("main").inner_text()
    assert "鉴纪通〔2026〕5号" in text and "内部" in text
    assert text.index(ticked[0]) < text.index(ticked[1]), ticked
    assert "五、" in text  # three demo cases and the two picked
    problems = accessibility_problems(reader)
    journey.shot(reader, "web-version")

    reader.get_by_role("link", name="打印版").click()
    reader.wait_for_load_state()
    printed = reader.locator("body").inner_text()
    assert all(title in printed for title in ticked)
    journey.shot(reader, "print-view")
    reader.go_back()
    with reader.expect_download() as download:
        reader.get_by_role("link", name="下载Word文档").click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    paragraphs = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "鉴纪通〔2026〕5号" in paragraphs
    assert paragraphs.index(ticked[0]) < paragraphs.index(ticked[1])
    context.close()
    assert problems == []
