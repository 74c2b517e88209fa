"""The study list's add/edit form as the admin posts it (the list's fields and its items'
inline formset), for the study tests that submit it."""

import datetime

from django.utils import timezone


def study_list_form(title, pages, groups=(), units=(), deadline=None, note=""):
    """POST data for a study list of ``pages`` (pages, or whatever a forged post would send as
    their ids), in that order, assigned to ``groups`` and ``units``; due in a week unless
    ``deadline`` is given."""
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "title": title,
        "deadline": deadline.isoformat(),
        "note": note,
        "groups": [g.pk for g in groups],
        "units": [u.pk for u in units],
        "items-TOTAL_FORMS": str(len(pages)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, page in enumerate(pages):
        data.update(
            {
                f"items-{n}-page": getattr(page, "pk", page),
                f"items-{n}-ORDER": str(n + 1),
                f"items-{n}-id": "",
            }
        )
    return data
