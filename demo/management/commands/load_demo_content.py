"""manage.py load_demo_content: demo users, pictures, exemplars and case studies. Idempotent."""

import datetime
import json
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Site

from casestudies.drafts import generate_draft
from casestudies.models import (
    BulletinIndexPage,
    BulletinItem,
    BulletinPage,
    CaseFile,
    CaseFilePerson,
    CaseFileUnit,
    ProblemType,
    UnitType,
)
from demo import images, register, study
from jingjian.core import groups, review, visibility
from jingjian.core.models import ImportedPage, WorkArea
from jingjian.importing.rows import ImportFileError, read_rows
from jingjian.importing.writer import DEMO_ACTION, ImportResult, Origin, import_rows
from jingjian.syndication.models import Channel

DEMO_DIR = Path(__file__).resolve().parents[2] / "content"
DEMO_FILES = ["exemplars.jsonl", "cases-a.jsonl", "cases-b.jsonl"]
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "jingjian-admin"
DEMO_PASSWORD = "jingjian-demo"
# (username, name, unit, group): invented people. Django's User has no unit, and its
# get_full_name() (which the site's header and Wagtail's admin print) is "first last": the name
# goes in first_name whole, Chinese order, and the unit in last_name, so it reads 陶思雨 区委宣传部.
DEMO_USERS = [
    ("bianji", "陶思雨", "区委宣传部", groups.EDITORS),
    ("shenhe", "冯建平", "区委宣传部", groups.REVIEWERS),
    ("jijian", "严立华", "区纪委监委", groups.DISCIPLINE),
    ("duzhe", "苏婉清", "区发展和改革局", groups.READERS),
]
COLLECTION_FOR = {
    visibility.Visibility.INTRANET: "内部资料",
    visibility.Visibility.RESTRICTED: "限定资料",
}


def site_address(url):
    """(hostname, port) of an http(s) address, or a ``CommandError`` that says what to give."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    # A Wagtail site is a host and a port: a path, query or fragment would be dropped silently.
    extra = parts.path not in ("", "/") or parts.query or parts.fragment
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 or extra:
        raise CommandError(
            f"站点地址无效：{url}。请写成含协议、主机名和端口的完整地址，例如 http://127.0.0.1:8000"
        )
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


class Command(BaseCommand):
    help = "写入演示内容：账号、图片、先进典型和警示案例，然后重建搜索索引。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            action="append",
            dest="files",
            help="演示内容文件（JSON Lines），可重复；默认使用内置的演示内容",
        )
        parser.add_argument("--skip-index", action="store_true", help="不重建搜索索引")
        parser.add_argument(
            "--site",
            metavar="URL",
            help="把默认站点的地址设为此地址（如 http://127.0.0.1:8000），"
            "接口、订阅和分发中的完整链接以它开头",
        )

    def handle(self, *args, files=None, skip_index=False, site=None, **options):
        # The demo accounts' passwords are printed by `make run` and in the README.
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "生产环境不能写入演示内容：演示账号（admin 等）的密码是公开的，写入后任何人都能登录。"
                "如需演示，请在另一台机器或另一个数据库上用开发设置运行"
                "（DJANGO_SETTINGS_MODULE=jingjian.settings.dev）；"
                "生产环境的管理员请用 manage.py createsuperuser 创建。"
            )
        if site:
            hostname, port = site_address(site)
        self.create_users()
        rows, result = [], ImportResult()
        for file in files or [DEMO_DIR / name for name in DEMO_FILES]:
            try:
                file_rows = list(read_rows(file))
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            origin = Origin(command="load_demo_content", file=Path(file).name, action=DEMO_ACTION)
            file_result = import_rows(file_rows, origin=origin)
            rows.extend(file_rows)
            result.created += file_result.created
            result.updated += file_result.updated
            for failure in file_result.failed:
                self.stderr.write(f"{origin.file} 第 {failure.line} 行：{failure.reason}")
            result.failed.extend(file_result.failed)
        if result.failed:
            raise CommandError(f"演示内容有 {len(result.failed)} 行无法导入，见上。")
        self.attach_pictures(rows)
        # Pictures loaded by an older version kept names derived from their titles.
        call_command("rename_media_files", stdout=StringIO())
        case_files = self.load_case_files()
        register_files, register_persons = self.load_register()
        bulletins = self.load_bulletins()
        self.create_channels()
        study_lists, study_records = study.load_study(DEMO_USERS, DEMO_PASSWORD)
        if site:
            default = Site.objects.get(is_default_site=True)
            default.hostname, default.port = hostname, port
            default.save()  # (not update(): saving clears Wagtail's cache of site addresses)
        if not skip_index:
            call_command("update_index", verbosity=0)
        if options.get("verbosity", 1) > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示内容已就绪：新建 {result.created} 条，更新 {result.updated} 条；"
                    f"案卷 {case_files} 份；台账 {register_files} 份案卷、"
                    f"{register_persons} 名被处理人；通报 {bulletins} 份；"
                    f"学习任务 {study_lists} 项、学习记录 {study_records} 条。"
                    f"管理员账号 {ADMIN_USERNAME} / {ADMIN_PASSWORD}"
                )
            )

    def create_channels(self):
        """The district's outlets. The stations and the paper collect from the outbox folder;
        WeChat, Weibo and the app stay inactive until someone enters their real credentials."""
        for name, slug, kind, active, author in [
            ("鉴湖电视台《鉴湖新闻》", "jianhu-tv", "tv", True, "鉴湖区融媒体中心"),
            ("鉴湖人民广播电台", "jianhu-radio", "radio", True, "鉴湖区融媒体中心"),
            ("《鉴湖日报》", "jianhu-daily", "newspaper", True, "通讯员 鉴宣"),
            ("“清风鉴湖”微信公众号", "qingfeng-wechat", "wechat", False, "清风鉴湖"),
            ("“鉴湖发布”微博", "jianhu-weibo", "weibo", False, ""),
            ("“掌上鉴湖”新闻客户端", "jianhu-app", "app", False, ""),
        ]:
            Channel.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "kind": kind, "active": active, "author": author},
            )

    @transaction.atomic
    def load_case_files(self):
        """Named case files (invented people) for 纪检监察; one gets its draft case study."""
        records = json.loads((DEMO_DIR / "casefiles.json").read_text(encoding="utf-8"))
        for record in records:
            case_file, _ = CaseFile.objects.update_or_create(
                number=record["number"],
                defaults={
                    "title": record["title"],
                    "raw_account": record["raw_account"],
                    "unit_type": UnitType.objects.get(name=record["unit_type"]),
                    "work_area": WorkArea.objects.get(name=record["work_area"]),
                    "source": record["source"],
                    "date_handled": record["date_handled"],
                },
            )
            case_file.problem_types.set(
                [ProblemType.objects.get(name=name) for name in record.get("problem_types", [])]
            )
            case_file.save(update_fields=["problem_types"])  # a cluster writes it on save
            # Through the models' managers: the cluster's own relations would stay in memory.
            CaseFilePerson.objects.filter(case_file=case_file).delete()
            for order, person in enumerate(record["persons"]):
                CaseFilePerson.objects.create(case_file=case_file, sort_order=order, **person)
            CaseFileUnit.objects.filter(case_file=case_file).delete()
            for order, unit in enumerate(record["units"]):
                CaseFileUnit.objects.create(case_file=case_file, sort_order=order, **unit)
            if record.get("draft") and case_file.draft_study() is None:
                generate_draft(CaseFile.objects.get(pk=case_file.pk))
        return len(records)

    def load_bulletins(self):
        """Two bulletins: one issued for publication over public case studies, one internal
        draft. A bulletin already there (by its 文号) is left as staff may have edited it."""
        index = BulletinIndexPage.objects.first()
        if index is None:
            return 0
        records = json.loads((DEMO_DIR / "bulletins.json").read_text(encoding="utf-8"))
        for record in records:
            if BulletinPage.objects.filter(document_number=record["document_number"]).exists():
                continue
            studies = dict(
                ImportedPage.objects.filter(
                    source_id__in=[source for source, _heading in record["items"]]
                ).values_list("source_id", "page_id")
            )
            page = BulletinPage(
                title=record["title"],
                slug=record["slug"],
                document_number=record["document_number"],
                recipients=record["recipients"],
                preamble=record["preamble"],
                exhortation=record["exhortation"],
                issuer=record["issuer"],
                date_issued=datetime.date.fromisoformat(record["date_issued"]),
                for_publication=record["for_publication"],
                live=False,
            )
            page.items = [
                BulletinItem(case_study_id=studies[source], heading=heading, sort_order=order)
                for order, (source, heading) in enumerate(record["items"])
                if source in studies
            ]
            index.add_child(instance=page)
            revision = page.save_revision()
            if record["live"]:
                with review.publishing_as("load_demo_content"):
                    revision.publish()
        return BulletinPage.objects.count()

    def load_register(self):
        """The demo register (``demo.register``): invented matters handled 2019–2026 for the
        statistics. Written once; a database that holds exactly it is left alone."""
        records = register.register_records(excluded=register.excluded_names())
        numbers = {r.number for r in records}
        stored = set(
            CaseFile.objects.filter(number__startswith=register.NUMBER_PREFIX).values_list(
                "number", flat=True
            )
        )
        persons = sum(len(r.persons) for r in records)
        if stored == numbers:
            return len(records), persons
        return register.write_register(records)

    def create_users(self):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@jianhu.example", "first_name": "管理员"},
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
        for username, name, unit, group_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            # Set on every run, so an older demo database loses its 干部 区直机关 too.
            user.first_name, user.last_name = name, unit
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])

    @transaction.atomic
    def attach_pictures(self, rows):
        """Give every exemplar a portrait, and the featured ones a work photo in their deeds."""
        Image = get_image_model()
        root = Collection.get_first_root_node()
        for _line, row in rows:
            if row.get("type") != "exemplar":
                continue
            record = ImportedPage.objects.select_related("page").get(source_id=row["source_id"])
            page = record.page.specific
            vis = row.get("visibility", "public")
            collection = (
                Collection.objects.filter(name=COLLECTION_FOR[vis]).first()
                if vis in COLLECTION_FOR
                else root
            ) or root
            portrait = self.image(
                Image,
                f"{row['name']}照片",
                f"{row['name']}的肖像照片",
                images.portrait_png(row["source_id"]),
                collection,
            )
            changed = page.portrait_id != portrait.pk
            page.portrait = portrait
            if row.get("featured") and not any(b.block_type == "image" for b in page.deeds):
                scene = self.image(
                    Image,
                    f"{row['name']}工作照",
                    f"{row['name']}在{row.get('unit', '')}工作现场",
                    images.scene_png(row["source_id"]),
                    collection,
                )
                image_block = page.deeds.stream_block.child_blocks["image"]
                value = image_block.to_python(
                    {"image": scene.pk, "alt_text": scene.description, "decorative": False}
                )
                page.deeds.insert(1, ("image", value))
                changed = True
            if changed:
                if not page.live:
                    page.save()  # a draft's row holds its latest content
                revision = page.save_revision(log_action=False)
                log(
                    instance=page,
                    action=DEMO_ACTION,
                    revision=revision,
                    content_changed=True,
                    data={"command": "load_demo_content"},
                )
                if page.live:
                    with review.publishing_as("load_demo_content"):
                        revision.publish()

    def image(self, Image, title, alt, data, collection):
        existing = Image.objects.filter(title=title).first()
        if existing:
            if existing.collection_id != collection.pk:
                existing.collection = collection
                existing.save(update_fields=["collection"])
            return existing
        image = Image(title=title, collection=collection, description=alt)
        # Stored under a random name (jingjian.core.storage); none is derived from the title.
        image.file = ImageFile(BytesIO(data), name="demo.png")
        image.save()
        return image
