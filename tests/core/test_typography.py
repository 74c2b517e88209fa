"""The editor's warning on save: half-width punctuation beside Chinese in the title or summary
(GB/T 15834) is listed in a warning after the save, which stands; the text stays as written.

Through the admin: the test client posts the editor's form, as the 保存草稿, 发布 and 创建
buttons do, and reads the messages the next page shows."""

import pytest
from django.contrib.messages import WARNING, get_messages
from django.urls import reverse
from wagtail.models import Page

from casestudies.models import CaseIndexPage, CaseStudyPage
from exemplars.models import ExemplarPage
from jingjian.core import typography
from jingjian.core.wagtail_hooks import half_width_warning
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.support.page_forms import case_study_form, exemplar_form

pytestmark = pytest.mark.django_db

CLEAN_SUMMARY = "二十年扎根山村，带领群众修路引水、发展茶叶产业。"


def shown(response):
    """The messages of ``response`` as (level, text)."""
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def warnings(response):
    return [text for level, text in shown(response) if level == WARNING]


@pytest.fixture
def exemplar():
    page = ExemplarPageFactory(title="扎根山村的好书记", summary=CLEAN_SUMMARY)
    return Page.objects.get(pk=page.pk).specific


def edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, follow=True)


def test_saving_an_exemplar_with_half_width_marks_warns_and_keeps_the_text(
    client, editor, exemplar
):
    client.force_login(editor)
    title = "扎根山村二十年,记上坝村党支部书记周立军"
    summary = "他说:群众的事要一件一件办到底,不能拖。"
    response = edit(client, exemplar, exemplar_form(exemplar, title=title, summary=summary))
    assert response.status_code == 200
    assert warnings(response) == [
        "标题和一句话简介中有半角标点：“,”（2处）、“:”（1处），发布前建议改为全角（，：）。"
    ]
    # The save stands, as the editor wrote it: Wagtail's own confirmation is there too.
    assert any(text.startswith(f"页面“{title}”已被更新") for _level, text in shown(response))
    saved = ExemplarPage.objects.get(pk=exemplar.pk).get_latest_revision_as_object()
    assert (saved.title, saved.summary) == (title, summary)
    # The message is on the page the editor lands on.
    assert "标题和一句话简介中有半角标点" in response.content.decode()


def test_a_clean_title_and_summary_bring_no_warning(client, editor, exemplar):
    client.force_login(editor)
    data = exemplar_form(
        exemplar, title="扎根山村二十年，记周立军（上坝村）", summary=CLEAN_SUMMARY
    )
    response = edit(client, exemplar, data)
    assert response.status_code == 200
    assert warnings(response) == []
    # Numbers, Latin words and addresses keep their half-width forms.
    data = exemplar_form(
        exemplar, summary="2025年开通12345热线，PDF版见 http://example.com/a.pdf。"
    )
    assert warnings(edit(client, exemplar, data)) == []


def test_only_the_field_that_has_them_is_named(client, editor, exemplar):
    client.force_login(editor)
    response = edit(client, exemplar, exemplar_form(exemplar, summary="修路(引水)。"))
    assert warnings(response) == [
        "一句话简介中有半角标点：“(”（1处）、“)”（1处），发布前建议改为全角（（））。"
    ]


def test_saving_a_case_study_warns_too(client, discipline_user):
    page = CaseStudyPageFactory(live=False, summary="王某对企业审批事项推诿扯皮，致使项目延误。")
    page.save_revision()
    client.force_login(discipline_user)
    data = case_study_form(page, summary="王某推诿扯皮;项目延误三个月!")
    response = edit(client, page, data)
    assert response.status_code == 200
    assert warnings(response) == [
        "一句话简介中有半角标点：“;”（1处）、“!”（1处），发布前建议改为全角（；！）。"
    ]
    saved = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert saved.summary == "王某推诿扯皮;项目延误三个月!"


def test_creating_a_page_warns(client, discipline_user):
    parent = CaseIndexPage.objects.first()
    template = CaseStudyPageFactory.build(
        title="区某局干部王某,推诿扯皮问题", slug="new-case", summary="王某推诿扯皮。"
    )
    template.unit_type = CaseStudyPageFactory.unit_type.function()
    client.force_login(discipline_user)
    url = reverse("wagtailadmin_pages:add", args=["casestudies", "casestudypage", parent.pk])
    response = client.post(url, case_study_form(template), follow=True)
    assert response.status_code == 200
    created = CaseStudyPage.objects.get(slug="new-case")
    assert created.title == "区某局干部王某,推诿扯皮问题"
    assert warnings(response) == ["标题中有半角标点：“,”（1处），发布前建议改为全角（，）。"]


def test_a_published_page_is_told_to_change_them_without_before_publishing(
    client, superuser, exemplar
):
    client.force_login(superuser)
    data = exemplar_form(exemplar, title="扎根山村,二十年")
    data["action-publish"] = "action-publish"
    response = edit(client, exemplar, data)
    assert ExemplarPage.objects.get(pk=exemplar.pk).title == "扎根山村,二十年"
    assert warnings(response) == ["标题中有半角标点：“,”（1处），建议改为全角（，）。"]


def test_the_editors_autosaves_leave_no_message_behind(client, editor, exemplar):
    """Autosave posts ask for JSON; a message would wait in the session for the next page."""
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[exemplar.pk])
    response = client.post(
        url,
        exemplar_form(exemplar, title="扎根山村,二十年"),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["success"]
    assert warnings(response) == []
    assert warnings(client.get(url)) == []


def test_the_warning_reads_the_summary_each_type_registers():
    page = ExemplarPageFactory.build(title="好书记", summary="<p>修路,引水</p>", live=False)
    assert half_width_warning(page) == (
        "一句话简介中有半角标点：“,”（1处），发布前建议改为全角（，）。"
    )
    assert typography.warning({"标题": "好书记"}) == ""
