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
`read_as_rows` turns a queryset into one whose items are `Row`s: objects with
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


def read_as_rows(
    queryset: QuerySet, serializer: serializers.Serializer, *, also: Iterable[str] = ()
) -> QuerySet:
    """`queryset`, its items as Rows holding what `serializer` reads (and the `also` columns).

    Unchanged when the serializer needs models. `also` names columns or
    annotations the caller needs besides (a pagination's ordering, say); those
    the queryset does not have are left out.
    """
    columns = columns_for(serializer)
    if columns is None:
        return queryset
    own = list(columns.own)
    for name in also:
        if name not in own and (
            name in queryset.query.annotations or _model_field(queryset.model, name) is not None
        ):
            own.append(name)
    names = tuple(own)
    joined = tuple(f"{r.name}__{c}" for r in columns.related for c in r.columns)
    rows = queryset.values_list(*names, *joined)
    rows._iterable_class = _iterable(names, columns)
    return rows


_ITERABLES: dict[tuple[tuple[str, ...], Columns], type] = {}


def _iterable(names: tuple[str, ...], columns: Columns) -> type:
    """A values_list iterable that yields Rows (Django's own kind of hook for values_list)."""
    key = (names, columns)
    if (found := _ITERABLES.get(key)) is not None:
        return found
    pk_index = names.index(columns.pk)
    related = []
    start = len(names)
    for r in columns.related:
        end = start + len(r.columns)
        related.append((r.name, names.index(r.key), r.columns, start, end, r.columns.index(r.pk)))
        start = end

    def rows(self: ValuesListIterable) -> Iterator[Row]:
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
            yield Row(row)

    found = _ITERABLES[key] = type("RowIterable", (ValuesListIterable,), {"__iter__": rows})
    return found
