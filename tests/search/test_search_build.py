"""Building the database search index in bulk (``update_index``), on SQLite or PostgreSQL."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.models import F
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from casestudies.models import CaseStudyPage
from exemplars.models import ExemplarPage
from jingjian.core.models import WorkArea
from jingjian.search import backends as search_backends
from jingjian.search import reader as search
from jingjian.search.backends import common as search_common
from jingjian.search.backends import postgres as search_postgres
from tests.factories import CaseStudyPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db


def queries_to_index(model, objs):
    index = get_search_backend().get_index_for_model(model)
    with CaptureQueriesContext(connection) as queries:
        index.add_items(model, objs)
    return len(queries.captured_queries)


def test_indexing_asks_the_same_number_of_queries_for_one_page_or_many():
    """Problem types and work areas (modelcluster relations, which modelsearch does not
    prefetch) are loaded for a whole batch at once."""
    for i in range(4):
        CaseStudyPageFactory(title=f"批量案例{i}", problem_types=["推诿扯皮", "不贪不占也不干"])
        exemplar = ExemplarPageFactory(title=f"批量典型{i}")
        exemplar.work_areas.set(WorkArea.objects.all()[:2])
        exemplar.save_revision().publish()
    for model in (CaseStudyPage, ExemplarPage):
        objs = list(model.get_indexed_objects().order_by("pk"))
        assert len(objs) >= 4
        assert queries_to_index(model, objs[:1]) == queries_to_index(model, objs)


def test_bulk_indexed_related_names_are_searchable():
    case = CaseStudyPageFactory(title="无关标题甲", problem_types=["不贪不占也不干"])
    exemplar = ExemplarPageFactory(title="无关标题乙")
    exemplar.work_areas.set([WorkArea.objects.get(name="大棚房清理整治")])
    exemplar.save_revision().publish()
    call_command("update_index", verbosity=0)
    found = search.search_pages(Page.objects.live(), "不贪不占也不干")
    assert [p.pk for p in found] == [case.pk]
    found = search.search_pages(Page.objects.live(), "大棚房清理整治")
    assert exemplar.pk in [p.pk for p in found]


def test_unsaved_relation_changes_are_indexed_over_preloaded_ones():
    case = CaseStudyPageFactory(title="改动中的案例", problem_types=["文山会海"])
    case.problem_types = [case.problem_types.model.objects.get(name="不贪不占也不干")]
    preloaded = search_backends.preload_parental_m2m(CaseStudyPage, [case])
    assert [t.name for t in preloaded[("problem_types", case.pk)]] == ["文山会海"]
    _title, _autocomplete, body = search_backends.database_columns(case, None, preloaded)
    assert "不贪" in body and "文山" not in body


def fts_config(name):
    table = search_common._fts_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v FROM {table}_config WHERE k = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def use_searchable_texts(monkeypatch, function):
    """Index with ``function`` for ``searchable_texts``: each variant reads the values through
    its own name for the one function (``common`` for SQLite, ``postgres`` for PostgreSQL)."""
    monkeypatch.setattr(search_common, "searchable_texts", function)
    monkeypatch.setattr(search_postgres, "searchable_texts", function)


def fts_automerge():
    return fts_config("automerge")


def test_update_index_merges_once_and_restores_automatic_merging(monkeypatch):
    """On SQLite, FTS5 merges nothing while rows go in and everything once at the end; on
    PostgreSQL (no such setting) the same command simply indexes."""
    fts = search.uses_sqlite_fts()
    seen = []
    texts = search_common.searchable_texts

    def searchable_texts(*args):
        seen.append(fts_automerge() if fts else "indexed")
        return texts(*args)

    use_searchable_texts(monkeypatch, searchable_texts)
    CaseStudyPageFactory(title="合并测试")
    seen.clear()
    call_command("update_index", verbosity=0)
    assert seen
    if fts:
        assert set(seen) == {0}  # no merging while the rows go in
        assert fts_automerge() == search_backends.FTS5_DEFAULT_AUTOMERGE
    assert [p.title for p in search.search_pages(Page.objects.live(), "合并测试")] == ["合并测试"]


def test_a_failing_index_build_is_reported_and_automatic_merging_restored(monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    CaseStudyPageFactory(title="失败测试")
    use_searchable_texts(monkeypatch, broken)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("update_index", verbosity=0)
    if search.uses_sqlite_fts():
        assert fts_automerge() == search_backends.FTS5_DEFAULT_AUTOMERGE


def index_entries():
    from modelsearch.conf import get_app_config

    return get_app_config().get_model("IndexEntry")._default_manager.all()


def test_update_index_writes_title_norms_without_rewriting_the_text_index():
    """Every entry's title norm (Wagtail's relevance factor) is the table's average title length
    over its own, within the tolerance; on SQLite, changing norms leaves the full-text table
    alone (Wagtail's trigger re-indexed every page's text when a rebuild refreshed them)."""
    for i, title in enumerate(["短", "稍长一些的标题", "一个相当长的案例标题用来拉开差距"]):
        CaseStudyPageFactory(title=f"{title}{i}")
    call_command("update_index", verbosity=0)
    entries = index_entries().annotate(n=Length("title")).filter(n__gt=0)
    lengths = list(entries.values_list("n", flat=True))
    average = sum(lengths) / len(lengths)
    for norm, n in entries.values_list("title_norm", "n"):
        assert norm == pytest.approx(average / n, rel=search_common.TITLE_NORM_TOLERANCE)
    assert len({round(norm, 3) for norm in entries.values_list("title_norm", flat=True)}) > 1

    if connection.vendor == "sqlite":

        def changes():
            with connection.cursor() as cursor:
                cursor.execute("SELECT total_changes()")
                return cursor.fetchone()[0]

        before = changes()
        updated = entries.update(title_norm=0.5)
        assert changes() - before == updated  # no trigger wrote to the full-text table
        before = changes()
        updated = entries.update(title="重写")
        assert changes() - before > 2 * updated  # text changes still reach it (and FTS5)
    else:  # PostgreSQL has no trigger; refreshing rewrites only rows off by more than 5%
        entries.update(title_norm=F("title_norm") * 1.01)
        entries.filter(pk=entries.first().pk).update(title_norm=99)
        with CaptureQueriesContext(connection) as queries:
            search_backends.refresh_stale_title_norms(
                connection, index_entries().model._meta.db_table
            )
        assert queries.captured_queries[-1]["sql"].startswith("UPDATE")
        assert index_entries().filter(title_norm=99).count() == 0
        assert index_entries().filter(title_norm__gt=1.5 * max(1, average)).count() == 0


def test_background_writer_stops_at_the_first_error_and_reports_it():
    """A failing write (here a real database error) stops the writes queued after it and is
    raised in the caller's thread."""
    writer = search_backends.BackgroundWriter()
    written = []

    def fails():
        with connections["default"].cursor() as cursor:
            cursor.execute("INSERT INTO no_such_table VALUES (1)")

    writer.submit(fails)
    try:  # queued behind the failing write, or refused if the error is already known
        writer.submit(lambda: written.append("after the error"))
    except DatabaseError:
        pass
    with pytest.raises(DatabaseError):
        writer.flush()
    writer.close(raise_error=False)
    assert written == []  # nothing ran after the first error

    writer = search_backends.BackgroundWriter()
    writer.submit(lambda: written.append(threading.current_thread().name))
    writer.close()
    assert written == ["search-index-writer"]


def test_pages_published_during_a_rebuild_are_indexed_again_at_its_end():
    """The rebuild writes in place: a batch loaded before an editor's publish and written after
    it puts the old text back; ``update_index`` ends by indexing such pages again."""
    from jingjian.search.management.commands.update_index import reindex_published_since

    started = timezone.now()
    case = CaseStudyPageFactory(title="重建前的旧标题")
    loaded_by_the_rebuild = CaseStudyPage.objects.get(pk=case.pk)
    page = CaseStudyPage.objects.get(pk=case.pk)
    page.title = "重建中发布的新标题"
    page.save_revision().publish()
    index = get_search_backend().get_index_for_model(CaseStudyPage)
    index.add_items(CaseStudyPage, [loaded_by_the_rebuild])  # the rebuild's late write
    assert [p.pk for p in search.search_pages(Page.objects.live(), "重建前的旧标题")] == [case.pk]

    reindex_published_since(started)
    assert [p.pk for p in search.search_pages(Page.objects.live(), "重建中发布的新标题")] == [
        case.pk
    ]
    assert not search.search_pages(Page.objects.live(), "重建前的旧标题")


def index_table_shape():
    """The index table's constraints and indexes as the database reports them."""
    table = index_entries().model._meta.db_table
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: (
            tuple(c["columns"]),
            c["primary_key"],
            c["unique"],
            c["foreign_key"],
            c["index"],
            c.get("type"),
        )
        for name, c in found.items()
    }


def tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_update_index_leaves_the_index_table_with_the_same_indexes_and_constraints():
    """On PostgreSQL the rebuild fills a new table and swaps it in: it must come back with
    every index, key and constraint Wagtail's migrations made, under the same names, and take
    new entries afterwards (publishing writes in place)."""
    CaseStudyPageFactory(title="换表之前的案例")
    before = index_table_shape()
    if connection.vendor == "postgresql":
        assert sum(shape[5] == "gin" for shape in before.values()) == 3
    call_command("update_index", verbosity=0)
    assert index_table_shape() == before
    entries = index_entries().count()
    call_command("update_index", verbosity=0)  # again, over a complete index
    assert index_table_shape() == before
    assert index_entries().count() == entries
    assert not any(name.endswith("_rebuild") for name in tables())
    assert [p.title for p in search.search_pages(Page.objects.live(), "换表之前")] == [
        "换表之前的案例"
    ]
    CaseStudyPageFactory(title="换表之后发布的案例")
    assert [p.title for p in search.search_pages(Page.objects.live(), "换表之后")] == [
        "换表之后发布的案例"
    ]
    assert index_entries().count() == entries + 1


def test_a_rebuild_that_fails_leaves_the_index_readers_search(monkeypatch):
    """An error half-way through a rebuild leaves every page findable as before, and no
    half-built table behind."""
    CaseStudyPageFactory(title="重建失败前已有的案例")
    CaseStudyPageFactory(title="重建失败时的另一个案例")
    texts = search_common.searchable_texts
    calls = []

    def fails_on_the_second_page(obj, *args):
        calls.append(obj.pk)
        if len(calls) == 2:
            raise RuntimeError("磁盘已满")
        return texts(obj, *args)

    use_searchable_texts(monkeypatch, fails_on_the_second_page)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        call_command("update_index", verbosity=0, chunk_size=1)
    use_searchable_texts(monkeypatch, texts)
    assert not any(name.endswith("_rebuild") for name in tables())
    found = search.search_pages(Page.objects.live(), "重建失败")
    assert sorted(p.title for p in found) == ["重建失败前已有的案例", "重建失败时的另一个案例"]


@pytest.mark.postgres  # only PostgreSQL rebuilds into a new table
def test_a_rebuild_left_behind_by_a_killed_process_is_replaced():
    from jingjian.search.rebuild import TableRebuild

    table = index_entries().model._meta.db_table
    CaseStudyPageFactory(title="进程被杀之后的重建")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table}_rebuild (leftover integer)")
    call_command("update_index", verbosity=0)
    assert f"{table}_rebuild" not in tables()
    assert [p.title for p in search.search_pages(Page.objects.live(), "进程被杀")] == [
        "进程被杀之后的重建"
    ]
    rebuild = TableRebuild(connection, table)
    rebuild.create()
    assert f"{table}_rebuild" in tables()
    rebuild.discard()
    assert f"{table}_rebuild" not in tables()


def test_update_index_schema_only_keeps_the_index():
    """``--schema-only`` indexes nothing: the pages stay findable (on PostgreSQL no empty
    table is swapped in)."""
    CaseStudyPageFactory(title="只更新结构时的案例")
    call_command("update_index", verbosity=0)
    call_command("update_index", verbosity=0, schema_only=True)
    assert [p.title for p in search.search_pages(Page.objects.live(), "只更新结构")] == [
        "只更新结构时的案例"
    ]
    assert not any(name.endswith("_rebuild") for name in tables())


def test_a_title_holding_the_row_separator_indexes_its_batch_correctly():
    """PostgreSQL's rows of a batch travel as one text per column, joined by the unit
    separator: a title that holds that character must not shift the other pages' columns."""
    odd = CaseStudyPageFactory(title="标题里有\x1f分隔符")
    plain = CaseStudyPageFactory(title="紧随其后的普通案例")
    call_command("update_index", verbosity=0)
    assert [p.pk for p in search.search_pages(Page.objects.live(), "分隔符")] == [odd.pk]
    assert [p.pk for p in search.search_pages(Page.objects.live(), "普通案例")] == [plain.pk]


def entry_texts():
    """Every index entry's text columns, by (content type, object id)."""
    return {
        (e["content_type_id"], e["object_id"]): (
            str(e["title"]),
            str(e["body"]),
            str(e["autocomplete"]),
        )
        for e in index_entries().values(
            "content_type_id", "object_id", "title", "body", "autocomplete"
        )
    }


def test_update_index_reads_plain_rows_and_writes_what_publishing_writes(monkeypatch):
    """update_index hands the database backend ids read as plain rows (search_rows), not
    loaded objects; the entries must equal those publishing writes from the objects:
    StreamField text, taxonomy relations (foreign key and modelcluster many-to-many), every
    page type and snippet."""
    from casestudies.models import ProblemType
    from jingjian.search import rows as search_rows

    case = CaseStudyPageFactory(title="逐行读取的案例", problem_types=["推诿扯皮", "衙门作风"])
    case.facts = [
        {"type": "heading", "value": "基本案情"},
        {"type": "paragraph", "value": "<p>擔當不足,<b>推诿</b>扯皮…</p>"},
        {"type": "quote", "value": {"text": "以案为鉴", "attribution": ""}},
    ]
    case.work_area = WorkArea.objects.get(name="大棚房清理整治")
    case.save_revision().publish()
    exemplar = ExemplarPageFactory(title="逐行读取的典型")
    exemplar.work_areas.set(WorkArea.objects.all()[:2])
    exemplar.save_revision().publish()
    ProblemType.objects.get(name="推诿扯皮").save()  # a snippet, indexed on save
    call_command("update_index", verbosity=0)  # every model once through the rows
    case.save_revision().publish()  # then these from the objects, in place
    exemplar.save_revision().publish()
    published = entry_texts()
    loaded = []
    real_objects = search_rows.PlainRows.objects

    def objects(self):
        loaded.append(self.model)
        return real_objects(self)

    monkeypatch.setattr(search_rows.PlainRows, "objects", objects)
    call_command("update_index", verbosity=0)
    assert entry_texts() == published
    assert CaseStudyPage not in loaded and ExemplarPage not in loaded  # read as rows
    key = lambda page: (page.content_type_id, str(page.pk))  # noqa: E731
    assert "推诿" in published[key(case)][1] and "大棚" in published[key(case)][1]
    assert published[key(exemplar)] != published[key(case)]


def test_update_index_loads_objects_for_a_model_rows_cannot_give():
    """Images' tags (taggit) are read from the objects: a tagged image is still found."""
    import wagtail_factories
    from wagtail.images import get_image_model

    from jingjian.search import rows as search_rows

    image = wagtail_factories.ImageFactory(title="无关的图片标题")
    image.tags.add("河长巡河")
    assert search_rows.row_plan(get_image_model()) is None
    call_command("update_index", verbosity=0)
    assert [i.pk for i in get_image_model().objects.search("河长巡河")] == [image.pk]
