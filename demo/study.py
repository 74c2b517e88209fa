"""Demo study records: units and posts for the demo accounts, a few more demo officials, three
study lists (one past its deadline) and marks that leave them partly done, so 我的学习 and the
completion report have something to show. Idempotent: every run writes the same state, with the
deadlines placed around the day it runs."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page

from casestudies.models import CaseStudyPage
from exemplars.models import ExemplarPage
from jingjian.core import groups, visibility
from study.models import OfficialProfile, StudyList, StudyListItem, StudyRecord, Unit

# (username, name, unit, post): invented officials, all 读者, password as the other demo accounts.
DEMO_OFFICIALS = [
    ("liwei", "李伟", "区发展和改革局", "综合科科长"),
    ("zhaomin", "赵敏", "区教育局", "副局长"),
    ("sunhao", "孙浩", "区教育局", "办公室科员"),
    ("zhoujing", "周静", "临江镇人民政府", "副镇长"),
    ("wuqiang", "吴强", "临江镇人民政府", "党政办主任"),
    ("hemei", "何梅", "东湖街道办事处", "社区工作科科长"),
]
# The demo accounts' posts (their units are the DEMO_USERS' units).
DEMO_POSTS = {
    "bianji": "新闻科干事",
    "shenhe": "宣传科科长",
    "jijian": "第一纪检监察室主任",
    "duzhe": "规划科科员",
}
# How far each official got, per list: the number of the list's pages (in order) marked.
PROGRESS = {
    "warning": {"duzhe": 2, "liwei": 4, "zhaomin": 4, "sunhao": 0, "zhoujing": 1, "wuqiang": 4},
    "exemplars": {"zhaomin": 3, "sunhao": 1, "zhoujing": 3, "wuqiang": 0, "hemei": 2},
    "discipline": {"jijian": 1},
}


def load_study(demo_users, password):
    """Write the demo's units, officials, lists and marks; returns (lists, records)."""
    User = get_user_model()
    readers = Group.objects.get(name=groups.READERS)
    people = {}
    for username, _name, unit, _group in demo_users:
        people[username] = (User.objects.get(username=username), unit, DEMO_POSTS[username])
    for username, name, unit, post in DEMO_OFFICIALS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = name, unit
        user.set_password(password)
        user.save()
        user.groups.set([readers])
        people[username] = (user, unit, post)
    for user, unit, post in people.values():
        OfficialProfile.objects.update_or_create(
            user=user, defaults={"unit": Unit.objects.get_or_create(name=unit)[0], "post": post}
        )
    reader = people["duzhe"][0]
    seen_by_readers = visibility.visible_pages(Page.objects.live(), reader)
    cases = list(
        CaseStudyPage.objects.live()
        .filter(pk__in=seen_by_readers.values("pk"))
        .order_by("-date_handled", "pk")[:4]
    )
    exemplars = list(
        ExemplarPage.objects.live().filter(pk__in=seen_by_readers.values("pk")).order_by("pk")[:3]
    )
    restricted = list(
        CaseStudyPage.objects.live().exclude(pk__in=seen_by_readers.values("pk")).order_by("pk")[:2]
    )
    today = timezone.localdate()
    units = {
        name: Unit.objects.get(name=name)
        for name in ("区教育局", "临江镇人民政府", "东湖街道办事处")
    }
    lists = {
        "warning": _list(
            "第一季度警示教育学习",
            today - datetime.timedelta(days=10),
            "集中学习近期查处的不作为不担当典型案例，对照检查，举一反三。",
            cases,
            groups=[readers],
        ),
        "exemplars": _list(
            "学习先进典型 见贤思齐",
            today + datetime.timedelta(days=14),
            "学习身边先进典型的事迹，撰写一篇不少于500字的心得体会。",
            exemplars,
            units=list(units.values()),
        ),
        "discipline": _list(
            "纪检监察干部专题学习",
            today + datetime.timedelta(days=30),
            "限定范围内的典型案例，仅供纪检监察干部学习。",
            restricted or cases[:1],
            groups=[Group.objects.get(name=groups.DISCIPLINE)],
        ),
    }
    written = 0
    for key, study_list in lists.items():
        pages = [item.page for item in study_list.items.all()]
        for username, count in PROGRESS[key].items():
            user = people[username][0]
            for n, page in enumerate(pages):
                studied = n < count
                StudyRecord.objects.update_or_create(
                    user=user,
                    page=page,
                    defaults={
                        "studied_at": timezone.now() - datetime.timedelta(days=3 + n)
                        if studied
                        else None,
                        "seconds": (240 + 97 * n + 31 * len(username))
                        if studied or n == count
                        else 0,
                    },
                )
                written += 1
    return len(lists), written


def _list(title, deadline, note, pages, groups=(), units=()):
    study_list, _ = StudyList.objects.update_or_create(
        title=title, defaults={"deadline": deadline, "note": note}
    )
    StudyListItem.objects.filter(study_list=study_list).delete()
    for order, page in enumerate(pages):
        StudyListItem.objects.create(study_list=study_list, page=page, sort_order=order)
    study_list = StudyList.objects.get(pk=study_list.pk)
    study_list.groups.set(groups)
    study_list.units.set(units)
    study_list.save()  # parental many-to-many relations are written when the list is saved
    return study_list
