"""Full-text search: a weighted search document per ticket, on PostgreSQL.

The document is a generated column, so PostgreSQL keeps it up to date on every
insert and update (the services and the bulk loader alike) and a GIN index
serves `@@` queries. Elsewhere (SQLite) the column stays NULL and search falls
back to a word-by-word contains match.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func

SEARCH_CONFIG = "english"


class TicketSearchDocument(Func):
    """setweight(subject, A) || setweight(description, B), as a tsvector."""

    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(F("subject"), F("description"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        subject, subject_params = compiler.compile(self.source_expressions[0])
        description, description_params = compiler.compile(self.source_expressions[1])
        config = f"'{SEARCH_CONFIG}'::regconfig"
        sql = (
            f"setweight(to_tsvector({config}, COALESCE({subject}, '')), 'A')"
            f" || setweight(to_tsvector({config}, COALESCE({description}, '')), 'B')"
        )
        return sql, [*subject_params, *description_params]
