"""Property tests: the two faces of the visibility rule agree with each other, with a direct
reading of the rule, and with every way out, on random trees with aliases.

The rule, read directly (``covering`` below, written independently of
``visibility.restriction_roots``): a page is covered by the restrictions on itself and on each
ancestor; where the page or an ancestor is an alias, that node's own restrictions are ignored
(Wagtail copies them but never applies them) and everything covering its source page applies
instead, the source's ancestors included. A reader sees a page when they pass every covering
restriction (login: any logged-in user; groups: a member of one of the groups, or a superuser;
password: nobody, superusers included, as no listing can know who typed the password).

Images and documents (``media_covering`` below): covered by the restrictions on their collection
and on each of its ancestors, passed by the same rule.
"""

import io
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
)

from casestudies.models import CaseIndexPage, CaseStudyPage, UnitType
from jingjian.core import page_cache, visibility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUPS = ["读者", "审核", "纪检监察"]
MARK = "属性测试专用词"  # in every generated title: one search finds them all


# --- the rule, read directly -------------------------------------------------------------------


def covering(page, seen=frozenset()):
    """The restriction ids covering ``page``: the definition, recursively."""
    found = set()
    for node in list(page.get_ancestors()) + [page]:
        if node.alias_of_id:
            if node.alias_of_id not in seen:
                source = Page.objects.get(pk=node.alias_of_id)
                found |= covering(source, seen | {node.alias_of_id})
        else:
            found |= set(PageViewRestriction.objects.filter(page=node).values_list("pk", flat=True))
    return found


def media_covering(obj):
    """The collection restriction ids covering an image or document: the definition."""
    nodes = list(obj.collection.get_ancestors()) + [obj.collection]
    return set(
        CollectionViewRestriction.objects.filter(collection__in=nodes).values_list("pk", flat=True)
    )


def oracle_sees_media(obj, reader):
    return passes_all(CollectionViewRestriction.objects.filter(pk__in=media_covering(obj)), reader)


def oracle_sees(page, reader):
    return passes_all(PageViewRestriction.objects.filter(pk__in=covering(page)), reader)


def passes_all(restrictions, reader):
    for restriction in restrictions:
        kind = restriction.restriction_type
        if kind == BaseViewRestriction.PASSWORD or not reader.authenticated:
            return False
        if reader.superuser:
            continue
        if kind == BaseViewRestriction.GROUPS:
            names = set(restriction.groups.values_list("name", flat=True))
            if not names & set(reader.groups):
                return False
    return True


@dataclass
class Reader:
    authenticated: bool
    superuser: bool = False
    groups: list = field(default_factory=list)
    user: object = None

    def client(self):
        client = Client()
        if self.user is not None:
            client.force_login(self.user)
        return client


# --- random trees ------------------------------------------------------------------------------

node_index = st.integers(min_value=0, max_value=30)
restriction_kind = st.one_of(
    st.just(("login", ())),
    st.just(("password", ())),
    st.tuples(st.just("groups"), st.sets(st.sampled_from(GROUPS), min_size=1)),
)
operation = st.one_of(
    st.tuples(st.just("add"), node_index),
    st.tuples(st.just("alias"), node_index, node_index),
    st.tuples(st.just("restrict"), node_index, restriction_kind),
    st.tuples(st.just("unrestrict"), node_index),
)
reader_strategy = st.one_of(
    st.just(Reader(authenticated=False)),
    st.just(Reader(authenticated=True, superuser=True)),
    st.builds(
        lambda groups: Reader(authenticated=True, groups=sorted(groups)),
        st.sets(st.sampled_from(GROUPS)),
    ),
)


def build_tree(operations):
    """Apply ``operations``; returns the created pages (the case index is node 0)."""
    index = CaseIndexPage.objects.get()
    unit_type = UnitType.objects.first()
    nodes = [index]
    for number, op in enumerate(operations):
        kind = op[0]
        if kind == "add":
            parent = nodes[op[1] % len(nodes)]
            page = CaseStudyPage(
                title=f"{MARK}案例{number}",
                slug=f"prop-{number}",
                subject="某单位干部王某",
                summary=f"{MARK}摘要{number}",
                unit_type=unit_type,
                source="complaint",
                date_handled="2024-05-01",
            )
            parent.add_child(instance=page)
            nodes.append(page)
        elif kind == "alias" and len(nodes) > 1:
            source = nodes[1 + op[1] % (len(nodes) - 1)]
            parent = nodes[op[2] % len(nodes)]
            if parent.pk == source.pk or parent.is_descendant_of(source):
                continue  # Wagtail refuses to alias a page into its own subtree
            alias = source.specific.create_alias(parent=parent, update_slug=f"prop-alias-{number}")
            nodes.append(alias)
        elif kind == "restrict":
            target = nodes[op[1] % len(nodes)]
            restriction_type, group_names = op[2]
            restriction = PageViewRestriction.objects.create(
                page=target,
                restriction_type=restriction_type,
                password="pw" if restriction_type == "password" else "",
            )
            if group_names:
                restriction.groups.set(Group.objects.filter(name__in=group_names))
        elif kind == "unrestrict":
            PageViewRestriction.objects.filter(page=nodes[op[1] % len(nodes)]).delete()
    return [CaseStudyPage.objects.get(pk=node.pk) for node in nodes[1:]]


def make_user(reader):
    if not reader.authenticated:
        reader.user = None
        return None
    reader.user = UserFactory(
        is_superuser=reader.superuser, is_staff=reader.superuser, groups=reader.groups
    )
    return reader.user


def ids_in(body, pages):
    """Which of ``pages`` a response body links to (an alias has its source's title, never its
    address; an address ends in "/", so /prop-1/ is not inside /prop-10/)."""
    return {page.pk for page in pages if page.url in body}


tree = st.lists(operation, min_size=1, max_size=14)
examples = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@examples
@given(operations=tree, readers=st.lists(reader_strategy, min_size=1, max_size=3))
def test_both_faces_agree_with_the_rule_on_random_trees(operations, readers):
    with transaction.atomic():
        page_cache.purge()  # pages stored by an earlier, rolled-back example are misses
        pages = build_tree(operations)
        roots = visibility.restriction_roots()
        all_ids = [p.pk for p in pages]
        for reader in readers:
            user = make_user(reader)
            expected = {p.pk for p in pages if oracle_sees(p, reader)}
            listed = set(
                visibility.visible_pages(Page.objects.filter(pk__in=all_ids), user).values_list(
                    "pk", flat=True
                )
            )
            assert listed == expected
            assert {p.pk for p in pages if visibility.can_see_page(p, user, roots)} == expected
            # Wagtail's own check is a floor: whatever it refuses, the rule refuses too.
            for page in pages:
                if any(
                    r.restriction_type == "password"
                    or not reader.authenticated
                    or (
                        r.restriction_type == "groups"
                        and not reader.superuser
                        and not set(r.groups.values_list("name", flat=True)) & set(reader.groups)
                    )
                    for r in page.get_view_restrictions()
                ):
                    assert page.pk not in expected
        transaction.set_rollback(True)


@settings(examples, max_examples=25)
@given(operations=tree, reader=reader_strategy)
def test_every_way_out_agrees_on_random_trees(operations, reader):
    """Serving, the listing, its feed, the sitemap, the API and search name exactly the pages
    the rule lets the reader see (feeds and the sitemap: what anonymous readers see)."""
    with transaction.atomic():
        page_cache.purge()  # pages stored by an earlier, rolled-back example are misses
        pages = build_tree(operations)
        make_user(reader)
        anonymous = Reader(authenticated=False)
        sees = {p.pk for p in pages if oracle_sees(p, reader)}
        public = {p.pk for p in pages if oracle_sees(p, anonymous)}
        index = CaseIndexPage.objects.get()
        children = [p for p in pages if p.get_parent().pk == index.pk]
        client = reader.client()

        for page in pages:
            response = client.get(page.url)
            served = response.status_code == 200 and page.summary in response.content.decode()
            assert served == (page.pk in sees), (page.title, response.status_code)

        # The listing and its feed are routes of the index page: served only where it is.
        listing = "".join(  # twelve to a page; a tree has at most fourteen pages
            client.get("/cases/", {"page": number}).content.decode() for number in (1, 2)
        )
        index_seen = oracle_sees(index, reader)
        assert ids_in(listing, children) == {p.pk for p in children if p.pk in sees and index_seen}
        feed = client.get("/cases/feed/").content.decode()
        index_public = oracle_sees(index, anonymous)
        assert ids_in(feed, children) == {p.pk for p in children if p.pk in public and index_public}

        sitemap = Client().get("/sitemap.xml").content.decode()
        shown = {p.pk for p in pages if p.get_full_url() in sitemap}
        assert shown == public

        api = client.get("/api/v2/pages/", {"type": "casestudies.CaseStudyPage", "limit": 100})
        assert {item["id"] for item in api.json()["items"]} & {p.pk for p in pages} == sees
        detail = {p.pk for p in pages if client.get(f"/api/v2/pages/{p.pk}/").status_code == 200}
        assert detail == sees

        found = client.get("/api/v2/pages/", {"search": MARK, "limit": 100}).json()["items"]
        assert {item["id"] for item in found} & {p.pk for p in pages} == sees
        search = client.get("/search/", {"q": MARK}).context["outcome"]
        assert search.total == len(sees)
        assert {result.pk for result in search.results} <= sees  # the first ten of them
        transaction.set_rollback(True)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=tree, readers=st.lists(reader_strategy, min_size=1, max_size=3))
def test_elasticsearch_documents_agree_with_the_rule(elasticsearch, operations, readers):
    """The reader index's visibility fields and scope filter, queried on a real Elasticsearch,
    give exactly the pages the rule lets each reader see (before any re-check in Python)."""
    from jingjian.search import elastic as search_elasticsearch
    from tests.support import elasticsearch as support_elasticsearch

    with transaction.atomic():
        page_cache.purge()  # pages stored by an earlier, rolled-back example are misses
        support_elasticsearch.delete_all_documents(f"{search_elasticsearch.alias_name()}*")
        pages = build_tree(operations)
        search_elasticsearch.index_pages(pages)
        for reader in readers:
            user = make_user(reader)
            expected = {p.pk for p in pages if oracle_sees(p, reader)}
            search = search_elasticsearch.build_search(MARK, {}, user)
            hits = {int(hit.meta.id) for hit in search[:100].execute()}
            assert hits == expected
        transaction.set_rollback(True)


# --- media: random collection trees --------------------------------------------------------

collection_operation = st.one_of(
    st.tuples(st.just("add"), node_index),
    st.tuples(st.just("restrict"), node_index, restriction_kind),
    st.tuples(st.just("unrestrict"), node_index),
    st.tuples(st.just("file"), node_index),
)


def tiny_png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name="属性测试.png")


def build_collections(operations):
    """Apply ``operations`` to the collection tree (node 0 is the root; 内部资料 and 限定资料,
    restricted by the migrations, are nodes 1 and 2); returns the images and documents filed."""
    root = Collection.get_first_root_node()
    nodes = [root, Collection.objects.get(name="内部资料"), Collection.objects.get(name="限定资料")]
    images, documents = [], []
    for number, op in enumerate(operations):
        target = nodes[op[1] % len(nodes)]
        if op[0] == "add":
            nodes.append(target.add_child(instance=Collection(name=f"属性测试{number}")))
        elif op[0] == "restrict":
            restriction_type, group_names = op[2]
            restriction = CollectionViewRestriction.objects.create(
                collection=target,
                restriction_type=restriction_type,
                password="pw" if restriction_type == "password" else "",
            )
            if group_names:
                restriction.groups.set(Group.objects.filter(name__in=group_names))
        elif op[0] == "unrestrict":
            CollectionViewRestriction.objects.filter(collection=target).delete()
        else:
            images.append(
                get_image_model().objects.create(
                    title=f"属性测试图片{number}", file=tiny_png(), collection=target
                )
            )
            documents.append(
                get_document_model().objects.create(
                    title=f"属性测试文件{number}",
                    file=ContentFile(f"文件{number}".encode(), name="属性测试.txt"),
                    collection=target,
                )
            )
        # Collections are kept in name order: adding one can move its siblings' paths.
        nodes = [Collection.objects.get(pk=node.pk) for node in nodes]
    return (
        [get_image_model().objects.get(pk=image.pk) for image in images],
        [get_document_model().objects.get(pk=document.pk) for document in documents],
    )


def file_served(client, url, content):
    response = client.get(url)
    if response.status_code != 200 or not response.streaming:
        return False  # a refusal, or Wagtail's password form (a page, not the file)
    return b"".join(response.streaming_content) == content


@settings(examples, max_examples=30)
@given(
    operations=st.lists(collection_operation, min_size=1, max_size=12),
    readers=st.lists(reader_strategy, min_size=1, max_size=2),
)
def test_media_faces_and_serving_agree_on_random_collection_trees(operations, readers):
    """``visible_media`` (the queryset face), ``can_see_media`` (the per-object face), the
    /media/ view (originals, renditions, documents) and Wagtail's document view give exactly
    the files the rule lets each reader see."""
    cache.clear()  # Wagtail caches renditions by image id; ids come back after each rollback
    with transaction.atomic():
        page_cache.purge()  # pages stored by an earlier, rolled-back example are misses
        images, documents = build_collections(operations)
        roots = visibility.collection_roots()
        for reader in readers:
            user = make_user(reader)
            client = reader.client()
            for model, objects in ((get_image_model(), images), (get_document_model(), documents)):
                expected = {o.pk for o in objects if oracle_sees_media(o, reader)}
                ids = [o.pk for o in objects]
                listed = visibility.visible_media(model.objects.filter(pk__in=ids), user)
                assert set(listed.values_list("pk", flat=True)) == expected
                assert {o.pk for o in objects if visibility.can_see_media(o, user, roots)} == (
                    expected
                )
            for image in images:
                sees = image.pk in {i.pk for i in images if oracle_sees_media(i, reader)}
                with image.file.open("rb") as original:
                    content = original.read()
                assert file_served(client, image.file.url, content) == sees
                rendition = image.get_rendition("width-2")
                with rendition.file.open("rb") as rendered:
                    rendered_content = rendered.read()
                assert file_served(client, rendition.url, rendered_content) == sees
            for document in documents:
                sees = oracle_sees_media(document, reader)
                with document.file.open("rb") as stored:
                    content = stored.read()
                assert file_served(client, document.file.url, content) == sees
                assert file_served(client, document.url, content) == sees
        transaction.set_rollback(True)
