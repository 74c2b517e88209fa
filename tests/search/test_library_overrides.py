"""Where our code overrides or calls a library's private API, the library's code it was written
against is pinned here: an upgrade that changes any of them fails this test, naming the place
in our code to re-read. After re-reading (and fixing) it, record the new version and hash.

Each entry: the distribution, the version the override was written against, the library's
object (``module:qualified.name``, or a whole module), the first 16 hex digits of the SHA-256
of its source, and where we depend on it. The comment at each of those places names the
library and version too."""

import hashlib
import importlib
import inspect
from importlib.metadata import version

import pytest

PINNED = [
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.sqlite.sqlite:SQLiteIndex.add_items",
        "6e4d599997a4aa05",
        "jingjian.search.backends.sqlite.Index.add_items (one INSERT per batch)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.sqlite.sqlite:SQLiteIndex._refresh_title_norms",
        "cabf10eb3caac5bb",
        "jingjian.search.backends.sqlite.Index._refresh_title_norms (once per rebuild)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex.add_items",
        "62bf7488351e3864",
        "jingjian.search.backends.postgres.Index.add_items (one INSERT per batch)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex._refresh_title_norms",
        "cabf10eb3caac5bb",
        "jingjian.search.backends.postgres.Index._refresh_title_norms (once per rebuild)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex.delete_stale_model_entries",
        "a586fb5f7ef50780",
        "jingjian.search.backends.postgres.Index.delete_stale_model_entries (anti-join)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:"
        "PostgresSearchQueryCompiler.build_tsquery_content",
        "1a16c13d549dfe7a",
        "jingjian.search.backends.postgres.Compiler.build_tsquery_content (prefix queries)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearch8:Elasticsearch8Mapping._get_document_field_data",
        "c297ac8f05975ef5",
        "jingjian.search.backends.elasticsearch.Mapping._get_document_field_data (tokens)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearch8:Elasticsearch8Mapping._get_nested_document",
        "a36b2991f1568628",
        "jingjian.search.backends.elasticsearch.Mapping._get_nested_document",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearch8:"
        "Elasticsearch8SearchQueryCompiler._compile_plaintext_query",
        "5c3ff5427e06722c",
        "jingjian.search.backends.elasticsearch.Compiler._compile_plaintext_query",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearch8:Elasticsearch8SearchQueryCompiler._compile_phrase_query",
        "d8d60c46387fafab",
        "jingjian.search.backends.elasticsearch.Compiler._compile_phrase_query",
    ),
    (
        "django",
        "5.2.19",
        "django.db.models.query:QuerySet._raw_delete",
        "e878941754cb71ab",
        "jingjian.search.backends.sqlite.Index.add_items, postgres.Index.delete_stale_model_entries",
    ),
    (
        "django",
        "5.2.19",
        "django.forms.formsets:BaseFormSet._should_delete_form",
        "6ab8ba4b13adaa22",
        "jingjian.core.admin_access (inline children a form deletes)",
    ),
    (
        "django",
        "5.2.19",
        "django.forms.forms:BaseForm._widget_data_value",
        "dc24cd5e5464f2a2",
        "jingjian.core.admin_access (the values a form was sent)",
    ),
    (
        "wagtail",
        "8.0.1",
        "wagtail.models.reference_index:ReferenceIndex._get_base_content_type",
        "d02ede6e97343ab2",
        "jingjian.core.visibility (pages that use an image or document)",
    ),
    (
        "elasticsearch-dsl",
        "8.18.0",
        "elasticsearch_dsl:Search._clone",
        "3bfb9fec71f513f2",
        "jingjian.search.elastic.with_facets",
    ),
    (
        "django-modelcluster",
        "6.5",
        "modelcluster.fields",
        "df2d7e5312922d85",
        "jingjian.search.backends.common._preloaded_items (_cluster_related_objects)",
    ),
]


def _source(target):
    module, _, qualified = target.partition(":")
    obj = importlib.import_module(module)
    for part in qualified.split(".") if qualified else []:
        obj = getattr(obj, part)
    return inspect.getsource(obj)


@pytest.mark.parametrize(("distribution", "written_against", "target", "digest", "ours"), PINNED)
def test_the_library_code_we_override_is_the_code_we_read(
    distribution, written_against, target, digest, ours
):
    installed = version(distribution)
    found = hashlib.sha256(_source(target).encode()).hexdigest()[:16]
    assert (installed, found) == (written_against, digest), (
        f"{distribution} {installed}: {target} is not the code {ours} was written against "
        f"({distribution} {written_against}). Re-read it, fix our code if needed, then record "
        "the new version and hash here."
    )


def test_a_changed_library_function_is_noticed():
    """The check itself can fail: a different function gives a different digest."""
    assert hashlib.sha256(_source("django.forms.forms:BaseForm.is_valid").encode()).hexdigest()[
        :16
    ] != next(digest for _d, _v, t, digest, _o in PINNED if t.endswith("_widget_data_value"))
