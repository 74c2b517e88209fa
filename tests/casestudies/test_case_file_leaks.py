"""No text of a case file reaches anything a reader can open: pages, listings, feeds, the
sitemap, search (both engines), the API, media URLs — neither for anonymous visitors nor for
logged-in readers, and not for editors in the admin's page search either."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Page

from casestudies.drafts import generate_draft
from casestudies.models import CandidateDecision, CaseFileDocument, CaseStudyPage
from tests.casestudies.test_case_files import make_case_file, write_lessons

pytestmark = pytest.mark.django_db

SECRETS = [
    "王建国",
    "建国",
    "李秀英",
    "张志强",
    "13812345678",
    "解放路18号",
    "住房和城乡建设局",
    "谈话笔录",
]


@pytest.fixture
def published_case(settings, tmp_path, discipline_user):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    case_file = make_case_file()
    document = CaseFileDocument(case_file=case_file, title="王建国谈话笔录")
    document.file.save("tanhua.txt", ContentFile("王建国谈话笔录".encode()), save=True)
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    page, _ = generate_draft(case_file, user=discipline_user)
    page = write_lessons(page, discipline_user)
    page.get_latest_revision().publish()
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live
    return page, document


def reader_urls(page, document):
    return [
        "/",
        "/cases/",
        "/cases/?year=2025",
        page.url,
        "/cases/feed/",
        "/sitemap.xml",
        "/search/?q=王建国",
        "/search/?q=王某",
        "/search/?q=谈话笔录",
        "/api/v2/pages/?search=王建国",
        "/api/v2/pages/?search=王某",
        f"/api/v2/pages/{page.pk}/",
        "/api/v2/pages/?type=casestudies.CaseStudyPage&fields=*",
        "/api/v2/documents/",
        "/api/v2/images/",
        f"/media/{document.file.name}",
        f"/media/private-media/{document.file.name}",
    ]


@pytest.mark.parametrize("who", [None, "reader"])
def test_case_file_text_never_reaches_a_reader(client, request, search_engine, published_case, who):
    page, document = published_case
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    if who:
        client.force_login(request.getfixturevalue(who))
    seen_the_case = False
    for url in reader_urls(page, document):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.content.decode() if response.status_code == 200 else ""
        query = parse_qs(urlsplit(url).query)
        for echoed in query.get("q", []) + query.get("search", []):
            body = body.replace(echoed, "")  # the reader's own query, echoed back
        for secret in SECRETS:
            assert secret not in body, (url, secret)
        seen_the_case |= page.title in body
    assert seen_the_case  # the anonymized case itself is published and found
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_the_admin_page_search_finds_only_the_anonymized_case(client, editor, published_case):
    client.force_login(editor)
    body = client.get("/admin/pages/search/?q=王建国").content.decode()
    assert "王建国推诿扯皮" not in body
    assert Page.objects.filter(title__contains="王建国").count() == 0
