"""Every view and every export of a case file is in the audit log (``casestudies.audit``), with
the user: each URL of the case-file admin is listed here, and a URL added without saying whether
it shows a case file fails the suite."""

import csv
import io

import pytest
from django.urls import get_resolver, reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from casestudies import audit
from tests.casestudies.test_case_files import make_case_file

pytestmark = pytest.mark.django_db

NUMBER = "鉴纪案〔2025〕17号"
NAME = "王建国"

# URL name → (what it shows: "one" case file, a "list", or "nothing" named), and how to ask.
URLS = {
    "index": "list",
    "index_results": "list",
    "edit": "one",
    "delete": "one",
    "history": "one",
    "history_results": "one",
    "usage": "one",
    "review": "one",
    "document": "one",
    "add": "nothing",  # an empty form
    "import": "nothing",  # the upload form; an import is logged per case file it writes
    "generate": "nothing",  # POST only: logged as 生成脱敏稿, then back to the review screen
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def case_file(db):
    return make_case_file()


@pytest.fixture
def document(case_file):
    from django.core.files.base import ContentFile

    from casestudies.models import CaseFileDocument

    document = CaseFileDocument(case_file=case_file, title="谈话笔录")
    document.file.save("bilu.txt", ContentFile("谈话笔录全文".encode()), save=True)
    return document


@pytest.fixture
def discipline_client(client, discipline_user):
    client.force_login(discipline_user)
    return client


def case_file_url_names():
    resolver = get_resolver()
    _prefix, namespace_resolver = resolver.namespace_dict["casefiles"]
    return {
        pattern.name
        for pattern in namespace_resolver.url_patterns
        if getattr(pattern, "name", None)
    }


def url(name, case_file, document):
    if name in ("index", "index_results", "add", "import"):
        return reverse(f"casefiles:{name}")
    if name == "document":
        return reverse("casefiles:document", args=[case_file.pk, document.pk])
    return reverse(f"casefiles:{name}", args=[case_file.pk])


def entries(case_file, user, action):
    return ModelLogEntry.objects.filter(object_id=str(case_file.pk), user=user, action=action)


def test_every_case_file_url_says_what_it_shows():
    assert case_file_url_names() == set(URLS)


@pytest.mark.parametrize("name", sorted(URLS))
def test_each_url_that_shows_a_case_file_logs_it(
    discipline_client, discipline_user, case_file, document, name
):
    shows = URLS[name]
    response = discipline_client.get(url(name, case_file, document))
    if name == "generate":
        assert response.status_code == 405
    else:
        assert response.status_code == 200, name
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    action = {"one": audit.VIEW, "list": audit.LIST}.get(shows)
    if action is None:
        assert NAME not in text and case_file.title not in text
        assert not ModelLogEntry.objects.filter(object_id=str(case_file.pk)).exists()
        return
    logged = entries(case_file, discipline_user, action)
    assert logged.count() == 1, name
    assert logged.get().data["what"]
    assert logged.get().label == str(case_file)


def test_the_list_logs_the_files_on_its_page_only(discipline_client, discipline_user):
    first = make_case_file()
    other = make_case_file(number="鉴纪案〔2025〕18号", title="刘某某问题")
    discipline_client.get(reverse("casefiles:index"), {"q": "18号"})
    assert not entries(first, discipline_user, audit.LIST).exists()
    assert entries(other, discipline_user, audit.LIST).get().data == {"what": "案卷列表"}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exporting_the_list_logs_every_file_exported(
    discipline_client, discipline_user, export_format
):
    first = make_case_file()
    other = make_case_file(number="鉴纪案〔2025〕18号", title="刘某某问题")
    response = discipline_client.get(reverse("casefiles:index"), {"export": export_format})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    else:
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = [[str(v or "") for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["案卷编号", "案卷名称"] and "被处理人" in rows[0]
    # Named material leaves in it: the persons handled are a column.
    assert any(NAME in cell for row in rows[1:] for cell in row)
    for case_file in (first, other):
        logged = entries(case_file, discipline_user, audit.EXPORT).get()
        assert logged.data == {"what": "导出案卷列表", "format": export_format}
    # One export, one uuid: the entries of one action go together in the report.
    uuids = set(ModelLogEntry.objects.filter(action=audit.EXPORT).values_list("uuid", flat=True))
    assert len(uuids) == 1
    # A filtered export exports, and logs, what the filter kept.
    discipline_client.get(reverse("casefiles:index"), {"export": export_format, "q": "18号"})
    assert entries(other, discipline_user, audit.EXPORT).count() == 2
    assert entries(first, discipline_user, audit.EXPORT).count() == 1


def test_the_dashboard_logs_the_files_it_lists(discipline_client, discipline_user, case_file):
    # 张志强 in the account is a name nobody decided on: the file is listed under 疑似姓名待确认.
    home = discipline_client.get(reverse("wagtailadmin_home")).content.decode()
    assert NUMBER in home
    assert entries(case_file, discipline_user, audit.LIST).get().data == {"what": "后台首页待办"}


def test_the_entries_read_in_chinese_in_the_history_and_the_report(
    client, discipline_client, discipline_user, editor, case_file
):
    discipline_client.get(reverse("casefiles:edit", args=[case_file.pk]))
    discipline_client.get(reverse("casefiles:index"))
    discipline_client.get(reverse("casefiles:index"), {"export": "csv"})
    history = discipline_client.get(reverse("casefiles:history_results", args=[case_file.pk]))
    text = history.content.decode()
    assert "查看了案卷（编辑页）" in text
    assert "在列表中显示了案卷（案卷列表）" in text
    assert "导出了含本案卷的表格（导出案卷列表，csv）" in text
    report = discipline_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "导出案卷" in report and NUMBER in report
    # The report names case files to those who may see them only.
    client.force_login(editor)
    report = client.get(reverse("wagtailadmin_reports:site_history"))
    assert report.status_code == 200 and NUMBER not in report.content.decode()
