"""The study list's form (学习任务): pages chosen by id are checked against the one who saves
(``completion.list_problems``), and a page hidden from them is taken out of the posted data
before the form is drawn again, so its chooser cannot show its title."""

import re

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page

from jingjian.core import admin_access, visibility
from study.completion import list_problems

ITEM_PAGE = re.compile(r"items-(\d+)-page")


class StudyListForm(WagtailAdminModelForm):
    def __init__(self, data=None, *args, for_user=None, **kwargs):
        self.unseen_items = set()
        # A chooser posted no id (“abc”, “²”) is emptied and refused, as on every page form.
        data, self._unreadable = admin_access.readable_choices(type(self), data)
        if data is not None and for_user is not None:
            data = self._without_hidden_pages(data, for_user)
        super().__init__(data, *args, for_user=for_user, **kwargs)

    def _without_hidden_pages(self, data, user):
        """``data`` with each item's page blanked when it names a page ``user`` may not see
        (the chooser, drawn again, would show its title)."""
        posted = {key: int(data[key]) for key in data if ITEM_PAGE.fullmatch(key) and data.get(key)}
        pages = Page.objects.filter(pk__in=set(posted.values())).only("pk", "path")
        seen = {p.pk for p in pages if visibility.can_see_page(p, user)}
        existing = {p.pk for p in pages}
        hidden = {key for key, pk in posted.items() if pk in existing and pk not in seen}
        if not hidden:
            return data
        data = data.copy()
        for key in hidden:
            data[key] = ""
        self.unseen_items = {int(ITEM_PAGE.fullmatch(key)[1]) for key in hidden}
        return data

    def clean(self):
        cleaned_data = super().clean()
        if self._unreadable:
            self.add_error(None, admin_access.UNREADABLE_CHOICE)
        if self.unseen_items:
            self.add_error(
                None,
                "所选页面中有您无权查看的页面，已从表单中去掉。请改选您能在选择器中看到的页面。",
            )
        formset = self.formsets.get("items")
        if formset is None or not formset.is_valid() or self.for_user is None:
            return cleaned_data
        rows = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        rows.sort(key=lambda row: row.get("ORDER") or 0)
        pages = [row["page"] for row in rows if row.get("page")]
        groups = list(cleaned_data.get("groups") or [])
        units = list(cleaned_data.get("units") or [])
        for problem in list_problems(pages, groups, self.for_user, units):
            self.add_error(None, problem)
        return cleaned_data
