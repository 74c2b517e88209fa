"""The groups staff and readers belong to, by the names they see (one constant each).

The migrations create them (``core/0003``; a migration keeps its own copy of the names, as it
must run unchanged however this module changes later)."""

READERS = "读者"  # officials who read the intranet
EDITORS = "编辑"  # 宣传部 editors: write pages, start their review
REVIEWERS = "审核"  # 宣传部 reviewers: approve review steps
DISCIPLINE = "纪检监察"  # discipline inspection: case files, restricted pages, case-study review
ALL = (EDITORS, REVIEWERS, DISCIPLINE, READERS)


_CACHE = "_jingjian_in_discipline_group"


def in_discipline_group(user):
    """Whether ``user`` may read case files (纪检监察, or a superuser).

    Asked once per user object, as Django caches a user's permissions: a listing asks it for
    every row's buttons."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = user.groups.filter(name=DISCIPLINE).exists()
        setattr(user, _CACHE, cached)
    return cached
