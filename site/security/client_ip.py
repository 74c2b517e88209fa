"""The address a request came from, as login throttling counts it.

Behind a reverse proxy every request comes from the proxy's address, so throttling by
``REMOTE_ADDR`` alone would count every reader's failures together. ``X-Forwarded-For`` is read
only when ``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front: each appends the
address it saw, so the one the outermost proxy saw is the ``TRUSTED_PROXY_COUNT``-th from the
right. Addresses further left were written by the client and are never believed.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address (a string), or ``None`` when the request carries none."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(forwarded) < count:
        # Not through all our proxies (or a proxy that does not append): what we were told
        # cannot be checked, so the direct peer counts.
        return remote
    return _valid(forwarded[-count]) or remote
