"""What the channel adapters share: refusing a rendition with problems, the outbox's file names
and retraction notice, picture bytes for the APIs that take uploads, pictures in previews, and
the message for a missing secret."""

from html import escape

from django.utils import timezone

from jingjian.syndication import endpoints, outbox
from jingjian.syndication.reading import PREVIEW_RENDITION

# One message for every kind that signs or authenticates with the channel's secret.
MISSING_SECRET = "请填写密钥（微信 AppSecret、微博 access_token 或签名密钥）。"

BODY_IMAGE_SPECS = [
    "max-1200x1200|format-jpeg|jpegquality-80",
    "max-800x800|format-jpeg|jpegquality-60",
]


class NotEligible(Exception):
    """The page may not leave: the message says why, in Chinese."""


def refuse_problems(rendition):
    """Raise ``NotEligible`` when ``rendition`` has problems: it is not sent, the editor is told."""
    if rendition.problems:
        raise NotEligible("；".join(rendition.problems))


# --- The outbox (TV, radio, newspaper) ------------------------------------------------------


def _outbox_filename(delivery, suffix):
    stamp = timezone.localtime(delivery.created_at).strftime("%Y%m%d-%H%M")
    title = "".join(c for c in delivery.page_title if c not in '\\/:*?"<>|').strip()[:40]
    label = {"published": "", "updated": "更新稿-", "unpublished": "撤稿通知-"}[delivery.event]
    return f"{stamp}-{label}{title}-{delivery.idempotency_key[:8]}{suffix}"


def write_to_outbox(delivery, suffix, data):
    """``data`` in the channel's outbox under the delivery's file name; returns its path."""
    channel = delivery.channel
    return outbox.write(channel.outbox_relative_folder, _outbox_filename(delivery, suffix), data)


def retract_from_outbox(delivery):
    """A retraction notice beside the file ``delivery.retracts`` left; returns its file name."""
    original = delivery.retracts
    notice = (
        f"撤稿通知\n\n稿件《{original.page_title}》（文件 {original.receiver_id}）已撤回，"
        "请勿播出或刊发；已排版的请撤下。\n"
    )
    return write_to_outbox(delivery, ".txt", notice.encode("utf-8")).name


def validate_outbox(channel):
    """What an outbox kind needs configured: a folder inside the outbox root (or none: the
    root's folder named after the channel)."""
    problem = outbox.folder_problem(channel.outbox_folder) if channel.outbox_folder else None
    return {"outbox_folder": problem} if problem else {}


def validate_endpoint(url):
    """``{"endpoint": message}`` when the channel's address is not among the hosts the
    administrator allows (``SYNDICATION_ALLOWED_HOSTS``), else ``{}``."""
    problem = endpoints.refusal(url) if url else None
    return {"endpoint": problem} if problem else {}


# --- Pictures -----------------------------------------------------------------------------


def image_bytes(image, specs=BODY_IMAGE_SPECS, limit=1024 * 1024):
    """The first rendition of ``image`` under ``limit`` bytes (the last one tried otherwise,
    which the client then refuses with a clear message), and a file name for it."""
    for spec in specs:
        with image.get_rendition(spec).file.open("rb") as handle:
            data = handle.read()
        if len(data) < limit:
            break
    return data, f"image-{image.pk}.jpg"


def preview_image_src(image):
    """The ``src`` of ``image`` in a preview, escaped."""
    return escape(image.get_rendition(PREVIEW_RENDITION).url)
