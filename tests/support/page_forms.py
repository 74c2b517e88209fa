"""The editor's forms for the two page types, as the admin posts them (``nested_form_data``):
a page's current values, with ``changes`` on top."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def exemplar_form(page, **changes):
    fields = {
        "title": page.title,
        "slug": page.slug,
        "date": page.date.isoformat(),
        "name": page.name,
        "gender": page.gender,
        "ethnicity": page.ethnicity,
        "birth_year": str(page.birth_year),
        "birth_month": str(page.birth_month or ""),
        "political_status": page.political_status,
        "unit": page.unit,
        "post": page.post,
        "category": str(page.category_id),
        "summary": page.summary,
        "citation": page.citation,
        "deeds": streamfield([]),
        "honours": inline_formset([]),
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)


def case_study_form(page, facts="<p>2023年，王某推诿扯皮。</p>", **changes):
    fields = {
        "title": page.title,
        "slug": page.slug,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "subject": page.subject,
        "summary": page.summary,
        "unit_type": str(page.unit_type_id),
        "source": page.source,
        "date_handled": page.date_handled.isoformat(),
        "facts": streamfield([("paragraph", rich_text(facts))]),
        "handlings": inline_formset(
            [{"pseudonym": "王某", "post": "某局原副局长", "discipline_form": "2"}]
        ),
        "lessons": page.lessons,
        "comments": inline_formset([]),
    }
    fields.update(changes)
    return nested_form_data(fields)
