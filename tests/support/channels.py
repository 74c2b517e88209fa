"""Loopback fakes of the channels' HTTP APIs, for tests and ``bench/syndication.py`` (test code,
not shipped in the ``jingjian`` package).

Each fake is a real HTTP server on 127.0.0.1 (a free port), run in a daemon thread, and a
context manager with ``.url`` and ``.stop()``:

- ``FakeWeChat``: ``cgi-bin/token``, ``cgi-bin/stable_token``, ``media/uploadimg``, ``material/add_material`` (thumb and
  image), ``draft/add`` and ``draft/delete``, answering with WeChat's documented ``errcode``s;
- ``FakeWeibo``: ``2/statuses/share.json`` and ``2/statuses/destroy.json`` with Weibo's error
  JSON (``{"error", "error_code", "request"}``);
- ``WebhookReceiver``: checks signatures, dedupes idempotency keys and can be told to fail in the
  ways real receivers fail (HTTP 500, hanging, refusing connections, closing mid-response).

They keep what they received in plain lists so tests can assert on it; all counters are updated
under a lock.
"""

import abc
import json
import re
import secrets
import sys
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from jingjian.syndication.clients import image_type, verify, weibo_length

_QUIET_ERRORS = (ConnectionError, TimeoutError)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default of 5 drops connections under concurrent delivery

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], _QUIET_ERRORS):
            return  # the client went away (timeouts in tests do this on purpose)
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so a receiver switched to "refuse" refuses at once
    # instead of serving a client's kept-alive connection.
    protocol_version = "HTTP/1.0"
    server_version = "JingjianFake/1.0"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.server.fake._handle(self, "GET")

    def do_POST(self):
        self.server.fake._handle(self, "POST")

    # -- helpers used by the fakes

    def body(self):
        if not hasattr(self, "_body"):
            length = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(length) if length else b""
        return self._body

    def reply(self, status, payload, content_type="application/json; charset=utf-8"):
        if isinstance(payload, bytes):
            data = payload
        else:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse_multipart(content_type, body):
    """``(fields, files)`` of a multipart/form-data body; files map name → (filename, bytes)."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    fields, files = {}, {}
    if not boundary:
        return fields, files
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition["content-disposition"] = value.strip()
        name = disposition.get_param("name", header="content-disposition")
        filename = disposition.get_param("filename", header="content-disposition")
        if name is None:
            continue
        if filename is not None:
            files[name] = (str(filename), content)
        else:
            fields[name] = content.decode("utf-8")
    return fields, files


def _form(handler):
    """Form fields and files of a POST, whether urlencoded or multipart."""
    content_type = handler.headers.get("Content-Type", "")
    body = handler.body()
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    return fields, {}


class _LoopbackServer(abc.ABC):
    """A ThreadingHTTPServer on 127.0.0.1 in a daemon thread; subclasses implement ``_handle``."""

    path = ""

    def __init__(self):
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = None
        self._thread = None
        self.port = None
        self._listen(0)

    def _listen(self, port):
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.fake = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def _close_listener(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}{self.path}"

    def stop(self):
        """Stop listening and wake any request that is deliberately hanging."""
        self._stopping.set()
        self._close_listener()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @abc.abstractmethod
    def _handle(self, handler, method):
        """Answer one request (``handler`` has the parsed request; ``method`` is GET/POST)."""


# --------------------------------------------------------------------------- WeChat

_WECHAT_MESSAGES = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40004: "invalid media type",
    40005: "invalid file type",
    40007: "invalid media_id",
    40009: "invalid image size",
    40012: "invalid thumb size",
    40013: "invalid appid",
    40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
    40125: "invalid appsecret",
    40227: "empty title",
    41001: "access_token missing",
    41005: "media data missing",
    42001: "access_token expired",
    43001: "require GET method",
    43002: "require POST method",
    44003: "empty news data",
    45002: "content size out of limit",
    45003: "title size out of limit",
    45004: "description size out of limit",
    45009: "reach max api daily quota limit",
    45166: "invalid content",
    47001: "data format error",
}

WECHAT_TITLE_MAX = 32
WECHAT_DIGEST_MAX = 128
WECHAT_CONTENT_MAX_CHARS = 20_000
WECHAT_CONTENT_MAX_BYTES = 1024 * 1024
_FORBIDDEN_CONTENT = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)


def _media_id():
    return secrets.token_urlsafe(48)[:64]


class FakeWeChat(_LoopbackServer):
    """The parts of the WeChat official account API that syndication uses.

    Controls: ``expire_tokens()`` (tokens issued so far answer 42001 from now on),
    ``fail_next(n, errcode=-1, http_status=200)`` (the next ``n`` API calls, not token
    requests, fail with that errcode, or with a bare HTTP error when ``http_status`` ≥ 500).
    Records: ``drafts`` (dicts: ``media_id`` plus the article's fields), ``deleted_drafts``
    (media ids), ``uploads`` (dicts: ``kind``, ``filename``, ``size``, ``url``, ``media_id``),
    ``requests`` (every request), ``token_requests`` (requests to either token endpoint) and
    ``tokens_issued``.

    ``stable_token`` behaves as WeChat documents it: in the normal mode every caller gets the
    current token until its last ``min(300 s, half its life)``, when a new one is issued and
    the old one stays valid until it expires; ``force_refresh`` issues a new token and retires
    the previous one at once.
    """

    def __init__(self, app_id, app_secret, token_ttl=7200):
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_ttl = token_ttl
        self.drafts = []
        self.deleted_drafts = []
        self.uploads = []
        self.materials = {}  # permanent media_id → url
        self.requests = 0
        self.token_requests = 0
        self.tokens_issued = 0
        self._tokens = {}  # token → expiry (time.monotonic()), or None once expired
        self._stable = None  # the token stable_token hands out
        self._failures = []
        super().__init__()

    # -- controls

    def expire_tokens(self):
        with self._lock:
            for token in self._tokens:
                self._tokens[token] = None

    def fail_next(self, n=1, errcode=-1, http_status=200):
        with self._lock:
            self._failures.extend([(errcode, http_status)] * n)

    # -- server

    def _error(self, handler, errcode):
        handler.reply(200, {"errcode": errcode, "errmsg": _WECHAT_MESSAGES.get(errcode, "error")})

    def _handle(self, handler, method):
        url = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self._lock:
            self.requests += 1
        if url.path in ("/cgi-bin/token", "/cgi-bin/stable_token"):
            with self._lock:
                self.token_requests += 1
        if url.path == "/cgi-bin/token":
            return self._token(handler, method, query)
        if url.path == "/cgi-bin/stable_token":
            return self._stable_token(handler, method)
        routes = {
            "/cgi-bin/media/uploadimg": self._uploadimg,
            "/cgi-bin/material/add_material": self._add_material,
            "/cgi-bin/draft/add": self._draft_add,
            "/cgi-bin/draft/delete": self._draft_delete,
        }
        route = routes.get(url.path)
        if route is None:
            return handler.reply(404, {"errcode": 404, "errmsg": "not found"})
        handler.body()  # read the request fully before answering, whatever the answer
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            errcode, http_status = failure
            if http_status >= 500:
                return handler.reply(http_status, b"<html>Bad Gateway</html>", "text/html")
            return self._error(handler, errcode)
        if method != "POST":
            return self._error(handler, 43002)
        token_error = self._check_token(query.get("access_token"))
        if token_error:
            return self._error(handler, token_error)
        return route(handler, query)

    def _token(self, handler, method, query):
        if method != "GET":
            return self._error(handler, 43001)
        if query.get("grant_type") != "client_credential":
            return self._error(handler, 40002)
        if query.get("appid") != self.app_id:
            return self._error(handler, 40013)
        if query.get("secret") != self.app_secret:
            return self._error(handler, 40125)
        token = f"fake-{secrets.token_urlsafe(24)}"
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self.tokens_issued += 1
        handler.reply(200, {"access_token": token, "expires_in": self.token_ttl})

    def _stable_token(self, handler, method):
        if method != "POST":
            return self._error(handler, 43002)
        payload, error = self._json_body(handler)
        if error or not isinstance(payload, dict):
            return self._error(handler, error or 47001)
        if payload.get("grant_type") != "client_credential":
            return self._error(handler, 40002)
        if payload.get("appid") != self.app_id:
            return self._error(handler, 40013)
        if payload.get("secret") != self.app_secret:
            return self._error(handler, 40125)
        now = time.monotonic()
        window = min(300.0, self.token_ttl / 2)
        with self._lock:
            current = self._stable
            expires_at = self._tokens.get(current) if current else None
            if payload.get("force_refresh") is True and current:
                self._tokens[current] = None
                expires_at = None
            if expires_at is None or expires_at - now <= window:
                current = self._stable = f"fake-{secrets.token_urlsafe(24)}"
                expires_at = self._tokens[current] = now + self.token_ttl
                self.tokens_issued += 1
        handler.reply(200, {"access_token": current, "expires_in": max(1, int(expires_at - now))})

    def _check_token(self, token):
        if not token:
            return 41001
        with self._lock:
            if token not in self._tokens:
                return 40001
            expires_at = self._tokens[token]
            if expires_at is None or time.monotonic() >= expires_at:
                self._tokens[token] = None
                return 42001
        return 0

    def _uploaded_file(self, handler):
        _fields, files = _form(handler)
        return files.get("media")

    def _uploadimg(self, handler, query):
        media = self._uploaded_file(handler)
        if media is None:
            return self._error(handler, 41005)
        filename, data = media
        kind = image_type(data)
        if kind not in ("jpg", "png"):
            return self._error(handler, 40005)
        if len(data) >= 1024 * 1024:
            return self._error(handler, 40009)
        url = f"http://mmbiz.qpic.cn/mmbiz_{kind}/{secrets.token_hex(16)}/0"
        with self._lock:
            self.uploads.append(
                {"kind": "image", "filename": filename, "size": len(data), "url": url}
            )
        handler.reply(200, {"url": url, "errcode": 0, "errmsg": "ok"})

    def _add_material(self, handler, query):
        material_type = query.get("type")
        if material_type not in ("thumb", "image"):
            return self._error(handler, 40004)
        media = self._uploaded_file(handler)
        if media is None:
            return self._error(handler, 41005)
        filename, data = media
        kind = image_type(data)
        if material_type == "thumb":
            if kind != "jpg":
                return self._error(handler, 40005)
            if len(data) > 64 * 1024:
                return self._error(handler, 40012)
        elif kind is None:
            return self._error(handler, 40005)
        media_id = _media_id()
        url = f"http://mmbiz.qpic.cn/mmbiz_{kind}/{secrets.token_hex(16)}/0?wx_fmt={kind}"
        with self._lock:
            self.materials[media_id] = url
            self.uploads.append(
                {
                    "kind": material_type,
                    "filename": filename,
                    "size": len(data),
                    "url": url,
                    "media_id": media_id,
                }
            )
        handler.reply(200, {"media_id": media_id, "url": url, "item": []})

    def _json_body(self, handler):
        raw = handler.body()
        if b"\\u" in raw:  # WeChat wants UTF-8 text, not \uXXXX escapes
            return None, 40033
        try:
            return json.loads(raw.decode("utf-8")), 0
        except (UnicodeDecodeError, ValueError):
            return None, 47001

    def _draft_add(self, handler, query):
        payload, error = self._json_body(handler)
        if error:
            return self._error(handler, error)
        articles = payload.get("articles") if isinstance(payload, dict) else None
        if not isinstance(articles, list) or not articles:
            return self._error(handler, 44003)
        for article in articles:
            error = self._check_article(article)
            if error:
                return self._error(handler, error)
        media_id = _media_id()
        with self._lock:
            for article in articles:
                self.drafts.append({"media_id": media_id, **article})
        handler.reply(200, {"media_id": media_id})

    def _check_article(self, article):
        if not isinstance(article, dict):
            return 47001
        title = article.get("title")
        if not isinstance(title, str) or not title.strip():
            return 40227
        if len(title) > WECHAT_TITLE_MAX:
            return 45003
        if len(article.get("digest") or "") > WECHAT_DIGEST_MAX:
            return 45004
        content = article.get("content")
        if not isinstance(content, str) or not content.strip():
            return 44003
        if (
            len(content) >= WECHAT_CONTENT_MAX_CHARS
            or len(content.encode("utf-8")) >= WECHAT_CONTENT_MAX_BYTES
        ):
            return 45002
        if _FORBIDDEN_CONTENT.search(content):
            return 45166
        with self._lock:
            if article.get("thumb_media_id") not in self.materials:
                return 40007
        return 0

    def _draft_delete(self, handler, query):
        payload, error = self._json_body(handler)
        if error:
            return self._error(handler, error)
        media_id = payload.get("media_id") if isinstance(payload, dict) else None
        with self._lock:
            kept = [draft for draft in self.drafts if draft["media_id"] != media_id]
            found = len(kept) != len(self.drafts)
            if found:
                self.drafts[:] = kept
                self.deleted_drafts.append(media_id)
        if not found:
            return self._error(handler, 40007)
        handler.reply(200, {"errcode": 0, "errmsg": "ok"})


# --------------------------------------------------------------------------- Weibo

_LINK = re.compile(r"https?://([^/\s?#]+)")


class FakeWeibo(_LoopbackServer):
    """``statuses/share`` and ``statuses/destroy`` of the Weibo open API.

    The token may come as the ``access_token`` form field or query parameter, or as an
    ``Authorization: OAuth2 <token>`` header. ``safe_domain``, when given, is the app's
    registered domain every shared link must be on; ``reject_repeats`` answers 20019 to the
    same text as a post that is still up, as Weibo does.

    Controls: ``expire_token()`` (from now on 21332 with HTTP 400),
    ``fail_next(n, error_code=10023, http_status=403)``. Records: ``posts`` (dicts: ``id``,
    ``idstr``, ``text``, ``image``, ``filename``), ``deleted`` (idstr of destroyed posts),
    ``requests``.
    """

    def __init__(self, access_token, safe_domain=None, reject_repeats=True):
        self.access_token = access_token
        self.safe_domain = safe_domain
        self.reject_repeats = reject_repeats
        self.posts = []
        self.deleted = []
        self.requests = 0
        self._expired = False
        self._failures = []
        self._next_id = 4_900_000_000_000_001
        super().__init__()

    def expire_token(self):
        with self._lock:
            self._expired = True

    def fail_next(self, n=1, error_code=10023, http_status=403):
        with self._lock:
            self._failures.extend([(error_code, http_status)] * n)

    def _error(self, handler, status, code, message):
        path = urlsplit(handler.path).path
        handler.reply(status, {"error": message, "error_code": code, "request": path})

    def _handle(self, handler, method):
        url = urlsplit(handler.path)
        with self._lock:
            self.requests += 1
        routes = {"/2/statuses/share.json": self._share, "/2/statuses/destroy.json": self._destroy}
        route = routes.get(url.path)
        if route is None:
            return self._error(handler, 404, 10020, "Request Api not found!")
        if method != "POST":
            return self._error(handler, 405, 10021, "HTTP method is not suported for this request!")
        fields, files = _form(handler)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            code, status = failure
            return self._error(handler, status, code, "User requests out of rate limit!")
        token = fields.get("access_token") or parse_qs(url.query).get("access_token", [None])[-1]
        authorization = handler.headers.get("Authorization", "")
        if not token and authorization.startswith("OAuth2 "):
            token = authorization.removeprefix("OAuth2 ").strip()
        with self._lock:
            expired = self._expired
        if token != self.access_token or expired:
            return self._error(handler, 400, 21332, "invalid_access_token")
        return route(handler, fields, files)

    def _status_json(self, post):
        return {
            "created_at": post["created_at"],
            "id": post["id"],
            "idstr": post["idstr"],
            "mid": post["idstr"],
            "text": post["text"],
            "source": "镜鉴",
            "user": {"id": 1, "screen_name": "镜鉴"},
        }

    def _share(self, handler, fields, files):
        status = fields.get("status", "")
        if not status.strip():
            return self._error(handler, 400, 10016, "miss required parameter (status)")
        if weibo_length(status) > 140:
            return self._error(
                handler, 400, 20012, "Text too long, please input text less than 140 characters!"
            )
        hosts = _LINK.findall(status)
        if not hosts or (
            self.safe_domain
            and not any(h == self.safe_domain or h.endswith("." + self.safe_domain) for h in hosts)
        ):
            return self._error(
                handler, 400, 10017, "parameter (status)'s value invalid, expect (a safe link)"
            )
        image = filename = None
        if "pic" in files:
            filename, image = files["pic"]
            if image_type(image) is None:
                return self._error(handler, 400, 20005, "Unsupported image type")
            if len(image) >= 5 * 1024 * 1024:
                return self._error(handler, 400, 20006, "Image size too large")
        with self._lock:
            live = {post["text"] for post in self.posts if post["idstr"] not in self.deleted}
            if self.reject_repeats and status in live:
                repeated = True
            else:
                repeated = False
                post = {
                    "id": self._next_id,
                    "idstr": str(self._next_id),
                    "text": status,
                    "image": image,
                    "filename": filename,
                    "created_at": time.strftime("%a %b %d %H:%M:%S +0800 %Y"),
                }
                self._next_id += 1
                self.posts.append(post)
        if repeated:
            return self._error(handler, 400, 20019, "repeat content!")
        handler.reply(200, self._status_json(post))

    def _destroy(self, handler, fields, files):
        status_id = fields.get("id", "")
        with self._lock:
            post = next((p for p in self.posts if p["idstr"] == status_id), None)
            gone = post is None or status_id in self.deleted
            if not gone:
                self.deleted.append(status_id)
        if gone:
            return self._error(handler, 400, 20101, "target weibo does not exist!")
        handler.reply(200, self._status_json(post))


# --------------------------------------------------------------------------- webhooks

_CLOSE_MID_RESPONSE = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"id": "rcv'
)


class WebhookReceiver(_LoopbackServer):
    """A webhook receiver (the news app's, or any partner's) that checks and dedupes deliveries.

    Modes, switchable at runtime with ``.mode = …``:

    - ``"ok"``: verify the signature (401 if bad), answer 409 to an idempotency key already
      accepted (and count it in ``duplicates``), else accept it: 200 ``{"id": "rcv-N"}``;
    - ``"error500"``: answer 500 without accepting anything;
    - ``"timeout"``: hang for ``timeout_delay`` seconds (longer than the client's timeout), then
      drop the connection without accepting (the receiver never got to process it);
    - ``"refuse"``: nothing listens on the port, so connections are refused;
    - ``"close_mid"``: send the status line, headers and part of the body, then close, without
      accepting.

    ``fail_every=N`` makes every Nth request (counting all requests) answer 500, deterministically.
    Records: ``received`` (list of ``(key, event, parsed JSON)``, accepted deliveries only),
    ``duplicates``, ``requests``, ``rejected_signatures``, ``failures`` (500s sent).
    """

    MODES = ("ok", "error500", "timeout", "refuse", "close_mid")
    path = "/webhook"

    def __init__(self, secret, mode="ok", fail_every=None, timeout_delay=2.0):
        if mode not in self.MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {self.MODES}")
        self.secret = secret
        self.fail_every = fail_every
        self.timeout_delay = timeout_delay
        self.received = []
        self.duplicates = 0
        self.requests = 0
        self.rejected_signatures = 0
        self.failures = 0
        self._accepted = {}  # idempotency key → receiver id
        self._mode = "ok"
        self._mode_lock = threading.Lock()
        super().__init__()
        self.mode = mode

    @property
    def mode(self):
        return self._mode

    @mode.setter
    def mode(self, value):
        if value not in self.MODES:
            raise ValueError(f"unknown mode {value!r}; expected one of {self.MODES}")
        with self._mode_lock:
            old, self._mode = self._mode, value
            if value == "refuse" and old != "refuse":
                self._close_listener()  # the port stays ours to reopen; nothing listens on it
            elif old == "refuse" and value != "refuse" and not self._stopping.is_set():
                self._listen(self.port)

    @property
    def accepted_keys(self):
        with self._lock:
            return set(self._accepted)

    def _handle(self, handler, method):
        with self._lock:
            self.requests += 1
            number = self.requests
        mode = self._mode
        body = handler.body()
        if mode == "timeout":
            self._stopping.wait(self.timeout_delay)
            handler.close_connection = True
            return
        if mode == "close_mid":
            handler.wfile.write(_CLOSE_MID_RESPONSE)
            handler.wfile.flush()
            handler.close_connection = True
            return
        if mode == "error500" or (self.fail_every and number % self.fail_every == 0):
            with self._lock:
                self.failures += 1
            return handler.reply(500, {"error": "internal error"})
        if method != "POST":
            return handler.reply(405, {"error": "method not allowed"})
        if not verify(body, self.secret, handler.headers.get("X-Jingjian-Signature")):
            with self._lock:
                self.rejected_signatures += 1
            return handler.reply(401, {"error": "bad signature"})
        key = handler.headers.get("Idempotency-Key")
        if not key:
            return handler.reply(400, {"error": "Idempotency-Key header required"})
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return handler.reply(400, {"error": "body is not JSON"})
        event = handler.headers.get("X-Jingjian-Event", "")
        with self._lock:
            receiver_id = self._accepted.get(key)
            duplicate = receiver_id is not None
            if duplicate:
                self.duplicates += 1
            else:
                receiver_id = f"rcv-{len(self._accepted) + 1}"
                self._accepted[key] = receiver_id
                self.received.append((key, event, payload))
        if duplicate:
            return handler.reply(409, {"id": receiver_id, "error": "duplicate"})
        handler.reply(200, {"id": receiver_id})


# --------------------------------------------------------------------------- redirects


class Redirector(_LoopbackServer):
    """Answers every request with ``status`` (a redirect) to ``location``; counts ``requests``."""

    def __init__(self, location, status=302):
        self.location = location
        self.status = status
        self.requests = 0
        super().__init__()

    def _handle(self, handler, method):
        with self._lock:
            self.requests += 1
        handler.body()
        handler.send_response(self.status)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
