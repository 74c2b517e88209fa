"""Both faces of the bulletin's visibility rule, on random restrictions and readers:

- the refusal face: when ``visibility.audience_within`` lets an item into a bulletin (the rule
  asked on save), every reader who may see the bulletin may see the item;
- the rendering face: whatever was saved (a restriction added to an item afterwards), an item
  hidden from a reader is never in the web page, the print view or the .docx that reader gets.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casestudies.models import BulletinItem, BulletinPage
from jingjian.core import page_cache, visibility
from tests.casestudies.bulletin_support import docx_paragraphs, make_bulletin, make_study
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUPS = ["纪检监察", "读者", "专案组"]

# A page's own restriction: none, login, some groups, or a password.
RESTRICTIONS = st.one_of(
    st.just(("public", ())),
    st.just(("intranet", ())),
    st.tuples(st.just("restricted"), st.sets(st.sampled_from(GROUPS), min_size=1, max_size=3)),
    st.just(("password", ())),
)


def restrict(page, restriction):
    level, groups = restriction
    if level == "password":
        visibility.set_visibility(page, "public")
        page.view_restrictions.create(restriction_type="password", password="jian")
        return
    visibility.set_visibility(page, level, sorted(groups) if groups else None)


@pytest.fixture
def world(db):
    Group.objects.get_or_create(name="专案组")
    study = make_study("某局原科长钱某推诿扯皮问题")
    other = make_study("某镇干部孙某吃拿卡要问题")
    bulletin = make_bulletin([other, study])
    readers = [
        AnonymousUser(),
        UserFactory(username="p-reader", groups=["读者"]),
        UserFactory(username="p-discipline", groups=["纪检监察"]),
        UserFactory(username="p-special", groups=["专案组"]),
        UserFactory(username="p-both", groups=["读者", "专案组"]),
        UserFactory(username="p-admin", is_superuser=True, is_staff=True),
    ]
    return bulletin, study, other, readers


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bulletin_rule=RESTRICTIONS, study_rule=RESTRICTIONS)
def test_an_allowed_item_is_visible_to_every_reader_of_the_bulletin(
    world, bulletin_rule, study_rule
):
    bulletin, study, _other, readers = world
    restrict(bulletin, bulletin_rule)
    restrict(study, study_rule)
    if not visibility.audience_within(bulletin, study):
        return
    for user in readers:
        if visibility.can_see_page(bulletin, user):
            assert visibility.can_see_page(study, user), (bulletin_rule, study_rule, user)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(study_rule=RESTRICTIONS)
def test_a_hidden_item_never_reaches_the_reader_in_any_output(world, study_rule):
    bulletin, study, other, readers = world
    restrict(bulletin, ("intranet", ()))
    restrict(study, study_rule)  # after the bulletin was issued
    page_cache.purge()
    bulletin = BulletinPage.objects.get(pk=bulletin.pk)
    assert [item.case_study_id for item in BulletinItem.objects.filter(page=bulletin)] == [
        other.pk,
        study.pk,
    ]
    for user in readers:
        if not user.is_authenticated:
            continue
        client = Client()
        client.force_login(user)
        sees = visibility.can_see_page(study, user)
        web = client.get(bulletin.url).content.decode()
        printed = client.get(bulletin.url + "print/").content.decode()
        docx = "\n".join(
            t for t, _f, _c in docx_paragraphs(client.get(bulletin.url + "docx/").content)
        )
        for output in (web, printed, docx):
            assert (study.title in output) == sees, (study_rule, user.username)
            assert other.title in output
