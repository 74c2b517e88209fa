"""Who is assigned what, and how far they are: plain functions over study lists and records.

A list is assigned to every active user in one of its groups or whose profile's unit is one of
its units. What a person is assigned is the list's live pages *they may see* (a page hidden from
them is never listed to them nor counted against them). A person is done with a list when they
have marked every such page 已学习; overdue when the deadline has passed and they are not done.
"""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from jingjian.core import visibility
from study import marks
from study.models import OfficialProfile, StudyList, StudyRecord


def today():
    return timezone.localdate()


def assignees(study_list):
    """Active users the list is assigned to (by group or by unit)."""
    group_ids = [g.pk for g in study_list.groups.all()]
    unit_ids = [u.pk for u in study_list.units.all()]
    if not group_ids and not unit_ids:
        return get_user_model().objects.none()
    who = Q(groups__in=group_ids) | Q(official_profile__unit__in=unit_ids)
    return (
        get_user_model()
        .objects.filter(who, is_active=True)
        .distinct()
        .select_related("official_profile__unit")
        .order_by("official_profile__unit__name", "username")
    )


def lists_for(user):
    """The study lists assigned to ``user``, nearest deadline first."""
    if not user.is_authenticated:
        return StudyList.objects.none()
    profile = OfficialProfile.objects.filter(user=user).first()
    unit_id = profile.unit_id if profile else None
    who = Q(groups__in=user.groups.all())
    if unit_id:
        who |= Q(units=unit_id)
    return StudyList.objects.filter(who).distinct().order_by("deadline", "title")


class _Scopes:
    """Which of a list's pages each user may see, asked once per set of groups (who sees what
    depends on nothing else, ``visibility._user_passes``), so a report of many people asks the
    visibility module a few times, not once per person."""

    def __init__(self, page_ids):
        self.page_ids = page_ids
        self.roots = visibility.restriction_roots()
        self.pages = list(Page.objects.live().filter(pk__in=page_ids).only("pk", "path"))
        self.known = {}

    def visible(self, user):
        # ``groups.all()``: the report prefetches them, so a person costs no query here.
        key = (user.is_superuser, frozenset(g.pk for g in user.groups.all()))
        if key not in self.known:
            self.known[key] = {
                p.pk for p in self.pages if visibility.can_see_page(p, user, self.roots)
            }
        return self.known[key]


@dataclasses.dataclass
class Item:
    page: Page
    studied_at: datetime.datetime | None


@dataclasses.dataclass
class Assignment:
    """One list as one reader sees it."""

    study_list: StudyList
    items: list
    overdue: bool

    @property
    def done(self):
        return bool(self.items) and all(i.studied_at for i in self.items)

    @property
    def done_count(self):
        return sum(1 for i in self.items if i.studied_at)


def assignments_for(user, on=None):
    """Each list assigned to ``user`` with its pages they may see, in the list's order, and
    when they marked each."""
    on = on or today()
    study_lists = list(lists_for(user).prefetch_related("items__page"))
    page_ids = {i.page_id for sl in study_lists for i in sl.items.all()}
    scopes = _Scopes(page_ids)
    visible = scopes.visible(user)
    marked = dict(
        StudyRecord.objects.filter(
            user=user, page_id__in=page_ids, studied_at__isnull=False
        ).values_list("page_id", "studied_at")
    )
    result = []
    for study_list in study_lists:
        items = [
            Item(i.page, marked.get(i.page_id))
            for i in study_list.items.all()
            if i.page_id in visible
        ]
        assignment = Assignment(study_list, items, overdue=False)
        assignment.overdue = study_list.deadline < on and not assignment.done
        result.append(assignment)
    return result


@dataclasses.dataclass
class PersonRow:
    user: object
    unit: str
    post: str
    assigned: int
    done: int
    overdue: bool

    @property
    def name(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def complete(self):
        return self.done >= self.assigned


@dataclasses.dataclass
class UnitRow:
    unit: str
    persons: int = 0
    complete: int = 0
    overdue: int = 0
    assigned: int = 0
    done: int = 0

    @property
    def rate(self):
        """Share of the unit's people who finished, in per cent (a whole number)."""
        return round(100 * self.complete / self.persons) if self.persons else 0


NO_UNIT = "未填单位"


def completion(study_list, viewer, on=None):
    """Per person and per unit: pages assigned, marked, overdue. Only pages ``viewer`` may see
    count (a report never names what its reader may not see); each person counts only the
    pages they may see themselves."""
    on = on or today()
    page_ids = [i.page_id for i in study_list.items.all()]
    scopes = _Scopes(page_ids)
    shown = scopes.visible(viewer)
    people = list(assignees(study_list).prefetch_related("groups"))
    marked = {}
    for user_id, page_id in StudyRecord.objects.filter(
        user__in=[p.pk for p in people], page_id__in=shown, studied_at__isnull=False
    ).values_list("user_id", "page_id"):
        marked.setdefault(user_id, set()).add(page_id)
    persons, units = [], {}
    for person in people:
        theirs = scopes.visible(person) & shown
        done = len(theirs & marked.get(person.pk, set()))
        profile = getattr(person, "official_profile", None)
        unit = profile.unit.name if profile and profile.unit else NO_UNIT
        row = PersonRow(
            person,
            unit,
            profile.post if profile else "",
            len(theirs),
            done,
            overdue=study_list.deadline < on and done < len(theirs),
        )
        persons.append(row)
        totals = units.setdefault(unit, UnitRow(unit))
        totals.persons += 1
        totals.complete += row.complete
        totals.overdue += row.overdue
        totals.assigned += row.assigned
        totals.done += row.done
    return {
        "pages": [i.page for i in study_list.items.all() if i.page_id in shown],
        "persons": persons,
        "units": sorted(units.values(), key=lambda u: (u.unit == NO_UNIT, u.unit)),
        "overdue": study_list.deadline < on,
    }


def pages_hidden_from(study_list, user):
    """Ids of the list's pages ``user`` may not see (live or not): someone who may not see one
    of them does not edit or delete the list, whose form would show its title."""
    ids = {i.page_id for i in study_list.items.all()}
    if not ids:
        return set()
    seen = visibility.visible_pages(Page.objects.filter(pk__in=ids), user)
    return ids - set(seen.values_list("pk", flat=True))


def visible_item_count(study_list, user):
    """How many of the list's pages ``user`` may see (the 篇数 they are shown)."""
    return len({i.page_id for i in study_list.items.all()} - pages_hidden_from(study_list, user))


def _unit_members(units):
    """{unit: its active members} (by their profiles), each with their groups."""
    members = {unit.pk: [] for unit in units}
    people = (
        get_user_model()
        .objects.filter(is_active=True, official_profile__unit__in=[u.pk for u in units])
        .select_related("official_profile")
        .prefetch_related("groups")
    )
    for person in people:
        members[person.official_profile.unit_id].append(person)
    return members


def unit_may_see(page, members, roots=None, known=None):
    """Whether every one of a unit's ``members`` may see ``page`` (``visibility.can_see_page``,
    asked once per set of groups; ``known`` keeps the answers across calls)."""
    known = {} if known is None else known
    for person in members:
        key = (page.pk, person.is_superuser, frozenset(g.pk for g in person.groups.all()))
        if key not in known:
            known[key] = visibility.can_see_page(page, person, roots)
        if not known[key]:
            return False
    return True


def list_problems(pages, groups, user, units=()):
    """Why a study list of ``pages`` (in order) assigned to ``groups`` and ``units`` may not be
    saved by ``user``, as Chinese sentences naming each page by its place (第2篇) and, when
    ``user`` may see it, its title: a page of a type that takes no mark, a page hidden from
    ``user`` (the form would show its title), a page one of ``groups`` may not see, or some
    member of one of ``units`` may not see (never listed to them)."""
    roots = visibility.restriction_roots()
    studied = tuple(marks.studied_types())
    members = _unit_members(units) if units else {}
    known = {}
    problems = []
    for number, page in enumerate(pages, start=1):
        if not visibility.can_see_page(page, user, roots):
            problems.append(
                f"第{number}篇是您无权查看的页面，已从表单中去掉。请改选您能在选择器中看到的页面。"
            )
            continue
        if not issubclass(page.specific_class or Page, studied):
            problems.append(
                f"第{number}篇“{page.title}”不是案例、先进典型或通报。"
                "学习任务只能选择这几类页面，请重新选择。"
            )
            continue
        for group in groups:
            if not visibility.group_may_see(page, group, roots):
                problems.append(
                    f"第{number}篇“{page.title}”设有限定查看范围，“{group.name}”组看不到，"
                    "不会列入他们的学习任务。请改选其他页面，或改为分配给能看到它的用户组。"
                )
        for unit in units:
            if not unit_may_see(page, members.get(unit.pk, []), roots, known):
                problems.append(
                    f"第{number}篇“{page.title}”设有限定查看范围，“{unit.name}”单位有人看不到，"
                    "不会列入他们的学习任务。请改选其他页面，或去掉这个单位、"
                    "改为分配给能看到它的用户组。"
                )
    return problems
