# The dashboard's median time to first reply read from an index alone, built
# with CREATE INDEX CONCURRENTLY: a million-ticket table stays writable meanwhile.

from django.db import migrations, models

from helpdesk.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0013_backfill_first_staff_reply_at"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("first_staff_reply_at__isnull", False)),
                fields=["created_at", "first_staff_reply_at"],
                name="tickets_created_first_reply",
            ),
        ),
    ]
