"""The browser tests' fixtures (see ``tests/support/browser.py``)."""

import os

import pytest
from django.db import connections

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DemoSite, Journey, in_ci

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# still synchronous, so Django's async-safety guard is relaxed for these modules.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if in_ci():
            pytest.fail("CI=true but Chromium is not installed: browser tests cannot run.")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    # Here, not at the top: collecting the suite needs no browser driver.
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Playwright leaves an event loop running in this thread, and from then on Django hands
        # out other connection objects; the contents the migrations left, which serialized
        # rollback restores, belong with them too, or every later transactional test starts
        # from an empty database.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_site(browser, tmp_path_factory):
    """The demo content served by its own ``runserver`` process, shared by the session: the
    journeys run in file order, each leaving the site as a person would."""
    site = DemoSite(tmp_path_factory.mktemp("demo-site")).start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture
def journey(request):
    return Journey(request.node.name.removeprefix("test_"))
