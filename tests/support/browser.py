"""What the browser tests share (``tests/browser``): Debian's Chromium driven by Playwright,
the demo site as ``make run`` serves it in its own process over real HTTP, screenshots of each
journey's steps, and the accessibility check every page type passes.

``DemoSite.start`` migrates a fresh SQLite database, loads the demo content and starts
``manage.py runserver`` (after collecting the static files, as ``make run`` does) on a free
loopback port with the developer settings (``DEBUG`` off, so
error pages are the ones readers see); its media, private media and channel outbox live in a
temporary folder. Search there runs on the database engine (the journeys are about what people
see; Elasticsearch has its own tests).

Screenshots go to ``BROWSER_SCREENSHOTS`` (default ``build/screenshots``), one folder per
journey, one file per step and width; CI keeps that folder.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", ROOT / "build" / "screenshots"))
DEMO_PASSWORD = "jingjian-demo"  # the demo accounts' (demo/management/commands)
# axe-core's impacts that fail a page: serious and critical (minor and moderate are reported).
FAILING_IMPACTS = {"serious", "critical"}


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    """The demo site in a process of its own; ``url`` to reach it, ``folder`` for its files."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.outbox = self.folder / "outbox"
        self.server = None
        self._log = None

    def environment(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in ("ELASTICSEARCH_URL", "TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="jingjian.settings.dev",
            DEBUG="false",
            DATABASE_URL=f"sqlite:///{self.folder / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.folder / "media"),
            STATIC_ROOT=str(self.folder / "static"),
            PRIVATE_MEDIA_ROOT=str(self.folder / "private-media"),
            SYNDICATION_OUTBOX_ROOT=str(self.outbox),
            # Its own page cache in files (as `make run` has it), not the repository's or CI's Redis.
            CACHE_DIR=str(self.folder / "cache"),
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *command, timeout=300):
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=ROOT,
            env=self.environment(),
            check=True,
            timeout=timeout,
            capture_output=True,
            text=True,
        )

    def start(self):
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_demo_content", "--site", self.url, "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")  # as `make run` does
        self._log = (self.folder / "server.log").open("w", encoding="utf-8")
        self.server = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver"]
            + [f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/", timeout=5).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(self.log())
            time.sleep(0.3)

    def log(self):
        path = self.folder / "server.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self._log is not None:
            self._log.close()


class Journey:
    """A journey's screenshots: ``shot(page, step, width)`` saves the step's final page as
    ``NN-step-width.png`` in the journey's own folder."""

    def __init__(self, name):
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, page, step, width="desktop"):
        self.count += 1
        safe = re.sub(r"[^\w-]+", "-", step).strip("-")
        path = self.folder / f"{self.count:02d}-{safe}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def sign_in_to_the_admin(browser, site, username, viewport=DESKTOP):
    """A new browser context signed in on the admin's login form as ``username``."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(site.url + "/admin/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site.url + "/admin/")
    return page


def sign_in_on_the_intranet(page, site, username, next_url="/"):
    """``username`` signs in on the readers' login form of the tab ``page``, which then shows
    ``next_url``."""
    page.goto(site.url + "/accounts/login/?next=" + next_url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page


def accessibility_problems(page):
    """What a reader of ``page`` (as it is now in the browser) would stumble on: axe-core's
    serious and critical violations, a page without exactly one ``<h1>``, and form fields
    without a label. Each as a short string naming the rule and the elements."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    results = Axe().run(page).response
    for violation in results["violations"]:
        if violation["impact"] in FAILING_IMPACTS:
            targets = [node["target"] for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    headings = page.locator("h1").count()
    if headings != 1:
        found.append(f"{headings} <h1> on the page")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
            .filter(el => !el.closest('[hidden], [aria-hidden="true"]'))  // not perceivable
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby'))
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    if unlabelled:
        found.append(f"fields without a label: {unlabelled}")
    return found
