"""One table of sanction labels: the listing's filter, the search facets and a handling's outcome
word each sanction the same way."""

import pytest

from casestudies.choices import sanction_labels
from casestudies.models import CaseStudyPage
from jingjian.core import content_types, facets
from jingjian.search import reader
from tests.factories import CaseStudyPageFactory, HandlingFactory

pytestmark = pytest.mark.django_db


def test_the_filter_the_facets_and_the_outcome_use_one_spelling():
    labels = sanction_labels()
    assert labels["party:warning"] == "党纪警告"
    assert labels["admin:demerit"] == "政务记过"
    form_class = facets.filter_form_class(content_types.of(CaseStudyPage).listing_facets())
    form_choices = dict(form_class().fields["sanction"].choices)
    assert {value: form_choices[value] for value in labels} == labels
    assert reader.facet_labels()["sanction"] == labels


def test_the_listing_offers_the_sanction_as_the_outcome_words_it(client):
    page = CaseStudyPageFactory(title="处理结果一致的案例")
    handling = HandlingFactory(page=page, party_sanction="warning", administrative_sanction="")
    assert handling.outcome().startswith("党纪警告")
    listing = client.get(page.get_parent().url).content.decode()
    assert ">党纪警告<" in listing
