"""Routing from what a process kept (``routing``) answers every address exactly as Wagtail's
walk of the tree would, after every kind of change to the tree; a kept address costs one query
where the walk costs one per level; who may see the page is still asked on every request.

Transactional: routes are kept only outside a transaction, as in a request; the page cache is
off so that every request is routed.
"""

import pytest
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page, Site

from casestudies.models import CaseIndexPage, CaseStudyPage
from jingjian.core import page_cache, routing, visibility
from tests.factories import CaseStudyPageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def routed_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False
    routing.forget()
    page_cache.purge()
    yield
    routing.forget()


def address(page):
    """The path Wagtail's view is given for ``page`` ("cases/slug/")."""
    root = Site.objects.get(is_default_site=True).root_page.url_path
    return Page.objects.get(pk=page.pk).url_path[len(root) :]


def described(result):
    if result is None:
        return None
    page, args, kwargs = result
    args = tuple(getattr(a, "__name__", a) for a in args)  # a routable page's bound view
    return (page.pk, type(page).__name__, repr(args), repr(kwargs))


def kept_answer(path):
    return described(routing.route(RequestFactory().get("/" + path), path))


def fresh_answer(path):
    return described(Page.route_for_request(RequestFactory().get("/" + path), path))


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_a_kept_address_costs_one_query_and_serves_the_same_page():
    case = CaseStudyPageFactory(title="按图索骥的案例")
    path = address(case)
    client = Client()
    first = client.get("/" + path)
    walked = queries(lambda: routing.route(RequestFactory().get("/" + path), path))
    assert walked == 1
    assert kept_answer(path) == fresh_answer(path) == described((case, (), {}))
    second = client.get("/" + path)
    assert first.status_code == second.status_code == 200
    assert "按图索骥的案例" in second.content.decode()
    routing.forget()
    assert queries(lambda: routing.route(RequestFactory().get("/" + path), path)) > walked


def test_a_kept_case_and_profile_come_with_what_their_templates_show_of_their_keys():
    """A case's unit type, work area and governance priority (and a profile's category) are
    read with the page from a kept route: no query of their own as the template shows them."""
    from exemplars.models import ExemplarPage
    from tests.factories import ExemplarPageFactory

    case = CaseStudyPageFactory(title="带着分类的案例")
    profile = ExemplarPageFactory(title="带着类别的典型")
    for page, model, shown in (
        (case, CaseStudyPage, ("unit_type", "work_area", "governance_priority")),
        (profile, ExemplarPage, ("category",)),
    ):
        path = address(page)
        assert Client().get("/" + path).status_code == 200  # the route is kept from here
        kept, _args, _kwargs = routing.route(RequestFactory().get("/" + path), path)
        assert type(kept) is model
        assert queries(lambda kept=kept, shown=shown: [getattr(kept, n) for n in shown]) == 0
        assert Client().get("/" + path).status_code == 200


def test_a_listing_route_of_a_routable_page_is_kept_too():
    path = address(CaseIndexPage.objects.get()) + "feed/"
    assert kept_answer(path) == fresh_answer(path)
    assert kept_answer(path)[0] == CaseIndexPage.objects.get().pk
    response = Client().get("/" + path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")


def test_a_restriction_is_asked_on_every_request_of_a_kept_address():
    case = CaseStudyPageFactory(title="后来收紧的案例")
    client = Client()
    client.force_login(UserFactory(groups=["读者"]))
    path = "/" + address(case)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # now from the kept route
    visibility.set_visibility(case, "restricted")
    response = client.get(path)
    assert response.status_code == 403
    assert "后来收紧的案例" not in response.content.decode()


def assert_sent_on(response, to):
    assert response.status_code == 301, response.status_code
    assert response["Location"] == to


def test_a_renamed_moved_or_unpublished_page_is_not_found_at_its_old_address():
    index = CaseIndexPage.objects.get()
    case = CaseStudyPageFactory(title="搬了家的案例", slug="old-home")
    other = CaseStudyPageFactory(title="新的上级", slug="new-parent")
    old = "/" + address(case)
    client = Client()
    assert client.get(old).status_code == 200
    client.get(old)
    page = Page.objects.get(pk=case.pk)
    page.slug = "new-home"
    page.save()
    renamed = "/" + address(case)
    # Wagtail's redirects send the old address on (a 301 from the redirect, not the page).
    assert_sent_on(client.get(old), renamed)
    assert client.get(renamed).status_code == 200
    Page.objects.get(pk=case.pk).move(Page.objects.get(pk=other.pk), pos="last-child")
    moved = "/" + address(case)
    assert_sent_on(client.get(renamed), moved)
    assert moved.startswith("/" + address(other))
    assert client.get(moved).status_code == 200
    CaseStudyPage.objects.get(pk=case.pk).unpublish()
    assert client.get(moved).status_code == 404
    assert index.pk  # the listing itself still routes
    assert client.get("/" + address(index)).status_code == 200


def test_nothing_is_kept_from_inside_a_transaction():
    case = CaseStudyPageFactory()
    path = address(case)
    with transaction.atomic():
        routing.route(RequestFactory().get("/" + path), path)
    assert queries(lambda: routing.route(RequestFactory().get("/" + path), path)) > 1


node = st.integers(min_value=0, max_value=20)
operation = st.one_of(
    st.tuples(st.just("add"), node),
    st.tuples(st.just("rename"), node),
    st.tuples(st.just("move"), node, node),
    st.tuples(st.just("unpublish"), node),
    st.tuples(st.just("publish"), node),
    st.tuples(st.just("delete"), node),
    st.tuples(st.just("alias"), node, node),
)


def apply(op, nodes, tag):
    kind = op[0]
    target = Page.objects.filter(pk=nodes[op[1] % len(nodes)]).first()
    if target is None:
        return
    if kind == "add":
        page = CaseStudyPageFactory(parent=target, slug=f"route-{tag}")
        nodes.append(page.pk)
    elif kind == "rename" and target.pk != nodes[0]:
        target.slug = f"renamed-{tag}"
        target.save()
    elif kind == "move" and target.pk != nodes[0]:
        parent = Page.objects.get(pk=nodes[op[2] % len(nodes)])
        if parent.pk != target.pk and not parent.is_descendant_of(target):
            if not parent.get_children().filter(slug=target.slug).exists():
                target.move(parent, pos="last-child")
    elif kind == "unpublish" and target.pk != nodes[0]:
        target.specific.unpublish()
    elif kind == "publish" and target.alias_of_id is None:
        # An alias has no revisions of its own (Wagtail refuses them): its source's publish
        # updates it.
        target.specific.save_revision().publish()
    elif kind == "delete" and target.pk != nodes[0]:
        aliases = Page.objects.filter(alias_of__in=target.get_descendants(inclusive=True))
        for pk in list(aliases.values_list("pk", flat=True)):
            alias = Page.objects.filter(pk=pk).first()  # gone when under an alias deleted first
            if alias is not None:
                alias.delete()
        target = Page.objects.filter(pk=target.pk).first()  # it may have been under one of them
        if target is not None:
            target.delete()
    elif kind == "alias" and len(nodes) > 1:
        source = Page.objects.filter(pk=nodes[1 + op[1] % (len(nodes) - 1)]).first()
        parent = Page.objects.get(pk=nodes[op[2] % len(nodes)])
        if source and parent.pk != source.pk and not parent.is_descendant_of(source):
            nodes.append(source.specific.create_alias(parent=parent, update_slug=f"alias-{tag}").pk)
    nodes[:] = [pk for pk in nodes if Page.objects.filter(pk=pk).exists()]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_kept_routes_answer_as_a_fresh_walk_after_every_change(operations):
    """Every address any page of the example ever had (and the listing's own routes) answers
    from what was kept exactly as a fresh walk does, after each change."""
    section = CaseStudyPageFactory(parent=CaseIndexPage.objects.get())
    nodes = [section.pk]
    index = address(CaseIndexPage.objects.get())
    addresses = {index, index + "feed/", address(section)}
    from_memory = 0
    for number, op in enumerate(operations):
        apply(op, nodes, f"{section.pk}-{number}")
        addresses |= {address(Page.objects.get(pk=pk)) for pk in nodes}
        for path in sorted(addresses):
            first = kept_answer(path)
            from_memory += queries(lambda path=path: kept_answer(path)) <= 1
            assert kept_answer(path) == first == fresh_answer(path), path
        if not nodes:
            break
    assert from_memory >= 1


def test_host_names_without_end_keep_a_bounded_number_of_sites(settings):
    """Every Host header an allowed wildcard accepts falls back to the default site; a process
    keeps at most ``MAX_SITES`` of them per generation, however many names are asked."""
    settings.ALLOWED_HOSTS = ["*"]
    case = CaseStudyPageFactory(title="四面八方的案例")
    path = address(case)
    for number in range(routing.MAX_SITES + 50):
        request = RequestFactory().get("/" + path, HTTP_HOST=f"h{number}.example.org")
        assert described(routing.route(request, path)) == described((case, (), {}))
    assert len(routing._kept[1]) <= routing.MAX_SITES
