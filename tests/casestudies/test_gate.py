"""The publication gate: a case study never goes live with a name or identifier of its case file."""

import pytest
import wagtail_factories
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from casestudies.drafts import generate_draft
from casestudies.gate import AnonymizationGateError
from casestudies.models import CandidateDecision, CaseStudyPage, Handling
from casestudies.publication import check_page
from tests.casestudies.test_case_files import make_case_file, write_lessons
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def case_file(db):
    return make_case_file()


@pytest.fixture
def draft(case_file, discipline_user):
    """A generated draft whose only open point is the unreviewed candidate 张志强 (its 以案说法
    written)."""
    page, _ = generate_draft(case_file, user=discipline_user)
    write_lessons(page, discipline_user)
    return CaseStudyPage.objects.get(pk=page.pk)


def decide(case_file, text, decision):
    CandidateDecision.objects.update_or_create(
        case_file=case_file, text=text, defaults={"decision": decision}
    )


def latest(page):
    return CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def test_a_reviewed_draft_passes_and_publishes(draft, case_file):
    decide(case_file, "张志强", "accepted")
    page, _ = generate_draft(case_file)
    assert check_page(page) == []
    page.get_latest_revision().publish()
    published = CaseStudyPage.objects.get(pk=page.pk)
    assert published.live and "张某" in str(published.facts.raw_data)


def test_an_unreviewed_candidate_blocks_publication(draft, discipline_user, reviewer):
    page = latest(draft)
    problems = check_page(page)
    assert {(p.text, p.reason) for p in problems} == {("张志强", "未审核的疑似姓名")}
    assert {p.location for p in problems} == {"基本案情第2段"}
    with pytest.raises(AnonymizationGateError) as raised:
        draft.get_latest_revision().publish()
    # Logs and command output get the message for anyone; 纪检监察 the full explanation.
    assert "“张志强”出现在“基本案情第2段”" in str(raised.value)
    assert "未审核" not in str(raised.value)
    assert "未审核" not in raised.value.message_for(reviewer)
    assert "“张志强”（未审核的疑似姓名）出现在“基本案情第2段”" in raised.value.message_for(
        discipline_user
    )
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_a_rejected_candidate_may_stay(draft, case_file):
    decide(case_file, "张志强", "rejected")
    assert check_page(latest(draft)) == []


def test_an_accepted_candidate_may_not_come_back(draft, case_file):
    decide(case_file, "张志强", "accepted")
    page = latest(draft)  # generated before the decision: the name is still there
    assert [(p.text, p.reason) for p in check_page(page)] == [("张志强", "已确认的姓名")]


def _image(title="工作照", description="工作照片"):
    return wagtail_factories.ImageFactory(title=title, description=description)


def _document(title):
    return wagtail_factories.DocumentFactory(title=title)


# Each case puts a case-file string into one text of the page: (setter, expected location).
def set_title(page):
    page.title = "王建国推诿扯皮问题"


def set_seo_title(page):
    page.seo_title = "王建国案"


def set_search_description(page):
    page.search_description = "鉴湖区住房和城乡建设局副局长推诿扯皮"


def set_slug(page):
    page.slug = "王建国-tuiweichepi"


def set_subject(page):
    page.subject = "某局原副局长王建国"


def set_summary(page):
    page.summary = "李秀英经营茶楼。"


def set_lessons(page):
    page.lessons = "王建國的教训十分深刻。"  # traditional form of the same name


def set_paragraph(page):
    page.facts = [("paragraph", rich_text_raw("<p>建国收受购物卡。</p>"))]


def set_heading(page):
    page.facts = [("heading", "手机13812345678的通话记录")]


def set_quote(page):
    page.facts = [("quote", {"text": "我对不起组织。", "attribution": "王建国"})]


def _image_block(image, alt_text, decorative=False):
    image.contextual_alt_text = alt_text
    image.decorative = decorative
    return ("image", image)


def set_image_alt(page):
    page.facts = [_image_block(_image(), "李秀英的茶楼")]


def set_image_title(page):
    page.facts = [_image_block(_image(title="王建国在茶楼"), "茶楼")]


def set_image_description(page):
    page.facts = [_image_block(_image(description="解放路18号茶楼门口"), "", decorative=True)]


def set_embedded_image(page):
    image = _image(title="王建国照片")
    html = (
        f'<p>现场照片:</p><embed embedtype="image" id="{image.pk}" format="fullwidth" alt="现场"/>'
    )
    page.facts = [("paragraph", rich_text_raw(html))]


def set_document_link(page):
    document = _document("王建国谈话笔录")
    html = f'<p>见<a linktype="document" id="{document.pk}">附件</a>。</p>'
    page.facts = [("paragraph", rich_text_raw(html))]


def set_handling_pseudonym(page):
    page.handlings = [Handling(pseudonym="王建国", discipline_form=2)]


def set_handling_post(page):
    page.handlings = [
        Handling(pseudonym="王某", post="鉴湖区住房和城乡建设局副局长", discipline_form=2)
    ]


def rich_text_raw(html):
    from wagtail.rich_text import RichText

    return RichText(html)


GATED_TEXTS = [
    (set_title, "标题", "王建国"),
    (set_seo_title, "SEO 标题", "王建国"),
    (set_search_description, "搜索描述", "鉴湖区住房和城乡建设局"),
    (set_slug, "网址别名", "王建国"),
    (set_subject, "当事人（脱敏）", "王建国"),
    (set_summary, "一句话简介", "李秀英"),
    (set_lessons, "以案说法", "王建国"),
    (set_paragraph, "基本案情第1段", "建国"),
    (set_heading, "基本案情第1小标题", "13812345678"),
    (set_quote, "基本案情第1引文", "王建国"),
    (set_image_alt, "基本案情第1图片", "李秀英"),
    (set_image_title, "基本案情第1图片·图片标题", "王建国"),
    (set_image_description, "基本案情第1图片·图片说明（替换文字）", "解放路18号"),
    (set_embedded_image, "基本案情第1段·图片标题", "王建国"),
    (set_document_link, "基本案情第1段·链接文件标题", "王建国"),
    (set_handling_pseudonym, "处理情况第1条·化名", "王建国"),
    (set_handling_post, "处理情况第1条·职务", "鉴湖区住房和城乡建设局"),
]


@pytest.mark.parametrize(
    "setter, location, text", GATED_TEXTS, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_text_of_the_page_is_checked(draft, case_file, setter, location, text):
    decide(case_file, "张志强", "accepted")
    page, _ = generate_draft(case_file)
    assert check_page(page) == []
    setter(page)
    revision = page.save_revision()
    problems = check_page(revision.as_object())
    assert (location, text) in {(p.location, p.text) for p in problems}, problems
    with pytest.raises(AnonymizationGateError):
        revision.publish()
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_personal_identifiers_are_refused_even_without_a_case_file():
    page = CaseStudyPageFactory(summary="举报人手机13912345678,身份证330102198001011234。")
    problems = check_page(page)
    assert {(p.text, p.reason) for p in problems} == {
        ("13912345678", "手机号码"),
        ("330102198001011234", "身份证号"),
    }
    with pytest.raises(AnonymizationGateError):
        page.save_revision().publish()


def test_a_public_hotline_is_not_an_identifier():
    page = CaseStudyPageFactory(lessons="欢迎拨打举报电话0571-12388123反映问题。")
    assert check_page(page) == []


def _edit_data(page, **changes):
    fields = {
        "title": page.title,
        "slug": page.slug,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "subject": page.subject,
        "summary": page.summary,
        "unit_type": str(page.unit_type_id),
        "source": page.source,
        "date_handled": page.date_handled.isoformat(),
        "facts": streamfield([("paragraph", rich_text("<p>2023年,王某推诿扯皮。</p>"))]),
        "handlings": inline_formset(
            [{"pseudonym": "王某", "post": "某局原副局长", "discipline_form": "2"}]
        ),
        "lessons": page.lessons,
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


def test_publishing_from_the_editor_names_the_string_and_where_it_is(
    client, draft, case_file, superuser
):
    """Only superusers publish from the editor; the gate refuses them too."""
    decide(case_file, "张志强", "accepted")
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    data = _edit_data(
        latest(draft),
        handlings=inline_formset(
            [{"pseudonym": "王某", "post": "建国同志", "discipline_form": "2"}]
        ),
    )
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "脱敏检查未通过" in html
    assert "“建国”（案卷人员“王建国”的名字）出现在“处理情况第1条·职务”" in html
    assert not CaseStudyPage.objects.get(pk=draft.pk).live

    # The same form without the name publishes.
    data = _edit_data(latest(draft))
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CaseStudyPage.objects.get(pk=draft.pk).live


def test_saving_a_draft_with_names_is_allowed(client, draft, discipline_user):
    client.force_login(discipline_user)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = client.post(url, _edit_data(latest(draft), summary="王建国推诿扯皮。"))
    assert response.status_code == 302
    assert latest(draft).summary == "王建国推诿扯皮。"
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def _shown(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


PUBLIC_HINT = "。请修改上述内容；如有疑问，请联系纪检监察室。"


def _approve(client, page, user):
    client.force_login(user)
    state = Page.objects.get(pk=page.pk).specific.current_workflow_state
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    return client.post(url, {"comment": ""}, follow=True)


def test_the_workflow_refuses_to_hand_a_failing_draft_over_or_enter_its_final_step(
    client, draft, case_file, discipline_user, reviewer
):
    draft.get_workflow().start(draft, discipline_user)
    # 案例初审 → 案例复审 hands the draft to 审核, who never see a draft the gate fails (it is
    # hidden from them): refused, and 纪检监察 are told what the case file says about it.
    response = _approve(client, draft, discipline_user)
    shown = _shown(response)[0]
    assert shown.startswith("脱敏检查未通过，不能交给纪检监察以外的人员审核：")
    assert "张志强" in shown
    state = CaseStudyPage.objects.get(pk=draft.pk).current_workflow_state
    assert state.current_task_state.task.name == "案例初审"
    assert state.current_task_state.status == "in_progress"

    decide(case_file, "张志强", "rejected")
    _approve(client, draft, discipline_user)
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
    _approve(client, draft, reviewer)
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例终审"

    # Someone edits the name back in during the final step: the review starts again from its
    # first step, and the approval that would hand it to 审核 is refused.
    page = latest(draft)
    page.summary = "王建国推诿扯皮。"
    page.save_revision(user=discipline_user)
    state.current_task_state.revision = page.get_latest_revision()
    state.current_task_state.save()
    _approve(client, draft, discipline_user)
    assert not CaseStudyPage.objects.get(pk=draft.pk).live
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例初审"
    response = _approve(client, draft, discipline_user)
    assert "“王建国”" in _shown(response)[0]
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例初审"
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_the_final_step_is_refused_to_a_draft_that_fails(
    client, draft, case_file, discipline_user, reviewer
):
    """A draft that reached 案例复审 before a name was added to its case file: 审核 are told the
    string on the page and where, not what the case file says about it."""
    decide(case_file, "张志强", "rejected")
    draft.get_workflow().start(draft, discipline_user)
    _approve(client, draft, discipline_user)
    state = CaseStudyPage.objects.get(pk=draft.pk).current_workflow_state
    assert state.current_task_state.task.name == "案例复审"
    CandidateDecision.objects.filter(case_file=case_file, text="张志强").delete()

    response = _approve(client, draft, reviewer)  # → 案例终审: refused, nothing written
    assert _shown(response)[0] == (
        "脱敏检查未通过，不能发布或进入终审：“张志强”出现在“基本案情第2段”" + PUBLIC_HINT
    )
    state.refresh_from_db()
    assert state.current_task_state.task.name == "案例复审"
    assert state.current_task_state.status == "in_progress"


# --- paths around the editor ---------------------------------------------------------------------


def test_the_admin_api_cannot_publish_past_the_gate(client, draft, discipline_user):
    client.force_login(discipline_user)
    response = client.post(
        f"/admin/api/main/pages/{draft.pk}/action/publish/",
        data="{}",
        content_type="application/json",
    )
    assert response.status_code != 200
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


def test_a_copy_keeps_its_case_file_and_its_gate(draft, case_file):
    copy = latest(draft).copy(update_attrs={"title": "复制的案例", "slug": "fuzhi-anli"})
    assert copy.source_case_file_id == case_file.pk
    assert {(p.text, p.reason) for p in check_page(copy)} == {("张志强", "未审核的疑似姓名")}
    with pytest.raises(AnonymizationGateError):
        copy.save_revision().publish()
    # The case file cannot be deleted while case studies made from it exist.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        case_file.delete()


def test_scheduled_publishing_skips_a_refused_case_and_goes_on(draft, case_file):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import PageLogEntry

    from tests.factories import ExemplarPageFactory

    past = timezone.now() - datetime.timedelta(minutes=5)
    case_revision = draft.get_latest_revision()
    case_revision.approved_go_live_at = past
    case_revision.save()
    exemplar = ExemplarPageFactory(live=False)
    exemplar_revision = exemplar.save_revision()
    exemplar_revision.approved_go_live_at = past
    exemplar_revision.save()

    call_command("publish_scheduled")

    case_revision.refresh_from_db()
    assert case_revision.approved_go_live_at is None  # no longer scheduled: nothing loops
    assert not CaseStudyPage.objects.get(pk=draft.pk).live
    refusal = PageLogEntry.objects.get(page=draft, action="jingjian.gate.refused")
    assert "张志强" in refusal.data["message"]
    exemplar.refresh_from_db()
    assert exemplar.live


def test_full_width_identifiers_and_link_addresses_are_checked():
    page = CaseStudyPageFactory(summary="联系电话１３８１２３４５６７８。")
    assert [(p.text, p.reason) for p in check_page(page)] == [("13812345678", "手机号码")]
    page.summary = "见附件。"
    page.facts = [
        ("paragraph", rich_text_raw('<p><a href="mailto:wangjg@example.com">来信</a></p>'))
    ]
    assert [(p.location, p.reason) for p in check_page(page)] == [
        ("基本案情第1段·链接地址", "电子邮箱")
    ]
