"""Bulletins (通报): the .docx read back, the web and print views, review before publishing,
issuing marks, and the rules (the gate, visibility) on save and on publish."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from casestudies.bulletins import chinese_ordinal, shown_items
from casestudies.choices import RankLevel
from casestudies.models import BulletinItem, BulletinPage, CaseFile, CaseFileUnit, CaseStudyPage
from casestudies.statistics import Level, Period, figures
from jingjian.core import visibility
from tests.casestudies.bulletin_support import (
    EXHORTATION,
    PREAMBLE,
    approve_step,
    bulletin_form,
    bulletin_index,
    docx_paragraphs,
    make_bulletin,
    make_study,
)
from tests.casestudies.register_fixtures import write
from tests.factories import HandlingFactory

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def studies(db):
    first = make_study("区某局原副局长王某推诿扯皮问题")
    HandlingFactory(page=first, pseudonym="王某", administrative_sanction="demerit")
    second = make_study("某镇原党委委员李某吃拿卡要问题")
    third = make_study("某街道办事处干部赵某庸懒散浮拖问题")
    return [first, second, third]


def test_ordinals_read_as_official_documents_number_items():
    assert [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


def test_the_docx_reads_back_in_the_official_layout(client, reader, studies):
    first, second, third = studies
    bulletin = make_bulletin(
        [third, first, second], headings={first.pk: "区某局王某对企业审批推诿扯皮问题"}
    )
    client.force_login(reader)
    response = client.get(bulletin.url + "docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "no-store" in response["Cache-Control"]
    rows = docx_paragraphs(response.content)
    texts = [text for text, _f, _c in rows]
    assert texts[0] == "中共鉴湖区纪委 鉴湖区监委"
    assert rows[0][1] == {"方正小标宋简体"} and rows[0][2] == {"E60012"}  # the red header
    assert texts[1] == "鉴纪通〔2026〕3号"
    assert texts[2] == "关于几起不作为不担当典型问题的通报"
    assert "方正小标宋简体" in rows[2][1]
    assert texts[3] == "各镇（街道）党（工）委，区直各单位党组织："
    assert texts[4] == PREAMBLE and rows[4][1] == {"仿宋_GB2312"}
    headings = [text for text, fonts, _c in rows if fonts == {"黑体"}]
    assert headings == [
        "一、某街道办事处干部赵某庸懒散浮拖问题",
        "二、区某局王某对企业审批推诿扯皮问题",  # the override
        "三、某镇原党委委员李某吃拿卡要问题",
    ]
    assert "2021年3月至6月,王某推诿扯皮。" in texts
    assert "王某受到党纪严重警告、政务记过处分。" in texts
    assert texts[-3:] == [EXHORTATION, "中共鉴湖区纪委 鉴湖区监委", "2026年3月5日"]
    # The red rule under the header.
    assert b'w:color="E60012"' in _document_xml(response.content)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        footer = archive.read("word/footer1.xml").decode()
    assert 'w:instr="PAGE"' in footer and "— " in footer  # page numbers “— 1 —”


def _document_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def test_web_page_print_view_and_listing_for_readers(client, reader, studies):
    bulletin = make_bulletin(studies)
    assert client.get(bulletin.url).status_code == 302  # intranet: to the login
    assert client.get(bulletin.url + "docx/").status_code == 302
    client.force_login(reader)
    body = client.get(bulletin.url).content.decode()
    for expected in ["鉴纪通〔2026〕3号", "一、区某局原副局长王某推诿扯皮问题", "下载Word文档"]:
        assert expected in body
    assert "三、某街道办事处干部赵某庸懒散浮拖问题" in body
    printed = client.get(bulletin.url + "print/").content.decode()
    assert "print.css" in printed and "二、某镇原党委委员李某吃拿卡要问题" in printed
    assert "site-header" not in printed
    home = client.get("/").content.decode()
    assert 'href="/cases/bulletins/">通报</a>' in home  # the navigation, once signed in
    listing = client.get("/cases/bulletins/").content.decode()
    assert bulletin.title in listing and "鉴纪通〔2026〕3号" in listing
    draft = make_bulletin(studies, publish=False, title="尚未发布的通报")
    assert draft.title not in client.get("/cases/bulletins/").content.decode()


def test_review_goes_through_before_the_bulletin_is_published(
    client, discipline_user, reviewer, studies
):
    bulletin = make_bulletin(studies, publish=False)
    assert bulletin.get_workflow().name.startswith("警示案例三审")
    bulletin.get_workflow().start(bulletin, discipline_user)
    for user in [discipline_user, reviewer, discipline_user]:
        assert not Page.objects.get(pk=bulletin.pk).live
        assert approve_step(client, user, bulletin).status_code in (200, 302)
    assert Page.objects.get(pk=bulletin.pk).live


def test_issuing_a_public_bulletin_names_cases_files_and_units_and_statistics_follow(studies):
    (case_file,) = write(
        [
            (
                "鉴纪台〔2025〕41号",
                datetime.date(2025, 5, 6),
                ["推诿扯皮"],
                "民心工程",
                "complaint",
                "区直部门",
                False,
                [("鉴湖区城管局", False)],
                [
                    ("石岚舟", RankLevel.COUNTY, 2, "warning", "", "", False, False),
                    ("姜沐白", RankLevel.TOWNSHIP, 1, "", "", "criticism", False, False),
                ],
            )
        ]
    )
    study = studies[0]
    CaseStudyPage.objects.filter(pk=study.pk).update(source_case_file=case_file)
    CaseStudyPage.objects.get(pk=study.pk).save_revision()  # a draft saved before issuing
    year = Period.year(2025)
    assert figures(year, level=Level.SUPPRESSED).totals["persons"].shown == "<3"
    internal = make_bulletin([study], for_publication=False)
    assert not CaseFile.objects.get(pk=case_file.pk).named_in_bulletin  # internal names nothing
    make_bulletin([study], for_publication=True, document_number="鉴纪通〔2026〕4号")
    assert CaseStudyPage.objects.get(pk=study.pk).named_in_bulletin
    assert CaseFile.objects.get(pk=case_file.pk).named_in_bulletin
    assert all(
        CaseFileUnit.objects.filter(case_file=case_file).values_list("named_in_bulletin", flat=True)
    )
    assert figures(year, level=Level.SUPPRESSED).totals["persons"].shown == "2"
    # The mark survives the study's next publish and the bulletin being taken down.
    CaseStudyPage.objects.get(pk=study.pk).get_latest_revision().publish()
    assert CaseStudyPage.objects.get(pk=study.pk).named_in_bulletin
    internal.unpublish()
    assert CaseFile.objects.get(pk=case_file.pk).named_in_bulletin


def test_a_scheduled_bulletin_names_its_cases_when_it_goes_live(studies):
    study = studies[0]
    bulletin = make_bulletin([study], for_publication=True, publish=False)
    bulletin.go_live_at = timezone.now() + datetime.timedelta(days=2)
    revision = bulletin.save_revision()
    revision.publish()
    assert not BulletinPage.objects.get(pk=bulletin.pk).live
    assert not CaseStudyPage.objects.get(pk=study.pk).named_in_bulletin
    # The time comes (the revision's own 上线时间 too, which the publish reads).
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", verbosity=0)
    assert BulletinPage.objects.get(pk=bulletin.pk).live
    assert CaseStudyPage.objects.get(pk=study.pk).named_in_bulletin


def test_a_public_bulletin_refuses_a_case_the_gate_fails(studies):
    leaky = make_study("某局干部孙某问题", summary="举报人手机13912345678。")
    with pytest.raises(ValidationError) as refused:
        make_bulletin([studies[0], leaky], for_publication=True)
    (message,) = refused.value.messages
    assert "第2条“某局干部孙某问题”未通过脱敏检查" in message
    assert "13912345678" not in message
    # Meant for the intranet only, it may hold it.
    assert make_bulletin([studies[0], leaky], for_publication=False).live


def test_a_bulletin_refuses_a_case_fewer_readers_may_see(studies, make_page_visible):
    secret = make_study("限定范围的案例")
    make_page_visible(secret, "restricted", ["纪检监察"])
    with pytest.raises(ValidationError) as refused:
        make_bulletin([studies[0], secret])
    assert "第2条“限定范围的案例”的可见范围比本通报窄" in refused.value.messages[0]
    # A bulletin restricted as narrowly may hold it.
    bulletin = make_bulletin([studies[0]], publish=False)
    make_page_visible(bulletin, "restricted", ["纪检监察"])
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    bulletin.items = [BulletinItem(case_study=secret)]
    bulletin.save_revision().publish()
    assert BulletinPage.objects.get(pk=bulletin.pk).live


def test_an_item_hidden_later_never_reaches_a_reader(
    client, reader, discipline_user, studies, make_page_visible
):
    bulletin = make_bulletin(studies)
    make_page_visible(studies[1], "restricted", ["纪检监察"])  # after issuing
    client.force_login(reader)
    body = client.get(bulletin.url).content.decode()
    assert "李某吃拿卡要" not in body
    assert "二、某街道办事处干部赵某庸懒散浮拖问题" in body  # renumbered
    texts = [t for t, _f, _c in docx_paragraphs(client.get(bulletin.url + "docx/").content)]
    assert not any("李某" in t for t in texts)
    assert [i.case_study_id for i in shown_items(bulletin, discipline_user)] == [
        s.pk for s in studies
    ]


def test_only_discipline_staff_save_a_bulletin_and_the_form_names_what_to_fix(
    client, editor, discipline_user, studies, make_page_visible
):
    url = reverse(
        "wagtailadmin_pages:add", args=("casestudies", "bulletinpage", bulletin_index().pk)
    )
    client.force_login(editor)
    response = client.post(url, bulletin_form(studies[:1], "编辑写的通报"))
    assert response.status_code in (200, 302, 403)
    assert not BulletinPage.objects.filter(title="编辑写的通报").exists()
    if response.status_code == 200:
        assert "只有纪检监察干部可以编写或修改通报" in response.content.decode()
    client.force_login(discipline_user)
    secret = make_study("限定范围的案例")
    make_page_visible(secret, "restricted", ["纪检监察"])
    refused = client.post(url, bulletin_form([studies[0], secret]))
    assert refused.status_code == 200
    assert "第2条“限定范围的案例”的可见范围比本通报窄" in refused.content.decode()
    saved = client.post(url, bulletin_form([studies[1], studies[0]]))
    assert saved.status_code == 302
    page = BulletinPage.objects.get(title="纪检写的通报")
    latest = page.get_latest_revision_as_object()
    assert [i.case_study_id for i in latest.items.all()] == [studies[1].pk, studies[0].pk]


def test_an_intranet_bulletin_is_narrower_than_a_public_case_not_the_reverse(studies):
    bulletin = make_bulletin([], publish=True)
    assert visibility.audience_within(bulletin, studies[0])  # intranet within public
    assert not visibility.audience_within(studies[0], bulletin)
