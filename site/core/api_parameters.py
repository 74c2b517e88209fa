"""The API's query parameters: each checked before Wagtail reads it, refused with a 400 whose
JSON message (Chinese) says what the parameter may be.

Wagtail answers some bad values itself (in English) and lets others reach the database, where
they fail as 500s: a date filter given ``x``, a many-to-many filter given a name, an offset
SQLite cannot hold. ``check(view, request, model)`` runs first on every listing, detail and
find request; ``chinese_message`` turns Wagtail's own remaining refusals into Chinese.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from taggit.managers import TaggableManager
from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter
from wagtail.models import Locale, Page, get_page_models

MAX_OFFSET = 10_000_000
RICH_TEXT_FORMATS = ("html", "markdown", "db_html", "db_markdown")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,20}")
_SIGNED = re.compile(r"-?[0-9]{1,20}")
# Where a page's children or relatives are asked for by id ("root": the site's root page).
TREE_PARAMETERS = {
    "child_of": True,
    "descendant_of": True,
    "translation_of": True,
    "ancestor_of": False,
}


class ParameterError(BadRequestError):
    """A refusal whose message is already Chinese."""


def shown(name):
    """A parameter name or value as a message may quote it: short, no control characters."""
    name = _CONTROL.sub("", str(name))
    return name if len(name) <= 30 else name[:30] + "…"


def _refuse(name, what):
    raise ParameterError(f"参数“{shown(name)}”{what}")


def _integer(name, value, low, high, what=None):
    if not (_SIGNED if low < 0 else _DIGITS).fullmatch(value) or not low <= int(value) <= high:
        _refuse(name, what or f"应为 {low} 到 {high} 之间的整数。")
    return int(value)


def _id(name, value):
    """A database id (a positive integer the id column can hold)."""
    _integer(name, value, 1, 2**31 - 1, "应为编号（正整数），如 3。")


def page_type_names():
    """``app_label.ModelName`` of every page type, for ``?type=``."""
    names = [f"{m._meta.app_label}.{m.__name__}" for m in get_page_models() if m is not Page]
    return sorted(names)


def _check_field(name, field, value):
    """A field filter (``?date_handled=2024-05-01``): the value the field's type takes."""
    if isinstance(field, TaggableManager):
        return
    if isinstance(field, (models.ManyToManyField, models.ForeignKey)) or (
        getattr(field, "many_to_many", False)
    ):
        target = getattr(field, "target_field", None)
        if target is None or isinstance(target, (models.AutoField, models.IntegerField)):
            _id(name, value)
        return
    if isinstance(field, models.BooleanField):
        if value not in ("true", "false", "1", "0"):
            _refuse(name, "应为 true 或 false。")
        return
    if field.primary_key and isinstance(field, (models.IntegerField, models.AutoField)):
        _id(name, value)
        return
    if isinstance(field, (models.IntegerField, models.AutoField)):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        low = max(-(2**31), -(2**63) if low is None else low)
        high = min(2**31 - 1, 2**63 - 1 if high is None else high)
        _integer(name, value, low, high)
        return
    if isinstance(field, (models.DateField, models.DateTimeField, models.TimeField)):
        try:
            field.to_python(value)
        except ValidationError:
            if isinstance(field, models.DateTimeField):
                _refuse(name, "应为日期时间，格式为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM:SS。")
            if isinstance(field, models.DateField):
                _refuse(name, "应为日期，格式为 YYYY-MM-DD。")
            _refuse(name, "应为时间，格式为 HH:MM:SS。")
        return
    if isinstance(field, (models.DecimalField, models.FloatField)):
        try:
            field.to_python(value)
        except ValidationError:
            _refuse(name, "应为数字，如 1.5。")


def _check_order(view, model, request):
    value = request.GET["order"]
    names = value.split(",")
    if names == ["random"]:
        if "offset" in request.GET:
            _refuse("order", "为 random（随机）时不能同时使用 offset，请去掉其中一个参数。")
        return
    allowed = sorted(view.get_available_fields(model, db_fields_only=True))
    for item in names:
        if item.removeprefix("-") not in allowed:
            _refuse(
                "order",
                "应为可排序的字段名，多个用逗号分开，前加“-”表示倒序（如 -id），或单独的 random；"
                f"可用的字段：{'、'.join(allowed)}。",
            )


def _check_fields(request):
    try:
        parse_fields_parameter(request.GET["fields"])
    except ValueError:
        _refuse(
            "fields",
            "写法有误：字段名用逗号分开（如 title,summary），“*”表示全部，“_”表示不要默认字段，"
            "前加“-”表示去掉，子字段写在括号里（如“parent(title)”），不能有空格。",
        )


def check(view, request, model):
    """Refuse the first malformed parameter of ``request`` (a ``ParameterError``)."""
    params = request.GET
    for name in params:
        for value in params.getlist(name):
            if _CONTROL.search(name) or _CONTROL.search(value):
                _refuse(name, "含有控制字符，请去掉后再试。")
    if "limit" in params:
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 1000
        _integer("limit", params["limit"], 0, limit_max)
    if "offset" in params:
        _integer("offset", params["offset"], 0, MAX_OFFSET)
    if "fields" in params:
        _check_fields(request)
    if "order" in params and model is not None:
        _check_order(view, model, request)
    if "search_operator" in params and params["search_operator"] not in ("and", "or"):
        _refuse("search_operator", "应为 and 或 or。")
    if "rich_text_format" in params and params["rich_text_format"] not in RICH_TEXT_FORMATS:
        _refuse("rich_text_format", f"应为 {'、'.join(RICH_TEXT_FORMATS)} 之一。")
    if "id" in params and view.action == "find_view":
        _id("id", params["id"])
    for name, root_allowed in TREE_PARAMETERS.items():
        if name in params and name in view.known_query_parameters:
            if not (root_allowed and params[name] == "root"):
                what = "应为页面编号（正整数）" + ("或 root。" if root_allowed else "。")
                _integer(name, params[name], 1, 2**31 - 1, what)
    if "locale" in params and "locale" in view.known_query_parameters:
        codes = sorted(Locale.objects.values_list("language_code", flat=True))
        if params["locale"] not in codes:
            _refuse("locale", f"应为本站的语言代码：{'、'.join(codes)}。")
    if model is not None:
        fields = set(view.get_available_fields(model, db_fields_only=True))
        for name in params:
            if name in fields and name not in view.known_query_parameters:
                _check_field(name, model._meta.get_field(name), params[name])


# Wagtail's own refusals, in Chinese (the parameters above make most of them unreachable).
_MESSAGES = [
    (
        r"query parameter is not an operation or a recognised field: (.*)",
        "不认识的参数：{0}。请去掉；可用的参数见接口说明（分页 limit、offset，字段 fields，"
        "排序 order，搜索 search，以及本接口各字段名）。",
    ),
    (r"unknown fields: (.*)", "参数“fields”中有本接口没有的字段：{0}。请检查字段名。"),
    (r"type doesn't exist", "参数“type”应为页面类型，多个用逗号分开，如 {types}。"),
    (r"parent page doesn't exist", "参数“child_of”所指的页面不存在或您无权查看，请检查编号。"),
    (
        r"ancestor page doesn't exist",
        "参数“descendant_of”所指的页面不存在或您无权查看，请检查编号。",
    ),
    (
        r"descendant page doesn't exist",
        "参数“ancestor_of”所指的页面不存在或您无权查看，请检查编号。",
    ),
    (
        r"translation_of page doesn't exist",
        "参数“translation_of”所指的页面不存在或您无权查看，请检查编号。",
    ),
    (
        r"filtering by descendant_of with child_of is not supported",
        "参数“descendant_of”和“child_of”不能同时使用，请去掉其中一个。",
    ),
    (
        r"cannot (?:filter|order) by '(.*)' while searching.*",
        "搜索时不能按“{0}”筛选或排序，请去掉该参数或搜索词。",
    ),
    (
        r"filtering by tag with a search query is not supported",
        "不能同时按标签筛选和搜索，请去掉其中一个参数。",
    ),
    (
        r"field filter error\. null characters are not allowed for (.*)",
        "参数“{0}”含有控制字符，请去掉后再试。",
    ),
    (r"field filter error\. '.*' is not a valid value for (\S+).*", "参数“{0}”的值无效，请检查。"),
    (r"search is disabled", "本站接口不提供搜索，请去掉参数“search”。"),
]
GENERIC = "请求参数有误，请对照接口说明检查后再试。"


def chinese_message(message):
    """A Wagtail refusal's (English) message in Chinese. Ours are ``ParameterError``s and never
    come here; a message is not judged by its script, as it may quote a Chinese name."""
    message = str(message)
    for pattern, template in _MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            # Wagtail lists names with ", "; a Chinese sentence lists them with "、".
            groups = ["、".join(shown(n) for n in g.split(", ")) for g in match.groups()]
            return template.format(*groups, types="、".join(page_type_names()[:4]))
    return GENERIC
