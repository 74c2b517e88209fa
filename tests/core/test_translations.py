"""The project's catalogues (site/locale): compiled as committed, read before the libraries',
their placeholders kept; and the compiler that writes them. (Their punctuation, full-width
beside Chinese, is checked with the rest of the repository's text in tests/test_typography.py.)"""

import gettext
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingjian.core.translations import compile_po, mo_bytes, read_po

LOCALE = Path(__file__).resolve().parents[2] / "site" / "locale"
CATALOGUES = sorted(LOCALE.rglob("*.po"))


def _catalogue(mo):
    return gettext.GNUTranslations(io.BytesIO(mo))._catalog


def test_there_are_catalogues():
    assert [path.relative_to(LOCALE).as_posix() for path in CATALOGUES] == [
        "zh_Hans/LC_MESSAGES/django.po",
        "zh_Hans/LC_MESSAGES/djangojs.po",
    ]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.name)
def test_each_committed_mo_says_what_its_po_says(po):
    """Django reads the .mo: after editing the .po, `make install` compiles it again."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make install`"
    assert _catalogue(mo.read_bytes()) == _catalogue(mo_bytes(read_po(po))), (
        f"{mo.name} is not compiled from {po.name}: run `make install` and commit both"
    )


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.name)
def test_make_install_leaves_the_committed_mo_as_it_is(po):
    """The compiler is deterministic, so recompiling a checkout changes no committed file."""
    assert po.with_suffix(".mo").read_bytes() == mo_bytes(read_po(po))


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def _entries(po):
    for key, translation_ in read_po(po).items():
        if key:
            msgid = key.split("\x04")[-1]
            english = msgid.split("\x00")[-1]  # a plural: Chinese has one form, the plural's
            yield english, translation_.split("\x00")


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.name)
def test_translations_keep_every_placeholder(po):
    """What msgfmt --check-format asks (Django's compilemessages runs it)."""
    wrong = [
        (english, forms)
        for english, forms in _entries(po)
        for form in forms
        if sorted(PLACEHOLDER.findall(form)) != sorted(PLACEHOLDER.findall(english))
    ]
    assert wrong == []


def test_django_reads_our_catalogue_before_wagtails():
    with translation.override("zh-hans"):
        # Missing from Wagtail 8.0's zh_Hans catalogue:
        assert _("Saved") == "已保存"
        assert _("Search all pages…") == "搜索全部页面……"
        assert _("The page could not be saved due to validation errors.") == (
            "存在验证错误，页面未能保存。"
        )
        summary = '%(total)s Page{} <span class="w-sr-only">created in %(site_name)s</span>'
        assert ngettext(summary.format(""), summary.format("s"), 62).startswith("%(total)s 个页面")
        # Wagtail's own, with "..." and ASCII quotes, replaced by ours:
        assert _("Saving…") == "正在保存……"
        assert _("Page '%(page_title)s' has been published.") == "页面“%(page_title)s”已经发布。"
        # django-filter's, which it ships as zh_CN only:
        assert _("Past 7 days") == "最近 7 天"


def test_the_admins_script_catalogue_is_ours_too(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "", "pw")
    client.force_login(user)
    script = client.get("/admin/jsi18n/").content.decode("utf-8")
    assert "\\u5df2\\u81ea\\u52a8\\u4fdd\\u5b58" in script or "更改已自动保存" in script


SAMPLE = r"""# a comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: somewhere.py:1
msgid "Saved"
msgstr "已保存"

msgctxt "button"
msgid "Save"
msgstr "保存"

msgid "%(n)s page"
msgid_plural "%(n)s pages"
msgstr[0] "%(n)s 个页面"

#, fuzzy
msgid "Draft"
msgstr "草稿"

msgid "Untranslated"
msgstr ""

msgid ""
"A long "
"message with \"quotes\"\n"
msgstr ""
"一条"
"长消息“引号”\n"
msgid "Next"
msgstr "下一条"

#~ msgid "Old"
#~ msgstr "旧"
"""


def test_the_compiler_reads_what_gettext_writes(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(SAMPLE, encoding="utf-8")
    catalogue = gettext.GNUTranslations(io.BytesIO(compile_po(po).read_bytes()))
    assert catalogue.gettext("Saved") == "已保存"
    assert catalogue.pgettext("button", "Save") == "保存"
    assert catalogue.ngettext("%(n)s page", "%(n)s pages", 5) == "%(n)s 个页面"
    assert catalogue.gettext('A long message with "quotes"\n') == "一条长消息“引号”\n"
    assert catalogue.gettext("Next") == "下一条"  # no blank line before it
    # Fuzzy, untranslated and obsolete entries are left out, as msgfmt leaves them out.
    assert catalogue.gettext("Draft") == "Draft"
    assert catalogue.gettext("Untranslated") == "Untranslated"
    assert catalogue.gettext("Old") == "Old"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.name)
def test_the_compiler_agrees_with_gnu_msgfmt(po, tmp_path):
    """GNU gettext's msgfmt, with Django's format checks, accepts our catalogues and compiles
    them to the same messages. The install needs no gettext; the check does: on a laptop
    without it the test skips, in CI (which installs Debian's gettext) it fails."""
    if not shutil.which("msgfmt"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "CI=true but GNU gettext's msgfmt is not installed (apt-get install gettext)."
            )
        pytest.skip("GNU gettext's msgfmt not installed (apt-get install gettext)")
    mo = tmp_path / "gnu.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    assert _catalogue(mo.read_bytes()) == _catalogue(mo_bytes(read_po(po)))
