"""An attacker's review of bulletins (通报), issue 15 §4: every way out, for readers of another
group, 编辑, 审核, anonymous visitors; items restricted or taken down after issuing; forged posts
to the form and the picker; and the statistics a public bulletin feeds.

Each test is what a person could do through the site (HTTP, the admin, the workflow's buttons)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from casestudies.choices import RankLevel
from casestudies.models import BulletinItem, BulletinPage, CaseFile, CaseStudyPage
from casestudies.statistics import Level, Period, figures
from jingjian.core import page_cache
from tests.casestudies.bulletin_support import (
    approve_step,
    bulletin_form,
    bulletin_index,
    make_bulletin,
    make_study,
)
from tests.casestudies.register_fixtures import write
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "某镇干部乙违规插手工程问题"


@pytest.fixture
def issued(db, make_page_visible):
    """A bulletin issued over two intranet case studies; the second is then restricted to
    纪检监察 (its title is what nobody else may read)."""
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study(SECRET)
    bulletin = make_bulletin([first, second])
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    bulletin.title = "关于两起问题的通报（修订稿）"
    draft = bulletin.save_revision()
    make_page_visible(second, "restricted", ["纪检监察"])
    return BulletinPage.objects.get(pk=bulletin.pk), draft, second


def admin_urls(bulletin, draft):
    first = bulletin.revisions.order_by("pk").first()
    return [
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
        reverse("wagtailadmin_pages:history", args=[bulletin.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[bulletin.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[bulletin.pk, first.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[bulletin.pk, first.pk, draft.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[bulletin.pk, "live", "latest"]),
        reverse("wagtailadmin_pages:view_draft", args=[bulletin.pk]),
        reverse("wagtailadmin_explore", args=[bulletin.get_parent().pk]),
        f"/admin/api/main/pages/?child_of={bulletin.get_parent().pk}",
        f"/admin/api/main/pages/{bulletin.pk}/",
        reverse("bulletins:index"),
        reverse("bulletins:pick", args=[bulletin.pk]),
    ]


def test_an_item_restricted_after_issuing_is_named_nowhere_in_the_admin(
    client, editor, reviewer, issued
):
    """编辑 and 审核 never save bulletins, but open their edit pages (and take them down): the
    通报案例 chooser showed the title of an item restricted after issuing."""
    bulletin, draft, _secret = issued
    for user in (editor, reviewer):
        client.force_login(user)
        for url in admin_urls(bulletin, draft):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), url
            assert SECRET not in response.content.decode(), (user.username, url)


def test_a_reviewer_reads_the_bulletin_waiting_for_them_unless_an_item_is_hidden_from_them(
    client, discipline_user, reviewer, make_page_visible
):
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study(SECRET)
    bulletin = make_bulletin([first, second], publish=False)
    bulletin.get_workflow().start(bulletin, discipline_user)
    approve_step(client, discipline_user, bulletin)
    client.force_login(reviewer)  # 案例复审 waits for 审核
    edit = reverse("wagtailadmin_pages:edit", args=[bulletin.pk])
    assert client.get(edit).status_code == 200
    make_page_visible(second, "restricted", ["纪检监察"])
    client.force_login(reviewer)
    response = client.get(edit)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_a_bulletin_is_taken_down_after_an_item_is_restricted(
    client, discipline_user, reviewer, issued
):
    """Unpublishing, locking and unlocking save the page: its items are not being changed, so
    no rule about items may refuse them (it answered 500 and the bulletin stayed up)."""
    bulletin, _draft, _secret = issued
    client.raise_request_exception = False
    client.force_login(discipline_user)
    lock = client.post(reverse("wagtailadmin_pages:lock", args=[bulletin.pk]))
    assert lock.status_code == 302
    unlock = client.post(reverse("wagtailadmin_pages:unlock", args=[bulletin.pk]))
    assert unlock.status_code == 302
    unpublish = client.post(reverse("wagtailadmin_pages:unpublish", args=[bulletin.pk]))
    assert unpublish.status_code == 302
    assert not Page.objects.get(pk=bulletin.pk).live


def test_a_reviewer_takes_down_a_bulletin_whose_case_study_was_unpublished(client, reviewer):
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study("某镇干部丙吃拿卡要问题")
    bulletin = make_bulletin([first, second])
    CaseStudyPage.objects.get(pk=second.pk).unpublish()
    client.raise_request_exception = False
    client.force_login(reviewer)  # 审核 may unpublish
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[bulletin.pk]))
    assert response.status_code == 302
    assert not Page.objects.get(pk=bulletin.pk).live


def test_the_last_approval_is_refused_in_chinese_when_an_item_no_longer_qualifies(
    client, discipline_user, reviewer, make_page_visible
):
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study(SECRET)
    bulletin = make_bulletin([first, second], publish=False)
    bulletin.get_workflow().start(bulletin, discipline_user)
    client.raise_request_exception = False
    for step, user in enumerate([discipline_user, reviewer, discipline_user]):
        if step == 2:
            make_page_visible(second, "restricted", ["纪检监察"])
        response = approve_step(client, user, bulletin)
        assert response.status_code in (200, 302)
    assert not Page.objects.get(pk=bulletin.pk).live
    shown = client.get(reverse("wagtailadmin_pages:edit", args=[bulletin.pk])).content.decode()
    assert "可见范围比本通报窄" in shown


def test_the_form_never_names_a_case_study_hidden_from_the_one_who_saves(
    client, discipline_user, make_page_visible
):
    """纪检监察 do not pass every restriction: a case study restricted to another group, posted by
    id, was refused with its title (第1条“…”的可见范围比本通报窄)."""
    Group.objects.create(name="区委巡察办")
    other = make_study("巡察办专属的未公开问题")
    make_page_visible(other, "restricted", ["区委巡察办"])
    url = reverse(
        "wagtailadmin_pages:add", args=("casestudies", "bulletinpage", bulletin_index().pk)
    )
    client.force_login(discipline_user)
    response = client.post(url, bulletin_form([other.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "巡察办专属的未公开问题" not in body
    assert "无权查看" in body
    assert not BulletinPage.objects.filter(title="纪检写的通报").exists()


@pytest.mark.parametrize(
    "values",
    [
        ["²"],
        ["①"],
        ["٣"],
        ["-1"],
        ["1e5"],
        ["9" * 30],
        [""],
        ["abc"],
        ["0"],
    ],
)
def test_the_picker_answers_bad_ids_in_chinese(client, discipline_user, values):
    bulletin = make_bulletin([], publish=False)
    client.raise_request_exception = False
    client.force_login(discipline_user)
    response = client.post(reverse("bulletins:pick", args=[bulletin.pk]), {"case_study": values})
    assert response.status_code == 200
    assert "请重新筛选后勾选" in response.content.decode()


def test_the_picker_takes_duplicates_once_and_refuses_forged_and_huge_lists(
    client, discipline_user, make_page_visible
):
    public = make_study("某局干部甲推诿扯皮问题")
    secret = make_study(SECRET)
    make_page_visible(secret, "restricted", ["纪检监察"])
    bulletin = make_bulletin([], publish=False)
    (case_file,) = write(
        [
            (
                "鉴纪台〔2025〕77号",
                datetime.date(2025, 5, 6),
                ["推诿扯皮"],
                "民心工程",
                "complaint",
                "区直部门",
                False,
                [("鉴湖区城管局", False)],
                [("石岚舟", RankLevel.COUNTY, 2, "warning", "", "", False, False)],
            )
        ]
    )
    url = reverse("bulletins:pick", args=[bulletin.pk])
    client.raise_request_exception = False
    client.force_login(discipline_user)
    # A case file's id is no case study's.
    forged = client.post(url, {"case_study": [str(case_file.pk + 10_000)]})
    assert "请重新筛选后勾选" in forged.content.decode()
    huge = client.post(url, {"case_study": [str(n) for n in range(1, 5001)]})
    assert huge.status_code == 200
    assert "请重新筛选后勾选" in huge.content.decode()
    twice = client.post(url, {"case_study": [public.pk, public.pk]})
    assert twice.status_code == 302
    latest = BulletinPage.objects.get(pk=bulletin.pk).get_latest_revision_as_object()
    assert [item.case_study_id for item in latest.items.all()] == [public.pk]


def test_a_bulletin_for_publication_restricted_to_a_group_names_nothing(make_page_visible, reader):
    """Only a bulletin every official may read is announced: one restricted to 纪检监察, meant
    for publication, made its matters count as publicly named, and the statistics then showed
    other officials their exact small numbers."""
    (case_file,) = write(
        [
            (
                "鉴纪台〔2025〕88号",
                datetime.date(2025, 5, 6),
                ["推诿扯皮"],
                "民心工程",
                "complaint",
                "区直部门",
                False,
                [("鉴湖区城管局", False)],
                [("石岚舟", RankLevel.COUNTY, 2, "warning", "", "", False, False)],
            )
        ]
    )
    study = make_study("某局干部甲推诿扯皮问题")
    CaseStudyPage.objects.filter(pk=study.pk).update(source_case_file=case_file)
    make_page_visible(study, "restricted", ["纪检监察"])
    bulletin = make_bulletin([], publish=False, for_publication=True)
    make_page_visible(bulletin, "restricted", ["纪检监察"])
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    bulletin.items = [BulletinItem(case_study=CaseStudyPage.objects.get(pk=study.pk))]
    with pytest.raises(ValidationError) as refused:
        bulletin.save_revision().publish()
    assert "公开发布的通报应让全体干部都能看到" in refused.value.messages[0]
    assert not CaseFile.objects.get(pk=case_file.pk).named_in_bulletin
    shown = figures(Period.year(2025), level=Level.SUPPRESSED).totals["persons"].shown
    assert shown == "<3"


def test_every_way_out_keeps_bulletins_from_anonymous_visitors(client):
    bulletin = make_bulletin([make_study("某局干部甲推诿扯皮问题")])
    for suffix in ("", "print/", "docx/"):
        response = client.get(bulletin.url + suffix)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in (
        "/sitemap.xml",
        "/api/v2/pages/?type=casestudies.BulletinPage",
        f"/api/v2/pages/{bulletin.pk}/",
        "/search/?q=通报",
        "/cases/feed/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 301, 302, 400, 404), url
        assert bulletin.title not in response.content.decode(), url


def test_the_page_cache_never_serves_one_groups_items_to_another(make_page_visible):
    patrol = Group.objects.create(name="区委巡察办")
    first = make_study("某局干部甲推诿扯皮问题")
    second = make_study("巡察办才能看的问题")
    bulletin = make_bulletin([first, second])
    make_page_visible(second, "restricted", ["区委巡察办"])
    page_cache.purge()
    inside = UserFactory(groups=["读者"])
    inside.groups.add(patrol)
    outside = UserFactory(groups=["读者"])
    insider, outsider = Client(), Client()
    insider.force_login(inside)
    outsider.force_login(outside)
    for suffix in ("", "print/", "", "print/"):
        assert "巡察办才能看的问题" in insider.get(bulletin.url + suffix).content.decode()
        response = outsider.get(bulletin.url + suffix)
        assert "巡察办才能看的问题" not in response.content.decode()
        assert "某局干部甲推诿扯皮问题" in response.content.decode()


@pytest.mark.parametrize(
    "period",
    [
        "2025",
        "-2025",
        "2025-13",
        "0000",
        "9999",
        "2025-ytd-00",
        "2025-01..2024-01",
        "1949-01-01..2026-12-31",
        "２０２５",
        "٢٠٢٥",
        "20250101..20251231",
        "2025-02-30..2025-03-01",
        "x" * 41,
        "2025\x00",
        "..",
        "2025..2025",
        "2025-03",
        "2025-ytd-03",
    ],
)
def test_statistics_answer_any_period_without_a_500_and_readers_get_whole_years(
    client, reader, period
):
    client.raise_request_exception = False
    client.force_login(reader)
    for url in ("/statistics/", "/statistics/figures.json", "/statistics/charts/trend.svg"):
        for key in ("period", "custom"):
            response = client.get(url, {key: period})
            assert response.status_code in (200, 400, 404), (url, key, period)
            if period in ("2025-03", "2025-ytd-03") and url != "/statistics/charts/trend.svg":
                assert response.status_code == 400


def test_a_public_bulletins_own_words_are_asked_the_gate_against_its_items_case_files(
    client, discipline_user
):
    """The gate read the case studies, not what staff type around them: a subject line naming
    the person handled (the case file's 石岚舟) went out in a bulletin meant for publication."""
    (case_file,) = write(
        [
            (
                "鉴纪台〔2025〕99号",
                datetime.date(2025, 5, 6),
                ["推诿扯皮"],
                "民心工程",
                "complaint",
                "区直部门",
                False,
                [("鉴湖区城管局", False)],
                [("石岚舟", RankLevel.COUNTY, 2, "warning", "", "", False, False)],
            )
        ]
    )
    study = make_study("区某局干部推诿扯皮问题")
    CaseStudyPage.objects.filter(pk=study.pk).update(source_case_file=case_file)
    study = CaseStudyPage.objects.get(pk=study.pk)
    with pytest.raises(ValidationError) as refused:
        make_bulletin([study], for_publication=True, headings={study.pk: "石岚舟推诿扯皮问题"})
    (message,) = refused.value.messages
    assert "通报的“第1条的标题”未通过脱敏检查" in message and "石岚舟" not in message
    with pytest.raises(ValidationError):
        make_bulletin([study], for_publication=True, preamble="现将石岚舟等人的问题通报如下。")
    # Meant for the intranet only, the words are staff's to choose, as the case study's are.
    assert make_bulletin([study], headings={study.pk: "石岚舟推诿扯皮问题"}).live
    # The form says so too, before anything is saved.
    url = reverse(
        "wagtailadmin_pages:add", args=("casestudies", "bulletinpage", bulletin_index().pk)
    )
    client.force_login(discipline_user)
    data = bulletin_form([study.pk], slug="bulletin-words")
    data["items-0-heading"] = "石岚舟推诿扯皮问题"
    data["for_publication"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "通报的“第1条的标题”未通过脱敏检查" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "²", "1.0", "9" * 30])
def test_the_form_posted_with_no_case_study_id_is_a_form_error(client, discipline_user, value):
    url = reverse(
        "wagtailadmin_pages:add", args=("casestudies", "bulletinpage", bulletin_index().pk)
    )
    client.raise_request_exception = False
    client.force_login(discipline_user)
    response = client.post(url, bulletin_form([value]))
    # The row is left empty, as if never filled: the draft is saved without it, or refused.
    assert response.status_code in (200, 302)
    for page in BulletinPage.objects.filter(title="纪检写的通报"):
        items = page.get_latest_revision_as_object().items.all()
        assert all(item.case_study_id is None for item in items)


def test_a_bulletin_meant_for_publication_takes_only_public_case_studies(
    client, reader, make_page_visible
):
    """The .docx of a bulletin meant for publication is what goes out: an intranet case study in
    it went out with it."""
    public = make_study("某局干部甲推诿扯皮问题")
    internal = make_study("只在内网的某镇干部丁问题")
    make_page_visible(internal, "intranet")
    with pytest.raises(ValidationError) as refused:
        make_bulletin([public, internal], for_publication=True)
    assert "第2条“只在内网的某镇干部丁问题”不是公开的案例" in refused.value.messages[0]
    assert make_bulletin([public, internal], for_publication=False).live
    # Made intranet after issuing, it drops out of what the bulletin shows and prints.
    issued = make_bulletin([public], for_publication=True, document_number="鉴纪通〔2026〕6号")
    make_page_visible(public, "intranet")
    client.force_login(reader)
    assert "某局干部甲推诿扯皮问题" not in client.get(issued.url).content.decode()


def test_an_item_dropped_in_a_later_revision_is_not_read_in_the_comparison(
    client, editor, discipline_user, make_page_visible
):
    """Comparing revisions showed the title of an item an earlier revision held, restricted
    since: to 编辑 (restricted to 纪检监察) and to 纪检监察 (restricted to another group)."""
    Group.objects.create(name="区委巡察办")
    first = make_study("某局干部甲推诿扯皮问题")
    dropped = [make_study(SECRET), make_study("巡察办才能看的问题")]
    bulletin = make_bulletin([first, *dropped], publish=False)
    earlier = bulletin.latest_revision
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    bulletin.items = [BulletinItem(case_study=first)]
    later = bulletin.save_revision()
    later.publish()
    make_page_visible(dropped[0], "restricted", ["纪检监察"])
    make_page_visible(dropped[1], "restricted", ["区委巡察办"])
    for user, title in ((editor, SECRET), (discipline_user, "巡察办才能看的问题")):
        client.force_login(user)
        for url in (
            reverse(
                "wagtailadmin_pages:revisions_compare", args=[bulletin.pk, earlier.pk, later.pk]
            ),
            reverse("wagtailadmin_pages:revisions_compare", args=[bulletin.pk, "earliest", "live"]),
        ):
            response = client.get(url)
            assert response.status_code in (200, 404)
            assert title not in response.content.decode(), (user.username, url)
