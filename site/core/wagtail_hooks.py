"""Admin registration: the taxonomies the apps registered (``content_types``) as one snippet
group and the history entry of direct publishes; page and document serving and the admin's page
listings guarded by the visibility rules; the help menu without Wagtail's links to its online
guide."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from jingjian.core import admin_access, admin_home, content_types, media, serving

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


@hooks.register("construct_help_menu")
def help_menu_without_online_guide(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(ONLINE_HELP_ITEMS)]


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
