"""Backups (``manage.py backup`` / ``restore``, ``make backup`` / ``make restore``): the demo
site with a case-file document, a delivery record and a document, backed up while it is
open, restored into a fresh database (a second SQLite file, or a second PostgreSQL database in
CI's PostgreSQL pass) and fresh media folders by its own process, must hold every page,
revision, case file, delivery record and file, byte for byte."""

import json
import shutil
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.documents import get_document_model
from wagtail.models import Page

from casestudies.models import CaseFile, CaseFileDocument
from jingjian.core import backups
from jingjian.syndication.models import Channel, Delivery
from tests.support.backups import inventory, inventory_of, manage, site_environment


@pytest.fixture(scope="module")
def site_content(demo_content, django_db_blocker):
    """The demo content plus what it lacks: a case-file document (private storage), a
    delivery record and a document (media)."""
    with django_db_blocker.unblock():
        case_file = CaseFile.objects.order_by("pk").first()
        document = CaseFileDocument(case_file=case_file, title="谈话笔录")
        document.file.save("谈话笔录.txt", ContentFile("笔录正文：王某某。".encode()), save=True)
        channel = Channel.objects.create(
            name="备份测试渠道", kind="webhook", endpoint="http://127.0.0.1:9/webhook"
        )
        page = Page.objects.live().filter(depth__gt=2).order_by("pk").first()
        Delivery.objects.create(
            channel=channel,
            page=page,
            page_ref=page.pk,
            page_title=page.title,
            event="published",
            idempotency_key="backup-test-delivery",
            status="sent",
        )
        upload = get_document_model()(title="学习材料")
        upload.file.save("学习材料.txt", ContentFile("以案为鉴".encode()), save=True)
        try:
            yield
        finally:
            Delivery.objects.all().delete()
            channel.delete()
            upload.delete()


@pytest.fixture
def fresh_database(tmp_path):
    """The address of an empty database of the kind the tests run on; dropped afterwards."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{settings_dict['NAME']}_restore"
    params = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(settings_dict["USER"] or "")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"])
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    yield f"postgres://{credentials}@{host}/{name}"
    with psycopg.connect(**params) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backup_folder(site_content, django_db_blocker, tmp_path_factory):
    """One backup of the site, taken outside any test's transaction, as a running site's is."""
    with django_db_blocker.unblock():
        return backups.backup(tmp_path_factory.mktemp("backups"))


def test_a_restored_backup_holds_every_page_revision_case_file_delivery_and_file(
    backup_folder, fresh_database, tmp_path, db
):
    expected = inventory()
    assert all(expected[kind] for kind in expected), "the site to back up lacks something"
    environment = site_environment(fresh_database, tmp_path / "media", tmp_path / "private")

    done = manage(["restore", str(backup_folder)], environment)

    assert done.returncode == 0, done.stderr
    assert "恢复完成，已核对" in done.stdout
    # Nothing stored or kept from before the restore is served after it (a new generation).
    assert "已让恢复前保存的页面缓存全部失效" in done.stdout
    assert inventory_of(environment) == json.loads(json.dumps(expected, ensure_ascii=False))
    # The case-file document went back to the private folder, never under MEDIA_ROOT.
    [document] = expected["case_file_documents"]
    assert (tmp_path / "private" / document[2]).is_file()
    assert not (tmp_path / "media" / document[2]).exists()


def test_the_manifest_describes_the_backup(backup_folder, db):
    manifest = json.loads((backup_folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["versions"]["wagtail"] and manifest["versions"]["Django"]
    assert "casestudies.0001_initial" in manifest["migrations"]
    assert manifest["counts"]["wagtailcore.Page"]["rows"] == Page.objects.count()
    assert manifest["counts"]["casestudies.CaseFile"]["rows"] == CaseFile.objects.count()
    assert manifest["counts"]["syndication.Delivery"]["rows"] == 1
    assert manifest["database"]["file"] in manifest["files"]
    assert any(name.startswith("private-media/casefiles/") for name in manifest["files"])
    assert any(name.startswith("media/original_images/") for name in manifest["files"])
    assert backups.verify_files(backup_folder, manifest) == []


def test_restore_refuses_a_database_that_is_not_empty(backup_folder, db):
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="目标数据库不是空的.*--force"):
        call_command("restore", str(backup_folder))
    assert Page.objects.count() == pages


def test_restore_refuses_a_damaged_backup_before_touching_anything(
    backup_folder, fresh_database, tmp_path, db
):
    damaged = tmp_path / "damaged"
    shutil.copytree(backup_folder, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text(encoding="utf-8"))
    name = next(n for n in manifest["files"] if n.startswith("private-media/"))
    (damaged / name).write_bytes(b"tampered")
    environment = site_environment(fresh_database, tmp_path / "media", tmp_path / "private")

    done = manage(["restore", str(damaged)], environment)

    assert done.returncode != 0
    assert "备份已损坏：1 个文件缺失或校验值不符" in done.stderr
    assert not (tmp_path / "private").exists()


def test_restore_names_what_to_give_it_when_there_is_no_manifest(tmp_path, db):
    with pytest.raises(CommandError, match="没有备份清单 manifest.json：请给出 make backup"):
        call_command("restore", str(tmp_path))
