"""The filter form's checkboxes and selects (``filter_options``, ``filter_select``) are written
in Python for speed: their markup is the one Django's widget templates write, whatever is
chosen, including values that need escaping."""

import re

import pytest
from django import forms
from django.template import Context, Template

from jingjian.core.facets import LenientChoiceField, LenientMultipleChoiceField

CHOICES = [("衙门作风", "衙门作风"), ("a&b", "甲&乙"), ('"引号"', "<引号>"), ("零报告", "零报告")]


class Filters(forms.Form):
    problem_type = LenientMultipleChoiceField(label="问题类型", choices=CHOICES, required=False)
    year = LenientChoiceField(
        label="年份", choices=[("", "不限"), ("2024", "2024年"), ("2023", "2023年")], required=False
    )


DJANGO = Template(
    "{% for option in form.problem_type %}"
    '<label class="filters__option">{{ option.tag }} {{ option.choice_label }}</label>'
    "{% endfor %}|{{ form.year }}"
)
OURS = Template(
    "{% load jingjian_tags %}{% filter_options form.problem_type %}|{% filter_select form.year %}"
)


def normalized(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [None, {}, {"problem_type": ["a&b", '"引号"'], "year": "2023"}, {"problem_type": ["无此项"]}],
)
def test_the_markup_is_djangos(data):
    form = Filters(data)
    if data is not None:
        form.is_valid()
    context = Context({"form": form})
    assert normalized(OURS.render(context)) == normalized(DJANGO.render(context))


def test_a_non_select_widget_is_left_to_django():
    class Search(forms.Form):
        q = forms.CharField(label="关键词", required=False)

    form = Search({"q": "担当"})
    rendered = Template("{% load jingjian_tags %}{% filter_select form.q %}").render(
        Context({"form": form})
    )
    assert rendered == str(form["q"])
