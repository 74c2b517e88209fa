"""Groups (编辑, 审核, 纪检监察, 读者), their permissions, the 三审 workflows and media collections."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS, REVIEWERS, DISCIPLINE, READERS = "编辑", "审核", "纪检监察", "读者"

PAGE_PERMS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
CASE_PAGE_PERMS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MEDIA_PERMS = {
    EDITORS: ["add", "change", "choose"],
    REVIEWERS: ["add", "change", "choose", "delete"],
    DISCIPLINE: ["add", "change", "choose"],
}
SNIPPET_PERMS = {
    EDITORS: [("core", "workarea"), ("exemplars", "exemplarcategory")],
    REVIEWERS: [
        ("core", "workarea"),
        ("exemplars", "exemplarcategory"),
        ("casestudies", "problemtype"),
        ("casestudies", "unittype"),
        ("casestudies", "governancepriority"),
    ],
    DISCIPLINE: [
        ("casestudies", "problemtype"),
        ("casestudies", "unittype"),
        ("casestudies", "governancepriority"),
    ],
}


def _perm(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _add_child_collection(Collection, parent, name):
    existing = Collection.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1, name=name
    ).first()
    if existing:
        return existing
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    step = int(last.path[-4:], 36) + 1 if last else 1
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    suffix = ""
    while step:
        step, rem = divmod(step, 36)
        suffix = digits[rem] + suffix
    collection = Collection.objects.create(
        name=name, path=parent.path + suffix.rjust(4, "0"), depth=parent.depth + 1, numchild=0
    )
    parent.numchild += 1
    parent.save(update_fields=["numchild"])
    return collection


def setup(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in [EDITORS, REVIEWERS, DISCIPLINE, READERS]
    }
    access_admin = _perm(apps, "wagtailadmin", "access_admin")
    for name in [EDITORS, REVIEWERS, DISCIPLINE]:
        groups[name].permissions.add(access_admin)
        for app_label, model in SNIPPET_PERMS[name]:
            for action in ["add", "change", "delete"]:
                groups[name].permissions.add(_perm(apps, app_label, f"{action}_{model}"))

    home = Page.objects.get(depth=2, slug="home")
    case_index = Page.objects.get(depth=3, slug="cases", path__startswith=home.path)
    for name, codenames in PAGE_PERMS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page=home, permission=_perm(apps, "wagtailcore", codename)
            )
    for codename in CASE_PAGE_PERMS:
        GroupPagePermission.objects.get_or_create(
            group=groups[DISCIPLINE],
            page=case_index,
            permission=_perm(apps, "wagtailcore", codename),
        )

    root_collection = Collection.objects.get(depth=1)
    for name, actions in MEDIA_PERMS.items():
        for app_label, model in [("wagtailimages", "image"), ("wagtaildocs", "document")]:
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name],
                    collection=root_collection,
                    permission=_perm(apps, app_label, f"{action}_{model}"),
                )
    intranet = _add_child_collection(Collection, root_collection, "内部资料")
    restricted = _add_child_collection(Collection, root_collection, "限定资料")
    if not CollectionViewRestriction.objects.filter(collection=intranet).exists():
        CollectionViewRestriction.objects.create(collection=intranet, restriction_type="login")
    if not CollectionViewRestriction.objects.filter(collection=restricted).exists():
        restriction = CollectionViewRestriction.objects.create(
            collection=restricted, restriction_type="groups"
        )
        restriction.groups.add(groups[DISCIPLINE])

    task_type = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )[0]

    def workflow(name, steps, page):
        flow, created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
        if created:
            for order, (task_name, group_names) in enumerate(steps):
                task = GroupApprovalTask.objects.create(
                    name=task_name, active=True, content_type=task_type
                )
                task.groups.set([groups[g] for g in group_names])
                WorkflowTask.objects.create(workflow=flow, task=task, sort_order=order)
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": flow})
        return flow

    workflow(
        "三审(初审→复审→终审)",
        [("初审", [REVIEWERS]), ("复审", [REVIEWERS]), ("终审", [REVIEWERS])],
        home,
    )
    workflow(
        "警示案例三审(初审→复审→终审)",
        [("案例初审", [DISCIPLINE]), ("案例复审", [REVIEWERS]), ("案例终审", [DISCIPLINE])],
        case_index,
    )
    # Wagtail's default "Moderators approval" workflow and English groups are replaced by ours.
    WorkflowPage.objects.filter(page__depth=1).delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    Group.objects.filter(name__in=["Moderators", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_work_areas"),
        ("home", "0002_create_site_tree"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
