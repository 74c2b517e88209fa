"""The intranet statistics page (统计), its charts and its JSON, as a person reaches them: from
the site's navigation, with the period picker, at the level the viewer's groups allow."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from casestudies.choices import RankLevel
from casestudies.statistics import charts
from casestudies.statistics.views import read_period
from tests.casestudies.register_fixtures import FIXED, write
from tests.support.forms import choose, forms_labelled

pytestmark = pytest.mark.django_db

PAGE = "/statistics/"


@pytest.fixture
def register(db):
    return write(FIXED)


def html(response):
    return response.content.decode()


def test_an_anonymous_reader_is_asked_to_log_in_and_sees_no_figures(client, register):
    response = client.get(PAGE + "?period=2025")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for address in ("charts/trend.svg?period=2025", "figures.json?period=2025"):
        response = client.get(PAGE + address)
        assert response.status_code == 403
        assert "请先登录" in html(response)
    assert "统计数据" not in html(client.get("/accounts/login/"))  # no link before signing in


def test_an_official_finds_the_page_in_the_navigation_and_picks_a_year(client, reader, register):
    client.force_login(reader)
    home = client.get("/")
    assert 'href="/statistics/">统计数据</a>' in html(home)
    page = client.get(PAGE)
    assert page.status_code == 200
    picker = forms_labelled(html(page), "查看")[0]
    response = choose(client, picker, PAGE, period="2025")
    shown = html(response)
    assert response.status_code == 200
    assert '<h1>统计数据<span class="statistics__period">2025年</span></h1>' in shown
    # 3 matters, 6 persons in 2025; 柏琰邈 alone was detained: “<3” for an official, and the
    # persons in all “≥3” (the total would give the small number away by subtraction).
    assert re.search(r"<dt>查处问题数</dt><dd><strong>3</strong>起", shown)
    assert re.search(r"<dt>批评教育和处理人数</dt><dd><strong>≥3</strong>人", shown)
    assert re.search(r"<dt>留置人数</dt><dd><strong>&lt;3</strong>人", shown)
    assert "不足3人（起）" in shown  # the note saying why
    for chart in charts.CHARTS.values():
        assert f'src="/statistics/charts/{chart.key}.svg?period=2025"' in shown
        assert f"<caption>{chart.title}（2025年）</caption>" in shown
    assert "2025年以来，我们按照中央和市委部署要求" in shown  # the speech paragraph, filled
    assert "累计查处不作为不担当问题3起，问责不少于3人" in shown
    for person in ("钱砚澄", "柏琰邈", "韩樾朔"):
        assert person not in shown


def test_discipline_staff_see_exact_figures(client, discipline_user, register):
    client.force_login(discipline_user)
    shown = html(client.get(PAGE + "?period=2025"))
    assert re.search(r"<dt>批评教育和处理人数</dt><dd><strong>6</strong>人", shown)
    assert re.search(r"<dt>留置人数</dt><dd><strong>1</strong>人", shown)
    assert "不足3人（起）" not in shown


def test_a_chart_draws_only_what_its_table_shows(client, reader, discipline_user, register):
    """Suppressed for an official: no bar and no printed value for a hidden count."""
    client.force_login(reader)
    response = client.get(PAGE + "charts/rank_level.svg?period=2025")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<svg" in svg and "按职级（2025年）" in svg
    # Nothing fetched from anywhere: no address but the XML namespaces (pygal's credit line
    # is a comment), no link or image.
    drawn = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    assert set(re.findall(r"https?://[^\"' >]+", drawn)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert "href=" not in drawn
    assert "<script" not in svg
    # 2025 by rank: 县处级 1, 乡科级 2, 一般干部 2, 地厅级 1 — all under 3 and unpublished for
    # an official (except those the bulletin named), so the values the chart prints are the
    # table's, and the exact small ones are not among them.
    page = html(client.get(PAGE + "?period=2025"))
    table = page.split("<caption>按职级（2025年）</caption>", 1)[1].split("</table>", 1)[0]
    printed = set(re.findall(r'class="value[^"]*"[^>]*>([^<]+)<', svg))
    shown_in_table = set(re.findall(r"<td>([^<]+)</td>", table))
    assert printed <= shown_in_table | {"0"}
    client.force_login(discipline_user)
    exact = client.get(PAGE + "charts/rank_level.svg?period=2025").content.decode()
    assert set(re.findall(r'class="value[^"]*"[^>]*>([^<]+)<', exact)) >= {"1", "2"}


def test_the_figures_as_json(client, reader, discipline_user, register):
    client.force_login(discipline_user)
    response = client.get(PAGE + "figures.json?period=2025")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["period"]["label"] == "2025年"
    assert data["totals"]["persons"]["value"] == 6
    assert data["sentence"].startswith("2025年以来，累计查处不作为不担当问题3起")
    client.force_login(reader)
    data = json.loads(client.get(PAGE + "figures.json?period=2025").content)
    assert data["level"] == "suppressed"
    assert data["totals"]["detained"] == {
        "label": "留置人数",
        "unit": "人",
        "value": None,
        "shown": "<3",
    }


@pytest.mark.parametrize(
    "query",
    [
        "period=2025-13",
        "period=99999",
        "period=0000",
        "custom=明年",
        "custom=2025-02-30..2025-03-01",
        "custom=2025-06..2025-01",
        "custom=" + "2" * 500,
        "period=%00",
    ],
)
def test_a_period_that_cannot_be_read_is_explained(client, reader, register, query):
    client.force_login(reader)
    for address, kind in (("", "text/html"), ("figures.json", "application/json")):
        response = client.get(f"{PAGE}{address}?{query}")
        assert response.status_code == 400, (address, query)
        assert response["Content-Type"].startswith(kind)
        assert re.search(r"[请应]", html(response))  # says what to write
    assert client.get(f"{PAGE}charts/trend.svg?{query}").status_code == 400
    assert client.get(f"{PAGE}charts/no-such-chart.svg").status_code == 404


def test_the_default_period_is_this_year_to_date():
    import datetime

    period = read_period({}, today=datetime.date(2026, 3, 15))
    assert period.label == "2026年1—3月"
    assert read_period({"period": "2025", "custom": "2024-05"}).label == "2024年5月"


def test_the_dashboard_shows_this_years_headline_at_the_viewers_level(
    client, editor, discipline_user, db
):
    import datetime

    from casestudies.statistics.views import read_period

    year = read_period({}).start.year
    write(
        [
            (
                f"鉴纪台〔{year}〕1号",
                datetime.date(year, 1, 5),
                ["推诿扯皮"],
                "民心工程",
                "complaint",
                "区直部门",
                False,
                [],
                [("钱砚澄", RankLevel.COUNTY, 2, "warning", "", "", True, False)],
            )
        ]
    )
    client.force_login(editor)
    shown = html(client.get(reverse("wagtailadmin_home")))
    panel = shown.split('id="jingjian-statistics', 1)[1].split("</section>", 1)[0]
    assert "统计要览" in shown
    assert re.search(
        r'data-figure="detained"><td class="title">留置人数</td><td><strong>&lt;3', panel
    )
    assert 'href="/statistics/"' in panel
    client.force_login(discipline_user)
    panel = html(client.get(reverse("wagtailadmin_home"))).split('id="jingjian-statistics', 1)[1]
    assert re.search(
        r'data-figure="detained"><td class="title">留置人数</td><td><strong>1</strong>', panel
    )


@pytest.mark.parametrize(
    "asked",
    ["2025-03-01..2025-03-19", "2025-03", "2025-ytd-03", "2025-01..2025-06", "2024-01..2025-12"],
)
def test_outside_discipline_a_period_is_one_whole_year(
    client, reader, discipline_user, register, asked
):
    """Overlapping periods would give away by subtraction what each hides (1—3月 minus 1—2月
    is March): a reader may ask for whole years only, which never overlap."""
    client.force_login(reader)
    response = client.get(PAGE + f"figures.json?custom={asked}")
    assert response.status_code == 400 and "整年" in json.loads(response.content)["error"]
    assert client.get(PAGE + f"?custom={asked}").status_code == 400
    assert client.get(PAGE + "charts/trend.svg?custom=" + asked).status_code == 400
    assert client.get(PAGE + "?custom=2025").status_code == 200
    client.force_login(discipline_user)
    assert client.get(PAGE + f"figures.json?custom={asked}").status_code == 200


def test_a_reader_is_offered_and_shown_whole_years(client, reader, discipline_user, register):
    client.force_login(reader)
    body = html(client.get(PAGE))
    today = datetime.date.today()
    assert f'<option value="{today.year}" selected>' in body
    assert not re.search(r"<option value=\"[^\"]*-", body)
    client.force_login(discipline_user)
    to_date = read_period({}, today=today).key  # this year to date (in December, the year)
    assert f'<option value="{to_date}" selected>' in html(client.get(PAGE))


def test_the_register_itself_refuses_a_part_month_outside_discipline(register):
    """The rule is the statistics package's (``access.check_period``), asked by every figure,
    not only by the page."""
    import datetime

    from casestudies import statistics
    from casestudies.statistics.periods import Period, PeriodError

    part = Period.between(datetime.date(2025, 3, 1), datetime.date(2025, 3, 19))
    with pytest.raises(PeriodError):
        statistics.figures(part, level=statistics.Level.SUPPRESSED)
    # 1 to 19 March 2025: the matter of 10 March, 钱砚澄 and 周珩筠.
    assert statistics.figures(part, level=statistics.Level.EXACT).totals["persons"].value == 2
