"""Who sees which page in the admin: the page explorer, search, choosers, history, revisions,
previews, reports and every page action.

A user who is not a superuser may not see, in the admin, a page that

- is restricted (限定) to groups they are not in, as ``visibility`` decides for readers, unless
  the page is waiting at a review step they are asked to approve (the reviewers must read what
  they approve), or
- another app hides from them (``register_hidden_pages``): the case-study app hides drafts made
  from a case file from everyone outside 纪检监察 until they pass the anonymization gate.

Hidden pages are left out of every listing (``AccessControlledPagePolicy.explorable_instances``
and the queries built on it: the explorer, its menu, admin search, the site history, workflow
reports) and every page action answers "no" for them (``AccessControlledPermissionTester``):
edit, view draft, preview, history, revisions, compare, usage, move, copy, delete, privacy, lock.

Page types get the tester through ``AccessControlledPage`` (a system check, ``jingjian.E001``,
refuses a page type without it). Images and documents follow ``visibility.can_see_media`` in the
admin too (``VisibleMediaPermissionPolicy``): a collection permission granted on the root does not
reach into a collection the user may not see, so its files are neither listed, chosen, previewed,
edited nor moved by them. ``AdminGuardMiddleware`` answers 404 to any admin address naming a page
or a file the user may not see (the explorer of a hidden page showed its title) and leaves such
ids out of bulk actions (their confirmation listed them by title). The same module answers who may take a live page down: its
reviewers (members of a group assigned to a step of its workflow), as no group holds Wagtail's
``publish`` permission (``jingjian.core.review``).
"""

import re

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import Http404
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.blocks import RichTextBlock, StreamValue
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PagePermissionTester,
    TaskState,
    WorkflowState,
)
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

from jingjian.core import visibility

_hidden_page_providers = []
_CACHE = "_jingjian_admin_hidden_ids"


def register_hidden_pages(provider):
    """Register ``provider(user) -> Q | None``: pages (as a ``Q`` over ``Page``) to hide from
    ``user`` in the admin, on top of the visibility rule. Used as a decorator by feature apps."""
    _hidden_page_providers.append(provider)
    return provider


def _group_ids(user):
    if user.pk is None:
        return set()
    return set(user.groups.values_list("pk", flat=True))


def review_steps(user):
    """The steps (``TaskState``s) of page workflows waiting for ``user`` to approve them: in
    progress, at a step one of their groups approves (every step, for a superuser). One query,
    whatever it is used for: the pages a reviewer may see while they wait, the dashboard."""
    steps = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        task__active=True,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
        workflow_state__base_content_type__app_label="wagtailcore",
        workflow_state__base_content_type__model="page",
    )
    if not user.is_active or user.pk is None:
        return steps.none()
    if user.is_superuser:
        return steps
    tasks = GroupApprovalTask.objects.filter(groups__user=user).values("pk")
    return steps.filter(task__in=tasks)


def pages_to_review(user):
    """Ids of pages waiting at a workflow step that ``user``'s groups approve."""
    if user.is_superuser or not _group_ids(user):  # superusers see every page anyway
        return set()
    steps = review_steps(user).values_list("workflow_state__object_id", flat=True)
    return {int(object_id) for object_id in steps}


def hidden_q(user):
    """A ``Q`` over pages ``user`` may not see in the admin, or ``None`` when there are none."""
    if not user.is_active:
        return Q(pk__isnull=False)
    if user.is_superuser:
        return None
    q = None
    restricted = visibility.hidden_q(user)
    if restricted is not None:
        q = restricted & ~Q(pk__in=pages_to_review(user))
    for provider in _hidden_page_providers:
        extra = provider(user)
        if extra is not None:
            q = extra if q is None else q | extra
    return q


def hidden_ids(user):
    """The ids of pages hidden from ``user``, worked out once per request (cached on the user
    object, as Wagtail caches page permissions)."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        q = hidden_q(user)
        cached = set() if q is None else set(Page.objects.filter(q).values_list("pk", flat=True))
        setattr(user, _CACHE, cached)
    return cached


def forget(user):
    """Drop ``user``'s cached answer (after something it depends on changed in this request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def can_see_in_admin(page, user):
    return user.is_active and (user.is_superuser or page.pk not in hidden_ids(user))


def reviews(page, user):
    """Whether ``user`` is a reviewer of ``page``: in a group assigned to a step of its workflow."""
    workflow = page.get_workflow()
    if workflow is None:
        return False
    tasks = GroupApprovalTask.objects.filter(
        pk__in=[task.pk for task in workflow.tasks], groups__in=_group_ids(user)
    )
    return tasks.exists()


class AccessControlledPermissionTester(PagePermissionTester):
    """Wagtail's answers, except that a page hidden from the user allows nothing, and a page's
    reviewers may take it down (撤下) or cancel its scheduled publication."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.hidden = not can_see_in_admin(page, user)

    def __getattribute__(self, name):
        if name.startswith("can_") and object.__getattribute__(self, "__dict__").get("hidden"):
            return _refuse
        return object.__getattribute__(self, name)

    def can_unpublish(self):
        if super().can_unpublish():
            return True
        return (
            self.user.is_active
            and self.page.live
            and not self.page_is_root
            and not self.page_locked()
            and reviews(self.page, self.user)
        )

    def can_unschedule(self):
        return super().can_unschedule() or (self.user.is_active and reviews(self.page, self.user))


def _refuse(*args, **kwargs):
    return False


def _kind(model):
    """The model a reference is checked against: pages, images, documents, or ``None``."""
    if isinstance(model, type):
        if issubclass(model, Page):
            return Page
        for kind in (get_image_model(), get_document_model()):
            if issubclass(model, kind):
                return kind
    return None


def _references(model, values):
    """(kind, pk) of every page, image and document named by ``values`` (a field name → value
    map of ``model``): foreign keys, many-to-many fields, StreamField blocks (image, document
    and page choosers) and rich text (page and document links, embedded images)."""
    for name, value in values.items():
        if value in (None, "", []):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if hasattr(field, "extract_references"):
            for to_model, pk, _, _ in field.extract_references(value):
                if _kind(to_model) is not None:
                    yield _kind(to_model), str(pk)
        elif field.is_relation and _kind(field.related_model) is not None:
            many = value if field.many_to_many else [value]
            for item in many:
                yield _kind(field.related_model), str(getattr(item, "pk", item))


def _held_references(form):
    """What the object behind ``form`` (and each child form's object) names before the edit."""
    model = form._meta.model
    values = {}
    for name in form.fields:
        try:
            values[name] = model._meta.get_field(name).value_from_object(form.instance)
        except (FieldDoesNotExist, AttributeError, ValueError):
            continue
    held = set(_references(model, values))
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            held |= _held_references(child)
    return held


def _chosen_references(form):
    """What ``form``'s cleaned data (and its child forms', less those marked deleted) names."""
    if not hasattr(form, "cleaned_data"):
        return set()
    chosen = set(_references(form._meta.model, form.cleaned_data))
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            # Private API: Django 5.2's BaseFormSet._should_delete_form
            # (pinned: tests/search/test_library_overrides.py).
            if not (formset.can_delete and formset._should_delete_form(child)):
                chosen |= _chosen_references(child)
    return chosen


def _hidden_references(references, user):
    """Those of ``references`` naming a page, image or document ``user`` may not see."""
    hidden = set()
    by_kind = {}
    for kind, pk in references:
        if pk.isdigit():
            by_kind.setdefault(kind, set()).add(int(pk))
    for kind, ids in by_kind.items():
        if kind is Page:
            unseen = ids & hidden_ids(user) if not user.is_superuser else set()
        else:
            unseen = _hidden_media_ids(kind, ids, user)
        hidden |= {(kind, str(pk)) for pk in unseen}
    return hidden


def _without_references(text, unseen):
    """Rich text with the links to, and embeds of, ``unseen`` taken out (link text kept)."""
    kinds = {"page": Page, "document": get_document_model(), "image": get_image_model()}

    def names_unseen(attrs, type_key):
        return (kinds.get(attrs.get(type_key)), attrs.get("id", "")) in unseen

    parts, position = [], 0
    for match in FIND_A_TAG.finditer(text):
        if names_unseen(extract_attrs(match.group(1)), "linktype"):
            end = text.find("</a>", match.end())
            parts += [text[position : match.start()], text[match.end() : end if end >= 0 else None]]
            position = end + len("</a>") if end >= 0 else len(text)
    text = "".join(parts) + text[position:]
    return FIND_EMBED_TAG.sub(
        lambda m: "" if names_unseen(extract_attrs(m.group(1)), "embedtype") else m.group(0), text
    )


def _scrubbed(model_field, value, initial, unseen):
    """``value`` as the form shows it again, without what names ``unseen``: a chosen item goes
    back to what the field held; a block naming it is left out, rich text loses the link."""
    if isinstance(model_field, StreamField) and value is not None:
        children = []
        for child in value:
            named = {
                (_kind(m), str(pk)) for m, pk, _, _ in child.block.extract_references(child.value)
            }
            if not named & unseen:
                children.append((child.block_type, child.value, child.id))
            elif isinstance(child.block, RichTextBlock):
                text = _without_references(child.value.source, unseen)
                children.append((child.block_type, RichText(text), child.id))
        return StreamValue(value.stream_block, children)
    if isinstance(model_field, RichTextField):
        return _without_references(value or "", unseen)
    return initial


def _scrub(form, unseen):
    """Make ``form`` (and its child forms) show its bound values again without ``unseen``."""
    if hasattr(form, "cleaned_data"):
        model = form._meta.model
        for name, field in form.fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            # Private API: Django 5.2's BaseForm._widget_data_value
            # (pinned: tests/search/test_library_overrides.py).
            value = form._widget_data_value(field.widget, form.add_prefix(name))
            try:
                named = set(_references(model, {name: field.clean(value)}))
            except Exception:  # noqa: BLE001 - a value that does not clean names nothing here
                continue
            if named & unseen:
                field.bound_data = lambda data, initial, model_field=model_field: _scrubbed(
                    model_field, data, initial, unseen
                )
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            _scrub(child, unseen)


UNREADABLE_CHOICE = "表单里有选择框的值不是有效的编号，已清空。请在选择器中重新选择，再保存。"


def _chooser_keys(form_class):
    """The posted names of ``form_class``'s chooser fields (a chosen page, image, document or
    snippet), its child forms' included: ``portrait``, ``items-3-case_study``."""
    names = [
        re.escape(name)
        for name, field in form_class.base_fields.items()
        if isinstance(field.widget, BaseChooser)
    ]
    for prefix, formset in getattr(form_class, "formsets", {}).items():
        names += [
            rf"{re.escape(prefix)}-\d+-{re.escape(name)}"
            for name, field in formset.form.base_fields.items()
            if isinstance(field.widget, BaseChooser)
        ]
    return re.compile("|".join(names)) if names else None


def readable_choices(form_class, data):
    """``data`` with every chooser field that holds no id (“abc”, “²”, 30 digits: only a
    hand-made form sends one) left empty, and the names left empty (the form then refuses to
    save). Every admin form that draws choosers asks it: the page forms here, the study list's. Wagtail's chooser, drawn again with the form's
    errors, would look such a value up and fail (a 500); empty, the field says what it needs."""
    if data is None:
        return data, []
    keys = _chooser_keys(form_class)
    if keys is None:
        return data, []
    bad = [key for key in data if keys.fullmatch(key) and not _is_id(data.get(key))]
    if not bad:
        return data, []
    data = data.copy()
    for key in bad:
        data[key] = ""
    return data, bad


def _is_id(value):
    value = str(value or "").strip()
    return not value or (value.isascii() and value.isdigit() and len(value) <= 18)


class AccessControlledPageForm(WagtailAdminPageForm):
    """Every page form: nothing it saves may name a page, an image or a document hidden from
    the user who saves it — not a picture chosen by id, an image block, a link in rich text, a
    child row — or the edit form and its history would show that item's title, alt text and
    address to them. What the page named before this edit stays (someone who may see it put it
    there), so a page can still be edited around it. A refused form is shown again without the
    hidden items (a chooser shows its value before the edit), so it names none of them."""

    def __init__(self, data=None, *args, **kwargs):
        data, self._unreadable = readable_choices(type(self), data)
        super().__init__(data, *args, **kwargs)
        self._held = _held_references(self)

    def clean(self):
        cleaned_data = super().clean()
        if self._unreadable:
            self.add_error(
                None, "表单里有选择框的值不是有效的编号，已清空。请在选择器中重新选择，再保存。"
            )
        return cleaned_data

    def is_valid(self):
        valid = super().is_valid()
        user = self.for_user
        if user is None or user.is_superuser:
            return valid
        unseen = _hidden_references(_chosen_references(self) - self._held, user)
        if not unseen:
            return valid
        names = {Page: "页面", get_image_model(): "图片", get_document_model(): "文档"}
        listed = "、".join(
            f"{names.get(kind, '内容')}（编号 {pk}）"
            for kind, pk in sorted(unseen, key=lambda item: (str(item[0]), item[1]))
        )
        _scrub(self, unseen)
        self.add_error(
            None,
            f"本页引用了您无权查看的{listed}，已从表单中去掉。请检查照片、正文中的图片和链接，"
            "改选您能在选择器中看到的页面和文件，然后再保存。",
        )
        return False


class AccessControlledPage:
    """Mixin for every page type: the admin asks ``AccessControlledPermissionTester``, and its
    form refuses to save a reference to anything hidden from the editor."""

    base_form_class = AccessControlledPageForm

    def permissions_for_user(self, user):
        return AccessControlledPermissionTester(user, self)


class AccessControlledPagePolicy(PagePermissionPolicy):
    """Wagtail's page policy, with hidden pages left out of every listing and answer."""

    def _without_hidden(self, queryset, user):
        ids = hidden_ids(user)
        return queryset.exclude(pk__in=ids) if ids else queryset

    def explorable_instances(self, user):
        return self._without_hidden(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return self._without_hidden(
            super().instances_user_has_any_permission_for(user, actions), user
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not can_see_in_admin(instance, user):
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def users_with_any_permission_for_instance(self, actions, instance, include_superusers=True):
        # Notifications go to these users: never to someone who may not see the page.
        users = super().users_with_any_permission_for_instance(
            actions, instance, include_superusers
        )
        allowed = [user.pk for user in users if can_see_in_admin(instance, user)]
        return users.filter(pk__in=allowed)


def chooser_queryset(pages, request):
    """Wagtail's ``construct_page_chooser_queryset`` hook: the chooser lists every page else."""
    ids = hidden_ids(request.user)
    return pages.exclude(pk__in=ids) if ids else pages


def explorer_queryset(parent_page, pages, request):
    """Wagtail's ``construct_explorer_page_queryset`` hook (the explorer and its menu)."""
    return chooser_queryset(pages, request)


class VisibleMediaPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's policy for images and documents, narrowed to what ``visibility`` lets the user
    see: a permission never reaches a file, or a collection, hidden from the user."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not visibility.can_see_media(instance, user):
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return visibility.visible_media(instances, user)

    def collections_user_has_any_permission_for(self, user, actions):
        collections = super().collections_user_has_any_permission_for(user, actions)
        hidden = visibility.hidden_collections_q(user)
        return collections.exclude(hidden) if hidden is not None else collections

    def users_with_any_permission_for_instance(self, actions, instance):
        users = super().users_with_any_permission_for_instance(actions, instance)
        allowed = [user.pk for user in users if visibility.can_see_media(instance, user)]
        return users.filter(pk__in=allowed)


def media_policies():
    """(model, policy) for images and documents, as Wagtail builds them, narrowed."""
    return [
        (
            get_image_model(),
            VisibleMediaPermissionPolicy(
                get_image_model(),
                auth_model="wagtailimages.Image",
                owner_field_name="uploaded_by_user",
            ),
        ),
        (
            get_document_model(),
            VisibleMediaPermissionPolicy(
                get_document_model(),
                auth_model="wagtaildocs.Document",
                owner_field_name="uploaded_by_user",
            ),
        ),
    ]


# Admin addresses: the URL keyword arguments that name a page; the namespaces whose ``pk``,
# ``image_id`` or ``document_id`` names an image or a document.
_PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
_MEDIA_NAMESPACES = {
    "wagtailimages": get_image_model,
    "wagtailimages_chooser": get_image_model,
    "wagtaildocs": get_document_model,
    "wagtaildocs_chooser": get_document_model,
}
_MEDIA_KWARGS = ("image_id", "document_id", "pk")
# A reviewer's approve/reject of a step they are assigned: Wagtail asks the task itself, shows
# no page content, and a refusal by the gate is said in the words meant for that reviewer
# (``casestudies.gate.message_for``). Previews of the step stay guarded.
_WORKFLOW_ACTIONS = {"workflow_action", "collect_workflow_action_data"}


def _names(pk, hidden):
    """Whether the id ``pk`` (as the URL gives it) is one of ``hidden``; a non-number is."""
    return not str(pk).isdigit() or int(pk) in hidden


def _hidden_media_ids(model, ids, user):
    visible = visibility.visible_media(model.objects.filter(pk__in=ids), user)
    return set(ids) - set(visible.values_list("pk", flat=True))


def _guarded(match, namespaces, view_kwargs):
    """Whether ``AdminGuardMiddleware.process_view`` has anything to ask of this view: an
    address naming a page or a file, a chooser's or bulk action's list of ids, the page-types
    report. Every other view is left alone without asking the user's permissions (two queries
    on each of a logged-in reader's requests)."""
    return (
        any(k in view_kwargs for k in _PAGE_KWARGS)
        or bool(namespaces & {"wagtailadmin_pages", "wagtailadmin_reports"})
        or bool(namespaces & set(_MEDIA_NAMESPACES))
        or match.url_name in ("wagtailadmin_choose_page_chosen_multiple", "wagtail_bulk_action")
    )


class AdminGuardMiddleware:
    """Every admin address that names a page or a file asks this module first.

    Wagtail's views check their own permissions, but some show a title before asking (the
    explorer of any page id; a bulk action's list of items the user may not act on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or user.is_superuser:
            return None
        namespaces = set(match.namespaces)
        if not _guarded(match, namespaces, view_kwargs):
            return None  # nothing below would look (a reader's page, their study mark)
        if not user.has_perm("wagtailadmin.access_admin"):
            return None  # the admin turns them away itself (to its login page)
        if match.url_name in _WORKFLOW_ACTIONS:
            return None
        ids = [view_kwargs[k] for k in _PAGE_KWARGS if k in view_kwargs]
        if "wagtailadmin_pages" in namespaces and "pk" in view_kwargs:
            ids.append(view_kwargs["pk"])
        if "wagtailadmin_pages" in namespaces and match.url_name == "copy":
            ids += request.POST.getlist("new_parent_page")  # where the copy goes
        if any(str(pk).isdigit() and int(pk) in hidden_ids(user) for pk in ids):
            raise Http404
        for namespace, model in _MEDIA_NAMESPACES.items():
            if namespace not in namespaces:
                continue
            for kwarg in _MEDIA_KWARGS:
                pk = str(view_kwargs.get(kwarg, ""))
                if pk.isdigit() and _hidden_media_ids(model(), [int(pk)], user):
                    raise Http404
            if match.url_name == "chosen_multiple":  # ?id=…&id=…
                ids = [int(pk) for pk in request.GET.getlist("id") if pk.isdigit()]
                hidden = _hidden_media_ids(model(), ids, user)
                query = request.GET.copy()
                query.setlist("id", [str(pk) for pk in ids if pk not in hidden])
                request.GET = query
        if match.url_name == "wagtailadmin_choose_page_chosen_multiple":  # ?id=…&id=…
            hidden = hidden_ids(user)
            query = request.GET.copy()
            query.setlist("id", [pk for pk in request.GET.getlist("id") if not _names(pk, hidden)])
            request.GET = query
        if "wagtailadmin_reports" in namespaces and match.url_name == "page_types_usage":
            # Its counts and "last edited page" are read from every page, hidden ones included.
            raise Http404
        if match.url_name == "wagtail_bulk_action":
            self._narrow_bulk_action(request, view_kwargs, user)
        return None

    def _narrow_bulk_action(self, request, kwargs, user):
        """Leave out of a bulk action's ids those naming something hidden from ``user``."""
        try:
            model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
        except LookupError:
            return
        action_class = bulk_action_registry.get_bulk_action_class(
            kwargs["app_label"], kwargs["model_name"], kwargs["action"]
        )
        if action_class is None:
            return
        raw = request.GET.getlist("id")
        if "all" in raw:
            parent = request.GET.get("childOf")
            if model is Page and parent and parent.isdigit() and int(parent) in hidden_ids(user):
                raise Http404
            try:
                listing = action_class(request, model).get_all_objects_in_listing_query(parent)
                ids = list(listing)
            except (ValueError, model.DoesNotExist) as error:
                raise Http404 from error
        else:
            ids = [int(pk) for pk in raw if pk.isdigit()]
        if issubclass(model, Page):
            hidden = hidden_ids(user)
        elif issubclass(model, (get_image_model(), get_document_model())):
            hidden = _hidden_media_ids(model, ids, user)
        else:
            return
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in ids if pk not in hidden])
        request.GET = query


@checks.register()
def every_page_type_is_access_controlled(app_configs, **kwargs):
    errors = []
    for model in apps.get_models():
        if (
            issubclass(model, Page)
            and model is not Page
            and not issubclass(model, AccessControlledPage)
        ):
            errors.append(
                checks.Error(
                    f"{model._meta.label} does not inherit AccessControlledPage: the admin would "
                    "show it to users who may not see it.",
                    hint="Add jingjian.core.admin_access.AccessControlledPage to its bases.",
                    obj=model,
                    id="jingjian.E001",
                )
            )
        elif (
            issubclass(model, Page)
            and model is not Page
            and not issubclass(
                getattr(model, "base_form_class", AccessControlledPageForm),
                AccessControlledPageForm,
            )
        ):
            errors.append(
                checks.Error(
                    f"{model._meta.label}'s base_form_class does not inherit "
                    "AccessControlledPageForm: an editor could save a reference to a page or a "
                    "file hidden from them.",
                    hint="Derive its form from jingjian.core.admin_access.AccessControlledPageForm.",
                    obj=model,
                    id="jingjian.E002",
                )
            )
    return errors
