"""通报: a bulletin of chosen case studies, issued as an official document (GB/T 9704).

The page declares its fields and outputs; what may be in a bulletin, who may read which item and
what issuing marks are decided in ``casestudies.bulletins``, asked by every path (the form, the
save, the publish, the web page, the print view and the .docx)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.log_actions import log
from wagtail.models import Orderable, Page

from jingjian.core.admin_access import AccessControlledPage, AccessControlledPageForm
from jingjian.core.groups import in_discipline_group


class BulletinIndexPage(AccessControlledPage, Page):
    """通报 listing (intranet): the bulletins a reader may see, newest first."""

    introduction = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["casestudies.BulletinPage"]
    parent_page_types = ["casestudies.CaseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "通报栏目"

    def get_context(self, request, *args, **kwargs):
        # Here, not at the top: casestudies.bulletins reads these models (cycle).
        from casestudies.bulletins import listed_bulletins

        context = super().get_context(request, *args, **kwargs)
        context["bulletins"] = listed_bulletins(self, request.user)
        return context


class BulletinPageForm(AccessControlledPageForm):
    """Only 纪检监察 compile and change bulletins; a reviewer of another group (审核 at
    案例复审) approves or sends back the form as it is. The rules of ``casestudies.bulletins``
    on every save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "date_issued" in self.fields:
            # The model's default is a callable, so Django would compare the date with a hidden
            # "initial" copy, which Wagtail's editor does not post: every save would count as a
            # change, and approving a step in the editor as an edit that restarts the review.
            self.fields["date_issued"].show_hidden_initial = False

    def clean(self):
        cleaned_data = super().clean()
        user = self.for_user
        if (
            user is not None
            and not in_discipline_group(user)
            and (self.instance.pk is None or self.has_changed())
        ):
            raise ValidationError(
                "只有纪检监察干部可以编写或修改通报；审核时请原样批准或退回修改，"
                "需要改动的请告知纪检监察室。"
            )
        # Here, not at the top: casestudies.bulletins reads these models (cycle).
        from casestudies.bulletins import OWN_FIELDS, own_texts, problems_of

        formset = self.formsets.get("items")
        studies, headings = [], []
        if formset is not None and formset.is_valid():
            ordered = [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            ordered.sort(key=lambda data: data.get("ORDER") or 0)
            studies = [data["case_study"] for data in ordered if data.get("case_study")]
            headings = [data.get("heading", "") for data in ordered if data.get("case_study")]
        page = self.instance
        for_publication = cleaned_data.get("for_publication", False)
        texts = own_texts({name: cleaned_data.get(name) for name, _ in OWN_FIELDS}, headings)
        problems = problems_of(
            page,
            studies,
            for_publication,
            parent=getattr(self, "parent_page", None),
            user=user,
            texts=texts,
        )
        if problems:
            raise ValidationError(problems)
        return cleaned_data


class BulletinPage(RoutablePageMixin, AccessControlledPage, Page):
    """One bulletin (通报): a red-headed official document listing case studies in order."""

    issuing_body = models.CharField(
        "发文机关",
        max_length=100,
        default="中共鉴湖区纪委 鉴湖区监委",
        help_text="红头上的发文机关标志，如“中共鉴湖区纪委 鉴湖区监委”。",
    )
    document_number = models.CharField(
        "文号", max_length=50, help_text="如“鉴纪通〔2026〕3号”，年份用六角括号〔〕。"
    )
    recipients = models.CharField(
        "主送",
        max_length=300,
        blank=True,
        help_text="如“各镇（街道）党（工）委，区直各单位党组织：”。",
    )
    preamble = models.TextField("导语", help_text="通报的开头一段，说明通报的缘由。")
    exhortation = models.TextField(
        "以案为鉴", help_text="结尾的警示要求段落，如“以上案例，教训深刻……”。"
    )
    issuer = models.CharField("落款", max_length=100, default="中共鉴湖区纪委 鉴湖区监委")
    date_issued = models.DateField("成文日期", default=datetime.date.today)
    for_publication = models.BooleanField(
        "公开发布",
        default=False,
        help_text="勾选后只能收录通过脱敏检查的案例；发布时将所收案例及其案卷、单位记为已公开通报。",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuing_body"), FieldPanel("document_number")]),
                FieldPanel("recipients"),
                FieldPanel("for_publication"),
            ],
            heading="版头",
        ),
        FieldPanel("preamble"),
        InlinePanel("items", label="通报案例", heading="通报案例（按顺序）"),
        FieldPanel("exhortation"),
        FieldRowPanel([FieldPanel("issuer"), FieldPanel("date_issued")], heading="落款"),
    ]

    parent_page_types = ["casestudies.BulletinIndexPage"]
    subpage_types = []
    base_form_class = BulletinPageForm

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"

    def save(self, *args, **kwargs):
        """The backstop for paths that skip the admin form (scripts, imports, the API), when
        the save changes what the bulletin holds: unpublishing, locking or moving it is never
        refused because an item was restricted or taken down after issuing."""
        if self.path:
            # Here, not at the top: casestudies.bulletins reads these models (cycle).
            from casestudies.bulletins import enforce, items_changed

            if items_changed(self):
                enforce(self)
        return super().save(*args, **kwargs)

    def publish(self, revision, *args, **kwargs):
        """Check the approved revision again, publish, then mark what it names (issuing).

        A scheduled publish refused here (an item changed since it was approved) is not
        published: its schedule is cleared and the refusal logged, and the scheduler goes on."""
        # Here, not at the top: casestudies.bulletins reads these models (cycle).
        from casestudies.bulletins import enforce, issue

        bulletin = revision.as_object()
        try:
            enforce(bulletin)
        except ValidationError as error:
            if kwargs.get("log_action") != "wagtail.publish.scheduled":
                raise
            revision.approved_go_live_at = None
            revision.save(update_fields=["approved_go_live_at"])
            log(
                instance=self,
                action="jingjian.bulletin.refused",
                data={"message": "；".join(error.messages)},
                revision=revision,
            )
            return None
        result = super().publish(revision, *args, **kwargs)
        # Issued only once it is live: a publish for a later 上线时间 only schedules it, and the
        # scheduler's publish issues it then.
        if BulletinPage.objects.filter(pk=self.pk, live=True, live_revision=revision).exists():
            issue(bulletin)
        return result

    def get_context(self, request, *args, **kwargs):
        # Here, not at the top: casestudies.bulletins reads these models (cycle).
        from casestudies.bulletins import shown_items

        context = super().get_context(request, *args, **kwargs)
        context["shown_items"] = shown_items(self, request.user)
        return context

    @path("")
    def web(self, request):
        return self.render(request)

    @path("print/")
    def print_view(self, request):
        return TemplateResponse(
            request, "casestudies/bulletin_print.html", self.get_context(request)
        )

    @path("docx/")
    def docx(self, request):
        # Here, not at the top: python-docx costs ~90 ms to import (channels.word), and
        # casestudies.bulletins reads these models (cycle).
        from casestudies.bulletin_docx import bulletin_docx
        from casestudies.bulletins import shown_items

        if not self.live and not request.is_preview:
            raise Http404
        data = bulletin_docx(self, shown_items(self, request.user))
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="bulletin-{self.pk}.docx"'
        response["Cache-Control"] = "private, no-store"
        return response

    def date_display(self):
        return f"{self.date_issued.year}年{self.date_issued.month}月{self.date_issued.day}日"


class BulletinItem(Orderable):
    """One case study in a bulletin, with an optional subject line of its own."""

    page = ParentalKey(BulletinPage, related_name="items", on_delete=models.CASCADE)
    case_study = models.ForeignKey(
        "casestudies.CaseStudyPage",
        verbose_name="案例",
        # A case study deleted later leaves an empty row that no output shows (PROTECT would
        # make deleting the study fail in the admin).
        null=True,
        on_delete=models.SET_NULL,
        related_name="bulletin_items",
    )
    heading = models.CharField(
        "标题",
        max_length=200,
        blank=True,
        help_text="留空则用案例标题，如“区某局原副局长王某推诿扯皮问题”。",
    )

    panels = [FieldPanel("case_study"), FieldPanel("heading")]

    class Meta(Orderable.Meta):
        verbose_name = "通报案例"
        verbose_name_plural = "通报案例"

    def subject_line(self):
        return self.heading or self.case_study.title
