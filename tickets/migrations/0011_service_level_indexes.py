# The indexes of the time-based rules and the service levels, built with
# CREATE INDEX CONCURRENTLY: a million-ticket table stays writable meanwhile.

from helpdesk.migration_operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0010_service_levels_and_rules"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status", "resolved")),
                fields=["resolved_at", "id"],
                name="tickets_resolved_waiting",
            ),
        ),
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("sla_next_due__isnull", False)),
                fields=["sla_next_due", "id"],
                name="tickets_sla_next_due",
            ),
        ),
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("sla_policy__isnull", False)),
                fields=["sla_policy"],
                name="tickets_sla_policy",
            ),
        ),
    ]
