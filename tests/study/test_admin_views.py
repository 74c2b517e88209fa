"""The study lists' listing offers 编辑 and 删除 only on the lists its viewer may change: a list
holding a page the viewer may not see answers its edit and delete with a 403, so its row has no
way there (nor a title linked to its edit page), per group."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from study.models import StudyList, StudyListItem
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


def study_list(title, pages, group):
    made = StudyList.objects.create(
        title=title, deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    made.groups.set([Group.objects.get(name=group)])
    made.save()
    for n, page in enumerate(pages):
        StudyListItem.objects.create(study_list=made, page=page, sort_order=n)
    return made


@pytest.fixture
def lists(make_page_visible):
    secret = make_page_visible(CaseStudyPageFactory(), "restricted", ["纪检监察"])
    open_page = CaseStudyPageFactory()
    return {
        "restricted": study_list("纪检监察专题学习", [secret, open_page], "纪检监察"),
        "open": study_list("全体干部学习", [open_page], "读者"),
    }


def row_of(body, title):
    start = body.index(title)
    start = body.rindex("<tr", 0, start)
    return body[start : body.index("</tr>", start)]


@pytest.mark.parametrize(
    ("who", "may_change_restricted"),
    [("editor", False), ("discipline_user", True), ("superuser", True)],
)
def test_edit_and_delete_show_only_on_lists_the_viewer_may_change(
    client, request, lists, who, may_change_restricted
):
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("study_lists:index")).content.decode()
    for name, made in lists.items():
        row = row_of(body, made.title)
        edit = reverse("study_lists:edit", args=[made.pk])
        delete = reverse("study_lists:delete", args=[made.pk])
        shown = may_change_restricted if name == "restricted" else True
        assert (f'href="{edit}"' in row) is shown, (who, name)
        assert (f'href="{delete}"' in row) is shown, (who, name)
        # The completion report stays offered: it shows only what the viewer may see.
        assert reverse("study_lists:report", args=[made.pk]) in row
        # What the row offers is what the click gives.
        assert (client.get(edit).status_code == 200) is shown, (who, name)
        assert (client.get(delete).status_code == 200) is shown, (who, name)
