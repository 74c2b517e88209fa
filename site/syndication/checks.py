"""System checks of the stored channels (``manage.py check --database default``; ``migrate``
runs them too): folders outside the outbox root, addresses on hosts no longer allowed, and
secrets no configured key opens. Warnings, not errors: the site runs, those channels' deliveries
fail with the reason, and the channel form asks for a fix when the channel is next edited."""

from django.core import checks
from django.db import DatabaseError

from jingjian.syndication import channel_secrets, endpoints, outbox


@checks.register(checks.Tags.database)
def stored_channels_are_confined(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    # Here, not at the top: the checks module is imported while apps load, before models.
    from jingjian.syndication.models import Channel

    warnings = []
    try:
        stored = list(Channel.objects.all())
    except DatabaseError:  # not migrated yet: nothing stored to check
        return []
    for channel in stored:
        label = f"Channel {channel.pk} ({channel.slug})"
        if channel.outbox_folder and outbox.folder_problem(channel.outbox_folder):
            warnings.append(
                checks.Warning(
                    f"{label}: outbox folder {channel.outbox_folder!r} is not inside "
                    f"SYNDICATION_OUTBOX_ROOT ({outbox.root()}); its deliveries fail.",
                    hint="Move the folder under the root and enter its relative path in the "
                    "channel, or set SYNDICATION_OUTBOX_ROOT to a folder that contains it.",
                    id="syndication.W001",
                )
            )
        if channel_secrets.is_unreadable(channel.secret):
            warnings.append(
                checks.Warning(
                    f"{label}: its secret cannot be decrypted with CHANNEL_SECRET_KEYS.",
                    hint="Add the key it was encrypted with to CHANNEL_SECRET_KEYS, or enter "
                    "the secret again in the channel.",
                    id="syndication.W002",
                )
            )
        if channel.endpoint and endpoints.refusal(channel.endpoint):
            warnings.append(
                checks.Warning(
                    f"{label}: its address {channel.endpoint!r} is not on a host listed in "
                    "SYNDICATION_ALLOWED_HOSTS; its deliveries fail.",
                    hint="List the host in SYNDICATION_ALLOWED_HOSTS, or change the address.",
                    id="syndication.W003",
                )
            )
    return warnings
