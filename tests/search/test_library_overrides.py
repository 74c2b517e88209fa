"""Where our code overrides or calls a library's private API, the library's code it was written
against is pinned here: an upgrade that changes any of them fails this test, naming the place
in our code to re-read. After re-reading (and fixing) it, record the new version and hash.

Each entry: the distribution, the version the override was written against, the library's
object (``module:qualified.name``, or a whole module), the first 16 hex digits of the SHA-256
of its source, and where we depend on it. The comment at each of those places names the
library and version too."""

import ast
import hashlib
import importlib.util
from importlib.metadata import version
from pathlib import Path

import pytest

PINNED = [
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.sqlite.sqlite:SQLiteIndex.add_items",
        "c48707b3a2e49006",
        "jingjian.search.backends.sqlite.Index.add_items (one INSERT per batch)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.sqlite.sqlite:SQLiteIndex._refresh_title_norms",
        "3415f0fdc680f016",
        "jingjian.search.backends.sqlite.Index._refresh_title_norms (once per rebuild)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex.add_items",
        "ada217d2c4eb42cd",
        "jingjian.search.backends.postgres.Index.add_items (one INSERT per batch)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex._refresh_title_norms",
        "3415f0fdc680f016",
        "jingjian.search.backends.postgres.Index._refresh_title_norms (once per rebuild)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:PostgresIndex.delete_stale_model_entries",
        "eda62e08ce533c5b",
        "jingjian.search.backends.postgres.Index.delete_stale_model_entries (anti-join)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.database.postgres.postgres:"
        "PostgresSearchQueryCompiler.build_tsquery_content",
        "09bcabaee2a1ae80",
        "jingjian.search.backends.postgres.Compiler.build_tsquery_content (prefix queries)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearchbase:ElasticsearchBaseMapping._get_document_field_data",
        "5bb460fd51a73b8d",
        "jingjian.search.backends.elasticsearch.Mapping._get_document_field_data (tokens)",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearchbase:ElasticsearchBaseMapping._get_nested_document",
        "af0de2f2a46150e1",
        "jingjian.search.backends.elasticsearch.Mapping._get_nested_document",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearchbase:"
        "ElasticsearchBaseSearchQueryCompiler._compile_plaintext_query",
        "a7128e461335dc76",
        "jingjian.search.backends.elasticsearch.Compiler._compile_plaintext_query",
    ),
    (
        "modelsearch",
        "1.3.2",
        "modelsearch.backends.elasticsearchbase:"
        "ElasticsearchBaseSearchQueryCompiler._compile_phrase_query",
        "bcd00fec20225d54",
        "jingjian.search.backends.elasticsearch.Compiler._compile_phrase_query",
    ),
    (
        "django",
        "5.2.19",
        "django.db.models.query:QuerySet._raw_delete",
        "731ce733e2a40f23",
        "jingjian.search.backends.sqlite.Index.add_items, postgres.Index.delete_stale_model_entries",
    ),
    (
        "django",
        "5.2.19",
        "django.forms.formsets:BaseFormSet._should_delete_form",
        "b875a319e8dad260",
        "jingjian.core.admin_access (inline children a form deletes)",
    ),
    (
        "django",
        "5.2.19",
        "django.forms.forms:BaseForm._widget_data_value",
        "f51256984b22ef83",
        "jingjian.core.admin_access (the values a form was sent)",
    ),
    (
        "wagtail",
        "8.0.1",
        "wagtail.models.reference_index:ReferenceIndex._get_base_content_type",
        "c9ef851a236a2c70",
        "jingjian.core.visibility (pages that use an image or document)",
    ),
    (
        "elasticsearch",
        "8.19.3",
        "elasticsearch.dsl.search_base:SearchBase._clone",
        "4e1126cc23ed0c47",
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
    """The source of ``target``, read from the library's file without importing it (the SQLite
    backend's module cannot be imported on PostgreSQL, and the other way round)."""
    module, _, qualified = target.partition(":")
    origin = importlib.util.find_spec(module).origin
    text = Path(origin).read_text(encoding="utf-8")
    node = ast.parse(text)
    for name in qualified.split(".") if qualified else []:
        node = next(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.ClassDef | ast.FunctionDef) and child.name == name
        )
    return text if node is None or not qualified else ast.get_source_segment(text, node)


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
