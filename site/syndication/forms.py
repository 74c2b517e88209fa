"""Admin forms of syndication."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from jingjian.syndication import channel_secrets, channels

# The largest page id every database stores (PositiveIntegerField: 2147483647).
PAGE_REF_MAX = 2**31 - 1


class PageRetryForm(forms.Form):
    """全部重试: the page whose failed deliveries to queue again, by its number."""

    page = forms.CharField(
        max_length=10,
        error_messages={
            "required": "缺少页面编号：请在页面的投递记录中点“全部重试”。",
            "max_length": "页面编号无效：请在页面的投递记录中点“全部重试”。",
        },
    )

    def clean_page(self):
        value = self.cleaned_data["page"]
        # ASCII digits only: int() would also take "١٢" or " 12".
        if not (value.isascii() and value.isdigit() and 0 < int(value) <= PAGE_REF_MAX):
            raise forms.ValidationError("页面编号无效：请在页面的投递记录中点“全部重试”。")
        return int(value)


class ChannelForm(WagtailAdminModelForm):
    """The secret is write-only: never rendered back, and a blank field keeps the stored one
    (which the database holds encrypted; one no key opens must be typed again). Each kind's
    adapter checks the settings it needs (``validate``): the address on an allowed host, the
    outbox folder inside the root."""

    SETTINGS = ("endpoint", "app_id", "secret", "outbox_folder")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("secret")
        if field is not None:
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            if self.instance.pk and channel_secrets.is_unreadable(self.instance.secret):
                field.help_text = channel_secrets.UNREADABLE
            elif self.instance.pk and self.instance.secret:
                field.help_text = "已保存密钥（加密保存，不显示）。留空表示不修改；填写则替换。"

    def clean_secret(self):
        value = self.cleaned_data.get("secret", "")
        if not value and self.instance.pk:
            stored = type(self.instance).objects.get(pk=self.instance.pk).secret
            if channel_secrets.is_unreadable(stored):
                raise forms.ValidationError(channel_secrets.UNREADABLE)
            return stored
        return value

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind:
            # What was typed, as an unsaved channel: the kind's adapter says what is missing.
            typed = type(self.instance)(
                kind=kind,
                **{name: cleaned_data.get(name) or "" for name in self.SETTINGS},
            )
            for name, message in channels.adapter_for(kind).validate(typed).items():
                if not self.has_error(name):
                    self.add_error(name, message)
        return cleaned_data
