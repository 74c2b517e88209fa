"""Fixtures the page-cache, reader-card and auth-version tests share."""

import pytest
from django.contrib.auth.models import Group

from jingjian.core.visibility import Visibility, set_visibility
from tests.factories import CaseStudyPageFactory


@pytest.fixture
def outsiders(db):
    """A group of readers without admin access, other than 读者."""
    return Group.objects.create(name="宣传员")


@pytest.fixture
def restricted_page(outsiders):
    page = CaseStudyPageFactory(title="限定宣传员阅读的案例")
    set_visibility(page, Visibility.RESTRICTED, groups=["宣传员"])
    return page
