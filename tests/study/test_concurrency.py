"""Concurrent posts for one reader and page make one record and lose no second (PostgreSQL:
real concurrent transactions; deselected on SQLite, run in CI's PostgreSQL pass)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from study.models import StudyRecord
from tests.factories import CaseStudyPageFactory, UserFactory

# serialized_rollback: the pages the migrations create come back after any earlier test that
# flushed the tables (a transactional test leaves the database empty).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8


def test_concurrent_marks_and_times_make_one_record(make_page_visible):
    page = CaseStudyPageFactory()
    reader = UserFactory(groups=["读者"])
    barrier = threading.Barrier(THREADS)
    statuses = []

    def post(n):
        client = Client()
        client.force_login(reader)
        barrier.wait()
        try:
            data = {"page": page.pk, "action": "studied" if n % 2 else "time", "seconds": "10"}
            statuses.append(client.post("/study/mark/record/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 我已学习 answers its state (200); reading time alone nothing (204).
    assert sorted(statuses) == [200] * (THREADS // 2) + [204] * (THREADS // 2)
    [record] = StudyRecord.objects.filter(user=reader, page=page)
    assert record.seconds == 10 * (THREADS // 2)
    assert record.studied_at is not None
