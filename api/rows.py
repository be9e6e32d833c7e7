"""Pages read as rows: the columns an output-only serializer needs, worked out from its fields.

Building model instances is a third of a ticket list's time at a million
tickets (docs/BENCHMARKS.md, issue 18): 26 tickets and their users, each
through `Model.from_db`, `__init__` and its signals, to be read once by the
serializer and thrown away. A page read with `values_list` costs a fraction of
that. `columns_for` works out, once per serializer class and set of fields,
which columns the serializer reads:

- a concrete, non-relational model field: its column;
- a hyperlinked identity field: the primary key;
- a nested output-only model serializer of a foreign key (the reporter, say):
  that serializer's columns across the join, and the key to know a null;
- a field listed in the serializer's `Meta.row_reads` (method fields and
  fields over `*`): the attributes it says it reads.

Any other field makes it answer None, and the view reads models as before, so a
field added later is served right even before it says what it reads.
`rows_of` gives a queryset whose items are `Row`s: objects with
those columns as attributes (`pk` included, the related objects nested), which
the serializers, the workflow and the pagination read as they read models.
tests/api/test_list_from_rows.py compares the answers both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable
from rest_framework import serializers

from api.representation import ReadOnlyRepresentation


class Row:
    """One object read from a row: its values as attributes."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    def __repr__(self) -> str:
        return f"Row({self.__dict__!r})"


@dataclass(frozen=True)
class _Related:
    name: str  # the attribute, e.g. "reporter"
    key: str  # the foreign key's column, e.g. "reporter_id": None means no object
    columns: tuple[str, ...]  # the related model's, e.g. ("id", "username")
    pk: str  # the related model's primary key column


@dataclass(frozen=True)
class Columns:
    """What to read for one serializer: the model's own columns and the related objects'."""

    pk: str
    own: tuple[str, ...]
    related: tuple[_Related, ...]


_COLUMNS: dict[tuple[type, tuple[str, ...]], Columns | None] = {}


def columns_for(serializer: serializers.Serializer) -> Columns | None:
    """The columns `serializer` reads, or None if some field needs a model instance."""
    key = (type(serializer), tuple(serializer.fields))
    try:
        return _COLUMNS[key]
    except KeyError:
        columns = _COLUMNS[key] = _work_out(serializer)
        return columns


def _model_field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _plain_column(model: type[Model], field: serializers.Field) -> str | None:
    """The column a field reads straight off the model, if that is all it reads."""
    if len(field.source_attrs) != 1 or isinstance(field, serializers.RelatedField):
        return None
    model_field = _model_field(model, field.source_attrs[0])
    if model_field is None or not model_field.concrete or model_field.is_relation:
        return None
    return model_field.attname


def _work_out(serializer: serializers.Serializer, *, nested: bool = False) -> Columns | None:
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or not isinstance(serializer, ReadOnlyRepresentation):
        return None
    declared = getattr(meta, "row_reads", {})
    pk = model._meta.pk.attname
    own: dict[str, None] = {pk: None}  # ordered, without repeats
    related: list[_Related] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if name in declared and not nested:
            own.update(dict.fromkeys(declared[name]))
        elif isinstance(field, serializers.HyperlinkedIdentityField):
            continue  # the primary key
        elif (column := _plain_column(model, field)) is not None:
            own[column] = None
        elif isinstance(field, serializers.ModelSerializer) and not nested:
            foreign_key = _model_field(model, field.source)
            inner = _work_out(field, nested=True)
            if inner is None or foreign_key is None or not foreign_key.many_to_one:
                return None
            own[foreign_key.attname] = None
            related.append(_Related(field.source, foreign_key.attname, inner.own, inner.pk))
        else:
            return None
    return Columns(pk=pk, own=tuple(own), related=tuple(related))


def rows_of(
    model: type[Model], serializer: serializers.Serializer, *, also: Iterable[str] = ()
) -> QuerySet | None:
    """All of `model`'s objects as Rows holding what `serializer` reads, or None.

    None when the serializer needs models. `also` names more columns the caller
    needs (a pagination's ordering, say); annotations added later (a search's
    rank) come along by themselves. Narrow it as any queryset (filter, order,
    slice; not select_related or only, which rows do not need). The queryset
    is set up once per process: naming 30 columns across joins is a tenth of a
    list's time when done per request.
    """
    columns = columns_for(serializer)
    if columns is None:
        return None
    key = (model, columns, tuple(also))
    template = _TEMPLATES.get(key)
    if template is None:
        names = tuple(dict.fromkeys([*columns.own, *(a for a in also if _model_field(model, a))]))
        joined = tuple(f"{r.name}__{c}" for r in columns.related for c in r.columns)
        template = model._default_manager.values_list(*names, *joined)
        # The hook Django's own values_list(named=True) uses for its items.
        template._iterable_class = _iterable(names, len(joined), columns)
        _TEMPLATES[key] = template
    return template.all()


_TEMPLATES: dict[tuple[type, Columns, tuple[str, ...]], QuerySet] = {}


def _iterable(names: tuple[str, ...], joined: int, columns: Columns) -> type:
    """A values_list iterable that yields Rows."""
    pk_index = names.index(columns.pk)
    related = []
    start = len(names)
    for r in columns.related:
        end = start + len(r.columns)
        related.append((r.name, names.index(r.key), r.columns, start, end, r.columns.index(r.pk)))
        start = end
    selected = len(names) + joined

    def rows(self: ValuesListIterable) -> Iterator[Row]:
        query = self.queryset.query
        # Annotations added after values_list come last, in this order.
        added = tuple(a for a in query.annotation_select if a not in self.queryset._fields)
        for values in ValuesListIterable.__iter__(self):
            row = dict(zip(names, values, strict=False))
            row["pk"] = values[pk_index]
            for name, key, inner, first, last, inner_pk in related:
                if values[key] is None:
                    row[name] = None
                else:
                    mine = values[first:last]
                    related_row = dict(zip(inner, mine, strict=True))
                    related_row["pk"] = mine[inner_pk]
                    row[name] = Row(related_row)
            if added:
                row.update(zip(added, values[selected:], strict=True))
            yield Row(row)

    return type("RowIterable", (ValuesListIterable,), {"__iter__": rows})
