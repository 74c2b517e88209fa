"""HTTP clients for the channels that are not a shared folder: WeChat, Weibo and webhooks.

Each client speaks one documented HTTP API and turns every failure into a ``ChannelError`` that
says, in Chinese, what happened and what the editor or administrator should do, and whether the
delivery engine may simply try again later (``retryable``).

Sources for the requests, responses and error codes (checked when this module was written):

- WeChat access token: developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken
  (``POST cgi-bin/stable_token`` with JSON ``grant_type``, ``appid``, ``secret``,
  ``force_refresh``; the normal mode hands every caller the same token and the next one in the
  last 5 minutes, both valid; forcing retires the previous token, 20 times a day at most) and
  doc/oplatform/developers/dev/AccessToken.html (42001 expired, 40001 invalid or not latest);
- WeChat ``media/uploadimg``: doc/service/api/material/permanent/api_uploadimage (field ``media``,
  jpg/png under 1 MB; 40005 invalid file type, 40009 invalid image size);
- WeChat ``material/add_material``: doc/service/api/material/permanent/api_addmaterial
  (type=thumb: JPG, 64 KB at most; returns ``media_id`` and ``url``);
- WeChat ``draft/add`` and ``draft/delete``: doc/service/api/draftbox/draftmanage/api_draft_add
  and api_draft_delete (``{"articles": [...]}`` → ``media_id``; 40007 invalid media_id; titles
  must be sent as plain UTF-8, not ``\\uXXXX`` escapes);
- WeChat global return codes (-1 busy, 40001, 40013, 40014, 40033, 40125, 40164, 42001, 44003,
  45002, 45003, 45004, 45009, 45166, 47001);
- Weibo error JSON ``{"request", "error_code", "error"}`` and codes (open.weibo.com/wiki/Error_code:
  10001/10002/10009 system, 10022/10023/10024 rate limits, 20012 text over 140, 20019/20111
  repeated text, 20101 no such status; OAuth2 21327 expired_token, 21332 invalid access token).

Secrets never appear in messages, reprs or logs: URLs are masked before logging and exceptions
from ``requests`` (whose text contains the full URL) are never chained or quoted.
"""

import hashlib
import hmac
import json
import logging
import math
import re
import socket
import time
import uuid
from urllib.parse import urlsplit

import requests
from django.core.cache import caches
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from jingjian.syndication import endpoints

logger = logging.getLogger(__name__)

USER_AGENT = "Jingjian-Syndication/1.0"

WECHAT_IMAGE_MAX_BYTES = 1024 * 1024  # media/uploadimg: "大小必须在1MB以下"
WECHAT_THUMB_MAX_BYTES = 64 * 1024  # add_material type=thumb: "64KB,支持JPG格式"
WEIBO_STATUS_MAX = 140  # statuses/share: at most 140 characters
WEIBO_IMAGE_MAX_BYTES = 5 * 1024 * 1024  # statuses/share: one picture under 5 MB


class ChannelError(Exception):
    """A delivery to a channel failed.

    ``message`` is Chinese, shown to editors in the delivery report; ``retryable`` tells the
    engine whether trying again later can help; ``code`` is the channel's error code (WeChat
    ``errcode``, Weibo ``error_code``) or the HTTP status, or None for network failures.
    """

    def __init__(self, message, *, retryable, code=None):
        super().__init__(message)
        self.message = message
        self.retryable = bool(retryable)
        self.code = code

    def __str__(self):
        return self.message

    def __reduce__(self):  # keyword-only arguments need help to survive pickling
        return (_rebuild_channel_error, (self.message, self.retryable, self.code))

    def __repr__(self):
        return f"ChannelError(code={self.code!r}, retryable={self.retryable}, message={self.message!r})"


def _rebuild_channel_error(message, retryable, code):
    return ChannelError(message, retryable=retryable, code=code)


# --------------------------------------------------------------------------- signatures


def sign(body: bytes, secret: str) -> str:
    """The webhook signature of ``body``: ``"sha256=" + HMAC-SHA256(secret, body)`` in hex."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(body: bytes, secret: str, signature) -> bool:
    """Whether ``signature`` is the signature of ``body`` under ``secret`` (constant time)."""
    if not isinstance(signature, str) or not secret:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), signature.encode("utf-8"))


# --------------------------------------------------------------------------- shared helpers

_SECRET_PARAMS = re.compile(r"((?:access_token|secret|appsecret)=)[^&#\s]*", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with access tokens and secrets replaced by ``***``, safe for logs."""
    return _SECRET_PARAMS.sub(r"\1***", url)


def image_type(data: bytes):
    """``"jpg"``, ``"png"`` or ``"gif"`` from the file's first bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    return None


_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}


def weibo_length(text: str) -> int:
    """Length as Weibo counts it: a Chinese (non-ASCII) character 1, two ASCII characters 1."""
    halves = sum(1 if ord(ch) < 128 else 2 for ch in text)
    return math.ceil(halves / 2)


class PinnedAddressAdapter(HTTPAdapter):
    """Connects only to addresses ``endpoints.resolve`` checked, and to the one it checked.

    The host name is resolved once per request, every address it resolves to is checked, and
    the connection goes to those addresses in turn (the next only when one refuses the
    connection, so nothing was sent), with the name kept for the ``Host`` header and for TLS
    (SNI and the certificate check), so DNS cannot answer differently between the check and
    the connection. Proxies from the environment are never used: the
    proxy, not the checked address, would be reached.
    """

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        addresses = endpoints.resolve(request.url)
        if "Host" not in request.headers:
            default_port = 443 if parts.scheme == "https" else 80
            host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
            port = parts.port
            request.headers["Host"] = host if port in (None, default_port) else f"{host}:{port}"
        for number, address in enumerate(addresses, start=1):
            request.pinned_address = address
            try:
                return super().send(request, stream, timeout, verify, cert, proxies={})
            except requests.exceptions.ConnectionError as error:
                # Nothing was sent when the connection could not be made: the next checked
                # address (a name with IPv6 and IPv4 addresses) may answer.
                reason = getattr(error.args[0] if error.args else None, "reason", None)
                if number == len(addresses) or not isinstance(reason, NewConnectionError):
                    raise
        raise AssertionError("unreachable")

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        name = host_params["host"]
        host_params["host"] = str(request.pinned_address)
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": name, "assert_hostname": name}
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def new_session():
    """A session for talking to channels: our User-Agent, no proxies from the environment,
    and every connection through ``PinnedAddressAdapter``."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    adapter = PinnedAddressAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _new_session(session):
    return session if session is not None else new_session()


def _send(session, method, url, *, timeout, channel, **kwargs):
    """One HTTP request; network failures become retryable ``ChannelError``s.

    The exceptions ``requests`` raises quote the full URL (with ``access_token`` or ``secret``),
    so they are neither chained nor quoted; only their class name goes to the log.
    """
    try:
        return session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except endpoints.EndpointRefused as exc:
        logger.warning("%s %s refused: address not allowed", method, mask_url(url))
        raise ChannelError(f"未发送：{exc}", retryable=False) from None
    except socket.gaierror as exc:
        failure = (
            f"{channel}的域名无法解析，系统会稍后自动重试；"
            "如多次失败，请检查网络和渠道设置中的接口地址。"
        )
        kind = type(exc).__name__
    except requests.exceptions.Timeout as exc:
        failure = (
            f"{channel}在 {timeout:g} 秒内没有响应（请求超时），系统会稍后自动重试；"
            "如多次失败，请检查对方服务是否正常或在渠道设置中调大超时时间。"
        )
        kind = type(exc).__name__
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as exc:
        failure = f"{channel}的响应在传输中途中断（内容不完整），系统会稍后自动重试。"
        kind = type(exc).__name__
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        logger.warning("%s %s failed: %s", method, mask_url(url), type(exc).__name__)
        raise ChannelError(
            f"{channel}的接口地址无效，请在渠道设置中填写完整的地址（以 http:// 或 https:// 开头）。",
            retryable=False,
        ) from None
    except requests.exceptions.ConnectionError as exc:
        failure = (
            f"无法连接到{channel}（连接被拒绝、中断或域名无法解析），系统会稍后自动重试；"
            "如多次失败，请检查网络和渠道设置中的接口地址。"
        )
        kind = type(exc).__name__
    except requests.exceptions.RequestException as exc:
        failure = f"向{channel}发送请求时出现网络错误，系统会稍后自动重试。"
        kind = type(exc).__name__
    logger.warning("%s %s failed: %s", method, mask_url(url), kind)
    raise ChannelError(failure, retryable=True) from None


def _json_or_none(response):
    try:
        return json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _http_failure(status, channel):
    """A ``ChannelError`` for an HTTP status the channel's API does not explain in JSON."""
    if status >= 500 or status in (408, 429):
        return ChannelError(
            f"{channel}暂时不可用（HTTP {status}），系统会稍后自动重试。",
            retryable=True,
            code=status,
        )
    if 300 <= status < 400:
        return ChannelError(
            f"{channel}的接口地址发生了跳转（HTTP {status}），请在渠道设置中填写跳转后的最终地址。",
            retryable=False,
            code=status,
        )
    return ChannelError(
        f"{channel}拒绝了请求（HTTP {status}），请检查渠道设置。",
        retryable=False,
        code=status,
    )


# --------------------------------------------------------------------------- WeChat

# errcode → (what happened, what to do, retryable). Unknown codes are not retryable.
_WECHAT_ERRORS = {
    -1: ("微信系统繁忙", "系统会稍后自动重试。", True),
    40001: (
        "AppSecret 错误或 access_token 无效",
        "请在渠道设置中核对 AppID 和 AppSecret；如有其他程序也在获取该公众号的 access_token，请统一由一处获取。",
        False,
    ),
    40002: ("凭证类型不合法", "请联系技术人员检查接口地址。", False),
    40005: ("文件类型不合法", "正文图片只能是 JPG 或 PNG，封面缩略图只能是 JPG。", False),
    40007: (
        "素材 media_id 无效",
        "封面须先上传为永久素材；请重新发送，系统会重新上传封面。",
        False,
    ),
    40009: ("图片大小不合法", "正文图片须小于 1MB，请压缩后重新发送。", False),
    40012: ("缩略图大小不合法", "封面缩略图须是不超过 64KB 的 JPG，请压缩后重新发送。", False),
    40013: ("AppID 无效", "请在渠道设置中核对 AppID（注意大小写，不要有空格）。", False),
    40014: ("access_token 不合法", "请在渠道设置中核对 AppID 和 AppSecret。", False),
    40033: ("请求中含有 \\uxxxx 格式的字符", "请联系技术人员（中文须以 UTF-8 原文发送）。", False),
    40125: ("AppSecret 无效", "请在公众号后台核对或重置 AppSecret，并在渠道设置中更新。", False),
    40164: ("IP 不在白名单", "请在公众号后台把服务器 IP 加入白名单。", False),
    41001: ("缺少 access_token", "请联系技术人员检查接口地址。", False),
    42001: ("access_token 已过期", "系统会重新获取 access_token 并重试。", False),
    44003: ("图文内容为空", "请确认稿件有正文后重新发送。", False),
    45002: ("正文超过长度限制", "正文须少于 2 万字符且小于 1MB，请精简后重新发送。", False),
    45003: ("标题超过长度限制", "标题不得超过 32 个字，请修改标题后重新发送。", False),
    45004: ("摘要超过长度限制", "摘要不得超过 128 个字，请修改摘要后重新发送。", False),
    45009: (
        "接口调用次数超过限制",
        "系统会稍后自动重试；如持续出现，请在公众号后台查看接口调用额度。",
        True,
    ),
    45166: ("正文内容不合法", "请检查正文是否含有脚本、样式表等微信不允许的内容。", False),
    47001: ("数据格式错误", "请联系技术人员检查发送的数据。", False),
    48001: ("公众号没有该接口的权限", "请确认公众号已认证并开通草稿箱和素材管理权限。", False),
}

_TOKEN_ERRCODES = {40001, 40014, 42001}


def wechat_error(errcode, errmsg="") -> ChannelError:
    """The ``ChannelError`` for a WeChat ``errcode`` (with its ``errmsg`` for unknown codes)."""
    known = _WECHAT_ERRORS.get(errcode)
    if known:
        what, advice, retryable = known
        return ChannelError(
            f"微信接口返回错误 {errcode}（{what}）：{advice}", retryable=retryable, code=errcode
        )
    detail = str(errmsg or "")[:120]
    return ChannelError(
        f"微信接口返回错误 {errcode}（{detail}）：请对照微信公众平台的全局返回码说明检查，或联系技术人员。",
        retryable=False,
        code=errcode,
    )


class WeChatClient:
    """The WeChat official account API: access token, images, cover material and drafts.

    ``base_url`` is ``https://api.weixin.qq.com`` in production (a loopback fake in tests).

    The access token comes from ``cgi-bin/stable_token`` and is kept in Django's default cache,
    so every process (web servers, the task worker, cron's ``send_deliveries``) uses the same
    one: a token fetched by one process never retires another's. One process at a time fetches
    (a lock in the cache); the others wait for its token. A call answered with an invalid or
    expired token (40001, 40014, 42001) replaces that token, and only that one (another process
    may already have put a newer one in the cache), and is retried once.
    """

    channel = "微信公众号"
    # How long one process may hold the fetching lock: the fetch itself is one request.
    LOCK_SECONDS = 45
    # Before trusting a lock it took, a process waits this long and reads the lock again: on
    # caches whose ``add`` is not atomic (the file cache) two processes may both "take" it,
    # and only the last writer then still finds its own mark.
    LOCK_SETTLE_SECONDS = 0.05

    def __init__(self, base_url, app_id, app_secret, timeout=10, session=None):
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._app_secret = app_secret
        self.timeout = timeout
        self.session = _new_session(session)
        account = hashlib.sha256(f"{self.base_url}\n{app_id}".encode()).hexdigest()[:32]
        self._token_key = f"jingjian:syndication:wechat-token:{account}"
        self._lock_key = f"{self._token_key}:lock"

    def __repr__(self):
        return f"<WeChatClient {self.base_url} appid={self.app_id}>"

    # -- access token

    def access_token(self, force_refresh=False) -> str:
        """A valid access token: the shared one, or a new one when there is none (or when
        ``force_refresh``, which replaces the shared one)."""
        if not force_refresh:
            token = caches["default"].get(self._token_key)
            if token:
                return token
        return self._replace(caches["default"].get(self._token_key) if force_refresh else None)

    def _replace(self, refused):
        """A new shared token; ``refused`` is the token WeChat refused (None: there was none).

        Whoever holds the lock fetches; the others wait for the token it stores (at most the
        request's timeout, then they fetch themselves: the holder may have died, and
        ``stable_token`` gives every caller the same token anyway)."""
        cache = caches["default"]
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + self.timeout + 1
        while not self._lock(cache, owner):
            token = cache.get(self._token_key)
            if token and token != refused:
                return token
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        try:
            token = cache.get(self._token_key)
            if token and token != refused:
                return token  # another process replaced it while this one waited
            token, expires_in = self._fetch_token()
            if token == refused:
                # WeChat refused the very token it still hands out: force a new one.
                token, expires_in = self._fetch_token(force_refresh=True)
            # Fetch again ahead of expiry (stable_token hands out the next token in the old
            # one's last 5 minutes, both valid), never later than half of a short token's life.
            margin = min(300.0, expires_in / 2)
            cache.set(self._token_key, token, timeout=max(1, math.floor(expires_in - margin)))
            return token
        finally:
            if cache.get(self._lock_key) == owner:
                cache.delete(self._lock_key)

    def _lock(self, cache, owner):
        if not cache.add(self._lock_key, owner, timeout=self.LOCK_SECONDS):
            return False
        time.sleep(self.LOCK_SETTLE_SECONDS)
        return cache.get(self._lock_key) == owner

    def _fetch_token(self, force_refresh=False):
        url = f"{self.base_url}/cgi-bin/stable_token"
        body = json.dumps(
            {
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._app_secret,
                "force_refresh": force_refresh,
            },
            ensure_ascii=False,  # WeChat refuses \uXXXX escapes (40033)
        ).encode("utf-8")
        response = _send(
            self.session,
            "POST",
            url,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=self.timeout,
            channel=self.channel,
        )
        data = self._parse(response, url)
        errcode = data.get("errcode", 0)
        if errcode:
            logger.warning("WeChat token for appid %s refused: errcode %s", self.app_id, errcode)
            if errcode in _TOKEN_ERRCODES:
                # At this endpoint 40001 means the AppSecret is wrong, not a stale token.
                raise ChannelError(
                    f"获取微信 access_token 失败，错误 {errcode}（AppSecret 错误）："
                    "请在渠道设置中核对 AppID 和 AppSecret。",
                    retryable=False,
                    code=errcode,
                )
            raise wechat_error(errcode, data.get("errmsg"))
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ChannelError(
                "微信返回的 access_token 内容不完整，系统会稍后自动重试。", retryable=True
            )
        try:
            expires_in = float(data.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires_in = 7200.0
        return token, max(expires_in, 1.0)

    # -- calls

    def _parse(self, response, url):
        data = _json_or_none(response)
        if response.status_code != 200:
            if isinstance(data, dict) and data.get("errcode"):
                raise wechat_error(data["errcode"], data.get("errmsg"))
            logger.warning("WeChat %s answered HTTP %s", mask_url(url), response.status_code)
            raise _http_failure(response.status_code, self.channel)
        if not isinstance(data, dict):
            logger.warning("WeChat %s answered a body that is not JSON", mask_url(url))
            raise ChannelError(
                "微信接口返回了无法解析的内容（可能是响应被截断），系统会稍后自动重试。",
                retryable=True,
            )
        return data

    def _call(self, path, *, query=None, **kwargs):
        """POST to ``path`` with the access token; refresh the token and retry once if stale."""
        url = f"{self.base_url}{path}"
        token = self.access_token()
        for attempt in (1, 2):
            params = {**(query or {}), "access_token": token}
            response = _send(
                self.session,
                "POST",
                url,
                params=params,
                timeout=self.timeout,
                channel=self.channel,
                **kwargs,
            )
            data = self._parse(response, url)
            errcode = data.get("errcode", 0)
            if not errcode:
                return data
            if errcode in _TOKEN_ERRCODES:
                if attempt == 1:
                    logger.info("WeChat %s: errcode %s, refreshing the token", path, errcode)
                    token = self._replace(token)
                    continue
                # A fresh token refused too: most likely another program fetched a newer one.
                raise ChannelError(
                    f"微信接口返回错误 {errcode}（刷新后的 access_token 仍无效）：系统会稍后自动重试；"
                    "如持续出现，请确认没有其他程序在为该公众号获取 access_token。",
                    retryable=True,
                    code=errcode,
                )
            logger.warning("WeChat %s: errcode %s", path, errcode)
            raise wechat_error(errcode, data.get("errmsg"))
        raise AssertionError("unreachable")

    def upload_image(self, data: bytes, filename: str = "image") -> str:
        """Upload an image used in an article body (``media/uploadimg``); returns its URL."""
        kind = image_type(data)
        if kind not in ("jpg", "png"):
            raise ChannelError(
                f"图片“{filename}”不是 JPG 或 PNG 格式，微信正文图片只支持这两种格式：请转换格式后重新发送。",
                retryable=False,
            )
        if len(data) >= WECHAT_IMAGE_MAX_BYTES:
            raise ChannelError(
                f"图片“{filename}”有 {len(data) / 1024 / 1024:.1f}MB，微信正文图片须小于 1MB：请压缩后重新发送。",
                retryable=False,
            )
        files = {"media": (_filename(filename, kind), data, _CONTENT_TYPES[kind])}
        result = self._call("/cgi-bin/media/uploadimg", files=files)
        url = result.get("url")
        if not isinstance(url, str) or not url:
            raise ChannelError("微信没有返回图片地址，系统会稍后自动重试。", retryable=True)
        return url

    def add_thumb(self, data: bytes, filename: str = "cover.jpg") -> str:
        """Upload a cover image as permanent thumb material; returns its ``media_id``."""
        if image_type(data) != "jpg":
            raise ChannelError(
                f"封面“{filename}”不是 JPG 格式，微信封面缩略图只支持 JPG：请转换格式后重新发送。",
                retryable=False,
            )
        if len(data) > WECHAT_THUMB_MAX_BYTES:
            raise ChannelError(
                f"封面“{filename}”有 {len(data) / 1024:.0f}KB，微信封面缩略图不能超过 64KB：请压缩后重新发送。",
                retryable=False,
            )
        files = {"media": (_filename(filename, "jpg"), data, "image/jpeg")}
        result = self._call("/cgi-bin/material/add_material", query={"type": "thumb"}, files=files)
        media_id = result.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise ChannelError("微信没有返回封面素材编号，系统会稍后自动重试。", retryable=True)
        return media_id

    def add_draft(self, article: dict) -> str:
        """Create a draft with one article (``draft/add``); returns the draft's ``media_id``."""
        body = json.dumps({"articles": [article]}, ensure_ascii=False).encode("utf-8")
        result = self._call(
            "/cgi-bin/draft/add",
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        media_id = result.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise ChannelError("微信没有返回草稿编号，系统会稍后自动重试。", retryable=True)
        return media_id

    def delete_draft(self, media_id: str) -> bool:
        """Delete a draft (``draft/delete``).

        Returns True when deleted, False when WeChat no longer has it (40007: already deleted,
        or published, which also removes it from the draft box), so a retried retraction is
        not an error.
        """
        body = json.dumps({"media_id": media_id}, ensure_ascii=False).encode("utf-8")
        try:
            self._call(
                "/cgi-bin/draft/delete",
                data=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except ChannelError as error:
            if error.code == 40007:
                return False
            raise
        return True


def _filename(filename, kind):
    name = (filename or "").strip() or "image"
    if "." not in name:
        name = f"{name}.{kind}"
    return name


# --------------------------------------------------------------------------- Weibo

_WEIBO_EXPIRED = {21301, 21314, 21315, 21316, 21317, 21327, 21332}
_WEIBO_RATE_LIMITS = {10022, 10023, 10024}
_WEIBO_BUSY = {10001, 10002, 10003, 10009, 10010, 10011, 21331}
_WEIBO_ERRORS = {
    10017: "参数值不合法（分享的链接须在应用登记的安全域名下）：请在微博开放平台核对安全域名。",
    20005: "图片格式不支持（仅支持 JPG、GIF、PNG）：请更换图片后重新发送。",
    20006: "图片太大（须小于 5MB）：请压缩后重新发送。",
    20008: "内容为空：请确认稿件有导语后重新发送。",
    20012: "文字超过 140 字：请缩短导语后重新发送。",
    20016: "发微博太频繁：请稍后手动重试。",
    20017: "刚刚已经发送过相似内容：请修改导语后重新发送。",
    20019: "重复内容，微博不允许再次发送：如需更新，请修改导语后重新发送。",
    20111: "不能发布相同的微博：如需更新，请修改导语后重新发送。",
    20101: "该微博不存在：可能已被删除。",
}


def _weibo_code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def weibo_error(status, data) -> ChannelError:
    """The ``ChannelError`` for a Weibo error answer (HTTP ``status``, parsed JSON ``data``)."""
    code = _weibo_code(data.get("error_code")) if isinstance(data, dict) else None
    if code is None:
        return _http_failure(status, "微博")
    if code in _WEIBO_EXPIRED:
        return ChannelError(
            f"微博接口返回错误 {code}：微博授权已过期，请重新授权并在渠道设置中更新 access_token。",
            retryable=False,
            code=code,
        )
    if code in _WEIBO_RATE_LIMITS:
        return ChannelError(
            f"微博接口返回错误 {code}：请求次数超过微博的频率上限，系统会稍后自动重试。",
            retryable=True,
            code=code,
        )
    if code in _WEIBO_BUSY or status >= 500:
        return ChannelError(
            f"微博接口返回错误 {code}：微博系统繁忙，系统会稍后自动重试。",
            retryable=True,
            code=code,
        )
    advice = _WEIBO_ERRORS.get(code)
    if advice is None:
        detail = str(data.get("error") or "")[:120]
        advice = f"{detail}：请对照微博开放平台的错误码说明检查，或联系技术人员。"
    return ChannelError(f"微博接口返回错误 {code}：{advice}", retryable=False, code=code)


class WeiboClient:
    """The Weibo open API: ``statuses/share`` and ``statuses/destroy``.

    ``base_url`` is ``https://api.weibo.com`` in production. The access token is sent in the
    form body, never in the URL, so it cannot end up in access logs.
    """

    channel = "微博"

    def __init__(self, base_url, access_token, timeout=10, session=None):
        self.base_url = base_url.rstrip("/")
        self._access_token = access_token
        self.timeout = timeout
        self.session = _new_session(session)

    def __repr__(self):
        return f"<WeiboClient {self.base_url}>"

    def _post(self, path, data, files=None):
        url = f"{self.base_url}{path}"
        form = {"access_token": self._access_token, **data}
        response = _send(
            self.session,
            "POST",
            url,
            data=form,
            files=files,
            timeout=self.timeout,
            channel=self.channel,
        )
        body = _json_or_none(response)
        if response.status_code == 200 and isinstance(body, dict) and "error_code" not in body:
            return body
        if response.status_code == 200 and not isinstance(body, dict):
            logger.warning("Weibo %s answered a body that is not JSON", path)
            raise ChannelError(
                "微博接口返回了无法解析的内容（可能是响应被截断），系统会稍后自动重试。",
                retryable=True,
            )
        error = weibo_error(response.status_code, body)
        logger.warning("Weibo %s: HTTP %s, error %s", path, response.status_code, error.code)
        raise error

    def share(self, status: str, image: bytes | None = None, filename: str | None = None) -> str:
        """Post ``status`` (≤ 140 characters, with a link) and an optional picture; returns its id."""
        length = weibo_length(status)
        if length > WEIBO_STATUS_MAX:
            raise ChannelError(
                f"微博文字有 {length} 字，开放接口最多 {WEIBO_STATUS_MAX} 字：请缩短导语后重新发送。",
                retryable=False,
            )
        files = None
        if image is not None:
            kind = image_type(image)
            if kind is None:
                raise ChannelError(
                    "微博配图不是 JPG、GIF 或 PNG 格式：请更换图片后重新发送。", retryable=False
                )
            if len(image) >= WEIBO_IMAGE_MAX_BYTES:
                raise ChannelError("微博配图须小于 5MB：请压缩后重新发送。", retryable=False)
            files = {"pic": (_filename(filename or "", kind), image, _CONTENT_TYPES[kind])}
        result = self._post("/2/statuses/share.json", {"status": status}, files=files)
        status_id = result.get("idstr") or result.get("id")
        if not status_id:
            raise ChannelError("微博没有返回微博编号，系统会稍后自动重试。", retryable=True)
        return str(status_id)

    def destroy(self, status_id) -> bool:
        """Delete a status. Returns False when Weibo no longer has it (20101), True otherwise."""
        try:
            self._post("/2/statuses/destroy.json", {"id": str(status_id)})
        except ChannelError as error:
            if error.code == 20101:
                return False
            raise
        return True


# --------------------------------------------------------------------------- webhooks


class WebhookClient:
    """POST signed JSON to a receiver (the news app or any generic webhook).

    2xx is success (the receiver's id from ``{"id": …}`` if it sends one, else the idempotency
    key); 409 means the receiver already has this idempotency key, which is success too.
    """

    channel = "接收方"

    def __init__(self, url, secret, timeout=10, session=None):
        self.url = url
        self._secret = secret
        self.timeout = timeout
        self.session = _new_session(session)

    def __repr__(self):
        return f"<WebhookClient {mask_url(self.url)}>"

    def send(
        self, body: bytes, event: str, idempotency_key: str, signature: str | None = None
    ) -> str:
        """Deliver ``body``; returns the receiver's id. ``signature`` defaults to ``sign(body)``."""
        if signature is None:
            signature = sign(body, self._secret)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Jingjian-Event": event,
            "X-Jingjian-Signature": signature,
            "Idempotency-Key": idempotency_key,
        }
        response = _send(
            self.session,
            "POST",
            self.url,
            data=body,
            headers=headers,
            timeout=self.timeout,
            channel=self.channel,
        )
        status = response.status_code
        if 200 <= status < 300 or status == 409:
            data = _json_or_none(response)
            receiver_id = data.get("id") if isinstance(data, dict) else None
            return str(receiver_id) if receiver_id not in (None, "") else idempotency_key
        logger.warning(
            "Webhook %s answered HTTP %s for key %s", mask_url(self.url), status, idempotency_key
        )
        if status == 401:
            raise ChannelError(
                "接收方拒绝了签名（HTTP 401）：请确认渠道设置中的签名密钥与接收方配置的一致。",
                retryable=False,
                code=status,
            )
        raise _http_failure(response.status_code, self.channel)
