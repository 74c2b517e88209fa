"""Admin registration: the taxonomies the apps registered (``content_types``) as one snippet
group and the history entry of direct publishes; page and document serving and the admin's page
listings guarded by the visibility rules; the help menu without Wagtail's links to its online
guide; after a save in the editor, a warning about half-width punctuation in the title and
summary."""

from django.contrib import messages
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from jingjian.core import admin_access, admin_home, content_types, media, serving, typography
from jingjian.core.text import html_to_text

# Registered first of all ``on_serve_page`` hooks (this app comes first), so it is the outermost.
hooks.register("on_serve_page", serving.guard)
# Before Wagtail's own check, which would send a logged-in reader outside the groups to a login
# form in a loop; a password-only collection is left to Wagtail's password form.
hooks.register("before_serve_document", media.document_refusal, order=-1)
hooks.register("construct_page_chooser_queryset", admin_access.chooser_queryset)
hooks.register("construct_explorer_page_queryset", admin_access.explorer_queryset)
hooks.register("construct_homepage_panels", admin_home.homepage_panels)


# Help-menu items that link to guide.wagtail.org (Wagtail 8.0's "What's new in Wagtail 8.0" and
# "Editor Guide"): the intranet cannot reach them. The keyboard shortcuts stay.
ONLINE_HELP_ITEMS = ("whats-new-in-wagtail-", "editor-guide")


@hooks.register("insert_global_admin_js")
def accessible_field_names():
    """Names for the fields Wagtail draws without one (static/js/admin.js)."""
    return format_html('<script src="{}" defer></script>', static("js/admin.js"))


@hooks.register("construct_help_menu")
def help_menu_without_online_guide(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(ONLINE_HELP_ITEMS)]


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_of_half_width_marks(request, page):
    """A gentle warning (the save stands, the text stays as written) when the title or the
    summary has half-width marks beside Chinese (GB/T 15834). Not on the editor's autosaves,
    which answer JSON: the warning waits for a save the editor sees."""
    if not request.accepts("text/html"):
        return
    message = half_width_warning(page)
    if message:
        messages.warning(request, message)


def half_width_warning(page):
    """The warning for a page's title and summary (the field its content type names), or ""."""
    page = page.specific
    fields = {"标题": page.title}
    content_type = content_types.of(page)
    if content_type is not None and content_type.summary_field:
        field = page._meta.get_field(content_type.summary_field)
        fields[str(field.verbose_name)] = html_to_text(getattr(page, field.name, "") or "")
    # Published by this save (no draft waiting): “发布前” no longer fits.
    return typography.warning(fields, live=page.live and not page.has_unpublished_changes)


@hooks.register("register_rich_text_features", order=100)
def public_image_embeds(features):
    """After Wagtail's images app registered its embed handler: ours replaces it."""
    features.register_embed_type(media.PublicImageEmbedHandler)


@hooks.register("register_log_actions")
def review_log_actions(actions):
    actions.register_action(
        "jingjian.publish.direct", "未经审核直接发布", "未经审核流程直接发布了页面"
    )


class TaxonomyViewSet(SnippetViewSet):
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


def taxonomy_group():
    """分类词表: one menu with a viewset per taxonomy the apps registered, in their order."""
    items = tuple(
        type(f"{model.__name__}ViewSet", (TaxonomyViewSet,), {"model": model})
        for model in content_types.taxonomy_models()
    )
    return type(
        "TaxonomyGroup",
        (SnippetViewSetGroup,),
        {"menu_label": "分类词表", "menu_icon": "tag", "menu_order": 300, "items": items},
    )


register_snippet(taxonomy_group())
