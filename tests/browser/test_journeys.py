"""The four journeys people make, in Debian's Chromium against the demo site in its own process
(``tests/support/browser.py``): a reader, an official on the intranet, an exemplar through its
three reviews to the channels, and a case file through anonymization to a public case study.
Each step's final page is saved as a screenshot, and each page a reader reaches is checked for
accessibility on the way."""

import io
import json
import random
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from tests.support.browser import (
    DESKTOP,
    ROOT,
    WIDTHS,
    accessibility_problems,
    sign_in_to_the_admin,
)

pytestmark = pytest.mark.browser

CASE_FILES = json.loads((ROOT / "demo" / "content" / "casefiles.json").read_text("utf-8"))


def watch_requests(context, site):
    """Every address the browser asks for; ``elsewhere()`` those not on the site."""
    asked = []
    context.on("request", lambda request: asked.append(request.url))
    here = urlsplit(site.url).netloc

    def elsewhere():
        return [
            address
            for address in asked
            if urlsplit(address).scheme in ("http", "https") and urlsplit(address).netloc != here
        ]

    return elsewhere


def checked(page, problems, where):
    """Run the accessibility check on ``page`` and note what it finds under ``where``."""
    found = accessibility_problems(page)
    if found:
        problems[where] = found


def open_the_menu(page, width):
    if width == "phone":
        page.get_by_role("button", name="菜单").click()


def search_from_the_header(page, words):
    page.fill("#site-search", words)
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    return [title.inner_text() for title in page.locator(".search-results__title a").all()]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_reader(browser, demo_site, journey, width):
    """Home → listing → filter → case → search (simplified, then traditional) → exemplar."""
    context = browser.new_context(viewport=WIDTHS[width])
    elsewhere = watch_requests(context, demo_site)
    page = context.new_page()
    problems = {}

    page.goto(demo_site.url + "/")
    assert page.locator("h1").count() == 1
    checked(page, problems, "home")
    journey.shot(page, "home", width)

    open_the_menu(page, width)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="警示案例").click()
    page.wait_for_url("**/cases/")
    everything = page.locator(".case-item").count()
    assert everything >= 10
    checked(page, problems, "case listing")
    journey.shot(page, "case-listing", width)

    with page.expect_navigation():
        if width == "desktop":
            page.get_by_label("推诿扯皮").check()  # beside the results, a change submits
        else:
            page.locator(".filters-panel__toggle").click()  # folded above the results
            page.get_by_label("推诿扯皮").check()
            page.locator(".filters button[type=submit]").click()
    assert "problem_type=" in page.url
    filtered = page.locator(".case-item")
    assert 0 < filtered.count() < everything
    checked(page, problems, "filtered case listing")
    journey.shot(page, "filtered", width)

    link = filtered.first.locator(".case-item__title a")
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert "推诿扯皮" in page.locator("main").inner_text()
    checked(page, problems, "case study")
    journey.shot(page, "case", width)

    simplified = search_from_the_header(page, "推诿扯皮")
    assert simplified
    assert page.locator(".search-results mark").count() >= 1
    checked(page, problems, "search results")
    journey.shot(page, "search-simplified", width)
    traditional = search_from_the_header(page, "推諉扯皮")
    assert traditional == simplified
    journey.shot(page, "search-traditional", width)

    open_the_menu(page, width)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="先进典型").click()
    page.wait_for_url("**/exemplars/")
    checked(page, problems, "exemplar listing")
    journey.shot(page, "exemplar-listing", width)
    card = page.locator(".card").first
    name = card.locator(".card__title a").inner_text()
    card.locator(".card__title a").click()
    page.wait_for_load_state()
    assert name in page.locator(".profile__identity, main").first.inner_text()
    checked(page, problems, "exemplar profile")
    journey.shot(page, "exemplar", width)

    context.close()
    assert problems == {}
    assert elsewhere() == []


def test_an_official_on_the_intranet(browser, demo_site, journey):
    """An official signs in from the site's own link, sees intranet content marked 内部 in the
    listing and on the page, and signs out; the page is closed to them again."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems = {}

    page.goto(demo_site.url + "/cases/")
    assert page.locator(".badge--intranet").count() == 0
    page.get_by_role("link", name="内网登录").click()
    page.wait_for_url("**/accounts/login/**")
    checked(page, problems, "login page")
    journey.shot(page, "login")
    page.get_by_label("用户名").fill("duzhe")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.get_by_role("alert").inner_text()
    page.get_by_label("密码").fill("jingjian-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url == demo_site.url + "/cases/"  # back where they were
    assert "苏婉清" in page.locator("#site-nav").inner_text()
    marked = page.locator(".case-item").filter(has=page.locator(".badge--intranet"))
    assert marked.count() >= 1
    assert marked.first.locator(".badge--intranet").inner_text() == "内部"
    checked(page, problems, "case listing, signed in")
    journey.shot(page, "listing-with-intranet")

    link = marked.first.locator(".case-item__title a")
    address = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.locator(".article__kicker .badge").inner_text() == "内部"
    checked(page, problems, "intranet case study")
    journey.shot(page, "intranet-case")

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    assert "内网登录" in page.locator("#site-nav").inner_text()
    page.goto(demo_site.url + "/cases/")
    assert page.locator(".badge--intranet").count() == 0
    checked(page, problems, "logged out")
    journey.shot(page, "logged-out")
    page.goto(demo_site.url + address)
    assert "/accounts/login/" in page.url  # the intranet page asks for a login again
    journey.shot(page, "intranet-case-after-logout")
    context.close()
    assert problems == {}


def a_picture():
    """A portrait nobody uploaded before (Wagtail asks about duplicates)."""
    colour = tuple(random.Random().randrange(256) for _ in range(3))
    data = io.BytesIO()
    Image.new("RGB", (600, 800), colour).save(data, "JPEG")
    return {"name": "hexiulan.jpg", "mimeType": "image/jpeg", "buffer": data.getvalue()}


def approve_from_the_dashboard(browser, site, username, title, journey, step):
    """``username`` signs in, finds ``title`` in 待我审核 and approves its step there."""
    page = sign_in_to_the_admin(browser, site, username)
    row = page.locator("#jingjian-pages-to-review-section tr[data-page]").filter(has_text=title)
    assert row.count() == 1, page.locator("#jingjian-pages-to-review-section").inner_text()
    assert step in row.inner_text()
    row.get_by_role("link", name="审核").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="更多动作").click()
    with page.expect_navigation():
        page.get_by_role("button", name="批准", exact=True).click()
    journey.shot(page, f"{username}-{step}")
    messages = page.locator(".messages").inner_text()
    page.context.close()
    return messages


def test_an_exemplar_through_its_three_reviews(browser, demo_site, journey):
    """An editor writes a profile with a picture and submits it; a reviewer approves 初审, 复审
    and 终审 from the dashboard; the public page appears, and the delivery report lists the
    three outlets it went to."""
    title = "扎根网格的“老娘舅”"
    page = sign_in_to_the_admin(browser, demo_site, "bianji")
    journey.shot(page, "editor-dashboard")
    page.locator(".sidebar-main-menu").get_by_role("button", name="页面").click()
    page.get_by_role("link", name="先进典型").first.click()  # the explorer's section
    page.wait_for_url("**/admin/pages/*/")
    page.get_by_role("link", name="添加子页面").click()  # one kind of child: its form at once
    page.wait_for_url("**/add/exemplars/exemplarpage/**")
    page.fill("#id_title", title)
    page.fill("#id_summary", "临江镇江湾村专职网格员何秀兰十年如一日调解邻里纠纷。")
    page.fill("#id_name", "何秀兰")
    page.select_option("#id_gender", label="女")
    page.fill("#id_birth_year", "1972")
    page.fill("#id_unit", "临江镇江湾村")
    page.fill("#id_post", "专职网格员")
    page.get_by_role("button", name="选择一个图片").click()
    modal = page.locator(".modal")
    modal.get_by_role("tab", name="上传").click()
    page.set_input_files(".modal input[type=file]", files=[a_picture()])
    page.fill("#id_image-chooser-upload-title", "何秀兰照片")
    page.fill("#id_image-chooser-upload-description", "何秀兰在江湾村网格服务站")
    modal.locator("form[enctype] button[type=submit]").last.click()
    modal.wait_for(state="hidden")
    page.get_by_role("button", name="选择 典型类别").click()
    modal.get_by_role("link", name="担当作为").click()
    modal.wait_for(state="hidden")
    page.fill("#id_date", "2026-12-01")
    page.locator("#id_name").click()  # closes the date picker
    page.get_by_role("tab", name="发布渠道").click()
    for outlet in ("《鉴湖日报》", "鉴湖人民广播电台", "鉴湖电视台《鉴湖新闻》"):
        page.get_by_label(outlet).check()
    journey.shot(page, "editor-form")
    page.get_by_role("button", name="更多动作").click()
    with page.expect_navigation():
        page.get_by_role("button", name="提交给三审").click()
    assert "已创建并提交审核" in page.locator(".messages").inner_text()
    journey.shot(page, "submitted")
    page.context.close()
    assert "何秀兰" not in requests.get(demo_site.url + "/exemplars/", timeout=30).text

    for step in ("初审", "复审", "终审"):
        approve_from_the_dashboard(browser, demo_site, "shenhe", title, journey, step)

    context = browser.new_context(viewport=DESKTOP)
    public = context.new_page()
    public.goto(demo_site.url + "/exemplars/")
    card = public.locator(".card").filter(has_text="何秀兰")
    assert card.count() == 1
    assert card.locator("img").count() == 1  # the uploaded portrait, shown to everyone
    card.locator(".card__title a").click()
    public.wait_for_load_state()
    assert public.locator("h1").inner_text() == title
    problems = accessibility_problems(public)
    journey.shot(public, "public-profile")
    context.close()
    assert problems == []

    page = sign_in_to_the_admin(browser, demo_site, "bianji")
    page.get_by_role("link", name="投递记录").first.click()
    page.wait_for_load_state()
    report = page.locator("main").inner_text()
    journey.shot(page, "delivery-report")
    page.context.close()
    rows = [line for line in report.splitlines() if title in line]
    for outlet in ("《鉴湖日报》", "鉴湖人民广播电台", "鉴湖电视台《鉴湖新闻》"):
        assert any(outlet in line for line in rows), (outlet, report)
    delivered = sorted({path.parent.name for path in demo_site.outbox.rglob("*老娘舅*")})
    assert delivered == ["jianhu-daily", "jianhu-radio", "jianhu-tv"]


def submit_or_resubmit(page, workflow="提交给警示案例三审"):
    """On a page's edit view: send it to review if it is not in review (a regenerated draft
    restarts its review)."""
    page.get_by_role("button", name="更多动作").click()
    submit = page.get_by_role("button", name=workflow)
    if submit.count():
        with page.expect_navigation():
            submit.click()


def test_a_case_file_to_a_public_case_study(browser, demo_site, journey):
    """A discipline officer opens a case file from the dashboard, generates its anonymized
    draft, is refused while the tagger's candidate is undecided, decides them, regenerates;
    the cleared draft goes through 案例初审, 案例复审 and 案例终审 and is published; neither
    the public page nor public search shows a name, number or address from the file."""
    record = next(r for r in CASE_FILES if r["number"] == "鉴纪案〔2025〕17号")
    page = sign_in_to_the_admin(browser, demo_site, "jijian")
    tasks = page.locator("#jingjian-case-file-tasks-section")
    assert "1 个疑似姓名待确认是否为人名" in tasks.inner_text()  # 孙立平, after 负责人
    journey.shot(page, "discipline-dashboard")
    tasks.get_by_role("link", name="脱敏审核").first.click()
    page.wait_for_url("**/admin/casefiles/review/*/")
    review = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="生成脱敏稿").click()
    # The demo loader made the first draft; generating again updates it.
    assert "已更新脱敏稿" in page.locator(".messages").inner_text()
    journey.shot(page, "draft-generated")

    page.get_by_role("link", name="打开脱敏稿").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    draft = page.url
    title = page.locator("#id_title").input_value()
    page.fill(
        "#id_lessons",
        "汪某身为领导干部，对企业的正当诉求推诿扯皮，又收受管理服务对象的购物卡，教训深刻。"
        "各单位要以案为鉴，对照检视审批服务中“推、拖、绕”的问题，立行立改。",
    )
    submit_or_resubmit(page)
    journey.shot(page, "submitted")

    # 案例初审 would hand the draft to 审核, who cannot see a draft the gate fails: refused.
    page.goto(demo_site.url + "/admin/")
    row = page.locator("#jingjian-pages-to-review-section tr[data-page]").filter(has_text=title)
    row.get_by_role("link", name="审核").click()
    page.wait_for_url(draft)
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_load_state()
    refusal = page.locator("main, .messages").first.inner_text() + page.content()
    assert "脱敏检查未通过，不能交给纪检监察以外的人员审核" in refusal
    assert "孙立平" in refusal  # 纪检监察 are told which name and why
    journey.shot(page, "refused-while-undecided")

    page.goto(review)
    candidates = page.locator("tr").filter(has=page.get_by_label("是人名，予以替换"))
    assert candidates.count() == 1
    candidates.filter(has_text="孙立平").get_by_label("是人名，予以替换").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存审核结论").click()
    assert "已保存 1 项审核结论" in page.locator(".messages").inner_text()
    assert "需要重新生成" in page.locator("main").inner_text()
    journey.shot(page, "decided")
    with page.expect_navigation():
        page.get_by_role("button", name="生成脱敏稿").click()
    assert "已是最新" in page.locator("main").inner_text()
    journey.shot(page, "regenerated")

    page.goto(draft)
    assert "孙立平" not in page.content()
    assert "立行立改" in page.locator("#id_lessons").input_value()  # what was written stays
    submit_or_resubmit(page)
    page.context.close()
    # One approval moves it on: the regenerated draft, saved unchanged by the editor, is no
    # edit. Cleared by the gate, it is handed to 审核 at 案例复审, and back to 纪检监察 at 终审.
    approve_from_the_dashboard(browser, demo_site, "jijian", title, journey, "案例初审")
    approve_from_the_dashboard(browser, demo_site, "shenhe", title, journey, "案例复审")
    approve_from_the_dashboard(browser, demo_site, "jijian", title, journey, "案例终审")

    context = browser.new_context(viewport=DESKTOP)
    public = context.new_page()
    public.goto(demo_site.url + "/cases/")
    public.get_by_role("link", name=title).first.click()
    public.wait_for_load_state()
    assert public.locator("h1").inner_text() == title
    assert "立行立改" in public.locator("main").inner_text()  # the 以案说法 written above
    shown = public.content()
    problems = accessibility_problems(public)
    journey.shot(public, "public-case-study")
    context.close()
    assert problems == []
    named = [person["name"] for person in record["persons"]] + ["孙立平", "振华"]
    for secret in named + ["13857120631", "解放路118号", "鉴湖区住房和城乡建设局"]:
        assert secret not in shown, secret

    context = browser.new_context(viewport=DESKTOP)
    public = context.new_page()
    public.goto(demo_site.url + "/search/?q=" + "购物卡")
    shown = public.content()
    named = [person["name"] for person in record["persons"]] + ["孙立平", "振华"]
    for secret in named + ["13857120631", "解放路118号", "鉴湖区住房和城乡建设局"]:
        assert secret not in shown, secret
    journey.shot(public, "public-search")
    context.close()
