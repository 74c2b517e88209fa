"""渠道分发: the outlets a public page is sent to (两台一报, 两微一端) and every delivery made.

A ``Channel`` is one outlet with its delivery settings; a ``Delivery`` is one page revision (or a
retraction) sent to one channel, with its idempotency key, status, attempts and the receiver's id.
"""

import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from jingjian.syndication.channel_secrets import SecretField
from jingjian.syndication.choices import ChannelKind, DeliveryEvent, DeliveryStatus
from jingjian.syndication.forms import ChannelForm


class Channel(models.Model):
    base_form_class = ChannelForm
    name = models.CharField("渠道名称", max_length=60, unique=True)
    slug = models.SlugField(
        "标识", max_length=60, unique=True, allow_unicode=True, help_text="用于订阅地址。"
    )
    kind = models.CharField("类型", max_length=20, choices=ChannelKind.choices)
    active = models.BooleanField("启用", default=True)
    endpoint = models.URLField(
        "接口地址",
        blank=True,
        help_text="微信：https://api.weixin.qq.com；微博：https://api.weibo.com；客户端/通用接口：接收地址。",
    )
    app_id = models.CharField("AppID / App Key", max_length=100, blank=True)
    # Encrypted in the database (channel_secrets): the column holds a Fernet token.
    secret = SecretField(
        "密钥",
        max_length=200,
        blank=True,
        help_text="微信 AppSecret、微博 access_token 或签名密钥。加密保存，保存后不再显示；留空表示不修改。",
    )
    outbox_folder = models.CharField(
        "投递文件夹",
        max_length=300,
        blank=True,
        help_text="电视台、电台、报社从此共享文件夹取稿。填写投递根目录下的相对路径（如“电视台”）；"
        "留空则使用投递根目录下与“标识”同名的子文件夹。",
    )
    author = models.CharField("署名", max_length=60, blank=True, help_text="如“鉴湖区融媒体中心”。")
    max_duration_seconds = models.PositiveIntegerField(
        "口播时长上限（秒）", default=180, help_text="按每分钟 250 字计算。"
    )
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=6)
    retry_base_seconds = models.PositiveIntegerField(
        "首次重试间隔（秒）", default=30, help_text="之后每次加倍。"
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        "请求超时（秒）",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="1 到 30 秒。",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind")]),
        FieldPanel("active"),
        MultiFieldPanel(
            [
                FieldPanel("endpoint"),
                FieldRowPanel([FieldPanel("app_id"), FieldPanel("secret")]),
                FieldPanel("outbox_folder"),
            ],
            heading="投递设置",
        ),
        FieldRowPanel([FieldPanel("author"), FieldPanel("max_duration_seconds")], heading="稿件"),
        FieldRowPanel(
            [
                FieldPanel("max_attempts"),
                FieldPanel("retry_base_seconds"),
                FieldPanel("timeout_seconds"),
            ],
            heading="重试",
        ),
    ]

    class Meta:
        verbose_name = "发布渠道"
        verbose_name_plural = "发布渠道"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def __repr__(self):  # never shows the secret
        return f"<Channel {self.pk} {self.kind} {self.name}>"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:60] or f"channel-{self.kind}"
        super().save(*args, **kwargs)

    @property
    def outbox_relative_folder(self):
        """The channel's folder inside the outbox root (``SYNDICATION_OUTBOX_ROOT``)."""
        return self.outbox_folder or self.slug


class Delivery(models.Model):
    channel = models.ForeignKey(
        Channel, verbose_name="渠道", on_delete=models.PROTECT, related_name="deliveries"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="页面",
        null=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    page_ref = models.PositiveIntegerField("页面编号", default=0, editable=False)
    page_title = models.CharField("标题", max_length=255)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField("事件", max_length=20, choices=DeliveryEvent.choices)
    idempotency_key = models.CharField("幂等键", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    receiver_id = models.CharField("对方编号", max_length=200, blank=True)
    retracts = models.ForeignKey(
        "self",
        verbose_name="撤回的投递",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retractions",
    )
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "投递记录"
        verbose_name_plural = "投递记录"
        permissions = [("retry_delivery", "可以重试失败的投递")]
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.page_title} → {self.channel}（{self.get_status_display()}）"

    @staticmethod
    def key_for(channel, page, revision, event):
        """One key per page revision, channel and event: a receiver never gets one twice."""
        raw = f"jingjian:{page.pk}:{revision.pk if revision else 0}:{channel.pk}:{event}"
        return hashlib.sha256(raw.encode()).hexdigest()[:40]
