"""manage.py rename_media_files: give every stored image original, rendition and document file
whose name is not yet a random token (uploaded before jingjian.core.storage) a token name.

A command, not a data migration: it moves files on disk (or in whatever storage holds them),
which a migration run on a fresh database, or rolled back, must not do. Idempotent: token names
are left alone, so it can be run again after an interrupted run. Old files are deleted only once
the new names are committed.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from jingjian.core.storage import is_token_name, token_name


def media_models():
    Image = get_image_model()
    return [Image, Image.get_rendition_model(), get_document_model()]


class Command(BaseCommand):
    help = "把图片原图、缩略图和文档的存储文件名改为随机名（不含标题或人名）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出要改名的文件数，不改动任何文件。"
        )

    def handle(self, *args, dry_run=False, **options):
        renamed = missing = 0
        for model in media_models():
            for obj in model.objects.exclude(file="").iterator():
                old = obj.file.name
                if is_token_name(old):
                    continue
                storage = obj.file.storage
                if not storage.exists(old):
                    missing += 1
                    self.stderr.write(f"找不到文件 {old}（{model._meta.label} {obj.pk}），已跳过。")
                    continue
                renamed += 1
                if dry_run:
                    continue
                self.rename(model, obj, storage, old)
        verb = "将改名" if dry_run else "已改名"
        self.stdout.write(f"{verb} {renamed} 个文件；找不到 {missing} 个。")

    @staticmethod
    def rename(model, obj, storage, old):
        with storage.open(old, "rb") as content:
            new = storage.save(token_name(old), content)
        try:
            with transaction.atomic():
                # update(): no save signals (search index, reference index, file cleanup).
                model.objects.filter(pk=obj.pk).update(file=new)
        except Exception:
            storage.delete(new)
            raise
        if hasattr(obj, "purge_from_cache"):
            obj.purge_from_cache()  # Wagtail keeps renditions, file names included, in the cache
        transaction.on_commit(lambda: storage.delete(old))
