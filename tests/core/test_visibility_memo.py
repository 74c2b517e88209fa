"""The resolution of the restrictions a process keeps between requests (``visibility
._generation_roots``) is never older than the content: after every kind of write that changes
what it reads — a restriction added, removed or given other groups, a page added, moved or
deleted, an alias made — the kept resolution equals a fresh one; a write that rolls back leaves
nothing behind; without a readable cache nothing is kept.

Transactional: the kept resolution is only made outside a transaction, as in a request.
"""

import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from casestudies.models import CaseIndexPage
from jingjian.core import page_cache, visibility
from tests.factories import CaseStudyPageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GROUPS = ["读者", "审核", "纪检监察"]


@pytest.fixture(autouse=True)
def fresh_memo():
    visibility.forget_process_roots()
    page_cache.purge()
    yield
    visibility.forget_process_roots()


def described(roots):
    """A resolution as plain values: {path: [(restriction, kind, groups)]}."""
    return {
        path: sorted(
            (r.pk, r.restriction_type, tuple(sorted(g.pk for g in r.groups.all())))
            for r in restrictions
        )
        for path, restrictions in roots.items()
    }


def kept_equals_fresh():
    kept = visibility.restriction_roots()
    assert described(kept) == described(visibility._resolve_restriction_roots())


def queries_of(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_a_second_resolution_asks_no_query():
    visibility.set_visibility(CaseStudyPageFactory(), "restricted")
    assert queries_of(visibility.restriction_roots) >= 2
    assert queries_of(visibility.restriction_roots) == 0


def test_a_new_restriction_is_seen_by_the_next_request():
    page = CaseStudyPageFactory(title="内部可见的案例")
    reader = UserFactory(groups=["读者"])
    client = Client()
    client.force_login(reader)
    assert client.get(page.url).status_code == 200
    visibility.restriction_roots()  # kept
    visibility.set_visibility(page, "restricted")
    response = client.get(page.url)
    assert response.status_code == 403  # what a reader outside the groups gets, as before
    assert page.summary not in response.content.decode()
    assert not visibility.can_see_page(page, reader)


def test_a_write_that_rolls_back_leaves_no_resolution_behind():
    page = CaseStudyPageFactory()
    restriction_id = visibility.set_visibility(page, "restricted").pk
    kept_equals_fresh()
    with pytest.raises(RuntimeError), transaction.atomic():
        PageViewRestriction.objects.get(pk=restriction_id).delete()
        # Read inside the transaction (it sees the deletion): must not be kept.
        assert visibility.can_see_page(page, None)
        raise RuntimeError("rolled back")
    assert PageViewRestriction.objects.filter(pk=restriction_id).exists()
    assert not visibility.can_see_page(page, None)
    kept_equals_fresh()


def test_without_a_readable_cache_nothing_is_kept():
    visibility.set_visibility(CaseStudyPageFactory(), "intranet")
    page_cache._Health.failed_at = time.monotonic()  # as after Redis stopped
    try:
        assert queries_of(visibility.restriction_roots) >= 1
        assert queries_of(visibility.restriction_roots) >= 1
    finally:
        page_cache._Health.failed_at = None
        page_cache._Health.purge_missed = False


node = st.integers(min_value=0, max_value=20)
operation = st.one_of(
    st.tuples(st.just("add"), node),
    st.tuples(st.just("alias"), node, node),
    st.tuples(st.just("restrict"), node, st.sampled_from(["login", "password", "groups"])),
    st.tuples(st.just("groups"), node, st.sets(st.sampled_from(GROUPS), min_size=1)),
    st.tuples(st.just("unrestrict"), node),
    st.tuples(st.just("move"), node, node),
    st.tuples(st.just("delete"), node),
    st.tuples(st.just("rolled_back"), node),
)


def apply(op, nodes, number):
    kind, target = op[0], nodes[op[1] % len(nodes)]
    if kind == "add":
        nodes.append(CaseStudyPageFactory(parent=target, slug=f"memo-{number}"))
    elif kind == "alias" and len(nodes) > 1:
        source = nodes[1 + op[1] % (len(nodes) - 1)]
        parent = nodes[op[2] % len(nodes)]
        if parent.pk != source.pk and not parent.is_descendant_of(source):
            alias = source.specific.create_alias(parent=parent, update_slug=f"memo-alias-{number}")
            nodes.append(alias)
    elif kind == "restrict":
        restriction = PageViewRestriction.objects.create(
            page=target, restriction_type=op[2], password="pw" if op[2] == "password" else ""
        )
        if op[2] == BaseViewRestriction.GROUPS:
            restriction.groups.set(Group.objects.filter(name="纪检监察"))
    elif kind == "groups":
        for restriction in PageViewRestriction.objects.filter(
            page=target, restriction_type="groups"
        ):
            restriction.groups.set(Group.objects.filter(name__in=op[2]))
    elif kind == "unrestrict":
        PageViewRestriction.objects.filter(page=target).delete()
    elif kind == "move" and target.depth > nodes[0].depth:
        parent = Page.objects.get(pk=nodes[op[2] % len(nodes)].pk)
        moving = Page.objects.get(pk=target.pk)
        if parent.pk != moving.pk and not parent.is_descendant_of(moving):
            moving.move(parent, pos="last-child")
    elif kind == "delete" and target.depth > nodes[0].depth:
        doomed = Page.objects.get(pk=target.pk)
        gone = {p.pk for p in doomed.get_descendants(inclusive=True)}
        gone |= set(Page.objects.filter(alias_of__in=gone).values_list("pk", flat=True))
        for alias in Page.objects.filter(alias_of__in=gone).exclude(pk__in=gone):
            alias.delete()
        doomed.delete()
        nodes[:] = [n for n in nodes if n.pk not in gone and Page.objects.filter(pk=n.pk).exists()]
    elif kind == "rolled_back":
        try:
            with transaction.atomic():
                PageViewRestriction.objects.filter(page=target).delete()
                PageViewRestriction.objects.create(page=target, restriction_type="login")
                visibility.restriction_roots()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    # Re-read the nodes: a move changes their paths.
    nodes[:] = [Page.objects.get(pk=n.pk) for n in nodes]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_the_kept_resolution_equals_a_fresh_one_after_every_write(operations):
    """Each example starts from its own section (examples share the database: the rule holds
    whatever is already there). Between writes, the resolution is asked twice, the second from
    what the process kept, and always equals a fresh one."""
    index = CaseIndexPage.objects.get()
    section = CaseStudyPageFactory(parent=index)
    nodes = [Page.objects.get(pk=section.pk)]
    kept_equals_fresh()
    served_from_memory = 0
    for number, op in enumerate(operations):
        apply(op, nodes, f"{section.pk}-{number}")
        kept_equals_fresh()
        served_from_memory += queries_of(visibility.restriction_roots) == 0
        kept_equals_fresh()
        if not nodes:
            break
    assert served_from_memory >= 1


def test_a_transaction_never_reuses_a_resolution_older_than_its_own_writes():
    """A write inside a transaction replaces the generation at once; another thread of this
    process (runserver, a threaded worker) may then resolve outside any transaction, see the
    committed state without that write, and keep it under the new generation. The transaction
    that wrote must still see its own write, not that kept resolution."""
    page = CaseStudyPageFactory()
    committed = visibility._resolve_restriction_roots()
    with transaction.atomic():
        visibility.set_visibility(page, "intranet")
        # What the other thread keeps: the committed state, under the generation just made.
        visibility._process_roots = (page_cache.current_generation(), committed)
        assert visibility.visibility_of(Page.objects.get(pk=page.pk)) == "intranet"
        assert not visibility.can_see_page(Page.objects.get(pk=page.pk), None)
