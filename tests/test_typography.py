"""Full-width punctuation in the Chinese text the repository writes (GB/T 15834-2011).

The rule is ``jingjian.core.typography.half_width_marks``, the one the editor's warning on save
asks: a half-width ``, ; : ( ) ! ? " ' ...`` with a Chinese character (or a full-width mark)
beside it, a ``.`` after a Chinese character, a ``( … )`` pair around Chinese; never in a text
without a Chinese character. Every failure names the file and line.

What is read (``tests/support/typography.py`` does the reading):

- **templates** in every ``templates/`` folder of ``site/``, ``casestudies/`` and
  ``exemplars/``: the text and attribute values HTML shows and the string literals inside
  ``{% %}`` and ``{{ }}``. Template syntax reads as a Latin word (``{{ value|date:"Y年" }}`` is
  not a quotation mark beside 年); comments are not read.
- **Python string literals** in ``site/``, ``casestudies/``, ``exemplars/`` and ``demo/``
  (labels, help texts, choices, messages, hooks, commands' output, the channels' fixed
  phrases): every string constant and every f-string (a replacement field reads as a Latin
  word), except what nobody is shown:
    - docstrings and comments: English prose that quotes Chinese words ("某 (numbered …)");
    - raw strings and arguments of ``re``'s functions: patterns, not sentences;
    - format specs (``f"{n:,}"``) and a logger's arguments (logs are in English);
    - ``migrations/``: a migration records the labels as they were when it was made; the
      models are read instead, and a label changed there gets a new migration;
    - ``casestudies/anonymization/``: its tables list half-width forms on purpose, to find them.
  Markup a string builds keeps its attribute delimiters (``alt="封面"``).
- **the catalogue**: every ``msgstr`` of ``site/locale/*/LC_MESSAGES/*.po``.
- **the demo content**: every string value in ``demo/content/`` and in the README's example
  import file (``examples/``).
- **the Makefile's** ``echo`` lines, which greet whoever runs ``make run``.
- **what the migrations seed** (read from a fresh database): the site tree's titles and
  introductions, workflows, tasks, groups, collections and the taxonomies' names.

The channels' renditions are rendered in ``tests/syndication/test_typography.py`` and the
warning on save is tested in ``tests/core/test_typography.py``.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, Page, Task, Workflow

from jingjian.core import content_types
from jingjian.core.typography import half_width_marks
from tests.support.typography import (
    ROOT,
    demo_strings,
    findings,
    makefile_echoes,
    po_msgstrs,
    python_findings,
    relative,
    report,
    template_findings,
)

PYTHON_FOLDERS = ("site", "casestudies", "exemplars", "demo")
NOT_READ = (ROOT / "casestudies" / "anonymization",)
TEMPLATE_FOLDERS = ("site", "casestudies", "exemplars")


def python_files():
    for folder in PYTHON_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts and not any(p in path.parents for p in NOT_READ):
                yield path


def template_files():
    for folder in TEMPLATE_FOLDERS:
        yield from sorted((ROOT / folder).rglob("templates/**/*.html"))


# --- The repository -----------------------------------------------------------------------


def test_python_strings_shown_to_people_use_full_width_marks():
    paths = list(python_files())
    assert len(paths) > 100
    found = [finding for path in paths for finding in python_findings(path)]
    assert not found, report(found)


def test_templates_use_full_width_marks():
    paths = list(template_files())
    assert len(paths) > 20
    found = [finding for path in paths for finding in template_findings(path)]
    assert not found, report(found)


def test_catalogue_msgstrs_use_full_width_marks():
    paths = sorted((ROOT / "site" / "locale").rglob("*.po"))
    assert paths
    found = [
        finding
        for path in paths
        for line, text in po_msgstrs(path.read_text(encoding="utf-8"))
        for finding in findings(relative(path), line, text)
    ]
    assert not found, report(found)


def test_demo_content_uses_full_width_marks():
    paths = sorted((ROOT / "demo" / "content").glob("*.json*"))
    paths += sorted((ROOT / "examples").glob("*.json*"))
    assert len(paths) >= 5
    found = [
        finding
        for path in paths
        for line, text in demo_strings(path)
        for finding in findings(relative(path), line, text, one_line=True)
    ]
    assert not found, report(found)


def test_makefile_greeting_uses_full_width_marks():
    source = (ROOT / "Makefile").read_text(encoding="utf-8")
    echoes = list(makefile_echoes(source))
    assert any("镜鉴已启动" in text for _line, text in echoes)
    found = [f for line, text in echoes for f in findings("Makefile", line, text)]
    assert not found, report(found)


# --- The check itself: it fails where it should, and only there ---------------------------


@pytest.mark.parametrize(
    "text, marks",
    [
        ("学习先进典型,警示身边案例", [","]),
        ("镜鉴已启动: http://127.0.0.1:8000/", [":"]),
        ("口播稿(见报稿);请删减!", ["(", ")", ";", "!"]),
        ("是否继续?", ["?"]),
        ('监督执纪"四种形态"', ['"', '"']),
        ("以案为鉴.", ["."]),
        ("具体如下...", ["..."]),
        ("其他演示账号(密码均为 jingjian-demo)", ["(", ")"]),
        ("村（社区）,镇", [","]),
        ("这是一行\n第二行,有逗号", [","]),
    ],
)
def test_half_width_marks_beside_chinese_are_found(text, marks):
    assert [mark.mark for mark in half_width_marks(text)] == marks


@pytest.mark.parametrize(
    "text",
    [
        "2025年12月，12345热线收到PDF文件。",
        "镜鉴已启动：http://127.0.0.1:8000/",
        "字段名用逗号分开（如 title,summary），子字段写在括号里（如“parent(title)”）。",
        "版本 v1.2，共 12,345 字。",
        "1.首先，2.其次。",
        "不能以“.”开头。",
        "Plain English, (with marks): fine!",
        "，,；;",  # a table of marks, no Chinese character
    ],
)
def test_numbers_latin_words_and_code_keep_half_width(text):
    assert half_width_marks(text) == []


def test_the_line_of_each_mark_is_named():
    assert [(m.mark, m.line) for m in half_width_marks("第一行。\n第二行,\n第三行:")] == [
        (",", 2),
        (":", 3),
    ]


def test_a_bad_python_file_fails_naming_file_and_line(tmp_path, monkeypatch):
    path = tmp_path / "labels.py"
    path.write_text(
        '"""模块说明(文档字符串不读)."""\n'
        "import re\n\n"
        "# 注释(不读)\n"
        'TITLE = "先进典型,警示案例"\n'
        'PATTERN = re.compile("[,;]号")\n'
        'RAW = r"(某)"\n'
        'HTML = f\'<img alt="封面" src="{1}">\'\n'
        'LABEL = f"共 {1} 条(已发布)"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("tests.support.typography.ROOT", tmp_path)
    found = python_findings(path)
    assert [(f.path, f.line, f.mark) for f in found] == [
        ("labels.py", 5, ","),
        ("labels.py", 9, "("),
        ("labels.py", 9, ")"),
    ]
    assert str(found[0]) == "labels.py:5: “,” in 先进典型,警示案例"


def test_a_bad_template_fails_naming_file_and_line(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_text(
        "{# 注释(不读) #}\n"
        '<p title="提示:请核对">{{ page.date|date:"Y年n月" }}</p>\n'
        "<p>{{ count }}(条)</p>\n"
        '{% firstof page.summary "暂无简介;" %}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("tests.support.typography.ROOT", tmp_path)
    assert sorted((f.line, f.mark) for f in template_findings(path)) == [
        (2, ":"),
        (3, "("),
        (3, ")"),
        (4, ";"),
    ]


def test_bad_catalogue_demo_and_makefile_lines_are_found(tmp_path):
    po = 'msgid "Save"\nmsgstr "保存"\n\nmsgid "Long"\nmsgstr ""\n"第一段,"\n"第二段"\n'
    assert [(line, text) for line, text in po_msgstrs(po) if half_width_marks(text)] == [
        (5, "第一段,第二段")
    ]
    demo = tmp_path / "cases.jsonl"
    demo.write_text('{"title": "好"}\n{"body": {"text": "甲,乙"}}\n', encoding="utf-8")
    assert [(line, text) for line, text in demo_strings(demo) if half_width_marks(text)] == [
        (2, "甲,乙")
    ]
    makefile = 'run:\n\t@echo "  镜鉴已启动: http://x/"\n'
    assert [line for line, text in makefile_echoes(makefile) if half_width_marks(text)] == [2]


def test_the_repository_is_read_from_its_root():
    assert (ROOT / "manage.py").exists()
    assert Path(relative(ROOT / "site" / "urls.py")) == Path("site/urls.py")


# --- What the migrations seed ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_records_the_migrations_seed_use_full_width_marks():
    """The site tree's titles and introductions, the workflows and their tasks, the groups and
    collections, and every staff-edited taxonomy, as a fresh database has them."""
    texts = []
    for page in Page.objects.all().specific():
        texts += [("page", page.title), ("page", page.seo_title)]
        texts += [("introduction", getattr(page, "introduction", ""))]
    texts += [("workflow", name) for name in Workflow.objects.values_list("name", flat=True)]
    texts += [("task", name) for name in Task.objects.values_list("name", flat=True)]
    texts += [("group", name) for name in Group.objects.values_list("name", flat=True)]
    texts += [("collection", name) for name in Collection.objects.values_list("name", flat=True)]
    for model in content_types.taxonomy_models():
        label = model._meta.label
        texts += [(label, name) for name in model.objects.values_list("name", flat=True)]
    assert any(kind == "introduction" and text for kind, text in texts)
    assert any(kind == "workflow" and "三审" in text for kind, text in texts)
    found = [finding for kind, text in texts for finding in findings(kind, 1, text)]
    assert not found, report(found)
