"""Migrations after this issue build indexes on the big tables without blocking writes.

At a million tickets, `CREATE INDEX` on the ticket, message or event table
holds a lock that stops every write (new tickets, replies, status changes)
until it is built. `AddIndexConcurrently` (`CREATE INDEX CONCURRENTLY`, in a
migration with `atomic = False`) does not. The check walks the migration
graph: every migration of the tickets app after BASELINE (the last one when
the rule was made; older ones ran on small tables) that would build an index
on one of those tables any other way is named, with the way to fix it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader

APP = "tickets"
BASELINE = (APP, "0008_translatable_names")
BIG_TABLES = {"ticket", "message", "ticketevent"}  # model names: tickets_ticket, ...
TABLE_NAMES = {"tickets_ticket", "tickets_message", "tickets_ticketevent"}
FIX = "use AddIndexConcurrently (helpdesk.migration_operations) in a migration with atomic = False"


def _indexed(field: models.Field | None) -> bool:
    return field is not None and not field.primary_key and (field.db_index or field.unique)


def blocking_index_builds(loader: MigrationLoader, graph: MigrationGraph) -> list[str]:
    """Each operation after BASELINE that would lock a big table while an index builds."""
    known = set(graph.forwards_plan(BASELINE))
    found = []
    for key in graph.forwards_plan(graph.leaf_nodes(APP)[0]):
        if key[0] != APP or key in known:
            continue
        migration = graph.nodes[key]
        parents = tuple(parent.key for parent in graph.node_map[key].parents)
        state = loader.project_state(parents, at_end=True)
        for operation in migration.operations:
            problem = _blocking(operation, state, migration)
            if problem:
                found.append(f"{key[0]}.{key[1]}: {problem}: {FIX}")
            operation.state_forwards(APP, state)
    return found


def _blocking(operation, state, migration) -> str | None:
    model = getattr(operation, "model_name", None) or getattr(operation, "name", "")
    model = model.lower() if isinstance(model, str) else ""
    if isinstance(operation, AddIndexConcurrently):
        if migration.atomic:
            return f"AddIndexConcurrently {operation.index.name} in an atomic migration"
        return None
    if isinstance(operation, migrations.RunSQL):
        sql = str(operation.sql)
        for statement in re.findall(r"create\s+(?:unique\s+)?index\s[^;]*", sql, re.I):
            touched = any(table in statement.lower() for table in TABLE_NAMES)
            if touched and "concurrently" not in statement.lower():
                return "RunSQL CREATE INDEX without CONCURRENTLY"
        return None
    if model not in BIG_TABLES:
        return None
    if isinstance(operation, migrations.AddIndex):
        return f"AddIndex {operation.index.name} on {model}"
    if isinstance(operation, migrations.AddConstraint) and isinstance(
        operation.constraint, models.UniqueConstraint
    ):
        return f"AddConstraint {operation.constraint.name} (a unique index) on {model}"
    if isinstance(operation, migrations.AddField) and _indexed(operation.field):
        return f"AddField {model}.{operation.name} with an index"
    if isinstance(operation, migrations.AlterField) and _indexed(operation.field):
        before = state.models[APP, model].fields.get(operation.name)
        if not _indexed(before):
            return f"AlterField {model}.{operation.name} adds an index"
    if isinstance(operation, migrations.AlterUniqueTogether) and operation.unique_together:
        return f"AlterUniqueTogether on {model}"
    return None


@pytest.fixture
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def test_no_migration_after_the_baseline_blocks_writes_to_build_an_index(loader):
    assert BASELINE in loader.graph.nodes, "the baseline migration is gone: update BASELINE"
    assert blocking_index_builds(loader, loader.graph) == []


def _plant(loader: MigrationLoader, name: str, operations: list, *, atomic: bool = True) -> None:
    """A migration after the tickets app's last one, added to the loaded graph."""
    parent = loader.graph.leaf_nodes(APP)[0]
    migration = type(
        "Migration",
        (migrations.Migration,),
        {"dependencies": [parent], "operations": operations, "atomic": atomic},
    )(name, APP)
    loader.graph.add_node((APP, name), migration)
    loader.graph.add_dependency(migration, (APP, name), parent)
    loader.graph.validate_consistency()


INDEX = models.Index(fields=["subject"], name="tickets_planted_subject")


@pytest.mark.parametrize(
    ("operations", "atomic", "says"),
    [
        ([migrations.AddIndex("ticket", INDEX)], True, "AddIndex tickets_planted_subject"),
        ([migrations.AddIndex("message", INDEX)], True, "AddIndex"),
        (
            [migrations.AddField("ticketevent", "code", models.CharField(db_index=True))],
            True,
            "AddField ticketevent.code",
        ),
        (
            [migrations.AlterField("ticket", "subject", models.CharField(db_index=True))],
            True,
            "AlterField ticket.subject",
        ),
        (
            [
                migrations.AddConstraint(
                    "ticket", models.UniqueConstraint(fields=["subject"], name="tickets_planted_u")
                )
            ],
            True,
            "a unique index",
        ),
        (
            [migrations.RunSQL("CREATE INDEX planted ON tickets_message (body);")],
            True,
            "without CONCURRENTLY",
        ),
        ([AddIndexConcurrently("ticket", INDEX)], True, "in an atomic migration"),
    ],
)  # fmt: skip
def test_it_names_a_planted_blocking_index_build(loader, operations, atomic, says):
    _plant(loader, "0999_planted", operations, atomic=atomic)
    (problem,) = blocking_index_builds(loader, loader.graph)
    assert problem.startswith("tickets.0999_planted: ")
    assert says in problem
    assert "AddIndexConcurrently" in problem


def test_it_accepts_a_concurrent_index_and_indexes_on_small_tables(loader):
    _plant(
        loader,
        "0999_planted",
        [
            AddIndexConcurrently("ticket", INDEX),
            migrations.RunSQL("CREATE INDEX CONCURRENTLY planted ON tickets_message (body);"),
        ],
        atomic=False,
    )
    assert blocking_index_builds(loader, loader.graph) == []
