"""manage.py load_demo_content: realistic, complete, idempotent."""

import hashlib
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model
from wagtail.models import Site

from casestudies.choices import (
    Accountability,
    AdministrativeSanction,
    CaseSource,
    DisciplineForm,
    PartySanction,
)
from casestudies.models import (
    CaseFile,
    CaseFilePerson,
    CaseStudyPage,
    GovernancePriority,
    Handling,
    ProblemType,
    UnitType,
)
from casestudies.models.case_files import PersonRole
from casestudies.statistics import Level, Period, figures
from demo import register
from exemplars.models import ExemplarCategory, ExemplarPage
from jingjian.core import visibility
from jingjian.core.models import WorkArea
from jingjian.core.storage import is_token_name
from jingjian.syndication.channels import manuscript
from jingjian.syndication.models import Channel


@pytest.fixture(scope="module")
def demo(demo_content, django_db_blocker):
    """The demo loaded (by ``demo_content``) and then loaded again: the second run must change
    nothing."""
    with django_db_blocker.unblock():
        counts = (CaseStudyPage.objects.count(), ExemplarPage.objects.count())
        images = get_image_model().objects.count()
        call_command("load_demo_content", verbosity=0)
        return {"first_counts": counts, "first_images": images}


@pytest.fixture
def db_with_demo(demo, db):
    return demo


def test_quantities_and_idempotence(db_with_demo):
    # 44 imported case studies and the draft generated from a demo case file.
    assert db_with_demo["first_counts"] == (45, 14)
    assert CaseStudyPage.objects.count() == 45
    assert ExemplarPage.objects.count() == 14
    assert get_image_model().objects.count() == db_with_demo["first_images"]


def test_every_taxonomy_value_is_used(db_with_demo):
    cases = CaseStudyPage.objects.filter(source_case_file=None)  # drafts leave some to staff
    assert set(ProblemType.objects.all()) == set(ProblemType.objects.filter(cases__in=cases))
    assert set(UnitType.objects.all()) == {c.unit_type for c in cases}
    assert set(GovernancePriority.objects.all()) == {c.governance_priority for c in cases}
    assert set(WorkArea.objects.all()) == {c.work_area for c in cases}
    assert set(WorkArea.objects.all()) == set(
        WorkArea.objects.filter(exemplars__in=ExemplarPage.objects.all())
    )
    assert set(ExemplarCategory.objects.all()) == {e.category for e in ExemplarPage.objects.all()}
    assert set(CaseSource.values) == {c.source for c in cases}
    handlings = Handling.objects.all()
    assert set(PartySanction.values) <= set(handlings.values_list("party_sanction", flat=True))
    assert set(AdministrativeSanction.values) <= set(
        handlings.values_list("administrative_sanction", flat=True)
    )
    assert set(Accountability.values) <= set(handlings.values_list("accountability", flat=True))
    assert set(DisciplineForm.values) == set(handlings.values_list("discipline_form", flat=True))
    assert handlings.filter(detained=True).exists() and handlings.filter(referred=True).exists()


def test_every_visibility_level_and_year(db_with_demo):
    for model in (CaseStudyPage, ExemplarPage):
        levels = {visibility.visibility_of(page) for page in model.objects.all()}
        assert levels == set(visibility.Visibility), model
    years = set(CaseStudyPage.objects.values_list("date_handled__year", flat=True))
    assert set(range(2019, 2027)) <= years
    exemplar_years = set(ExemplarPage.objects.values_list("date__year", flat=True))
    assert set(range(2019, 2027)) <= exemplar_years
    assert CaseStudyPage.objects.filter(live=False).exists()


def test_case_files_and_their_draft(db_with_demo):
    from casestudies.models import CaseFile
    from casestudies.publication import check_page

    assert CaseFile.objects.exclude(number__startswith=register.NUMBER_PREFIX).count() == 3
    drafted = CaseFile.objects.exclude(case_studies=None).get()
    page = drafted.draft_study().get_latest_revision_as_object()
    assert not drafted.draft_study().live
    assert "汪振华" not in page.title and page.title.startswith("汪某")
    # The detector's candidate waits for review — 孙立平, a name nobody listed (湖滨苑二期 is a
    # compound, no name): the gate refuses to publish until then.
    assert {p.text for p in check_page(page)} == {"孙立平"}
    # The draft carries the case file's classifications and waits for its 以案说法.
    assert [t.name for t in page.problem_types.all()] == ["推诿扯皮"]
    assert page.work_area.name == "城中村改造" and page.source == "complaint"
    assert page.lessons.startswith("【待撰写】")


def test_the_demo_register(db_with_demo):
    """At least 300 persons handled across 2019–2026, in every year, loaded once."""
    files = CaseFile.objects.filter(number__startswith=register.NUMBER_PREFIX)
    persons = CaseFilePerson.objects.filter(case_file__in=files, role=PersonRole.SUBJECT)
    assert persons.count() >= 300
    years = {d.year for d in files.values_list("date_handled", flat=True)}
    assert years == set(range(2019, 2027))
    assert persons.exclude(rank_level=None).count() == persons.count()
    assert persons.exclude(discipline_form=None).count() == persons.count()
    # Loading again leaves it alone: the same files, not new ones.
    assert files.count() == len(register.register_records(excluded=register.excluded_names()))
    whole = figures(Period.parse("2019-01..2026-12"), level=Level.EXACT)  # 纪检监察 only
    assert whole.totals["persons"].value == persons.count() + 5  # and the named case files'
    forms = {key: cell.value for key, _l, cell, _s in whole.forms}
    assert forms["form_1"] > forms["form_2"] > forms["form_3"] > forms["form_4"] > 0


def test_register_names_never_appear_on_a_page(db_with_demo, client):
    """The register's people are invented, and none of them is named anywhere readers go."""
    from wagtail.models import Page

    names = set(
        CaseFilePerson.objects.filter(
            case_file__number__startswith=register.NUMBER_PREFIX
        ).values_list("name", flat=True)
    )
    texts = []
    for page in Page.objects.live().specific():
        revision = page.get_latest_revision()
        texts.append(str(revision.content) if revision else page.title)
    corpus = "\n".join(texts)
    assert not [name for name in names if name in corpus]


def test_demo_channels(db_with_demo):
    from jingjian.syndication.models import Channel

    assert set(Channel.objects.values_list("kind", flat=True)) == {
        "tv",
        "radio",
        "newspaper",
        "wechat",
        "weibo",
        "app",
    }
    # Channels that need credentials start inactive; nothing is sent by loading the demo.
    assert not Channel.objects.filter(kind__in=["wechat", "weibo", "app"], active=True).exists()


def test_the_published_demo_case_studies_pass_the_gate(db_with_demo):
    from casestudies.publication import check_page

    assert all(check_page(page) == [] for page in CaseStudyPage.objects.live())


def test_case_studies_are_anonymized(db_with_demo):
    for handling in Handling.objects.all():
        assert handling.pseudonym.rstrip("0123456789").endswith("某"), handling.pseudonym


def test_exemplars_have_portraits_with_alt_text(db_with_demo, client):
    for page in ExemplarPage.objects.all():
        assert page.portrait is not None
        assert page.portrait.description
    featured = ExemplarPage.objects.filter(featured=True, live=True).first()
    assert any(block.block_type == "image" for block in featured.deeds)
    assert client.get(featured.url).status_code == 200


def test_demo_pictures_are_stored_under_names_that_say_nothing(db_with_demo, client):
    """No file name carries, or is computed from, a person's name or a title; a restricted
    exemplar's portrait is served to 纪检监察 and refused to a reader."""
    images = list(get_image_model().objects.all())
    assert images
    for image in images:
        base = os.path.basename(image.file.name)
        assert is_token_name(base), image.file.name
        assert hashlib.sha1(image.title.encode()).hexdigest()[:12] not in base
    exemplars = ExemplarPage.objects.exclude(portrait=None)
    page = next(p for p in exemplars if visibility.visibility_of(p) == "restricted")
    client.force_login(get_user_model().objects.get(username="duzhe"))
    assert client.get(page.portrait.file.url).status_code == 403
    client.force_login(get_user_model().objects.get(username="jijian"))
    assert client.get(page.portrait.file.url).status_code == 200


def test_demo_pages_are_logged_as_written_by_the_demo_command(db_with_demo, client):
    from wagtail.models import PageLogEntry

    from jingjian.core.models import ImportedPage

    for record in ImportedPage.objects.select_related("page"):
        entries = PageLogEntry.objects.filter(page=record.page, action="jingjian.demo")
        files = {e.data.get("file") for e in entries if e.data.get("source_id") == record.source_id}
        assert files & {"exemplars.jsonl", "cases-a.jsonl", "cases-b.jsonl"}, record.source_id
        assert {e.data["command"] for e in entries} == {"load_demo_content"}
        assert not PageLogEntry.objects.filter(page=record.page, action="wagtail.edit").exists()
    first = ImportedPage.objects.get(source_id="demo-ex-001").page
    assert client.login(username="admin", password="jingjian-admin")
    history = client.get(f"/admin/pages/{first.pk}/history/").content.decode()
    assert "由演示内容命令 load_demo_content 写入（文件 exemplars.jsonl 第 1 行）" in history


def test_demo_accounts(db_with_demo, client):
    assert client.login(username="admin", password="jingjian-admin")
    assert client.get("/admin/").status_code == 200
    assert client.login(username="duzhe", password="jingjian-demo")
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "username, shown",
    [
        ("bianji", "陶思雨 区委宣传部"),
        ("shenhe", "冯建平 区委宣传部"),
        ("jijian", "严立华 区纪委监委"),
        ("duzhe", "苏婉清 区发展和改革局"),
    ],
)
def test_demo_accounts_are_people_with_a_name_and_a_unit(db_with_demo, client, username, shown):
    """The header names who is logged in (it read “干部 区直机关”)."""
    assert client.login(username=username, password="jingjian-demo")
    body = client.get("/").content.decode()
    assert f'<span class="site-nav__user">{shown}</span>' in body
    assert "干部 区直机关" not in body


def test_anonymous_reader_sees_only_public_demo_pages(db_with_demo, client):
    response = client.get("/cases/")
    listed = response.context["result_count"]
    public_live = [
        p
        for p in CaseStudyPage.objects.live()
        if visibility.visibility_of(p) == visibility.Visibility.PUBLIC
    ]
    assert listed == len(public_live) > 10


def test_site_address_sets_the_links_of_the_api(db_with_demo, client):
    call_command(
        "load_demo_content", "--skip-index", "--site", "http://127.0.0.1:8000", verbosity=0
    )
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    response = client.get("/api/v2/pages/", {"type": "casestudies.CaseStudyPage", "limit": 1})
    (item,) = response.json()["items"]
    assert item["meta"]["html_url"].startswith("http://127.0.0.1:8000/cases/")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1:8000",
        "ftp://example.org/",
        "http://:80",
        "http://h:99999",
        "http://127.0.0.1:8000/jingjian/",
    ],
)
def test_a_bad_site_address_is_refused_before_anything_is_written(db_with_demo, address):
    User = get_user_model()
    User.objects.filter(username="duzhe").delete()  # a load would create the account again
    root_url = Site.objects.get(is_default_site=True).root_url
    with pytest.raises(CommandError, match="站点地址无效") as raised:
        call_command("load_demo_content", "--site", address, verbosity=0)
    assert "请写成含协议、主机名和端口的完整地址，例如 http://127.0.0.1:8000" in str(raised.value)
    assert not User.objects.filter(username="duzhe").exists()
    assert Site.objects.get(is_default_site=True).root_url == root_url


def test_the_demo_newspaper_names_its_correspondent_once(db_with_demo):
    """《鉴湖日报》's 署名 is “通讯员 鉴宣”: its manuscripts read 本报讯（通讯员 鉴宣）."""
    newspaper = Channel.objects.get(slug="jianhu-daily")
    page = ExemplarPage.objects.live().order_by("pk").first()
    assert manuscript.render(page, newspaper).byline == "本报讯（通讯员 鉴宣）"
