"""The reader search's documents: one per live page of a registered content type, built from what
the type declares (``jingjian.core.content_types.ContentType``) and nothing else.

Every document holds the same shared fields (``elastic.PageDocument``) and one keyword field per
facet of its type, named as the facet (``problem_type``, ``year``), its values from the facet's
own definition (``Facet.values_by_page``), so a filter means on Elasticsearch what it means on
the database and on the listing. Documents are read from the database in batches, as plain rows
(a query per declared lookup, whatever the batch's size); publishing and rebuilding build them
the same way, so a rebuilt index equals one kept up to date page by page.
"""

import re
from types import SimpleNamespace

from jingjian.core import chinese, content_types, visibility
from jingjian.core.text import html_to_text

# Names the shared fields take; a facet may not be called so.
SHARED_FIELDS = frozenset(
    {
        "page_id",
        "page_type",
        "title",
        "title_tokens",
        "summary_tokens",
        "body_tokens",
        "all_tokens",
        "highlight_text",
        "visibility",
        "restrictions",
        "restriction_count",
        "live",
        "first_published_at",
    }
)


def body_text(summary, streams):
    """The reader-facing text below a title, from a summary and StreamField values read in their
    stored (raw) form, so that no block is converted (the index builds this for every page). One
    line per paragraph (``text.html_to_text``): a phrase never runs from one paragraph into the
    next."""
    parts = [summary]
    for stream in streams:
        for item in stream.raw_data:
            kind, value = item["type"], item["value"]
            if kind == "paragraph":
                parts.append(html_to_text(value))
            elif kind == "heading":
                parts.append(value)
            elif kind == "quote":
                parts.append(value["text"])
    return "\n".join(p.strip() for p in parts if p and p.strip())


def page_text(page):
    """``body_text`` of a page instance, as its content type declares it (snippets)."""
    content_type = content_types.of(page)
    if content_type is None:
        return str(getattr(page, "summary", "") or "")
    streams = [getattr(page, name) for name in content_type.body_streams]
    return body_text(getattr(page, content_type.summary_field, ""), streams)


def _searched_label(model, lookup):
    """What readers call the field a ``searched`` lookup reads (以案说法, 类别), without the note
    for editors a label may carry in brackets (当事人(脱敏))."""
    label = str(model._meta.get_field(lookup.split("__")[0]).verbose_name)
    return re.sub(r"\s*[(（][^()（）]*[)）]$", "", label)


def searched_passages(pages):
    """{pk: [(label, text), …]}: what search reads of each page but does not show under its
    title (the ``searched`` lookups of its type, in their order, empty ones left out), for a
    snippet when a term is found only there. A query per related lookup and type, whatever the
    number of pages (``pages`` are specific instances)."""
    by_type = {}
    for page in pages:
        content_type = content_types.of(page)
        if content_type is not None:
            by_type.setdefault(content_type, []).append(page)
    passages = {}
    for content_type, typed in by_type.items():
        model = content_type.page_model()
        queryset = model.objects.filter(pk__in=[page.pk for page in typed])
        related = {
            lookup: _related_texts(queryset, lookup, separator="、")
            for lookup in content_type.searched
            if "__" in lookup
        }
        for page in typed:
            found = []
            for lookup in content_type.searched:
                if lookup in related:
                    text = related[lookup].get(page.pk, "")
                else:
                    text = str(getattr(page, lookup, "") or "")
                if text.strip():
                    found.append((_searched_label(model, lookup), text))
            passages[page.pk] = found
    return passages


def _shared_fields(values, body, extra_text, access):
    """The fields every document has, from a page's plain ``values`` (pk, title, summary, live,
    first_published_at), its ``body``, the text searched but not shown, and ``access``
    (``visibility.index_fields``)."""
    title = values["title"]
    text = f"{title}\n{body}"
    folded = chinese.normalize(text)
    if len(folded) == len(text):
        # Normalized once for tokens and highlighting alike (nothing changed length).
        highlight_text = folded
        title_tokens = chinese.normalized_index_text(folded[: len(title)])
        body_tokens = chinese.normalized_index_text(folded[len(title) + 1 :])
    else:
        highlight_text = chinese.normalize_same_length(text)
        title_tokens, body_tokens = chinese.index_text(title), chinese.index_text(body)
    return {
        "page_id": values["pk"],
        "title": title,
        "title_tokens": title_tokens,
        "summary_tokens": chinese.index_text(values["summary"]),
        "body_tokens": f"{body_tokens} {chinese.index_text(extra_text)}",
        "highlight_text": highlight_text,
        "live": values["live"],
        "first_published_at": values["first_published_at"],
        "visibility": access["visibility"],
        "restrictions": access["restrictions"],
        "restriction_count": len(access["restrictions"]),
    }


def _related_texts(queryset, lookup, separator=" "):
    """{pk: "value value"} of a lookup across a relation (one query, values in their order)."""
    found = {}
    for pk, value in queryset.values_list("pk", lookup).order_by("pk", lookup):
        if value not in (None, ""):
            found.setdefault(pk, []).append(str(value))
    return {pk: separator.join(values) for pk, values in found.items()}


def sources(content_type, ids):
    """{pk: ``_source``} of the live pages of ``content_type`` among ``ids``."""
    model = content_type.page_model()
    queryset = model.objects.live().filter(pk__in=ids)
    local = [name for name in content_type.searched if "__" not in name]
    related = [name for name in content_type.searched if "__" in name]
    columns = ["pk", "path", "title", "live", "first_published_at", content_type.summary_field]
    columns += [*content_type.body_streams, *local]
    rows = list(queryset.values(*dict.fromkeys(columns)))
    if not rows:
        return {}
    texts = {lookup: _related_texts(queryset, lookup) for lookup in related}
    facets = {facet.name: facet.values_by_page(queryset) for facet in content_type.facets}
    access = visibility.index_fields_many([SimpleNamespace(**row) for row in rows])
    documents = {}
    for row in rows:
        pk = row["pk"]
        summary = row[content_type.summary_field] or ""
        body = body_text(summary, [row[name] for name in content_type.body_streams])
        searched = [
            str(row[name] or "") if name in local else texts[name].get(pk, "")
            for name in content_type.searched
        ]
        values = {**row, "summary": summary}
        document = _shared_fields(values, body, " ".join(searched), access[pk])
        document["page_type"] = content_type.name
        for facet in content_type.facets:
            document[facet.name] = facets[facet.name].get(pk, [])
        documents[pk] = document
    return documents


def document_for(page):
    """The ``_source`` of a live page's document; ``None`` for a page of no registered type or
    one that is not live."""
    content_type = content_types.of(page)
    if content_type is None:
        return None
    return sources(content_type, [page.pk]).get(page.pk)


def facet_names():
    """Every facet name of the registered types (the documents' keyword fields)."""
    return list(dict.fromkeys(f.name for t in content_types.registered() for f in t.facets))
