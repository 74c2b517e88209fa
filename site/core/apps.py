from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from jingjian.core import auth_version, page_cache, review


class CoreConfig(AppConfig):
    name = "jingjian.core"
    label = "core"
    verbose_name = "站点基础"

    def ready(self):
        # In ready(): each of these imports wagtail.models (content_types through visibility),
        # which raises AppRegistryNotReady while the app registry is still loading.
        from wagtail.models import Page
        from wagtail.permissions import register_permission_policy

        from jingjian.core import admin_access, admin_titles, content_types, visibility

        # Before Wagtail's admin asks for a page policy (it would make a fallback one).
        register_permission_policy(Page, admin_access.AccessControlledPagePolicy(Page))
        # Exact class: Wagtail's image and document apps register theirs after this one.
        for model, policy in admin_access.media_policies():
            register_permission_policy(model, policy, exact_class=True)
        review.connect()
        admin_titles.install()
        # Any write in a request forgets its shared resolution of the restrictions: a saved or
        # deleted restriction, its groups, a moved page or a new alias all change it.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(
                visibility.forget_restriction_roots, dispatch_uid=f"jingjian_forget_roots_{signal}"
            )
        page_cache.connect()
        # The triggers behind the reader cards, back after any migration that rebuilt a table.
        post_migrate.connect(
            auth_version.after_migrate, sender=self, dispatch_uid="jingjian_auth_version"
        )
        content_types.register_taxonomy("core.WorkArea", order=20)
