"""Site-wide models: the shared taxonomy base and the work areas used by both content types."""

from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Taxonomy(index.Indexed, models.Model):
    """A staff-editable list of terms (a snippet). Slugs keep Chinese characters."""

    name = models.CharField("名称", max_length=60, unique=True)
    slug = models.SlugField(
        "网址标识",
        max_length=80,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="用于筛选链接，留空则按名称自动生成。",
    )
    description = models.CharField("说明", max_length=255, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True) or str(self.sort_order)
        super().save(*args, **kwargs)


class WorkArea(Taxonomy):
    """重点工作: shared by exemplars and case studies."""

    class Meta(Taxonomy.Meta):
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"


class ImportedPage(models.Model):
    """Links a page to the ``source_id`` it was imported under, so re-imports update it."""

    source_id = models.CharField("来源编号", max_length=100, unique=True)
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="import_record"
    )
    imported_at = models.DateTimeField("最近导入时间", auto_now=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self):
        return self.source_id


class PageCacheDebt(models.Model):
    """A purge of the page cache that could not reach it (Redis unreachable from the process
    that wrote). Kept in the database, which every process shares: whichever process next
    reaches the cache purges it and clears these (``page_cache``), so a missed purge is never
    left to the one process that missed it, which may be a command that has since exited."""

    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "待补的缓存清除"
        verbose_name_plural = "待补的缓存清除"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S}"


class AuthVersion(models.Model):
    """One row whose ``version`` the database itself moves on every write that can change who a
    logged-in reader is: their account (password, whether active or a superuser, their name),
    their groups and permissions, and their session (changed or ended). Triggers do it
    (``core.auth_version``), whatever Django call, bulk action or raw SQL made the write, so a
    reader card kept under it (``page_cache``) can never outlive such a change. Each move sets
    a new random number (a rolled-back write's number never comes back)."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "登录状态版本"
        verbose_name_plural = "登录状态版本"

    def __str__(self):
        return str(self.version)
