"""Admin forms of syndication."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from jingjian.syndication.choices import OUTBOX_KINDS, ChannelKind

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
    """The secret is write-only: never rendered back, and a blank field keeps the stored one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("secret")
        if field is not None:
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            if self.instance.pk and self.instance.secret:
                field.help_text = "已保存密钥(不显示)。留空表示不修改;填写则替换。"

    def clean_secret(self):
        value = self.cleaned_data.get("secret", "")
        if not value and self.instance.pk:
            return type(self.instance).objects.get(pk=self.instance.pk).secret
        return value

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind in (ChannelKind.WECHAT, ChannelKind.WEIBO, ChannelKind.APP, ChannelKind.WEBHOOK):
            if kind in (ChannelKind.APP, ChannelKind.WEBHOOK) and not cleaned_data.get("endpoint"):
                self.add_error("endpoint", "客户端和通用接口必须填写接收地址。")
            if not cleaned_data.get("secret"):
                self.add_error(
                    "secret", "请填写密钥(微信 AppSecret、微博 access_token 或签名密钥)。"
                )
        if kind == ChannelKind.WECHAT and not cleaned_data.get("app_id"):
            self.add_error("app_id", "微信公众号必须填写 AppID。")
        if kind in OUTBOX_KINDS and cleaned_data.get("outbox_folder", "").startswith("~"):
            self.add_error("outbox_folder", "请填写绝对路径,如 /mnt/share/tv。")
        return cleaned_data
