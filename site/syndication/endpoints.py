"""Where channels may send: the hosts an administrator lists in ``SYNDICATION_ALLOWED_HOSTS``.

An editor types a channel's address; without a limit the server would send requests wherever
it says, internal services included. So an address is allowed only when

- its host is listed by name (``api.weixin.qq.com``; ``.example.gov.cn`` also allows every
  subdomain), or it is an IP address inside a listed address or network (``10.2.0.0/16``); and
- every address the host resolves to is public, or is itself inside a listed address or network.
  Loopback, link-local, private, multicast, unspecified and reserved addresses are never
  reached unless an administrator listed them by address: listing ``localhost`` by name does not
  allow ``127.0.0.1``.

``refusal(url)`` answers the first question without touching the network (the admin's channel
form asks it on save); ``resolve(url)`` answers both at send time and returns the checked
addresses, and the HTTP clients connect to one of those, never resolving the name again, so a
name cannot be pointed at another address between the check and the connection.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

SETTING = "SYNDICATION_ALLOWED_HOSTS"


class EndpointRefused(Exception):
    """The address may not be reached; the message says why and what to do, in Chinese."""


def _allowed():
    """``(names, suffixes, networks)`` from the setting."""
    names, suffixes, networks = set(), [], []
    for entry in getattr(settings, SETTING, []):
        entry = str(entry).strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        if entry.startswith("."):
            suffixes.append(entry.rstrip("."))
        else:
            names.add(entry.rstrip("."))
    return names, suffixes, networks


def _address(text):
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address


def is_special(address) -> bool:
    """Whether ``address`` is one that is never reached unless listed: anything not globally
    routable (loopback, link-local, private, shared, documentation, reserved, unspecified) and
    multicast."""
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def _listed_address(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def _host(url):
    """The host of ``url``, lower-cased, or EndpointRefused when the address is malformed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https"):
        raise EndpointRefused(
            "接口地址无效：请填写完整的地址（以 http:// 或 https:// 开头，含主机名）。"
        )
    if "@" in parts.netloc:
        # user:password@host: parsers disagree on where the host starts, so it is not allowed.
        raise EndpointRefused("接口地址不能包含用户名或密码（“@”）：请去掉后再保存。")
    return host.rstrip(".")


def _not_listed(host, then):
    return EndpointRefused(
        f"接口地址的主机“{host}”不在允许的发送地址中：请管理员把它加入设置"
        f"“{SETTING}”（环境变量，逗号分隔的主机名、IP 地址或网段）后{then}。"
    )


def refusal(url) -> str | None:
    """Why ``url`` may not be a channel's address (Chinese), or None. No DNS lookup: the name
    itself (or the IP address) must be listed."""
    try:
        _check_listed(url, "再保存")
    except EndpointRefused as error:
        return str(error)
    return None


def _check_listed(url, then):
    host = _host(url)
    names, suffixes, networks = _allowed()
    address = _address(host.strip("[]"))
    if address is not None:
        if not _listed_address(address, networks):
            raise _not_listed(host, then)
        return host, networks
    if host in names or any(host.endswith(suffix) for suffix in suffixes):
        return host, networks
    raise _not_listed(host, then)


def resolve(url, port=None):
    """The addresses to connect to for ``url``, every one checked; EndpointRefused otherwise.

    A name that cannot be resolved raises ``socket.gaierror`` (the caller decides whether that
    is worth retrying)."""
    host, networks = _check_listed(url, "在投递记录中重试")
    parts = urlsplit(url)
    port = port or parts.port or (443 if parts.scheme == "https" else 80)
    literal = _address(host.strip("[]"))
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError:  # a name IDNA cannot encode
            raise EndpointRefused(f"接口地址的主机名“{host}”无效：请在渠道设置中改正。") from None
        found = []
        for info in infos:
            address = _address(info[4][0].split("%", 1)[0])
            if address is not None and address not in found:
                found.append(address)
    if not found:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    for address in found:
        if is_special(address) and not _listed_address(address, networks):
            raise EndpointRefused(
                f"接口地址的主机“{host}”解析到内部或保留地址 {address}，不允许发送："
                f"如确需发送到该地址，请管理员把 {address} 加入设置“{SETTING}”后在投递记录中重试。"
            )
    return found
