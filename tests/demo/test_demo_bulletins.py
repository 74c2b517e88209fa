"""The demo's two bulletins: one issued for publication over public case studies (its cases
named in a public bulletin), one internal draft; loading again adds none."""

import pytest
from django.core.management import call_command

from casestudies.bulletins import problems_of, studies_of
from casestudies.models import BulletinPage
from jingjian.core import visibility


@pytest.fixture(scope="module")
def loaded_twice(demo_content, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo_content", verbosity=0, skip_index=True)


@pytest.mark.django_db
def test_two_bulletins_one_issued_for_publication_one_internal_draft(loaded_twice, client):
    assert BulletinPage.objects.count() == 2
    issued = BulletinPage.objects.get(document_number="鉴纪通〔2026〕3号")
    draft = BulletinPage.objects.get(document_number="鉴纪通〔2026〕5号")
    assert issued.live and issued.for_publication
    assert not draft.live and not draft.for_publication
    for bulletin in (issued, draft):
        studies = studies_of(bulletin.get_latest_revision_as_object())
        assert len(studies) == 3
        assert problems_of(bulletin, studies, bulletin.for_publication) == []
    for study in studies_of(issued):
        assert study.specific.named_in_bulletin
        assert visibility.visibility_of(study) == visibility.Visibility.PUBLIC
