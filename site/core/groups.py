"""The groups staff and readers belong to, by the names they see (one constant each).

The migrations create them (``core/0003``; a migration keeps its own copy of the names, as it
must run unchanged however this module changes later)."""

READERS = "读者"  # officials who read the intranet
EDITORS = "编辑"  # 宣传部 editors: write pages, start their review
REVIEWERS = "审核"  # 宣传部 reviewers: approve review steps
DISCIPLINE = "纪检监察"  # discipline inspection: case files, restricted pages, case-study review
ALL = (EDITORS, REVIEWERS, DISCIPLINE, READERS)


def in_discipline_group(user):
    """Whether ``user`` may read case files (纪检监察, or a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=DISCIPLINE).exists()
