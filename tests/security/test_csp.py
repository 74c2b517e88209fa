"""The Content-Security-Policy: our pages allow no inline script or style, and have none.

Every public page type, rendered from the demo content for a reader and for an editor (whose
pages carry Wagtail's user bar), is read for what the policy would block: an inline
``<script>``, a ``<style>`` element, a ``style`` or ``on…`` attribute, a ``javascript:`` address.
The templates are read for the same, so a page the demo content does not reach is covered too.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from casestudies.models import CaseStudyPage
from exemplars.models import ExemplarPage

ROOT = Path(__file__).resolve().parents[2]
# Executed scripts have no type or a JavaScript one; data blocks (JSON) are not run.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' blocks, found in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._script = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not attrs.get("src"):
            if (attrs.get("type") or "text/javascript").lower() not in DATA_SCRIPT_TYPES:
                self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if "".join(self._script).strip():
                self.found.append("inline <script>")
            self._script = None


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def public_pages():
    case = CaseStudyPage.objects.live().public().order_by("path").first()
    exemplar = ExemplarPage.objects.live().public().order_by("path").first()
    return {
        "home": "/",
        "case listing": "/cases/",
        "case listing, filtered": "/cases/?year=2024",
        "case study": case.url,
        "exemplar listing": "/exemplars/",
        "exemplar": exemplar.url,
        "search": "/search/?q=担当",
        "login": reverse("login"),
        "logged out": reverse("logged_out"),
        "not found": "/no-such-page/",
    }


@pytest.fixture
def password_page(demo_content):
    page = ExemplarPage.objects.live().public().order_by("-path").first()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="kaimen-zhi-ma"
    )
    yield page
    restriction.delete()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_our_pages_carry_a_policy_without_unsafe_inline_and_need_none(client, demo_content, who):
    if who == "editor":
        client.force_login(get_user_model().objects.get(username="bianji"))
    for name, url in public_pages().items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        policy = directives(response)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], name
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert not inline_code(response.content.decode()), (name, who)


@pytest.mark.django_db
def test_the_password_and_lockout_pages_need_no_inline_code(client, password_page):
    form = client.get(password_page.url)
    assert "'unsafe-inline'" not in form["Content-Security-Policy"]
    assert not inline_code(form.content.decode())
    restriction = PageViewRestriction.objects.get(page=password_page)
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, password_page.pk])
    for _ in range(5):
        locked = client.post(url, {"password": "wrong", "return_url": password_page.url})
    assert locked.status_code == 429
    assert "'unsafe-inline'" not in locked["Content-Security-Policy"]
    assert not inline_code(locked.content.decode())


@pytest.mark.django_db
def test_the_admin_has_its_own_policy(client, demo_content):
    client.force_login(get_user_model().objects.get(username="bianji"))
    page = Page.objects.type(ExemplarPage).first()
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_pages:edit", args=[page.pk])):
        response = client.get(url)
        policy = directives(response)
        # Wagtail's admin writes inline styles and scripts: allowed from its own pages only.
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        # The preview panel frames the admin's own preview page.
        assert policy["frame-ancestors"] == ["'self'"]


def _templates():
    for folder in ("site", "casestudies", "exemplars", "demo"):
        for path in (ROOT / folder).rglob("templates/**/*.html"):
            relative = path.relative_to(ROOT).as_posix()
            # The admin's templates answer under the admin's policy.
            if "/admin/" in relative or "/wagtailadmin/" in relative or "admin_home" in relative:
                continue
            yield relative, path.read_text(encoding="utf-8")


INLINE_IN_TEMPLATES = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def test_no_template_of_our_pages_has_inline_code():
    templates = dict(_templates())
    assert "site/templates/base.html" in templates and len(templates) > 20
    found = {
        path: INLINE_IN_TEMPLATES.findall(text)
        for path, text in templates.items()
        if INLINE_IN_TEMPLATES.search(text)
    }
    assert not found
