"""Wagtail's admin search on Elasticsearch 8: the same token stream as the database backend,
analyzed by the built-in ``whitespace`` analyzer; queries are phrases of the same tokens. Only
analysis parts that every distribution has (core, no analysis-common module) are used, so it runs
on the minimal test distribution too."""

from django.conf import settings
from modelsearch.backends import elasticsearch8 as es8
from modelsearch.index import RelatedFields, SearchField

from jingjian.core import chinese
from jingjian.search.backends.common import _flatten, purges_pages


def _phrase_clause(tokens, fields):
    names = [f.field_name_with_boost for f in fields]
    return {
        "multi_match": {
            "query": " ".join(tokens),
            "fields": names,
            "type": "phrase",
            "analyzer": "whitespace",
        }
    }


class Mapping(es8.Elasticsearch8Mapping):
    edgengram_analyzer_config = {
        "analyzer": "jingjian_autocomplete",
        "search_analyzer": "jingjian_autocomplete",
    }

    def get_field_mapping(self, field):
        name, mapping = super().get_field_mapping(field)
        if isinstance(field, SearchField) and mapping.get("type") == "text":
            mapping["analyzer"] = "whitespace"
        return name, mapping

    def get_mapping(self):
        mapping = super().get_mapping()
        for name, field_mapping in mapping["properties"].items():
            if name.startswith("_all_text"):
                field_mapping["analyzer"] = "whitespace"
        return mapping

    # Private API: modelsearch 1.3.2's Elasticsearch8Mapping._get_document_field_data (pinned: tests/search/test_library_overrides.py).
    def _get_document_field_data(self, field, obj):
        name, value, edgengrams = super()._get_document_field_data(field, obj)
        if isinstance(field, SearchField) and not isinstance(field, RelatedFields):
            value = chinese.index_text(_flatten(value))
        return name, value, edgengrams

    # Private API: modelsearch 1.3.2's Elasticsearch8Mapping._get_nested_document (pinned: tests/search/test_library_overrides.py).
    def _get_nested_document(self, fields, obj):
        doc = {}
        edgengrams = []
        mapping = type(self)(obj.__class__)
        for field in fields:
            name, value, extra = mapping._get_document_field_data(field, obj)
            doc[mapping.get_field_column_name(field)] = value
            edgengrams.extend(extra)
        return doc, edgengrams


class Compiler(es8.Elasticsearch8SearchQueryCompiler):
    mapping_class = Mapping

    # Private API: modelsearch 1.3.2's compiler methods, here and below (pinned: tests/search/test_library_overrides.py).
    def _compile_plaintext_query(self, query, fields, boost=1.0):
        phrases = [
            tokens
            for term in chinese.query_terms(query.query_string)
            for tokens in chinese.term_phrases(term)
        ]
        if not phrases:
            return {"match_none": {}}
        clauses = [_phrase_clause(tokens, fields) for tokens in phrases]
        key = "must" if query.operator != "or" else "should"
        return {"bool": {key: clauses, "boost": boost}}

    def _compile_phrase_query(self, query, fields):
        tokens = [
            t
            for term in chinese.query_terms(query.query_string)
            for p in chinese.term_phrases(term)
            for t in p
        ]
        return _phrase_clause(tokens, fields) if tokens else {"match_none": {}}


class AutocompleteCompiler(es8.Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = Mapping


@purges_pages
class Index(es8.Elasticsearch8Index):
    mapping_class = Mapping

    def _refresh_if_asked(self):
        if getattr(settings, "ELASTICSEARCH_REFRESH_ON_WRITE", False):
            self.refresh()

    def add_item(self, item):
        super().add_item(item)
        self._refresh_if_asked()

    def add_items(self, model, items):
        super().add_items(model, items)
        self._refresh_if_asked()

    def delete_item(self, item):
        super().delete_item(item)
        self._refresh_if_asked()


class Backend(es8.Elasticsearch8SearchBackend):
    mapping_class = Mapping
    index_class = Index
    query_compiler_class = Compiler
    autocomplete_query_compiler_class = AutocompleteCompiler
    settings = {
        "settings": {
            "analysis": {
                "analyzer": {
                    "jingjian_autocomplete": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase"],
                    }
                }
            }
        }
    }


SearchBackend = Backend  # the name Wagtail looks up in a backend module
