"""Reads recorded per second: the study mark's POST through real HTTP to the site served as in
production (gunicorn, the production settings, a temporary SQLite file or DATABASE_URL), driven
by wrk on loopback. Prints JSON.

Usage: .venv/bin/python bench/study.py          (no arguments; knobs are environment variables)

  BENCH_SECONDS=5       seconds of each wrk measurement
  BENCH_ROUNDS=3        rounds, each the trivial view then every action (medians reported)
  BENCH_READERS=8       logged-in demo readers posting (each with their own session and token)
  BENCH_CONNECTIONS=8, BENCH_THREADS=2   wrk's -c and -t
  WEB_CONCURRENCY       gunicorn workers (default gunicorn.conf.py's: two per core plus one)

What it does: a temporary folder; migrate; the demo content (without the search index); sessions
for BENCH_READERS readers of group 读者; then gunicorn on a free loopback port and wrk posting, in
turn across readers and the case studies and exemplars they may see, ``action=time`` (what
sendBeacon sends as a reader leaves), then ``action=studied`` (我已学习), each with the reader's
session cookie and CSRF token as study.js sends them; then the mark's state (``state``: the GET
study.js makes as a page loads, the same session and visibility work without a write). A response other than 2xx is an error.
The trivial view (/bench/trivial/, as in bench/load.py) is measured at the start of each round on
the same server, as a yardstick for a machine other work keeps busy.
Afterwards: the rows written (one per reader and page, whatever the number of posts) and whether
an anonymous page stored before the posts is still served from the page cache (a mark must not
purge it). Target: at least 500 reads recorded per second.
"""

import datetime
import importlib.util
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

# wrk posts the bodies in turn, each with its reader's cookie; a report line at the end.
WRK_SCRIPT = """
local posts = {POSTS}
local n = 0
request = function()
  n = n + 1
  local post = posts[(n % #posts) + 1]
  if METHOD == "GET" then
    return wrk.format("GET", "/study/mark/?" .. post[2], {["Cookie"] = post[1]})
  end
  return wrk.format("POST", "/study/mark/record/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = post[1],
  }, post[2])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def knob(name, default):
    return type(default)(os.environ.get(name, default))


def load_bench(name):
    """A sibling benchmark module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_site(port, readers):
    """Migrate, demo content, ``readers`` reader sessions; returns what the run needs."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from wagtail.models import Page

    from jingjian.core import visibility
    from study import marks

    settings.DEBUG = False
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0, skip_index=True, site=f"http://127.0.0.1:{port}")
    built = round(time.perf_counter() - started, 1)
    User = get_user_model()
    group = Group.objects.get(name="读者")
    for n in range(readers):
        user, _ = User.objects.get_or_create(username=f"bench-reader-{n}")
        user.groups.set([group])
    users = list(User.objects.filter(username__startswith="bench-reader-").order_by("username"))
    types = marks.studied_types()
    pages = [
        p
        for p in visibility.visible_pages(Page.objects.live(), users[0]).order_by("pk")
        if p.specific_class in types
    ][:24]
    posts = []
    for n, user in enumerate(users):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = secrets.token_hex(16)  # an unmasked CSRF secret is a valid token (32 characters)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={token}"
        for k in range(len(pages)):
            page = pages[(n * 5 + k) % len(pages)]
            posts.append((cookie, f"page={page.pk}&csrfmiddlewaretoken={token}"))
    public = visibility.public_pages(Page.objects.live()).filter(depth__gte=3).order_by("pk")
    anonymous_url = public.first().url_path.removeprefix(
        public.first().get_site().root_page.url_path[:-1]
    )
    return posts, len(users), len(pages), anonymous_url, built


EXTRA = {"time": "&action=time&seconds=42", "studied": "&action=studied", "state": ""}


def lua_posts(posts, action):
    rows = ",".join(f"{{{json.dumps(c)}, {json.dumps(b + EXTRA[action])}}}" for c, b in posts)
    method = "GET" if action == "state" else "POST"
    return f'METHOD = "{method}"\n' + WRK_SCRIPT.replace("{POSTS}", "{" + rows + "}")


def cache_state(base, url):
    with urllib.request.urlopen(base + urllib.parse.quote(url), timeout=60) as response:
        return response.headers.get("X-Page-Cache")


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    load = load_bench("load")
    seconds = knob("BENCH_SECONDS", 5)
    rounds = knob("BENCH_ROUNDS", 3)
    readers = knob("BENCH_READERS", 8)
    threads, connections = knob("BENCH_THREADS", 2), knob("BENCH_CONNECTIONS", 8)
    workdir = Path(tempfile.mkdtemp(prefix="jingjian-bench-study-"))
    port = load.free_port()
    env = dict(os.environ)
    env.update(
        {
            "BENCH_WORKDIR": str(workdir),
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/db.sqlite3",
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private-media"),
            "STATIC_ROOT": str(workdir / "static"),
            "SYNDICATION_OUTBOX_ROOT": str(workdir / "outbox"),
            "CACHE_DIR": str(workdir / "cache"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CHANNEL_SECRET_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "BENCH_TRIVIAL_VIEW": "true",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.dev"
    os.environ["DEBUG"] = "false"
    env["DJANGO_SETTINGS_MODULE"] = "jingjian.settings.production"
    env.pop("DEBUG", None)

    load_before = os.getloadavg()
    posts, reader_count, page_count, anonymous_url, built = build_site(port, readers)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    from django.conf import settings

    from study.models import StudyRecord

    serve_port = load.free_port()
    base = f"http://127.0.0.1:{serve_port}"
    process = load.serve(env, serve_port)
    results = {}
    try:
        cache_state(base, anonymous_url)  # stored now
        before = cache_state(base, anonymous_url)
        # The yardstick: the least a request through our middleware costs on this server now.
        trivial_script = workdir / "trivial.lua"
        trivial_script.write_text(load.WRK_SCRIPT, encoding="utf-8")
        actions = ("time", "studied", "state")
        for action in actions:
            script = workdir / f"{action}.lua"
            script.write_text(lua_posts(posts, action), encoding="utf-8")
            load.wrk(base, "/study/mark/record/", 1, threads, connections, str(script))  # warm
        # Rounds, each the trivial view then every action, so that a machine other work keeps
        # busy for a while weighs on both: the medians are reported, and every round.
        trivial_rates, samples = [], {action: [] for action in actions}
        for _round in range(rounds):
            trivial = load.wrk(
                base, "/bench/trivial/", seconds, threads, connections, str(trivial_script)
            )
            trivial_rates.append(trivial["rps"])
            for action in actions:
                measured = load.wrk(
                    base,
                    "/study/mark/record/",
                    seconds,
                    threads,
                    connections,
                    str(workdir / f"{action}.lua"),
                )
                samples[action].append((measured, trivial["rps"]))
        results["trivial_view_per_second"] = round(statistics.median(trivial_rates))
        for action in actions:
            runs = samples[action]
            results[action] = {
                "reads_per_second": round(statistics.median(m["rps"] for m, _t in runs)),
                "ratio_to_trivial": round(statistics.median(m["rps"] / t for m, t in runs), 2),
                "p50_ms": round(statistics.median(m["p50_ms"] for m, _t in runs), 2),
                "p95_ms": round(statistics.median(m["p95_ms"] for m, _t in runs), 2),
                "p99_ms": round(statistics.median(m["p99_ms"] for m, _t in runs), 2),
                "requests": sum(m["requests"] for m, _t in runs),
                "errors": sum(m["errors"] for m, _t in runs),
                "rounds": [
                    {"reads_per_second": round(m["rps"]), "trivial_per_second": round(t)}
                    for m, t in runs
                ],
            }
        after = cache_state(base, anonymous_url)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    workers = os.environ.get("WEB_CONCURRENCY") or str(2 * os.cpu_count() + 1)
    rows = StudyRecord.objects.filter(user__username__startswith="bench-reader-")
    print(
        json.dumps(
            {
                "benchmark": "study",
                "how": "real HTTP: gunicorn (production settings) on loopback, driven by wrk",
                "date": datetime.date.today().isoformat(),
                "cores": os.cpu_count(),
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "gunicorn_workers": int(workers),
                "wrk": {
                    "threads": threads,
                    "connections": connections,
                    "seconds": seconds,
                    "rounds": rounds,
                },
                "readers": reader_count,
                "pages": page_count,
                "demo_seconds": built,
                "target_reads_per_second": 500,
                **results,
                "records": rows.count(),
                # At most one row per pair, however many posts each pair received.
                "reader_page_pairs": len({(c, b) for c, b in posts}),
                "studied_records": rows.filter(studied_at__isnull=False).count(),
                "anonymous_page_cache": {"before": before, "after_posts": after},
                "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
