"""What a page needs to be syndicated: its chosen channels, their previews and the form check."""

from django import forms
from django.http import HttpResponse
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from jingjian.core.admin_access import AccessControlledPage, AccessControlledPageForm
from jingjian.core.visibility import Visibility, visibility_of
from jingjian.syndication import renderers
from jingjian.syndication.models import Channel

CHANNEL_PREVIEW_PREFIX = "channel-"


class SyndicatedPageForm(AccessControlledPageForm):
    """Only public pages may choose channels; only active channels are offered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "channels" in self.fields:
            self.fields["channels"].queryset = Channel.objects.filter(active=True)

    def clean(self):
        cleaned_data = super().clean()
        channels = cleaned_data.get("channels")
        where = self.instance if self.instance.pk else self.parent_page
        if channels and where is not None and visibility_of(where) != Visibility.PUBLIC:
            self.add_error(
                "channels",
                "该页面为内部或限定访问，不能选择对外发布渠道。请取消所选渠道，或先在“隐私”设置中把页面设为公开。",
            )
        return cleaned_data


class SyndicatedPageMixin(AccessControlledPage, Page):
    """Abstract: the channels a page goes to, and a preview of each channel's rendition."""

    channels = ParentalManyToManyField(
        "syndication.Channel",
        verbose_name="发布渠道",
        blank=True,
        related_name="+",
        help_text="发布后自动推送到所选渠道。只有公开页面可以选择；内部、限定页面不对外发送。",
    )

    syndication_panels = [FieldPanel("channels", widget=forms.CheckboxSelectMultiple)]

    class Meta:
        abstract = True

    @property
    def preview_modes(self):
        modes = list(super().preview_modes)
        if self.pk or self.channels.all():
            for channel in self.channels.all():
                if channel.active:
                    modes.append(
                        (f"{CHANNEL_PREVIEW_PREFIX}{channel.pk}", f"渠道稿：{channel.name}")
                    )
        return modes

    def serve_preview(self, request, mode_name):
        if mode_name.startswith(CHANNEL_PREVIEW_PREFIX):
            channel_id = mode_name[len(CHANNEL_PREVIEW_PREFIX) :]
            channel = Channel.objects.filter(pk=channel_id if channel_id.isdigit() else 0).first()
            if channel is not None:
                return HttpResponse(renderers.preview_html(self, channel))
        return super().serve_preview(request, mode_name)
