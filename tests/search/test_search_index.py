"""The Elasticsearch reader index follows what happens to pages (Elasticsearch only)."""

import pytest
from django.core.management import call_command

from casestudies.models import CaseIndexPage, CaseStudyPage
from jingjian.core import visibility
from jingjian.search import documents
from jingjian.search import elastic as search_elasticsearch
from tests.factories import CaseStudyPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def es(elasticsearch):
    return elasticsearch


def document(es, page):
    found = es.options(ignore_status=404).get(index=search_elasticsearch.alias_name(), id=page.pk)
    return found["_source"] if found.get("found") else None


def test_publish_indexes_facets_and_visibility(es):
    page = CaseStudyPageFactory(problem_types=["推诿扯皮"])
    HandlingFactory(page=page, party_sanction="warning", detained=True)
    page.save_revision().publish()
    doc = document(es, page)
    assert doc["page_type"] == "case"
    assert doc["problem_type"] == [page.problem_types.get().slug]
    assert doc["sanction"] == ["detained", "party:warning"]
    assert doc["visibility"] == "public"
    assert "推诿" in doc["title_tokens"] or "推诿" in doc["body_tokens"]


def test_privacy_changes_are_followed(es, make_page_visible, discipline_user):
    page = CaseStudyPageFactory()
    make_page_visible(page, visibility.Visibility.RESTRICTED)
    doc = document(es, page)
    assert doc["visibility"] == "restricted"
    restriction = page.view_restrictions.get()
    assert doc["restrictions"] == [str(restriction.pk)]
    assert doc["restriction_count"] == 1
    make_page_visible(page, visibility.Visibility.PUBLIC)
    assert document(es, page)["visibility"] == "public"


def test_privacy_on_an_ancestor_reaches_descendants(es, make_page_visible):
    page = CaseStudyPageFactory()
    make_page_visible(page.get_parent(), visibility.Visibility.INTRANET)
    assert document(es, page)["visibility"] == "intranet"


def test_moves_are_followed(es, make_page_visible):
    page = CaseStudyPageFactory()
    home = page.get_parent().get_parent()
    archive = home.add_child(instance=CaseIndexPage(title="内部案例库", slug="internal-cases"))
    make_page_visible(archive, visibility.Visibility.INTRANET)
    page.move(archive, pos="last-child")
    assert document(es, page)["visibility"] == "intranet"


def test_unpublish_and_delete_remove_documents(es):
    page = CaseStudyPageFactory()
    assert document(es, page) is not None
    page.unpublish()
    assert document(es, page) is None
    other = CaseStudyPageFactory()
    other.delete()
    assert document(es, other) is None


def test_update_index_swaps_the_alias_to_a_new_index(es):
    CaseStudyPageFactory(title="重建前后都能找到")
    before = set(es.indices.get_alias(name=search_elasticsearch.alias_name()))
    call_command("update_index", verbosity=0)
    after = set(es.indices.get_alias(name=search_elasticsearch.alias_name()))
    assert len(after) == 1 and after != before
    assert not es.indices.exists(index=list(before)[0])
    engine = search_elasticsearch.engine()
    assert len(engine.ranked_ids("重建前后", CaseStudyPage.objects.all())) == 1
    # Ids outside the queryset the caller may see are never returned.
    assert engine.ranked_ids("重建前后", CaseStudyPage.objects.none()) == []


def test_a_rebuild_writes_the_documents_publishing_wrote(es, make_page_visible):
    """update_index builds documents from plain rows in batches; publishing builds one from the
    page. Both must give the same document: facets, tokens, highlighting text, visibility."""
    from jingjian.core.models import WorkArea
    from tests.factories import ExemplarPageFactory

    case = CaseStudyPageFactory(title="重建比对案例", problem_types=["推诿扯皮", "衙门作风"])
    HandlingFactory(page=case, party_sanction="warning", administrative_sanction="demerit")
    HandlingFactory(page=case, pseudonym="李某", party_sanction="", referred=True)
    case.facts = [
        {"type": "heading", "value": "基本案情"},
        {"type": "paragraph", "value": "<p>擔當不足,<b>推诿</b>扯皮…</p>"},
        {"type": "quote", "value": {"text": "以案为鉴", "attribution": ""}},
    ]
    case.save_revision().publish()
    make_page_visible(case, visibility.Visibility.RESTRICTED)
    alias = case.create_alias(update_slug="rebuild-compare-alias")
    exemplar = ExemplarPageFactory(title="重建比对典型")
    exemplar.work_areas.set(WorkArea.objects.all()[:2])
    exemplar.save_revision().publish()
    pages = [case, alias, exemplar]
    published = {page.pk: document(es, page) for page in pages}
    call_command("update_index", verbosity=0)
    rebuilt = {page.pk: document(es, page) for page in pages}
    assert rebuilt == published
    assert rebuilt[alias.pk]["visibility"] == "restricted"
    assert set(rebuilt[case.pk]["sanction"]) == {"party:warning", "admin:demerit", "referred"}
    assert len(rebuilt[exemplar.pk]["work_area"]) == 2


def test_a_rebuilt_index_has_answered_searches_before_the_alias_moves(es):
    """The first searches on a new index are slow (its structures load on first use): the
    rebuild asks them itself, with facets, before readers are sent there."""
    CaseStudyPageFactory(title="区某局干部推诿扯皮问题")
    call_command("update_index", verbosity=0)
    (name,) = es.indices.get_alias(name=search_elasticsearch.alias_name())
    stats = es.indices.stats(index=name, metric="search")["indices"][name]["total"]["search"]
    assert stats["query_total"] >= 2
    mapping = es.indices.get_mapping(index=name)[name]["mappings"]["properties"]
    for field in ["page_type", *documents.facet_names()]:
        assert mapping[field].get("eager_global_ordinals") is True, field
    assert {"problem_type", "sanction", "work_area", "year", "category"} <= set(mapping)


def test_a_rebuild_of_an_empty_site_swaps_in_an_empty_index(es):
    CaseStudyPage.objects.all().delete()
    call_command("update_index", verbosity=0)
    (name,) = es.indices.get_alias(name=search_elasticsearch.alias_name())
    assert es.count(index=name)["count"] == 0
    assert search_elasticsearch.warm(name) == 0
