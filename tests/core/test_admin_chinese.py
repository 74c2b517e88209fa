"""The admin speaks Chinese and stays on this machine.

Each group (编辑, 审核, 纪检监察, a superuser; 读者 at the login page) opens the admin pages it
uses, on the demo content, and also does what brings up Wagtail's messages (a failed login, a
page that does not validate, a draft saved, a page sent to review). On every page, the text a
person reads — text, tooltips, labels for screen readers, placeholders, buttons, the sidebar's
menu — holds no English (``tests.support.admin_text`` says what counts, with its short
allow-list), and no address points off the machine: no script, picture, stylesheet, link or
fetch to another host, no Gravatar, no check for Wagtail releases.
"""

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import pytest
import wagtail
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from casestudies.models import CaseFile, CaseIndexPage, CaseStudyPage
from exemplars.models import ExemplarIndexPage, ExemplarPage
from jingjian.core import content_types
from jingjian.core.typography import half_width_marks
from jingjian.syndication.models import Channel
from tests.factories import ExemplarPageFactory
from tests.support.admin_text import (
    content_words,
    english,
    external_urls,
    shown_texts,
)

pytestmark = pytest.mark.django_db

# The demo's accounts (demo/management/commands/load_demo_content.py), one per group.
USERS = {"superuser": "admin", "编辑": "bianji", "审核": "shenhe", "纪检监察": "jijian"}
STAFF = set(USERS)
PUBLICITY = {"superuser", "编辑", "审核"}
DISCIPLINE = {"superuser", "纪检监察"}


def _taxonomy_pages():
    """Each taxonomy's list, add and edit pages, for the groups that may change it."""
    pages = []
    for model in content_types.taxonomy_models():
        meta = model._meta
        prefix = f"wagtailsnippets_{meta.app_label}_{meta.model_name}"
        users = {
            group
            for group, username in USERS.items()
            if get_user_model()
            .objects.get(username=username)
            .has_perm(f"{meta.app_label}.change_{meta.model_name}")
        }
        pages += [
            (f"{prefix}:list", users, lambda d, p=prefix: reverse(f"{p}:list")),
            (f"{prefix}:add", users, lambda d, p=prefix: reverse(f"{p}:add")),
            (
                f"{prefix}:edit",
                users,
                lambda d, p=prefix, m=model: reverse(f"{p}:edit", args=[m.objects.first().pk]),
            ),
        ]
    return pages


def _pages():
    """(name, who uses it, its address given the demo data)."""
    pages = [
        ("wagtailadmin_home", STAFF, lambda d: reverse("wagtailadmin_home")),
        (
            "wagtailadmin_explore_root",
            {"superuser"},
            lambda d: reverse("wagtailadmin_explore_root"),
        ),
        ("explore home", PUBLICITY, lambda d: reverse("wagtailadmin_explore", args=[d.home.pk])),
        ("explore cases", STAFF, lambda d: reverse("wagtailadmin_explore", args=[d.cases.pk])),
        (
            "explore exemplars",
            PUBLICITY,
            lambda d: reverse("wagtailadmin_explore", args=[d.exemplars.pk]),
        ),
        ("edit case", STAFF, lambda d: reverse("wagtailadmin_pages:edit", args=[d.case.pk])),
        (
            "edit exemplar",
            PUBLICITY,
            lambda d: reverse("wagtailadmin_pages:edit", args=[d.exemplar.pk]),
        ),
        (
            "add case",
            STAFF,
            lambda d: reverse(
                "wagtailadmin_pages:add", args=["casestudies", "casestudypage", d.cases.pk]
            ),
        ),
        (
            "add exemplar",
            PUBLICITY,
            lambda d: reverse(
                "wagtailadmin_pages:add", args=["exemplars", "exemplarpage", d.exemplars.pk]
            ),
        ),
        ("history", STAFF, lambda d: reverse("wagtailadmin_pages:history", args=[d.case.pk])),
        ("search", STAFF, lambda d: reverse("wagtailadmin_pages:search") + "?q=推诿扯皮"),
        ("images", STAFF, lambda d: reverse("wagtailimages:index")),
        ("image", STAFF, lambda d: reverse("wagtailimages:edit", args=[d.image.pk])),
        ("add images", STAFF, lambda d: reverse("wagtailimages:add_multiple")),
        ("documents", STAFF, lambda d: reverse("wagtaildocs:index")),
        ("document", STAFF, lambda d: reverse("wagtaildocs:edit", args=[d.document.pk])),
        ("add documents", STAFF, lambda d: reverse("wagtaildocs:add_multiple")),
        ("channels", PUBLICITY, lambda d: reverse("wagtailsnippets_syndication_channel:list")),
        ("add channel", PUBLICITY, lambda d: reverse("wagtailsnippets_syndication_channel:add")),
        (
            "edit channel",
            PUBLICITY,
            lambda d: reverse("wagtailsnippets_syndication_channel:edit", args=[d.channel.pk]),
        ),
        ("deliveries", PUBLICITY, lambda d: reverse("deliveries:index")),
        ("case files", DISCIPLINE, lambda d: reverse("casefiles:index")),
        ("add case file", DISCIPLINE, lambda d: reverse("casefiles:add")),
        ("case file", DISCIPLINE, lambda d: reverse("casefiles:edit", args=[d.case_file.pk])),
        ("review", DISCIPLINE, lambda d: reverse("casefiles:review", args=[d.case_file.pk])),
        ("account", STAFF, lambda d: reverse("wagtailadmin_account")),
        ("site history", STAFF, lambda d: reverse("wagtailadmin_reports:site_history")),
        ("workflow report", STAFF, lambda d: reverse("wagtailadmin_reports:workflow")),
    ]
    return pages + _taxonomy_pages()


class Demo:
    """The demo objects the pages are about."""

    def __init__(self):
        self.home = Page.objects.get(depth=2)
        self.cases = CaseIndexPage.objects.get()
        self.exemplars = ExemplarIndexPage.objects.get()
        self.case = CaseStudyPage.objects.live().public().first()
        self.exemplar = ExemplarPage.objects.live().public().first()
        self.image = get_image_model().objects.filter(collection__depth=1).first()
        self.channel = Channel.objects.first()
        self.case_file = CaseFile.objects.first()
        self.document = get_document_model().objects.create(
            title="警示教育通报",
            file=ContentFile(b"%PDF-1.4\n", name="bulletin.pdf"),
            collection=Collection.get_first_root_node(),
        )


@pytest.fixture
def demo(demo_content):
    return Demo()


def user_content():
    """The Latin words in what people entered (titles, names): theirs, not the admin's."""
    User = get_user_model()
    texts = [*Page.objects.values_list("title", flat=True)]
    texts += get_image_model().objects.values_list("title", flat=True)
    texts += get_document_model().objects.values_list("title", flat=True)
    texts += Channel.objects.values_list("name", flat=True)
    texts += [name for user in User.objects.all() for name in (user.username, user.get_full_name())]
    return content_words(texts)


def html_of(response):
    """The HTML of a response; Wagtail's modal views answer JSON with the HTML in it."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content).get("html", "")
    return response.content.decode()


class Reading:
    """What one person read, page after page: the English found and the outside addresses."""

    def __init__(self, who):
        self.who, self.english, self.outside, self.marks = who, [], [], []
        self.allowed = user_content()

    def read(self, name, response):
        assert response.status_code == 200, (self.who, name, response.status_code)
        html = html_of(response)
        for text in english(shown_texts(html), also_allowed=self.allowed):
            self.english.append((name, text))
        self.marks += [(name, text) for text in shown_texts(html) if half_width_marks(text)]
        self.outside += [(name, url) for url in external_urls(html)]
        if "w-upgrade" in html:
            self.outside.append((name, "Wagtail's release check (w-upgrade)"))
        return html

    def assert_clean(self):
        english_found = sorted(set(self.english))
        assert not english_found, f"{self.who} read English: {english_found}"
        marks_found = sorted(set(self.marks))
        assert not marks_found, f"{self.who} read half-width marks beside Chinese: {marks_found}"
        assert not self.outside, f"{self.who} was pointed off the machine: {self.outside}"


@pytest.mark.parametrize("group", sorted(USERS))
def test_each_group_reads_its_admin_pages_in_chinese(client, demo, group):
    client.force_login(get_user_model().objects.get(username=USERS[group]))
    reading = Reading(group)
    pages = [(name, url) for name, users, url in _pages() if group in users]
    assert len(pages) >= 15  # the table above still says what each group uses
    for name, url in pages:
        reading.read(name, client.get(url(demo)))
    reading.assert_clean()


def test_the_login_page_and_a_failed_login_in_chinese(client, demo):
    reading = Reading("anonymous")
    html = reading.read("login", client.get(reverse("wagtailadmin_login")))
    assert "<title>登录 - 镜鉴</title>" in html
    assert "登录镜鉴管理后台" in html
    assert "密码" in shown_texts(html)  # the label Wagtail left without a translation
    response = client.post(reverse("wagtailadmin_login"), {"username": "bianji", "password": "x"})
    reading.read("failed login", response)
    reading.read("password reset", client.get(reverse("wagtailadmin_password_reset")))
    reading.assert_clean()


def test_a_reader_sent_back_from_the_admin_is_told_so_in_chinese(client, demo):
    """读者 may not enter the admin: the login page says why, in Chinese."""
    login = reverse("wagtailadmin_login")
    response = client.post(
        login, {"username": "duzhe", "password": "jingjian-demo", "next": "/admin/"}, follow=True
    )
    reading = Reading("读者")
    html = reading.read("refused", response)
    assert response.redirect_chain[-1][0].startswith(login)
    assert "你没有访问管理后台的权限" in html or "没有权限" in html
    reading.assert_clean()


def _exemplar_form(page, **changes):
    # One POST of the exemplar editor (the fields of ExemplarPage's panels).
    fields = {
        "title": page.title,
        "slug": page.slug,
        "date": "2024-05-01",
        "name": page.name,
        "gender": page.gender,
        "ethnicity": page.ethnicity,
        "birth_year": "1978",
        "birth_month": "6",
        "political_status": page.political_status,
        "unit": page.unit,
        "post": page.post,
        "category": str(page.category_id),
        "summary": page.summary,
        "citation": page.citation,
        "deeds": streamfield([]),
        "honours": inline_formset([]),
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


def test_wagtails_messages_while_editing_in_chinese(client, demo):
    """An editor's failed save, saved draft and submission, then the reviewer's view."""
    editor = get_user_model().objects.get(username="bianji")
    page = ExemplarPageFactory(title="扎根社区的好干部")
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.force_login(editor)
    reading = Reading("编辑")

    html = reading.read("invalid", client.post(edit, _exemplar_form(page, title="")))
    assert "存在验证错误，页面未能保存。" in html
    html = reading.read("saved", client.post(edit, _exemplar_form(page), follow=True))
    assert "已保存" in html or "已更新" in html
    response = client.post(edit, _exemplar_form(page, **{"action-submit": "1"}), follow=True)
    reading.read("submitted", response)
    html = reading.read("awaiting review", client.get(edit))
    assert "初审" in html
    reading.read("history", client.get(reverse("wagtailadmin_pages:history", args=[page.pk])))
    reading.read(
        "workflow history",
        client.get(reverse("wagtailadmin_pages:workflow_history", args=[page.pk])),
    )
    reading.assert_clean()

    reviewer = Reading("审核")
    client.force_login(get_user_model().objects.get(username="shenhe"))
    reviewer.read("dashboard with a page to review", client.get(reverse("wagtailadmin_home")))
    reviewer.read("edit in review", client.get(edit))
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state.current_task_state
    for action in ("approve", "reject"):
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
        reviewer.read(f"{action} form", client.get(url))
    reviewer.read("workflow report", client.get(reverse("wagtailadmin_reports:workflow")))
    reviewer.assert_clean()


def test_no_avatar_comes_from_gravatar(client, demo):
    admin = get_user_model().objects.get(username="admin")  # the demo gives it an e-mail
    assert admin.email
    client.force_login(admin)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_account")):
        html = client.get(url).content.decode()
        assert "gravatar" not in html
        assert "wagtailadmin/images/default-user-avatar.png" in html


def test_the_favicon_is_ours_on_the_admin_and_the_public_site(client, demo):
    public = client.get("/").content.decode()
    admin = client.get(reverse("wagtailadmin_login")).content.decode()
    link = '<link rel="icon" href="/static/images/favicon.svg" type="image/svg+xml">'
    assert link in public and link in admin
    assert "wagtailadmin/images/favicon.ico" not in admin
    icon = client.get("/static/images/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_the_readers_login_page_is_titled_with_the_sites_name(client, demo):
    """Django's login view named the host (127.0.0.1:8000) in the title, not 镜鉴."""
    html = client.get(reverse("login"), HTTP_HOST="127.0.0.1:8101").content.decode()
    assert "<title>内网登录 - 镜鉴</title>" in html


# Wagtail templates we override. Copied ones are pinned to the Wagtail file they were copied
# from (first 16 hex digits of its SHA-256); the others extend Wagtail's and replace blocks,
# which must still exist. An upgrade that changes one fails here: re-read it, then record it.
COPIED = {
    "wagtailadmin/shared/headers/_actions.html": "facea723b6b91762",
    "wagtailadmin/home/account_summary.html": "ff5c7d30e46778c3",
    "wagtailadmin/home.html": "7eb3ee7b5a9d1355",
    "wagtailadmin/shared/workflow_history/listing_results.html": "820aff326236a1f0",
    "wagtailadmin/pages/search_results.html": "b2be744cf3591b61",
    "wagtailadmin/reports/workflow_results.html": "20f14a3abb6b47a3",
    "wagtailadmin/workflows/includes/workflow_tasks_cell.html": "df662187c193ef71",
}
EXTENDED = {
    "wagtailadmin/pages/listing/_page_title_column_header.html": ["after_label"],
    "wagtailadmin/admin_base.html": ["branding_favicon"],
    "wagtailadmin/skeleton.html": ["branding_title"],
    "wagtailadmin/login.html": ["branding_login"],
    "wagtailadmin/shared/side_panels/checks.html": ["metrics_explainer"],
}
WAGTAIL_TEMPLATES = Path(wagtail.__file__).parent / "admin" / "templates"


def test_the_wagtail_templates_we_override_are_the_ones_we_read():
    assert version("wagtail") == "8.0.1"
    for name, digest in COPIED.items():
        source = (WAGTAIL_TEMPLATES / name).read_bytes()
        assert hashlib.sha256(source).hexdigest()[:16] == digest, name
    for name, blocks in EXTENDED.items():
        source = (WAGTAIL_TEMPLATES / name).read_text(encoding="utf-8")
        for block in blocks:
            assert f"{{% block {block} %}}" in source, (name, block)
