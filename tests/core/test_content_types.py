"""The content-type registry: site-wide parts (feeds, delivery, index signals) ask it, not the
feature apps, which register their page types at ``ready()``."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import QueryDict
from wagtail.models import Page

from casestudies.models import CaseFile, CaseFilePerson, CaseStudyPage
from exemplars.models import ExemplarIndexPage, ExemplarPage
from jingjian.core import content_types
from jingjian.core.content_types import ContentType
from jingjian.importing import rows as parse
from jingjian.importing.writer import RowValues
from jingjian.search import reader
from jingjian.syndication import delivery, feeds, renderers
from jingjian.syndication.channels import broadcast, weibo
from jingjian.syndication.models import Channel, ChannelKind
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory
from tests.films.models import FilmPage
from tests.support.content_types import forget

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_as_content_type():
    """The exemplar index registered as a third content type, held back while ``held`` says so."""
    held = {}

    def withheld(page, trust_revision=False):
        return held.get(page.pk, "")

    content_type = ContentType(
        model="exemplars.ExemplarIndexPage", name="index", label="索引", withheld=withheld
    )
    content_types.register(content_type)
    try:
        yield held
    finally:
        forget(content_type)


def test_both_feature_apps_registered_their_page_types():
    by_name = {content_type.name: content_type for content_type in content_types.registered()}
    assert by_name["case"].page_model() is CaseStudyPage
    assert by_name["exemplar"].page_model() is ExemplarPage
    assert by_name["case"].label == "警示案例"
    # and the test suite's own third type (tests/films)
    assert set(content_types.page_models()) == {CaseStudyPage, ExemplarPage, FilmPage}


def test_the_type_of_a_generic_page_is_its_specific_class():
    case = CaseStudyPageFactory()
    assert content_types.of(Page.objects.get(pk=case.pk)).name == "case"
    assert content_types.of(ExemplarPage).name == "exemplar"
    assert content_types.of(ExemplarIndexPage.objects.get()) is None


def test_a_conflicting_registration_is_refused_in_chinese():
    registered = content_types.of(CaseStudyPage)
    content_types.register(registered)  # the same declaration again (a second ready()) is fine
    with pytest.raises(ImproperlyConfigured, match="已登记为另一种内容类型"):
        content_types.register(ContentType(model=registered.model, name="case", label="案例"))
    with pytest.raises(ImproperlyConfigured, match="内容类型名 case 已被"):
        content_types.register(
            ContentType(model="exemplars.ExemplarIndexPage", name="case", label="重名")
        )
    assert content_types.of(CaseStudyPage) is registered
    assert content_types.of(ExemplarIndexPage) is None


def test_feeds_and_delivery_follow_a_newly_registered_type(index_as_content_type):
    index = ExemplarIndexPage.objects.get()
    exemplar = ExemplarPageFactory()
    assert index in feeds.feed_items()
    assert exemplar in feeds.feed_items()
    delivery.check_eligible(index)  # nothing holds it back

    index_as_content_type[index.pk] = "索引页暂不对外。"
    assert index not in feeds.feed_items()
    assert exemplar in feeds.feed_items()
    with pytest.raises(delivery.NotEligible, match="索引页暂不对外"):
        delivery.check_eligible(index)


def test_a_case_whose_file_names_a_person_in_its_text_is_withheld_by_its_type():
    case = CaseStudyPageFactory(summary="某局干部王立新违规收受礼金。")
    assert content_types.withheld_reason(case) == ""
    case_file = CaseFile.objects.create(
        number="鉴纪案〔2026〕7号",
        title="违规收受礼金案",
        raw_account="王立新违规收受礼金。",
    )
    case.source_case_file = case_file
    case.save()
    CaseFilePerson.objects.create(case_file=case_file, name="王立新", role="subject")
    reason = content_types.withheld_reason(Page.objects.get(pk=case.pk))
    assert "王立新" in reason
    assert case not in feeds.feed_items()
    with pytest.raises(delivery.NotEligible):
        delivery.check_eligible(case)


def test_the_taxonomy_menu_lists_what_each_app_registered_in_order(admin_client):
    # The sidebar is drawn from JSON in the page, which escapes non-ASCII text.
    menu = admin_client.get("/admin/").content.decode()
    assert "\\u5206\\u7c7b\\u8bcd\\u8868" in menu  # 分类词表
    names = ["问题类型", "重点工作", "典型类别", "单位类型", "治理重点"]
    verbose = [model._meta.verbose_name for model in content_types.taxonomy_models()]
    assert [str(v) for v in verbose] == names
    for model in content_types.taxonomy_models():
        listing = admin_client.get(
            f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/"
        )
        assert listing.status_code == 200


def test_a_registered_type_adds_its_section_and_figures_to_the_home_page(client):
    """A third type gives the home page a section and a figure without a change to home/."""
    index = ExemplarIndexPage.objects.get()

    def home_section(pages, home_page):
        return content_types.HomeSection(
            template="exemplars/includes/home_section.html",
            context={"featured_exemplars": [], "exemplar_index": None},
            counts=(content_types.HeadlineCount("indexes", "索引页", pages.count(), "个", 1),),
        )

    content_type = ContentType(
        model="exemplars.ExemplarIndexPage",
        name="index",
        label="索引",
        home_section=home_section,
        home_order=99,
    )
    content_types.register(content_type)
    try:
        response = client.get("/")
    finally:
        forget(content_type)
    assert response.status_code == 200
    assert response.context["counts"]["indexes"] == int(index.live)
    figures = [count.key for count in response.context["count_items"]]
    assert figures[0] == "indexes" and figures[1:] == [
        "cases",
        "persons",
        "party_sanctions",
        "bulletined_cases",
        "exemplars",
    ]
    assert "<dt>索引页</dt>" in response.content.decode()


def test_a_registered_type_gives_the_channels_what_they_render():
    """A third type's ``channel_reading`` is what the broadcast script and the Weibo post say."""
    index = ExemplarIndexPage.objects.get()

    def channel_reading(page, subheadline, media_roots):
        return renderers.Reading(
            summary="本栏目收录全区先进典型。",
            kicker="专栏",
            subheadline=subheadline,
            blocks=renderers.text_blocks("第一段：见贤思齐。\n第二段：学有榜样。"),
            sections=[renderers.Section("编者按", renderers.text_blocks("向榜样学习。"), True)],
        )

    content_type = ContentType(
        model="exemplars.ExemplarIndexPage",
        name="index",
        label="索引",
        channel_reading=channel_reading,
    )
    content_types.register(content_type)
    try:
        script = broadcast.render(index, Channel(name="区电视台", kind=ChannelKind.TV))
        post = weibo.render(index, Channel(name="区政务微博", kind=ChannelKind.WEIBO))
    finally:
        forget(content_type)
    assert "第一段：见贤思齐。" in script.text and "向榜样学习。" in script.text
    assert "本栏目收录全区先进典型。" in post.text
    # Without the registration the page degrades to its title and search description.
    bare = broadcast.render(index, Channel(name="区电视台", kind=ChannelKind.TV))
    assert "见贤思齐" not in bare.text


def test_a_registered_type_is_imported_by_the_import_command(tmp_path):
    """A third type says how a row becomes its page; ``import_content`` needs no change."""

    def importer(row):
        return RowValues(fields={"seo_title": parse.text(row, "seo_title", max_length=70)})

    content_type = ContentType(
        model="exemplars.ExemplarIndexPage",
        name="column",
        label="专栏",
        importer=importer,
        index_model="home.HomePage",
    )
    rows = tmp_path / "columns.jsonl"
    rows.write_text(
        '{"type": "column", "source_id": "zl-1", "title": "清廉鉴湖专栏", "summary": "专栏",'
        ' "seo_title": "清廉鉴湖", "live": false}\n'
        '{"type": "专栏", "source_id": "zl-2", "title": "错", "summary": "错"}\n',
        encoding="utf-8",
    )
    content_types.register(content_type)
    try:
        errors = io.StringIO()
        with pytest.raises(SystemExit):
            call_command("import_content", str(rows), "--no-progress", stderr=errors)
    finally:
        forget(content_type)
    page = ExemplarIndexPage.objects.get(title="清廉鉴湖专栏")
    assert page.seo_title == "清廉鉴湖" and not page.live
    assert page.get_parent().specific_class.__name__ == "HomePage"
    # The type column's message names every registered type, the new one too.
    assert "第 2 行（source_id=zl-2）导入失败：“type”必须是" in errors.getvalue()
    assert "column（专栏）" in errors.getvalue() and "case（警示案例）" in errors.getvalue()


def test_the_search_type_filter_takes_the_registered_types():
    """The type filter's values are the registered types (a third type's pages are not yet in
    the reader index: issue 14)."""
    assert reader.clean_filters(QueryDict("type=index")) == {}
    content_type = ContentType(model="exemplars.ExemplarIndexPage", name="index", label="栏目")
    content_types.register(content_type)
    try:
        assert reader.clean_filters(QueryDict("type=index&type=case"))["type"] == ["index", "case"]
        assert reader.facet_labels()["type"]["index"] == "栏目"
    finally:
        forget(content_type)
    assert reader.clean_filters(QueryDict("type=index")) == {}
