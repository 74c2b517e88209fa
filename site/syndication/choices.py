"""The fixed lists of syndication: channel kinds, delivery statuses and events.

Plain ``TextChoices`` with no model behind them, so the channel adapters and the admin form can
name a kind without importing the models (which import the form)."""

from django.db import models


class ChannelKind(models.TextChoices):
    TV = "tv", "电视台（口播稿）"
    RADIO = "radio", "广播电台（口播稿）"
    NEWSPAPER = "newspaper", "报社（见报稿）"
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "微博"
    APP = "app", "新闻客户端"
    WEBHOOK = "webhook", "通用接口（Webhook）"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    SENDING = "sending", "发送中"
    RETRYING = "retrying", "等待重试"
    SENT = "sent", "已送达"
    FAILED = "failed", "失败"
    RETRACTED = "retracted", "已撤回"


class DeliveryEvent(models.TextChoices):
    PUBLISHED = "published", "首次发布"
    UPDATED = "updated", "更新"
    UNPUBLISHED = "unpublished", "撤回"
