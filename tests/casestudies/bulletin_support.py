"""Bulletins for the bulletin tests: written as staff write them, read back as readers get them."""

import datetime
import io

from django.urls import reverse
from docx import Document
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from casestudies.models import BulletinIndexPage, BulletinItem, BulletinPage
from tests.factories import CaseStudyPageFactory

PREAMBLE = "为进一步严明纪律要求，现将近期查处的典型问题通报如下。"
EXHORTATION = "以上案例教训深刻。各级党组织要以案为鉴、以案为戒，切实把纪律规矩挺在前面。"


def bulletin_index():
    return BulletinIndexPage.objects.get()


def make_study(title, **fields):
    return CaseStudyPageFactory(title=title, **fields)


def make_bulletin(studies, for_publication=False, headings=None, publish=True, **fields):
    """A bulletin of ``studies`` in order under the 通报 section, published directly (a script's
    publish: the workflow is tested on its own)."""
    headings = headings or {}
    values = dict(
        title="关于几起不作为不担当典型问题的通报",
        document_number="鉴纪通〔2026〕3号",
        recipients="各镇（街道）党（工）委，区直各单位党组织：",
        preamble=PREAMBLE,
        exhortation=EXHORTATION,
        issuer="中共鉴湖区纪委 鉴湖区监委",
        date_issued=datetime.date(2026, 3, 5),
        for_publication=for_publication,
    )
    values.update(fields)
    page = BulletinPage(**values)
    page.items = [
        BulletinItem(case_study=study, heading=headings.get(study.pk, ""), sort_order=n)
        for n, study in enumerate(studies)
    ]
    page.live = False
    bulletin_index().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return BulletinPage.objects.get(pk=page.pk)


def docx_paragraphs(data):
    """The non-empty paragraphs of a .docx, with the fonts each names."""
    document = Document(io.BytesIO(data))
    rows = []
    for paragraph in document.paragraphs:
        if not paragraph.text.strip():
            continue
        fonts = {
            run._element.rPr.rFonts.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
            )
            for run in paragraph.runs
            if run._element.rPr is not None and run._element.rPr.rFonts is not None
        }
        colors = {str(run.font.color.rgb) for run in paragraph.runs if run.font.color.rgb}
        rows.append((paragraph.text, fonts, colors))
    return rows


def bulletin_form(studies, title="纪检写的通报", slug="bulletin-9"):
    """What the add form posts for a bulletin of ``studies`` (case studies or the ids posted
    for them, as they are: a test may post one that is no id)."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "issuing_body": "中共鉴湖区纪委 鉴湖区监委",
            "document_number": "鉴纪通〔2026〕9号",
            "recipients": "区直各单位党组织：",
            "preamble": PREAMBLE,
            "exhortation": EXHORTATION,
            "issuer": "中共鉴湖区纪委 鉴湖区监委",
            "date_issued": "2026-05-01",
            "items": inline_formset(
                [
                    {"case_study": str(getattr(study, "pk", study)), "heading": "", "ORDER": str(n)}
                    for n, study in enumerate(studies, start=1)
                ]
            ),
        }
    )


def approve_step(client, user, bulletin):
    """``user`` approves the bulletin's current review step, as 待我审核's 同意 posts it;
    returns the response."""
    client.force_login(user)
    state = BulletinPage.objects.get(pk=bulletin.pk).current_workflow_state
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[bulletin.pk, "approve", state.current_task_state.pk],
    )
    return client.post(url, {"comment": "同意"})
