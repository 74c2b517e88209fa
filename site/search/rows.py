"""What ``update_index`` hands the database backend: ids of objects, read as plain rows.

Wagtail's rebuild loads every object through its model (about a third of the Python time of a
PostgreSQL rebuild: model, modelcluster and StreamField set-up per page) only for the indexers
to read a few fields. For the database backend, ``update_index`` instead gives ``PlainRows``
(ids and the queryset they come from); the index reads the search fields' columns with one
``values()`` query, each top-level relation with one query per batch, and hands the indexers
stand-in objects that carry exactly those values. The indexers are the same code that indexes a
published page (``search_backends.searchable_texts``), so both give the same entry.

A model with a search field that only the object can give (a method or property, taggit's
tags, a reverse one-to-one relation) is loaded as objects, as before.
"""

from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ManyToManyField
from modelsearch.index import AutocompleteField, RelatedFields, SearchField

from jingjian.search.backends import parental_m2m_targets, preload_parental_m2m


class PlainRows:
    """A batch of objects to index: ``pks`` of ``queryset``'s model (a list for Wagtail's
    command, which counts and iterates its batches)."""

    def __init__(self, queryset, pks):
        self.queryset = queryset
        self.model = queryset.model
        self.pks = list(pks)

    def __len__(self):
        return len(self.pks)

    def __iter__(self):
        return iter(self.objects())

    def objects(self):
        """The model objects themselves, in id order."""
        return list(self.queryset.filter(pk__in=self.pks).order_by("pk"))

    def load(self):
        """(objects or stand-ins, preloaded relations) for the indexers."""
        plan = row_plan(self.model)
        if plan is None:
            objs = self.objects()
            return objs, preload_parental_m2m(self.model, objs)
        return _stand_ins(self, *plan)


class _Row:
    """An object's searchable values, where the indexers expect the object."""

    def __init__(self, values):
        self.__dict__.update(values)


@cache
def row_plan(model):
    """(stand-in class, columns to read, top-level relations as (name, kind, field)), or
    ``None`` if some search field can only be read from the object."""
    columns, relations = {"pk"}, []
    for field in model.get_search_fields():
        if not isinstance(field, SearchField | AutocompleteField | RelatedFields):
            continue  # filter fields hold no text
        try:
            django_field = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            return None  # a method or property
        if isinstance(field, RelatedFields):
            kind = _relation_kind(django_field)
            if kind is None:
                return None
            relations.append((field.field_name, kind, django_field))
            if kind == "forward":
                columns.add(django_field.attname)
        elif django_field.concrete and not django_field.is_relation:
            columns.add(django_field.attname)
        else:
            return None  # a relation or tag manager searched as a value
    stand_in = type(
        f"{model.__name__}Row",
        (_Row,),
        {"_meta": model._meta, "get_search_fields": model.get_search_fields},
    )
    return stand_in, sorted(columns), relations


def _relation_kind(django_field):
    if django_field.concrete and (django_field.many_to_one or django_field.one_to_one):
        target = django_field.target_field
        return "forward" if target.primary_key else None
    if isinstance(django_field, ManyToManyField):  # modelcluster's too; not taggit's tags
        return "many"
    if django_field.one_to_many:
        return "children"
    return None


def _stand_ins(batch, stand_in, columns, relations):
    rows = (
        batch.queryset.select_related(None)
        .prefetch_related(None)
        .filter(pk__in=batch.pks)
        .order_by("pk")
        .values(*columns)
    )
    objs = [stand_in(row) for row in rows]
    pks = [obj.pk for obj in objs]
    preloaded = {}
    for name, kind, django_field in relations:
        if kind == "forward":
            ids = {getattr(obj, django_field.attname) for obj in objs} - {None}
            related = {
                item.pk: item
                for item in django_field.related_model._base_manager.filter(pk__in=ids)
            }
            found = {}
            for obj in objs:
                key = getattr(obj, django_field.attname)
                found[obj.pk] = [] if key is None else [related[key]]
        elif kind == "many":
            found = parental_m2m_targets(batch.model, name, pks)
        else:
            found = _children(django_field, pks)
        for pk, items in found.items():
            preloaded[(name, pk)] = items
    return objs, preloaded


def _children(relation, pks):
    """{pk: [child objects]} of a reverse foreign key, in the child model's order."""
    child = relation.related_model
    key = relation.field
    ordering = list(child._meta.ordering or []) + ["pk"]
    found = {pk: [] for pk in pks}
    for item in child._default_manager.filter(**{f"{key.name}__in": pks}).order_by(*ordering):
        found[getattr(item, key.attname)].append(item)
    return found
