"""Visibility: the one module, and every way out asks it (pages, listings, counts, feeds,
sitemap, search, API pages/images/documents)."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import RequestFactory
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from jingjian.core import visibility
from jingjian.core.visibility import Visibility
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db

PUBLIC_TITLE = "公开案例甲乙丙"
INTRANET_TITLE = "内部案例丁戊己"
RESTRICTED_TITLE = "限定案例庚辛壬"


@pytest.fixture
def three_cases(make_page_visible):
    public = CaseStudyPageFactory(title=PUBLIC_TITLE, summary="公开摘要")
    intranet = CaseStudyPageFactory(title=INTRANET_TITLE, summary="内部摘要")
    restricted = CaseStudyPageFactory(title=RESTRICTED_TITLE, summary="限定摘要")
    for page in (public, intranet, restricted):
        HandlingFactory(page=page)
    make_page_visible(intranet, Visibility.INTRANET)
    make_page_visible(restricted, Visibility.RESTRICTED)
    return public, intranet, restricted


def titles(queryset):
    return set(queryset.values_list("title", flat=True))


class TestVisibilityModule:
    def test_levels_round_trip(self, three_cases):
        public, intranet, restricted = three_cases
        assert visibility.visibility_of(public) == Visibility.PUBLIC
        assert visibility.visibility_of(intranet) == Visibility.INTRANET
        assert visibility.visibility_of(restricted) == Visibility.RESTRICTED

    def test_anonymous_sees_public_only(self, three_cases):
        seen = titles(visibility.visible_pages(Page.objects.all(), None))
        assert PUBLIC_TITLE in seen
        assert INTRANET_TITLE not in seen and RESTRICTED_TITLE not in seen

    def test_reader_sees_intranet_but_not_restricted(self, three_cases, reader):
        seen = titles(visibility.visible_pages(Page.objects.all(), reader))
        assert {PUBLIC_TITLE, INTRANET_TITLE} <= seen
        assert RESTRICTED_TITLE not in seen

    def test_discipline_group_sees_restricted(self, three_cases, discipline_user):
        seen = titles(visibility.visible_pages(Page.objects.all(), discipline_user))
        assert {PUBLIC_TITLE, INTRANET_TITLE, RESTRICTED_TITLE} <= seen

    def test_restricted_to_named_groups(self, make_page_visible, reader, discipline_user):
        page = CaseStudyPageFactory(title="仅读者组可见")
        make_page_visible(page, Visibility.RESTRICTED, ["读者"])
        assert visibility.can_see_page(page, reader)
        assert not visibility.can_see_page(page, discipline_user)
        assert not visibility.can_see_page(page, None)

    def test_restriction_on_ancestor_hides_children(self, three_cases, make_page_visible):
        index = three_cases[0].get_parent()
        make_page_visible(index, Visibility.INTRANET)
        assert PUBLIC_TITLE not in titles(visibility.visible_pages(Page.objects.all(), None))
        assert visibility.visibility_of(three_cases[0]) == Visibility.INTRANET

    def test_set_visibility_replaces_previous_level(self, three_cases, make_page_visible):
        _public, intranet, _restricted = three_cases
        make_page_visible(intranet, Visibility.PUBLIC)
        assert visibility.visibility_of(intranet) == Visibility.PUBLIC
        assert intranet.view_restrictions.count() == 0

    def test_index_fields_agree_with_the_level_in_bulk_and_for_aliases(
        self, three_cases, make_page_visible, discipline_user
    ):
        """What search indexes store: computed for many pages at once, an alias standing for its
        source page (Wagtail's rule), and restrictions on an ancestor applying below it."""
        public, intranet, restricted = three_cases
        alias = restricted.create_alias(update_slug=f"{restricted.slug}-alias")
        child_area = ExemplarPageFactory(title="上级内部")
        make_page_visible(child_area.get_parent(), Visibility.INTRANET)
        pages = [public, intranet, restricted, alias, child_area]
        fields = visibility.index_fields_many(pages)
        restriction_ids = [str(r.pk) for r in restricted.view_restrictions.all()]
        assert fields[public.pk] == {"visibility": "public", "restrictions": []}
        assert fields[intranet.pk] == {"visibility": "intranet", "restrictions": []}
        assert fields[restricted.pk] == {
            "visibility": "restricted",
            "restrictions": restriction_ids,
        }
        assert fields[alias.pk] == fields[restricted.pk]
        assert fields[child_area.pk]["visibility"] == "intranet"
        for page in pages:
            assert fields[page.pk] == visibility.index_fields(page)
            assert fields[page.pk]["visibility"] == visibility.visibility_of(page)


class TestEveryWayOut:
    def test_page_serving(self, client, three_cases, reader):
        public, intranet, restricted = three_cases
        assert client.get(public.url).status_code == 200
        login_redirect = client.get(intranet.url)
        assert login_redirect.status_code == 302
        assert "/accounts/login/" in login_redirect["Location"]
        assert client.get(restricted.url).status_code == 302
        client.force_login(reader)
        assert client.get(intranet.url).status_code == 200
        assert client.get(restricted.url).status_code in (302, 403)

    def test_case_listing(self, client, three_cases, reader):
        body = client.get("/cases/").content.decode()
        assert PUBLIC_TITLE in body
        assert INTRANET_TITLE not in body and RESTRICTED_TITLE not in body
        client.force_login(reader)
        body = client.get("/cases/").content.decode()
        assert INTRANET_TITLE in body and RESTRICTED_TITLE not in body

    def test_exemplar_listing(self, client, make_page_visible):
        ExemplarPageFactory(name="公开典型")
        hidden = ExemplarPageFactory(name="内部典型")
        make_page_visible(hidden, Visibility.INTRANET)
        body = client.get("/exemplars/").content.decode()
        assert "公开典型" in body and "内部典型" not in body

    def test_home_lists_and_counts(self, client, three_cases, discipline_user):
        response = client.get("/")
        body = response.content.decode()
        assert PUBLIC_TITLE in body
        assert INTRANET_TITLE not in body and RESTRICTED_TITLE not in body
        assert response.context["counts"]["cases"] == 1
        assert response.context["counts"]["persons"] == 1
        client.force_login(discipline_user)
        assert client.get("/").context["counts"]["cases"] == 3

    def test_feed_is_public_only_even_when_logged_in(self, client, three_cases, superuser):
        client.force_login(superuser)
        body = client.get("/cases/feed/").content.decode()
        assert PUBLIC_TITLE in body
        assert INTRANET_TITLE not in body and RESTRICTED_TITLE not in body
        assert "内部摘要" not in body

    def test_sitemap(self, client, three_cases):
        body = client.get("/sitemap.xml").content.decode()
        assert three_cases[0].slug in body
        assert three_cases[1].slug not in body and three_cases[2].slug not in body

    def test_search(self, search_engine, client, three_cases, reader):
        query = {"q": three_cases[0].subject}  # a term all three cases share
        body = client.get("/search/", query).content.decode()
        assert PUBLIC_TITLE in body
        assert INTRANET_TITLE not in body and RESTRICTED_TITLE not in body
        client.force_login(reader)
        body = client.get("/search/", query).content.decode()
        assert INTRANET_TITLE in body and RESTRICTED_TITLE not in body

    def test_api_pages_list_and_detail(self, client, three_cases):
        public, intranet, restricted = three_cases
        data = client.get("/api/v2/pages/", {"limit": 100}).json()
        ids = {item["id"] for item in data["items"]}
        assert public.pk in ids
        assert intranet.pk not in ids and restricted.pk not in ids
        assert client.get(f"/api/v2/pages/{public.pk}/").status_code == 200
        assert client.get(f"/api/v2/pages/{intranet.pk}/").status_code == 404
        assert client.get(f"/api/v2/pages/{restricted.pk}/").status_code == 404
        typed = client.get("/api/v2/pages/", {"type": "casestudies.CaseStudyPage"}).json()
        assert {item["id"] for item in typed["items"]} == {public.pk}

    def test_api_pages_search_and_find(self, search_engine, client, three_cases):
        data = client.get("/api/v2/pages/", {"search": three_cases[0].subject}).json()
        found = {item["title"] for item in data["items"]}
        assert PUBLIC_TITLE in found and INTRANET_TITLE not in found
        found = client.get("/api/v2/pages/find/", {"html_path": three_cases[1].url})
        assert found.status_code == 404

    def test_api_images_and_documents(self, client, reader):
        def png():
            buffer = io.BytesIO()
            PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
            return ImageFile(io.BytesIO(buffer.getvalue()), name="x.png")

        Image, Document = get_image_model(), get_document_model()
        root = Collection.get_first_root_node()
        intranet = Collection.objects.get(name="内部资料")
        restricted = Collection.objects.get(name="限定资料")
        images = [
            Image.objects.create(title="公开图片", file=png(), collection=root),
            Image.objects.create(title="内部图片", file=png(), collection=intranet),
            Image.objects.create(title="限定图片", file=png(), collection=restricted),
        ]
        documents = [
            Document.objects.create(
                title="限定文件", file=ContentFile(b"x", name="a.txt"), collection=restricted
            ),
            Document.objects.create(title="公开文件", file=ContentFile(b"x", name="b.txt")),
        ]
        # The API lists what a live page uses (tests/core/test_media_access.py): a public one.
        links = "".join(f'<a linktype="document" id="{d.pk}">{d.title}</a>' for d in documents)
        blocks = [{"type": "paragraph", "value": f"<p>{links}</p>"}] + [
            {"type": "image", "value": {"image": i.pk, "alt_text": i.title, "decorative": False}}
            for i in images
        ]
        ExemplarPageFactory(deeds=blocks)

        images = {i["title"] for i in client.get("/api/v2/images/").json()["items"]}
        assert images == {"公开图片"}
        documents = {d["title"] for d in client.get("/api/v2/documents/").json()["items"]}
        assert documents == {"公开文件"}
        client.force_login(reader)
        images = {i["title"] for i in client.get("/api/v2/images/").json()["items"]}
        assert images == {"公开图片", "内部图片"}

    def test_no_way_out_mentions_hidden_text(self, client, three_cases):
        """A sweep over every anonymous path: the hidden titles and summaries never appear."""
        paths = [
            "/",
            "/cases/",
            "/cases/feed/",
            "/exemplars/",
            "/exemplars/feed/",
            "/sitemap.xml",
            "/search/?q=鉴湖区某局原副局长王某",
            "/api/v2/pages/?limit=100&fields=*",
            "/api/v2/pages/?search=鉴湖区某局原副局长王某",
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content.decode()
            if "json" in response.get("Content-Type", ""):
                body = json.dumps(response.json(), ensure_ascii=False)
            for hidden in (INTRANET_TITLE, RESTRICTED_TITLE, "内部摘要", "限定摘要"):
                assert hidden not in body, (path, hidden)


def test_search_counts_and_facets_never_include_hidden_pages(
    search_engine, client, three_cases, reader
):
    query = {"q": three_cases[0].subject}
    outcome = client.get("/search/", query).context["outcome"]
    assert outcome.total == 1
    assert [(f.value, f.count) for f in outcome.facets["type"]] == [("case", 1)]
    assert sum(f.count for f in outcome.facets["year"]) == 1
    client.force_login(reader)
    assert client.get("/search/", query).context["outcome"].total == 2


class TestAliasesFollowTheirSource:
    """Issue item 1: an alias made while its source was public must not leak once the source is
    restricted (the order that used to work is covered above)."""

    @pytest.fixture
    def aliased_then_restricted(self, make_page_visible):
        source = CaseStudyPageFactory(title="先公开后限定的案例", summary="别名泄露摘要")
        HandlingFactory(page=source)
        alias = source.create_alias(update_slug=f"{source.slug}-alias")
        make_page_visible(source, Visibility.RESTRICTED)
        return source, alias

    def test_no_anonymous_way_out_shows_the_alias(
        self, search_engine, client, aliased_then_restricted
    ):
        source, alias = aliased_then_restricted
        assert visibility.visibility_of(alias) == Visibility.RESTRICTED
        for path in [
            "/cases/",
            "/cases/feed/",
            "/sitemap.xml",
            "/api/v2/pages/?limit=100&fields=*",
            f"/api/v2/pages/?search={source.subject}",
            f"/search/?q={source.subject}",
        ]:
            response = client.get(path)
            body = response.content.decode()
            if "json" in response.get("Content-Type", ""):
                body = json.dumps(response.json(), ensure_ascii=False)
            assert "先公开后限定的案例" not in body, path
            assert "别名泄露摘要" not in body, path
            assert alias.slug not in body, path
        assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 404
        assert client.get(alias.url).status_code == 302

    def test_a_member_of_the_group_still_finds_both(
        self, client, aliased_then_restricted, discipline_user
    ):
        source, alias = aliased_then_restricted
        client.force_login(discipline_user)
        ids = {i["id"] for i in client.get("/api/v2/pages/", {"limit": 100}).json()["items"]}
        assert {source.pk, alias.pk} <= ids
        assert client.get(alias.url).status_code == 200

    def test_an_alias_in_a_public_section_of_a_page_kept_in_a_private_one(
        self, client, make_page_visible, reader
    ):
        """Wagtail checks an alias's source page but not the source's ancestors: an alias put
        under the (public) home page of a case in an intranet section would be served to anyone."""
        source = CaseStudyPageFactory(title="内部栏目里的案例")
        make_page_visible(source.get_parent(), Visibility.INTRANET)
        alias = source.create_alias(parent=source.get_parent().get_parent(), update_slug="moved")
        assert visibility.visibility_of(alias) == Visibility.INTRANET
        response = client.get(alias.url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert alias.pk not in {
            i["id"] for i in client.get("/api/v2/pages/", {"limit": 100}).json()["items"]
        }
        client.force_login(reader)
        assert client.get(alias.url).status_code == 200

    def test_a_logged_in_reader_outside_the_groups_gets_a_chinese_refusal(
        self, client, aliased_then_restricted, reader
    ):
        _source, alias = aliased_then_restricted
        client.force_login(reader)
        response = client.get(alias.url)
        assert response.status_code == 403
        assert "无权查看" in response.content.decode()


# --- one resolution per read-only request ------------------------------------------------------


def _within_get_request(callback, method="GET"):
    """Run ``callback`` inside RestrictionRootsMiddleware as a request of ``method`` would."""
    request = RequestFactory().generic(method, "/")
    outcome = {}

    def view(request):
        outcome["value"] = callback()
        return None

    visibility.RestrictionRootsMiddleware(view)(request)
    return outcome["value"]


def test_a_get_request_resolves_restrictions_once(django_assert_num_queries):
    page = CaseStudyPageFactory()
    visibility.set_visibility(page, Visibility.INTRANET)

    def twice():
        first = visibility.restriction_roots()
        with django_assert_num_queries(0):
            second = visibility.restriction_roots()
        return first is second

    assert _within_get_request(twice)
    # Outside a request (commands, tasks) every call reads the database afresh.
    assert visibility.restriction_roots() is not visibility.restriction_roots()


def test_a_write_in_the_request_forgets_the_resolution():
    page = CaseStudyPageFactory()

    def change_then_read():
        assert visibility.visibility_of(page, visibility.restriction_roots()) == "public"
        visibility.set_visibility(page, Visibility.INTRANET)
        intranet = visibility.visibility_of(page, visibility.restriction_roots())
        visibility.set_visibility(page, Visibility.RESTRICTED)
        return intranet, visibility.visibility_of(page, visibility.restriction_roots())

    assert _within_get_request(change_then_read) == (Visibility.INTRANET, Visibility.RESTRICTED)


def test_a_post_request_shares_nothing():
    def twice():
        return visibility.restriction_roots() is visibility.restriction_roots()

    assert not _within_get_request(twice, method="POST")
