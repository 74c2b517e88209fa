"""案卷待办 on the admin dashboard: 纪检监察 land on the case files that need them (candidate
names to decide, case studies the gate took down, drafts to generate again) and follow the link
to act; nobody outside 纪检监察 sees the panel or anything of a case file on their dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.admin_home import CaseFileTasksPanel
from casestudies.drafts import generate_draft
from casestudies.models import (
    CandidateDecision,
    CaseFile,
    CaseFilePerson,
    CaseStudyPage,
    UnitType,
)
from tests.casestudies.test_case_files import make_case_file, write_lessons
from tests.factories import CaseStudyPageFactory
from tests.support.dashboard import panel_html, render_panel
from tests.support.forms import click, forms_labelled

pytestmark = pytest.mark.django_db

PANEL = "jingjian-case-file-tasks"
# What a case file holds that nobody outside 纪检监察 may read, not even as a title.
CASE_FILE_WORDS = ["王建国", "鉴纪案〔2025〕17号", "购物卡问题", "张志强", "孙立平", "案卷待办"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


def dashboard(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, name):
    """The rows of one list of the panel (``pending``, ``withdrawn``, ``stale``), or ""."""
    panel = panel_html(html, PANEL)
    start = panel.find(f'data-section="{name}"')
    return "" if start < 0 else panel[start : panel.find("</table>", start)]


@pytest.fixture
def live_study(discipline_user, django_capture_on_commit_callbacks):
    """A published case study of a case file that passes the gate today."""
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕30号",
        title="某局推诿扯皮问题",
        raw_account="2024年,某局原副局长王建国推诿扯皮。",
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 3, 1),
    )
    CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
    page = CaseStudyPageFactory(
        title="某局原副局长王某推诿扯皮问题",
        subject="某局原副局长王某",
        summary="王某推诿扯皮,其下属孙立平未予制止。",
        source_case_file=case_file,
    )
    assert CaseStudyPage.objects.get(pk=page.pk).live
    return page


def test_candidates_to_decide_lead_to_the_review_screen(client, discipline_user):
    case_file = make_case_file()  # the tagger finds 张志强, whom nobody listed
    html = dashboard(client, discipline_user)
    rows = section(html, "pending")
    assert "疑似姓名待确认（1）" in rows
    assert "鉴纪案〔2025〕17号" in rows and "1 个疑似姓名待确认是否为人名" in rows
    review_url = reverse("casefiles:review", args=[case_file.pk])
    assert f'<a class="button button-small" href="{review_url}">脱敏审核</a>' in rows

    review = client.get(review_url).content.decode()
    (decide,) = forms_labelled(review, "保存审核结论")  # posts back to the review screen
    assert decide["action"] == "" and "rejected" in decide["choices"]["decision:张志强"]
    client.post(review_url, {**decide["fields"], "decision:张志强": "rejected"})
    assert CandidateDecision.objects.get(case_file=case_file).decision == "rejected"
    assert section(dashboard(client, discipline_user), "pending") == ""


def test_a_study_the_gate_took_down_stays_listed_until_it_is_up_again(
    client, discipline_user, live_study, django_capture_on_commit_callbacks
):
    case_file = live_study.source_case_file
    with django_capture_on_commit_callbacks(execute=True):
        CaseFilePerson.objects.create(case_file=case_file, name="孙立平", role="witness")
    assert not CaseStudyPage.objects.get(pk=live_study.pk).live
    rows = section(dashboard(client, discipline_user), "withdrawn")
    assert "已被脱敏检查撤下的警示案例（1）" in rows
    assert "鉴纪案〔2025〕30号" in rows and f"“{live_study.title}”于" in rows
    assert "（1 处问题）" in rows
    review_url = reverse("casefiles:review", args=[case_file.pk])
    assert f'<a class="button button-small" href="{review_url}">查看原因</a>' in rows
    assert "已自动撤下" in client.get(review_url).content.decode()
    edit_url = reverse("wagtailadmin_pages:edit", args=[live_study.pk])
    assert edit_url in rows

    # Rewritten and published again: nothing left to do.
    page = CaseStudyPage.objects.get(pk=live_study.pk).get_latest_revision_as_object()
    page.summary = "王某推诿扯皮,其下属未予制止。"
    page.save_revision(user=discipline_user).publish()
    assert section(dashboard(client, discipline_user), "withdrawn") == ""


def test_a_draft_to_generate_again_leads_to_the_review_screen(client, discipline_user):
    case_file = make_case_file()
    generate_draft(case_file, user=discipline_user)
    assert section(dashboard(client, discipline_user), "stale") == ""
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    rows = section(dashboard(client, discipline_user), "stale")
    assert "脱敏稿需要重新生成（1）" in rows
    assert "疑似姓名的审核结论有变更" in rows
    review_url = reverse("casefiles:review", args=[case_file.pk])
    assert f'<a class="button button-small" href="{review_url}">重新生成</a>' in rows
    (regenerate,) = forms_labelled(client.get(review_url).content.decode(), "重新生成脱敏稿")
    click(client, regenerate)
    assert section(dashboard(client, discipline_user), "stale") == ""


def test_nothing_to_do_says_so(client, discipline_user):
    html = panel_html(dashboard(client, discipline_user), PANEL)
    assert "案卷方面没有待办" in html


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_nobody_outside_the_discipline_group_sees_any_of_it(
    client, request, who, discipline_user, live_study, django_capture_on_commit_callbacks
):
    case_file = make_case_file()  # a candidate to decide
    generate_draft(case_file, user=discipline_user)
    CandidateDecision.objects.create(case_file=case_file, text="李某某", decision="accepted")
    with django_capture_on_commit_callbacks(execute=True):  # a study taken down
        CaseFilePerson.objects.create(
            case_file=live_study.source_case_file, name="孙立平", role="witness"
        )
    assert "案卷待办" in dashboard(client, discipline_user)

    html = dashboard(client, request.getfixturevalue(who))
    assert PANEL not in html
    for word in CASE_FILE_WORDS:
        assert word not in html, word
    assert "/admin/casefiles/" not in html
    # Rendered alone, the panel is empty for them and asks nothing about case files.
    user = request.getfixturevalue(who)
    with CaptureQueriesContext(connection) as queries:
        assert render_panel(CaseFileTasksPanel(), user) == ""
    assert not any("casestudies_casefile" in q["sql"] for q in queries)


def test_superusers_see_it(client, superuser):
    make_case_file()
    assert "疑似姓名待确认（1）" in section(dashboard(client, superuser), "pending")


def test_the_panel_asks_a_fixed_number_of_queries(
    discipline_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    names = ["孙立平", "赵明亮", "钱志刚", "周海涛", "吴晓峰", "郑国栋"]
    names += ["冯建业", "陈卫东", "褚天明", "卫光辉", "蒋文斌", "沈永年"]

    def add(n):
        case_file = CaseFile.objects.create(
            number=f"鉴纪案〔2024〕{n}号",
            title=f"第{n}号案卷",
            raw_account="2024年,某局原副局长王建国推诿扯皮。",
            unit_type=UnitType.objects.get(name="区直部门"),
            source="complaint",
            date_handled=datetime.date(2024, 6, 1),
        )
        CaseFilePerson.objects.create(case_file=case_file, name="王建国", role="subject")
        page, _ = generate_draft(case_file, user=discipline_user)
        page = write_lessons(page, discipline_user)
        page.summary = f"王某推诿扯皮,{names[n - 1]}知情。"
        page.save_revision(user=discipline_user).publish()
        with django_capture_on_commit_callbacks(execute=True):  # the gate takes it down
            CaseFilePerson.objects.create(case_file=case_file, name=names[n - 1], role="witness")
        assert not CaseStudyPage.objects.get(pk=page.pk).live

    add(1)
    with CaptureQueriesContext(connection) as one:
        render_panel(CaseFileTasksPanel(), discipline_user)
    for n in range(2, 13):
        add(n)
    fresh = type(discipline_user).objects.get(pk=discipline_user.pk)
    with django_assert_max_num_queries(len(one) + 1):  # +1: the fresh user's groups
        html = render_panel(CaseFileTasksPanel(), fresh)
    assert "已被脱敏检查撤下的警示案例（12）" in html
    assert "脱敏稿需要重新生成（12）" in html
    assert len(one) <= 10
