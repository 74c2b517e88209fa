"""Case files (案卷): who may see them, the audit log, the review screen and the draft."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import ModelLogEntry, PageLogEntry

from casestudies.drafts import draft_fields, generate_draft
from casestudies.models import (
    CandidateDecision,
    CaseFile,
    CaseFileDocument,
    CaseFilePerson,
    CaseFileUnit,
    CaseStudyPage,
    UnitType,
)

pytestmark = pytest.mark.django_db

RAW_ACCOUNT = (
    "2023年3月至2024年5月,鉴湖区住房和城乡建设局原副局长王建国在负责老旧小区改造项目审批期间,"
    "对企业申请推诿扯皮,多次以“材料不全”为由拖延办理。\n"
    "建国还通过手机13812345678与项目负责人张志强联系,收受购物卡2张。"
    "王局长的妻子李秀英在解放路18号经营一家茶楼。"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


def make_case_file(**overrides):
    fields = dict(
        number="鉴纪案〔2025〕17号",
        title="王建国推诿扯皮、违规收受购物卡问题",
        raw_account=RAW_ACCOUNT,
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 6, 30),
    )
    fields.update(overrides)
    case_file = CaseFile.objects.create(**fields)
    CaseFilePerson.objects.create(
        case_file=case_file,
        name="王建国",
        role="subject",
        gender="男",
        unit="鉴湖区住房和城乡建设局",
        post="原副局长",
        discipline_form=2,
        party_sanction="serious_warning",
        administrative_sanction="demerit",
    )
    CaseFilePerson.objects.create(case_file=case_file, name="李秀英", role="witness")
    CaseFileUnit.objects.create(case_file=case_file, name="鉴湖区住房和城乡建设局")
    return case_file


WRITTEN_LESSONS = "以案为鉴、举一反三：审批服务不能推诿扯皮，更不能借机收受礼品。"


def write_lessons(page, user=None, lessons=WRITTEN_LESSONS):
    """A new draft revision of ``page`` (a generated draft) with its 以案说法 written in place of
    the prompt it was generated with; returns the page as that revision has it."""
    draft = CaseStudyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.lessons = lessons
    draft.save_revision(user=user)
    return draft


@pytest.fixture
def case_file(db):
    return make_case_file()


@pytest.fixture
def document(case_file):
    document = CaseFileDocument(case_file=case_file, title="王建国谈话笔录")
    document.file.save("bilu.txt", ContentFile("王建国谈话笔录全文".encode()), save=True)
    return document


def case_file_urls(case_file, document):
    pk = case_file.pk
    return [
        ("get", reverse("casefiles:index")),
        ("get", reverse("casefiles:index_results")),
        ("get", reverse("casefiles:add")),
        ("post", reverse("casefiles:add")),
        ("get", reverse("casefiles:edit", args=[pk])),
        ("post", reverse("casefiles:edit", args=[pk])),
        ("get", reverse("casefiles:delete", args=[pk])),
        ("post", reverse("casefiles:delete", args=[pk])),
        ("get", reverse("casefiles:history", args=[pk])),
        ("get", reverse("casefiles:history_results", args=[pk])),
        ("get", reverse("casefiles:usage", args=[pk])),
        ("get", reverse("casefiles:review", args=[pk])),
        ("post", reverse("casefiles:review", args=[pk])),
        ("post", reverse("casefiles:generate", args=[pk])),
        ("get", reverse("casefiles:document", args=[pk, document.pk])),
    ]


@pytest.mark.parametrize("who", ["editor", "reviewer", "reader"])
def test_everyone_outside_the_discipline_group_gets_403_everywhere(
    client, request, who, case_file, document
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for method, url in case_file_urls(case_file, document):
        response = getattr(client, method)(url)
        expected = 403 if who != "reader" else 302  # readers may not enter the admin at all
        assert response.status_code == expected, (method, url)
        assert "王建国" not in response.content.decode()
    # Nothing changed: the case file is still there, no draft was made, no decision stored.
    case_file.refresh_from_db()
    assert case_file.draft_study() is None
    assert not CandidateDecision.objects.exists()


def test_model_permissions_alone_do_not_open_case_files(client, editor, case_file, document):
    """An administrator granting the model permission to another group by mistake opens nothing."""
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="_casefile"))
    client.force_login(editor)
    for method, url in case_file_urls(case_file, document):
        assert getattr(client, method)(url).status_code == 403, url


def test_the_menu_shows_case_files_only_to_the_discipline_group(client, editor, discipline_user):
    client.force_login(editor)
    assert reverse("casefiles:index") not in client.get("/admin/").content.decode()
    client.force_login(discipline_user)
    assert reverse("casefiles:index") in client.get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, case_file, document):
    for method, url in case_file_urls(case_file, document):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["discipline_user", "superuser"])
def test_discipline_staff_and_superusers_list_and_open_case_files(client, request, who, case_file):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse("casefiles:index"))
    assert listing.status_code == 200
    assert "鉴纪案〔2025〕17号" in listing.content.decode()
    edit = client.get(reverse("casefiles:edit", args=[case_file.pk]))
    assert edit.status_code == 200
    assert "王建国" in edit.content.decode()


def test_viewing_and_changing_land_in_the_audit_log(client, discipline_user, case_file, document):
    client.force_login(discipline_user)
    client.get(reverse("casefiles:edit", args=[case_file.pk]))
    client.get(reverse("casefiles:review", args=[case_file.pk]))
    client.get(reverse("casefiles:document", args=[case_file.pk, document.pk]))
    client.post(reverse("casefiles:review", args=[case_file.pk]), {"decision:张志强": "accepted"})
    client.post(reverse("casefiles:generate", args=[case_file.pk]))
    entries = ModelLogEntry.objects.filter(object_id=str(case_file.pk), user=discipline_user)
    actions = list(entries.order_by("timestamp", "pk").values_list("action", flat=True))
    assert actions == [
        "jingjian.casefile.view",
        "jingjian.casefile.view",
        "jingjian.casefile.view",
        "jingjian.casefile.review",
        "jingjian.casefile.generate",
    ]
    viewed = [
        e.data["what"]
        for e in entries.filter(action="jingjian.casefile.view").order_by("timestamp", "pk")
    ]
    assert viewed == ["编辑页", "脱敏审核页", "下载材料"]
    assert entries.get(action="jingjian.casefile.review").data == {
        "decisions": {"张志强": "accepted"}
    }
    # The history page shows them, in Chinese.
    history = client.get(reverse("casefiles:history_results", args=[case_file.pk]))
    assert "查看了案卷" in history.content.decode()
    assert "审核了疑似姓名" in history.content.decode()


def test_creating_and_editing_through_the_admin_is_logged(client, discipline_user):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(discipline_user)
    data = nested_form_data(
        {
            "number": "鉴纪案〔2026〕3号",
            "title": "某街道违规发放补贴问题",
            "raw_account": "2025年,某街道财政所所长赵德明违规发放补贴。",
            "unit_type": "",
            "work_area": "",
            "source": "audit",
            "date_handled": "2026-01-15",
            "persons": inline_formset(
                [{"name": "赵德明", "name_kind": "han", "role": "subject", "gender": "男"}]
            ),
            "units": inline_formset([{"name": "鉴湖区临江街道财政所", "replace": "on"}]),
            "documents": inline_formset([]),
        }
    )
    response = client.post(reverse("casefiles:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = CaseFile.objects.get(number="鉴纪案〔2026〕3号")
    assert [p.name for p in created.persons.all()] == ["赵德明"]
    data["title"] = "临江街道违规发放补贴问题"
    data["persons-0-id"] = str(created.persons.get().pk)
    data["persons-INITIAL_FORMS"] = "1"
    data["units-0-id"] = str(created.units.get().pk)
    data["units-INITIAL_FORMS"] = "1"
    response = client.post(reverse("casefiles:edit", args=[created.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(created.pk)).values_list("action", flat=True)
    )
    assert {"wagtail.create", "wagtail.edit"} <= actions


def test_a_bad_case_file_form_says_what_to_fix_and_saves_nothing(
    client, discipline_user, case_file
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(discipline_user)
    data = nested_form_data(
        {
            "number": case_file.number,  # already taken
            "title": "",
            "raw_account": "",
            "persons": inline_formset([]),
            "units": inline_formset([]),
            "documents": inline_formset([]),
        }
    )
    response = client.post(reverse("casefiles:add"), data)
    assert response.status_code == 200
    assert CaseFile.objects.count() == 1
    html = response.content.decode()
    assert "必需字段" in html and "已存在" in html


def test_review_screen_shows_both_texts_with_every_replacement_marked(
    client, discipline_user, case_file
):
    client.force_login(discipline_user)
    html = client.get(reverse("casefiles:review", args=[case_file.pk])).content.decode()
    original = html.split('data-anon="original">')[1].split("</div>")[0]
    anonymized = html.split('data-anon="anonymized">')[1].split("</div>")[0]
    for word in ["王建国", "13812345678", "鉴湖区住房和城乡建设局", "解放路18号", "李秀英"]:
        assert f">{word}</mark>" in original
    assert '<mark class="anon-candidate"' in original and ">张志强</mark>" in original
    for word in ["王建国", "13812345678", "李秀英", "解放路18号"]:
        assert word not in anonymized
    assert ">王某</mark>" in anonymized and ">李某</mark>" in anonymized
    assert ">某局</mark>" in anonymized and ">×××</mark>" in anonymized
    assert "张志强" in anonymized  # not replaced until a reviewer says it is a name
    assert 'name="decision:张志强"' in html


def test_accepting_a_candidate_replaces_it_rejecting_keeps_it(client, discipline_user, case_file):
    client.force_login(discipline_user)
    url = reverse("casefiles:review", args=[case_file.pk])
    response = client.post(url, {"decision:张志强": "accepted"})
    assert response.status_code == 302
    decision = CandidateDecision.objects.get(case_file=case_file, text="张志强")
    assert decision.decision == "accepted" and decision.decided_by == discipline_user
    page, _ = generate_draft(case_file)
    assert "张志强" not in str(page.facts.raw_data) and "张某" in str(page.facts.raw_data)

    client.post(url, {"decision:张志强": "rejected"})
    page, _ = generate_draft(CaseFile.objects.get(pk=case_file.pk))
    assert "张志强" in str(page.facts.raw_data)


def test_decisions_about_strings_that_are_not_candidates_are_refused(
    client, discipline_user, case_file
):
    client.force_login(discipline_user)
    url = reverse("casefiles:review", args=[case_file.pk])
    response = client.post(url, {"decision:王建国": "rejected"}, follow=True)
    assert "不是本案卷的疑似姓名" in response.content.decode()
    assert not CandidateDecision.objects.exists()


def test_generating_a_draft_creates_an_unpublished_anonymized_case_study(
    client, discipline_user, case_file
):
    client.force_login(discipline_user)
    response = client.post(reverse("casefiles:generate", args=[case_file.pk]), follow=True)
    assert "已生成脱敏稿" in response.content.decode()
    case_file.refresh_from_db()
    page = case_file.draft_study().get_latest_revision_as_object()
    assert not case_file.draft_study().live
    assert page.title == "王某推诿扯皮、违规收受购物卡问题"
    assert page.subject == "某局原副局长王某"
    text = str(page.facts.raw_data) + page.summary
    for word in ["王建国", "建国", "13812345678", "李秀英", "住房和城乡建设局", "解放路18号"]:
        assert word not in text
    assert len(page.facts.raw_data) == 2  # one paragraph per line of the raw account
    handling = page.handlings.get()
    assert (handling.pseudonym, handling.discipline_form) == ("王某", 2)
    assert handling.party_sanction == "serious_warning" and handling.post == "某局原副局长"
    assert PageLogEntry.objects.filter(
        page=case_file.draft_study(), action="wagtail.create"
    ).exists()

    # Generating again updates the same page with a new draft revision.
    revisions = case_file.draft_study().revisions.count()
    client.post(reverse("casefiles:generate", args=[case_file.pk]))
    assert CaseStudyPage.objects.count() == 1
    assert case_file.draft_study().revisions.count() == revisions + 1


def test_generating_without_the_required_facts_says_what_is_missing(client, discipline_user):
    case_file = make_case_file(unit_type=None, source="", date_handled=None)
    client.force_login(discipline_user)
    response = client.post(reverse("casefiles:generate", args=[case_file.pk]), follow=True)
    assert "生成脱敏稿前请先在案卷中填写：单位类型、线索来源、处理日期" in response.content.decode()
    assert not CaseStudyPage.objects.exists()


def test_documents_are_private_files_served_only_to_discipline_staff(
    client, discipline_user, document, settings
):
    from pathlib import Path

    assert Path(document.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not Path(document.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert document.file.url == ""  # no public address at all
    client.force_login(discipline_user)
    response = client.get(reverse("casefiles:document", args=[document.case_file_id, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "王建国谈话笔录全文"
    assert "attachment" in response["Content-Disposition"]


def two_wangs_case_file(title, raw_account, persons):
    """A case file about people who share the surname 王; ``persons``: (name, post, form)."""
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2025〕23号",
        title=title,
        raw_account=raw_account,
        unit_type=UnitType.objects.get(name="区直部门"),
        source="complaint",
        date_handled=datetime.date(2025, 6, 30),
    )
    for order, (name, post, form) in enumerate(persons):
        CaseFilePerson.objects.create(
            case_file=case_file,
            sort_order=order,
            name=name,
            role="subject",
            unit="鉴湖区水利局",
            post=post,
            discipline_form=form,
        )
    CaseFileUnit.objects.create(case_file=case_file, name="鉴湖区水利局")
    return case_file


def test_one_pseudonym_per_person_in_every_field_of_the_draft(client, discipline_user):
    """王建国 comes first in the account, so he is 王某1 and 王建军 王某2 everywhere: also in a
    title that names only 王建军, and whatever order the persons are listed in."""
    case_file = two_wangs_case_file(
        "王建军违规收受礼金问题",
        "2022年至2024年，鉴湖区水利局科长王建国多次违规收受工程承包方礼金。\n"
        "王建军在担任该局副科长期间，为承包方办理验收提供便利。建国与建军分别收受礼金3万元和2万元。",
        [("王建军", "原副科长", 2), ("王建国", "原科长", 3)],
    )
    client.force_login(discipline_user)
    response = client.post(reverse("casefiles:generate", args=[case_file.pk]), follow=True)
    assert "已生成脱敏稿" in response.content.decode()
    case_file.refresh_from_db()
    page = case_file.draft_study().get_latest_revision_as_object()

    assert page.title == "王某2违规收受礼金问题"
    assert page.summary == "2022年至2024年，某局科长王某1多次违规收受工程承包方礼金。"
    # (The paragraphs as the editor writes them, block keys aside: test_editor_approval.)
    keys = re.compile(r' data-block-key="[^"]*"')
    assert [keys.sub("", block.value.source) for block in page.facts] == [
        "<p>2022年至2024年，某局科长王某1多次违规收受工程承包方礼金。</p>",
        "<p>王某2在担任该局副科长期间，为承包方办理验收提供便利。"
        "王某1与王某2分别收受礼金3万元和2万元。</p>",
    ]
    assert page.subject == "某局原副科长王某2"
    assert [(h.pseudonym, h.post, h.discipline_form) for h in page.handlings.all()] == [
        ("王某2", "某局原副科长", 2),
        ("王某1", "某局原科长", 3),
    ]


GIVEN_NAMES = ["建国", "建军", "建华", "志强"]
DUTIES = ["审批", "采购", "验收", "拨款"]
MENTION = re.compile(r"(王某\d*)负责(审批|采购|验收|拨款)")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_field_of_a_draft_gives_each_person_one_pseudonym_of_their_own(data):
    """Whatever order 2–4 people named 王 appear in across the account and the title, and
    whether by full or given name: one pseudonym per person in the title, summary, facts,
    subject and every handling, and no two people share one."""
    count = data.draw(st.integers(min_value=2, max_value=4), label="people")
    names = [f"王{given}" for given in GIVEN_NAMES[:count]]
    listed = data.draw(st.permutations(range(count)), label="listed order")
    in_account = data.draw(
        st.lists(st.sampled_from(range(count)), min_size=1, max_size=count, unique=True),
        label="account order",
    )
    in_title = data.draw(
        st.lists(st.sampled_from(range(count)), min_size=1, max_size=count, unique=True),
        label="title order",
    )

    def mention(person):
        called = GIVEN_NAMES[person] if data.draw(st.booleans()) else names[person]
        return f"{called}负责{DUTIES[person]}"

    account = "。".join(mention(p) for p in in_account) + "。"
    title = "、".join(mention(p) for p in in_title) + "问题"
    with transaction.atomic():
        case_file = two_wangs_case_file(
            title, account, [(names[p], "科员", 1 + p % 4) for p in listed]
        )
        fields = draft_fields(case_file)
        transaction.set_rollback(True)

    seen = {person: set() for person in range(count)}
    texts = [fields["title"], fields["summary"], str(fields["facts"])]
    for text in texts:
        for pseudonym, duty in MENTION.findall(text):
            seen[DUTIES.index(duty)].add(pseudonym)
    seen[listed[0]].add(re.search(r"王某\d*$", fields["subject"]).group())
    for person, handling in zip(listed, fields["handlings"], strict=True):
        seen[person].add(handling["pseudonym"])

    assert all(len(pseudonyms) == 1 for pseudonyms in seen.values()), seen
    assert len({pseudonyms.pop() for pseudonyms in seen.values()}) == count
    for text in [*texts, fields["subject"]]:
        assert not any(given in text for given in GIVEN_NAMES[:count]), text
