"""Load on a 10,000-case site served as in production: gunicorn, the production settings, wrk on
loopback. Prints JSON.

Usage: .venv/bin/python bench/load.py           (no arguments; knobs are environment variables)

  BENCH_CASES=10000     synthetic case studies added to the demo content (and a quarter as many
                        exemplars); BENCH_CASES=2000 for a faster run
  BENCH_SECONDS=5       seconds of each wrk measurement
  BENCH_ROUNDS=3        rounds; each measures the trivial view, then every page anonymously,
                        the trivial view again, then every page as a logged-in intranet reader
  BENCH_CONNECTIONS=8, BENCH_THREADS=2   wrk's -c and -t
  WEB_CONCURRENCY       gunicorn workers (default gunicorn.conf.py's: two per core plus one)
  BENCH_CACHE=both      which server configurations to measure: "cold" (started with
                        PAGE_CACHE_ENABLED=false: no page cache), "cached" (the settings as deployed,
                        page cache on once it exists; each URL fetched once before measuring),
                        or both
  DATABASE_URL          an EMPTY PostgreSQL database to build the site in (default: a temporary
                        SQLite file); ELASTICSEARCH_URL: search on Elasticsearch

What it does: a temporary folder; migrate; the demo content (accounts, 44 cases, 14 exemplars);
the synthetic pages written straight into the page tables in batches (bench/search.py's
generator: treebeard paths computed, one INSERT per batch), one handling per case; the search
index (update_index); collectstatic; a session of the demo reader 苏婉清 (duzhe, group 读者).
Then gunicorn with jingjian.settings.production on a free loopback port, and wrk per page type.
Every rate is also given as a ratio to the trivial view (/bench/trivial/, BENCH_TRIVIAL_VIEW)
measured by the same server in the same round. A response other than 2xx, or a socket error,
counts as an error. Memory: the resident set (VmRSS) of each worker after each configuration.
"""

import datetime
import importlib.util
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SEARCH_TERM = "担当"

WRK_SCRIPT = """
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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_search_bench():
    """bench/search.py's page generator (loaded by path: bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_site(cases, port):
    """Migrate, demo content, ``cases`` synthetic case studies; returns what the run needs."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from casestudies.models import CaseStudyPage, Handling, ProblemType
    from exemplars.models import ExemplarPage
    from jingjian.core import visibility

    settings.DEBUG = False  # Django would keep every statement of the bulk writes
    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0, skip_index=True, site=f"http://127.0.0.1:{port}")
    timings["demo_seconds"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    generator = load_search_bench()
    # create_pages writes 80% case studies and 20% exemplars.
    generator.create_pages(round(cases / 0.8), random.Random(cases))
    synthetic = CaseStudyPage.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
    Handling.objects.bulk_create(
        [
            Handling(page_id=pk, sort_order=0, pseudonym="王某", post="科长", discipline_form=2)
            for pk in synthetic.iterator()
        ],
        batch_size=2000,
    )
    timings["create_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    timings["index_seconds"] = round(time.perf_counter() - started, 1)

    reader = get_user_model().objects.get(username="duzhe")
    session = SessionStore()
    session[SESSION_KEY] = str(reader.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.create()

    def public(queryset):
        return visibility.public_pages(queryset.live()).filter(slug__startswith="bench-")

    case = public(CaseStudyPage.objects).order_by("-date_handled").first()
    exemplar = public(ExemplarPage.objects).order_by("-date").first()
    problem = ProblemType.objects.order_by("pk").first()
    urls = {
        "home": "/",
        "listing": "/cases/",
        "filtered_listing": f"/cases/?problem_type={problem.slug}&year=2024",
        "case_detail": case.url_path.removeprefix(case.get_site().root_page.url_path[:-1]),
        "exemplar_detail": exemplar.url_path.removeprefix(
            exemplar.get_site().root_page.url_path[:-1]
        ),
        "search": f"/search/?q={SEARCH_TERM}",
        "api_search": f"/api/v2/pages/?search={SEARCH_TERM}",
        "feed": "/cases/feed/",
    }
    counts = {
        "cases": CaseStudyPage.objects.live().count(),
        "exemplars": ExemplarPage.objects.live().count(),
    }
    return urls, f"{settings.SESSION_COOKIE_NAME}={session.session_key}", counts, timings


def quote_url(url):
    return urllib.parse.quote(url, safe="/?=&:")


def fetch(base, url, cookie=None):
    request = urllib.request.Request(base + quote_url(url))
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wrk(base, url, seconds, threads, connections, script, cookie=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        command + [base + quote_url(url)], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    raw = json.loads(line[5:])
    errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
        "errors": errors,
    }


def private_mb(pid):
    """Memory only this process holds (private pages, from smaps_rollup), in MB: the resident
    set also counts the shared libraries and the mapped SQLite file every worker shares."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    kb = sum(int(line.split()[1]) for line in lines if line.startswith("Private_"))
    return round(kb / 1024, 1)


def worker_private_mb(master_pid):
    return sorted(filter(None, (private_mb(pid) for pid in worker_pids(master_pid))), key=float)


def worker_pids(master_pid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{master_pid}\n" in status:
                pids.append(int(entry.name))
    return pids


def worker_rss_mb(master_pid):
    """Resident memory of each of gunicorn's workers (children of the master), in MB."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def serve(env, port):
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "jingjian.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["BENCH_WORKDIR"]) / f"gunicorn-{port}.log", "w"),
        start_new_session=True,
    )
    # Generous: on a busy machine five workers loading Django, Wagtail and jieba take a while.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if fetch(f"http://127.0.0.1:{port}", "/bench/trivial/") == 200:
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer within 300 s; see its log in the temporary folder")


def summarize(samples, trivial):
    """Mean rate over the rounds, its ratio to the trivial view, the median percentiles."""
    result = {
        "rps": round(statistics.mean(s["rps"] for s in samples), 1),
        "ratio_to_trivial": round(
            statistics.mean(s["rps"] / t for s, t in zip(samples, trivial, strict=True)), 4
        ),
    }
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        result[key] = round(statistics.median(s[key] for s in samples), 1)
    result["errors"] = sum(s["errors"] for s in samples)
    return result


def measure(env, urls, cookie, warm):
    seconds, rounds = knob("BENCH_SECONDS", 5), knob("BENCH_ROUNDS", 3)
    threads, connections = knob("BENCH_THREADS", 2), knob("BENCH_CONNECTIONS", 8)
    port = free_port()
    process = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    script = Path(env["BENCH_WORKDIR"]) / "report.lua"
    script.write_text(WRK_SCRIPT)
    try:
        audiences = {"anonymous": None, "reader": cookie}
        for audience, audience_cookie in audiences.items():
            for name, url in urls.items():
                status = fetch(base, url, audience_cookie)
                if status != 200:
                    raise SystemExit(f"{audience} {name} {url}: HTTP {status}")
                if warm:  # what a cache would hold after the first reader
                    fetch(base, url, audience_cookie)
        samples = {audience: {name: [] for name in urls} for audience in audiences}
        trivial = {audience: [] for audience in audiences}
        for _round in range(rounds):
            for audience, audience_cookie in audiences.items():
                trivial[audience].append(
                    wrk(base, "/bench/trivial/", seconds, threads, connections, script)
                )
                for name, url in urls.items():
                    samples[audience][name].append(
                        wrk(base, url, seconds, threads, connections, script, audience_cookie)
                    )
        trivial_rps = {a: [t["rps"] for t in trivial[a]] for a in audiences}
        result = {
            "trivial": summarize(trivial["anonymous"] + trivial["reader"], [1] * 2 * rounds),
            "memory_per_worker_mb": worker_rss_mb(process.pid),
            "private_memory_per_worker_mb": worker_private_mb(process.pid),
        }
        result["trivial"].pop("ratio_to_trivial")
        for audience in audiences:
            result[audience] = {
                name: summarize(samples[audience][name], trivial_rps[audience]) for name in urls
            }
        return result
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main():
    cases = knob("BENCH_CASES", 10000)
    which = os.environ.get("BENCH_CACHE", "both")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    workdir = Path(tempfile.mkdtemp(prefix="jingjian-bench-load-"))
    port = free_port()  # the demo site's address; the servers then answer on any port
    env = dict(os.environ)
    env.update(
        {
            "BENCH_WORKDIR": str(workdir),
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/db.sqlite3",
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private-media"),
            "STATIC_ROOT": str(workdir / "static"),
            "SYNDICATION_OUTBOX_ROOT": str(workdir / "outbox"),
            "CACHE_DIR": str(workdir / "cache"),  # its own page cache, nobody else's
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CHANNEL_SECRET_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
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
    started = time.perf_counter()
    urls, cookie, counts, timings = build_site(cases, port)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    timings["build_seconds"] = round(time.perf_counter() - started, 1)
    from django.conf import settings

    configurations = {}
    if which in ("both", "cold"):
        configurations["cold"] = measure(
            {**env, "PAGE_CACHE_ENABLED": "false"}, urls, cookie, False
        )
    if which in ("both", "cached"):
        configurations["cached"] = measure(env, urls, cookie, True)
    errors = sum(
        page["errors"]
        for configuration in configurations.values()
        for audience in ("anonymous", "reader")
        for page in configuration[audience].values()
    )
    workers = os.environ.get("WEB_CONCURRENCY") or str(2 * os.cpu_count() + 1)
    print(
        json.dumps(
            {
                "benchmark": "load",
                "date": datetime.date.today().isoformat(),
                "cores": os.cpu_count(),
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "search_engine": "elasticsearch" if settings.ELASTICSEARCH_URL else "database",
                "gunicorn_workers": int(workers),
                "wrk": {
                    "threads": knob("BENCH_THREADS", 2),
                    "connections": knob("BENCH_CONNECTIONS", 8),
                    "seconds": knob("BENCH_SECONDS", 5),
                    "rounds": knob("BENCH_ROUNDS", 3),
                },
                **counts,
                "urls": urls,
                **timings,
                "errors": errors,
                # Other work on the machine skews every rate (the ratios less so: the trivial
                # view is measured in the same rounds); the 1-minute load average around the run.
                "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
                **configurations,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
