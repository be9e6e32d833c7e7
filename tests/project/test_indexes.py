"""Every foreign key is served by exactly one index that leads with it.

An index leading with the key serves joins and the look-ups a delete cascades
to (PostgreSQL does not make one for a foreign key by itself); a second,
single-column index on the same key, beside a longer one that leads with it, is
only more to write on every INSERT and UPDATE of a table of millions of rows.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db

APPS = ("accounts", "tickets", "notifications", "service_levels", "macros")


def _indexes(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        c["columns"]
        for c in constraints.values()
        if (c["index"] or c["unique"] or c["primary_key"]) and c["columns"]
    ]


def _foreign_keys() -> list[tuple[str, str]]:
    return [
        (model._meta.db_table, field.column)
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.local_fields
        if isinstance(field, models.ForeignKey)
    ]


@pytest.mark.parametrize(("table", "column"), _foreign_keys())
def test_a_foreign_key_is_served_by_one_index(table, column):
    leading = [cols for cols in _indexes(table) if cols[0] == column]

    assert leading, f"{table}.{column}: no index leads with it"
    if any(len(cols) > 1 for cols in leading):
        assert [column] not in leading, (
            f"{table}.{column}: an index of its own, and a longer one leads with it: {leading}"
        )
