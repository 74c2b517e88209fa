import os
import shutil
import tempfile

import pytest

from jingjian.core import visibility
from tests.factories import UserFactory


def pytest_configure(config):
    # Uploaded and rendered images go to a throwaway folder, never the developer's media/.
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="jingjian-test-media-")


def pytest_unconfigure(config):
    from django.conf import settings

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def make_page_visible():
    """Set a page's visibility through the one visibility module."""

    def apply(page, level, groups=None):
        visibility.set_visibility(page, level, groups)
        return page

    return apply


@pytest.fixture
def reader(db):
    return UserFactory(username="duzhe", groups=["读者"])


@pytest.fixture
def discipline_user(db):
    return UserFactory(username="jijian", groups=["纪检监察"])


@pytest.fixture
def editor(db):
    return UserFactory(username="bianji", groups=["编辑"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="shenhe", groups=["审核"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def in_ci():
    return os.environ.get("CI", "").lower() == "true"
